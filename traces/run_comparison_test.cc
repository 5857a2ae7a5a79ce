#include "traces/run_comparison.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "traces/reference_files.h"

namespace gogcsim::traces {
namespace {

std::string TmpDir(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::filesystem::create_directories(dir);
  return dir;
}

// Three cycles as `gogcsim run --out` writes them (only the fields read):
// cycles.jsonl, and decisions.jsonl with each cycle's endCycle (the second
// one forced: it has no pacer line in a real log) among other calls.
constexpr char kCycles[] =
    R"({"heap1":5000000,"heap_goal":4500000,"heap2":2000000,"next_gc_trigger":3500000,"gc_cpu_fraction":0.25})"
    "\n"
    R"({"heap1":7000000,"heap_goal":6000000,"heap2":3000000,"next_gc_trigger":5000000,"gc_cpu_fraction":0.125})"
    "\n"
    R"({"heap1":6000000,"heap_goal":6000000,"heap2":9999999,"next_gc_trigger":5000000,"gc_cpu_fraction":0.0625})"
    "\n";
constexpr char kDecisions[] =
    R"({"kind":"set_trigger","in":{"heap_marked":2236962}})"
    "\n"
    R"({"kind":"end_cycle","in":{"userForced":false,"heap_live":5100000,"heap_marked":2236962}})"
    "\n"
    R"({"kind":"end_cycle","in":{"userForced":true,"heap_live":7100000,"heap_marked":2100000}})"
    "\n"
    R"({"kind":"revise","in":{"heap_marked":2100000}})"
    "\n"
    R"({"kind":"end_cycle","in":{"userForced":false,"heap_live":6100000,"heap_marked":3100000}})"
    "\n";

TEST(ReadSimulatedRun, WhatGcpacertraceWouldPrint) {
  const std::string dir = TmpDir("run");
  std::ofstream(dir + "/cycles.jsonl") << kCycles;
  std::ofstream(dir + "/decisions.jsonl") << kDecisions;
  absl::StatusOr<RunTotals> t = ReadSimulatedRun(dir);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->cycles.size(), 3u);
  EXPECT_EQ(t->cycles[0].trigger, -1);  // nothing set it
  EXPECT_EQ(t->cycles[1].trigger, 3500000);
  // H_a where endCycle printed it; the forced cycle keeps heap1.
  EXPECT_EQ(t->cycles[0].heap_mt, 5100000);
  EXPECT_EQ(t->cycles[1].heap_mt, 7000000);
  EXPECT_EQ(t->cycles[2].heap_mt, 6100000);
  EXPECT_EQ(t->peak_mt, 7000000);
  // Each cycle's marked heap is the next cycle's H_m_prev: cycle 2's is
  // 3100000; cycle 1's next endCycle was forced and printed nothing.
  EXPECT_EQ(t->cycles[0].marked, -1);
  EXPECT_EQ(t->cycles[1].marked, 3100000);
  EXPECT_EQ(t->cycles[2].marked, -1);
  EXPECT_EQ(t->mean_marked, 3100000);
  EXPECT_EQ(t->gc_cpu_pct, 6.25);
  EXPECT_EQ(MeasureValue(*t, Measure::kCycles), 3);
  EXPECT_EQ(MeasureValue(*t, Measure::kPeakHeapMT), 7000000.0 / (1 << 20));
}

TEST(ReadSimulatedRun, ErrorsNameTheFile) {
  const std::string dir = TmpDir("bad");
  std::ofstream(dir + "/cycles.jsonl") << R"({"heap1":1})"
                                       << "\n";
  absl::StatusOr<RunTotals> t = ReadSimulatedRun(dir);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(absl::StrContains(t.status().message(), "bad/cycles.jsonl:1")) << t.status();
  EXPECT_EQ(ReadSimulatedRun(TmpDir("missing")).status().code(), absl::StatusCode::kNotFound);
  const std::string bad_decisions = TmpDir("bad_decisions");
  std::ofstream(bad_decisions + "/cycles.jsonl") << kCycles;
  std::ofstream(bad_decisions + "/decisions.jsonl") << R"({"kind":"end_cycle","in":{"heap_live":1}})"
                                                    << "\n";
  t = ReadSimulatedRun(bad_decisions);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(absl::StrContains(t.status().message(), "bad_decisions/decisions.jsonl:1")) << t.status();
  const std::string empty = TmpDir("empty");
  std::ofstream(empty + "/cycles.jsonl") << "";
  std::ofstream(empty + "/decisions.jsonl") << "";
  absl::StatusOr<RunTotals> none = ReadSimulatedRun(empty);  // ended before its first cycle
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(MeasureValue(*none, Measure::kCycles), 0);
}

// The real churn-p1 run: 75 gc lines, each after its pacer line. Figures
// from the file itself (grep): the largest H_a is 9832760; H_m_prev of
// cycles 2..75 (the marked heaps of 1..74) sum to 297328933.
TEST(FromRealLog, ChurnP1) {
  absl::StatusOr<std::string> path = ReferenceFile("churn-p1.stderr");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<RealLog> log = ReadGcTrace(*path);
  ASSERT_TRUE(log.ok()) << log.status();
  const RunTotals t = FromRealLog(*log);
  EXPECT_EQ(MeasureValue(t, Measure::kCycles), 75);
  EXPECT_EQ(t.peak_mt, 9832760);
  EXPECT_DOUBLE_EQ(t.mean_marked, 297328933.0 / 74);
  EXPECT_EQ(t.gc_cpu_pct, 3);  // "gc 75 @0.594s 3%"
  EXPECT_EQ(t.cycles[0].trigger, 4194304);
  EXPECT_EQ(t.cycles.back().marked, -1);  // no cycle after it says
}

RunTotals WithCycles(int n, double peak) {
  RunTotals t;
  t.cycles.resize(static_cast<size_t>(n));
  t.peak_mt = peak * (1 << 20);
  return t;
}

TEST(Compare, InsideTheSpreadWidenedByTwoPercent) {
  const std::vector<RunTotals> real = {WithCycles(50, 10), WithCycles(60, 12), WithCycles(55, 11)};
  MeasureComparison c = Compare(WithCycles(61, 0), real, Measure::kCycles);
  EXPECT_EQ(c.real_min, 50);
  EXPECT_EQ(c.real_max, 60);
  EXPECT_EQ(c.real_mean, 55);
  EXPECT_TRUE(c.inside);  // 61 <= 60 * 1.02 = 61.2
  EXPECT_DOUBLE_EQ(c.error_pct, 6.0 / 55 * 100);
  EXPECT_FALSE(Compare(WithCycles(62, 0), real, Measure::kCycles).inside);
  EXPECT_TRUE(Compare(WithCycles(49, 0), real, Measure::kCycles).inside);  // 50 * 0.98
  EXPECT_FALSE(Compare(WithCycles(48, 0), real, Measure::kCycles).inside);
  c = Compare(WithCycles(1, 9), real, Measure::kPeakHeapMT);
  EXPECT_EQ(c.simulated, 9);
  EXPECT_FALSE(c.inside);
  EXPECT_DOUBLE_EQ(c.error_pct, -2.0 / 11 * 100);
}

}  // namespace
}  // namespace gogcsim::traces
