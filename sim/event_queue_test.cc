#include "sim/event_queue.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::sim {
namespace {

TEST(EventQueue, RunsInTimeOrderThenInsertionOrder) {
  EventQueue q;
  std::string log;
  q.Schedule(30, [&] { log += "c"; });
  q.Schedule(10, [&] { log += "a"; });
  q.Schedule(20, [&] { log += "b1"; });
  q.Schedule(20, [&] { log += "b2"; });
  q.Schedule(20, [&] { log += "b3"; });
  q.Schedule(10, [&] { log += "a2"; });
  EXPECT_EQ(q.Run(), 6u);
  EXPECT_EQ(log, "aa2b1b2b3c");
  EXPECT_EQ(q.Now(), 30);
}

TEST(EventQueue, ClockJumpsToEventTimeBeforeItRuns) {
  EventQueue q;
  std::vector<int64_t> seen;
  q.Schedule(100, [&] { seen.push_back(q.Now()); });
  q.Schedule(250, [&] { seen.push_back(q.Now()); });
  EXPECT_EQ(q.Now(), 0);
  q.Run();
  EXPECT_EQ(seen, (std::vector<int64_t>{100, 250}));
}

TEST(EventQueue, EventsScheduledFromEventsInterleaveCorrectly) {
  EventQueue q;
  std::vector<int> order;
  q.Schedule(10, [&] {
    order.push_back(1);
    q.ScheduleAfter(0, [&] { order.push_back(3); });  // same time, later seq
    q.ScheduleAfter(5, [&] { order.push_back(4); });
  });
  q.Schedule(10, [&] { order.push_back(2); });
  q.Schedule(15, [&] { order.push_back(5); });  // scheduled before the 4
  q.Run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 5, 4}));
}

TEST(EventQueue, CancelledEventsDoNotRunAndStaleIdsAreIgnored) {
  EventQueue q;
  int ran = 0;
  auto a = q.Schedule(5, [&] { ran += 1; });
  auto b = q.Schedule(6, [&] { ran += 10; });
  EXPECT_EQ(q.size(), 2u);
  EXPECT_TRUE(q.Cancel(a));
  EXPECT_FALSE(q.Cancel(a));  // already cancelled
  EXPECT_EQ(q.size(), 1u);
  // The freed slot is reused; the old id must not cancel the new event.
  auto c = q.Schedule(7, [&] { ran += 100; });
  EXPECT_EQ(c.slot, a.slot);
  EXPECT_FALSE(q.Cancel(a));
  q.Run();
  EXPECT_EQ(ran, 110);
  EXPECT_FALSE(q.Cancel(b));  // already ran
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, RunStopsWhenStopConditionHolds) {
  EventQueue q;
  int count = 0;
  for (int i = 0; i < 10; i++) q.Schedule(i, [&] { count++; });
  EXPECT_EQ(q.Run([&] { return count == 4; }), 4u);
  EXPECT_EQ(count, 4);
  EXPECT_EQ(q.size(), 6u);
}

TEST(EventQueue, RunUntilRunsUpToDeadlineAndAdvancesClock) {
  EventQueue q;
  int count = 0;
  q.Schedule(10, [&] { count++; });
  q.Schedule(20, [&] { count++; });
  q.Schedule(21, [&] { count++; });
  EXPECT_EQ(q.RunUntil(20), 2u);
  EXPECT_EQ(q.Now(), 20);
  EXPECT_EQ(q.NextTime(), 21);
  EXPECT_EQ(q.RunUntil(1000), 1u);
  EXPECT_EQ(q.Now(), 1000);
}

TEST(EventQueue, ManyEventsComeOutSorted) {
  // A linear congruential sequence (Knuth's MMIX constants) gives times with
  // many duplicates; the output must be sorted by (time, seq).
  EventQueue q;
  std::vector<std::pair<int64_t, int>> out;
  uint64_t x = 1;
  for (int i = 0; i < 5000; i++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t t = static_cast<int64_t>(x >> 54);  // 0..1023
    q.Schedule(t, [&out, &q, i] { out.push_back({q.Now(), i}); });
  }
  q.Run();
  ASSERT_EQ(out.size(), 5000u);
  for (size_t i = 1; i < out.size(); i++) {
    ASSERT_LE(out[i - 1].first, out[i].first);
    if (out[i - 1].first == out[i].first) {
      ASSERT_LT(out[i - 1].second, out[i].second);
    }
  }
}

TEST(EventQueueDeathTest, SchedulingInThePastStopsTheRun) {
  EventQueue q;
  q.Schedule(100, [] {});
  q.Run();
  EXPECT_DEATH(q.Schedule(99, [] {}), "event scheduled in the past");
}

}  // namespace
}  // namespace gogcsim::sim
