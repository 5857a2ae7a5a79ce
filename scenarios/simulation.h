// A whole simulated Go program: the allocator and collector (model/) on
// GOMAXPROCS simulated Ps, driven by synthetic mutator goroutines
// (scenarios/mutator.h) as a RunConfig describes them, so the live heap, the
// scan work and the mark duration follow from the workload.
#ifndef GOGCSIM_SCENARIOS_SIMULATION_H_
#define GOGCSIM_SCENARIOS_SIMULATION_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "model/mgc.h"
#include "model/mgcpacer.h"
#include "scenarios/machine.h"  // RunResult
#include "scenarios/run_config.h"
// LoadScenario and BuiltinRun: callers load a scenario, then run it.
#include "scenarios/scenario.h"

namespace gogcsim::scenarios {

// Runs the program to completion. decisions/cycles may be null; progress
// (if set) is called about every simulated second with the virtual time.
// Synthetic workloads only: a trace workload runs through RunScenario
// (runner.h).
absl::StatusOr<RunResult> Run(const RunConfig& cfg, model::PacerObserver* decisions,
                              model::CycleObserver* cycles,
                              const std::function<void(int64_t)>& progress = nullptr);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_SIMULATION_H_
