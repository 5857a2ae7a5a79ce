// What-if replay of a recorded program: its allocations and object deaths
// (from a trace) drive the ported collector under settings the recording
// did not have (GOGC, GOMAXPROCS, pacer tunables, costs). Unlike faithful
// replay (reference_replay.h) nothing is taken from the recorded GC: marking
// is the simulator's own (an object is reachable from the program's roots
// until its recorded death), and so are scan work, mark timing and the pacer.
#ifndef GOGCSIM_SCENARIOS_TRACE_RUN_H_
#define GOGCSIM_SCENARIOS_TRACE_RUN_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "model/malloc.h"
#include "scenarios/simulation.h"
#include "scenarios/trace_event.h"

namespace gogcsim::scenarios {

// Runs the recorded program on cfg.gomaxprocs Ps, with cfg's GOGC, pacer
// and costs: as its own goroutines if the source has_schedule()
// (scenarios/trace_goroutines.h), else as one mutator goroutine (the other
// Ps run mark workers). Between
// allocations the mutator computes until its clock catches up with the
// recorded one (the recorded gaps already include the real mallocgc's
// time); if the simulated runtime is slower, it allocates at once.
// cfg.workload is not used. decisions/cycles may be null; progress as for
// Run().
absl::StatusOr<RunResult> RunTrace(const RunConfig& cfg, TraceEventSource* source,
                                   model::PacerObserver* decisions, model::CycleObserver* cycles,
                                   const std::function<void(int64_t)>& progress = nullptr);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_TRACE_RUN_H_
