#include "sim/out_of_memory.h"

#include "gtest/gtest.h"

namespace gogcsim::sim {
namespace {

TEST(OutOfMemoryTest, PrintsGoLinesAndMarksTheStatus) {
  try {
    ThrowOutOfMemory("runtime: out of memory: cannot allocate 1073741824-byte block (4194304 in use)");
    FAIL() << "no exception";
  } catch (const OutOfMemory& e) {
    EXPECT_STREQ(e.what(),
                 "runtime: out of memory: cannot allocate 1073741824-byte block (4194304 in use)\n"
                 "fatal error: out of memory");
    const absl::Status s = OutOfMemoryStatus(e);
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_TRUE(IsOutOfMemory(s));
  }
  EXPECT_STREQ(OutOfMemory("").what(), "fatal error: out of memory");
  // Other resource errors (the host's) are not the simulated program's.
  EXPECT_FALSE(IsOutOfMemory(absl::ResourceExhaustedError("open x: out of memory")));
}

}  // namespace
}  // namespace gogcsim::sim
