// Port of Go 1.10.2 src/runtime/mheap.go: mspan, span lists and the page
// heap (mheap_): arena growth, the spans index, free lists and the large
// free treap, busy lists, span allocation with splitting, freeing with
// coalescing, manual spans (stacks, work buffers) and the scavenger's
// release of idle spans. Memory comes from the simulated OS (sim/).
//
// The mbitmap.go methods of mspan (nextFreeIndex, refillAllocCache,
// initSpan's alloc-bit part, objIndex) live here too, beside the struct.
#ifndef GOGCSIM_MODEL_MHEAP_H_
#define GOGCSIM_MODEL_MHEAP_H_

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "model/mgclarge.h"
#include "model/mstats.h"
#include "model/sizeclasses.h"
#include "sim/address_space.h"
#include "sim/clock.h"

namespace gogcsim::model {

inline constexpr uint64_t kPageMask = kPageSize - 1;
inline constexpr uint64_t kMaxMHeapList = 1 << (20 - kPageShift);  // 128 pages
inline constexpr uint64_t kHeapAllocChunk = 1 << 20;               // heap growth minimum
inline constexpr uint64_t kMaxMem = (1ULL << 39) - 1;              // _MaxMem, linux/amd64
inline constexpr uint64_t kPtrSize = 8;
inline constexpr uint64_t kPhysPageSize = 4096;
inline constexpr uint64_t kHeapBitmapScale = kPtrSize * 4;  // bytes of heap per bitmap byte

// spanClass: size class << 1 | noscan.
using SpanClass = uint8_t;
inline constexpr int kNumSpanClasses = kNumSizeClasses << 1;
inline constexpr SpanClass MakeSpanClass(int sizeclass, bool noscan) {
  return static_cast<SpanClass>(sizeclass << 1 | (noscan ? 1 : 0));
}
inline constexpr int SizeClassOf(SpanClass sc) { return sc >> 1; }
inline constexpr bool NoscanOf(SpanClass sc) { return (sc & 1) != 0; }

enum class SpanState : uint8_t { kDead, kInUse, kManual, kFree };

class MSpanList;

struct MSpan {
  MSpan* next = nullptr;  // in a span list
  MSpan* prev = nullptr;
  MSpanList* list = nullptr;

  uint64_t startAddr = 0;  // first byte (base())
  uint64_t npages = 0;

  uint64_t freeindex = 0;            // slot where the search for a free object starts
  uint64_t nelems = 0;               // objects in the span
  uint64_t allocCache = 0;           // complement of allocBits at freeindex (1 = free)
  std::vector<uint64_t> allocBits;   // bit i: slot i allocated (as of last sweep)
  std::vector<uint64_t> gcmarkBits;  // bit i: slot i marked this cycle

  uint32_t sweepgen = 0;
  uint16_t divMul = 0;
  uint16_t baseMask = 0;
  uint16_t allocCount = 0;
  SpanClass spanclass = 0;
  bool incache = false;
  SpanState state = SpanState::kDead;
  uint8_t needzero = 0;
  uint8_t divShift = 0;
  uint8_t divShift2 = 0;
  uint64_t elemsize = 0;
  int64_t unusedsince = 0;  // ns; when the span became free
  uint64_t npreleased = 0;  // pages released to the OS
  uint64_t limit = 0;       // end of data in span

  // Order of this structure in the simulated spanalloc (stands in for its
  // address, which Go uses to order equal-sized spans in the treap).
  uint64_t fixaddr = 0;
  // Times this span was handed to an mcache since the heap_live basis was
  // reset; used only by invariant checks.
  uint64_t ncached = 0;

  uint64_t base() const { return startAddr; }
  void Init(uint64_t base, uint64_t np);
  bool InList() const { return list != nullptr; }

  // mbitmap.go
  void RefillAllocCache(uint64_t whichByte);
  uint64_t NextFreeIndex();
  // What NextFreeIndex would return, leaving freeindex and allocCache alone.
  uint64_t PeekNextFreeIndex() const;
  bool IsFree(uint64_t index) const;
  uint64_t ObjIndex(uint64_t p) const;
  // heapBits.initSpan: layout, fresh alloc and mark bits.
  void InitSpanBits();
  bool AllocBit(uint64_t i) const { return (allocBits[i / 64] >> (i % 64)) & 1; }
  bool MarkBit(uint64_t i) const { return (gcmarkBits[i / 64] >> (i % 64)) & 1; }
  void SetMarkBit(uint64_t i) { gcmarkBits[i / 64] |= 1ULL << (i % 64); }
};

class MSpanList {
 public:
  MSpan* first = nullptr;
  MSpan* last = nullptr;

