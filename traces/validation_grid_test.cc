#include "traces/validation_grid.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

namespace fs = std::filesystem;

// A simulated run of n cycles, each marking `marked` bytes, peaking at
// `peak` bytes at mark termination.
std::string Cycles(int n, int64_t peak, int64_t marked) {
  std::string s;
  for (int i = 0; i < n; i++) {
    absl::StrAppend(&s, R"({"heap1":)", i == 0 ? peak : peak / 2, R"(,"heap_goal":1,"heap2":)", marked,
                    R"(,"next_gc_trigger":1,"gc_cpu_fraction":0.05})", "\n");
  }
  return s;
}

// A real log of n cycles (go1.10.2's lines: gctrace.h), each after its
// pacer line: H_a of the first is `peak`, the others' half; every
// H_m_prev after the first is `marked`.
std::string Real(int n, int64_t peak, int64_t marked) {
  std::string s;
  for (int i = 1; i <= n; i++) {
    absl::StrAppend(&s, "pacer: H_m_prev=", i == 1 ? 4194304 : marked,
                    " h_t=+5.0e-001 H_T=1 h_a=+1.0e+000 H_a=", i == 1 ? peak : peak / 2,
                    " h_g=+1.0e+000 H_g=1 u_a=+2.5e-001 u_g=+2.5e-001 W_a=1 goal\xce\x94=+0.0e+000 "
                    "actual\xce\x94=+0.0e+000 u_a/u_g=+1.0e+000\n",
                    "gc ", i, " @0.0", i,
                    "s 4%: 0.1+1.0+0.1 ms clock, 0.1+0/0/0+0.1 ms cpu, 4->5->2 MB, 5 MB goal, 1 P\n");
  }
  return s;
}

// Its decisions.jsonl: each cycle's endCycle, with the heap at mark
// termination as Cycles has it and H_m_prev `marked` after the first.
std::string EndCycles(int n, int64_t peak, int64_t marked) {
  std::string s;
  for (int i = 0; i < n; i++) {
    absl::StrAppend(&s, R"({"kind":"end_cycle","in":{"userForced":false,"heap_live":)", i == 0 ? peak : peak / 2,
                    R"(,"heap_marked":)", i == 0 ? 2236962 : marked, "}}\n");
  }
  return s;
}

void Cell(const std::string& grid, const std::string& name, const std::string& cycles,
          const std::vector<std::string>& real, const std::string& decisions = "") {
  const fs::path dir = fs::path(grid) / "cells" / name;
  fs::create_directories(dir / "run");
  std::ofstream(dir / "run" / "cycles.jsonl") << cycles;
  std::ofstream(dir / "run" / "decisions.jsonl") << decisions;
  for (size_t i = 0; i < real.size(); i++) std::ofstream(dir / absl::StrCat("real-", i + 1, ".stderr")) << real[i];
}

