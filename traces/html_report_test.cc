#include "traces/html_report.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

namespace fs = std::filesystem;

// Hand-written inputs in testdata/report (values chosen so the derived
// figures below can be checked by hand):
//  run/: 2 cycles on 1 P. gc 1 ends at 16 ms with 1 ms of GC CPU (assists
//    0.3 ms); gc 2 ends at 36 ms with 2 ms (assists 0.9 ms). end_cycle heap_live /
//    heap_marked: 5 MiB / 2 MiB and 6 MiB / 3 MiB.
//  sweep/: GOGC 50/100/400 x GOMAXPROCS 1/4 x seeds 1/2; peak_heap_live =
//    GOGC/25 MiB + GOMAXPROCS MiB, 2 MiB more for seed 2; gc_cpu_fraction
//    0.08/0.04/0.01 by GOGC, +0.02 for seed 2, +0.001 per extra P;
//    assist_fraction half of it; plus one GOGC=-1 (off) run.
std::string TestData(const std::string& rel) {
  return (fs::path(std::getenv("TEST_SRCDIR")) / std::getenv("TEST_WORKSPACE") / "traces/testdata/report" / rel)
      .string();
}

std::string Copy(const std::string& from, const std::string& name) {
  const fs::path to = fs::path(::testing::TempDir()) / name;
  fs::remove_all(to);
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from)) fs::copy_file(e.path(), to / e.path().filename());
  return to.string();
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) n++;
  return n;
}

