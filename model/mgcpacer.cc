// Port of the pacer in Go 1.10.2 src/runtime/mgc.go.
#include "model/mgcpacer.h"

#include "model/float64.h"
#include "sim/check.h"

namespace gogcsim::model {

GcController::GcController(MemStats* memstats, MHeap* heap, const PacerParams& params)
    : heapminimum(params.defaultHeapMinimum), memstats_(memstats), heap_(heap), params_(params) {}

void GcController::GcInit(int32_t gogc) {
  heap_->sweepdone = 1;  // no sweep on the first cycle
  memstats_->triggerRatio = 7 / 8.0;
  // heapminimum is still the default here: setGCPercent comes after.
  memstats_->heap_marked =
      GoUint64(static_cast<double>(heapminimum) / (1 + memstats_->triggerRatio));
  SetGCPercent(gogc);
}

int32_t GcController::SetGCPercent(int32_t in) {
  const int32_t out = gcpercent;
  if (in < 0) in = -1;
  gcpercent = in;
  heapminimum = params_.defaultHeapMinimum * static_cast<uint64_t>(static_cast<int64_t>(gcpercent)) / 100;
  SetTriggerRatio(memstats_->triggerRatio, false);
  return out;
}

void GcController::SetTriggerRatio(double triggerRatio, bool mark_phase) {
  // The inputs; the outputs are filled in below.
  SetTriggerDecision d{};
  d.t = Now();
  d.in_triggerRatio = triggerRatio;
  d.gcpercent = gcpercent;
  d.heap_marked = memstats_->heap_marked;
  d.heap_live = memstats_->heap_live;
  d.heapminimum = heapminimum;
  d.sweepdone = heap_->sweepdone;
  d.pagesInUse = heap_->pagesInUse;
  d.pagesSwept = heap_->pagesSwept;
  d.mark_phase = mark_phase;
  if (triggerRatio < 0) {
    triggerRatio = 0;
  } else if (gcpercent >= 0) {
    const double maxTriggerRatio = params_.maxTriggerRatioPerGOGC * static_cast<double>(gcpercent) / 100;
    if (triggerRatio > maxTriggerRatio) triggerRatio = maxTriggerRatio;
  }
  memstats_->triggerRatio = triggerRatio;

  uint64_t trigger = ~uint64_t{0};
  const uint64_t gcp = static_cast<uint64_t>(static_cast<int64_t>(gcpercent));
  if (gcpercent >= 0) {
    trigger = GoUint64(static_cast<double>(memstats_->heap_marked) * (1 + triggerRatio));
    // Don't trigger below the minimum heap size, nor before sweeping can
    // finish at a reasonable pace.
    uint64_t minTrigger = heapminimum;
    if (heap_->sweepdone == 0) {
      const uint64_t sweepMin = memstats_->heap_live + params_.sweepMinHeapDistance * gcp / 100;
      if (sweepMin > minTrigger) minTrigger = sweepMin;
    }
    if (trigger < minTrigger) trigger = minTrigger;
    if (static_cast<int64_t>(trigger) < 0) GOGCSIM_THROW("gc_trigger underflow");
  }
  memstats_->gc_trigger = trigger;

  uint64_t goal = ~uint64_t{0};
  if (gcpercent >= 0) {
    goal = memstats_->heap_marked + memstats_->heap_marked * gcp / 100;
    if (goal < trigger) goal = trigger;
  }
  memstats_->next_gc = goal;

  if (mark_phase) Revise();

  // Proportional sweep: finish sweeping by the time the heap reaches the
  // trigger, less a 1 MiB margin.
  if (heap_->sweepdone != 0) {
    heap_->sweepPagesPerByte = 0;
  } else {
    const uint64_t heapLiveBasis = memstats_->heap_live;
    int64_t heapDistance = static_cast<int64_t>(trigger) - static_cast<int64_t>(heapLiveBasis);
    heapDistance -= 1024 * 1024;
    if (heapDistance < static_cast<int64_t>(kPageSize)) heapDistance = kPageSize;
    const uint64_t pagesSwept = heap_->pagesSwept;
    const int64_t sweepDistancePages =
        static_cast<int64_t>(heap_->pagesInUse) - static_cast<int64_t>(pagesSwept);
    if (sweepDistancePages <= 0) {
      heap_->sweepPagesPerByte = 0;
    } else {
      heap_->sweepPagesPerByte = static_cast<double>(sweepDistancePages) / static_cast<double>(heapDistance);
      heap_->sweepHeapLiveBasis = heapLiveBasis;
      heap_->pagesSweptBasis = pagesSwept;
    }
  }
  if (observer_ != nullptr) {
    d.triggerRatio = memstats_->triggerRatio;
    d.gc_trigger = memstats_->gc_trigger;
    d.next_gc = memstats_->next_gc;
    d.sweepPagesPerByte = heap_->sweepPagesPerByte;
    d.sweepHeapLiveBasis = heap_->sweepHeapLiveBasis;
    d.pagesSweptBasis = heap_->pagesSweptBasis;
    observer_->OnSetTrigger(d);
  }
}

void GcController::StartCycle(int gomaxprocs) {
  StartCycleDecision d{};  // the inputs here, the outputs below
  d.t = Now();
  d.gc_trigger = memstats_->gc_trigger;
  d.heapminimum = heapminimum;
  d.in_heap_marked = memstats_->heap_marked;
  d.triggerRatio = memstats_->triggerRatio;
  d.heap_live = memstats_->heap_live;
  d.gcpercent = gcpercent;
  d.gomaxprocs = gomaxprocs;
  scanWork = 0;
  bgScanCredit = 0;
  assistTime = 0;
  dedicatedMarkTime = 0;
  fractionalMarkTime = 0;
  idleMarkTime = 0;

  // If this is the first GC cycle or we're operating on a very small heap,
  // fake heap_marked so it looks like gc_trigger is the appropriate growth.
  if (memstats_->gc_trigger <= heapminimum) {
    memstats_->heap_marked =
        GoUint64(static_cast<double>(memstats_->gc_trigger) / (1 + memstats_->triggerRatio));
  }
  memstats_->next_gc = memstats_->heap_marked +
                       memstats_->heap_marked * static_cast<uint64_t>(static_cast<int64_t>(gcpercent)) / 100;
  if (gcpercent < 0) memstats_->next_gc = ~uint64_t{0};
  // Ensure the heap goal is at least a little larger than the current live heap.
  if (memstats_->next_gc < memstats_->heap_live + 1024 * 1024) {
    memstats_->next_gc = memstats_->heap_live + 1024 * 1024;
  }

  // Dedicated workers: the utilization goal rounded to whole Ps; a
  // fractional worker makes up the difference if rounding is > 30% off.
  const double totalUtilizationGoal = static_cast<double>(gomaxprocs) * params_.gcBackgroundUtilization;
  dedicatedMarkWorkersNeeded = GoInt64(totalUtilizationGoal + 0.5);
  const double utilError = static_cast<double>(dedicatedMarkWorkersNeeded) / totalUtilizationGoal - 1;
  if (utilError < -params_.maxUtilError || utilError > params_.maxUtilError) {
    if (static_cast<double>(dedicatedMarkWorkersNeeded) > totalUtilizationGoal) {
      dedicatedMarkWorkersNeeded--;  // too many dedicated workers
    }
    fractionalUtilizationGoal = (totalUtilizationGoal - static_cast<double>(dedicatedMarkWorkersNeeded)) /
                                static_cast<double>(gomaxprocs);
  } else {
    fractionalUtilizationGoal = 0;
  }
  Revise();
  if (observer_ != nullptr) {
    d.heap_marked = memstats_->heap_marked;
    d.next_gc = memstats_->next_gc;
    d.dedicatedMarkWorkersNeeded = dedicatedMarkWorkersNeeded;
    d.fractionalUtilizationGoal = fractionalUtilizationGoal;
    observer_->OnStartCycle(d);
  }
}

ReviseDecision GcController::ReviseFor(int32_t gcpercent, uint64_t live, uint64_t next_gc, uint64_t heap_scan,
                                       int64_t scanWork, double maxOvershoot) {
  int32_t gcp = gcpercent;
  if (gcp < 0) gcp = 100000;  // effectively infinite for the soft goal
  int64_t heapGoal, scanWorkExpected;
  if (live <= next_gc) {
    // Soft goal: next_gc, with the scan work of a steady-state heap.
    heapGoal = static_cast<int64_t>(next_gc);
    scanWorkExpected = GoInt64(static_cast<double>(heap_scan) * 100 / static_cast<double>(100 + gcp));
  } else {
    // Past the goal: the hard goal, assuming the whole scannable heap is live.
    heapGoal = GoInt64(static_cast<double>(next_gc) * maxOvershoot);
    scanWorkExpected = static_cast<int64_t>(heap_scan);
  }
  int64_t scanWorkRemaining = scanWorkExpected - scanWork;
  if (scanWorkRemaining < 1000) scanWorkRemaining = 1000;
  int64_t heapRemaining = heapGoal - static_cast<int64_t>(live);
  if (heapRemaining <= 0) heapRemaining = 1;
  return {0,
          gcpercent,
          live,
          next_gc,
          heap_scan,
          scanWork,
          static_cast<double>(scanWorkRemaining) / static_cast<double>(heapRemaining),
          static_cast<double>(heapRemaining) / static_cast<double>(scanWorkRemaining)};
}

void GcController::Revise() {
  ReviseDecision d = ReviseFor(gcpercent, memstats_->heap_live, memstats_->next_gc, memstats_->heap_scan, scanWork,
                               params_.maxOvershoot);
  assistWorkPerByte = d.assistWorkPerByte;
  assistBytesPerWork = d.assistBytesPerWork;
  d.t = Now();
  if (observer_ != nullptr) observer_->OnRevise(d);
}

double GcController::EndCycle(int64_t now, int gomaxprocs, bool userForced) const {
  const double r = EndCycleRatio(now, gomaxprocs, userForced);
  if (observer_ != nullptr) {
    observer_->OnEndCycle({Now(), userForced, memstats_->triggerRatio, gcpercent, memstats_->heap_live,
                           memstats_->heap_marked, markStartTime, now, assistTime, gomaxprocs, r});
  }
  return r;
}

double GcController::EndCycleRatio(int64_t now, int gomaxprocs, bool userForced) const {
  if (userForced) return memstats_->triggerRatio;  // forced cycles don't tune the trigger
  const double goalGrowthRatio = static_cast<double>(gcpercent) / 100;
  const double actualGrowthRatio =
      static_cast<double>(memstats_->heap_live) / static_cast<double>(memstats_->heap_marked) - 1;
  const int64_t assistDuration = now - markStartTime;
  // Background utilization plus the assists' share of the mark phase.
  double utilization = params_.gcBackgroundUtilization;
  if (assistDuration > 0) {
    utilization += static_cast<double>(assistTime) /
                   static_cast<double>(assistDuration * static_cast<int64_t>(gomaxprocs));
  }
  const double triggerError = goalGrowthRatio - memstats_->triggerRatio -
                              utilization / params_.gcGoalUtilization *
                                  (actualGrowthRatio - memstats_->triggerRatio);
  return memstats_->triggerRatio + params_.triggerGain * triggerError;
}

}  // namespace gogcsim::model