  bool IsEmpty() const { return first == nullptr; }
  void Remove(MSpan* s);
  void Insert(MSpan* s);      // at the front
  void InsertBack(MSpan* s);  // at the back
  void TakeAll(MSpanList* other);
};

// Calls from the allocator up into the collector (mgc*.go). The allocator
// issue supplies no-op defaults; the collector fills them in.
class GcHooks {
 public:
  virtual ~GcHooks() = default;
  // gcBlackenEnabled != 0
  virtual bool BlackenEnabled() const { return false; }
  // gcController.revise()
  virtual void Revise() {}
  // deductSweepCredit(spanBytes, callerSweepPages)
  virtual void DeductSweepCredit(uint64_t spanBytes, uint64_t callerSweepPages) {}
  // mspan.sweep(preserve); true if the span was returned to the heap.
  virtual bool Sweep(MSpan* s, bool preserve) { return false; }
  // sweepone(); pages swept, or ~0 when nothing is left.
  virtual uint64_t SweepOne() { return ~0ULL; }

  // mallocgc's calls into the collector.
  // gcphase != _GCoff
  virtual bool MarkPhase() const { return false; }
  // With blackening on: the allocating G's gcAssistBytes -= bytes, and
  // gcAssistAlloc if it went negative. Called before and after the
  // allocation (the second time with the rounding slack size - dataSize).
  virtual void AssistDebit(int64_t bytes, bool may_assist) {}
  // gcmarknewobject: allocate black during a cycle.
  virtual void MarkNewObject(MSpan* s, uint64_t addr, uint64_t size, uint64_t scanSize) {}
  // shouldhelpgc: test the heap trigger and start a cycle if it holds.
  virtual void MaybeStartGC() {}
};

// Observes allocator decisions, for conformance checks against recordings
// (the reference format's CS, UC and L records). Default: ignore.
class AllocEvents {
 public:
  virtual ~AllocEvents() = default;
  // mcentral.cacheSpan handed s to an mcache (values after; heap_live as
  // its own add left it).
  virtual void OnCacheSpan(const MSpan& s, uint64_t heap_live) {}
  // mcentral.uncacheSpan took s back (values after).
  virtual void OnUncacheSpan(const MSpan& s, uint64_t heap_live) {}
  // A large object span was allocated (heap_live after).
  virtual void OnLargeAlloc(const MSpan& s, uint64_t heap_live) {}
  // mspan.sweep freed the object (or large span) at addr: allocated, and
  // not marked in the cycle that just ended. Comes before its OnSweep.
  virtual void OnSweepFree(uint64_t addr) {}
  // One mspan.sweep finished (the reference format's SW record): the span's
  // identity and allocCount before the sweep, and what sweep returned.
  virtual void OnSweep(uint64_t base, SpanClass spanclass, uint64_t npages, uint64_t allocCount, bool preserve,
                       bool result) {}
};

// Sync points: the operations on state that Ps share, each of which
// gogcsim's recorder writes as a global record, in the order the
// operations took effect (traces/recording_v2.md). The model calls Pass
// just before each, or where the recorder writes its record inside the
// same lock section. A replay that follows a recording's order holds the
// P there until the recording says it goes next; simulation passes at
// once. `v` holds the record's fields as far as they are known before the
// operation (see each kind).
enum class SyncKind : uint8_t {
  kHeapLive,        // HL: heap_live += v[0]; v[1] heap_live before (read)
  kHeapScan,        // HS: heap_scan += v[0] (a P's local_scan); v[1] heap_scan before (read)
  kSweepClaim,      // SC: span v[0]'s sweepgen v[1]-2 -> v[1]-1
  kPagesSwept,      // SP: pagesSwept += v[1] at span v[0]'s sweep; v[2] pagesSwept before (read)
  kPagesSweptRead,  // PW: deductSweepCredit reads pagesSwept, v[0] (read)
  kCentralTake,     // CT: cacheSpan takes span v[1] of class v[0]: v[2] 1 swept, 2 grown
  kCentralFree,     // CF: mcentral.freeSpan: class v[0], span v[1], allocCount v[2], wasempty v[3]
  kUncache,         // UC: uncacheSpan: class v[0], span v[1], allocCount v[2], heap_live v[3] (read)
  kHeapAlloc,       // HA: alloc_m hands out span v[1] of class v[0], v[2] pages
  kLargeAlloc,      // L: alloc_m hands out a large span: v[0] pages at v[1], heap_live v[2] (read)
  kHeapFree,        // HF: mheap.freeSpan: span v[0], v[1] pages
  kManualAlloc,     // MA: span v[0], v[1] pages
  kManualFree,      // MF: span v[0], v[1] pages
  kSweepPush,       // BU: gcSweepBuf.push of span v[0] into slot v[1] (read: the index)
  kSweepPop,        // BO: gcSweepBuf.pop; v[0] the index before (read), the slot is v[0]-1
  kSweepRelease,    // SE: a sweep sets span v[0]'s sweepgen to v[1], unlocked
  kHeapLiveRead,    // HR: deductSweepCredit reads heap_live, v[0] (read)
  kSweepRateRead,   // DR: deductSweepCredit reads sweepPagesPerByte, v[0] its bits
  kSweepRateZero,   // DZ: deductSweepCredit sets sweepPagesPerByte = 0
  kSweepDoneRead,   // SD: sweepone reads sweepdone, v[0]
  kSweepDoneSet,    // SN: sweepone sets sweepdone = 1
  kBeingSwept,      // CK: a span-list walk passes span v[0]: another sweeper holds it
  kTreapPriority,   // TP (inputs): the treap's random priority for free span v[0], its mspan's address
  kSweepPopUndo,    // BR: gcSweepBuf.pop found it empty: index += 1; v[0] the index before (read)
};
inline constexpr int kNumSyncKinds = static_cast<int>(SyncKind::kSweepPopUndo) + 1;

struct SyncPoint {
  SyncKind kind;
  int n = 0;  // values in v
  int64_t v[4] = {};
  // When set, v[n-1] is *read: shared state the operation reads, read
  // when the point is passed (a replay may hold the P before it).
  const uint64_t* read = nullptr;
  // This point with v[n-1] read now.
  SyncPoint Read() const {
    SyncPoint sp = *this;
    if (read != nullptr) sp.v[n - 1] = static_cast<int64_t>(*read);
    return sp;
  }
};

class SyncHooks {
 public:
  virtual ~SyncHooks() = default;
  virtual void Pass(const SyncPoint& sp) {}
  // lock(&c.lock) or lock(&h.lock): what the lock section reads, it reads
  // after every earlier section of the lock. A replay holds the P here
  // until its next record comes up.
  virtual void Lock() {}
  // The runtime draws values here (a random number, an address the model
  // does not lay out as Go did); sp's values say what for. A replay sets
  // them to those the recording has.
  virtual void Input(const SyncPoint& sp, std::span<int64_t> values) {}
};

class MHeap {
 public:
  MHeap(sim::AddressSpace* os, const sim::Clock* clock, MemStats* memstats, uint64_t seed);
  MHeap(const MHeap&) = delete;
  MHeap& operator=(const MHeap&) = delete;

