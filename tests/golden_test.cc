// Golden decision logs: every shipped scenario listed in golden/goldens.txt
// still makes exactly the recorded pacer decisions, and a change of a pacer
// constant (triggerGain) is detected where it first matters.
#include <bit>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/golden_run.h"
#include "traces/decision_diff.h"

namespace gogcsim::tests {
namespace {

namespace fs = std::filesystem;

std::string GoldenDir() {
  return (fs::path(std::getenv("TEST_SRCDIR")) / std::getenv("TEST_WORKSPACE") / "tests/golden").string();
}

std::string OutDir(const std::string& name) {
  return (fs::path(::testing::TempDir()) / "golden_test" / name).string();
}

std::string Describe(const traces::DiffResult& d) {
  std::string s;
  for (const traces::FileDiff& f : d.files) {
    if (!f.first) continue;
    s += f.path_a + " vs " + f.path_b + ": first difference at " + f.first->id + " " + f.first->kind + ":";
    for (const auto& fd : f.first->fields) s += " " + fd.field + " A " + fd.a + " B " + fd.b + ";";
    s += "\n";
  }
  return s;
}

TEST(GoldenTest, ShippedScenariosMakeTheGoldenDecisions) {
  auto list = ReadGoldenList(GoldenDir() + "/goldens.txt");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_GE(list->size(), 2u);
  for (const GoldenEntry& e : *list) {
    SCOPED_TRACE(e.scenario);
    auto logs = RunScenario(e, std::nullopt);
    ASSERT_TRUE(logs.ok()) << logs.status();
    const std::string out = OutDir(e.scenario);
    ASSERT_TRUE(WriteRunLogs(*logs, out).ok());
    auto d = traces::Diff(GoldenDir() + "/" + e.scenario, out, {});
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_EQ(d->files.size(), 2u);  // decisions and cycles
    // Several cycles' worth of decisions were compared (each cycle makes
    // one start_cycle, end_cycle and set_trigger and many revises).
    EXPECT_GT(d->files[0].records_a, 300u);
    EXPECT_GE(d->files[1].records_a, 5u);
    EXPECT_TRUE(d->same()) << Describe(*d) << "If the change is meant to change decisions, see tools/update_goldens.sh.";
  }
}

// The first end_cycle record of a log, read without the diff library.
struct EndCycle {
  uint64_t index = 0;
  nlohmann::json record;
};
EndCycle FirstEndCycle(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  for (uint64_t i = 0; std::getline(in, line); i++) {
    if (line.find("\"kind\":\"end_cycle\"") != std::string::npos) return {i, nlohmann::json::parse(line)};
  }
  ADD_FAILURE() << "no end_cycle in " << path;
  return {};
}

double Bits(const nlohmann::json& f) { return std::bit_cast<double>(std::stoull(f["bits"].get<std::string>(), nullptr, 16)); }

TEST(GoldenTest, TriggerGainChangeIsReportedAtTheFirstEndCycle) {
  auto list = ReadGoldenList(GoldenDir() + "/goldens.txt");
  ASSERT_TRUE(list.ok()) << list.status();
  GoldenEntry steady;
  for (const GoldenEntry& e : *list) {
    if (e.scenario == "steady") steady = e;
  }
  ASSERT_EQ(steady.scenario, "steady");
  auto pacer = ScenarioPacer("steady");
  ASSERT_TRUE(pacer.ok());
  ASSERT_EQ(pacer->triggerGain, 0.5);  // Go 1.10.2's
  pacer->triggerGain = 0.6;
  auto logs = RunScenario(steady, *pacer);
  ASSERT_TRUE(logs.ok()) << logs.status();
  const std::string out = OutDir("steady-gain-0.6");
  ASSERT_TRUE(WriteRunLogs(*logs, out).ok());
  const std::string golden = GoldenDir() + "/steady/decisions.jsonl";

  auto d = traces::Diff(GoldenDir() + "/steady", out, {});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(d->same());
  const traces::FileDiff& f = d->files[0];
  ASSERT_TRUE(f.first.has_value());
  // triggerGain is read only by endCycle: every record before the first
  // end_cycle is the same, and that end_cycle differs in its output only.
  const EndCycle want = FirstEndCycle(golden);
  EXPECT_GT(want.index, 0u);
  EXPECT_EQ(f.first->kind, "end_cycle");
  EXPECT_EQ(f.first->index, want.index);
  EXPECT_EQ(f.first->id, "seq " + std::to_string(want.record["seq"].get<uint64_t>()));
  ASSERT_EQ(f.first->fields.size(), 1u) << Describe(*d);
  EXPECT_EQ(f.first->fields[0].field, "out.triggerRatio");
  // Go's endCycle returns triggerRatio + triggerGain*triggerError with the
  // same error for both gains, so the step from the input ratio grows by
  // 0.6/0.5 (up to the rounding of the two products and sums).
  const EndCycle got = FirstEndCycle(out + "/decisions.jsonl");
  EXPECT_EQ(got.index, want.index);
  const double in = Bits(want.record["in"]["triggerRatio"]);
  EXPECT_EQ(Bits(got.record["in"]["triggerRatio"]), in);
  const double step_golden = Bits(want.record["out"]["triggerRatio"]) - in;
  const double step_gain = Bits(got.record["out"]["triggerRatio"]) - in;
  ASSERT_NE(step_golden, 0);
  EXPECT_NEAR(step_gain / step_golden, 1.2, 1e-9);
  // The summary shows the trigger ratio moving.
  ASSERT_FALSE(f.movement.empty());
  EXPECT_EQ(f.movement[0].quantity, "triggerRatio");
  EXPECT_GT(f.movement[0].changed, 0u);
  EXPECT_GT(f.movement[0].max_rel, 0);
}

}  // namespace
}  // namespace gogcsim::tests
