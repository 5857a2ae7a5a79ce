#include "scenarios/replay_gc.h"

#include <memory>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "model/mbitmap.h"
#include "model/mgcwork.h"
#include "model/proc.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"

namespace gogcsim::scenarios {
namespace {

traces::V2Record Rec(const char* name, std::initializer_list<int64_t> v) {
  traces::V2Record r;
  r.global = true;
  r.tag = static_cast<uint8_t>(traces::V2TagOf(name));
  for (int64_t x : v) r.v[r.n++] = x;
  return r;
}

// The collector of a replay with GOMAXPROCS 2, over an empty heap.
class ReplayCollectorTest : public testing::Test {
 protected:
  ReplayCollectorTest()
      : malloc_(&os_, &q_.clock(), 1),
        wbufs_(&malloc_.heap(), &malloc_.memstats().gc_sys),
        sched_(&q_, 2, model::CostModel(), 1, &malloc_, &wbufs_),
        sweeper_(&malloc_, &graph_, &sched_),
        controller_(&malloc_.memstats(), &malloc_.heap()),
        collector_(
            &malloc_, &controller_, &sweeper_, &threads_, [this](int p) { return caches_[p].get(); }, 2) {
    EXPECT_TRUE(malloc_.Init().ok());
    malloc_.heap().set_sync(&threads_);
    for (auto& c : caches_) c = malloc_.NewMCache();
    // gcinit, outside the replay's calls (its PT is not what is tested).
    controller_.set_observer(nullptr);
    controller_.GcInit(100);
    controller_.set_observer(&collector_);
  }

  sim::AddressSpace os_;
  sim::EventQueue q_;
  model::Malloc malloc_;
  model::WorkbufPool wbufs_;
  model::Sched sched_;
  model::ObjectGraph graph_;
  model::Sweeper sweeper_;
  model::GcController controller_;
  ReplayThreads threads_;
  std::unique_ptr<model::MCache> caches_[2];
  ReplayCollector collector_;
};

TEST_F(ReplayCollectorTest, ScanWorkCreditAssistTimeAndMarkStartAreInputs) {
  std::function<void()> body;
  // traces/recording_v2.md: W who n, C who n, AT n, MS t.
  EXPECT_EQ(collector_.Handle(Rec("W", {'D', 2016}), &body), ReplayCollector::Dispatch::kInput);
  EXPECT_EQ(collector_.Handle(Rec("W", {'X', 40}), &body), ReplayCollector::Dispatch::kInput);
  EXPECT_EQ(collector_.Handle(Rec("C", {'F', 600}), &body), ReplayCollector::Dispatch::kInput);
  EXPECT_EQ(collector_.Handle(Rec("AT", {740}), &body), ReplayCollector::Dispatch::kInput);
  EXPECT_EQ(collector_.Handle(Rec("MS", {123456789}), &body), ReplayCollector::Dispatch::kInput);
  EXPECT_EQ(controller_.scanWork, 2056);
  EXPECT_EQ(controller_.bgScanCredit, 600);
  EXPECT_EQ(controller_.assistTime, 740);
  EXPECT_EQ(controller_.markStartTime, 123456789);
  EXPECT_EQ(collector_.Handle(Rec("HL", {8192, 8192}), &body), ReplayCollector::Dispatch::kNone);
}

TEST_F(ReplayCollectorTest, AHeapTriggeredCycleNeedsAnAllocationToHaveFoundTheTrigger) {
  std::function<void()> body;
  const traces::V2Record gs = Rec("GS", {1, 1, 0, 0, 5000});  // cycle 1, gcTriggerHeap
  ASSERT_EQ(collector_.Handle(gs, &body), ReplayCollector::Dispatch::kCall);
  threads_.Start(0, body);
  EXPECT_FALSE(threads_.Offer(0, gs));
  EXPECT_TRUE(absl::StrContains(collector_.refused(), "no allocation found the heap trigger")) << collector_.refused();
  EXPECT_EQ(collector_.cycles(), 0u);
  // Before gcenable (the H record), gcTrigger.test is false even with
  // heap_live at the trigger.
  malloc_.memstats().heap_live = malloc_.memstats().gc_trigger;
  collector_.TestHeapTrigger();
  ASSERT_EQ(collector_.Handle(gs, &body), ReplayCollector::Dispatch::kCall);
  threads_.Start(0, body);
  EXPECT_FALSE(threads_.Offer(0, gs));
  EXPECT_TRUE(absl::StrContains(collector_.refused(), "no allocation found the heap trigger")) << collector_.refused();
  // After it, an allocation's test finds the trigger.
  EXPECT_EQ(collector_.Handle(Rec("H", {2, 100}), &body), ReplayCollector::Dispatch::kInput);
  collector_.TestHeapTrigger();
  const traces::V2Record gs2 = Rec("GS", {1, 1, 0, static_cast<int64_t>(malloc_.memstats().gc_trigger), 5000});
  ASSERT_EQ(collector_.Handle(gs2, &body), ReplayCollector::Dispatch::kCall);
  threads_.Start(0, body);
  EXPECT_TRUE(threads_.Offer(0, gs2));
  EXPECT_EQ(collector_.cycles(), 1u);
  // startCycle's revise comes next (PR, then PS); as in gcStart, the mark
  // phase and assists begin after startCycle.
  ASSERT_NE(threads_.waiting(0), nullptr);
  EXPECT_EQ(threads_.waiting(0)->tag, traces::V2TagOf("PR"));
  EXPECT_FALSE(collector_.mark_phase());
  EXPECT_FALSE(collector_.blacken());
}

TEST_F(ReplayCollectorTest, EndCycleOutsideAMarkPhaseIsRefused) {
  std::function<void()> body;
  const traces::V2Record pe = Rec("PE", {0, 0, 100, 0, 0, 0, 1000, 0, 2, 0});
  ASSERT_EQ(collector_.Handle(pe, &body), ReplayCollector::Dispatch::kCall);
  threads_.Start(1, body);
  EXPECT_FALSE(threads_.Offer(1, pe));
  EXPECT_EQ(collector_.refused(), "endCycle outside a mark phase");
}

TEST_F(ReplayCollectorTest, AFlushOfAPBeyondGomaxprocsIsBadInput) {
  std::function<void()> body;
  collector_.Handle(Rec("FM", {2}), &body);
  EXPECT_FALSE(collector_.error().ok());
  EXPECT_TRUE(absl::StrContains(collector_.error().message(), "FM of P 2, with GOMAXPROCS 2"));
}

}  // namespace
}  // namespace gogcsim::scenarios
