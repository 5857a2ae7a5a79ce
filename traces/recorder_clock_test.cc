#include "traces/recorder_clock.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "traces/trace.pb.h"

namespace gogcsim::traces {
namespace {

RecorderTimeSample At(int64_t p, int64_t t, double cost, int64_t ncpu = 2) { return {p, t, cost, ncpu}; }

// One P: its recorder time, spread evenly since its previous RT (the
// first since the recording's start), is all of the delay.
TEST(RecorderClock, OneP) {
  RecorderClock c = RecorderClock::FromSamples({At(0, 1000, 100), At(0, 3000, 400)}, 0);
  ASSERT_FALSE(c.empty());
  EXPECT_DOUBLE_EQ(c.DelayAt(-5), 0);
  EXPECT_DOUBLE_EQ(c.DelayAt(500), 50);  // 0.1 of (0, 1000]
  EXPECT_DOUBLE_EQ(c.DelayAt(1000), 100);
  EXPECT_DOUBLE_EQ(c.DelayAt(2000), 300);  // then 0.2 of (1000, 3000]
  EXPECT_DOUBLE_EQ(c.DelayAt(3000), 500);
  EXPECT_DOUBLE_EQ(c.DelayAt(9000), 500);  // nothing recorded after
  EXPECT_DOUBLE_EQ(c.Strip(2000), 1700);
  EXPECT_DOUBLE_EQ(c.total_ns(), 500);
}

// Two Ps recording at once delay the program once on two CPUs (the mean
// of their rates), twice as much on one CPU (their sum).
TEST(RecorderClock, PsAtOnceShareTheirCpus) {
  const std::vector<RecorderTimeSample> two = {At(0, 1000, 200), At(1, 500, 0), At(1, 1000, 100)};
  RecorderClock c = RecorderClock::FromSamples(two, 0);
  EXPECT_DOUBLE_EQ(c.DelayAt(500), 100);   // P0 alone: 0.2
  EXPECT_DOUBLE_EQ(c.DelayAt(1000), 200);  // both at 0.2: 0.2
  std::vector<RecorderTimeSample> one = two;
  for (RecorderTimeSample& s : one) s.ncpu = 1;
  RecorderClock c1 = RecorderClock::FromSamples(one, 0);
  EXPECT_DOUBLE_EQ(c1.DelayAt(1000), 300);  // 0.4 over (500, 1000]
}

// An M without a P (sysmon) runs beside the Ps: left out. A cost larger
// than its span (sampling noise) counts as the whole span, no more.
TEST(RecorderClock, NoPAndOverfullSpans) {
  RecorderClock c = RecorderClock::FromSamples({At(-1, 500, 400), At(0, 1000, 5000)}, 0);
  EXPECT_DOUBLE_EQ(c.DelayAt(1000), 1000);
  EXPECT_DOUBLE_EQ(c.Strip(1000), 0);
  EXPECT_DOUBLE_EQ(c.Strip(1500), 500);
}

// A program whose windows of 1024 records take 10,000 ns each, give or
// take its own noise, while writing a window's 3,000 words costs 1 ns a
// word: doubled windows take 3,000 ns more. The median finds 1 ns a word
// through noise of either sign, and each window's cost is then its words
// (twice, doubled).
TEST(RecorderClock, WindowsMeasureTheCostOfAWord) {
  std::vector<RecorderWindow> ws;
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int64_t> noise(-2000, 2000);
  int64_t t = 0, doubled = 0;
  bool twice = false;
  for (int i = 0; i < 200 * 16; i++) {
    // The recorder's coin for a measured pair's first window, then the
    // pair's other; the rest single.
    twice = i % 16 == 0 ? (rng() & 1) != 0 : i % 16 == 1 ? !twice : false;
    t += 10000 + noise(rng) + (twice ? 3000 : 0);
    doubled += twice ? 1 : 0;
    ws.push_back({7, 0, t, kRecorderWindow, 3000, twice, 2});
  }
  RecorderClock c = RecorderClock::FromWindows(ws, 0);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.pairs(), 199);  // pair 0 has no start
  EXPECT_NEAR(c.ns_per_word(), 1.0, 0.15);
  // 200 doubled windows, 3000 single.
  ASSERT_EQ(doubled, 200);
  EXPECT_NEAR(c.total_ns(), c.ns_per_word() * 3000 * (2 * 200 + 3000), 1e-6 * c.total_ns());
}

// Too few full pairs, or a cost that is not positive: no clock.
TEST(RecorderClock, WindowsNeedEnoughPairs) {
  std::vector<RecorderWindow> ws;
  for (int i = 0; i < 16 * RecorderClock::kMinPairs; i++) {
    ws.push_back({1, 0, 10000 * (i + 1) + (i % 16 == 1 ? 3000 : 0), kRecorderWindow, 3000, i % 16 == 1, 1});
  }
  EXPECT_TRUE(RecorderClock::FromWindows(ws, 0).empty());  // 15 pairs
  ws.push_back({1, 0, 10000 * 257, kRecorderWindow, 3000, false, 1});
  ws.push_back({1, 0, 10000 * 258 + 3000, kRecorderWindow, 3000, true, 1});
  EXPECT_FALSE(RecorderClock::FromWindows(ws, 0).empty());  // 16
  std::vector<RecorderWindow> short_windows = ws;
  for (RecorderWindow& w : short_windows) w.records = 100;
  EXPECT_TRUE(RecorderClock::FromWindows(short_windows, 0).empty());
  std::vector<RecorderWindow> free_writes;  // doubling costs nothing
  for (int i = 0; i < 400; i++) free_writes.push_back({1, 0, 10000 * (i + 1), kRecorderWindow, 3000, i % 16 == 1, 1});
  EXPECT_TRUE(RecorderClock::FromWindows(free_writes, 0).empty());
}

// DelayAt remembers where it last looked: any order of times gives what a
// fresh clock gives.
TEST(RecorderClock, AnyOrderOfQueries) {
  std::vector<RecorderTimeSample> s;
  for (int i = 1; i <= 50; i++) s.push_back(At(i % 3, 1000 * i, 100 + 7 * i));
  const RecorderClock ref = RecorderClock::FromSamples(s, 0);
  RecorderClock c = ref;
  std::mt19937_64 rng(2);
  for (int i = 0; i < 2000; i++) {
    const double t = i < 1000 ? 60.0 * i : static_cast<double>(rng() % 60000);
    EXPECT_DOUBLE_EQ(c.DelayAt(t), RecorderClock(ref).DelayAt(t)) << t;
  }
}

TEST(RecorderClock, EmptyWithoutCost) {
  EXPECT_TRUE(RecorderClock::FromSamples({}, 0).empty());
  RecorderClock c = RecorderClock::FromSamples({At(0, 1000, 0), At(-1, 2000, 500)}, 0);
  EXPECT_TRUE(c.empty());
  EXPECT_DOUBLE_EQ(c.Strip(1234), 1234);
}

// Knots in a trace header: whole ns; read back, a knot that would make
// the clock run backwards is clamped, one out of order dropped.
TEST(RecorderClock, Knots) {
  RecorderClock c = RecorderClock::FromSamples({At(0, 1000, 100), At(0, 3000, 400)}, 0);
  v1::Header h;
  c.ToKnots(h.mutable_recorder_clock());
  EXPECT_EQ(std::vector<int64_t>(h.recorder_clock().begin(), h.recorder_clock().end()),
            (std::vector<int64_t>{0, 0, 1000, 100, 3000, 500}));
  RecorderClock back = RecorderClock::FromKnots(h.recorder_clock(), 1);
  EXPECT_DOUBLE_EQ(back.DelayAt(2000), 300);
  RecorderClock us = RecorderClock::FromKnots(h.recorder_clock(), 1000);  // times in µs
  EXPECT_DOUBLE_EQ(us.DelayAt(2e6), 300);

  google::protobuf::RepeatedField<int64_t> bad;
  for (int64_t k : {0, 0, 100, 500, 50, 0, 200, 90}) bad.Add(k);
  RecorderClock b = RecorderClock::FromKnots(bad, 1);
  EXPECT_DOUBLE_EQ(b.DelayAt(100), 100);  // 500 clamped to the 100 ns elapsed
  EXPECT_DOUBLE_EQ(b.DelayAt(200), 100);  // (50, 0) dropped; 90 raised to 100
  for (double t = 0; t < 300; t += 7) EXPECT_LE(b.Strip(t), b.Strip(t + 7));
}

}  // namespace
}  // namespace gogcsim::traces
