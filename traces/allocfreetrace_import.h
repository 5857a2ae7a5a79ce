// Imports the output of GODEBUG=allocfreetrace=1 (Go 1.10 to 1.22: the
// runtime's tracealloc/tracefree/tracegc in src/runtime/mprof.go) into a
// gogcsim trace. The runtime prints, under one lock, one record per event:
//
//   tracealloc(0xc420012000, 0x30, main.node)   or without ", type" for typ == nil
//   goroutine 1 [running]:
//   <traceback frames>
//   <blank line>
//
//   tracefree(0xc420012000, 0x30)                + goroutine header, traceback, blank line
//
//   tracegc()                                    at each cycle's mark termination (gcMark)
//   <every other goroutine's header and traceback>
//   end tracegc
//
// Non-empty lines outside such records (the program's own output) are
// skipped and counted. What becomes of each:
//   - tracealloc -> ALLOC: g from the goroutine header; size is the block
//     size mallocgc charged (the size class's, 16 for a new tiny block, whole
//     pages for a large object), not the requested size, which the runtime
//     does not print. P and time: not printed (p = -1, time 0, header
//     clock_unit_ns 0). GO_START before a goroutine's first allocation.
//   - Types: the printed name (typ.string()); the runtime prints neither
//     typ.size nor typ.ptrdata. Rule: no type (typ == nil: strings, noscan
//     slice growth, ...) is noscan with the nil-type flag; a predeclared
//     pointer-free type (bool, intN, uintN, uintptr, floatN, complexN) or an
//     array of one ([4]uint8) is noscan with its known size; any other type
//     is flagged PTRDATA_UNKNOWN and SIZE_UNKNOWN: replay must treat the
//     whole object as pointers (ptrdata = the allocation's size). needzero
//     is not printed either: set for typed allocations, clear for untyped.
//   - Tiny allocations (noscan, under 16 bytes) that fit into the current
//     tiny block return before tracealloc: only the allocation that starts a
//     block is traced (as 16 bytes, with its own type). Zero-size allocations
//     are not traced either.
//   - tracefree -> DEATH, as for reference recordings: an object freed by
//     the sweep after the c-th tracegc() was unmarked in cycle c, so its DEATH
//     goes right before that tracegc's GC event. It was marked in cycle c-1,
//     so reachable when c-1's mark began, which is after the (c-2)-th
//     tracegc: `earliest` is that GC event's index (or the ALLOC's if later;
//     cycles 1 and 2: the ALLOC's). Frees of objects not allocated in the
//     trace (before tracing began) are counted and dropped.
//   - tracegc -> GC event with the cycle number (1, 2, ...).
#ifndef GOGCSIM_TRACES_ALLOCFREETRACE_IMPORT_H_
#define GOGCSIM_TRACES_ALLOCFREETRACE_IMPORT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "traces/trace_format.h"

namespace gogcsim::traces {

// Header.source of traces imported from allocfreetrace output.
inline constexpr char kAllocFreeTraceSource[] = "allocfreetrace";

struct AllocFreeTraceImportOptions {
  bool gzip = false;
  uint32_t chunk_events = kDefaultChunkEvents;
  // What the output does not say, for the header, when the caller knows it.
  std::optional<int32_t> gomaxprocs;
  std::optional<int64_t> gogc;
  std::string go_version;
};

struct AllocFreeTraceImportStats {
  uint64_t lines = 0;
  uint64_t allocations = 0;
  uint64_t frees = 0;          // tracefree records
  uint64_t unknown_frees = 0;  // ... of objects allocated before the trace began
  uint64_t deaths = 0;
  uint64_t cycles = 0;         // tracegc records
  uint64_t goroutines = 0;
  uint64_t types = 0;
  uint64_t skipped_lines = 0;  // non-empty lines outside any record
  uint64_t events = 0;
};

// Reads `in` (plain or gzip), writes `out` through a temporary file. Errors
// name "in:line" and what was wrong.
absl::StatusOr<AllocFreeTraceImportStats> ImportAllocFreeTrace(const std::string& in, const std::string& out,
                                                               const AllocFreeTraceImportOptions& options = {});

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_ALLOCFREETRACE_IMPORT_H_
