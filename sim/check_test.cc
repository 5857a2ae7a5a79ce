#include "sim/check.h"

#include "gtest/gtest.h"

namespace gogcsim::sim {
namespace {

TEST(CheckDeathTest, FailingCheckAbortsWithMessageAndLocation) {
  EXPECT_DEATH(GOGCSIM_CHECK(1 + 1 == 3), "fatal error: check failed: 1 \\+ 1 == 3\n\tat .*check_test.cc");
}

TEST(CheckDeathTest, ThrowAbortsWithMessage) {
  EXPECT_DEATH(GOGCSIM_THROW("span has no free space"), "fatal error: span has no free space");
}

TEST(Check, PassingCheckContinues) {
  int x = 0;
  GOGCSIM_CHECK(x == 0);
  x = 1;
  EXPECT_EQ(x, 1);
}

}  // namespace
}  // namespace gogcsim::sim
