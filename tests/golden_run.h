// What the golden tests run: a shipped scenario's decision log and cycle
// summary, byte for byte as `gogcsim run NAME --records=N --out=DIR` writes
// decisions.jsonl and cycles.jsonl, optionally with other pacer constants.
// The list of goldens is tests/golden/goldens.txt (see
// tools/update_goldens.sh); each golden is the directory tests/golden/NAME.
#ifndef GOGCSIM_TESTS_GOLDEN_RUN_H_
#define GOGCSIM_TESTS_GOLDEN_RUN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/mgcpacer.h"

namespace gogcsim::tests {

// One line of goldens.txt: "SCENARIO RECORDS".
struct GoldenEntry {
  std::string scenario;
  uint64_t records = 0;  // records per mutator goroutine (run --records)
};
// Errors name path:line.
absl::StatusOr<std::vector<GoldenEntry>> ReadGoldenList(const std::string& path);

struct RunLogs {
  std::string decisions, cycles;  // the texts of decisions.jsonl and cycles.jsonl
};
// Seed 1, the scenario's own GOMAXPROCS and GOGC, as `gogcsim run` by default.
// pacer: other pacer constants (tuning studies); nullopt: the scenario's.
absl::StatusOr<RunLogs> RunScenario(const GoldenEntry& e, const std::optional<model::PacerParams>& pacer);
// The scenario's pacer constants (to change one of them).
absl::StatusOr<model::PacerParams> ScenarioPacer(const std::string& scenario);
// Writes dir/decisions.jsonl and dir/cycles.jsonl (creating dir).
absl::Status WriteRunLogs(const RunLogs& logs, const std::string& dir);

}  // namespace gogcsim::tests

#endif  // GOGCSIM_TESTS_GOLDEN_RUN_H_
