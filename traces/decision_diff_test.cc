#include "traces/decision_diff.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

namespace fs = std::filesystem;

std::string TmpDir(const std::string& name) {
  const fs::path p = fs::path(::testing::TempDir()) / ("decision_diff_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string Write(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream f(path);
  for (const std::string& l : lines) f << l << "\n";
  return path;
}

// A hand-written log in the format of traces::DecisionLog (fields trimmed):
// 0x3fec000000000000 is 0.875, 0x3fe0000000000000 is 0.5.
std::vector<std::string> Log() {
  return {
      R"({"seq":0,"t":0,"kind":"set_trigger","in":{"gcpercent":100},"out":{"triggerRatio":{"bits":"3fec000000000000","value":0.875},"gc_trigger":4194304,"next_gc":4473924}})",
      R"({"seq":1,"t":10,"kind":"start_cycle","in":{"heap_live":4194304},"out":{"next_gc":5242880}})",
      R"({"seq":2,"t":20,"kind":"revise","in":{"heap_live":4200000},"out":{"assistWorkPerByte":{"bits":"3fe0000000000000","value":0.5}}})",
      R"({"seq":3,"t":30,"kind":"end_cycle","in":{"userForced":false},"out":{"triggerRatio":{"bits":"3fe0000000000000","value":0.5}}})",
      R"({"seq":4,"t":30,"kind":"set_trigger","in":{"gcpercent":100},"out":{"triggerRatio":{"bits":"3fe0000000000000","value":0.5},"gc_trigger":1000,"next_gc":2000}})",
  };
}

TEST(DecisionDiffTest, IdenticalLogsAreTheSameAndCountedByKind) {
  const std::string dir = TmpDir("same");
  const std::string a = Write(dir + "/a.jsonl", Log()), b = Write(dir + "/b.jsonl", Log());
  auto d = DiffJsonLines(a, b, {});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->same());
  EXPECT_EQ(d->records_a, 5u);
  EXPECT_EQ(d->records_b, 5u);
  EXPECT_EQ(d->compared, 5u);
  EXPECT_EQ(d->differing, 0u);
  EXPECT_FALSE(d->first.has_value());
  EXPECT_EQ(d->by_kind["set_trigger"].compared, 2u);
  EXPECT_EQ(d->by_kind["end_cycle"].compared, 1u);
  EXPECT_EQ(d->by_kind.size(), 4u);
  // triggerRatio: out of two set_triggers and one end_cycle.
  ASSERT_EQ(d->movement.size(), 4u);
  EXPECT_EQ(d->movement[0].quantity, "triggerRatio");
  EXPECT_EQ(d->movement[0].n, 3u);
  EXPECT_EQ(d->movement[0].changed, 0u);
}

TEST(DecisionDiffTest, ExactModeFindsOneBitOfAFloat) {
  const std::string dir = TmpDir("onebit");
  std::vector<std::string> changed = Log();
  // end_cycle's output triggerRatio one ulp above 0.5.
  changed[3] = R"({"seq":3,"t":30,"kind":"end_cycle","in":{"userForced":false},"out":{"triggerRatio":{"bits":"3fe0000000000001","value":0.5000000000000001}}})";
  const std::string a = Write(dir + "/a.jsonl", Log()), b = Write(dir + "/b.jsonl", changed);
  auto d = DiffJsonLines(a, b, {});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(d->same());
  EXPECT_EQ(d->differing, 1u);
  EXPECT_EQ(d->by_kind["end_cycle"].differing, 1u);
  EXPECT_EQ(d->by_kind["set_trigger"].differing, 0u);
  ASSERT_TRUE(d->first.has_value());
  EXPECT_EQ(d->first->index, 3u);
  EXPECT_EQ(d->first->line_a, 4u);
  EXPECT_EQ(d->first->id, "seq 3");
  EXPECT_EQ(d->first->kind, "end_cycle");
  ASSERT_EQ(d->first->fields.size(), 1u);
  EXPECT_EQ(d->first->fields[0].field, "out.triggerRatio");
  EXPECT_EQ(d->first->fields[0].a, "0x3fe0000000000000 0.5");
  EXPECT_EQ(d->first->fields[0].b, "0x3fe0000000000001 0.5000000000000001");
  // One ulp of 0.5 is 2^-53; relative to the larger value, 2^-53/(0.5+2^-53).
  EXPECT_DOUBLE_EQ(d->first->fields[0].rel, std::ldexp(1.0, -53) / (0.5 + std::ldexp(1.0, -53)));

  // The same change is within a tolerance of 1e-12.
  DiffOptions tol;
  tol.tolerance = 1e-12;
  auto t = DiffJsonLines(a, b, tol);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->same());
  EXPECT_EQ(t->fields["end_cycle out.triggerRatio"].beyond, 0u);
  EXPECT_GT(t->fields["end_cycle out.triggerRatio"].max_rel, 0);
  EXPECT_EQ(t->movement[0].changed, 1u);  // bits changed, within tolerance
}

