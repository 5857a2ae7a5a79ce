// The allocations and deaths of a gogcsim trace (traces/trace_reader.h) as
// the what-if run consumes them (scenarios/trace_run.h).
//
// A death with an `earliest` bound (reference imports: the recording only
// shows in which cycle's sweep an object was found unmarked) is placed by
// estimate. Go's hybrid write barrier keeps every object reachable at a
// cycle's mark start alive through that cycle, so an object first found dead
// in cycle c died after cycle c-1's mark began (or after its allocation) and
// before cycle c's. The deaths of one cycle are spread evenly over that
// interval in allocation order, oldest first, as a program that drops its
// oldest objects first (a queue, a cache, a sliding window) does. Deaths
// without a bound (allocfreetrace imports) stay where the trace has them.
#ifndef GOGCSIM_SCENARIOS_TRACE_SOURCE_H_
#define GOGCSIM_SCENARIOS_TRACE_SOURCE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "scenarios/trace_run.h"

namespace gogcsim::scenarios {

struct TraceInfo {
  int gomaxprocs = 0;  // as recorded; 0 if the trace does not say
  int64_t gogc = 0;
  bool has_gogc = false;
  uint64_t allocations = 0;
  uint64_t deaths = 0, estimated_deaths = 0;  // estimated: placed as above
  uint64_t schedule_events = 0;               // GO_RUN and GO_STOP
  // With a lifetime run: allocations paired with it, and deaths placed by
  // its lifetimes.
  uint64_t lifetime_pairs = 0, lifetime_deaths = 0;
};

// Opens the trace and reads it once to place the deaths; the source then
// streams it a second time. lifetimes, if not empty, is the trace of a
// lifetime run of the same program (scenarios/trace_lifetimes.h), whose
// lifetimes replace the estimated ones of the objects paired with it.
// The events' times are the recorded ones without the recorder's own time
// (the header's recorder_clock, traces/recorder_clock.h), unless
// keep_recorder_time.
absl::StatusOr<std::unique_ptr<TraceEventSource>> OpenTraceEvents(const std::string& path, TraceInfo* info,
                                                                  const std::string& lifetimes = "",
                                                                  bool keep_recorder_time = false);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_TRACE_SOURCE_H_
