// The collector's triggers other than the heap (sysmon's forced GC after
// forcegcperiod, runtime.GC), the scavenger, and idle mark workers, on small
// programs whose outcome follows from proc.go / mgc.go / mheap.go.
#include "model/mgc.h"

#include <functional>
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "model/malloc.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"

namespace gogcsim::model {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kMinute = 60 * kSecond;

// A simulated machine with the collector enabled and sysmon ticking.
struct Machine {
  explicit Machine(int procs, int32_t gogc = 100)
      : m(&os, &q.clock(), 1), wbufs(&m.heap(), &m.memstats().gc_sys) {
    EXPECT_TRUE(m.Init().ok());
    sched = std::make_unique<Sched>(&q, procs, CostModel(), 1, &m, &wbufs);
    gc = std::make_unique<Collector>(&m, sched.get(), &graph, PacerParams(), 1);
    gc->Enable(gogc);
    tick = [this] {
      sched->Retake(q.Now());
      gc->Sysmon();
      q.ScheduleAfter(kSysmonPeriod, tick);
    };
    q.ScheduleAfter(kSysmonPeriod, tick);
  }
  // Runs until g exits.
  void RunUntilDead(G* g) {
    sched->Run([g] { return g->status == GStatus::kDead; });
  }
  sim::AddressSpace os;
  sim::EventQueue q;
  Malloc m;
  WorkbufPool wbufs;
  std::unique_ptr<Sched> sched;
  ObjectGraph graph;
  std::unique_ptr<Collector> gc;
  std::function<void()> tick;
};

// A goroutine running a list of actions: allocate-and-hold, drop all,
// sleep, runtime.GC().
class Script : public GBody {
 public:
  struct Action {
    enum Kind { kAlloc, kDropAll, kSleep, kRuntimeGC } kind;
    uint64_t n = 0;     // kAlloc: objects
    uint64_t size = 0;  // kAlloc: bytes each
    int64_t ns = 0;     // kSleep
    bool pointers = false;  // kAlloc: objects all pointers (else pointer-free)
  };
  Script(Machine* mc, std::vector<Action> actions) : mc_(mc), actions_(std::move(actions)) {}

  GStep Step(Sched& sched, P* p, G* g) override {
    while (next_ < actions_.size()) {
      const Action& a = actions_[next_];
      switch (a.kind) {
        case Action::kAlloc: {
          if (done_ == a.n) {
            done_ = 0;
            next_++;
            continue;
          }
          AllocRequest r;
          r.size = a.size;
          r.noscan = !a.pointers;
          if (a.pointers) r.typsize = r.ptrdata = a.size;
          sched.Charge(1000);  // 1 us of mutator work per object
          Collector::AllocOutcome out = mc_->gc->Allocate(p, g, r);
          if (!out.done) return out.step;
          g->roots.push_back(out.r.addr);
          done_++;
          return out.step;
        }
        case Action::kDropAll:
          for (uint64_t& root : g->roots) {
            mc_->gc->WriteBarrier(g, root, 0);
            root = 0;
          }
          next_++;
          continue;
        case Action::kSleep:
          next_++;
          mc_->q.ScheduleAfter(a.ns, [&sched, g] { sched.Ready(g); });
          return GStep::kPark;
        case Action::kRuntimeGC:
          next_++;
          return mc_->gc->StartForcedCycle(p, g);
      }
    }
    return GStep::kExit;
  }

