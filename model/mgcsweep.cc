// Port of Go 1.10.2 src/runtime/mgcsweep.go.
#include "model/mgcsweep.h"

#include <bit>

#include "model/float64.h"
#include "sim/check.h"

namespace gogcsim::model {

Sweeper::Sweeper(Malloc* malloc, ObjectGraph* graph, Sched* sched)
    : malloc_(malloc), heap_(&malloc->heap()), graph_(graph), sched_(sched) {}

MCacheStats* Sweeper::LocalStats() {
  P* p = sched_->current_p();
  if (p != nullptr) return &p->mcache->stats;
  if (running_stats_) return running_stats_();
  return local_stats_ != nullptr ? local_stats_ : &no_p_stats_;
}

bool Sweeper::SpanSweep(MSpan* s, bool preserve) {
  const uint32_t sweepgen = heap_->sweepgen;
  if (s->state != SpanState::kInUse || s->sweepgen != sweepgen - 1) GOGCSIM_THROW("MSpan_Sweep: bad span state");
  heap_->Sync(SyncKind::kPagesSwept, {static_cast<int64_t>(s->base()), static_cast<int64_t>(s->npages)},
              &heap_->pagesSwept);
  heap_->pagesSwept += s->npages;
  const SpanClass spc = s->spanclass;
  const uint64_t base = s->base(), npages = s->npages, allocCountBefore = s->allocCount;
  AllocEvents* events = heap_->events();
  const uint64_t size = s->elemsize;
  MCacheStats* c = LocalStats();
  const CostModel& cost = sched_->costs();
  sched_->Charge(cost.sweep_span_ns + cost.sweep_ns_per_object * static_cast<int64_t>(s->nelems));

  // Free every object allocated since the last sweep (below freeindex) or
  // before it (alloc bit), and not marked in the cycle that just ended.
  uint64_t nalloc = 0;
  for (uint64_t i = 0; i < s->nelems; i++) {
    if (s->MarkBit(i)) {
      nalloc++;
    } else if (i < s->freeindex || s->AllocBit(i)) {
      graph_->Free(*s, s->base() + i * size);
      events->OnSweepFree(s->base() + i * size);
      objects_freed++;
      bytes_freed += size;
    }
  }
  bool freeToHeap = false;
  if (SizeClassOf(spc) == 0 && nalloc == 0) {
    s->needzero = 1;
    freeToHeap = true;
  }
  if (nalloc > s->allocCount) GOGCSIM_THROW("sweep increased allocation count");
  const uint64_t nfreed = s->allocCount - nalloc;
  s->allocCount = static_cast<uint16_t>(nalloc);
  const bool wasempty = s->NextFreeIndex() == s->nelems;
  s->freeindex = 0;  // reset allocation index to start of span
  // The mark bits become the alloc bits; fresh zeroed mark bits.
  s->allocBits.swap(s->gcmarkBits);
  std::fill(s->gcmarkBits.begin(), s->gcmarkBits.end(), 0);
  s->RefillAllocCache(0);

  if (freeToHeap || nfreed == 0) {
    if (s->state != SpanState::kInUse || s->sweepgen != sweepgen - 1) {
      GOGCSIM_THROW("MSpan_Sweep: bad span state after sweep");
    }
    // Serialization point: the span is released.
    heap_->Sync(SyncKind::kSweepRelease, {static_cast<int64_t>(s->base()), sweepgen});
    s->sweepgen = sweepgen;
  }
  bool res = false;
  if (nfreed > 0 && SizeClassOf(spc) != 0) {
    c->local_nsmallfree[SizeClassOf(spc)] += nfreed;
    res = malloc_->central(spc).FreeSpan(s, preserve, wasempty, c);
  } else if (freeToHeap) {
    heap_->FreeSpan(s, 1, c);
    c->local_nlargefree++;
    c->local_largefree += size;
    res = true;
  }
  if (!res) heap_->SweepBufPush(sweepgen / 2 % 2, s);  // swept in-use list
  events->OnSweep(base, spc, npages, allocCountBefore, preserve, res);
  return res;
}

uint64_t Sweeper::SweepOne() {
  // Another sweeper may set sweepdone (below): the read is a sync point.
  heap_->Lock();
  heap_->Sync(SyncKind::kSweepDoneRead, {heap_->sweepdone});
  if (heap_->sweepdone != 0) return ~uint64_t{0};
  heap_->sweepers++;
  uint64_t npages = ~uint64_t{0};
  const uint32_t sg = heap_->sweepgen;
  for (;;) {
    MSpan* s = heap_->SweepBufPop(1 - sg / 2 % 2);
    if (s == nullptr) {
      heap_->Sync(SyncKind::kSweepDoneSet, {});
      heap_->sweepdone = 1;
      break;
    }
    heap_->Lock();  // its sweepgen is claimed by other sweepers too
    if (s->state != SpanState::kInUse) {
      // Freed since it was queued; it must have been swept then.
      if (s->sweepgen != sg) GOGCSIM_THROW("non in-use span in unswept list");
      continue;
    }
    if (s->sweepgen != sg - 2) continue;  // swept by someone else
    heap_->Sync(SyncKind::kSweepClaim, {static_cast<int64_t>(s->base()), sg});
    s->sweepgen = sg - 1;
    npages = s->npages;
    if (!SpanSweep(s, false)) npages = 0;  // still in use: no pages went back to the heap
    break;
  }
  heap_->sweepers--;
  return npages;
}

void Sweeper::DeductSweepCredit(uint64_t spanBytes, uint64_t callerSweepPages) {
  // Another P may set the ratio to 0 (below): the read is a sync point.
  heap_->Lock();
  heap_->Sync(SyncKind::kSweepRateRead, {std::bit_cast<int64_t>(heap_->sweepPagesPerByte)});
  if (heap_->sweepPagesPerByte == 0) return;  // proportional sweep is done or off
  for (;;) {
    const uint64_t sweptBasis = heap_->pagesSweptBasis;
    heap_->Sync(SyncKind::kHeapLiveRead, {}, &malloc_->memstats().heap_live);
    const int64_t pagesTarget = PagesTarget(malloc_->memstats().heap_live, spanBytes, callerSweepPages);
    bool retry = false;
    while (pagesTarget > static_cast<int64_t>(ReadPagesSwept() - sweptBasis)) {
      if (SweepOne() == ~uint64_t{0}) {
        heap_->Sync(SyncKind::kSweepRateZero, {});
        heap_->sweepPagesPerByte = 0;
        break;
      }
      if (heap_->pagesSweptBasis != sweptBasis) {
        retry = true;  // the basis was reset (a new cycle's trigger)
        break;
      }
    }
    if (!retry) return;
  }
}

int64_t Sweeper::PagesTarget(uint64_t heap_live, uint64_t spanBytes, uint64_t callerSweepPages) const {
  const uint64_t newHeapLive = heap_live - heap_->sweepHeapLiveBasis + spanBytes;
  return GoInt64(heap_->sweepPagesPerByte * static_cast<double>(newHeapLive)) - static_cast<int64_t>(callerSweepPages);
}

void Sweeper::GcSweep() {
  heap_->sweepgen += 2;
  heap_->sweepdone = 0;
  if (!heap_->sweepSpans[heap_->sweepgen / 2 % 2].empty()) GOGCSIM_THROW("non-empty swept list");
  heap_->pagesSwept = 0;
  nbgsweep = 0;
  npausesweep = 0;
  WakeBgSweeper();
}

void Sweeper::FinishSweep() {
  while (SweepOne() != ~uint64_t{0}) npausesweep++;
}

void Sweeper::StartBgSweeper() {
  // gcenable: go bgsweep(c); it parks at once until the first gcSweep.
  bgsweep_g_ = sched_->NewG("bgsweep", &bgsweep_body_, nullptr);
}

void Sweeper::WakeBgSweeper() {
  if (parked_) {
    parked_ = false;
    sched_->Ready(bgsweep_g_, true);
  }
}

GStep Sweeper::BgSweep::Step(Sched& sched, P* p, G* g) {
  // One span per step, then Gosched, as bgsweep does.
  if (s_->SweepOne() != ~uint64_t{0}) {
    s_->nbgsweep++;
    return GStep::kGosched;
  }
  sched.Charge(sched.costs().schedule_ns);
  s_->parked_ = true;
  return GStep::kPark;
}

}  // namespace gogcsim::model
