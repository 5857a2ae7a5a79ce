// Every shipped scenario runs (with a checkmark pass at every cycle) and
// does what its description says. Record sizes: the steady workload's
// record kinds (README.md) take, per record, 48 B (weight 4), 32 + 64 B (3),
// 96 + 512 B (1), 16 B + an 8 B string in a shared 16 B tiny block (2) and
// 2048 B (0.2): on average (4*48 + 3*96 + 608 + 2*24 + 0.2*2048) / 10.2 =
// 151.5 bytes.
#include "scenarios/shipped_scenarios.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "scenarios/scenario.h"
#include "scenarios/simulation.h"

namespace gogcsim::scenarios {
namespace {

constexpr double kRecordBytes = 151.5;
constexpr double kMiB = 1 << 20;

struct Ran {
  RunConfig cfg;
  RunResult r;
};

// The shipped scenario `name` run once per test binary (records capped if
// cap != 0).
const Ran& Shipped(const std::string& name, uint64_t cap = 0) {
  static std::map<std::string, Ran> runs;
  auto it = runs.find(name);
  if (it != runs.end()) return it->second;
  Ran ran;
  auto cfg = LoadScenario(name);
  EXPECT_TRUE(cfg.ok()) << cfg.status();
  ran.cfg = *cfg;
  if (cap != 0) SetRecords(&ran.cfg, cap);
  ran.cfg.check_marks = true;
  auto r = Run(ran.cfg, nullptr, nullptr);
  EXPECT_TRUE(r.ok()) << r.status();
  if (r.ok()) ran.r = *r;
  const auto& cy = ran.r.cycles;
  std::printf("%s: %zu cycles, %llu records, %.3f s virtual; heap marked (MiB):", name.c_str(), cy.size(),
              static_cast<unsigned long long>(ran.r.records), static_cast<double>(ran.r.virtual_ns) / 1e9);
  for (const auto& c : cy) std::printf(" %.1f", static_cast<double>(c.heap2) / kMiB);
  std::printf("\n");
  return runs.emplace(name, std::move(ran)).first->second;
}

TEST(ShippedScenarios, EveryOneRunsSeveralCycles) {
  for (const std::string& name : ShippedScenarioNames()) {
    // steady-p4 is the slowest; a quarter of its records is plenty here.
    const Ran& ran = Shipped(name, name == "steady-p4" ? 100000 : 0);
    EXPECT_GE(ran.r.cycles.size(), 5u) << name;
    EXPECT_GT(ran.r.records, 0u) << name;
    for (const auto& c : ran.r.cycles) EXPECT_EQ(c.gomaxprocs, ran.cfg.gomaxprocs) << name;
  }
}

TEST(ShippedScenarios, SteadyHoldsTwentyThousandRecordsLive) {
  const Ran& s = Shipped("steady");
  EXPECT_EQ(s.r.goroutines, 1);
  EXPECT_EQ(s.r.records, 400000u);
  // Marked heap after the first cycles: the 20000 live records of 151.5 B
  // plus what was allocated during the mark (allocated black, at most the
  // heap's growth over the mark), but not the 40000 records a ring twice as
  // large would hold.
  const auto& cy = s.r.cycles;
  for (size_t i = 2; i < cy.size(); i++) {
    const double black = static_cast<double>(cy[i].heap1 - cy[i].heap0);
    EXPECT_GE(static_cast<double>(cy[i].heap2), 0.9 * 20000 * kRecordBytes) << "cycle " << i + 1;
    EXPECT_LT(static_cast<double>(cy[i].heap2) - black, 1.5 * 20000 * kRecordBytes) << "cycle " << i + 1;
  }
}

TEST(ShippedScenarios, SteadyP4RunsFourGoroutinesWithADedicatedWorker) {
  const Ran& s = Shipped("steady-p4", 100000);
  EXPECT_EQ(s.r.goroutines, 4);
  EXPECT_EQ(s.r.records, 4u * 100000);
  // 4 x 0.25 = 1 dedicated mark worker, no fractional one.
  for (size_t i = 1; i < s.r.cycles.size(); i++) {
    EXPECT_GT(s.r.cycles[i].dedicatedMarkTime, 0) << "cycle " << i + 1;
    EXPECT_EQ(s.r.cycles[i].fractionalMarkTime, 0) << "cycle " << i + 1;
  }
}

TEST(ShippedScenarios, RampHeapGoalGrowsWithTheLiveSet) {
  const auto& cy = Shipped("ramp").r.cycles;
  ASSERT_GE(cy.size(), 5u);
  // The live set grows from 2 x 10000 to 2 x 40000 records: the goal
  // never falls back much and ends well above where it started.
  for (size_t i = 1; i < cy.size(); i++) {
    EXPECT_GE(static_cast<double>(cy[i].heapGoal), 0.9 * static_cast<double>(cy[i - 1].heapGoal)) << i + 1;
  }
  EXPECT_GE(static_cast<double>(cy.back().heap2), 2.5 * static_cast<double>(cy[1].heap2));
  EXPECT_GE(static_cast<double>(cy.back().heap2), 0.9 * 80000 * kRecordBytes);
}

TEST(ShippedScenarios, StepJumps) {
  const auto& cy = Shipped("step").r.cycles;
  ASSERT_GE(cy.size(), 5u);
  // The step quadruples the live set (10000 -> 40000 records per
  // goroutine): after the first cycles (heap minimum) the goal is flat
  // until the first cycle whose goal rises by more than 30%, and ends far
  // above it (the rise may take two cycles).
  size_t jump = 0;
  for (size_t i = 2; i < cy.size() && jump == 0; i++) {
    if (static_cast<double>(cy[i].heapGoal) > 1.3 * static_cast<double>(cy[i - 1].heapGoal)) jump = i;
  }
  ASSERT_GE(jump, 3u);
  for (size_t i = 2; i < jump; i++) {
    EXPECT_NEAR(static_cast<double>(cy[i].heapGoal), static_cast<double>(cy[jump - 1].heapGoal),
                0.25 * static_cast<double>(cy[jump - 1].heapGoal))
        << "cycle " << i + 1;
  }
  EXPECT_GE(static_cast<double>(cy.back().heapGoal), 2.5 * static_cast<double>(cy[jump - 1].heapGoal));
}

TEST(ShippedScenarios, PhaseChangeLiveHeapRisesAndFallsBack) {
  const auto& cy = Shipped("phase-change").r.cycles;
  // Phases of 100 ms: steady, three times the live set, steady again
  // (with an oscillating rate). Marked heap per phase, by mark start.
  double first = 0, second = 0, third = 1e18;
  int n1 = 0;
  for (const auto& c : cy) {
    const double marked = static_cast<double>(c.heap2);
    if (c.tMark > 20'000'000 && c.tMark < 100'000'000) {
      first += marked;
      n1++;
    } else if (c.tMark >= 100'000'000 && c.tMark < 200'000'000) {
      second = std::max(second, marked);
    } else if (c.tMark >= 230'000'000) {
      third = std::min(third, marked);
    }
  }
  ASSERT_GT(n1, 0);
  first /= n1;
  EXPECT_GE(second, 2.5 * first);
  EXPECT_LE(third, 1.5 * first);
}

TEST(ShippedScenarios, HighGogcPacesToFiveTimesTheMarkedHeap) {
  const Ran& high = Shipped("high-gogc");
  const Ran& steady = Shipped("steady");
  EXPECT_EQ(high.cfg.gogc, 400);
  // GOGC 400: the goal is heap_marked + 400% of it.
  for (const auto& c : high.r.cycles) {
    EXPECT_NEAR(static_cast<double>(c.next_gc), 5.0 * static_cast<double>(c.heap_marked),
                0.01 * static_cast<double>(c.next_gc))
        << "cycle " << c.numgc;
  }
  // The same workload as steady, longer: per record, far fewer cycles
  // (about a quarter: the heap grows by 4x the live heap between cycles).
  const double high_rate = static_cast<double>(high.r.cycles.size()) / static_cast<double>(high.r.records);
  const double steady_rate = static_cast<double>(steady.r.cycles.size()) / static_cast<double>(steady.r.records);
  EXPECT_LT(high_rate, 0.5 * steady_rate);
}

TEST(ShippedScenarios, ManyGoroutinesAllHoldTheirLiveSetsAtOnce) {
  const Ran& m = Shipped("many-goroutines");
  EXPECT_EQ(m.r.goroutines, 64);
  EXPECT_EQ(m.cfg.gomaxprocs, 4);
  EXPECT_EQ(m.r.records, 64u * 6000);
  // Goroutines that block take turns on the Ps, so all 64 live sets of 400
  // records exist together (run one after another, only a few would).
  // Not the last cycle: by then goroutines have begun to exit.
  const auto& cy = m.r.cycles;
  for (size_t i = 1; i + 1 < cy.size(); i++) {
    EXPECT_GE(static_cast<double>(cy[i].heap2), 0.8 * 64 * 400 * kRecordBytes) << "cycle " << i + 1;
  }
  // Blocking: the run takes at least the goroutines' waits, 6000 / 25 = 240
  // waits of 0.5 ms each on average, about 120 ms.
  EXPECT_GE(m.r.virtual_ns, 100'000'000);
}

TEST(ShippedScenarios, LargeObjectsAreLarge) {
  const Ran& l = Shipped("large-objects");
  // One record in 20 is a lognormal buffer with median 128 KiB, sigma 1:
  // mean e^(mu + sigma^2/2) = 128 KiB x 1.65 = 216 KB (the 40 KiB floor and
  // 2 MiB cap move it little); the rest average 115 B. About 0.05 x 216 KB
  // + 0.95 x 115 B = 10.9 KB per record.
  const double per_record = static_cast<double>(l.r.bytes_allocated) / static_cast<double>(l.r.records);
  EXPECT_GE(per_record, 9000);
  EXPECT_LE(per_record, 13000);
  // Records die after about 1500 more records each: 2 x 1500 x 10.9 KB =
  // 33 MB live, more once allocation during the mark is counted.
  const auto& cy = l.r.cycles;
  for (size_t i = cy.size() / 2; i < cy.size(); i++) {
    EXPECT_GE(static_cast<double>(cy[i].heap2), 0.7 * 2 * 1500 * 10900) << "cycle " << i + 1;
  }
}

}  // namespace
}  // namespace gogcsim::scenarios
