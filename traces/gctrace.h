// Reader of a real go1.10.2 program's GODEBUG=gctrace=1,gcpacertrace=1
// output (its stderr): one RealCycle per "gc N ..." line, with the exact
// byte counts of the "pacer: H_m_prev=..." line endCycle printed just before
// it (none for a forced cycle, whose endCycle returns early). Lines of the
// program's own and other pacer lines are skipped.
//
// The gc line (mgc.go, gcMarkTermination):
//   gc 3 @0.036s 2%: 0.023+5.2+0.058 ms clock, 0.023+0.20/0/0+0.058 ms cpu,
//      4->5->2 MB, 5 MB goal, 1 P [(forced)]
// The pacer line (mgc.go, endCycle):
//   pacer: H_m_prev=2527755 h_t=+6.59e-001 H_T=4194304 h_a=... H_a=5542392
//      h_g=... H_g=5055510 u_a=+2.88e-001 u_g=... W_a=231192 ...
#ifndef GOGCSIM_TRACES_GCTRACE_H_
#define GOGCSIM_TRACES_GCTRACE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gogcsim::traces {

struct RealCycle {
  int64_t n = 0;
  double t_s = 0;       // since the program started
  int64_t cpu_pct = 0;  // GC's share of CPU since the program started, %
  // Heap at the start, at mark termination, marked; the goal (MB, rounded
  // down as gctrace prints them).
  int64_t heap0_mb = 0, heap1_mb = 0, heap2_mb = 0, goal_mb = 0;
  int64_t procs = 0;
  bool forced = false;
  // From the pacer line, when there is one (bytes): the previous cycle's
  // marked heap, this cycle's trigger, heap at mark termination and goal.
  bool has_pacer = false;
  int64_t H_m_prev = 0, H_T = 0, H_a = 0, H_g = 0;
  double u_a = 0;  // the cycle's GC CPU utilization
};

struct RealLog {
  std::string path;
  std::vector<RealCycle> cycles;
  uint64_t other_lines = 0;  // lines that are neither (the program's own)
};

// Parses one line into *c; false if it is not a gc line.
bool ParseGcLine(std::string_view line, RealCycle* c);

// Reads a log. InvalidArgument naming path:line for a gc or pacer line that
// is cut or malformed, except the file's last line when it has no newline
// (the program exited while the runtime printed it: the cycle is not
// counted); NotFound for a missing file; InvalidArgument if the
// file has no gc line at all (not a gctrace log), unless allow_no_cycles
// (the caller ran the program, which ended before its first cycle).
absl::StatusOr<RealLog> ReadGcTrace(const std::string& path, bool allow_no_cycles = false);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_GCTRACE_H_
