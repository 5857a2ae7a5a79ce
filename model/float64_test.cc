#include "model/float64.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace gogcsim::model {
namespace {

TEST(Float64, Int64TruncatesTowardZeroAndSaturatesLikeCvttsd2sq) {
  EXPECT_EQ(GoInt64(3.9), 3);
  EXPECT_EQ(GoInt64(-3.9), -3);
  EXPECT_EQ(GoInt64(9007199254740993.0), 9007199254740992);  // the double is 2^53
  // Intel SDM: out-of-range and NaN give the "integer indefinite" 0x8000000000000000.
  EXPECT_EQ(GoInt64(1e19), INT64_MIN);
  EXPECT_EQ(GoInt64(-1e19), INT64_MIN);
  EXPECT_EQ(GoInt64(std::numeric_limits<double>::quiet_NaN()), INT64_MIN);
}

TEST(Float64, Uint64HandlesTheUpperHalf) {
  EXPECT_EQ(GoUint64(2236962.1333), 2236962u);  // gcinit's faked heap_marked
  EXPECT_EQ(GoUint64(9223372036854775808.0), uint64_t{1} << 63);
  EXPECT_EQ(GoUint64(1.5e19), 15000000000000000000ULL);
  EXPECT_EQ(GoUint64(-1.0), ~uint64_t{0});  // int64(-1) reinterpreted
}

}  // namespace
}  // namespace gogcsim::model
