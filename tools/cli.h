// What every gogcsim command shares: how it reports bad usage or input.
#ifndef GOGCSIM_TOOLS_CLI_H_
#define GOGCSIM_TOOLS_CLI_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace gogcsim::tools {

// Exit statuses (README, "Exit status"; `gogcsim --help`).
inline constexpr int kExitDifferent = 1;    // replay diverged, diff found a difference
inline constexpr int kExitUsage = 2;        // bad usage or unreadable input
inline constexpr int kExitOutOfMemory = 3;  // the simulated program ran out of memory
inline constexpr int kExitWrite = 4;        // writing to stdout failed (disk full, ...)
inline constexpr int kExitToolchain = 5;    // record, toolchain: go1.10.2 could not be built
inline constexpr int kExitProgram = 6;      // record: the recorded program failed
inline constexpr int kExitRecording = 7;    // record: the recording is invalid or unwritable

// Prints "gogcsim: msg" on stderr; returns exit status 2 (bad usage or input).
int Fail(const std::string& msg);

// Fail(status.message()), except for a simulated out-of-memory: Go's lines
// as they are ("fatal error: out of memory"), exit status 3.
int FailWith(const absl::Status& status);

// The arguments with GOGC and GOMAXPROCS spelled as users write them
// turned into the flags' own spellings: "--gogc=off" (as GOGC=off) is
// --gogc=-1; for sweep, "--gogc=25,50,100" and "--gomaxprocs=1,4" (also
// "--gogc 25,50") are --gogc_list and --gomaxprocs_list, where "off" is -1
// too. A GOGC outside -1 .. 1000000 (what scenario files take) is an error
// (*status 2, message printed); the old spellings pass unchanged.
std::vector<std::string> NaturalFlags(int argc, char** argv, int* status);

// Checks every flag among the arguments before absl::ParseCommandLine,
// which exits with status 1 (diff's "different") on a bad flag: an unknown
// flag, a value that does not parse, or an empty value ("--out=") is a
// usage error, status 2. Returns 0 if all are good.
int CheckFlags(int argc, char** argv);

// At the end of a command: whatever went to stdout must have been written
// (a full disk, a closed pipe). Returns rc, or kExitWrite after a message.
int FinishStdout(int rc);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_CLI_H_