// Nothing in the page may load anything: no URLs, scripts, or external refs.
void ExpectSelfContained(const std::string& html) {
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(HtmlReportTest, RunReportHasTheChartsAndDerivedFigures) {
  auto html = RunReportHtml(TestData("run"));
  ASSERT_TRUE(html.ok()) << html.status();
  ExpectSelfContained(*html);
  EXPECT_EQ(html->rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(Count(*html, "<svg class=\"chart\""), 4u);
  for (const char* title : {"Heap over virtual time", "Trigger ratio and heap growth per cycle",
                            "Assist share of GC CPU per cycle", "GC CPU share"}) {
    EXPECT_NE(html->find(std::string("<title>") + title + "</title>"), std::string::npos) << title;
  }
  for (const char* label : {">virtual time (s)</text>", ">heap (MiB)</text>", ">GC cycle</text>", ">ratio</text>"}) {
    EXPECT_NE(html->find(label), std::string::npos) << label;
  }
  EXPECT_NE(html->find("<h1>gogcsim run: fixture</h1>"), std::string::npos);
  // Heap chart series and the two cycles shaded.
  for (const char* name : {">heap_live</text>", ">heap goal (next_gc)</text>", ">GC trigger (gc_trigger)</text>"}) {
    EXPECT_NE(html->find(name), std::string::npos) << name;
  }
  EXPECT_EQ(Count(*html, "<rect class=\"band\" x="), 2u + 1u);  // two cycles and the legend swatch
  // Actual growth: 5/2 - 1 and 6/3 - 1; the trigger ratios of the start_cycles.
  EXPECT_NE(html->find("gc 1: heap grew 1.5000"), std::string::npos);
  EXPECT_NE(html->find("gc 2: heap grew 1.0000"), std::string::npos);
  EXPECT_NE(html->find("gc 2: trigger ratio 0.7500"), std::string::npos);
  // Assist share 0.3/1 and 0.9/2; GC CPU share 1 ms / 16 ms and 2 ms / (36 - 16) ms.
  EXPECT_NE(html->find("<td class=\"n\">30.00%</td>"), std::string::npos);
  EXPECT_NE(html->find("<td class=\"n\">45.00%</td>"), std::string::npos);
  EXPECT_NE(html->find("<td class=\"n\">6.25%</td>"), std::string::npos);
  EXPECT_NE(html->find("<td class=\"n\">10.00%</td>"), std::string::npos);
  EXPECT_NE(html->find("gc 2: 10.00%"), std::string::npos);
  // Summary table: bytes also in MiB, ns also in s.
  EXPECT_NE(html->find("<td class=\"n\">6291456 (6.00 MiB)</td>"), std::string::npos);
  EXPECT_NE(html->find("<td class=\"n\">40000000 (0.040 s)</td>"), std::string::npos);
}

// Two real cycles (go1.10.2's lines, gctrace.h): H_a 5.5 and 7 MiB, goals
// 6 and 8 MiB; cycle 1's marked heap (cycle 2's H_m_prev) 3 MiB.
constexpr char kRealLog[] =
    "pacer: H_m_prev=2236962 h_t=+8.75e-001 H_T=4194304 h_a=+1.0e+000 H_a=5767168 h_g=+1.0e+000 H_g=6291456 "
    "u_a=+2.5e-001 u_g=+2.5e-001 W_a=1 goal\xce\x94=+0.0e+000 actual\xce\x94=+0.0e+000 u_a/u_g=+1.0e+000\n"
    "gc 1 @0.012s 5%: 0.1+4.0+0.1 ms clock, 0.1+0.3/0.5/0+0.1 ms cpu, 4->5->3 MB, 6 MB goal, 1 P\n"
    "pacer: H_m_prev=3145728 h_t=+7.5e-001 H_T=5505024 h_a=+1.0e+000 H_a=7340032 h_g=+1.0e+000 H_g=8388608 "
    "u_a=+2.5e-001 u_g=+2.5e-001 W_a=1 goal\xce\x94=+0.0e+000 actual\xce\x94=+0.0e+000 u_a/u_g=+1.0e+000\n"
    "gc 2 @0.030s 6%: 0.1+4.0+0.1 ms clock, 0.1+0.9/1.0/0+0.1 ms cpu, 5->7->3 MB, 8 MB goal, 1 P\n";

TEST(HtmlReportTest, RealRunsOverlaid) {
  const std::string real = (fs::path(::testing::TempDir()) / "real-1.stderr").string();
  std::ofstream(real) << kRealLog;
  auto html = RunReportHtml(TestData("run"), {real});
  ASSERT_TRUE(html.ok()) << html.status();
  ExpectSelfContained(*html);
  EXPECT_EQ(Count(*html, "<svg class=\"chart\""), 5u);  // the four, and the per-cycle comparison
  EXPECT_NE(html->find("<h2>Against real runs</h2>"), std::string::npos);
  // On the heap chart (markers with their hover text) and per cycle.
  EXPECT_EQ(Count(*html, "real run 1, gc 2: heap at mark termination 7.00 MiB"), 1u);
  EXPECT_NE(html->find("Heap at mark termination and goal per cycle, against the real runs"), std::string::npos);
  // The measures: 2 cycles on both sides; peak 6 MiB (the run's H_a)
  // against 7; marked 3 MiB (the run's second endCycle) against 3.
  EXPECT_NE(html->find("<td>GC cycles</td><td class=\"n\">2.00</td><td class=\"n\">2.00</td>"), std::string::npos);
  EXPECT_NE(html->find("<td>peak heap at mark termination (MB)</td><td class=\"n\">6.00</td><td class=\"n\">7.00</td>"),
            std::string::npos);
  EXPECT_NE(html->find("<td>mean marked heap (MB)</td><td class=\"n\">3.00</td><td class=\"n\">3.00</td>"),
            std::string::npos);
  // Without real runs, nothing of it.
  auto plain = RunReportHtml(TestData("run"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->find("Against real runs"), std::string::npos);
  // A sweep takes none; a file that is not a log is named.
  EXPECT_FALSE(ReportHtml(TestData("sweep"), {real}).ok());
  auto bad = RunReportHtml(TestData("run"), {TestData("run/summary.json")});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("summary.json: no \"gc N @...\" line"), std::string::npos) << bad.status();
}

TEST(HtmlReportTest, SameInputsSameBytes) {
  auto a = ReportHtml(TestData("run"));
  auto b = ReportHtml(Copy(TestData("run"), "run_copy"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto s1 = ReportHtml(TestData("sweep"));
  auto s2 = ReportHtml(Copy(TestData("sweep"), "sweep_copy"));
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ(*s1, *s2);
}

TEST(HtmlReportTest, SweepReportPlotsMeansOverSeedsAgainstGogc) {
  auto html = ReportHtml(TestData("sweep"));
  ASSERT_TRUE(html.ok()) << html.status();
  ExpectSelfContained(*html);
  EXPECT_NE(html->find("<h1>gogcsim sweep: fixture-sweep</h1>"), std::string::npos);
  EXPECT_EQ(Count(*html, "<svg class=\"chart\""), 3u);
  for (const char* title :
       {"Peak heap_live against GOGC", "GC CPU fraction against GOGC", "Assist fraction against GOGC"}) {
    EXPECT_NE(html->find(std::string("<title>") + title + "</title>"), std::string::npos) << title;
  }
  // 400/50 = 8: log scale, ticks at the GOGC values.
  EXPECT_EQ(Count(*html, ">GOGC (log scale)</text>"), 3u);
  EXPECT_EQ(Count(*html, "text-anchor=\"middle\">400</text>"), 3u);
  EXPECT_EQ(Count(*html, ">GOMAXPROCS 1</text>"), 3u);  // legend of each chart
  EXPECT_EQ(Count(*html, ">GOMAXPROCS 4</text>"), 3u);
  // GOMAXPROCS 1, GOGC 100: (5 + 7) / 2 MiB; GC CPU (0.04 + 0.06) / 2.
  EXPECT_NE(html->find("GOGC 100, GOMAXPROCS 1: 6.00 MiB (mean of 2)"), std::string::npos);
  EXPECT_NE(html->find("GOGC 100, GOMAXPROCS 1: 5.00% (mean of 2)"), std::string::npos);
  EXPECT_NE(html->find("GOGC 100, GOMAXPROCS 1: 2.50% (mean of 2)"), std::string::npos);
  // GOMAXPROCS 4, GOGC 400: (20 + 22) / 2 MiB; (0.013 + 0.033) / 2.
  EXPECT_NE(html->find("GOGC 400, GOMAXPROCS 4: 21.00 MiB (mean of 2)"), std::string::npos);
  EXPECT_NE(html->find("GOGC 400, GOMAXPROCS 4: 2.30% (mean of 2)"), std::string::npos);
  // GOGC off is tabled but not plotted: 3 GOGC values x 2 series x 3 charts markers.
  EXPECT_EQ(Count(*html, "<circle cx="), 18u);
  EXPECT_NE(html->find("<td>off</td>"), std::string::npos);
  EXPECT_NE(html->find("all 13 runs"), std::string::npos);
  EXPECT_NE(html->find("13 runs: GOGC off, 50, 100, 400; GOMAXPROCS 1, 4; 2 seeds."), std::string::npos);
}

TEST(HtmlReportTest, WriteReportLeavesOnlyTheFile) {
  const std::string dir = Copy(TestData("run"), "run_write");
  const std::string out = dir + "/report.html";
  ASSERT_TRUE(WriteReport(dir, out).ok());
  std::stringstream s;
  s << std::ifstream(out).rdbuf();
  EXPECT_EQ(s.str(), *RunReportHtml(dir));
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
}

TEST(HtmlReportTest, ErrorsNameTheFileAndLine) {
  const std::string dir = Copy(TestData("run"), "run_bad");
  fs::remove(dir + "/cycles.jsonl");
  auto r = ReportHtml(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(dir + "/cycles.jsonl"), std::string::npos) << r.status();

  std::ofstream(dir + "/cycles.jsonl") << "{\"gc\":1}\n";
  r = ReportHtml(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(dir + "/cycles.jsonl:1: field \"t_sweep_term_ns\" missing"), std::string::npos)
      << r.status();

  fs::copy_file(TestData("run/cycles.jsonl"), dir + "/cycles.jsonl", fs::copy_options::overwrite_existing);
  std::ofstream(dir + "/decisions.jsonl", std::ios::app)
      << "{\"seq\":8,\"t\":1,\"kind\":\"bogus\",\"in\":{\"heap_live\":1}}\n";
  r = ReportHtml(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(dir + "/decisions.jsonl:9: unknown kind \"bogus\""), std::string::npos)
      << r.status();

  const fs::path sweep = fs::path(::testing::TempDir()) / "sweep_bad";
  fs::create_directories(sweep);
  std::ofstream(sweep / "sweep.json") << R"({"scenario": "s", "records": 1, "shard": {"index": 0, "count": 1},
    "grid": {"gogc": [100], "gomaxprocs": [1], "seeds": [1]}, "runs": [{"index": 0, "gogc": 100}]})";
  r = ReportHtml(sweep.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sweep.json: $.runs[0]: missing \"gomaxprocs\""), std::string::npos)
      << r.status();

  r = ReportHtml(dir + "/nowhere");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nowhere: not a directory"), std::string::npos);
}

}  // namespace
}  // namespace gogcsim::traces
