#include "tools/recorder/toolchain.h"

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/recorder/instrument.h"

extern char** environ;

namespace gogcsim::recorder {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; e++) {
    std::string_view kv(*e);
    bool overridden = false;
    for (const std::string& x : extra) {
      const size_t eq = x.find('=');
      if (kv.size() > eq && kv.substr(0, eq + 1) == std::string_view(x).substr(0, eq + 1)) overridden = true;
    }
    if (!overridden) env.emplace_back(kv);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Runs argv in `dir` with its output (stdout and stderr) going line by line
// to on_line and to `log`. Returns the exit status (128 + signal if killed).
absl::StatusOr<int> RunLogged(std::vector<std::string> argv, const std::vector<std::string>& extra_env,
                              const std::string& dir, const std::string& log,
                              const std::function<void(const std::string&)>& on_line) {
  int fds[2];
  if (pipe(fds) != 0) return absl::InternalError("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
  std::vector<std::string> env = Environment(extra_env);
  std::vector<char*> cargv = CStrings(argv), cenv = CStrings(env);
  pid_t pid;
  const int rc = posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return absl::FailedPreconditionError(absl::StrCat("cannot run ", argv[0], ": ", std::strerror(rc)));
  }
  std::ofstream out(log, std::ios::app);
  std::string pending;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.write(buf, n);
    pending.append(buf, static_cast<size_t>(n));
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
      if (on_line) on_line(pending.substr(0, nl));
    }
  }
  close(fds[0]);
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

std::string Tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  for (std::string l; std::getline(in, l);) {
    last.push_back(l);
    if (last.size() > lines) last.pop_front();
  }
  return absl::StrJoin(last, "\n");
}

std::string Elapsed(std::chrono::steady_clock::time_point t0) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

// Scratch directories (and logs) of builds whose process is gone: an
// interrupted build leaves its "building-KEY-PID" behind.
void RemoveAbandonedBuilds(const std::string& cache) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(cache, ec)) {
    const std::string name = e.path().filename().string();
    if (!absl::StartsWith(name, "building-")) continue;
    std::string pid = name.substr(name.rfind('-') + 1);
    if (const size_t dot = pid.find('.'); dot != std::string::npos) pid.resize(dot);  // the .log
    int n = 0;
    if (!absl::SimpleAtoi(pid, &n) || n <= 0) continue;
    if (kill(n, 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
  }
}

}  // namespace

std::string DefaultCacheDir() {
  if (const char* c = std::getenv("GOGCSIM_CACHE"); c != nullptr && *c != '\0') return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') return absl::StrCat(x, "/gogcsim");
  const char* home = std::getenv("HOME");
  return absl::StrCat(home != nullptr && *home != '\0' ? home : "/tmp", "/.cache/gogcsim");
}

