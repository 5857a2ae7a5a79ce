// Scenarios as JSON: a RunConfig (runtime settings, cost model, pacer
// constants, workload) read from a file or from the scenarios shipped in
// scenarios/*.json. The schema is in README.md, "Scenario format". Every
// field is optional; an unknown key, a value of the wrong type or out of
// range is an InvalidArgument error "FILE: /json/pointer: what is wrong"
// (malformed JSON: "FILE:LINE:COLUMN: ...").
#ifndef GOGCSIM_SCENARIOS_SCENARIO_H_
#define GOGCSIM_SCENARIOS_SCENARIO_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "scenarios/run_config.h"

namespace gogcsim::scenarios {

// Parses a scenario. source_name names the text in error messages; its
// stem is the scenario's name unless the JSON has one.
absl::StatusOr<RunConfig> ParseScenario(std::string_view json_text, const std::string& source_name);

// Reads and parses a scenario file. A relative workload trace path is
// taken relative to the file's directory. A file larger than
// kMaxScenarioBytes is an error.
inline constexpr size_t kMaxScenarioBytes = size_t{16} << 20;
absl::StatusOr<RunConfig> LoadScenarioFile(const std::string& path);

// A file if name_or_path ends in ".json" or contains '/', else the shipped
// scenario of that name (NotFound if there is none).
absl::StatusOr<RunConfig> LoadScenario(const std::string& name_or_path);

// Names of the shipped scenarios, sorted.
std::vector<std::string> ShippedScenarioNames();

// The shipped scenario `name` (LoadScenario for a name, never a file).
absl::StatusOr<RunConfig> BuiltinRun(const std::string& name);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_SCENARIO_H_
