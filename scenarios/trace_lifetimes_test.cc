#include "scenarios/trace_lifetimes.h"

#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::scenarios {
namespace {

std::vector<AllocKey> Keys(std::initializer_list<std::pair<uint32_t, uint64_t>> ks) {
  std::vector<AllocKey> out;
  for (const auto& [g, s] : ks) out.push_back({g, s});
  return out;
}

TEST(PairAllocations, SameSequencesPairOneToOne) {
  const auto k = Keys({{0, 8}, {0, 16}, {1, 8}, {0, 8}});
  EXPECT_EQ(PairAllocations(k, k), (std::vector<uint64_t>{0, 1, 2, 3}));
}

TEST(PairAllocations, PairsWithinEachGoroutineWhateverTheInterleaving) {
  // Goroutine 1's allocations came earlier on the lifetime run.
  const auto main = Keys({{0, 8}, {0, 16}, {1, 32}, {1, 48}});
  const auto life = Keys({{0, 8}, {1, 32}, {1, 48}, {0, 16}});
  EXPECT_EQ(PairAllocations(main, life), (std::vector<uint64_t>{0, 3, 1, 2}));
}

TEST(PairAllocations, SkipsAnAllocationOnlyOneRunMade) {
  // The lifetime run's goroutine 0 made an extra allocation (the runtime's,
  // at its first cycle); the main run's made one the other did not.
  const auto main = Keys({{0, 8}, {0, 16}, {0, 24}, {0, 99}, {0, 32}});
  const auto life = Keys({{0, 8}, {0, 77}, {0, 16}, {0, 24}, {0, 32}});
  EXPECT_EQ(PairAllocations(main, life), (std::vector<uint64_t>{0, 2, 3, kUnpaired, 4}));
}

TEST(PairAllocations, NoMatchWithinReachDropsOneOfEach) {
  std::vector<AllocKey> main, life;
  main.push_back({0, 1});
  life.push_back({0, 2});
  for (int i = 0; i < 2 * kPairLookahead; i++) {
    main.push_back({0, 1000 + static_cast<uint64_t>(i)});
    life.push_back({0, 1000 + static_cast<uint64_t>(i)});
  }
  const std::vector<uint64_t> pair = PairAllocations(main, life);
  EXPECT_EQ(pair[0], kUnpaired);
  for (size_t i = 1; i < pair.size(); i++) EXPECT_EQ(pair[i], i) << i;
}

TEST(PairAllocations, AGoroutineOnlyOneRunHadStaysUnpaired) {
  const auto main = Keys({{0, 8}, {1, 8}});
  const auto life = Keys({{0, 8}});
  EXPECT_EQ(PairAllocations(main, life), (std::vector<uint64_t>{0, kUnpaired}));
}

}  // namespace
}  // namespace gogcsim::scenarios
