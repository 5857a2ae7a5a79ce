// Port of Go 1.10.2 src/runtime/mheap.go (and mspan's methods from mbitmap.go,
// mallocinit's reservation and mheap.sysAlloc from malloc.go).
#include "model/mheap.h"

#include <algorithm>
#include <bit>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/check.h"
#include "sim/out_of_memory.h"

namespace gogcsim::model {
namespace {
uint64_t Round(uint64_t n, uint64_t a) { return (n + a - 1) & ~(a - 1); }

// The sync point kind with values v, then *read if given (up to 4 in all).
SyncPoint MakeSyncPoint(SyncKind kind, std::initializer_list<int64_t> v, const uint64_t* read) {
  SyncPoint sp{kind};
  GOGCSIM_CHECK(v.size() + (read != nullptr ? 1 : 0) <= 4);
  for (int64_t x : v) sp.v[sp.n++] = x;
  if (read != nullptr) {
    sp.read = read;
    sp.v[sp.n++] = static_cast<int64_t>(*read);
  }
  return sp;
}
}  // namespace

// ---- mspan ----------------------------------------------------------------

void MSpan::Init(uint64_t b, uint64_t np) {
  // Go's spanalloc does not zero recycled structures; init resets exactly
  // these fields and leaves the rest (sweepgen, nelems, limit, ...) as they were.
  next = prev = nullptr;
  list = nullptr;
  startAddr = b;
  npages = np;
  allocCount = 0;
  spanclass = 0;
  incache = false;
  elemsize = 0;
  state = SpanState::kDead;
  unusedsince = 0;
  npreleased = 0;
  needzero = 0;
  freeindex = 0;
  allocBits.clear();
  gcmarkBits.clear();
}

void MSpan::RefillAllocCache(uint64_t whichByte) {
  // Eight bytes of allocBits starting at whichByte (a multiple of 8), inverted.
  allocCache = ~allocBits[whichByte / 8];
}

uint64_t MSpan::NextFreeIndex() {
  uint64_t sfreeindex = freeindex;
  const uint64_t snelems = nelems;
  if (sfreeindex == snelems) return sfreeindex;
  if (sfreeindex > snelems) GOGCSIM_THROW("s.freeindex > s.nelems");
  uint64_t aCache = allocCache;
  int bitIndex = std::countr_zero(aCache);
  while (bitIndex == 64) {
    // Move to the start of the next 64 cached bits.
    sfreeindex = (sfreeindex + 64) & ~uint64_t{63};
    if (sfreeindex >= snelems) {
      freeindex = snelems;
      return snelems;
    }
    RefillAllocCache(sfreeindex / 8);
    aCache = allocCache;
    bitIndex = std::countr_zero(aCache);
  }
  const uint64_t result = sfreeindex + static_cast<uint64_t>(bitIndex);
  if (result >= snelems) {
    freeindex = snelems;
    return snelems;
  }
  // Go's shift by 64 yields 0 (C++'s would be undefined).
  allocCache = bitIndex == 63 ? 0 : allocCache >> static_cast<unsigned>(bitIndex + 1);
  sfreeindex = result + 1;
  if (sfreeindex % 64 == 0 && sfreeindex != snelems) RefillAllocCache(sfreeindex / 8);
  freeindex = sfreeindex;
  return result;
}

uint64_t MSpan::PeekNextFreeIndex() const {
  uint64_t sfreeindex = freeindex;
  if (sfreeindex == nelems) return sfreeindex;
  if (sfreeindex > nelems) GOGCSIM_THROW("s.freeindex > s.nelems");
  uint64_t aCache = allocCache;
  int bitIndex = std::countr_zero(aCache);
  while (bitIndex == 64) {
    sfreeindex = (sfreeindex + 64) & ~uint64_t{63};
    if (sfreeindex >= nelems) return nelems;
    aCache = ~allocBits[sfreeindex / 64];
    bitIndex = std::countr_zero(aCache);
  }
  return std::min(sfreeindex + static_cast<uint64_t>(bitIndex), nelems);
}

bool MSpan::IsFree(uint64_t index) const {
  if (index < freeindex) return false;
  return !AllocBit(index);
}

uint64_t MSpan::ObjIndex(uint64_t p) const {
  const uint64_t byteOffset = p - base();
  if (byteOffset == 0) return 0;
  if (baseMask != 0) return byteOffset >> divShift;  // power-of-two size
  return ((byteOffset >> divShift) * static_cast<uint64_t>(divMul)) >> divShift2;
}

void MSpan::InitSpanBits() {
  const uint64_t total = npages << kPageShift;
  nelems = elemsize > 0 ? total / elemsize : 0;
  freeindex = 0;
  allocCache = ~uint64_t{0};  // all free
  // newMarkBits/newAllocBits: zeroed, rounded up to 64-bit blocks.
  const uint64_t words = (nelems + 63) / 64;
  gcmarkBits.assign(words, 0);
  allocBits.assign(words, 0);
  if (total % kHeapBitmapScale != 0) GOGCSIM_THROW("initSpan: unaligned length");
}

// ---- mSpanList ------------------------------------------------------------

void MSpanList::Remove(MSpan* s) {
  if (s->list != this) GOGCSIM_THROW("MSpanList_Remove");
  if (first == s) {
    first = s->next;
  } else {
    s->prev->next = s->next;
  }
  if (last == s) {
    last = s->prev;
  } else {
    s->next->prev = s->prev;
  }
  s->next = s->prev = nullptr;
  s->list = nullptr;
}

void MSpanList::Insert(MSpan* s) {
  if (s->next != nullptr || s->prev != nullptr || s->list != nullptr) {
    GOGCSIM_THROW("MSpanList_Insert");
  }
  s->next = first;
  if (first != nullptr) {
    first->prev = s;
  } else {
    last = s;
  }
  first = s;
  s->list = this;
}

void MSpanList::InsertBack(MSpan* s) {
  if (s->next != nullptr || s->prev != nullptr || s->list != nullptr) {
    GOGCSIM_THROW("MSpanList_InsertBack");
  }
  s->prev = last;
  if (last != nullptr) {
    last->next = s;
  } else {
    first = s;
  }
  last = s;
  s->list = this;
}

void MSpanList::TakeAll(MSpanList* other) {
  if (other->IsEmpty()) return;
  for (MSpan* s = other->first; s != nullptr; s = s->next) s->list = this;
  if (IsEmpty()) {
    first = other->first;
    last = other->last;
  } else {
    other->last->next = first;
    first->prev = other->last;
    first = other->first;
  }
  other->first = other->last = nullptr;
}

// ---- mheap ----------------------------------------------------------------

MHeap::MHeap(sim::AddressSpace* os, const sim::Clock* clock, MemStats* memstats, uint64_t seed)
    : os_(os), clock_(clock), memstats_(memstats), freelarge_(seed) {}

void MHeap::MustOk(const absl::Status& st) const {
  // The heap's own bookkeeping decides every OS call; a refusal is a bug.
  if (!st.ok()) GOGCSIM_THROW("simulated OS refused a heap operation: " + std::string(st.message()));
}

absl::Status MHeap::Init() {
  // mallocinit on linux/amd64: spans array, bitmap and arena in one reservation.
  const uint64_t spansSize = Round((kMaxMem + 1) / kPageSize * kPtrSize, kPageSize);
  const uint64_t bitmapSize = Round((kMaxMem + 1) / (kPtrSize * 8 / 2), kPageSize);
  const uint64_t arenaSize = Round(kMaxMem, kPageSize);
  const uint64_t pSize = bitmapSize + spansSize + arenaSize + kPageSize;
  const uint64_t p = sim::kGoHeapReserveStart;
  if (absl::Status st = os_->Reserve(p, pSize); !st.ok()) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("runtime: cannot reserve arena virtual address space: %s", st.message()));
  }
  spans_start_ = p;
  arena_start_ = p + spansSize + bitmapSize;
  bitmap_ = arena_start_;  // one byte past the end of the bitmap
  arena_end_ = p + pSize;
  arena_used_ = arena_alloc_ = arena_start_;
  SetArenaUsed(arena_used_);
  return absl::OkStatus();
}

