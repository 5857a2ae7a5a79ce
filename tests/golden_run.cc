#include "tests/golden_run.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "model/mgc.h"
#include "scenarios/simulation.h"
#include "traces/atomic_file.h"
#include "traces/decision_log.h"

namespace gogcsim::tests {
namespace {

class CycleLog : public model::CycleObserver {
 public:
  void OnCycle(const model::CycleStats& c) override { text += traces::CycleJson(c); }
  std::string text;
};

}  // namespace

absl::StatusOr<std::vector<GoldenEntry>> ReadGoldenList(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::vector<GoldenEntry> out;
  std::string line;
  for (int n = 1; std::getline(in, line); n++) {
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(text, ' ', absl::SkipEmpty());
    GoldenEntry e;
    if (f.size() != 2 || !absl::SimpleAtoi(f[1], &e.records)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", n, ": expected \"SCENARIO RECORDS\""));
    }
    e.scenario = f[0];
    out.push_back(e);
  }
  return out;
}

absl::StatusOr<model::PacerParams> ScenarioPacer(const std::string& scenario) {
  auto cfg = scenarios::BuiltinRun(scenario);
  if (!cfg.ok()) return cfg.status();
  return cfg->pacer;
}

absl::StatusOr<RunLogs> RunScenario(const GoldenEntry& e, const std::optional<model::PacerParams>& pacer) {
  auto cfg = scenarios::BuiltinRun(e.scenario);
  if (!cfg.ok()) return cfg.status();
  if (e.records != 0) scenarios::SetRecords(&*cfg, e.records);
  if (pacer) cfg->pacer = *pacer;
  traces::DecisionLog decisions;
  CycleLog cycles;
  auto r = scenarios::Run(*cfg, &decisions, &cycles);
  if (!r.ok()) return r.status();
  return RunLogs{decisions.text(), cycles.text};
}

absl::Status WriteRunLogs(const RunLogs& logs, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  if (absl::Status st = traces::WriteFileAtomically(dir + "/decisions.jsonl", logs.decisions); !st.ok()) return st;
  return traces::WriteFileAtomically(dir + "/cycles.jsonl", logs.cycles);
}

}  // namespace gogcsim::tests
