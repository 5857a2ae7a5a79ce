#include "traces/reference_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gogcsim::traces {
namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool IsFile(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// realpath(3), or "" if p does not resolve.
std::string RealPath(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) != nullptr ? std::string(buf) : std::string();
}

// Looks for <ancestor>/shared/reference/go1.10.2 from `start` upwards.
std::string WalkUp(std::string dir) {
  while (!dir.empty()) {
    std::string candidate = absl::StrCat(dir == "/" ? "" : dir, "/", kReferenceSubdir);
    if (IsDir(candidate)) return candidate;
    if (dir == "/") break;
    const size_t slash = dir.find_last_of('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash == std::string::npos ? 0 : slash);
  }
  return "";
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

}  // namespace

absl::StatusOr<std::string> ReferenceDir(std::string* route) {
  auto found = [route](std::string how, std::string dir) {
    if (route != nullptr) *route = std::move(how);
    return dir;
  };
  const std::string env = Env("GOGCSIM_REFERENCE_DIR");
  if (!env.empty()) {
    // An explicit setting that is wrong is an error, not a hint to guess.
    if (!IsDir(env)) {
      return absl::NotFoundError(absl::StrCat("$GOGCSIM_REFERENCE_DIR=", env, " is not a directory"));
    }
    return found("$GOGCSIM_REFERENCE_DIR", env);
  }
  std::vector<std::string> tried = {"$GOGCSIM_REFERENCE_DIR (unset)"};

  const std::string cwd = RealPath(".");
  if (std::string d = WalkUp(cwd); !d.empty()) return found(absl::StrCat("walk up from cwd ", cwd), d);
  tried.push_back(absl::StrCat("ancestors of cwd ", cwd.empty() ? "(unresolvable)" : cwd));

  const std::string exe = RealPath("/proc/self/exe");
  if (std::string d = WalkUp(exe); !d.empty()) return found(absl::StrCat("walk up from exe ", exe), d);
  tried.push_back(absl::StrCat("ancestors of /proc/self/exe ", exe.empty() ? "(unresolvable)" : exe));

  // The runfiles copy of our own header: a symlink chain ending in the source
  // tree. Runfiles root: $TEST_SRCDIR under bazel test, $RUNFILES_DIR or
  // <exe>.runfiles under bazel run, else the cwd (also bazel test's).
  std::vector<std::string> anchors;
  std::vector<std::string> workspaces;
  if (std::string w = Env("TEST_WORKSPACE"); !w.empty()) workspaces.push_back(w);
  workspaces.push_back("gogcsim");
  workspaces.push_back("_main");
  for (const std::string& root : {Env("TEST_SRCDIR"), Env("RUNFILES_DIR"), RealPath("/proc/self/exe") + ".runfiles"}) {
    if (root.empty() || root == ".runfiles") continue;
    for (const std::string& w : workspaces) anchors.push_back(absl::StrCat(root, "/", w, "/traces/reference_files.h"));
  }
  anchors.push_back("traces/reference_files.h");
  bool any_anchor = false;
  for (const std::string& a : anchors) {
    if (!IsFile(a)) continue;
    any_anchor = true;
    const std::string real = RealPath(a);
    if (std::string d = WalkUp(real); !d.empty()) return found(absl::StrCat("walk up from ", real, " (runfiles ", a, ")"), d);
    tried.push_back(absl::StrCat("ancestors of ", real, " (from ", a, ")"));
  }
  if (!any_anchor) tried.push_back("runfiles traces/reference_files.h (not found)");

  return absl::NotFoundError(absl::StrCat("reference recordings (", kReferenceSubdir,
                                          ") not found; set GOGCSIM_REFERENCE_DIR. Tried: ",
                                          absl::StrJoin(tried, "; ")));
}

absl::StatusOr<std::string> ReferenceFile(std::string_view name, std::string* route) {
  absl::StatusOr<std::string> dir = ReferenceDir(route);
  if (!dir.ok()) return dir.status();
  std::string path = absl::StrCat(*dir, "/", absl::string_view(name.data(), name.size()));
  if (!IsFile(path)) return absl::NotFoundError(absl::StrCat("reference file ", path, " does not exist"));
  return path;
}

std::string RecordingIdentifier(std::string_view name) {
  std::string id(name);
  for (char& ch : id) {
    if (ch == '-') ch = '_';
  }
  return id;
}

}  // namespace gogcsim::traces
