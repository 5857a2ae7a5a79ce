// gogcsim record: builds a Go program with the instrumented go1.10.2
// toolchain (tools/recorder/) and runs it, writing a format v2 recording.
// gogcsim toolchain: builds (or finds in the cache) a go1.10.2 toolchain
// and prints its GOROOT.
#ifndef GOGCSIM_TOOLS_RECORD_COMMAND_H_
#define GOGCSIM_TOOLS_RECORD_COMMAND_H_

#include <vector>

namespace gogcsim::tools {

// args[0] is "record", then PROGRAM.go|DIR and the program's arguments.
// Exit status (tools/cli.h): 0 recorded; 2 bad usage or a program that does
// not build; 5 the toolchain could not be built; 6 the program failed
// (nothing written); 7 the recording could not be written or is not valid.
int RecordCommand(const std::vector<char*>& args);

// args[0] is "toolchain". Exit status 0, or 5 if it cannot be built.
int ToolchainCommand(const std::vector<char*>& args);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_RECORD_COMMAND_H_