  // mallocinit's reservation at 0xc000000000 plus mheap.init.
  absl::Status Init();
  void set_hooks(GcHooks* hooks) { hooks_ = hooks != nullptr ? hooks : &default_hooks_; }
  void set_events(AllocEvents* events) { events_ = events != nullptr ? events : &default_events_; }
  void set_sync(SyncHooks* sync) { sync_ = sync != nullptr ? sync : &default_sync_; }
  // Calls sync()->Pass with kind and the values; with read, *read is one
  // value more, read when the point is passed.
  void Sync(SyncKind kind, std::initializer_list<int64_t> v, const uint64_t* read = nullptr) const;
  // gcSweepBuf.push and pop on sweepSpans[i]: the slot each takes is a
  // sync point (the buffer's index is shared by the sweepers).
  void SweepBufPush(int i, MSpan* s);
  MSpan* SweepBufPop(int i);
  // Calls sync()->Input for values drawn here (simulation keeps them).
  void Input(SyncKind kind, std::initializer_list<int64_t> v, std::span<int64_t> values) const;
  // Calls sync()->Lock: an mcentral's or the heap's lock is taken here.
  void Lock() const {
    if (sync_ != &default_sync_) sync_->Lock();
  }
  GcHooks* hooks() const { return hooks_; }
  AllocEvents* events() const { return events_; }