TEST(DecisionDiffTest, ToleranceModeMeasuresHowFarOutputsMoved) {
  const std::string dir = TmpDir("tolerance");
  std::vector<std::string> changed = Log();
  // The last gc_trigger 1000 -> 1100: relative change 100/1100 = 1/11.
  changed[4] = R"({"seq":4,"t":30,"kind":"set_trigger","in":{"gcpercent":100},"out":{"triggerRatio":{"bits":"3fe0000000000000","value":0.5},"gc_trigger":1100,"next_gc":2000}})";
  const std::string a = Write(dir + "/a.jsonl", Log()), b = Write(dir + "/b.jsonl", changed);
  DiffOptions opts;
  opts.tolerance = 0.05;
  auto d = DiffJsonLines(a, b, opts);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(d->same());
  EXPECT_EQ(d->differing, 1u);
  ASSERT_EQ(d->listed.size(), 1u);
  EXPECT_EQ(d->listed[0].id, "seq 4");
  ASSERT_EQ(d->listed[0].fields.size(), 1u);
  EXPECT_EQ(d->listed[0].fields[0].field, "out.gc_trigger");
  EXPECT_EQ(d->listed[0].fields[0].a, "1000");
  EXPECT_EQ(d->listed[0].fields[0].b, "1100");
  EXPECT_DOUBLE_EQ(d->listed[0].fields[0].rel, 1.0 / 11);
  const FieldStats& fs = d->fields["set_trigger out.gc_trigger"];
  EXPECT_EQ(fs.n, 2u);
  EXPECT_EQ(fs.beyond, 1u);
  EXPECT_DOUBLE_EQ(fs.max_rel, 1.0 / 11);
  // gc_trigger appears in the two set_trigger records: mean (0 + 1/11) / 2.
  ASSERT_EQ(d->movement[1].quantity, "gc_trigger");
  EXPECT_EQ(d->movement[1].n, 2u);
  EXPECT_EQ(d->movement[1].changed, 1u);
  EXPECT_DOUBLE_EQ(d->movement[1].max_rel, 1.0 / 11);
  EXPECT_DOUBLE_EQ(d->movement[1].mean_rel, 1.0 / 22);

  // Within a 10% tolerance the logs are the same.
  opts.tolerance = 0.1;
  auto loose = DiffJsonLines(a, b, opts);
  ASSERT_TRUE(loose.ok()) << loose.status();
  EXPECT_TRUE(loose->same());
}

