// The sweep table format: grid numbering, grid checks, sweep.json and
// sweep.csv layout, parse and print round trips, errors that name the file
// and the JSON path, and writes that leave no temporary files.
#include "traces/sweep_table.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "traces/test_util.h"

namespace gogcsim::traces {
namespace {

::testing::AssertionResult Has(const std::string& s, const std::string& part) {
  if (s.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << s << "\"\n  lacks \"" << part << "\"";
}

// GOGC {50, 100} x GOMAXPROCS {1} x seeds {1, 2}; shard 1 of 2 holds the
// odd indices: (50, 1, seed 2) and (100, 1, seed 2). Hand-chosen figures,
// with fractions that have no short decimal (1/3) to test the round trip.
SweepTable OddShard() {
  SweepTable t;
  t.scenario = "hand \"made\"";
  t.records = 5000;
  t.grid = SweepGrid{{50, 100}, {1}, {1, 2}};
  t.shard = Shard{1, 2};
  for (uint64_t index : {1, 3}) {
    SweepRow r;
    r.index = index;
    r.gogc = index == 1 ? 50 : 100;
    r.gomaxprocs = 1;
    r.seed = 2;
    r.cycles = index == 1 ? 12 : 6;
    r.peak_heap_live = 3 << 20;
    r.peak_heap_inuse = (3 << 20) + 8192;
    r.mean_heap_goal = 2.5 * (1 << 20);
    r.max_heap_goal = 3 << 20;
    r.gc_cpu_fraction = 1.0 / 3;
    r.assist_fraction = 0.25;
    r.mean_mark_ns = 1500.5;
    r.max_mark_ns = 2000;
    r.pause_max_ns = 100;
    r.final_trigger_ratio = 0.7;
    r.allocations = 5000;
    r.bytes_allocated = 320000;
    r.virtual_ns = 1000000;
    r.alloc_bytes_per_s = 3.2e11;
    t.runs.push_back(r);
  }
  return t;
}

TEST(SweepGridTest, IndicesRunGogcOuterThenProcsThenSeed) {
  const SweepGrid g{{50, 100}, {1, 2}, {7, 8, 9}};
  ASSERT_EQ(g.size(), 12u);
  // Index 7 = 1*(2*3) + 0*3 + 1: second GOGC, first GOMAXPROCS, second seed.
  const GridPoint p = PointAt(g, 7);
  EXPECT_EQ(p.gogc, 100);
  EXPECT_EQ(p.gomaxprocs, 1);
  EXPECT_EQ(p.seed, 8u);
  // Index 5 = 0*6 + 1*3 + 2.
  EXPECT_EQ(PointAt(g, 5).gogc, 50);
  EXPECT_EQ(PointAt(g, 5).gomaxprocs, 2);
  EXPECT_EQ(PointAt(g, 5).seed, 9u);
}

TEST(SweepGridTest, RejectsBadGrids) {
  EXPECT_FALSE(ValidateGrid(SweepGrid{{}, {1}, {1}}).ok());
  EXPECT_FALSE(ValidateGrid(SweepGrid{{100, 100}, {1}, {1}}).ok());
  EXPECT_FALSE(ValidateGrid(SweepGrid{{100}, {0}, {1}}).ok());
  EXPECT_FALSE(ValidateGrid(SweepGrid{{100}, {257}, {1}}).ok());
  EXPECT_FALSE(ValidateGrid(SweepGrid{{-5}, {1}, {1}}).ok());
  EXPECT_FALSE(ValidateGrid(SweepGrid{{100}, {1}, {3, 3}}).ok());
  EXPECT_TRUE(ValidateGrid(SweepGrid{{-1, 100}, {1, 4}, {1}}).ok());
}

TEST(SweepTableTest, JsonAndCsvLayout) {
  const SweepTable t = OddShard();
  const std::string csv = SweepCsv(t);
  EXPECT_EQ(csv,
            "index,gogc,gomaxprocs,seed,cycles,peak_heap_live,peak_heap_inuse,mean_heap_goal,max_heap_goal,"
            "gc_cpu_fraction,assist_fraction,mean_mark_ns,max_mark_ns,pause_total_ns,pause_max_ns,"
            "final_trigger_ratio,allocations,bytes_allocated,virtual_ns,alloc_bytes_per_s\n"
            "1,50,1,2,12,3145728,3153920,2621440,3145728,0.3333333333333333,0.25,1500.5,2000,0,100,0.7,5000,320000,"
            "1000000,3.2e+11\n"
            "3,100,1,2,6,3145728,3153920,2621440,3145728,0.3333333333333333,0.25,1500.5,2000,0,100,0.7,5000,320000,"
            "1000000,3.2e+11\n");
  const std::string json = SweepJson(t);
  EXPECT_EQ(json.substr(0, json.find("\"runs\"")),
            "{\n  \"scenario\": \"hand \\\"made\\\"\",\n  \"records\": 5000,\n"
            "  \"grid\": {\"gogc\": [50, 100], \"gomaxprocs\": [1], \"seeds\": [1, 2]},\n"
            "  \"shard\": {\"index\": 1, \"count\": 2},\n  ");
  EXPECT_TRUE(Has(json, "\"runs\": [\n    {\"index\": 1, \"gogc\": 50, \"gomaxprocs\": 1, \"seed\": 2, \"cycles\": 12, "));
  EXPECT_TRUE(Has(json, "\"gc_cpu_fraction\": 0.3333333333333333, "));
  EXPECT_EQ(json.substr(json.size() - 8), "}\n  ]\n}\n");
  // An empty shard is still a table.
  SweepTable empty = t;
  empty.runs.clear();
  EXPECT_TRUE(Has(SweepJson(empty), "\"runs\": []\n}\n"));
}

TEST(SweepTableTest, ParsedTableIsTheSameAndPrintsTheSameBytes) {
  const SweepTable t = OddShard();
  auto back = ParseSweepJson(SweepJson(t), "mem.json");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->scenario, t.scenario);
  EXPECT_EQ(back->records, t.records);
  EXPECT_EQ(back->grid, t.grid);
  EXPECT_EQ(back->shard, t.shard);
  EXPECT_EQ(back->runs, t.runs);  // every double bit for bit
  EXPECT_EQ(SweepJson(*back), SweepJson(t));
  EXPECT_EQ(SweepCsv(*back), SweepCsv(t));
}

TEST(SweepTableTest, ParseErrorsNameFileAndPath) {
  const std::string json = SweepJson(OddShard());
  auto err = [](const std::string& text) {
    auto t = ParseSweepJson(text, "x/sweep.json");
    return t.ok() ? std::string("ok") : std::string(t.status().message());
  };
  auto edit = [&](const std::string& from, const std::string& to) {
    std::string s = json;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? s : s.replace(at, from.size(), to);
  };
  EXPECT_EQ(err(json), "ok");
  EXPECT_TRUE(Has(err("{"), "x/sweep.json:1:2: malformed JSON: syntax error"));
  // Issue 19: a number beyond a double aborted, a duplicate key and
  // negative values went into the merged table.
  EXPECT_TRUE(Has(err(edit("\"records\": ", "\"records\": 1e999, \"x\": ")),
                  "malformed JSON: number overflow parsing '1e999'"));
  EXPECT_TRUE(Has(err(edit("\"records\": ", "\"records\": 1, \"records\": ")), "x/sweep.json: /records: duplicate key"));
  EXPECT_TRUE(Has(err("[]"), "x/sweep.json: $: not an object"));
  EXPECT_TRUE(Has(err("{\"scenario\": \"s\"}"), "x/sweep.json: $: missing \"grid\""));
  EXPECT_TRUE(Has(err(edit("\"gogc\": 100, \"gomaxprocs\": 1", "\"gogc\": \"x\", \"gomaxprocs\": 1")),
                  "x/sweep.json: $.runs[1].gogc: want an integer"));
  EXPECT_TRUE(Has(err(edit("\"seeds\": [1, 2]", "\"seeds\": [1, -2]")),
                  "x/sweep.json: $.grid.seeds[1]: want a non-negative integer"));
  EXPECT_TRUE(Has(err(edit("\"seeds\": [1, 2]", "\"seeds\": [1, 1]")), "x/sweep.json: $.grid: "));
  EXPECT_TRUE(Has(err(edit("\"index\": 1, \"count\": 2", "\"index\": 2, \"count\": 2")),
                  "x/sweep.json: $.shard: index 2 of count 2"));
  EXPECT_TRUE(Has(err(edit("\"gc_cpu_fraction\": 0.3333333333333333", "\"gc_cpu_fraction\": true")),
                  "$.runs[0].gc_cpu_fraction: want a number"));
  EXPECT_TRUE(Has(err(edit("\"gc_cpu_fraction\": 0.3333333333333333", "\"gc_cpu_fraction\": -0.5")),
                  "x/sweep.json: $.runs[0].gc_cpu_fraction: -0.5 is negative"));
  EXPECT_TRUE(Has(err(edit("\"pause_max_ns\": 100", "\"pause_max_ns\": -2147483649")),
                  "x/sweep.json: $.runs[0].pause_max_ns: -2147483649 is negative"));
  // A row that is not the grid point of its index, outside the grid, of
  // another shard, or out of order.
  EXPECT_TRUE(Has(err(edit("{\"index\": 1, \"gogc\": 50", "{\"index\": 1, \"gogc\": 100")),
                  "$.runs[0]: GOGC 100, GOMAXPROCS 1, seed 2, but grid index 1 is GOGC 50"));
  EXPECT_TRUE(Has(err(edit("{\"index\": 3,", "{\"index\": 5,")), "$.runs[1].index: 5 outside the grid of 4 runs"));
  EXPECT_TRUE(Has(err(edit("{\"index\": 3, \"gogc\": 100, \"gomaxprocs\": 1, \"seed\": 2",
                           "{\"index\": 2, \"gogc\": 100, \"gomaxprocs\": 1, \"seed\": 1")),
                  "$.runs[1].index: 2 does not belong to shard 1/2"));
}

TEST(SweepTableTest, WriteThenReadFromTheDirectoryOrTheFile) {
  const std::filesystem::path dir = TmpPath("sweep_table_rw");
  std::filesystem::remove_all(dir);
  const SweepTable t = OddShard();
  ASSERT_TRUE(WriteSweep(t, dir.string()).ok());
  for (const std::filesystem::path& p : {dir, dir / "sweep.json"}) {
    auto back = ReadSweep(p.string());
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(SweepJson(*back), SweepJson(t));
  }
  std::stringstream csv;
  csv << std::ifstream(dir / "sweep.csv").rdbuf();
  EXPECT_EQ(csv.str(), SweepCsv(t));
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    files++;
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  EXPECT_EQ(files, 2u);
  auto missing = ReadSweep((dir / "nowhere").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(Has(std::string(missing.status().message()), "nowhere"));
}

}  // namespace
}  // namespace gogcsim::traces
