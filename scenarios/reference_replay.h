// Faithful replay of a reference recording of a real go1.10.2 run
// (../shared/reference/README.md) through the ported runtime.
//
// The recording supplies what depends on the real machine: which P and G
// made each allocation request (A), the manual spans for stacks and work
// buffers (MA/MF), where gcinit ran (the first PT), background-sweeper
// steps (SW who=66), which objects each cycle left unmarked (F), where mark
// termination began (PE, MT), scan work (W), assist time (AT) and clock
// readings (MS, PE's now). The ported allocator, sweeper and pacer compute
// everything else; their effects are formatted as reference-format lines
// and compared with the recorded ones, per tag, in order within each tag.
//
// Goroutines interleave even on one P (an assist parks, another goroutine
// allocates), so the replay runs a request lazily, when the first record it
// explains shows up: a Z whose address the request would return, a CS of
// its span class, an L, or a sweep or revise of its refill.
// With several Ps, the v1 recorder wrote records in the order it serialized
// them through one spinlock at write time, not in the order the Ps'
// operations on shared state (heap_live adds, mcentral lock sections,
// sweepgen claims, pagesSwept) took effect. The replay takes the file's
// order as the schedule, with no rule to guess the other: it matches such
// a recording up to the first record where the two orders differ, and
// stops there. Format v2 records that order, and replay v2 (replay_v2.h)
// follows it.
#ifndef GOGCSIM_SCENARIOS_REFERENCE_REPLAY_H_
#define GOGCSIM_SCENARIOS_REFERENCE_REPLAY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "model/mheap.h"

namespace gogcsim::scenarios {

struct TagCount {
  uint64_t matched = 0;
  uint64_t total = 0;  // records of the recording compared
  uint64_t extra = 0;  // simulated records the recording does not have
};

struct Divergence {
  uint64_t line = 0;      // in the recording
  std::string expected;   // the recorded line
  std::string simulated;  // what the simulator produced instead ("" if nothing)
  std::string state;      // heap_live, heap_scan, span in question
};

struct ReplayReport {
  std::string path;
  uint64_t lines = 0;   // recording lines consumed
  uint64_t allocs = 0;  // allocation requests replayed
  bool stopped_at_first_gc = false;
  // GOMAXPROCS > 1: stopped at the first divergence (the file's order is
  // not the Ps' order past it); the counts are up to it.
  bool stopped_at_divergence = false;
  uint32_t cycles = 0;   // GC cycles started
  // Per checked tag, sorted by tag name: the ten the simulator must
  // reproduce (kRequiredTags; SW counts who=0 sweeps only) plus checks of
  // inputs' consistency: "MA" (manual span bases), "F" (objects freed),
  // "SWbg" (background sweeps), "GS" (cycle starts, without the clock).
  std::map<std::string, TagCount> records;
  std::optional<Divergence> first_divergence;
  // When the recording ends while the last cycle's sweep is unfinished, the
  // marks of the objects in spans it never swept were never recorded: that
  // cycle's heap_marked, and everything computed from it, cannot be
  // checked. Records compared from that cycle's mark termination on are
  // counted here instead of in `records`, and unverifiable_reason says why.
  std::map<std::string, TagCount> unverifiable;
  uint64_t unverifiable_from_line = 0;
  std::string unverifiable_reason;
  bool ok() const { return !first_divergence.has_value(); }
};

// The record tags faithful replay must reproduce exactly.
inline constexpr const char* kRequiredTags[] = {"Z", "CS", "UC", "L", "SW", "HM", "PT", "PS", "PR", "PE"};

struct ReplayOptions {
  // Stop at the first GS record (the allocator-only part of a run).
  bool stop_at_first_gc = false;
  // Run the allocator's invariant checks after every operation (slow).
  bool check_invariants = false;
  uint64_t seed = 1;
};

absl::StatusOr<ReplayReport> ReplayReference(const std::string& path, const ReplayOptions& opts);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_REFERENCE_REPLAY_H_
