// Port of Go 1.10.2 src/runtime/mstats.go: the memstats fields the allocator
// and the pacer read and write, and the per-mcache counters that are flushed
// into them (purgecachedstats). All byte counts are uint64 and wrap like Go's.
#ifndef GOGCSIM_MODEL_MSTATS_H_
#define GOGCSIM_MODEL_MSTATS_H_

#include <array>
#include <cstdint>

#include "model/sizeclasses.h"

namespace gogcsim::model {

struct MemStats {
  // Heap accounting (bytes).
  uint64_t heap_sys = 0;       // obtained from the OS for the heap
  uint64_t heap_idle = 0;      // in free spans
  uint64_t heap_inuse = 0;     // in in-use spans
  uint64_t heap_released = 0;  // returned to the OS (madvised)
  uint64_t heap_objects = 0;   // large objects counted at allocation
  uint64_t stacks_inuse = 0;   // manual spans for stacks
  uint64_t gc_sys = 0;         // GC metadata and work buffers
  uint64_t other_sys = 0;
  uint64_t tinyallocs = 0;     // tiny allocations folded into a block
  uint64_t nlookup = 0;

  // Pacer inputs (see mgc.go). heap_live: bytes the GC considers live,
  // updated when spans move into/out of mcaches; heap_scan: scannable bytes.
  uint64_t heap_live = 0;
  uint64_t heap_scan = 0;
  uint64_t heap_marked = 0;
  uint64_t gc_trigger = 0;
  uint64_t next_gc = 0;
  double triggerRatio = 0;
  uint32_t numgc = 0;
};

// The mcache's local_* statistics: counted without locks on the P and
// folded into MemStats/mheap by PurgeCachedStats or the heap's alloc/free.
struct MCacheStats {
  uint64_t local_scan = 0;        // bytes of scannable heap allocated
  uint64_t scan_flushes = 0;      // times local_scan was moved into heap_scan (replay bookkeeping)
  uint64_t local_tinyallocs = 0;  // tiny allocs not counted elsewhere
  uint64_t local_nlookup = 0;
  uint64_t local_largefree = 0;
  uint64_t local_nlargefree = 0;
  std::array<uint64_t, kNumSizeClasses> local_nsmallfree{};
};

// Large/small free counters kept by mheap in Go (mheap_.largefree etc.).
struct HeapFreeStats {
  uint64_t largealloc = 0, nlargealloc = 0, largefree = 0, nlargefree = 0;
  std::array<uint64_t, kNumSizeClasses> nsmallfree{};
};

// purgecachedstats: fold an mcache's counters into the global ones.
void PurgeCachedStats(MCacheStats* c, MemStats* m, HeapFreeStats* h);

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MSTATS_H_
