// gogcsim compare: a simulated run against real go1.10.2 runs of the same
// program (their GODEBUG=gctrace=1,gcpacertrace=1 stderr, traces/gctrace.h):
// cycles, peak heap at mark termination, mean marked heap and GC CPU, with
// the real runs' spread; then cycle by cycle against the first real run.
#ifndef GOGCSIM_TOOLS_COMPARE_COMMAND_H_
#define GOGCSIM_TOOLS_COMPARE_COMMAND_H_

#include <vector>

namespace gogcsim::tools {

// args[0] is "compare", then RUN_DIR and one or more REAL.stderr.
int CompareCommand(const std::vector<char*>& args);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_COMPARE_COMMAND_H_
