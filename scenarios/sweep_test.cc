// Sweeps: grid order, shards, the same table whatever the thread count,
// merge of shards into the unsharded table byte for byte, merge errors, and
// row figures checked against a direct Run() of the same grid point.
#include "scenarios/sweep.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "traces/test_util.h"

namespace gogcsim::scenarios {
namespace {

// s contains part (gmock is not among the system libraries).
::testing::AssertionResult Has(const std::string& s, const std::string& part) {
  if (s.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << s << "\"\n  lacks \"" << part << "\"";
}

// A small steady workload: 30,000 records per goroutine, 4,000 kept live,
// so GOGC 25 runs several cycles and one run takes milliseconds.
RunConfig SmallSteady() {
  RunConfig cfg = *BuiltinRun("steady");
  SetRecords(&cfg, 30000);
  cfg.workload.groups[0].lifetime.live_set = 4000;
  return cfg;
}

// 3 GOGC x 2 GOMAXPROCS x 2 seeds = 12 runs.
SweepGrid SmallGrid() { return SweepGrid{{25, 50, 100}, {1, 2}, {1, 2}}; }

SweepTable MustSweep(Shard shard, int threads) {
  SweepOptions opt;
  opt.threads = threads;
  auto t = RunSweep(SmallSteady(), SmallGrid(), shard, opt);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : SweepTable{};
}

// The whole grid on one thread: the reference every other table is compared
// with (computed once).
const SweepTable& Reference() {
  static const SweepTable* t = new SweepTable(MustSweep(Shard{0, 1}, 1));
  return *t;
}

TEST(SweepGridTest, ShardsAreRoundRobinAndCoverTheGridOnce) {
  EXPECT_EQ(ShardIndices(7, Shard{1, 3}), (std::vector<size_t>{1, 4}));
  EXPECT_EQ(ShardIndices(7, Shard{0, 3}), (std::vector<size_t>{0, 3, 6}));
  EXPECT_EQ(ShardIndices(2, Shard{2, 3}), (std::vector<size_t>{}));
  EXPECT_EQ(ShardIndices(5, Shard{0, 1}), (std::vector<size_t>{0, 1, 2, 3, 4}));
}

TEST(SweepGridTest, ParsesShardsListsAndSeeds) {
  auto s = ParseShard("2/5");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(*s, (Shard{2, 5}));
  for (const char* bad : {"5/5", "-1/3", "1", "a/2", "0/0", "1/2/3", ""}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
  auto l = ParseIntList("25, 50,100", "gogc_list");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(*l, (std::vector<int32_t>{25, 50, 100}));
  auto bad = ParseIntList("25,x", "gogc_list");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Has(std::string(bad.status().message()), "--gogc_list=25,x: \"x\""));
  EXPECT_EQ(SeedRange(5, 3), (std::vector<uint64_t>{5, 6, 7}));
}

TEST(SweepGridTest, RunSweepRejectsBadGrids) {
  // The grid checks themselves: traces/sweep_table_test.
  auto t = RunSweep(SmallSteady(), SweepGrid{{100}, {300}, {1}}, Shard{0, 1}, SweepOptions{});
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(Has(std::string(t.status().message()), "gomaxprocs 300"));
}

TEST(SweepTest, TableIsInGridOrderAndShowsGogcEffect) {
  const SweepTable& t = Reference();
  ASSERT_EQ(t.runs.size(), 12u);
  for (size_t k = 0; k < t.runs.size(); k++) {
    EXPECT_EQ(t.runs[k].index, k);
    const GridPoint p = PointAt(t.grid, k);
    EXPECT_EQ(t.runs[k].gogc, p.gogc);
    EXPECT_EQ(t.runs[k].gomaxprocs, p.gomaxprocs);
    EXPECT_EQ(t.runs[k].seed, p.seed);
  }
  // Lower GOGC, more cycles and a smaller peak heap (same procs and seed:
  // indices 0, 4, 8 are GOGC 25, 50, 100 on 1 P with seed 1).
  EXPECT_GE(t.runs[0].cycles, t.runs[4].cycles);
  EXPECT_GE(t.runs[4].cycles, t.runs[8].cycles);
  EXPECT_GT(t.runs[0].cycles, t.runs[8].cycles);
  EXPECT_LT(t.runs[0].peak_heap_live, t.runs[8].peak_heap_live);
  EXPECT_GE(t.runs[8].cycles, 1u);
  std::printf("%s", SweepCsv(t).c_str());
  // Another seed is another run.
  EXPECT_NE(t.runs[0].virtual_ns, t.runs[1].virtual_ns);
}

TEST(SweepTest, SameBytesWhateverTheThreadCount) {
  const std::string json = SweepJson(Reference()), csv = SweepCsv(Reference());
  for (int threads : {2, 3}) {
    const SweepTable t = MustSweep(Shard{0, 1}, threads);
    EXPECT_EQ(SweepJson(t), json) << threads << " threads";
    EXPECT_EQ(SweepCsv(t), csv) << threads << " threads";
  }
}

TEST(SweepTest, ProgressCountsEveryRun) {
  SweepOptions opt;
  opt.threads = 2;
  std::vector<size_t> seen;
  opt.progress = [&](size_t done, size_t total) {
    EXPECT_EQ(total, 4u);
    seen.push_back(done);
  };
  // Shard 1/3 of 12 runs: indices 1, 4, 7, 10.
  auto t = RunSweep(SmallSteady(), SmallGrid(), Shard{1, 3}, opt);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(seen, (std::vector<size_t>{1, 2, 3, 4}));
  ASSERT_EQ(t->runs.size(), 4u);
  for (size_t i = 0; i < 4; i++) EXPECT_EQ(t->runs[i], Reference().runs[1 + 3 * i]);
}

// A row's figures from a direct Run() of its grid point, computed here from
// the per-cycle statistics by the definitions in the README.
TEST(SweepTest, RowMatchesDirectRun) {
  const SweepRow& row = Reference().runs[2];  // GOGC 25, GOMAXPROCS 2, seed 1
  RunConfig cfg = SmallSteady();
  cfg.gogc = 25;
  cfg.gomaxprocs = 2;
  cfg.seed = 1;
  auto r = scenarios::Run(cfg, nullptr, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_GE(r->cycles.size(), 2u);
  EXPECT_EQ(row.gogc, 25);
  EXPECT_EQ(row.gomaxprocs, 2);
  EXPECT_EQ(row.cycles, r->cycles.size());
  EXPECT_EQ(row.peak_heap_live, r->peak_heap_live);
  EXPECT_EQ(row.peak_heap_inuse, r->peak_heap_inuse);
  EXPECT_EQ(row.allocations, r->allocations);
  EXPECT_EQ(row.bytes_allocated, r->bytes_allocated);
  EXPECT_EQ(row.virtual_ns, r->virtual_ns);
  int64_t pause = 0, pause_max = 0, mark_max = 0, assist = 0;
  double goal = 0, mark = 0;
  uint64_t goal_max = 0;
  for (const model::CycleStats& c : r->cycles) {
    pause += c.pauseNS;
    pause_max = std::max(pause_max, c.pauseNS);
    mark += static_cast<double>(c.tMarkTerm - c.tMark);
    mark_max = std::max(mark_max, c.tMarkTerm - c.tMark);
    goal += static_cast<double>(c.heapGoal);
    goal_max = std::max(goal_max, c.heapGoal);
    assist += c.assistTime;
    // Every cycle has a pause (two STWs) and a mark phase.
    EXPECT_GT(c.pauseNS, 0);
    EXPECT_GT(c.tMarkTerm, c.tMark);
  }
  const double n = static_cast<double>(r->cycles.size());
  EXPECT_EQ(row.pause_total_ns, pause);
  EXPECT_EQ(row.pause_max_ns, pause_max);
  EXPECT_EQ(row.max_mark_ns, mark_max);
  EXPECT_EQ(row.max_heap_goal, goal_max);
  EXPECT_DOUBLE_EQ(row.mean_mark_ns, mark / n);
  EXPECT_DOUBLE_EQ(row.mean_heap_goal, goal / n);
  EXPECT_EQ(row.final_trigger_ratio, r->cycles.back().triggerRatio);
  // Go's GCCPUFraction at the last cycle's end is totaltime / (tEnd * P),
  // with totaltime the same GC CPU sum the row uses, taken over the whole
  // run instead: row * virtual_ns == last.gc_cpu_fraction * tEnd.
  const model::CycleStats& last = r->cycles.back();
  EXPECT_NEAR(row.gc_cpu_fraction * static_cast<double>(r->virtual_ns),
              last.gc_cpu_fraction * static_cast<double>(last.tEnd), 1e-9 * static_cast<double>(last.tEnd));
  EXPECT_GT(row.gc_cpu_fraction, 0.0);
  EXPECT_LT(row.gc_cpu_fraction, 1.0);
  // assist_fraction * GC CPU == assist time, GC CPU = fraction * ns * P.
  const double gc_cpu = row.gc_cpu_fraction * static_cast<double>(r->virtual_ns) * 2;
  EXPECT_NEAR(row.assist_fraction * gc_cpu, static_cast<double>(assist), 1e-6 * gc_cpu);
  EXPECT_GE(row.assist_fraction, 0.0);
  EXPECT_LE(row.assist_fraction, 1.0);
  EXPECT_DOUBLE_EQ(row.alloc_bytes_per_s,
                   static_cast<double>(r->bytes_allocated) / (static_cast<double>(r->virtual_ns) / 1e9));
}

TEST(SweepTest, TableNamesScenarioRecordsGridAndShard) {
  // The layout itself: traces/sweep_table_test.
  const SweepTable& t = Reference();
  EXPECT_EQ(t.scenario, "steady");
  EXPECT_EQ(t.records, 30000u);
  EXPECT_EQ(t.grid, SmallGrid());
  EXPECT_EQ(t.shard, (Shard{0, 1}));
  const std::string json = SweepJson(t);
  auto back = ParseSweepJson(json, "mem.json");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->runs, t.runs);
}

// The grid in 3 shards, each run on 2 threads (computed once).
const std::vector<SweepPart>& ThreeShards() {
  static const std::vector<SweepPart>* parts = [] {
    auto* v = new std::vector<SweepPart>;
    for (int i = 0; i < 3; i++) {
      v->push_back({"shard-" + std::to_string(i) + "/sweep.json", MustSweep(Shard{i, 3}, 2)});
    }
    return v;
  }();
  return *parts;
}

TEST(SweepMergeTest, ThreeShardsMergeIntoTheUnshardedTable) {
  std::vector<SweepPart> parts = ThreeShards();
  EXPECT_EQ(parts[0].table.runs.size(), 4u);
  std::swap(parts[0], parts[2]);  // order of the inputs does not matter
  // Through files, as the command line does.
  const std::filesystem::path dir = std::filesystem::path(traces::TmpDir()) / "sweep_merge";
  std::vector<SweepPart> read;
  for (size_t i = 0; i < parts.size(); i++) {
    const std::string d = (dir / ("s" + std::to_string(i))).string();
    ASSERT_TRUE(WriteSweep(parts[i].table, d).ok());
    auto t = ReadSweep(d);
    ASSERT_TRUE(t.ok()) << t.status();
    read.push_back({d, *t});
  }
  auto merged = Merge(read);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(SweepJson(*merged), SweepJson(Reference()));
  EXPECT_EQ(SweepCsv(*merged), SweepCsv(Reference()));
  // And what WriteSweep put on disk is those bytes, with no temporary left.
  ASSERT_TRUE(WriteSweep(*merged, (dir / "all").string()).ok());
  std::ifstream f(dir / "all" / "sweep.csv", std::ios::binary);
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_EQ(text.str(), SweepCsv(Reference()));
  for (const auto& e : std::filesystem::directory_iterator(dir / "all")) {
    EXPECT_EQ(e.path().filename().string().find("tmp"), std::string::npos) << e.path();
  }
}

TEST(SweepMergeTest, MissingShardIsNamed) {
  std::vector<SweepPart> parts = ThreeShards();
  parts.erase(parts.begin() + 1);
  auto m = Merge(parts);
  ASSERT_FALSE(m.ok());
  // Shard 1/3 of 12 runs holds indices 1, 4, 7, 10.
  EXPECT_TRUE(Has(std::string(m.status().message()),
                  "4 of 12 grid indices missing: 1, 4, 7, 10 (shard 1/3 not given?)"));
}

TEST(SweepMergeTest, DuplicateShardIsNamed) {
  std::vector<SweepPart> parts = ThreeShards();
  parts.push_back({"again/sweep.json", parts[2].table});
  auto m = Merge(parts);
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(Has(std::string(m.status().message()),
                  "grid index 2 (GOGC 25, GOMAXPROCS 2, seed 1) is in both shard-2/sweep.json and "
                        "again/sweep.json"));
}

TEST(SweepMergeTest, DifferentGridOrScenarioIsRefused) {
  const std::vector<SweepPart>& parts = ThreeShards();
  SweepOptions opt;
  opt.threads = 2;
  auto other = RunSweep(SmallSteady(), SweepGrid{{25, 50, 200}, {1, 2}, {1, 2}}, Shard{1, 3}, opt);
  ASSERT_TRUE(other.ok()) << other.status();
  auto m = Merge({parts[0], {"other/sweep.json", *other}, parts[2]});
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(Has(std::string(m.status().message()),
                  "other/sweep.json is a sweep of steady (records 30000, GOGC 25,50,200 x GOMAXPROCS 1,2 x seeds "
                  "1,2) but shard-0/sweep.json is of steady (records 30000, GOGC 25,50,100 x GOMAXPROCS 1,2 x seeds "
                  "1,2): not shards of one sweep"));
  SweepPart renamed = parts[1];
  renamed.table.scenario = "steady-p4";
  EXPECT_FALSE(Merge({parts[0], renamed, parts[2]}).ok());
  SweepPart more = parts[1];
  more.table.records = 40000;
  EXPECT_FALSE(Merge({parts[0], more, parts[2]}).ok());
  EXPECT_TRUE(Merge(parts).ok());
  EXPECT_FALSE(Merge({}).ok());
}

}  // namespace
}  // namespace gogcsim::scenarios
