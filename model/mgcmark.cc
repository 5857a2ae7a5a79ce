// Port of Go 1.10.2 src/runtime/mgcmark.go.
#include "model/mgcmark.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "model/float64.h"
#include "sim/check.h"

namespace gogcsim::model {

Marker::Marker(Malloc* malloc, ObjectGraph* graph, Sched* sched, GcController* controller, uint64_t seed)
    : malloc_(malloc),
      heap_(&malloc->heap()),
      graph_(graph),
      sched_(sched),
      wbufs_(sched->wbufs()),
      c_(controller),
      rng_(sim::Rng::Stream(seed, "gc.enlistWorker")) {}

void Marker::MarkRootPrepare() {
  nDataRoots = 0;
  if (!markrootDone) {
    nDataRoots = static_cast<uint32_t>((globals_bytes + kRootBlockBytes - 1) / kRootBlockBytes);
    const uint64_t unswept = heap_->sweepSpans[heap_->sweepgen / 2 % 2].size();
    nSpanRoots = static_cast<uint32_t>((unswept + kSweepBlockEntries - 1) / kSweepBlockEntries);
    stack_roots_.clear();
    for (const auto& g : sched_->allgs()) stack_roots_.push_back(g.get());
    nStackRoots = static_cast<uint32_t>(stack_roots_.size());
  } else {
    nSpanRoots = 0;
    nStackRoots = 0;
  }
  markrootNext = 0;
  markrootJobs = kFixedRootCount + nDataRoots + nSpanRoots + nStackRoots;
}

bool Marker::MarkWorkAvailable(const P* p) const {
  if (p != nullptr && !p->gcw.Empty()) return true;
  if (!wbufs_->FullEmpty()) return true;
  return markrootNext < markrootJobs;
}

void Marker::MarkRoot(P* p, uint32_t job) {
  const CostModel& cost = sched_->costs();
  sched_->Charge(cost.root_job_ns);
  uint32_t i = job;
  if (i < kFixedRootCount) return;  // no finalizers or dead G stacks to scan
  i -= kFixedRootCount;
  if (i < nDataRoots) {
    // One 256 KiB block of the data segment and its share of the globals.
    const uint64_t per = (globals.size() + nDataRoots - 1) / nDataRoots;
    const uint64_t lo = std::min<uint64_t>(globals.size(), i * per);
    const uint64_t hi = std::min<uint64_t>(globals.size(), lo + per);
    const uint64_t bytes = std::min(kRootBlockBytes, globals_bytes - i * kRootBlockBytes);
    sched_->Charge(GoInt64(cost.stack_scan_ns_per_byte * static_cast<double>(bytes)));
    for (uint64_t k = lo; k < hi; k++) {
      if (globals[k] != 0) GreyObject(globals[k], &p->gcw);
    }
    return;
  }
  i -= nDataRoots;
  if (i < nSpanRoots) return;  // span specials: no finalizers here
  i -= nSpanRoots;
  G* g = stack_roots_[i];
  g->gcscandone = true;
  if (g->status == GStatus::kDead) return;
  sched_->Charge(GoInt64(cost.stack_scan_ns_per_byte * static_cast<double>(g->stack_bytes)));
  for (uint64_t r : g->roots) {
    if (r != 0) GreyObject(r, &p->gcw);
  }
}

void Marker::GreyObject(uint64_t addr, GcWork* gcw) {
  // heapBitsForObject: only in-use heap spans hold objects.
  MSpan* s = heap_->LookupMaybe(addr);
  if (s == nullptr || s->state != SpanState::kInUse || addr < s->base() || addr >= s->limit) return;
  sched_->Charge(sched_->costs().grey_ns);
  const uint64_t idx = s->ObjIndex(addr);
  if (s->MarkBit(idx)) return;
  s->SetMarkBit(idx);
  if (NoscanOf(s->spanclass)) {
    gcw->bytesMarked += s->elemsize;
    return;
  }
  if (gcw->Put(s->base() + idx * s->elemsize)) EnlistWorker();
}

void Marker::ScanObject(uint64_t b, P* p) {
  GcWork* gcw = &p->gcw;
  MSpan* s = heap_->SpanOf(b);
  GOGCSIM_CHECK(s != nullptr && s->state == SpanState::kInUse);
  uint64_t n = s->elemsize;
  uint64_t base = s->base() + s->ObjIndex(b) * n;
  if (n > kMaxObletBytes) {
    base = s->base();
    if (b == base) {
      if (NoscanOf(s->spanclass)) {
        gcw->bytesMarked += n;
        return;
      }
      // Split the large object into oblets queued for later.
      for (uint64_t oblet = b + kMaxObletBytes; oblet < base + s->elemsize; oblet += kMaxObletBytes) {
        if (gcw->Put(oblet)) EnlistWorker();
      }
    }
    n = base + s->elemsize - b;
    if (n > kMaxObletBytes) n = kMaxObletBytes;
  }
  const HeapObject* obj = graph_->Find(*s, base);
  GOGCSIM_CHECK(obj != nullptr);
  const uint64_t off = b - base;
  const uint64_t i = ScanWorkFor(n, obj->scanSize, off);
  sched_->Charge(GoInt64(sched_->costs().scan_ns_per_byte * static_cast<double>(i)));
  if (off == 0) {
    for (uint64_t ref : obj->refs) GreyObject(ref, gcw);
  }
  gcw->bytesMarked += n;
  gcw->scanWork += static_cast<int64_t>(i);
}

void Marker::EnlistWorker() {
  // Preempt a random other P so it can pick up a dedicated worker.
  if (c_->dedicatedMarkWorkersNeeded <= 0) return;
  const int n = sched_->gomaxprocs();
  if (n <= 1 || sched_->current_p() == nullptr) return;
  int id = static_cast<int>(rng_.UniformInt(static_cast<uint64_t>(n - 1)));
  if (id >= sched_->current_p()->id) id++;
  P* victim = sched_->ps()[id].get();
  if (victim->curg != nullptr) victim->curg->preempt = true;
}

uint64_t Marker::TryGetGrey(GcWork* gcw) {
  if (wbufs_->FullEmpty() && gcw->Balance()) EnlistWorker();
  return gcw->TryGet();
}

void Marker::DrainStart(P* p, int flags, DrainState* st) {
  st->flags = flags;
  st->initScanWork = p->gcw.scanWork;
  st->checkWork = std::numeric_limits<int64_t>::max();
  if ((flags & (kDrainIdle | kDrainFractional)) != 0) st->checkWork = st->initScanWork + kDrainCheckThreshold;
  st->rootsDone = false;
}

bool Marker::DrainStep(P* p, G* g, DrainState* st) {
  GcWork* gcw = &p->gcw;
  const bool preemptible = (st->flags & kDrainUntilPreempt) != 0;
  const bool flushBgCredit = (st->flags & kDrainFlushBgCredit) != 0;
  // The drain's periodic check: pollWork for idle workers,
  // pollFractionalWorkerExit for fractional ones.
  auto check = [&]() -> bool {
    if ((st->flags & kDrainIdle) != 0) return !sched_->GlobalRunqEmpty() || !sched_->LocalRunqEmpty(p);
    if ((st->flags & kDrainFractional) != 0) {
      const int64_t now = sched_->Now();
      const int64_t delta = now - c_->markStartTime;
      if (delta <= 0) return true;
      const int64_t selfTime = p->gcFractionalMarkTime + (now - p->gcMarkWorkerStartTime);
      return static_cast<double>(selfTime) / static_cast<double>(delta) > 1.2 * c_->fractionalUtilizationGoal;
    }
    return false;
  };
  const int64_t chunk = sched_->costs().gc_step_ns;
  bool finished = false;
  if (!st->rootsDone) {
    while (!(preemptible && g->preempt)) {
      if (markrootNext >= markrootJobs) break;
      MarkRoot(p, markrootNext++);
      if (check()) {
        finished = true;
        break;
      }
      if (sched_->charged() >= chunk) return false;  // continue next step
    }
    if (!finished) st->rootsDone = true;
  }
  while (!finished && !(preemptible && g->preempt)) {
    const uint64_t b = TryGetGrey(gcw);
    if (b == 0) break;
    ScanObject(b, p);
    if (gcw->scanWork >= kGcCreditSlack) {
      c_->scanWork += gcw->scanWork;
      if (flushBgCredit) {
        FlushBgCredit(gcw->scanWork - st->initScanWork);
        st->initScanWork = 0;
      }
      st->checkWork -= gcw->scanWork;
      gcw->scanWork = 0;
      if (st->checkWork <= 0) {
        st->checkWork += kDrainCheckThreshold;
        if (check()) break;
      }
      if (sched_->charged() >= chunk) return false;  // continue next step
    }
  }
  if (gcw->scanWork > 0) {
    c_->scanWork += gcw->scanWork;
    if (flushBgCredit) FlushBgCredit(gcw->scanWork - st->initScanWork);
    gcw->scanWork = 0;
  }
  return true;
}

void Marker::DrainAll(P* p) {
  GcWork* gcw = &p->gcw;
  while (markrootNext < markrootJobs) MarkRoot(p, markrootNext++);
  for (;;) {
    const uint64_t b = TryGetGrey(gcw);
    if (b == 0) break;
    ScanObject(b, p);
  }
}

int64_t Marker::DrainN(P* p, G* g, int64_t scanWork) {
  GcWork* gcw = &p->gcw;
  int64_t workFlushed = -gcw->scanWork;
  while (!g->preempt && workFlushed + gcw->scanWork < scanWork) {
    const uint64_t b = TryGetGrey(gcw);
    if (b == 0) {
      if (markrootNext < markrootJobs) {
        MarkRoot(p, markrootNext++);
        continue;
      }
      break;
    }
    ScanObject(b, p);
    if (gcw->scanWork >= kGcCreditSlack) {
      c_->scanWork += gcw->scanWork;
      workFlushed += gcw->scanWork;
      gcw->scanWork = 0;
    }
  }
  return workFlushed + gcw->scanWork;
}

void Marker::MarkNewObject(P* p, MSpan* s, uint64_t obj, uint64_t size, uint64_t scanSize) {
  s->SetMarkBit(s->ObjIndex(obj));
  p->gcw.bytesMarked += size;
  p->gcw.scanWork += static_cast<int64_t>(scanSize);
  if (blackenPromptly) Dispose(p);
}

void Marker::MarkTinyAllocs() {
  for (const auto& p : sched_->ps()) {
    if (p->mcache->tiny != 0) GreyObject(p->mcache->tiny, &p->gcw);
  }
}

void Marker::Dispose(P* p) { p->gcw.Dispose(&bytesMarked, &c_->scanWork); }

Marker::Assist Marker::AssistAlloc(P* p, G* g) {
  for (;;) {  // retry:
    // Scan work to do for the debt, at least gcOverAssistWork.
    int64_t debtBytes = -g->gcAssistBytes;
    int64_t scanWork = GoInt64(c_->assistWorkPerByte * static_cast<double>(debtBytes));
    if (scanWork < kGcOverAssistWork) {
      scanWork = kGcOverAssistWork;
      debtBytes = GoInt64(c_->assistBytesPerWork * static_cast<double>(scanWork));
    }
    // Steal background credit first.
    const int64_t bgScanCredit = c_->bgScanCredit;
    int64_t stolen = 0;
    if (bgScanCredit > 0) {
      if (bgScanCredit < scanWork) {
        stolen = bgScanCredit;
        g->gcAssistBytes += 1 + GoInt64(c_->assistBytesPerWork * static_cast<double>(stolen));
      } else {
        stolen = scanWork;
        g->gcAssistBytes += debtBytes;
      }
      c_->bgScanCredit -= stolen;
      scanWork -= stolen;
      if (scanWork == 0) return Assist::kDone;  // paid entirely with stolen credit
    }
    // gcAssistAlloc1: do the scan work ourselves.
    bool completed = false;
    if (!blackenEnabled) {
      g->gcAssistBytes = 0;  // the cycle ended meanwhile
    } else {
      const int64_t startTime = sched_->Now();
      nwait--;
      const int64_t workDone = DrainN(p, g, scanWork);
      if (blackenPromptly) Dispose(p);
      g->gcAssistBytes += 1 + GoInt64(c_->assistBytesPerWork * static_cast<double>(workDone));
      nwait++;
      GOGCSIM_CHECK(nwait <= nproc);
      if (nwait == nproc && !MarkWorkAvailable(nullptr)) completed = true;
      const int64_t duration = sched_->Now() - startTime;
      p->gcAssistTime += duration;
      if (p->gcAssistTime > kGcAssistTimeSlack) {
        c_->assistTime += p->gcAssistTime;
        p->gcAssistTime = 0;
      }
    }
    if (completed) return Assist::kDoneMarkDone;  // the caller runs gcMarkDone
    if (std::optional<Assist> end = AssistEnd(g)) return *end;
  }
}

Marker::Assist Marker::AssistAfterMarkDone(P* p, G* g) {
  if (std::optional<Assist> end = AssistEnd(g)) return *end;
  return AssistAlloc(p, g);  // goto retry
}

std::optional<Marker::Assist> Marker::AssistEnd(G* g) {
  // if gp.gcAssistBytes < 0 { ... }
  if (g->gcAssistBytes >= 0) return Assist::kDone;
  if (g->preempt) return Assist::kGosched;
  // gcParkAssist: queue for background credit, unless some appeared.
  if (!blackenEnabled) return Assist::kDone;
  if (c_->bgScanCredit > 0) return std::nullopt;  // goto retry
  assistQueue.push_back(g);
  g->in_assist_queue = true;
  return Assist::kPark;
}

void Marker::WakeAllAssists() {
  // injectglist: every queued assist goes to the global run queue.
  for (G* g : assistQueue) {
    g->in_assist_queue = false;
    sched_->Inject(g);
  }
  assistQueue.clear();
}

void Marker::FlushBgCredit(int64_t scanWork) {
  if (assistQueue.empty()) {
    c_->bgScanCredit += scanWork;
    return;
  }
  int64_t scanBytes = GoInt64(static_cast<double>(scanWork) * c_->assistBytesPerWork);
  while (!assistQueue.empty() && scanBytes > 0) {
    G* g = assistQueue.front();
    if (scanBytes + g->gcAssistBytes >= 0) {
      // Satisfy this assist entirely.
      scanBytes += g->gcAssistBytes;
      g->gcAssistBytes = 0;
      assistQueue.pop_front();
      g->in_assist_queue = false;
      sched_->Ready(g, false);
    } else {
      // Partially satisfy it and move it to the back of the queue.
      g->gcAssistBytes += scanBytes;
      scanBytes = 0;
      if (assistQueue.size() > 1) {
        assistQueue.pop_front();
        assistQueue.push_back(g);
      }
      break;
    }
  }
  if (scanBytes > 0) {
    // Convert what is left back to scan work and make it credit.
    c_->bgScanCredit += GoInt64(static_cast<double>(scanBytes) * c_->assistWorkPerByte);
  }
}

}  // namespace gogcsim::model