absl::StatusOr<std::string> EnsureToolchain(const ToolchainOptions& opts) {
  const std::string cache = opts.cache_dir.empty() ? DefaultCacheDir() : opts.cache_dir;
  const std::string key = opts.plain ? "plain" : InstrumentationKey();
  const std::string goroot = absl::StrCat(cache, "/go1.10.2-", key);
  if (fs::exists(goroot + "/bin/go")) return goroot;
  auto say = [&](const std::string& s) {
    if (opts.progress) opts.progress(s);
  };
  if (opts.go_src.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the ", opts.plain ? "plain" : "instrumented", " go1.10.2 toolchain is not built yet (", goroot,
        "): give the go1.10.2 source with --go_src=go1.10.2.src.tar.gz (or set GOGCSIM_GO_SRC)"));
  }
  if (!fs::exists(opts.go_src)) return absl::NotFoundError(absl::StrCat(opts.go_src, ": no such file"));
  if (!fs::exists(opts.bootstrap + "/bin/go")) {
    return absl::FailedPreconditionError(absl::StrCat("no bootstrap Go at ", opts.bootstrap,
                                                      ": install Debian's golang-1.19-go (bash tools/setup.sh does)"));
  }
  std::error_code ec;
  fs::create_directories(cache, ec);
  if (ec) return absl::FailedPreconditionError(absl::StrCat(cache, ": cannot create: ", ec.message()));
  RemoveAbandonedBuilds(cache);
  const std::string scratch = absl::StrCat(cache, "/building-", key, "-", getpid());
  fs::remove_all(scratch, ec);
  fs::create_directories(scratch, ec);
  const std::string log = scratch + ".log";
  fs::remove(log, ec);
  const auto t0 = std::chrono::steady_clock::now();
  say(absl::StrCat("building the ", opts.plain ? "plain" : "instrumented", " go1.10.2 toolchain into ", goroot,
                   " (once; 3-8 minutes)"));
  absl::StatusOr<int> rc = RunLogged({"tar", "-xf", fs::absolute(opts.go_src).string()}, {}, scratch, log, nullptr);
  if (!rc.ok() || *rc != 0) {
    fs::remove_all(scratch, ec);
    return absl::InvalidArgumentError(absl::StrCat(opts.go_src, ": cannot unpack: ", Tail(log, 5)));
  }
  const std::string tree = scratch + "/go";
  if (!opts.plain) {
    if (absl::Status st = InstrumentTree(tree); !st.ok()) {
      fs::remove_all(scratch, ec);
      return st;
    }
  } else if (!fs::exists(tree + "/VERSION")) {
    fs::remove_all(scratch, ec);
    return absl::InvalidArgumentError(absl::StrCat(opts.go_src, ": no go/VERSION inside: not a Go source tarball"));
  }
  // make.bash bakes GOROOT_FINAL into the tools; the tree moves there at the end.
  rc = RunLogged({"bash", "make.bash"},
                 {"GO111MODULE=off", "GOROOT_BOOTSTRAP=" + opts.bootstrap, "GOROOT_FINAL=" + goroot,
                  "GOCACHE=" + scratch + "/gocache", "GOROOT=", "GOPATH="},
                 tree + "/src", log, [&](const std::string& line) {
                   if (absl::StartsWith(line, "Building")) say(absl::StrCat("  ", line, " (", Elapsed(t0), ")"));
                 });
  if (!rc.ok() || *rc != 0) {
    const std::string tail = Tail(log, 30);
    fs::remove_all(scratch, ec);
    return absl::InternalError(absl::StrCat("make.bash failed (log ", log, "):\n", tail));
  }
  fs::rename(tree, goroot, ec);
  if (ec && !fs::exists(goroot + "/bin/go")) {
    return absl::InternalError(absl::StrCat("cannot move the toolchain to ", goroot, ": ", ec.message()));
  }
  fs::remove_all(scratch, ec);
  fs::remove(log, ec);
  say(absl::StrCat("toolchain ready (", Elapsed(t0), ")"));
  return goroot;
}

absl::Status BuildProgram(const std::string& goroot, const std::string& program, const std::string& out) {
  std::error_code ec;
  if (!fs::exists(program)) return absl::NotFoundError(absl::StrCat(program, ": no such file or directory"));
  const bool dir = fs::is_directory(program);
  if (!dir && !absl::EndsWith(program, ".go")) {
    return absl::InvalidArgumentError(absl::StrCat(program, ": give a .go file or a directory of package main"));
  }
  const std::string cwd = dir ? program : fs::absolute(program).parent_path().string();
  std::vector<std::string> argv = {goroot + "/bin/go", "build", "-o", fs::absolute(out).string()};
  if (!dir) argv.push_back(fs::path(program).filename().string());
  const std::string log = out + ".build.log";
  fs::remove(log, ec);
  absl::StatusOr<int> rc = RunLogged(argv, {"GOROOT=" + goroot, "GO111MODULE=off", "GOCACHE=" + goroot + "/../go-build"},
                                     cwd, log, nullptr);
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove(log, ec);
  if (!rc.ok()) return rc.status();
  if (*rc != 0) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return absl::InvalidArgumentError(absl::StrCat(program, ": does not build with go1.10.2:\n", text));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExitInfo> RunProgram(const std::vector<std::string>& argv_in, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = argv_in, env = Environment(extra);
  std::vector<char*> cargv = CStrings(argv), cenv = CStrings(env);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  if (const int rc = posix_spawn(&pid, cargv[0], nullptr, nullptr, cargv.data(), cenv.data()); rc != 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot run ", argv[0], ": ", std::strerror(rc)));
  }
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
  }
  ExitInfo e;
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (WIFEXITED(ws)) e.status = WEXITSTATUS(ws);
  if (WIFSIGNALED(ws)) e.signal = WTERMSIG(ws);
  return e;
}

}  // namespace gogcsim::recorder
