// What every gogcsim command shares: how it reports bad usage or input.
#ifndef GOGCSIM_TOOLS_CLI_H_
#define GOGCSIM_TOOLS_CLI_H_

#include <string>

namespace gogcsim::tools {

// Prints "gogcsim: msg" on stderr; returns exit status 2 (bad usage or input).
int Fail(const std::string& msg);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_CLI_H_
