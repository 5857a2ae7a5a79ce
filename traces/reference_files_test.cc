#include "traces/reference_files.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

// Sets $GOGCSIM_REFERENCE_DIR for one test and restores it after.
class ScopedEnv {
 public:
  explicit ScopedEnv(const char* value) {
    if (const char* old = std::getenv(kName)) old_ = old;
    setenv(kName, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(kName, old_->c_str(), 1);
    } else {
      unsetenv(kName);
    }
  }

 private:
  static constexpr char kName[] = "GOGCSIM_REFERENCE_DIR";
  std::optional<std::string> old_;
};

bool Exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

// Must find the real recordings (by whichever route applies here) and fail,
// not skip, if it cannot.
TEST(ReferenceFilesTest, FindsRecordings) {
  std::string route;
  absl::StatusOr<std::string> dir = ReferenceDir(&route);
  ASSERT_TRUE(dir.ok()) << dir.status();
  std::printf("reference dir %s found by: %s\n", dir->c_str(), route.c_str());
  EXPECT_FALSE(route.empty());
  EXPECT_NE(dir->find(kReferenceSubdir), std::string::npos) << *dir;
  for (const char* name : {"churn-p1.rec.gz", "churn-p1-gogc200.rec.gz", "trees-p1.rec.gz",
                           "phase-p1-gogc50.rec.gz", "workers-p2.rec.gz"}) {
    absl::StatusOr<std::string> f = ReferenceFile(name);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_TRUE(Exists(*f)) << *f;
  }
}

TEST(ReferenceFilesTest, MissingFileIsNotFound) {
  absl::StatusOr<std::string> f = ReferenceFile("no-such-recording.rec.gz");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(f.status().message().find("no-such-recording.rec.gz"), std::string::npos) << f.status();
}

TEST(ReferenceFilesTest, EnvironmentWins) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  ScopedEnv env(tmp);
  std::string route;
  absl::StatusOr<std::string> dir = ReferenceDir(&route);
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(*dir, tmp);
  EXPECT_EQ(route, "$GOGCSIM_REFERENCE_DIR");
}

TEST(ReferenceFilesTest, BadEnvironmentIsAnError) {
  ScopedEnv env("/nonexistent/reference/dir");
  absl::StatusOr<std::string> dir = ReferenceDir();
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(dir.status().message().find("/nonexistent/reference/dir"), std::string::npos) << dir.status();
}

}  // namespace
}  // namespace gogcsim::traces
