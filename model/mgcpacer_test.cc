// The pacer's formulas against values worked out by hand from Go 1.10.2's
// src/runtime/mgc.go (gcinit, setGCPercent, gcSetTriggerRatio, startCycle);
// the whole recordings check them in tests/pacer_conformance_test.
#include "model/mgcpacer.h"

#include <cstdint>

#include "gtest/gtest.h"
#include "model/mheap.h"
#include "model/mstats.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"

namespace gogcsim::model {
namespace {

struct Pacer {
  sim::AddressSpace os;
  sim::EventQueue q;
  MemStats ms;
  MHeap heap{&os, &q.clock(), &ms, 1};
  GcController gc{&ms, &heap};
};

// gcinit: triggerRatio 7/8, heap_marked = uint64(4 MiB / 1.875) = 2236962;
// the trigger (uint64(2236962 * 1.875) = 4194303) is raised to heapminimum,
// the goal is heap_marked * 2.
TEST(GcControllerTest, GcInitAtGogc100) {
  Pacer p;
  p.gc.GcInit(100);
  EXPECT_EQ(p.gc.gcpercent, 100);
  EXPECT_EQ(p.gc.heapminimum, 4194304u);
  EXPECT_EQ(p.ms.triggerRatio, 0.875);
  EXPECT_EQ(p.ms.heap_marked, 2236962u);
  EXPECT_EQ(p.ms.gc_trigger, 4194304u);
  EXPECT_EQ(p.ms.next_gc, 4473924u);
  EXPECT_EQ(p.heap.sweepPagesPerByte, 0.0);  // sweepdone: no proportional sweep
}

// GOGC 50: heapminimum 2 MiB, the ratio capped at 0.95 * 50/100 = 0.475,
// trigger uint64(2236962 * 1.475) = 3299518, goal 2236962 * 1.5 = 3355443.
TEST(GcControllerTest, GcInitAtGogc50CapsTheTriggerRatio) {
  Pacer p;
  p.gc.GcInit(50);
  EXPECT_EQ(p.gc.heapminimum, 2097152u);
  EXPECT_EQ(p.ms.triggerRatio, 0.475);
  EXPECT_EQ(p.ms.gc_trigger, 3299518u);
  EXPECT_EQ(p.ms.next_gc, 3355443u);
}

// GOGC off: setGCPercent stores -1, trigger and goal are ^0, and heapminimum
// wraps as Go's uint64 arithmetic does: 4 MiB * uint64(-1) / 100.
TEST(GcControllerTest, GogcOff) {
  Pacer p;
  p.gc.GcInit(100);
  EXPECT_EQ(p.gc.SetGCPercent(-5), 100);
  EXPECT_EQ(p.gc.gcpercent, -1);
  EXPECT_EQ(p.gc.heapminimum, 184467440737053573u);
  EXPECT_EQ(p.ms.gc_trigger, ~uint64_t{0});
  EXPECT_EQ(p.ms.next_gc, ~uint64_t{0});
}

TEST(GcControllerTest, NegativeTriggerRatioIsZero) {
  Pacer p;
  p.gc.GcInit(100);
  p.ms.heap_marked = 8 << 20;
  p.gc.SetTriggerRatio(-0.5, false);
  EXPECT_EQ(p.ms.triggerRatio, 0.0);
  EXPECT_EQ(p.ms.gc_trigger, 8u << 20);  // heap_marked * (1 + 0)
  EXPECT_EQ(p.ms.next_gc, 16u << 20);
}

// startCycle's worker rounding: "this happens for GOMAXPROCS<=3 or
// GOMAXPROCS=6" (mgc.go): fractional workers make up the 25%.
TEST(GcControllerTest, StartCycleDedicatedAndFractionalWorkers) {
  struct Want {
    int procs;
    int64_t dedicated;
    double fractional;
  };
  for (const Want& w : {Want{1, 0, 0.25}, Want{2, 0, 0.25}, Want{3, 0, 0.25}, Want{4, 1, 0}, Want{5, 1, 0},
                        Want{6, 1, 0.5 / 6}, Want{8, 2, 0}, Want{16, 4, 0}}) {
    Pacer p;
    p.gc.GcInit(100);
    p.gc.StartCycle(w.procs);
    EXPECT_EQ(p.gc.dedicatedMarkWorkersNeeded, w.dedicated) << w.procs;
    EXPECT_EQ(p.gc.fractionalUtilizationGoal, w.fractional) << w.procs;
  }
}

// The first cycle: gc_trigger <= heapminimum, so heap_marked is faked as
// uint64(4194304 / 1.875) again and the goal is at least heap_live + 1 MiB.
TEST(GcControllerTest, StartCycleGoalAtLeastOneMiBAboveHeapLive) {
  Pacer p;
  p.gc.GcInit(100);
  p.ms.heap_live = 5 << 20;
  p.gc.StartCycle(1);
  EXPECT_EQ(p.ms.heap_marked, 2236962u);
  EXPECT_EQ(p.ms.next_gc, (5u << 20) + (1u << 20));
}

}  // namespace
}  // namespace gogcsim::model
