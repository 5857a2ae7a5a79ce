// Port of Go 1.10.2 src/runtime/malloc.go.
#include "model/malloc.h"

#include <bit>

#include "model/msize.h"
#include "sim/check.h"
#include "sim/out_of_memory.h"

namespace gogcsim::model {
Malloc::Malloc(sim::AddressSpace* os, const sim::Clock* clock, uint64_t seed, uint64_t zerobase)
    : heap_(os, clock, &memstats_, seed), zerobase_(zerobase) {
  for (int i = 0; i < kNumSpanClasses; i++) {
    centrals_[i].Init(static_cast<SpanClass>(i), &heap_, &memstats_);
  }
}

absl::Status Malloc::Init() {
  static_assert(kClassToSize[kTinySizeClass] == kMaxTinySize, "bad TinySizeClass");
  return heap_.Init();
}

SpanClass SmallSpanClass(const AllocRequest& req) {
  if (req.noscan && req.size < kMaxTinySize) return kTinySpanClass;
  return MakeSpanClass(SizeToClass(req.size), req.noscan);
}

uint64_t NextFreeFast(MSpan* s) {
  const int theBit = std::countr_zero(s->allocCache);
  if (theBit < 64) {
    const uint64_t result = s->freeindex + static_cast<uint64_t>(theBit);
    if (result < s->nelems) {
      const uint64_t freeidx = result + 1;
      if (freeidx % 64 == 0 && freeidx != s->nelems) return 0;
      s->allocCache = theBit == 63 ? 0 : s->allocCache >> static_cast<unsigned>(theBit + 1);  // Go: x>>64 == 0
      s->freeindex = freeidx;
      s->allocCount++;
      return result * s->elemsize + s->base();
    }
  }
  return 0;
}

uint64_t Malloc::NextFree(MCache* c, SpanClass spc, MSpan** sp, bool* shouldhelpgc) {
  MSpan* s = c->alloc[spc];
  *shouldhelpgc = false;
  uint64_t freeIndex = s->NextFreeIndex();
  if (freeIndex == s->nelems) {
    // The span is full.
    if (s->allocCount != s->nelems) {
      GOGCSIM_THROW("s.allocCount != s.nelems && freeIndex == s.nelems");
    }
    c->Refill(spc);
    *shouldhelpgc = true;
    s = c->alloc[spc];
    freeIndex = s->NextFreeIndex();
  }
  if (freeIndex >= s->nelems) GOGCSIM_THROW("freeIndex is not valid");
  const uint64_t v = freeIndex * s->elemsize + s->base();
  s->allocCount++;
  if (s->allocCount > s->nelems) GOGCSIM_THROW("s.allocCount > s.nelems");
  *sp = s;
  return v;
}

AllocResult Malloc::Mallocgc(MCache* c, const AllocRequest& req) {
  uint64_t size = req.size;
  if (size == 0) return AllocResult{zerobase_, 0, 0, nullptr, false};
  GcHooks* gc = heap_.hooks();
  const bool blacken = gc->BlackenEnabled();
  // Charge the allocation against the G's assist credit first.
  if (blacken) gc->AssistDebit(static_cast<int64_t>(size), true);

  bool shouldhelpgc = false;
  uint64_t dataSize = size;  // what the object holds (cut to the header for defers)
  const bool noscan = req.noscan;
  AllocResult r;
  if (size <= kMaxSmallSize) {
    if (noscan && size < kMaxTinySize) {
      // Tiny allocator: combine several pointer-free allocations into one
      // 16-byte block, aligned by the size's alignment.
      const uint64_t off = TinyAlignedOffset(c->tinyoffset, size);
      if (off + size <= kMaxTinySize && c->tiny != 0) {
        // Fits into the existing block.
        const uint64_t x = c->tiny + off;
        c->tinyoffset = off + size;
        c->stats.local_tinyallocs++;
        return AllocResult{x, 0, 0, heap_.SpanOf(x), true};
      }
      // Allocate a new 16-byte block.
      MSpan* span = c->alloc[kTinySpanClass];
      uint64_t v = NextFreeFast(span);
      if (v == 0) v = NextFree(c, kTinySpanClass, &span, &shouldhelpgc);
      // Keep whichever block has more space left after this allocation.
      if (size < c->tinyoffset || c->tiny == 0) {
        c->tiny = v;
        c->tinyoffset = size;
      }
      size = kMaxTinySize;
      r.addr = v;
      r.span = span;
      r.tiny = true;
    } else {
      const int sizeclass = SizeToClass(size);
      size = kClassToSize[sizeclass];
      const SpanClass spc = MakeSpanClass(sizeclass, noscan);
      MSpan* span = c->alloc[spc];
      uint64_t v = NextFreeFast(span);
      if (v == 0) v = NextFree(c, spc, &span, &shouldhelpgc);
      // (needzero && span->needzero would clear the memory here.)
      r.addr = v;
      r.span = span;
    }
  } else {
    shouldhelpgc = true;
    MSpan* s = LargeAlloc(c, size, req.needzero, noscan);
    s->freeindex = 1;
    s->allocCount = 1;
    r.addr = s->base();
    r.span = s;
    size = s->elemsize;
  }
  r.size = size;

  uint64_t scanSize = 0;
  if (!noscan) {
    if (req.defer_block) dataSize = kDeferSize;
    // heapBitsSetType would describe the pointers; what the pacer sees is
    // the scannable size: for arrays, all elements but the last's tail.
    if (dataSize > req.typsize) {
      if (req.ptrdata != 0) scanSize = dataSize - req.typsize + req.ptrdata;
    } else {
      scanSize = req.ptrdata;
    }
    c->stats.local_scan += scanSize;
  }
  r.scanSize = scanSize;

  // Allocate black during a cycle.
  if (gc->MarkPhase()) gc->MarkNewObject(r.span, r.addr, size, scanSize);

  // Charge the rounding slack too.
  if (blacken) gc->AssistDebit(static_cast<int64_t>(size - dataSize), false);

  if (shouldhelpgc) gc->MaybeStartGC();
  return r;
}

MSpan* Malloc::LargeAlloc(MCache* c, uint64_t size, bool needzero, bool noscan) {
  if (size + kPageSize < size) sim::ThrowOutOfMemory("");
  uint64_t npages = size >> kPageShift;
  if ((size & kPageMask) != 0) npages++;
  // Sweep at least as many pages as we allocate, if sweeping is behind.
  heap_.hooks()->DeductSweepCredit(npages * kPageSize, npages);
  MSpan* s = heap_.Alloc(npages, MakeSpanClass(0, noscan), true, needzero, &c->stats);
  if (s == nullptr) GOGCSIM_THROW("out of memory");
  s->limit = s->base() + size;
  s->InitSpanBits();
  heap_.events()->OnLargeAlloc(*s, memstats_.heap_live);
  return s;
}

uint64_t Malloc::NMalloc(absl::Span<MCache* const> caches) const {
  uint64_t n = heap_.freestats.nlargealloc + memstats_.tinyallocs;
  for (const MCentral& c : centrals_) n += c.nmalloc();
  for (const MCache* c : caches) {
    n += c->stats.local_tinyallocs;
    for (const MSpan* s : c->alloc) {
      if (c->IsEmptySpan(s)) continue;
      n -= (s->npages << kPageShift) / s->elemsize - s->allocCount;  // uncacheSpan's share
    }
  }
  return n;
}

void Malloc::CheckInvariants(absl::Span<MCache* const> caches) const {
  heap_.CheckInvariants();
  uint64_t cachedCount = 0;
  for (const MCache* c : caches) {
    for (int i = 0; i < kNumSpanClasses; i++) {
      const MSpan* s = c->alloc[i];
      if (c->IsEmptySpan(s)) continue;
      cachedCount++;
      GOGCSIM_CHECK(s->incache && s->spanclass == i && s->state == SpanState::kInUse);
      GOGCSIM_CHECK(s->list == &centrals_[i].empty());
    }
    if (c->tiny != 0) {
      const MSpan* s = heap_.SpanOf(c->tiny);
      GOGCSIM_CHECK(s != nullptr && s->spanclass == kTinySpanClass && c->tinyoffset <= kMaxTinySize);
    }
  }
  uint64_t incache = 0;
  for (int i = 0; i < kNumSpanClasses; i++) {
    const MCentral& mc = centrals_[i];
    for (const MSpanList* l : {&mc.nonempty(), &mc.empty()}) {
      const MSpan* prev = nullptr;
      for (const MSpan* s = l->first; s != nullptr; prev = s, s = s->next) {
        GOGCSIM_CHECK(s->list == l && s->prev == prev);
        GOGCSIM_CHECK(s->state == SpanState::kInUse && s->spanclass == i);
        GOGCSIM_CHECK(s->allocCount <= s->nelems);
        if (s->incache) {
          GOGCSIM_CHECK(l == &mc.empty());
          incache++;
        }
      }
      GOGCSIM_CHECK(l->last == prev);
    }
  }
  GOGCSIM_CHECK(incache == cachedCount);
}

void Malloc::CheckHeapLiveBeforeFirstGC() const {
  // cacheSpan adds spanBytes - allocCount*elemsize, uncacheSpan subtracts the
  // still-free slots, so each hand-out nets its tail waste plus what was
  // allocated while cached.
  uint64_t want = 0;
  for (const MSpan* s : heap_.allspans) {
    if (s->state != SpanState::kInUse) continue;
    if (SizeClassOf(s->spanclass) == 0) {
      want += s->npages << kPageShift;
      continue;
    }
    const uint64_t spanBytes = s->npages << kPageShift;
    const uint64_t cap = spanBytes / s->elemsize;
    want += uint64_t{s->allocCount} * s->elemsize + s->ncached * (spanBytes - cap * s->elemsize);
    if (s->incache) want += (cap - s->allocCount) * s->elemsize;
  }
  if (want != memstats_.heap_live) {
    GOGCSIM_THROW("heap_live " + std::to_string(memstats_.heap_live) +
                  " != sum over spans " + std::to_string(want));
  }
}

}  // namespace gogcsim::model
