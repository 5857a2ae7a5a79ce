// gogcsim trace info|import: the command line of traces/ (trace format,
// importers, summary). Flags and output formatting only.
#ifndef GOGCSIM_TOOLS_TRACE_COMMAND_H_
#define GOGCSIM_TOOLS_TRACE_COMMAND_H_

#include <vector>

namespace gogcsim::tools {

// args: the positional arguments from "trace" on ("trace", "info", FILE).
// Returns the exit status: 0 success, 2 bad usage or unreadable input.
int TraceCommand(const std::vector<char*>& args);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_TRACE_COMMAND_H_