 private:
  Machine* mc_;
  std::vector<Action> actions_;
  size_t next_ = 0;
  uint64_t done_ = 0;
};

TEST(Collector, SysmonForcesAGcAfterTwoMinutesWithoutOne) {
  Machine mc(1);
  // 6 MiB held: one heap-triggered cycle (at the 4 MiB minimum), then an
  // idle program: gcTrigger{kind: gcTriggerTime} fires once now - lastgc
  // exceeds forcegcperiod (2 min), checked by sysmon every 10 ms.
  Script s(&mc, {{Script::Action::kAlloc, 6 * 1024, 1024}, {Script::Action::kSleep, 0, 0, 5 * kMinute}});
  G* g = mc.sched->NewG("main", &s, mc.sched->p(0));
  mc.RunUntilDead(g);
  const auto& h = mc.gc->history();
  ASSERT_EQ(h.size(), 3u);  // heap, then time at ~2:00 and ~4:00 after it
  EXPECT_EQ(h[0].trigger, TriggerKind::kHeap);
  for (size_t i = 1; i < h.size(); i++) {
    EXPECT_EQ(h[i].trigger, TriggerKind::kTime) << i;
    EXPECT_FALSE(h[i].forced) << i;  // not user-forced: paced as usual
    const int64_t gap = h[i].tSweepTerm - h[i - 1].tEnd;
    EXPECT_GT(gap, kForceGCPeriod) << i;
    // Seen at the first sysmon tick after the period, plus scheduling.
    EXPECT_LT(gap, kForceGCPeriod + 2 * kSysmonPeriod) << i;
  }
}

TEST(Collector, RuntimeGcStartsAForcedCycleBelowTheTrigger) {
  Machine mc(1);
  // runtime.GC returns once the cycle is done; sleep as long instead.
  Script s(&mc, {{Script::Action::kAlloc, 100, 1024},
                 {Script::Action::kRuntimeGC},
                 {Script::Action::kSleep, 0, 0, kSecond}});
  G* g = mc.sched->NewG("main", &s, mc.sched->p(0));
  mc.RunUntilDead(g);
  const auto& h = mc.gc->history();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].trigger, TriggerKind::kCycle);
  EXPECT_TRUE(h[0].forced);
  EXPECT_LT(h[0].heap0, 1u << 20);  // far below the 4 MiB trigger
}

TEST(Collector, ScavengerReleasesSpansIdleForFiveMinutes) {
  Machine mc(1);
  // 16 MiB of 32 KiB objects, dropped, then two runtime.GC()s: the first
  // finds them dead, its sweep (finished by the second's sweep termination)
  // returns their spans to the heap. Then ten idle minutes.
  Script s(&mc, {{Script::Action::kAlloc, 512, 32 << 10},
                 {Script::Action::kDropAll},
                 {Script::Action::kRuntimeGC},
                 {Script::Action::kRuntimeGC},
                 {Script::Action::kSleep, 0, 0, 10 * kMinute}});
  G* g = mc.sched->NewG("main", &s, mc.sched->p(0));
  uint64_t released_at_4min = ~uint64_t{0}, rss_before = 0;
  mc.q.ScheduleAfter(10 * kSecond, [&] { rss_before = mc.os.resident_bytes(); });
  mc.q.ScheduleAfter(4 * kMinute, [&] { released_at_4min = mc.m.memstats().heap_released; });
  mc.RunUntilDead(g);
  // Not before scavengelimit (5 min) of idleness...
  EXPECT_EQ(released_at_4min, 0u);
  // ...but by ten minutes (checks every 2.5 min) the freed 16 MiB went back.
  EXPECT_GE(mc.m.memstats().heap_released, 15u << 20);
  EXPECT_LE(mc.os.resident_bytes() + (15u << 20), rss_before);
}

TEST(Collector, IdlePsRunIdleMarkWorkers) {
  Machine mc(4);
  // One goroutine on four Ps: startCycle wants int(4*0.25+0.5) = 1
  // dedicated worker; the other idle Ps run idle-mode workers
  // (findrunnable's gcBlackenEnabled branch).
  // Pointerful objects, all kept: scanning them takes long enough that
  // background workers, not only assists, do the marking.
  Script s(&mc, {{Script::Action::kAlloc, 40 * 1024, 512, 0, true}});
  G* g = mc.sched->NewG("main", &s, mc.sched->p(0));
  mc.RunUntilDead(g);
  const auto& h = mc.gc->history();
  ASSERT_GE(h.size(), 2u);
  int64_t idle = 0, dedicated = 0;
  for (const CycleStats& c : h) {
    idle += c.idleMarkTime;
    dedicated += c.dedicatedMarkTime;
  }
  EXPECT_GT(idle, 0);
  EXPECT_GT(dedicated, 0);
}

}  // namespace
}  // namespace gogcsim::model
