#include "sim/ring_queue.h"

#include <deque>
#include <string>

#include "gtest/gtest.h"

namespace gogcsim::sim {
namespace {

TEST(RingQueueTest, KeepsOrderAcrossWrapAndGrowth) {
  RingQueue<std::string> q;
  std::deque<std::string> want;
  // Interleaved pushes and pops wrap the head around the array before it
  // grows, so growth must copy from the head, not from slot 0.
  int next = 0;
  for (int round = 0; round < 50; round++) {
    for (int i = 0; i < round % 7 + 3; i++) {
      q.push_back(std::to_string(next));
      want.push_back(std::to_string(next));
      next++;
    }
    for (int i = 0; i < round % 5 + 1 && !want.empty(); i++) {
      ASSERT_EQ(q.front(), want.front());
      q.pop_front();
      want.pop_front();
    }
    ASSERT_EQ(q.size(), want.size());
    for (size_t i = 0; i < want.size(); i++) ASSERT_EQ(q[i], want[i]);
  }
  while (!want.empty()) {
    ASSERT_EQ(q.front(), want.front());
    q.pop_front();
    want.pop_front();
  }
  EXPECT_TRUE(q.empty());
}

TEST(RingQueueTest, ClearEmpties) {
  RingQueue<int> q;
  for (int i = 0; i < 20; i++) q.push_back(i);
  q.clear();
  EXPECT_TRUE(q.empty());
  q.push_back(7);
  EXPECT_EQ(q.front(), 7);
  EXPECT_EQ(q.size(), 1u);
}

TEST(RingQueueTest, PushSlotHandsBackTheSlotAsItWasLeft) {
  RingQueue<int> q;
  for (int i = 0; i < 8; i++) q.push_back(i);  // fills the first array of 8
  for (int i = 0; i < 8; i++) q.pop_front();
  int& slot = q.push_slot();  // slot 0 again, still holding 0
  EXPECT_EQ(slot, 0);
  slot = 42;
  EXPECT_EQ(q.front(), 42);
  EXPECT_EQ(q.size(), 1u);
}

TEST(RingQueueDeathTest, FrontOfAnEmptyQueueStops) { EXPECT_DEATH(RingQueue<int>().front(), ""); }

}  // namespace
}  // namespace gogcsim::sim