void MHeap::SetArenaUsed(uint64_t used) {
  // mapBits: map bitmap bytes for the new arena pages, in 8 KiB chunks.
  uint64_t n = (used - arena_start_) / kHeapBitmapScale;
  n = Round(Round(n, 8192), kPhysPageSize);
  if (bitmap_mapped_ < n) {
    MustOk(os_->Map(bitmap_ - n, n - bitmap_mapped_));
    memstats_->gc_sys += n - bitmap_mapped_;
    bitmap_mapped_ = n;
  }
  // mapSpans: map the spans array entries covering the new pages.
  uint64_t sn = (used - arena_start_) / kPageSize * kPtrSize;
  sn = Round(sn, kPhysPageSize);
  const uint64_t need = sn / kPtrSize;
  const uint64_t have = spans_.size();
  if (have < need) {
    MustOk(os_->Map(spans_start_ + have * kPtrSize, (need - have) * kPtrSize));
    memstats_->other_sys += (need - have) * kPtrSize;
    spans_.resize(need, nullptr);
  }
  arena_used_ = used;
}

uint64_t MHeap::SysAlloc(uint64_t n) {
  if (n > arena_end_ - arena_alloc_) {
    // Extend the reservation at its end if the OS lets us.
    const uint64_t p_size = Round(n + kPageSize, 256 << 20);
    const uint64_t new_end = arena_end_ + p_size;
    if (arena_end_ <= new_end && new_end - arena_start_ - 1 <= kMaxMem) {
      // A real OS may place a refused hint elsewhere (Go then strands the
      // rest of the arena, up to strandLimit); the simulated OS never does.
      if (os_->Reserve(arena_end_, p_size).ok()) arena_end_ = new_end;
    }
  }
  if (n <= arena_end_ - arena_alloc_) {
    const uint64_t p = arena_alloc_;
    MustOk(os_->Map(p, n));
    memstats_->heap_sys += n;
    arena_alloc_ += n;
    if (arena_alloc_ > arena_used_) SetArenaUsed(arena_alloc_);
    if ((p & kPageMask) != 0) GOGCSIM_THROW("misrounded allocation in MHeap_SysAlloc");
    return p;
  }
  return 0;
}

