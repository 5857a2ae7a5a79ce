// golden_writer SCENARIO RECORDS OUT_DIR [TRIGGER_GAIN]: writes the
// decisions.jsonl and cycles.jsonl of a shipped scenario, optionally with
// another pacer triggerGain, for tests/golden_cli_test.sh (the gogcsim
// command line has no flag for pacer constants).
#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "tests/golden_run.h"

int main(int argc, char** argv) {
  gogcsim::tests::GoldenEntry e;
  if (argc < 4 || argc > 5 || !absl::SimpleAtoi(argv[2], &e.records)) {
    std::fprintf(stderr, "usage: golden_writer SCENARIO RECORDS OUT_DIR [TRIGGER_GAIN]\n");
    return 2;
  }
  e.scenario = argv[1];
  std::optional<gogcsim::model::PacerParams> pacer;
  if (argc == 5) {
    auto p = gogcsim::tests::ScenarioPacer(e.scenario);
    if (!p.ok() || !absl::SimpleAtod(argv[4], &p->triggerGain)) {
      std::fprintf(stderr, "golden_writer: bad scenario or TRIGGER_GAIN\n");
      return 2;
    }
    pacer = *p;
  }
  auto logs = gogcsim::tests::RunScenario(e, pacer);
  if (!logs.ok()) {
    std::fprintf(stderr, "golden_writer: %s\n", std::string(logs.status().message()).c_str());
    return 2;
  }
  if (absl::Status st = gogcsim::tests::WriteRunLogs(*logs, argv[3]); !st.ok()) {
    std::fprintf(stderr, "golden_writer: %s\n", std::string(st.message()).c_str());
    return 2;
  }
  return 0;
}
