// sysmon's pace and its preemption of long-running goroutines (proc.go's
// sysmon and retake), on a P with no collector.
#include "model/proc.h"

#include <functional>
#include <vector>

#include "gtest/gtest.h"
#include "model/malloc.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"

namespace gogcsim::model {
namespace {

constexpr int64_t kMs = 1'000'000;

TEST(SysmonDelay, TwentyMicrosecondsForFiftyOneRoundsThenDoublingToTenMilliseconds) {
  // proc.go: delay = 20 while idle == 0, doubled once idle > 50, capped at
  // 10*1000 us; idle counts the rounds so far.
  SysmonDelay d;
  for (int i = 0; i <= 50; i++) EXPECT_EQ(d.Next(), 20'000) << i;
  for (int64_t us : {40, 80, 160, 320, 640, 1280, 2560, 5120, 10000, 10000, 10000}) EXPECT_EQ(d.Next(), us * 1000);
}

// A goroutine that computes forever in 20 us steps and notes every time it
// starts a new time slice (its P's schedtick changed).
class Spinner : public GBody {
 public:
  GStep Step(Sched& sched, P* p, G*) override {
    if (p->schedtick != tick_) {
      tick_ = p->schedtick;
      slices.push_back(sched.Now());
    }
    sched.Charge(20'000);
    return GStep::kContinue;
  }
  std::vector<int64_t> slices;  // ns

 private:
  uint64_t tick_ = 0;
};

TEST(Retake, PreemptsAtTheSecondLookTenMillisecondsAfterTheFirstThatSawTheSlice) {
  sim::AddressSpace os;
  sim::EventQueue q;
  Malloc m(&os, &q.clock(), 1);
  ASSERT_TRUE(m.Init().ok());
  WorkbufPool wbufs(&m.heap(), &m.memstats().gc_sys);
  Sched sched(&q, 1, CostModel(), 1, &m, &wbufs);
  Spinner body;
  sched.NewG("spin", &body, sched.p(0));
  // sysmon looking every 10 ms (its steady pace).
  std::function<void()> look = [&] {
    sched.Retake(q.Now());
    q.ScheduleAfter(10 * kMs, look);
  };
  q.ScheduleAfter(10 * kMs, look);
  sched.Run([&] { return q.Now() >= 95 * kMs; });
  // The look at 10 ms sees the first slice and notes the time; the look at
  // 20 ms finds it 10 ms old and preempts; the G is rescheduled at once
  // (nothing else to run), the look at 30 ms notes that slice, and so on:
  // a new slice every 20 ms, within one 20 us step of the look.
  ASSERT_EQ(body.slices.size(), 5u);
  EXPECT_EQ(body.slices[0], CostModel().schedule_ns);
  for (size_t i = 1; i < body.slices.size(); i++) {
    const int64_t look_at = static_cast<int64_t>(20 * i) * kMs;
    EXPECT_GE(body.slices[i], look_at) << i;
    EXPECT_LE(body.slices[i], look_at + 20'000 + CostModel().schedule_ns) << i;
  }
}

TEST(SchedOnCpus, TwoBusyPsShareOneCpuInTicks) {
  sim::AddressSpace os;
  sim::EventQueue q;
  Malloc m(&os, &q.clock(), 1);
  ASSERT_TRUE(m.Init().ok());
  WorkbufPool wbufs(&m.heap(), &m.memstats().gc_sys);
  Sched sched(&q, 2, CostModel(), 1, &m, &wbufs);
  sim::Cpus cpus(&q, 1, 2);
  sched.set_cpus(&cpus);
  Spinner a, b;
  sched.NewG("a", &a, sched.p(0));
  sched.NewG("b", &b, sched.p(1));
  sched.Run([&] { return q.Now() >= 40 * kMs; });
  // One CPU: 40 ms of CPU between them, in turns of one 4 ms tick (a 3 ms
  // slice rounded up to the tick), each within a 20 us step.
  const int64_t busy0 = sched.p(0)->busy_ns, busy1 = sched.p(1)->busy_ns;
  EXPECT_LE(busy0 + busy1, 40 * kMs + 40'400);
  EXPECT_GE(busy0 + busy1, 40 * kMs - 40'400);
  EXPECT_NEAR(busy0, 20 * kMs, 60'000);
  EXPECT_NEAR(static_cast<double>(cpus.waited_ns(1)), 20 * kMs, 60'000);
}

}  // namespace
}  // namespace gogcsim::model