MSpan* MHeap::NewSpanStruct() {
  if (!span_free_.empty()) {
    MSpan* s = span_free_.back();
    span_free_.pop_back();
    return s;
  }
  MSpan* s = &span_pool_.emplace_back();
  s->fixaddr = span_pool_.size();
  allspans.push_back(s);  // recordspan
  return s;
}

void MHeap::FreeSpanStruct(MSpan* s) { span_free_.push_back(s); }

void MHeap::Sync(SyncKind kind, std::initializer_list<int64_t> v, const uint64_t* read) const {
  if (sync_ == &default_sync_) return;
  sync_->Pass(MakeSyncPoint(kind, v, read));
}

void MHeap::SweepBufPush(int i, MSpan* s) {
  Sync(SyncKind::kSweepPush, {static_cast<int64_t>(s->base())}, &sweepIndex[i]);
  sweepSpans[i].push_back(s);
  sweepIndex[i] = sweepSpans[i].size();
}

MSpan* MHeap::SweepBufPop(int i) {
  Sync(SyncKind::kSweepPop, {}, &sweepIndex[i]);
  const auto cursor = static_cast<int64_t>(--sweepIndex[i]);  // Xadd(&b.index, -1)
  if (cursor < 0) {
    Sync(SyncKind::kSweepPopUndo, {}, &sweepIndex[i]);
    sweepIndex[i]++;
    return nullptr;
  }
  // Pops take the slots from the top, one at a time, in their order.
  GOGCSIM_CHECK(static_cast<uint64_t>(cursor) + 1 == sweepSpans[i].size());
  MSpan* s = sweepSpans[i].back();
  sweepSpans[i].pop_back();
  return s;
}

