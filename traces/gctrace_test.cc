#include "traces/gctrace.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

// The first two cycles of ../shared/reference/go1.10.2/churn-p1.stderr (a
// real go1.10.2 run), with a line of the program's own between them, and a
// forced cycle's line as Go prints it (runtime.GC(): no pacer line).
constexpr char kLog[] =
    "pacer: assist ratio=+1.038246e-001 (scan 0 MB in 4->5 MB) workers=0++2.500000e-001\n"
    "pacer: H_m_prev=2236962 h_t=+8.750000e-001 H_T=4194304 h_a=+1.644043e+000 H_a=5914624 h_g=+1.000000e+000 "
    "H_g=4473924 u_a=+3.400977e-001 u_g=+3.000000e-001 W_a=244792 goal\xce\x94=+1.250000e-001 "
    "actual\xce\x94=+7.690431e-001 u_a/u_g=+1.133659e+000\n"
    "gc 1 @0.011s 3%: 0.10+3.9+0.065 ms clock, 0.10+0.36/0/0+0.065 ms cpu, 4->5->3 MB, 5 MB goal, 1 P\n"
    "pacer: sweep done at heap size 3MB; allocated 0MB during sweep; swept 722 pages at +1.294587e-003 pages/byte\n"
    "hello from the program\n"
    "pacer: assist ratio=+9.225871e-002 (scan 0 MB in 4->6 MB) workers=0++2.500000e-001\n"
    "pacer: H_m_prev=3202424 h_t=+5.015836e-001 H_T=4808707 h_a=+6.848312e-001 H_a=5395544 h_g=+1.000000e+000 "
    "H_g=6404848 u_a=+2.995682e-001 u_g=+3.000000e-001 W_a=205848 goal\xce\x94=+4.984164e-001 "
    "actual\xce\x94=+1.832476e-001 u_a/u_g=+9.985605e-001\n"
    "gc 2 @0.025s 3%: 0.024+2.5+0.14 ms clock, 0.024+0.12/0.098/0+0.14 ms cpu, 4->5->2 MB, 6 MB goal, 1 P\n"
    "gc 3 @0.031s 4%: 0.010+1.1+0.020 ms clock, 0.010+0/0.50/0+0.020 ms cpu, 2->2->1 MB, 4 MB goal, 4 P (forced)\n";

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ReadGcTrace, CyclesWithTheirPacerLines) {
  absl::StatusOr<RealLog> log = ReadGcTrace(Write("churn.stderr", kLog));
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->cycles.size(), 3u);
  EXPECT_EQ(log->other_lines, 4u);  // two assist-ratio lines, a sweep-done line, the program's
  const RealCycle& c1 = log->cycles[0];
  EXPECT_EQ(c1.n, 1);
  EXPECT_DOUBLE_EQ(c1.t_s, 0.011);
  EXPECT_EQ(c1.cpu_pct, 3);
  EXPECT_EQ(c1.heap0_mb, 4);
  EXPECT_EQ(c1.heap1_mb, 5);
  EXPECT_EQ(c1.heap2_mb, 3);
  EXPECT_EQ(c1.goal_mb, 5);
  EXPECT_EQ(c1.procs, 1);
  EXPECT_TRUE(c1.has_pacer);
  EXPECT_EQ(c1.H_m_prev, 2236962);
  EXPECT_EQ(c1.H_T, 4194304);
  EXPECT_EQ(c1.H_a, 5914624);
  EXPECT_EQ(c1.H_g, 4473924);
  EXPECT_DOUBLE_EQ(c1.u_a, 0.3400977);
  EXPECT_EQ(log->cycles[1].H_m_prev, 3202424);  // cycle 1's marked heap
  EXPECT_EQ(log->cycles[1].H_a, 5395544);
  const RealCycle& c3 = log->cycles[2];
  EXPECT_TRUE(c3.forced);
  EXPECT_FALSE(c3.has_pacer);
  EXPECT_EQ(c3.procs, 4);
}

TEST(ReadGcTrace, Errors) {
  EXPECT_EQ(ReadGcTrace("/nonexistent.stderr").status().code(), absl::StatusCode::kNotFound);
  absl::Status st = ReadGcTrace(Write("none.stderr", "hello\n")).status();
  EXPECT_TRUE(absl::StrContains(st.message(), "no \"gc N @...\" line")) << st;
  st = ReadGcTrace(Write("cut.stderr", "x\ngc 1 @0.011s 3%: 0.10+3.9+0.065 ms clock, 0.10+0.36/0/0+0.065 ms cpu, 4->5\n"))
           .status();
  EXPECT_TRUE(absl::StrContains(st.message(), "cut.stderr:2: not a go1.10 gctrace line")) << st;
  st = ReadGcTrace(Write("pacer.stderr", "pacer: H_m_prev=1 h_t=+1.0e+000\n")).status();
  EXPECT_TRUE(absl::StrContains(st.message(), "pacer.stderr:1: a pacer line without")) << st;
}

// A program that exits while the runtime prints a gc line leaves it cut,
// without its newline (seen in a real bigbuf run: "gc 25 @0.075s 11%:
// 0.045+0.60+0.023" at the end of its stderr): the cycles before it count.
TEST(ReadGcTrace, LastLineCutByTheExit) {
  const std::string first(kLog, std::string_view(kLog).find("hello"));  // gc 1 with its pacer line
  absl::StatusOr<RealLog> log = ReadGcTrace(Write("exit.stderr", first + "gc 2 @0.025s 3%: 0.024+2.5+0.14"));
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(log->cycles.size(), 1u);
  log = ReadGcTrace(Write("exit2.stderr", first + "pacer: H_m_prev=3202424 h_t=+5.0"));
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(log->cycles.size(), 1u);
  // With its newline it was written whole, and is malformed.
  EXPECT_FALSE(ReadGcTrace(Write("exit3.stderr", first + "gc 2 @0.025s 3%: 0.024+2.5+0.14\n")).ok());
}

}  // namespace
}  // namespace gogcsim::traces
