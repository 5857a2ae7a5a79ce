// What `gogcsim run` and `gogcsim sweep` run: a shipped scenario, a
// scenario file, or a trace (a what-if run of a recorded program), through
// one entry point whatever the workload.
#ifndef GOGCSIM_SCENARIOS_RUNNER_H_
#define GOGCSIM_SCENARIOS_RUNNER_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "model/mgc.h"
#include "model/mgcpacer.h"
#include "scenarios/run_config.h"
#include "scenarios/simulation.h"

namespace gogcsim::scenarios {

// A shipped scenario's name, a scenario file (*.json), or a gogcsim trace
// file: for a trace, a config whose workload is that trace, named after the
// file, with the recorded GOMAXPROCS and GOGC (where the trace has them)
// and everything else at its defaults.
absl::StatusOr<RunConfig> LoadRunnable(const std::string& name_or_path);

// Runs cfg to completion: its synthetic mutators (Run), or, for a trace
// workload, the recorded program (RunTrace over OpenTraceEvents).
absl::StatusOr<RunResult> RunScenario(const RunConfig& cfg, model::PacerObserver* decisions,
                                      model::CycleObserver* cycles,
                                      const std::function<void(int64_t)>& progress = nullptr);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_RUNNER_H_