void MHeap::Input(SyncKind kind, std::initializer_list<int64_t> v, std::span<int64_t> values) const {
  if (sync_ == &default_sync_) return;
  sync_->Input(MakeSyncPoint(kind, v, nullptr), values);
}

MSpanList* MHeap::BusyList(uint64_t npages) { return npages < kMaxMHeapList ? &busy_[npages] : &busylarge_; }
const MSpanList* MHeap::BusyList(uint64_t npages) const {
  return npages < kMaxMHeapList ? &busy_[npages] : &busylarge_;
}

uint64_t MHeap::ReclaimList(MSpanList* list, uint64_t npages) {
  uint64_t n = 0;
  const uint32_t sg = sweepgen;
retry:
  for (MSpan* s = list->first; s != nullptr; s = s->next) {
    Lock();  // sweepgen is claimed and released without the heap lock
    if (s->sweepgen == sg - 2) {
      Sync(SyncKind::kSweepClaim, {static_cast<int64_t>(s->base()), sg});
      s->sweepgen = sg - 1;
      list->Remove(s);
      list->InsertBack(s);  // back on a busy list; not in the treap
      const uint64_t snpages = s->npages;
      if (hooks_->Sweep(s, false)) n += snpages;
      Lock();  // the sweep ran unlocked
      if (n >= npages) return n;
      goto retry;
    }
    if (s->sweepgen == sg - 1) {  // being swept by someone else
      Sync(SyncKind::kBeingSwept, {static_cast<int64_t>(s->base())});
      continue;
    }
    break;  // all spans from here on are swept
  }
  return n;
}

void MHeap::Reclaim(uint64_t npage) {
  // First try to sweep busy spans with large objects of size >= npage.
  for (uint64_t i = npage; i < kMaxMHeapList; i++) {
    if (ReclaimList(&busy_[i], npage) != 0) return;
  }
  if (ReclaimList(&busylarge_, npage) != 0) return;
  // Then small-object spans of smaller sizes.
  uint64_t reclaimed = 0;
  for (uint64_t i = 0; i < npage && i < kMaxMHeapList; i++) {
    reclaimed += ReclaimList(&busy_[i], npage - reclaimed);
    if (reclaimed >= npage) return;
  }
  // Now sweep everything that is not yet swept, unlocked.
  for (;;) {
    const uint64_t n = hooks_->SweepOne();
    if (n == ~uint64_t{0}) break;
    reclaimed += n;
    if (reclaimed >= npage) break;
  }
  Lock();
}

void MHeap::FlushScanStats(MCacheStats* c) {
  // Under the heap lock, fold the P's scan and tiny counts into memstats.
  if (c == nullptr) return;
  Sync(SyncKind::kHeapScan, {static_cast<int64_t>(c->local_scan)}, &memstats_->heap_scan);
  memstats_->heap_scan += c->local_scan;
  c->local_scan = 0;
  c->scan_flushes++;
  memstats_->tinyallocs += c->local_tinyallocs;
  c->local_tinyallocs = 0;
}

