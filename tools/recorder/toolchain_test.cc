#include "tools/recorder/toolchain.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace gogcsim::recorder {
namespace {

namespace fs = std::filesystem;

std::string Tmp(const std::string& name) {
  const std::string d = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  fs::create_directories(d);
  return d;
}

TEST(DefaultCacheDir, FollowsTheEnvironment) {
  setenv("GOGCSIM_CACHE", "/x/cache", 1);
  EXPECT_EQ(DefaultCacheDir(), "/x/cache");
  unsetenv("GOGCSIM_CACHE");
  setenv("XDG_CACHE_HOME", "/x/xdg", 1);
  EXPECT_EQ(DefaultCacheDir(), "/x/xdg/gogcsim");
  unsetenv("XDG_CACHE_HOME");
  setenv("HOME", "/x/home", 1);
  EXPECT_EQ(DefaultCacheDir(), "/x/home/.cache/gogcsim");
}

TEST(EnsureToolchain, ACachedToolchainNeedsNoSource) {
  ToolchainOptions o;
  o.plain = true;
  o.cache_dir = Tmp("cache1");
  fs::create_directories(o.cache_dir + "/go1.10.2-plain/bin");
  std::ofstream(o.cache_dir + "/go1.10.2-plain/bin/go") << "";
  absl::StatusOr<std::string> g = EnsureToolchain(o);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(*g, o.cache_dir + "/go1.10.2-plain");
}

TEST(EnsureToolchain, SaysWhatIsMissing) {
  ToolchainOptions o;
  o.cache_dir = Tmp("cache2");
  absl::StatusOr<std::string> g = EnsureToolchain(o);
  EXPECT_TRUE(absl::StrContains(g.status().message(), "--go_src")) << g.status();
  o.go_src = "/nonexistent/go1.10.2.src.tar.gz";
  g = EnsureToolchain(o);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kNotFound) << g.status();
  o.go_src = Tmp("src") + "/empty.tar.gz";
  std::ofstream(o.go_src) << "";
  o.bootstrap = "/nonexistent/go-1.19";
  g = EnsureToolchain(o);
  EXPECT_TRUE(absl::StrContains(g.status().message(), "golang-1.19-go")) << g.status();
}

TEST(EnsureToolchain, RemovesTheScratchOfADeadBuild) {
  ToolchainOptions o;
  o.plain = true;
  o.cache_dir = Tmp("cache4");
  o.go_src = "/nonexistent.tar.gz";  // fails after the clean-up
  // PID 2^22+1 is above Linux's pid_max limit: no such process. Our own
  // build's scratch stays.
  fs::create_directories(o.cache_dir + "/building-abc-4194305/go");
  std::ofstream(o.cache_dir + "/building-abc-4194305.log") << "";
  const std::string mine = o.cache_dir + "/building-abc-" + std::to_string(getpid());
  fs::create_directories(mine);
  o.bootstrap = "/nonexistent";
  (void)EnsureToolchain(o);  // NotFound for the source: returns before
  EXPECT_TRUE(fs::exists(o.cache_dir + "/building-abc-4194305"));
  o.go_src = Tmp("src2") + "/empty.tar.gz";
  std::ofstream(o.go_src) << "";
  o.bootstrap = "/usr/lib/go-1.19";
  if (!fs::exists(o.bootstrap + "/bin/go")) GTEST_FAIL() << "needs Debian's golang-1.19-go (tools/setup.sh)";
  (void)EnsureToolchain(o);  // cleans up, then fails to unpack an empty file
  EXPECT_FALSE(fs::exists(o.cache_dir + "/building-abc-4194305"));
  EXPECT_FALSE(fs::exists(o.cache_dir + "/building-abc-4194305.log"));
  EXPECT_TRUE(fs::exists(mine));
}

TEST(EnsureToolchain, RefusesATarballThatIsNotGo1102) {
  if (!fs::exists("/usr/lib/go-1.19/bin/go")) GTEST_FAIL() << "needs Debian's golang-1.19-go (tools/setup.sh)";
  const std::string src = Tmp("fake");
  fs::create_directories(src + "/go/src/runtime");
  std::ofstream(src + "/go/VERSION") << "go1.9.7";
  const std::string tarball = Tmp("tar") + "/go1.9.7.tar.gz";
  ASSERT_EQ(std::system(("tar -czf " + tarball + " -C " + src + " go").c_str()), 0);
  ToolchainOptions o;
  o.cache_dir = Tmp("cache3");
  o.go_src = tarball;
  absl::StatusOr<std::string> g = EnsureToolchain(o);
  EXPECT_TRUE(absl::StrContains(g.status().message(), "go1.10.2 only")) << g.status();
  // Nothing is left that looks like a toolchain, and no scratch directory.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(o.cache_dir)) {
    (void)e;
    entries++;
  }
  EXPECT_EQ(entries, 1);  // the build log only
}

}  // namespace
}  // namespace gogcsim::recorder
