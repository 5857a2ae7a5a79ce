#include "traces/atomic_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

namespace fs = std::filesystem;

TEST(AtomicFileTest, ReplacesTheFileAndLeavesNoTemporary) {
  const fs::path dir = fs::path(::testing::TempDir()) / "atomic";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string p = (dir / "out.html").string();
  ASSERT_TRUE(WriteFileAtomically(p, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(p, "second").ok());
  std::stringstream s;
  s << std::ifstream(p).rdbuf();
  EXPECT_EQ(s.str(), "second");
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST(AtomicFileTest, MissingDirectoryIsAnErrorNamingIt) {
  const std::string p = (fs::path(::testing::TempDir()) / "no_such_dir" / "out.html").string();
  absl::Status st = WriteFileAtomically(p, "x");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no_such_dir"), std::string::npos);
}

// Devices are written in place, never replaced by a regular file (as root,
// the rename used to turn /dev/null into one).
TEST(AtomicFileTest, DeviceIsWrittenInPlace) {
  ASSERT_TRUE(fs::is_character_file("/dev/null"));
  const absl::Status st = WriteFileAtomically("/dev/null", "text");
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  // A write error on the device is reported.
  const absl::Status full = WriteFileAtomically("/dev/full", "text");
  EXPECT_EQ(full.code(), absl::StatusCode::kDataLoss) << full;
  EXPECT_EQ(full.message(), "error writing /dev/full");
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
}

}  // namespace
}  // namespace gogcsim::traces
