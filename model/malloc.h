// Port of Go 1.10.2 src/runtime/malloc.go: mallocinit and mallocgc with its
// tiny, small and large paths, over the heap, centrals and mcaches.
//
// Objects have no payload: an allocation yields an address, the block size,
// and the scannable prefix the collector will charge as scan work.
#ifndef GOGCSIM_MODEL_MALLOC_H_
#define GOGCSIM_MODEL_MALLOC_H_

#include <array>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "model/mcache.h"
#include "model/mcentral.h"
#include "model/mheap.h"
#include "model/mstats.h"
#include "sim/address_space.h"
#include "sim/clock.h"

namespace gogcsim::model {

inline constexpr uint64_t kMaxTinySize = 16;  // _TinySize
inline constexpr int kTinySizeClass = 2;      // 16-byte class
inline constexpr SpanClass kTinySpanClass = MakeSpanClass(kTinySizeClass, true);

// What mallocgc is asked for: newobject/newarray/makeslice... reduce to this.
struct AllocRequest {
  uint64_t size = 0;     // bytes requested
  uint64_t typsize = 0;  // typ.size (0 when typ is nil)
  uint64_t ptrdata = 0;  // typ.ptrdata: prefix of one element holding pointers
  bool noscan = true;    // typ == nil or typ has no pointers
  bool needzero = true;
  // typ is runtime._defer (newdefer's block of a defer and its arguments):
  // only the header counts as data, so the arguments are neither in the
  // heap bitmap nor in scan work.
  bool defer_block = false;
};

// runtime._defer in Go 1.10 on amd64: siz, started, sp, pc, fn, _panic,
// link; 48 bytes, all of them up to link's end holding pointers.
inline constexpr uint64_t kDeferSize = 48;

struct AllocResult {
  uint64_t addr = 0;      // the object's address (zerobase for size 0)
  uint64_t size = 0;      // block size charged: class size, 16 for tiny, pages for large
  uint64_t scanSize = 0;  // bytes the collector scans (0 for noscan)
  MSpan* span = nullptr;  // span holding the object (nullptr for size 0)
  bool tiny = false;      // placed in a tiny block
};

class Malloc {
 public:
  // zerobase: the address of runtime.zerobase in the simulated program's
  // data segment, returned for zero-size allocations.
  Malloc(sim::AddressSpace* os, const sim::Clock* clock, uint64_t seed,
         uint64_t zerobase = kDefaultZeroBase);
  Malloc(const Malloc&) = delete;
  Malloc& operator=(const Malloc&) = delete;

  // mallocinit: reserve the arena; the heap is empty afterwards.
  absl::Status Init();
  // allocmcache.
  std::unique_ptr<MCache> NewMCache() { return std::make_unique<MCache>(&centrals_); }

  // mallocgc on behalf of the P owning cache c.
  AllocResult Mallocgc(MCache* c, const AllocRequest& req);

  MHeap& heap() { return heap_; }
  const MHeap& heap() const { return heap_; }
  MemStats& memstats() { return memstats_; }
  const MemStats& memstats() const { return memstats_; }
  MCentral& central(SpanClass spc) { return centrals_[spc]; }
  uint64_t zerobase() const { return zerobase_; }

  // memstats.nmalloc as updatememstats computes it, as if the mcaches had
  // been flushed first: objects handed out by the centrals (minus the free
  // slots still cached), large objects and tiny allocations.
  uint64_t NMalloc(absl::Span<MCache* const> caches) const;

  // Heap invariants plus mcentral list membership and cached spans.
  void CheckInvariants(absl::Span<MCache* const> caches) const;
  // Before the first GC, heap_live is fully determined by span states:
  // objects allocated, free slots of cached spans, tail waste per hand-out,
  // and large spans. Throws if it is not.
  void CheckHeapLiveBeforeFirstGC() const;

  static constexpr uint64_t kDefaultZeroBase = 0x546f48;

 private:
  MSpan* LargeAlloc(MCache* c, uint64_t size, bool needzero, bool noscan);
  // nextFree: the next free slot of c's span for spc, refilling if needed.
  uint64_t NextFree(MCache* c, SpanClass spc, MSpan** s, bool* shouldhelpgc);

  MemStats memstats_;
  MHeap heap_;
  std::array<MCentral, kNumSpanClasses> centrals_;
  uint64_t zerobase_;
};

// The tiny block offset where a tiny request of `size` bytes goes: the
// current offset rounded up to the size's natural alignment (8, 4, 2 or 1).
inline uint64_t TinyAlignedOffset(uint64_t tinyoffset, uint64_t size) {
  const uint64_t a = (size & 7) == 0 ? 8 : (size & 3) == 0 ? 4 : (size & 1) == 0 ? 2 : 1;
  return (tinyoffset + a - 1) & ~(a - 1);
}

// The span class a small request (size <= kMaxSmallSize) allocates from:
// the 16-byte noscan class for tiny requests, else its size class.
SpanClass SmallSpanClass(const AllocRequest& req);

// nextFreeFast: the span's next free slot from its allocCache, or 0 when the
// cache has no bit set (or the slot would refill the cache).
uint64_t NextFreeFast(MSpan* s);

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MALLOC_H_
