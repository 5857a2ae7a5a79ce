// What-if accuracy against the real runtime: churn-p1 (GOGC 100) imported
// as a trace and run by the simulator's own collector at GOGC 200, against
// the real run of the same program at GOGC 200 (churn-p1-gogc200). The real
// figures are read from that recording here; the bounds are the accuracy
// the what-if mode has today (printed), so a change that makes prediction
// worse fails.
#include <algorithm>
#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "scenarios/runner.h"
#include "traces/reference_files.h"
#include "traces/reference_import.h"
#include "traces/reference_reader.h"
#include "traces/test_util.h"

namespace gogcsim {
namespace {

struct Figures {
  size_t cycles = 0;  // completed (mark termination), as gctrace counts them
  double mean_goal = 0;  // bytes
  uint64_t peak_live = 0;  // bytes
};

// The real run: GC cycles completed (MT; a recording can end in a started
// cycle, which the simulator's history would not count either), the mean
// goal (startCycle's next_gc in PS), and the highest heap_live the
// recording shows (GS, CS, L).
Figures Recorded(const std::string& path) {
  Figures f;
  auto reader = traces::ReferenceReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return f;
  traces::RefRecord rec;
  double goals = 0;
  size_t starts = 0;
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&rec);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    switch (rec.tag) {
      case traces::RefTag::kMT:
        f.cycles++;
        break;
      case traces::RefTag::kGS:
        f.peak_live = std::max(f.peak_live, rec.U64(3));
        break;
      case traces::RefTag::kCS:
        f.peak_live = std::max(f.peak_live, rec.U64(4));
        break;
      case traces::RefTag::kL:
        f.peak_live = std::max(f.peak_live, rec.U64(2));
        break;
      case traces::RefTag::kPS:
        goals += static_cast<double>(rec.v[8]);
        starts++;
        break;
      default:
        break;
    }
  }
  f.mean_goal = goals / static_cast<double>(starts);
  return f;
}

Figures Simulated(const std::string& trace, int32_t gogc) {
  Figures f;
  absl::StatusOr<scenarios::RunConfig> cfg = scenarios::LoadRunnable(trace);
  EXPECT_TRUE(cfg.ok()) << cfg.status();
  if (!cfg.ok()) return f;
  EXPECT_EQ(cfg->gomaxprocs, 1);  // from the trace's header
  EXPECT_EQ(cfg->gogc, 100);
  cfg->gogc = gogc;
  absl::StatusOr<scenarios::RunResult> r = scenarios::RunScenario(*cfg, nullptr, nullptr);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return f;
  EXPECT_EQ(r->allocations, 1569502u);
  f.cycles = r->cycles.size();
  for (const auto& c : r->cycles) f.mean_goal += static_cast<double>(c.heapGoal);
  f.mean_goal /= static_cast<double>(f.cycles);
  f.peak_live = r->peak_heap_live;
  return f;
}

double RelErr(double sim, double real) { return (sim - real) / real; }

TEST(WhatIf, ChurnAtGogc200FromTheGogc100Recording) {
  absl::StatusOr<std::string> src = traces::ReferenceFile("churn-p1.rec.gz");
  absl::StatusOr<std::string> real200 = traces::ReferenceFile("churn-p1-gogc200.rec.gz");
  ASSERT_TRUE(src.ok() && real200.ok());
  const std::string trace = traces::TmpPath("churn-p1.trace");
  absl::StatusOr<traces::ReferenceImportStats> imp = traces::ImportReference(*src, trace);
  ASSERT_TRUE(imp.ok()) << imp.status();

  const Figures real = Recorded(*real200);
  ASSERT_EQ(real.cycles, 30u);  // 31 started (the recordings' README), the last one unfinished
  const Figures sim = Simulated(trace, 200);
  std::printf("churn-p1 -> GOGC 200: cycles %zu (real %zu, %+.1f%%), mean goal %.0f (real %.0f, %+.1f%%), "
              "peak heap_live %llu (real %llu, %+.1f%%)\n",
              sim.cycles, real.cycles, 100 * RelErr(sim.cycles, real.cycles), sim.mean_goal, real.mean_goal,
              100 * RelErr(sim.mean_goal, real.mean_goal), static_cast<unsigned long long>(sim.peak_live),
              static_cast<unsigned long long>(real.peak_live), 100 * RelErr(sim.peak_live, real.peak_live));
  // Issue 7's target is cycles within 5% (met) and peak heap within 3% (not
  // met: the real run's peak comes from its first cycles' long marks).
  EXPECT_LT(std::abs(RelErr(sim.cycles, real.cycles)), 0.05);
  EXPECT_LT(std::abs(RelErr(sim.mean_goal, real.mean_goal)), 0.05);
  EXPECT_LT(std::abs(RelErr(sim.peak_live, real.peak_live)), 0.15);

  // The same trace at its own GOGC against its own recording.
  const Figures real100 = Recorded(*src);
  const Figures sim100 = Simulated(trace, 100);
  std::printf("churn-p1 at its own GOGC 100: cycles %zu (real %zu, %+.1f%%), mean goal %.0f (real %.0f, %+.1f%%), "
              "peak heap_live %llu (real %llu, %+.1f%%)\n",
              sim100.cycles, real100.cycles, 100 * RelErr(sim100.cycles, real100.cycles), sim100.mean_goal,
              real100.mean_goal, 100 * RelErr(sim100.mean_goal, real100.mean_goal),
              static_cast<unsigned long long>(sim100.peak_live), static_cast<unsigned long long>(real100.peak_live),
              100 * RelErr(sim100.peak_live, real100.peak_live));
  EXPECT_LT(std::abs(RelErr(sim100.cycles, real100.cycles)), 0.08);
}

}  // namespace
}  // namespace gogcsim