MSpan* MHeap::Alloc(uint64_t npage, SpanClass spanclass, bool large, bool needzero, MCacheStats* c) {
  // alloc_m
  Lock();
  Sync(SyncKind::kSweepDoneRead, {sweepdone});
  if (sweepdone == 0) Reclaim(npage);
  FlushScanStats(c);
  MSpan* s = AllocSpanLocked(npage, &memstats_->heap_inuse);
  if (s != nullptr) {
    s->sweepgen = sweepgen;
    SweepBufPush(sweepgen / 2 % 2, s);  // swept in-use list
    s->state = SpanState::kInUse;
    s->allocCount = 0;
    s->spanclass = spanclass;
    const int sizeclass = SizeClassOf(spanclass);
    if (sizeclass == 0) {
      s->elemsize = s->npages << kPageShift;
      s->divShift = 0;
      s->divMul = 0;
      s->divShift2 = 0;
      s->baseMask = 0;
    } else {
      s->elemsize = kClassToSize[sizeclass];
      const DivMagic& m = kClassToDivMagic[sizeclass];
      s->divShift = m.shift;
      s->divMul = m.mul;
      s->divShift2 = m.shift2;
      s->baseMask = m.base_mask;
    }
    pagesInUse += npage;
    if (large) {
      memstats_->heap_objects++;
      freestats.largealloc += s->elemsize;
      freestats.nlargealloc++;
      Sync(SyncKind::kHeapLive, {static_cast<int64_t>(npage << kPageShift)}, &memstats_->heap_live);
      memstats_->heap_live += npage << kPageShift;
      BusyList(s->npages)->InsertBack(s);
    }
  }
  if (hooks_->BlackenEnabled()) hooks_->Revise();
  if (s != nullptr && large) {
    Sync(SyncKind::kLargeAlloc, {static_cast<int64_t>(s->npages), static_cast<int64_t>(s->base())},
         &memstats_->heap_live);
  } else if (s != nullptr) {
    Sync(SyncKind::kHeapAlloc, {spanclass, static_cast<int64_t>(s->base()), static_cast<int64_t>(s->npages)});
  }
  // alloc: the memory would be cleared here if needzero && s->needzero.
  if (s != nullptr) s->needzero = 0;
  return s;
}

MSpan* MHeap::AllocManual(uint64_t npage, uint64_t* stat) {
  Lock();
  MSpan* s = AllocSpanLocked(npage, stat);
  if (s != nullptr) {
    s->state = SpanState::kManual;
    s->allocCount = 0;
    s->spanclass = 0;
    s->nelems = 0;
    s->elemsize = 0;
    s->limit = s->base() + (s->npages << kPageShift);
    // Manual spans are accounted in *stat, not heap_sys.
    memstats_->heap_sys -= s->npages << kPageShift;
    Sync(SyncKind::kManualAlloc, {static_cast<int64_t>(s->base()), static_cast<int64_t>(s->npages)});
  }
  return s;
}

MSpan* MHeap::AllocSpanLocked(uint64_t npage, uint64_t* stat) {
  MSpan* s = nullptr;
  // Best fit in the exact-size lists, smallest first; then the treap.
  for (uint64_t i = npage; i < kMaxMHeapList; i++) {
    if (!free_[i].IsEmpty()) {
      s = free_[i].first;
      free_[i].Remove(s);
      break;
    }
  }
  if (s == nullptr) {
    s = freelarge_.Remove(npage);
    if (s == nullptr) {
      if (!Grow(npage)) return nullptr;
      s = freelarge_.Remove(npage);
      if (s == nullptr) return nullptr;
    }
  }
  if (s->state != SpanState::kFree) GOGCSIM_THROW("MHeap_AllocLocked - MSpan not free");
  if (s->npages < npage) GOGCSIM_THROW("MHeap_AllocLocked - bad npages");
  if (s->npreleased > 0) {
    // sysUsed: the pages come back from the OS.
    memstats_->heap_released -= s->npreleased << kPageShift;
    s->npreleased = 0;
  }
  if (s->npages > npage) {
    // Trim the tail into a new free span.
    MSpan* t = NewSpanStruct();
    t->Init(s->base() + (npage << kPageShift), s->npages - npage);
    s->npages = npage;
    const uint64_t p = PageIndex(t->base());
    if (p > 0) spans_[p - 1] = s;
    spans_[p] = t;
    spans_[p + t->npages - 1] = t;
    t->needzero = s->needzero;
    s->state = SpanState::kManual;  // prevent coalescing with s
    t->state = SpanState::kManual;
    FreeSpanLocked(t, false, false, s->unusedsince);
    s->state = SpanState::kFree;
  }
  s->unusedsince = 0;
  const uint64_t p = PageIndex(s->base());
  for (uint64_t n = 0; n < npage; n++) spans_[p + n] = s;
  *stat += npage << kPageShift;
  memstats_->heap_idle -= npage << kPageShift;
  if (s->InList()) GOGCSIM_THROW("still in list");
  // The pages are written from now on: resident in the simulated OS.
  MustOk(os_->Touch(s->base(), npage << kPageShift));
  return s;
}

