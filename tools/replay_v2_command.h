// gogcsim replay --engine=v2: replay v2 of a gogcsim recording
// (scenarios/replay_v2.h) and its report, as text or JSON.
#ifndef GOGCSIM_TOOLS_REPLAY_V2_COMMAND_H_
#define GOGCSIM_TOOLS_REPLAY_V2_COMMAND_H_

#include <cstdint>
#include <string>

namespace gogcsim::tools {

// Exit status 0 when every record matched, 1 at a divergence, else as
// FailWith.
int ReplayV2Command(const std::string& path, bool first_gc_only, uint64_t seed, bool json);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_REPLAY_V2_COMMAND_H_
