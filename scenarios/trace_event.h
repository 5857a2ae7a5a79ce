// What a what-if run of a recorded program consumes: its allocations,
// object deaths and, where the trace has them, when each goroutine ran
// (scenarios/trace_source.h makes them from a trace file).
#ifndef GOGCSIM_SCENARIOS_TRACE_EVENT_H_
#define GOGCSIM_SCENARIOS_TRACE_EVENT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "model/malloc.h"

namespace gogcsim::scenarios {

// One step of the recorded program.
struct TraceEvent {
  // kRun, kStop: the goroutine began running on a P, or stopped (a v2
  // recording's GB and GE).
  enum class Kind { kAlloc, kDeath, kRun, kStop };
  Kind kind = Kind::kAlloc;
  int64_t t_ns = 0;         // kAlloc, kRun, kStop: the recorded clock, ns
  uint64_t g = 0;           // kAlloc, kRun, kStop: the recorded goroutine
  int64_t reason = 0;       // kStop: traces::kStop*
  model::AllocRequest req;  // kAlloc
  uint64_t object = 0;      // kDeath: the dead object's allocation ordinal (0-based)
};

class TraceEventSource {
 public:
  virtual ~TraceEventSource() = default;
  // The next event: true and *e filled, false at the end, or an error.
  virtual absl::StatusOr<bool> Next(TraceEvent* e) = 0;
  // Whether the trace says when its goroutines ran (kRun and kStop).
  virtual bool has_schedule() const { return false; }
};

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_TRACE_EVENT_H_