uint64_t MHeap::PeekAllocBase(uint64_t npage) const {
  for (uint64_t i = npage; i < kMaxMHeapList; i++) {
    if (!free_[i].IsEmpty()) return free_[i].first->base();
  }
  if (const MSpan* s = freelarge_.Peek(npage)) return s->base();
  // Grow maps new memory at arena_alloc, which merges with a free span
  // ending there; the merged span is the only one that fits.
  if (arena_alloc_ > arena_start_) {
    const MSpan* last = spans_[PageIndex(arena_alloc_) - 1];
    if (last != nullptr && last->state == SpanState::kFree) return last->base();
  }
  return arena_alloc_;
}

bool MHeap::Grow(uint64_t npage) {
  // Ask for at least 1 MiB, in 64 KiB multiples.
  npage = Round(npage, (64 << 10) / kPageSize);
  uint64_t ask = npage << kPageShift;
  if (ask < kHeapAllocChunk) ask = kHeapAllocChunk;
  uint64_t v = SysAlloc(ask);
  if (v == 0) {
    if (ask > npage << kPageShift) {
      ask = npage << kPageShift;
      v = SysAlloc(ask);
    }
    if (v == 0) {
      // Go prints this line here and its callers all throw("out of memory").
      sim::ThrowOutOfMemory(absl::StrCat("runtime: out of memory: cannot allocate ", ask, "-byte block (",
                                         memstats_->heap_sys, " in use)"));
    }
  }
  // Create a fake in-use span and free it, so that coalescing happens.
  MSpan* s = NewSpanStruct();
  s->Init(v, ask >> kPageShift);
  const uint64_t p = PageIndex(s->base());
  for (uint64_t i = p; i < p + s->npages; i++) spans_[i] = s;
  s->sweepgen = sweepgen;
  s->state = SpanState::kInUse;
  pagesInUse += s->npages;
  FreeSpanLocked(s, false, true, 0);
  return true;
}

MSpan* MHeap::SpanOf(uint64_t p) const {
  if (p == 0 || p < arena_start_ || p >= arena_used_) return nullptr;
  return spans_[PageIndex(p)];
}

MSpan* MHeap::LookupMaybe(uint64_t p) const {
  MSpan* s = SpanOf(p);
  if (s == nullptr || p < s->base() || p >= s->limit || s->state != SpanState::kInUse) {
    return nullptr;
  }
  return s;
}

MSpan* MHeap::SpanAtBase(uint64_t p) const {
  MSpan* s = SpanOf(p);
  return s != nullptr && s->base() == p ? s : nullptr;
}

void MHeap::FreeSpan(MSpan* s, int acct, MCacheStats* c) {
  Lock();
  FlushScanStats(c);
  if (acct != 0) memstats_->heap_objects--;
  if (hooks_->BlackenEnabled()) hooks_->Revise();
  Sync(SyncKind::kHeapFree, {static_cast<int64_t>(s->base()), static_cast<int64_t>(s->npages)});
  FreeSpanLocked(s, true, true, 0);
}

