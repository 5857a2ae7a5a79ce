#include "model/msize.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"
#include "model/sizeclasses.h"

namespace gogcsim::model {
namespace {

constexpr uint64_t kMax64 = std::numeric_limits<uint64_t>::max();

// A straightforward reference: scan for the smallest class that is big enough.
int SmallestClassHolding(uint64_t size) {
  for (int c = 1; c < kNumSizeClasses; ++c) {
    if (kClassToSize[c] >= size) return c;
  }
  return -1;
}

TEST(SizeToClass, EverySmallSizeGetsSmallestFittingClass) {
  for (uint64_t size = 1; size <= kMaxSmallSize; ++size) {
    const int got = SizeToClass(size);
    ASSERT_EQ(got, SmallestClassHolding(size)) << "size=" << size;
    ASSERT_GE(kClassToSize[got], size);
    ASSERT_LT(kClassToSize[got - 1], size) << "size=" << size;
  }
}

TEST(SizeToClass, TableBoundaries) {
  EXPECT_EQ(SizeToClass(0), 0);  // Go's size_to_class8[0]
  EXPECT_EQ(SizeToClass(1), 1);
  EXPECT_EQ(SizeToClass(8), 1);
  EXPECT_EQ(SizeToClass(9), 2);
  EXPECT_EQ(SizeToClass(16), 2);
  EXPECT_EQ(SizeToClass(17), 3);
  EXPECT_EQ(SizeToClass(1016), 31);  // smallSizeMax-8 is the last size the 8-byte table handles
  EXPECT_EQ(SizeToClass(1017), 31);  // here the 128-byte table starts, and the index wraps to 0
  EXPECT_EQ(SizeToClass(1023), 31);
  EXPECT_EQ(SizeToClass(1024), 31);
  EXPECT_EQ(SizeToClass(1025), 32);
  EXPECT_EQ(SizeToClass(32767), 66);
  EXPECT_EQ(SizeToClass(32768), 66);
}

TEST(SizeToClass, IsConstexpr) {
  static_assert(SizeToClass(24) == 3);
  static_assert(SizeToClass(8193) == 51);  // 9472-byte class
}

TEST(SizeToClassDeathTest, AbortsAboveMaxSmallSize) {
  EXPECT_DEATH(SizeToClass(kMaxSmallSize + 1), "exceeds kMaxSmallSize");
}

TEST(RoundUpSize, SpecifiedValues) {
  EXPECT_EQ(RoundUpSize(0), 0u);  // class 0 has size 0
  EXPECT_EQ(RoundUpSize(1), 8u);
  EXPECT_EQ(RoundUpSize(8), 8u);
  EXPECT_EQ(RoundUpSize(9), 16u);
  EXPECT_EQ(RoundUpSize(33), 48u);
  EXPECT_EQ(RoundUpSize(1016), 1024u);
  EXPECT_EQ(RoundUpSize(1020), 1024u);
  EXPECT_EQ(RoundUpSize(1024), 1024u);
  EXPECT_EQ(RoundUpSize(1025), 1152u);
  EXPECT_EQ(RoundUpSize(8193), 9472u);
  EXPECT_EQ(RoundUpSize(32767), 32768u);
  EXPECT_EQ(RoundUpSize(32768), 32768u);  // not < _MaxSmallSize, so it is page-rounded (no change)
  EXPECT_EQ(RoundUpSize(32769), 40960u);
  EXPECT_EQ(RoundUpSize(40960), 40960u);
  EXPECT_EQ(RoundUpSize(40961), 49152u);
  EXPECT_EQ(RoundUpSize(uint64_t{1} << 40), uint64_t{1} << 40);
  EXPECT_EQ(RoundUpSize((uint64_t{1} << 40) + 1), (uint64_t{1} << 40) + 8192);
}

TEST(RoundUpSize, Overflow) {
  // Go: `if size+_PageSize < size { return size }`.
  EXPECT_EQ(RoundUpSize(kMax64), kMax64);
  EXPECT_EQ(RoundUpSize(kMax64 - 1), kMax64 - 1);
  // 2^64 - 8192: adding a page wraps to exactly 0, so the size comes back unchanged.
  EXPECT_EQ(RoundUpSize(kMax64 - 8191), kMax64 - 8191);
  // 2^64 - 8193: adding a page does not wrap, so it rounds up to 2^64 - 8192.
  EXPECT_EQ(RoundUpSize(kMax64 - 8192), kMax64 - 8191);
  // The largest page multiple stays put.
  EXPECT_EQ(RoundUpSize(kMax64 - 16383), kMax64 - 16383);
  // A size just past the top page boundary wraps too, so it is also returned unchanged.
  EXPECT_EQ(RoundUpSize(kMax64 - 100), kMax64 - 100);
}

TEST(RoundUpSize, SmallSizesAreClassSizes) {
  for (uint64_t size = 1; size < kMaxSmallSize; ++size) {
    const uint64_t r = RoundUpSize(size);
    ASSERT_EQ(r, kClassToSize[SizeToClass(size)]) << "size=" << size;
    ASSERT_GE(r, size);
  }
}

TEST(RoundUpSize, LargeSizesArePageMultiples) {
  for (uint64_t size = kMaxSmallSize; size < 4 * 1024 * 1024; size += 4093) {
    const uint64_t r = RoundUpSize(size);
    ASSERT_EQ(r % kPageSize, 0u) << "size=" << size;
    ASSERT_GE(r, size);
    ASSERT_LT(r - size, kPageSize);
  }
}

TEST(RoundUpSize, IsConstexpr) {
  static_assert(RoundUpSize(100) == 112);
  static_assert(RoundUpSize(32769) == 40960);
}

}  // namespace
}  // namespace gogcsim::model
