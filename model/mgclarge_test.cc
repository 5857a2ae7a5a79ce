#include "model/mgclarge.h"

#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::model {
namespace {

// The treap never dereferences spans; distinct addresses are enough.
MSpan* Fake(int i) { return reinterpret_cast<MSpan*>(static_cast<uintptr_t>(0x1000 + 16 * i)); }

TEST(MTreap, RemoveFindsFitWithFewNodesAndOrdersTiesByOrderKey) {
  MTreap t(1);
  t.Insert(Fake(1), 200, 1);
  t.Insert(Fake(2), 150, 2);
  t.Insert(Fake(3), 300, 3);
  t.CheckInvariants();
  // With three nodes every shape yields the best fit here, as in Go:
  // a request for 140 pages takes the 150-page span.
  EXPECT_EQ(t.Remove(140), Fake(2));
  EXPECT_EQ(t.Remove(250), Fake(3));
  EXPECT_EQ(t.Remove(400), nullptr);
  EXPECT_EQ(t.Remove(128), Fake(1));
  EXPECT_TRUE(t.empty());

  // Equal sizes: the smaller order key (the lower mspan address in Go) is
  // found first when it sits to the left.
  t.Insert(Fake(4), 128, 9);
  t.Insert(Fake(5), 128, 3);
  t.CheckInvariants();
  MSpan* first = t.Remove(128);
  MSpan* second = t.Remove(128);
  EXPECT_TRUE((first == Fake(4) && second == Fake(5)) || (first == Fake(5) && second == Fake(4)));
  EXPECT_TRUE(t.empty());
}

TEST(MTreap, RemoveSpanAndInvariantsUnderChurn) {
  MTreap t(7);
  std::vector<std::pair<uint64_t, uint64_t>> live;  // (npages, order)
  uint64_t x = 12345;
  for (int i = 0; i < 2000; i++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    if (live.size() < 50 || (x >> 63)) {
      uint64_t np = 128 + ((x >> 40) % 64);
      uint64_t order = i + 1;
      t.Insert(Fake(static_cast<int>(order)), np, order);
      live.push_back({np, order});
    } else {
      size_t k = (x >> 20) % live.size();
      t.RemoveSpan(Fake(static_cast<int>(live[k].second)), live[k].first, live[k].second);
      live.erase(live.begin() + k);
    }
    ASSERT_EQ(t.size(), live.size());
  }
  t.CheckInvariants();
  // Whatever Remove returns must be large enough.
  while (!t.empty()) {
    MSpan* s = t.Remove(150);
    if (s == nullptr) break;
    bool found = false;
    for (size_t k = 0; k < live.size(); k++) {
      if (Fake(static_cast<int>(live[k].second)) == s) {
        EXPECT_GE(live[k].first, 150u);
        live.erase(live.begin() + k);
        found = true;
        break;
      }
    }
    EXPECT_TRUE(found);
  }
  for (auto& [np, order] : live) EXPECT_LT(np, 150u);  // only too-small ones remain
}

}  // namespace
}  // namespace gogcsim::model
