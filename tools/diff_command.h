// gogcsim diff A B [--tolerance=REL] [--json]: compares two decision logs or
// two run directories (traces/decision_diff.h) and prints what differs.
#ifndef GOGCSIM_TOOLS_DIFF_COMMAND_H_
#define GOGCSIM_TOOLS_DIFF_COMMAND_H_

#include <vector>

namespace gogcsim::tools {

// args: the positional arguments from "diff" on. Returns the exit status:
// 0 the same (within the tolerance), 1 different, 2 bad usage or input.
int DiffCommand(const std::vector<char*>& args);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_DIFF_COMMAND_H_
