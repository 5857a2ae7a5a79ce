#include "traces/read_file.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

std::string TempFile(const std::string& name, const std::string& text) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ReadFileCappedTest, ReadsUpToTheCap) {
  const std::string path = TempFile("ten", "0123456789");
  auto text = ReadFileCapped(path, 10);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "0123456789");
  auto over = ReadFileCapped(path, 9);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().message(), path + ": larger than 9 bytes");
}

// An endless device: the cap ends the read (it used to run until bad_alloc).
TEST(ReadFileCappedTest, DevZeroStopsAtTheCap) {
  auto text = ReadFileCapped("/dev/zero", 1 << 20);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(), "/dev/zero: larger than 1048576 bytes");
}

TEST(ReadFileCappedTest, MissingFileIsNotFound) {
  auto text = ReadFileCapped("/nonexistent/x.json", 10);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(text.status().message()).rfind("/nonexistent/x.json: cannot open", 0), 0u) << text.status();
}

}  // namespace
}  // namespace gogcsim::traces