  // mheap.alloc / alloc_m: a span of npage pages in use for spanclass.
  // c: the calling P's mcache statistics (flushed here, as Go does).
  MSpan* Alloc(uint64_t npage, SpanClass spanclass, bool large, bool needzero, MCacheStats* c);
  MSpan* AllocManual(uint64_t npage, uint64_t* stat);
  void FreeManual(MSpan* s, uint64_t* stat);
  // mheap.freeSpan: return an in-use span (acct != 0 for large objects).
  void FreeSpan(MSpan* s, int acct, MCacheStats* c);
  // scavenge(k, now, limit): release free spans unused for longer than limit ns.
  uint64_t Scavenge(uint64_t now, uint64_t limit);

  // spanOf / lookupMaybe.
  MSpan* SpanOf(uint64_t p) const;
  MSpan* LookupMaybe(uint64_t p) const;
  // The span whose base is exactly p (manual spans in recordings), or null.
  MSpan* SpanAtBase(uint64_t p) const;

  // The base address Alloc/AllocManual of npage pages would return now,
  // assuming no sweeping is needed first (replay uses it to order
  // concurrent requests of several Ps by the heap lock).
  uint64_t PeekAllocBase(uint64_t npage) const;

  // Checks spans index, list membership and states, treap, page accounting.
  void CheckInvariants() const;

  // mheap fields read by the collector.
  uint32_t sweepgen = 0;
  uint32_t sweepdone = 0;
  uint32_t sweepers = 0;
  uint64_t pagesInUse = 0;
  uint64_t pagesSwept = 0;
  uint64_t pagesSweptBasis = 0;
  uint64_t sweepHeapLiveBasis = 0;
  double sweepPagesPerByte = 0;
  HeapFreeStats freestats;
  std::vector<MSpan*> allspans;       // every span ever created, in order
  std::vector<MSpan*> sweepSpans[2];  // gcSweepBuf: [sweepgen/2%2] swept, the other unswept
  // gcSweepBuf.index: sweepSpans[i].size(), but for a pop of an empty
  // buffer, which takes it below 0 (as uint64) until it gives it back.
  uint64_t sweepIndex[2] = {};

  uint64_t arena_start() const { return arena_start_; }
  uint64_t arena_used() const { return arena_used_; }
  uint64_t arena_alloc() const { return arena_alloc_; }
  uint64_t arena_end() const { return arena_end_; }
  const MemStats& memstats() const { return *memstats_; }
  const MSpanList& busy(uint64_t npages) const { return *BusyList(npages); }
  const MSpanList& free(uint64_t npages) const { return free_[npages]; }
  const MTreap& freelarge() const { return freelarge_; }

 private:
  uint64_t SysAlloc(uint64_t n);  // mheap.sysAlloc: 0 on failure
  bool Grow(uint64_t npage);
  MSpan* AllocSpanLocked(uint64_t npage, uint64_t* stat);
  void FreeSpanLocked(MSpan* s, bool acctinuse, bool acctidle, int64_t unusedsince);
  void Reclaim(uint64_t npage);
  void FlushScanStats(MCacheStats* c);
  uint64_t ReclaimList(MSpanList* list, uint64_t npages);
  void SetArenaUsed(uint64_t arena_used);
  MSpanList* BusyList(uint64_t npages);
  const MSpanList* BusyList(uint64_t npages) const;
  MSpan* NewSpanStruct();  // spanalloc.alloc
  void FreeSpanStruct(MSpan* s);
  void MustOk(const absl::Status& st) const;
  uint64_t PageIndex(uint64_t addr) const { return (addr - arena_start_) >> kPageShift; }

  sim::AddressSpace* os_;
  const sim::Clock* clock_;
  MemStats* memstats_;
  GcHooks default_hooks_;
  GcHooks* hooks_ = &default_hooks_;
  AllocEvents default_events_;
  AllocEvents* events_ = &default_events_;
  SyncHooks default_sync_;
  SyncHooks* sync_ = &default_sync_;

  MSpanList free_[kMaxMHeapList];
  MTreap freelarge_;
  MSpanList busy_[kMaxMHeapList];
  MSpanList busylarge_;
  std::vector<MSpan*> spans_;  // page index -> span (spans array)

  uint64_t arena_start_ = 0, arena_used_ = 0, arena_alloc_ = 0, arena_end_ = 0;
  uint64_t bitmap_ = 0, bitmap_mapped_ = 0, spans_start_ = 0, spans_mapped_ = 0;

  std::deque<MSpan> span_pool_;    // spanalloc's memory
  std::vector<MSpan*> span_free_;  // LIFO, as fixalloc
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MHEAP_H_
