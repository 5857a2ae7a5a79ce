// Port of Go 1.10.2 src/runtime/mcentral.go.
#include "model/mcentral.h"

#include "sim/check.h"

namespace gogcsim::model {

void MCentral::Init(SpanClass spc, MHeap* heap, MemStats* memstats) {
  spanclass_ = spc;
  heap_ = heap;
  memstats_ = memstats;
}

MSpan* MCentral::CacheSpan(MCacheStats* c) {
  const int sizeclass = SizeClassOf(spanclass_);
  const uint64_t spanBytes = uint64_t{kClassToAllocNPages[sizeclass]} * kPageSize;
  // Deduct credit for this span allocation and sweep if necessary.
  heap_->hooks()->DeductSweepCredit(spanBytes, 0);
  heap_->Lock();
  const uint32_t sg = heap_->sweepgen;
  MSpan* s = nullptr;
retry:
  for (s = nonempty_.first; s != nullptr; s = s->next) {
    // Sweepers claim and release spans without this lock: each sweepgen
    // read is ordered with them.
    heap_->Lock();
    if (s->sweepgen == sg - 2) {
      // Unswept: sweep it ourselves; it has free space by being on nonempty.
      heap_->Sync(SyncKind::kSweepClaim, {static_cast<int64_t>(s->base()), sg});
      s->sweepgen = sg - 1;
      nonempty_.Remove(s);
      empty_.InsertBack(s);
      heap_->hooks()->Sweep(s, true);
      goto havespan;
    }
    if (s->sweepgen == sg - 1) {  // being swept by the background sweeper
      heap_->Sync(SyncKind::kBeingSwept, {static_cast<int64_t>(s->base())});
      continue;
    }
    // Swept, with free space.
    nonempty_.Remove(s);
    empty_.InsertBack(s);
    heap_->Sync(SyncKind::kCentralTake, {spanclass_, static_cast<int64_t>(s->base()), 1});
    goto havespan;
  }
  for (s = empty_.first; s != nullptr; s = s->next) {
    heap_->Lock();
    if (s->sweepgen == sg - 2) {
      // Unswept and full: sweeping may free something.
      heap_->Sync(SyncKind::kSweepClaim, {static_cast<int64_t>(s->base()), sg});
      s->sweepgen = sg - 1;
      empty_.Remove(s);
      empty_.InsertBack(s);
      heap_->hooks()->Sweep(s, true);
      const uint64_t freeIndex = s->NextFreeIndex();
      if (freeIndex != s->nelems) {
        s->freeindex = freeIndex;
        goto havespan;
      }
      heap_->Lock();
      goto retry;  // s is still on empty, now swept
    }
    if (s->sweepgen == sg - 1) {
      heap_->Sync(SyncKind::kBeingSwept, {static_cast<int64_t>(s->base())});
      continue;
    }
    break;  // swept full spans are at the end of the list
  }
  // The walk found nothing: unlock(&c.lock), then grow.
  heap_->Sync(SyncKind::kCentralTake, {spanclass_, 0, 0});
  // Replenish central list if empty.
  s = Grow(c);
  if (s == nullptr) return nullptr;
  heap_->Lock();
  empty_.InsertBack(s);
  heap_->Sync(SyncKind::kCentralTake, {spanclass_, static_cast<int64_t>(s->base()), 2});

havespan: {
  const int64_t cap = static_cast<int64_t>((s->npages << kPageShift) / s->elemsize);
  const int64_t n = cap - static_cast<int64_t>(s->allocCount);
  if (n == 0 || s->freeindex == s->nelems || s->allocCount == s->nelems) {
    GOGCSIM_THROW("span has no free objects");
  }
  nmalloc_ += static_cast<uint64_t>(n);
  // The whole span's free space now counts as live until it is uncached.
  const uint64_t usedBytes = uint64_t{s->allocCount} * s->elemsize;
  heap_->Sync(SyncKind::kHeapLive, {static_cast<int64_t>(spanBytes) - static_cast<int64_t>(usedBytes)},
              &memstats_->heap_live);
  memstats_->heap_live += static_cast<uint64_t>(static_cast<int64_t>(spanBytes) -
                                                static_cast<int64_t>(usedBytes));
  const uint64_t heap_live = memstats_->heap_live;  // as this add left it
  if (heap_->hooks()->BlackenEnabled()) heap_->hooks()->Revise();
  s->incache = true;
  s->ncached++;
  const uint64_t freeByteBase = s->freeindex & ~uint64_t{63};
  s->RefillAllocCache(freeByteBase / 8);
  // Adjust the allocCache so that ctz finds freeindex's bit at position 0.
  s->allocCache >>= s->freeindex % 64;
  heap_->events()->OnCacheSpan(*s, heap_live);
  return s;
}
}

uint64_t MCentral::PeekCacheSpanBase() const {
  const uint32_t sg = heap_->sweepgen;
  for (const MSpan* s = nonempty_.first; s != nullptr; s = s->next) {
    if (s->sweepgen == sg - 2) return 0;
    if (s->sweepgen == sg - 1) continue;
    return s->base();
  }
  for (const MSpan* s = empty_.first; s != nullptr; s = s->next) {
    if (s->sweepgen == sg - 2) return 0;
    if (s->sweepgen == sg - 1) continue;
    break;
  }
  return heap_->PeekAllocBase(kClassToAllocNPages[SizeClassOf(spanclass_)]);
}

void MCentral::UncacheSpan(MSpan* s) {
  heap_->Lock();
  s->incache = false;
  if (s->allocCount == 0) GOGCSIM_THROW("uncaching span but s.allocCount == 0");
  const int64_t cap = static_cast<int64_t>((s->npages << kPageShift) / s->elemsize);
  const int64_t n = cap - static_cast<int64_t>(s->allocCount);
  if (n > 0) {
    empty_.Remove(s);
    nonempty_.Insert(s);
    // The objects never allocated from this span are not live after all.
    heap_->Sync(SyncKind::kHeapLive, {-n * static_cast<int64_t>(s->elemsize)}, &memstats_->heap_live);
    memstats_->heap_live -= static_cast<uint64_t>(n) * s->elemsize;
    nmalloc_ -= static_cast<uint64_t>(n);
  }
  heap_->Sync(SyncKind::kUncache, {spanclass_, static_cast<int64_t>(s->base()), s->allocCount},
              &memstats_->heap_live);
  heap_->events()->OnUncacheSpan(*s, memstats_->heap_live);
}

bool MCentral::FreeSpan(MSpan* s, bool preserve, bool wasempty, MCacheStats* c) {
  if (s->incache) GOGCSIM_THROW("freeSpan given cached span");
  s->needzero = 1;
  if (preserve) {
    // Preserve is set only when called from cacheSpan: leave it where it is.
    if (!s->InList()) GOGCSIM_THROW("can't preserve unlinked span");
    heap_->Sync(SyncKind::kSweepRelease, {static_cast<int64_t>(s->base()), heap_->sweepgen});
    s->sweepgen = heap_->sweepgen;
    return false;
  }
  heap_->Lock();
  heap_->Sync(SyncKind::kCentralFree, {spanclass_, static_cast<int64_t>(s->base()), s->allocCount, wasempty});
  if (wasempty) {
    empty_.Remove(s);
    nonempty_.Insert(s);
  }
  s->sweepgen = heap_->sweepgen;
  if (s->allocCount != 0) return false;
  nonempty_.Remove(s);
  heap_->FreeSpan(s, 0, c);
  return true;
}

MSpan* MCentral::Grow(MCacheStats* c) {
  const int sizeclass = SizeClassOf(spanclass_);
  const uint64_t npages = kClassToAllocNPages[sizeclass];
  const uint64_t size = kClassToSize[sizeclass];
  const uint64_t n = (npages << kPageShift) / size;
  MSpan* s = heap_->Alloc(npages, spanclass_, false, true, c);
  if (s == nullptr) return nullptr;
  s->limit = s->base() + size * n;
  s->InitSpanBits();
  return s;
}

}  // namespace gogcsim::model