void MHeap::FreeManual(MSpan* s, uint64_t* stat) {
  Lock();
  Sync(SyncKind::kManualFree, {static_cast<int64_t>(s->base()), static_cast<int64_t>(s->npages)});
  s->needzero = 1;
  *stat -= s->npages << kPageShift;
  memstats_->heap_sys += s->npages << kPageShift;
  FreeSpanLocked(s, false, true, 0);
}

void MHeap::FreeSpanLocked(MSpan* s, bool acctinuse, bool acctidle, int64_t unusedsince) {
  switch (s->state) {
    case SpanState::kManual:
      if (s->allocCount != 0) GOGCSIM_THROW("MHeap_FreeSpanLocked - invalid stack free");
      break;
    case SpanState::kInUse:
      if (s->allocCount != 0 || s->sweepgen != sweepgen) {
        GOGCSIM_THROW(absl::StrFormat("MHeap_FreeSpanLocked - span 0x%x allocCount %d sweepgen %d/%d: invalid free",
                                      s->base(), s->allocCount, s->sweepgen, sweepgen));
      }
      pagesInUse -= s->npages;
      break;
    default:
      GOGCSIM_THROW("MHeap_FreeSpanLocked - invalid span state");
  }
  if (acctinuse) memstats_->heap_inuse -= s->npages << kPageShift;
  if (acctidle) memstats_->heap_idle += s->npages << kPageShift;
  s->state = SpanState::kFree;
  if (s->InList()) BusyList(s->npages)->Remove(s);

  // Stamp the span; the scavenger releases spans idle for long.
  s->unusedsince = unusedsince;
  if (unusedsince == 0) s->unusedsince = clock_->Now();
  s->npreleased = 0;

  // Coalesce with earlier, later spans.
  uint64_t p = PageIndex(s->base());
  if (p > 0) {
    MSpan* before = spans_[p - 1];
    if (before != nullptr && before->state == SpanState::kFree) {
      s->startAddr = before->startAddr;
      s->npages += before->npages;
      s->npreleased = before->npreleased;  // absorb released pages
      s->needzero |= before->needzero;
      p -= before->npages;
      spans_[p] = s;
      if (before->npages >= kMaxMHeapList) {
        freelarge_.RemoveSpan(before, before->npages, before->fixaddr);
      } else {
        free_[before->npages].Remove(before);
      }
      before->state = SpanState::kDead;
      FreeSpanStruct(before);
    }
  }
  if (p + s->npages < spans_.size()) {
    MSpan* after = spans_[p + s->npages];
    if (after != nullptr && after->state == SpanState::kFree) {
      s->npages += after->npages;
      s->npreleased += after->npreleased;
      s->needzero |= after->needzero;
      spans_[p + s->npages - 1] = s;
      if (after->npages >= kMaxMHeapList) {
        freelarge_.RemoveSpan(after, after->npages, after->fixaddr);
      } else {
        free_[after->npages].Remove(after);
      }
      after->state = SpanState::kDead;
      FreeSpanStruct(after);
    }
  }
  // Insert s into the appropriate list or treap.
  if (s->npages >= kMaxMHeapList) {
    // The treap insert's fastrand(), and the mspan's address, by which
    // the treap orders equal sizes: Go's comes from persistentalloc's
    // per-P chunks, which the model does not lay out.
    int64_t drawn[2] = {freelarge_.DrawPriority(), static_cast<int64_t>(s->fixaddr)};
    Input(SyncKind::kTreapPriority, {static_cast<int64_t>(s->base())}, drawn);
    s->fixaddr = static_cast<uint64_t>(drawn[1]);
    freelarge_.Insert(s, s->npages, s->fixaddr, static_cast<uint32_t>(drawn[0]));
  } else {
    free_[s->npages].Insert(s);
  }
}