TEST(DecisionDiffTest, NonNumericChangesDifferWhateverTheTolerance) {
  const std::string dir = TmpDir("bool");
  std::vector<std::string> changed = Log();
  changed[3] = R"({"seq":3,"t":30,"kind":"end_cycle","in":{"userForced":true},"out":{"triggerRatio":{"bits":"3fe0000000000000","value":0.5}}})";
  const std::string a = Write(dir + "/a.jsonl", Log()), b = Write(dir + "/b.jsonl", changed);
  DiffOptions opts;
  opts.tolerance = 1e9;
  auto d = DiffJsonLines(a, b, opts);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_TRUE(d->first.has_value());
  EXPECT_EQ(d->first->fields[0].field, "in.userForced");
  EXPECT_FALSE(d->first->fields[0].numeric);
}

TEST(DecisionDiffTest, LengthMismatchAndMissingFields) {
  const std::string dir = TmpDir("length");
  std::vector<std::string> shorter = Log();
  shorter.pop_back();
  // start_cycle without its output next_gc.
  shorter[1] = R"({"seq":1,"t":10,"kind":"start_cycle","in":{"heap_live":4194304},"out":{}})";
  const std::string a = Write(dir + "/a.jsonl", Log()), b = Write(dir + "/b.jsonl", shorter);
  auto d = DiffJsonLines(a, b, {});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(d->same());
  EXPECT_EQ(d->records_a, 5u);
  EXPECT_EQ(d->records_b, 4u);
  EXPECT_EQ(d->compared, 4u);
  EXPECT_EQ(d->differing, 1u);
  ASSERT_EQ(d->listed.size(), 2u);
  EXPECT_EQ(d->listed[0].fields[0].field, "out.next_gc");
  EXPECT_EQ(d->listed[0].fields[0].a, "5242880");
  EXPECT_EQ(d->listed[0].fields[0].b, "(absent)");
  EXPECT_EQ(d->by_kind["set_trigger"].only_a, 1u);
  EXPECT_EQ(d->listed[1].index, 4u);
  EXPECT_EQ(d->listed[1].fields[0].field, "(record)");
  EXPECT_EQ(d->listed[1].fields[0].a, "seq 4 set_trigger");
  EXPECT_EQ(d->listed[1].fields[0].b, "(absent)");

  // Only the length differs: the first difference is the missing record.
  std::vector<std::string> truncated = Log();
  truncated.pop_back();
  Write(b, truncated);
  auto t = DiffJsonLines(a, b, {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_FALSE(t->same());
  EXPECT_EQ(t->differing, 0u);
  ASSERT_TRUE(t->first.has_value());
  EXPECT_EQ(t->first->index, 4u);
  EXPECT_EQ(t->first->line_a, 5u);
}

TEST(DecisionDiffTest, RecordsArePairedByKind) {
  const std::string dir = TmpDir("kinds");
  // B has one revise more after the first one; everything after it moves
  // down one position (and its seq with it) but is otherwise the same.
  std::vector<std::string> b_lines = Log();
  b_lines.insert(b_lines.begin() + 3,
                 R"({"seq":3,"t":25,"kind":"revise","in":{"heap_live":4300000},"out":{"assistWorkPerByte":{"bits":"3fe0000000000000","value":0.5}}})");
  b_lines[4].replace(b_lines[4].find("\"seq\":3"), 7, "\"seq\":4");
  b_lines[5].replace(b_lines[5].find("\"seq\":4"), 7, "\"seq\":5");
  const std::string a = Write(dir + "/a.jsonl", Log()), b = Write(dir + "/b.jsonl", b_lines);
  auto d = DiffJsonLines(a, b, {});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(d->same());
  EXPECT_EQ(d->records_b, 6u);
  EXPECT_EQ(d->compared, 5u);
  EXPECT_EQ(d->differing, 0u);  // the end_cycle and set_trigger met their partners
  EXPECT_EQ(d->by_kind["revise"].only_b, 1u);
  ASSERT_TRUE(d->first.has_value());
  EXPECT_EQ(d->first->index, 3u);
  EXPECT_EQ(d->first->line_a, 0u);
  EXPECT_EQ(d->first->line_b, 4u);
  EXPECT_EQ(d->first->fields[0].b, "seq 3 revise");
  EXPECT_EQ(d->movement[0].n, 3u);  // every triggerRatio compared with its partner
  EXPECT_EQ(d->movement[0].changed, 0u);
}

TEST(DecisionDiffTest, ListingStopsAtMaxListedFields) {
  const std::string dir = TmpDir("listed");
  std::vector<std::string> a_lines, b_lines;
  for (int i = 0; i < 20; i++) {
    a_lines.push_back("{\"seq\":" + std::to_string(i) + ",\"kind\":\"revise\",\"in\":{\"x\":1,\"y\":1}}");
    b_lines.push_back("{\"seq\":" + std::to_string(i) + ",\"kind\":\"revise\",\"in\":{\"x\":2,\"y\":2}}");
  }
  const std::string a = Write(dir + "/a.jsonl", a_lines), b = Write(dir + "/b.jsonl", b_lines);
  DiffOptions opts;
  opts.max_listed = 5;
  auto d = DiffJsonLines(a, b, opts);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->differing, 20u);
  ASSERT_EQ(d->listed.size(), 3u);  // 2 + 2 + 1 fields
  EXPECT_EQ(d->listed[2].fields.size(), 1u);
  EXPECT_EQ(d->first->fields.size(), 2u);
}

TEST(DecisionDiffTest, MalformedInputNamesFileAndLine) {
  const std::string dir = TmpDir("malformed");
  std::vector<std::string> bad = Log();
  bad[2] = "{\"seq\":2, oops";
  const std::string a = Write(dir + "/a.jsonl", Log()), b = Write(dir + "/b.jsonl", bad);
  auto d = DiffJsonLines(a, b, {});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find(b + ":3: not valid JSON"), std::string::npos) << d.status();

  bad = Log();
  bad[3] = R"({"seq":3,"kind":"end_cycle","out":{"triggerRatio":{"bits":"xyz","value":0.5}}})";
  Write(b, bad);
  d = DiffJsonLines(a, b, {});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find(b + ":4: field \"out.triggerRatio\""), std::string::npos) << d.status();

  Write(b, {"[1,2]"});
  d = DiffJsonLines(a, b, {});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find(b + ":1: not a JSON object"), std::string::npos) << d.status();

  d = DiffJsonLines(a, dir + "/missing.jsonl", {});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("missing.jsonl"), std::string::npos);
}