std::string Grid(const std::string& name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

constexpr int64_t kMB = 1 << 20;

TEST(ReadGrid, CellsSortedAndJudged) {
  const std::string g = Grid("two");
  // Predicted 20 cycles against 18-19: 20 <= 19 * 1.02 = 19.38? no: out.
  Cell(g, "trees-p4-g50", Cycles(20, 10 * kMB, 4 * kMB), {Real(18, 10 * kMB, 4 * kMB), Real(19, 10 * kMB, 4 * kMB)},
       EndCycles(20, 10 * kMB, 4 * kMB));
  // Inside on all three.
  Cell(g, "trees-p1-g100", Cycles(10, 8 * kMB, 2 * kMB), {Real(10, 8 * kMB, 2 * kMB), Real(11, 9 * kMB, 3 * kMB)},
       EndCycles(10, 8 * kMB, 2 * kMB));
  Cell(g, "churn-p1-g25", Cycles(40, 6 * kMB, 3 * kMB), {Real(40, 6 * kMB, 3 * kMB)}, EndCycles(40, 6 * kMB, 3 * kMB));
  absl::StatusOr<traces::Grid> grid = ReadGrid(g);
  ASSERT_TRUE(grid.ok()) << grid.status();
  ASSERT_EQ(grid->cells.size(), 3u);
  EXPECT_EQ(grid->cells[0].name, "churn-p1-g25");
  EXPECT_EQ(grid->cells[1].name, "trees-p1-g100");
  EXPECT_EQ(grid->cells[2].name, "trees-p4-g50");
  EXPECT_EQ(grid->cells[2].program, "trees");
  EXPECT_EQ(grid->cells[2].gomaxprocs, 4);
  EXPECT_EQ(grid->cells[2].gogc, 50);
  EXPECT_EQ(grid->cells[1].real_runs, 2);
  EXPECT_TRUE(grid->cells[0].all_inside);
  EXPECT_TRUE(grid->cells[1].all_inside);
  EXPECT_FALSE(grid->cells[2].all_inside);
  EXPECT_EQ(CellsInside(*grid, Measure::kCycles), 2);
  EXPECT_EQ(CellsInside(*grid, Measure::kPeakHeapMT), 3);
  EXPECT_EQ(CellsAllInside(*grid), 2);
  // Cycles: 0%, |10 - 10.5| / 10.5, |20 - 18.5| / 18.5.
  EXPECT_DOUBLE_EQ(MeanAbsError(*grid, Measure::kCycles), (0 + 0.5 / 10.5 * 100 + 1.5 / 18.5 * 100) / 3);

  const std::string csv = GridCsv(*grid);
  EXPECT_TRUE(absl::StartsWith(csv, "cell,program,gomaxprocs,gogc,real_runs,cycles_sim,")) << csv;
  EXPECT_TRUE(absl::StrContains(csv, "\ntrees-p4-g50,trees,4,50,2,20.0000,18.0000,19.0000,18.5000,8.11,0,")) << csv;
  const std::string text = GridText(*grid);
  EXPECT_TRUE(absl::StrContains(text, "all three (cycles, peak, marked)              2/3\n")) << text;
  const std::string html = GridHtml(*grid);
  EXPECT_EQ(std::count(html.begin(), html.end(), '\n') > 10, true);
  EXPECT_TRUE(absl::StrContains(html, "<title>trees-p4-g50: predicted 20.00, real 18.00-19.00 (+8.1%)</title>"))
      << html;
  EXPECT_TRUE(absl::StrContains(GridJson(*grid), "\"cells_all_inside\": 2"));
}

// A program that ends before its first cycle, predicted so: no cycles on
// either side is a cell inside, not an error.
TEST(ReadGrid, NoCycles) {
  const std::string g = Grid("none-at-all");
  Cell(g, "blocking-p1-g400", "", {"the program's own line\n", ""});
  absl::StatusOr<traces::Grid> grid = ReadGrid(g);
  ASSERT_TRUE(grid.ok()) << grid.status();
  EXPECT_TRUE(grid->cells[0].all_inside);
  EXPECT_EQ(grid->cells[0].measures[0].simulated, 0);
  EXPECT_EQ(MeanAbsError(*grid, Measure::kCycles), 0);
}

TEST(ReadGrid, ErrorsNameTheCell) {
  std::string g = Grid("badname");
  Cell(g, "churn-4-200", Cycles(1, kMB, kMB), {Real(1, kMB, kMB)});
  absl::StatusOr<traces::Grid> grid = ReadGrid(g);
  ASSERT_FALSE(grid.ok());
  EXPECT_TRUE(absl::StrContains(grid.status().message(), "churn-4-200: a cell's name must be")) << grid.status();

  g = Grid("nolog");
  Cell(g, "churn-p4-g200", Cycles(1, kMB, kMB), {});
  grid = ReadGrid(g);
  ASSERT_FALSE(grid.ok());
  EXPECT_TRUE(absl::StrContains(grid.status().message(), "churn-p4-g200: no real-*.stderr logs")) << grid.status();

  g = Grid("norun");
  Cell(g, "churn-p4-g200", "", {Real(1, kMB, kMB)});
  fs::remove(fs::path(g) / "cells/churn-p4-g200/run/cycles.jsonl");
  grid = ReadGrid(g);
  ASSERT_FALSE(grid.ok());
  EXPECT_TRUE(absl::StrContains(grid.status().message(), "churn-p4-g200/run/cycles.jsonl")) << grid.status();

  g = Grid("cutlog");
  Cell(g, "churn-p4-g200", Cycles(1, kMB, kMB), {"gc 1 @0.01s 4%: 0.1+1.0+0.1 ms clock, 0.1+0/0/0\n"});
  grid = ReadGrid(g);
  ASSERT_FALSE(grid.ok());
  EXPECT_TRUE(absl::StrContains(grid.status().message(), "real-1.stderr:1")) << grid.status();

  EXPECT_EQ(ReadGrid(Grid("none")).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace gogcsim::traces