uint64_t MHeap::Scavenge(uint64_t now, uint64_t limit) {
  uint64_t sumreleased = 0;
  auto scavengeSpan = [&](MSpan* s) {
    if (now - static_cast<uint64_t>(s->unusedsince) <= limit || s->npreleased == s->npages) return;
    // physPageSize (4 KiB) <= page size: the whole span can be released.
    const uint64_t start = s->base();
    const uint64_t len = s->npages << kPageShift;
    const uint64_t released = len - (s->npreleased << kPageShift);
    memstats_->heap_released += released;
    sumreleased += released;
    s->npreleased = len >> kPageShift;
    MustOk(os_->Release(start, len));  // sysUnused: madvise(DONTNEED)
  };
  for (uint64_t i = 0; i < kMaxMHeapList; i++) {
    for (MSpan* s = free_[i].first; s != nullptr; s = s->next) scavengeSpan(s);
  }
  freelarge_.Walk([&](const TreapNode& t) { scavengeSpan(t.spanKey); });
  return sumreleased;
}

void MHeap::CheckInvariants() const {
  freelarge_.CheckInvariants();
  uint64_t freeBytes = 0, inuseBytes = 0, manualBytes = 0, inusePages = 0, nfree = 0;
  bool prevFree = false;
  for (uint64_t addr = arena_start_; addr < arena_alloc_;) {
    MSpan* s = spans_[PageIndex(addr)];
    GOGCSIM_CHECK(s != nullptr && s->base() == addr && s->npages > 0);
    const uint64_t p = PageIndex(addr);
    const uint64_t bytes = s->npages << kPageShift;
    GOGCSIM_CHECK(spans_[p + s->npages - 1] == s);
    switch (s->state) {
      case SpanState::kFree:
        GOGCSIM_CHECK(!prevFree);  // free neighbours are always coalesced
        freeBytes += bytes;
        nfree++;
        if (s->npages < kMaxMHeapList)
          GOGCSIM_CHECK(s->list == &free_[s->npages]);
        else
          GOGCSIM_CHECK(s->list == nullptr);
        GOGCSIM_CHECK(s->npreleased <= s->npages);
        break;
      case SpanState::kInUse:
        for (uint64_t i = 0; i < s->npages; i++) GOGCSIM_CHECK(spans_[p + i] == s);
        inuseBytes += bytes;
        inusePages += s->npages;
        if (SizeClassOf(s->spanclass) == 0) GOGCSIM_CHECK(s->list == BusyList(s->npages));
        GOGCSIM_CHECK(s->allocCount <= s->nelems);
        break;
      case SpanState::kManual:
        for (uint64_t i = 0; i < s->npages; i++) GOGCSIM_CHECK(spans_[p + i] == s);
        manualBytes += bytes;
        break;
      case SpanState::kDead:
        GOGCSIM_THROW("dead span in the spans index");
    }
    prevFree = s->state == SpanState::kFree;
    addr += bytes;
  }
  uint64_t listed = freelarge_.size();
  freelarge_.Walk([&](const TreapNode& t) {
    GOGCSIM_CHECK(t.spanKey->state == SpanState::kFree);
    GOGCSIM_CHECK(t.spanKey->npages == t.npagesKey && t.npagesKey >= kMaxMHeapList);
  });
  for (uint64_t i = 0; i < kMaxMHeapList; i++) {
    for (MSpan* s = free_[i].first; s != nullptr; s = s->next) {
      GOGCSIM_CHECK(s->state == SpanState::kFree && s->npages == i);
      listed++;
    }
  }
  GOGCSIM_CHECK(listed == nfree);
  GOGCSIM_CHECK(freeBytes == memstats_->heap_idle);
  GOGCSIM_CHECK(inuseBytes == memstats_->heap_inuse);
  GOGCSIM_CHECK(inusePages == pagesInUse);
  GOGCSIM_CHECK(memstats_->heap_sys + manualBytes == arena_alloc_ - arena_start_);
  GOGCSIM_CHECK(memstats_->heap_sys == memstats_->heap_inuse + memstats_->heap_idle);
}

}  // namespace gogcsim::model