TEST(DecisionDiffTest, RunDirectoriesCompareDecisionsAndCycles) {
  const std::string a = TmpDir("run_a"), b = TmpDir("run_b");
  Write(a + "/decisions.jsonl", Log());
  Write(b + "/decisions.jsonl", Log());
  Write(a + "/cycles.jsonl", {R"({"gc":1,"heap0":100,"gc_cpu_fraction":{"bits":"3fe0000000000000","value":0.5}})"});
  Write(b + "/cycles.jsonl", {R"({"gc":1,"heap0":101,"gc_cpu_fraction":{"bits":"3fe0000000000000","value":0.5}})"});
  auto d = Diff(a, b, {});
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->files.size(), 2u);
  EXPECT_TRUE(d->files[0].same());
  EXPECT_FALSE(d->files[1].same());
  EXPECT_FALSE(d->same());
  EXPECT_EQ(d->files[1].first->id, "gc 1");
  EXPECT_EQ(d->files[1].first->kind, "cycle");
  EXPECT_EQ(d->files[1].first->fields[0].field, "heap0");

  // A directory against a log file: only the decision logs.
  auto f = Diff(a, b + "/decisions.jsonl", {});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->files.size(), 1u);
  EXPECT_TRUE(f->same());

  const std::string empty = TmpDir("run_empty");
  auto e = Diff(a, empty, {});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find(empty + ": directory has no decisions.jsonl"), std::string::npos);
  auto m = Diff(a, empty + "/nothing", {});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("nothing: no such file or directory"), std::string::npos);
}

}  // namespace
}  // namespace gogcsim::traces
