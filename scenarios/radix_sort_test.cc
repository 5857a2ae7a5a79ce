#include "scenarios/radix_sort.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "sim/rng.h"

namespace gogcsim::scenarios {
namespace {

struct Item {
  uint64_t key = 0;
  uint64_t tag = 0;  // its position before sorting
  bool operator==(const Item&) const = default;
};

std::vector<Item> Sorted(std::vector<Item> v) {
  std::stable_sort(v.begin(), v.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
  return v;
}

std::vector<Item> Radix(std::vector<Item> v) {
  RadixSortBy(&v, [](const Item& x) { return x.key; });
  return v;
}

TEST(RadixSortTest, EmptyAndOne) {
  EXPECT_EQ(Radix({}), std::vector<Item>{});
  EXPECT_EQ(Radix({{7, 0}}), (std::vector<Item>{{7, 0}}));
}

TEST(RadixSortTest, AsStableSortWithManyEqualKeys) {
  std::vector<Item> v;
  for (uint64_t i = 0; i < 5000; i++) v.push_back({(i * 7919) % 37, i});
  EXPECT_EQ(Radix(v), Sorted(v));
}

TEST(RadixSortTest, AsStableSortOverAllDigits) {
  // Keys spread over all 64 bits, some sharing their low or high bytes, so
  // that every pass runs and some are skipped.
  sim::Rng rng = sim::Rng::Stream(42, "radix_sort_test");
  for (int shape = 0; shape < 4; shape++) {
    std::vector<Item> v;
    for (uint64_t i = 0; i < 3000; i++) {
      uint64_t k = rng.Next();
      if (shape == 1) k &= 0xffff;               // two digits
      if (shape == 2) k = (k & 0xff00) | 0xab;   // one digit, a shared low one
      if (shape == 3) k = (k % 5) << 56 | 0x77;  // only the top digit
      v.push_back({k, i});
    }
    EXPECT_EQ(Radix(v), Sorted(v)) << "shape " << shape;
  }
}

TEST(RadixSortTest, AllKeysEqualKeepOrder) {
  std::vector<Item> v;
  for (uint64_t i = 0; i < 100; i++) v.push_back({~uint64_t{0}, i});
  EXPECT_EQ(Radix(v), v);
}

}  // namespace
}  // namespace gogcsim::scenarios
