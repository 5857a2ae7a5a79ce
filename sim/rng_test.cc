#include "sim/rng.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::sim {
namespace {

// Expected values below come from sim/testdata/rng_reference.py, a Python
// transcription of Vigna's reference C code; the first two also match the
// values published with SplitMix64 and xoshiro256**.

TEST(Rng, SplitMix64MatchesReference) {
  uint64_t st = 0;
  const uint64_t want[] = {0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL, 0x06c45d188009454fULL,
                           0xf88bb8a8724c81ecULL, 0x1b39896a51a8749bULL};
  for (uint64_t w : want) EXPECT_EQ(SplitMix64(&st), w);
}

TEST(Rng, Xoshiro256StarStarMatchesReference) {
  Rng r(1, 2, 3, 4);
  const uint64_t want[] = {0x0000000000002d00ULL, 0x0000000000000000ULL, 0x000000005a007080ULL,
                           0x10e0000000009d80ULL, 0x10e0b61ce1009d80ULL, 0x0870021ce143ad00ULL};
  for (uint64_t w : want) EXPECT_EQ(r.Next(), w);
}

TEST(Rng, NamedStreamsMatchReferenceAndAreIndependent) {
  EXPECT_EQ(Fnv1a64("sched"), 0xb61225fbe114cdf8ULL);
  Rng a = Rng::Stream(42, "sched");
  const uint64_t want_a[] = {0xb4ee85c909fdf583ULL, 0xeea3da7c71fff52fULL, 0x2b8c67d59e763e71ULL,
                             0x6fd5a2beef78ad65ULL};
  for (uint64_t w : want_a) EXPECT_EQ(a.Next(), w);
  Rng b = Rng::Stream(42, "mutator");
  const uint64_t want_b[] = {0xe8d14b7057eac980ULL, 0x2b495a4ec8ea4d95ULL, 0xbc2e508f00e9274eULL,
                             0xcf795715d680f1acULL};
  for (uint64_t w : want_b) EXPECT_EQ(b.Next(), w);
  Rng c = Rng::Stream(7, "sched");
  EXPECT_EQ(c.Next(), 0xd8172b5247d82467ULL);
}

TEST(Rng, UniformIntStaysInRangeAndIsUnbiased) {
  Rng r = Rng::Stream(1, "t");
  std::vector<int> counts(6);
  const int n = 600000;
  for (int i = 0; i < n; i++) {
    uint64_t v = r.UniformInt(6);
    ASSERT_LT(v, 6u);
    counts[v]++;
  }
  // Each face 100000 expected; 5 sigma is about 1450.
  for (int c : counts) EXPECT_NEAR(c, 100000, 1450);
  for (int i = 0; i < 10000; i++) {
    int64_t v = r.UniformInt(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
  }
  EXPECT_EQ(r.UniformInt(5, 5), 5);
}

TEST(Rng, UniformDoubleUsesTop53Bits) {
  Rng r(1, 2, 3, 4);
  // First output 0x2d00: its top 53 bits are 0x2d00 >> 11 = 5.
  EXPECT_EQ(r.UniformDouble(), 5.0 / 9007199254740992.0);
  Rng s(1, 2, 3, 4);
  s.Next();
  s.Next();
  s.Next();
  s.Next();
  // Fifth output 0x10e0b61ce1009d80 >> 11, scaled by 2^-53.
  EXPECT_EQ(s.UniformDouble(), static_cast<double>(0x10e0b61ce1009d80ULL >> 11) / 9007199254740992.0);
}

TEST(Rng, DistributionMomentsMatchTheory) {
  Rng r = Rng::Stream(99, "moments");
  const int n = 400000;
  double se = 0, sn = 0, sn2 = 0, sl = 0;
  for (int i = 0; i < n; i++) {
    se += r.Exponential(3.0);
    double z = r.Normal(1.0, 2.0);
    sn += z;
    sn2 += (z - 1.0) * (z - 1.0);
    sl += std::log(r.LogNormal(0.5, 0.25));
  }
  EXPECT_NEAR(se / n, 3.0, 0.03);           // sd of mean = 3/sqrt(n) ~ 0.0047
  EXPECT_NEAR(sn / n, 1.0, 0.02);           // sd of mean ~ 0.0032
  EXPECT_NEAR(std::sqrt(sn2 / n), 2.0, 0.02);
  EXPECT_NEAR(sl / n, 0.5, 0.005);          // log of lognormal is normal(0.5, 0.25)
}

TEST(Rng, SameSeedSameSequence) {
  Rng a = Rng::Stream(123, "x"), b = Rng::Stream(123, "x");
  for (int i = 0; i < 1000; i++) {
    ASSERT_EQ(a.Normal(0, 1), b.Normal(0, 1));
    ASSERT_EQ(a.LogNormal(1, 1), b.LogNormal(1, 1));
  }
}

}  // namespace
}  // namespace gogcsim::sim
