#include "sim/cpus.h"

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::sim {
namespace {

constexpr int64_t kMs = 1'000'000;

// Thread t runs n steps of step_ns each, logging (thread, start), then
// sleeps.
struct Looper {
  Cpus* cpus;
  EventQueue* q;
  std::vector<std::pair<int, int64_t>>* log;
  void Loop(int t, int64_t step_ns, int n) {
    cpus->RunAt(t, q->Now(), [this, t, step_ns, n] { Step(t, step_ns, n); });
  }
  void Step(int t, int64_t step_ns, int n) {
    log->emplace_back(t, q->Now());
    if (n == 1) {
      cpus->SleepAt(t, q->Now() + step_ns);
      return;
    }
    cpus->RunAt(t, q->Now() + step_ns, [this, t, step_ns, n] { Step(t, step_ns, n - 1); });
  }
};

std::vector<int64_t> StartsOf(const std::vector<std::pair<int, int64_t>>& log, int t) {
  std::vector<int64_t> out;
  for (const auto& [who, at] : log) {
    if (who == t) out.push_back(at);
  }
  return out;
}

TEST(CpusTest, TunablesScaleWithLogOfCpus) {
  EventQueue q;
  // 6 ms, 0.75 ms, 1 ms times 1 + ilog2(min(ncpu, 8)).
  Cpus one(&q, 1, 1), two(&q, 2, 1), four(&q, 4, 1), sixteen(&q, 16, 1);
  EXPECT_EQ(one.latency_ns(), 6 * kMs);
  EXPECT_EQ(two.latency_ns(), 12 * kMs);
  EXPECT_EQ(two.min_granularity_ns(), 1'500'000);
  EXPECT_EQ(two.wakeup_granularity_ns(), 2 * kMs);
  EXPECT_EQ(four.latency_ns(), 18 * kMs);
  EXPECT_EQ(sixteen.latency_ns(), 24 * kMs);
}

TEST(CpusTest, EnoughCpusNobodyWaits) {
  EventQueue q;
  Cpus cpus(&q, 2, 2);
  std::vector<std::pair<int, int64_t>> log;
  Looper l{&cpus, &q, &log};
  l.Loop(0, kMs, 20);
  l.Loop(1, kMs, 20);
  q.Run();
  EXPECT_EQ(StartsOf(log, 0).size(), 20u);
  EXPECT_EQ(StartsOf(log, 1).back(), 19 * kMs);
  EXPECT_EQ(cpus.waited_ns(0) + cpus.waited_ns(1), 0);
}

TEST(CpusTest, TwoThreadsOnOneCpuTakeTurnsAtTicks) {
  EventQueue q;
  Cpus cpus(&q, 1, 2);
  std::vector<std::pair<int, int64_t>> log;
  Looper l{&cpus, &q, &log};
  l.Loop(0, kMs, 8);
  l.Loop(1, kMs, 8);
  q.Run();
  // Slice: latency 6 ms over two threads, 3 ms; checked at the 4 ms tick.
  // Thread 1 woke at vruntime 0, not ahead of thread 0 by 1 ms: it waits.
  EXPECT_EQ(StartsOf(log, 0),
            (std::vector<int64_t>{0, 1 * kMs, 2 * kMs, 3 * kMs, 8 * kMs, 9 * kMs, 10 * kMs, 11 * kMs}));
  EXPECT_EQ(StartsOf(log, 1),
            (std::vector<int64_t>{4 * kMs, 5 * kMs, 6 * kMs, 7 * kMs, 12 * kMs, 13 * kMs, 14 * kMs, 15 * kMs}));
  EXPECT_EQ(cpus.waited_ns(1), 8 * kMs);  // 0–4 and 8–12 ms
}

TEST(CpusTest, WokenSleeperPreemptsMidStep) {
  EventQueue q;
  Cpus cpus(&q, 1, 2);
  std::vector<std::pair<int, int64_t>> log;
  Looper l{&cpus, &q, &log};
  l.Loop(0, 3 * kMs, 6);
  // Thread 1 wakes at 10 ms, placed at 10 − 6/2 = 7 ms of vruntime: 3 ms
  // behind thread 0, more than the 1 ms wakeup granularity.
  cpus.RunAt(1, 10 * kMs, [&] {
    log.emplace_back(1, q.Now());
    cpus.SleepAt(1, q.Now() + kMs);
  });
  q.Run();
  EXPECT_EQ(StartsOf(log, 1), (std::vector<int64_t>{10 * kMs}));
  EXPECT_EQ(cpus.vruntime(1), 8 * kMs);
  // Thread 0's step of 9–12 ms lost 10–11 ms and ends at 13.
  const std::vector<int64_t> s0 = StartsOf(log, 0);
  ASSERT_GE(s0.size(), 5u);
  EXPECT_EQ(s0[3], 9 * kMs);
  EXPECT_EQ(s0[4], 13 * kMs);
  EXPECT_EQ(cpus.waited_ns(0), 1 * kMs);
}

TEST(CpusTest, RecentSleeperWithinGranularityWaits) {
  EventQueue q;
  Cpus cpus(&q, 1, 2);
  std::vector<std::pair<int, int64_t>> log;
  Looper l{&cpus, &q, &log};
  l.Loop(0, kMs, 5);
  // Thread 1 wakes at 0.5 ms: placed at vruntime 0 (min_vruntime is 0
  // then), 0.5 ms behind thread 0, not past the granularity.
  cpus.RunAt(1, 500'000, [&] {
    log.emplace_back(1, q.Now());
    cpus.SleepAt(1, q.Now() + kMs);
  });
  q.Run();
  // Thread 0 keeps the CPU until the 4 ms tick finds its 3 ms slice over.
  EXPECT_EQ(StartsOf(log, 1), (std::vector<int64_t>{4 * kMs}));
  EXPECT_EQ(StartsOf(log, 0), (std::vector<int64_t>{0, 1 * kMs, 2 * kMs, 3 * kMs, 5 * kMs}));
}

TEST(CpusTest, WokenBeforeItsSleepTookEffectStaysOnCpu) {
  EventQueue q;
  Cpus cpus(&q, 1, 2);
  std::vector<int64_t> runs;
  cpus.RunAt(0, 0, [&] {
    runs.push_back(q.Now());
    cpus.SleepAt(0, q.Now() + 2 * kMs);
    // Someone makes it runnable again at 1 ms: it runs at the step's end.
    cpus.RunAt(0, kMs, [&] {
      runs.push_back(q.Now());
      cpus.SleepAt(0, q.Now());
    });
  });
  q.Run();
  EXPECT_EQ(runs, (std::vector<int64_t>{0, 2 * kMs}));
  EXPECT_FALSE(cpus.running(0));
  EXPECT_EQ(cpus.vruntime(0), 2 * kMs);
}

}  // namespace
}  // namespace gogcsim::sim
