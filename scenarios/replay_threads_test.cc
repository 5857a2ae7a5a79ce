#include "scenarios/replay_threads.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::scenarios {
namespace {

using model::SyncKind;
using model::SyncPoint;

traces::V2Record Global(uint32_t m, const char* name, std::initializer_list<int64_t> v) {
  traces::V2Record r;
  r.global = true;
  r.m = m;
  r.tag = static_cast<uint8_t>(traces::V2TagOf(name));
  for (int64_t x : v) r.v[r.n++] = x;
  return r;
}

// Two Ms each add to a shared counter under a lock, as uncacheSpan adds
// to heap_live; the recording says which one goes first.
class Counter {
 public:
  explicit Counter(ReplayThreads* t) : t_(t) {}
  void Add(int64_t delta) {
    t_->Lock();
    t_->Pass(SyncPoint{SyncKind::kHeapLive, 2, {delta, live}});
    live += delta;
  }
  int64_t live = 0;

 private:
  ReplayThreads* t_;
};

TEST(ReplayThreadsTest, TheRecordingSaysWhichMGoesFirst) {
  ReplayThreads t;
  Counter c(&t);
  std::vector<std::string> log;
  t.Start(0, [&] {
    c.Add(10);
    log.push_back("m0 done");
  });
  t.Start(1, [&] {
    c.Add(5);
    log.push_back("m1 done");
  });
  // M1's add took effect first (heap_live 0 -> 5), then M0's (5 -> 15).
  EXPECT_TRUE(t.Offer(1, Global(1, "HL", {5, 5})));
  EXPECT_EQ(c.live, 5);
  EXPECT_EQ(log, std::vector<std::string>{"m1 done"});
  EXPECT_TRUE(t.busy(0));
  EXPECT_TRUE(t.Offer(0, Global(0, "HL", {10, 15})));
  EXPECT_EQ(c.live, 15);
  EXPECT_FALSE(t.busy(0));
  EXPECT_FALSE(t.mismatch().has_value());
}

TEST(ReplayThreadsTest, ACallReadsUnderItsLockOnlyWhenItsRecordComesUp) {
  ReplayThreads t;
  Counter c(&t);
  t.Start(0, [&] { c.Add(10); });
  t.Run(0);  // runs up to its lock, and waits there
  EXPECT_TRUE(t.at_lock(0));
  EXPECT_EQ(t.waiting(0), nullptr);
  t.Start(1, [&] { c.Add(5); });
  EXPECT_TRUE(t.Offer(1, Global(1, "HL", {5, 5})));
  // M0 reads heap_live only now, after M1's add.
  EXPECT_TRUE(t.Offer(0, Global(0, "HL", {10, 15})));
}

TEST(ReplayThreadsTest, APointThatIsNotTheRecordIsAMismatchAndTheCallStops) {
  ReplayThreads t;
  Counter c(&t);
  t.Start(0, [&] { c.Add(10); });
  EXPECT_FALSE(t.Offer(0, Global(0, "HL", {10, 11})));  // heap_live would be 10
  ASSERT_TRUE(t.mismatch().has_value());
  EXPECT_EQ(t.mismatch()->m, 0u);
  EXPECT_EQ(Text(t.mismatch()->point), "HL 10 10");
  EXPECT_EQ(c.live, 0);  // the add did not happen
  ASSERT_NE(t.waiting(0), nullptr);
  EXPECT_EQ(Text(*t.waiting(0)), "HL 10 10");
  EXPECT_FALSE(t.Offer(0, Global(0, "HL", {10, 10})));  // stopped for good
}

TEST(ReplayThreadsTest, ACallThatEndsFirstDoesNotTakeTheRecord) {
  ReplayThreads t;
  int ran = 0;
  t.Start(2, [&] { ran++; });
  EXPECT_FALSE(t.Offer(2, Global(2, "HL", {1, 1})));
  EXPECT_EQ(ran, 1);
  EXPECT_FALSE(t.busy(2));
  EXPECT_FALSE(t.mismatch().has_value());
  // The M's fiber runs its next call.
  t.Start(2, [&] { ran += 10; });
  t.Run(2);
  EXPECT_EQ(ran, 11);
}

TEST(ReplayThreadsTest, WaitingShowsThePointAndCurrentTheRunningM) {
  ReplayThreads t;
  int64_t seen = -2;
  t.Start(3, [&] {
    seen = t.current();
    t.Pass(SyncPoint{SyncKind::kManualAlloc, 2, {4096, 4}});
  });
  t.Run(3);
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(t.current(), -1);
  ASSERT_NE(t.waiting(3), nullptr);
  EXPECT_EQ(Text(*t.waiting(3)), "MA 4096 4");
  EXPECT_TRUE(t.Offer(3, Global(3, "MA", {4096, 4})));
  EXPECT_FALSE(t.busy(3));
}

// A call the recording shows with nothing of its M inside runs on the
// caller's stack; one that reaches a lock or a point anyway is abandoned
// there, and the mismatch names the point.
TEST(ReplayThreadsTest, ADirectCallRunsAtOnceAndMustNotWait) {
  ReplayThreads t;
  Counter c(&t);
  int64_t running = -1;
  EXPECT_TRUE(t.RunDirect(3, [&] { running = t.current(); }));
  EXPECT_EQ(running, 3);
  EXPECT_EQ(t.current(), -1);
  EXPECT_FALSE(t.busy(3));
  EXPECT_FALSE(t.mismatch().has_value());

  bool after = false;
  EXPECT_FALSE(t.RunDirect(3, [&] {
    c.Add(10);
    after = true;
  }));
  EXPECT_FALSE(after);
  EXPECT_EQ(c.live, 0);
  ASSERT_TRUE(t.mismatch().has_value());
  EXPECT_EQ(t.mismatch()->m, 3u);
  EXPECT_EQ(t.mismatch()->point.tag, 0);  // the lock, before the point
  EXPECT_EQ(t.current(), -1);

  ReplayThreads t2;
  EXPECT_FALSE(t2.RunDirect(0, [&] { t2.Pass(SyncPoint{SyncKind::kHeapLive, 2, {8, 0}}); }));
  ASSERT_TRUE(t2.mismatch().has_value());
  EXPECT_EQ(Text(t2.mismatch()->point), "HL 8 8");
}

}  // namespace
}  // namespace gogcsim::scenarios
