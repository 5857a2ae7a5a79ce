// gogcsim sweep / gogcsim merge: GOGC parameter sweeps on a thread pool,
// in shards, and the merge of shard tables (scenarios/sweep.h does the work).
#ifndef GOGCSIM_TOOLS_SWEEP_COMMAND_H_
#define GOGCSIM_TOOLS_SWEEP_COMMAND_H_

#include <vector>

namespace gogcsim::tools {

// args: the positional arguments after the program name ("sweep",
// [SCENARIO]) / ("merge", SHARD_DIR_OR_JSON...). Return the exit status.
int SweepCommand(const std::vector<char*>& args);
int MergeCommand(const std::vector<char*>& args);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_SWEEP_COMMAND_H_
