// Builds, caches and uses the go1.10.2 toolchains `gogcsim record` needs:
// the instrumented one (tools/recorder/instrument.h) and, for comparisons,
// the plain one, both from a pristine go1.10.2 source tarball with Debian's
// Go 1.19 as bootstrap (make.bash, ../shared/go/README.md).
//
// A toolchain lives in CACHE/go1.10.2-KEY, KEY being the instrumentation's
// hash ("plain" for the plain one), so a second build is free and a change
// of the instrumentation builds anew. It is built in a scratch directory
// beside it and renamed into place when complete: an interrupted build
// leaves nothing that looks finished.
#ifndef GOGCSIM_TOOLS_RECORDER_TOOLCHAIN_H_
#define GOGCSIM_TOOLS_RECORDER_TOOLCHAIN_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gogcsim::recorder {

struct ToolchainOptions {
  bool plain = false;
  // go1.10.2 source: a .tar.gz or .tar.xz holding go/VERSION and go/src.
  // Only read when the toolchain is not cached yet.
  std::string go_src;
  std::string cache_dir;  // "" for DefaultCacheDir()
  std::string bootstrap = "/usr/lib/go-1.19";  // GOROOT_BOOTSTRAP
  // Progress lines ("building toolchain1 (0:42)"); nullptr for none.
  std::function<void(const std::string&)> progress;
};

// $GOGCSIM_CACHE, else $XDG_CACHE_HOME/gogcsim, else $HOME/.cache/gogcsim.
std::string DefaultCacheDir();

// The GOROOT of the requested toolchain, building it first if it is not in
// the cache. Errors say what was wrong (no source given, wrong version, no
// bootstrap Go, make.bash failed: with the end of its log).
absl::StatusOr<std::string> EnsureToolchain(const ToolchainOptions& opts);

// `go build -o out` of a program: a .go file, or a directory holding one
// package main. InvalidArgument with the compiler's output if it fails.
absl::Status BuildProgram(const std::string& goroot, const std::string& program, const std::string& out);

struct ExitInfo {
  int status = 0;  // exit status, when signal is 0
  int signal = 0;  // the signal that ended the program, or 0
  double seconds = 0;  // wall time
};
// Runs argv with the environment plus `env` ("NAME=VALUE"), stdin, stdout
// and stderr inherited.
absl::StatusOr<ExitInfo> RunProgram(const std::vector<std::string>& argv, const std::vector<std::string>& env);

}  // namespace gogcsim::recorder

#endif  // GOGCSIM_TOOLS_RECORDER_TOOLCHAIN_H_
