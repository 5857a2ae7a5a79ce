// Port of the pacer in Go 1.10.2 src/runtime/mgc.go: gcinit's initial
// trigger, setGCPercent, gcSetTriggerRatio and gcControllerState's
// startCycle, revise and endCycle. Same float64 operations in the same
// order as Go (build with -ffp-contract=off).
#ifndef GOGCSIM_MODEL_MGCPACER_H_
#define GOGCSIM_MODEL_MGCPACER_H_

#include <cstdint>
#include <functional>

#include "model/mheap.h"
#include "model/mstats.h"

namespace gogcsim::model {

// The pacer's constants, settable for tuning studies; defaults are 1.10.2's.
struct PacerParams {
  double triggerGain = 0.5;              // endCycle
  double gcGoalUtilization = 0.30;       // endCycle
  double gcBackgroundUtilization = 0.25; // startCycle, endCycle
  double maxOvershoot = 1.1;             // revise's hard goal
  double maxUtilError = 0.3;             // startCycle's dedicated-worker rounding
  double maxTriggerRatioPerGOGC = 0.95;  // gcSetTriggerRatio's cap, times GOGC/100
  uint64_t defaultHeapMinimum = 4 << 20; // bytes at GOGC=100
  uint64_t sweepMinHeapDistance = 1 << 20;
};

// One record per pacer call, inputs then outputs, the same quantities as the
// reference recordings' PT/PS/PR/PE lines (bytes, ns, scan-work units).
struct SetTriggerDecision {  // gcSetTriggerRatio
  int64_t t;  // virtual time of the call, ns
  double in_triggerRatio;
  int32_t gcpercent;
  uint64_t heap_marked, heap_live, heapminimum;
  uint32_t sweepdone;
  uint64_t pagesInUse, pagesSwept;
  bool mark_phase;
  double triggerRatio;
  uint64_t gc_trigger, next_gc;
  double sweepPagesPerByte;
  uint64_t sweepHeapLiveBasis, pagesSweptBasis;
};
struct StartCycleDecision {  // gcControllerState.startCycle
  int64_t t;  // virtual time of the call, ns
  uint64_t gc_trigger, heapminimum, in_heap_marked;
  double triggerRatio;
  uint64_t heap_live;
  int32_t gcpercent;
  int gomaxprocs;
  uint64_t heap_marked, next_gc;
  int64_t dedicatedMarkWorkersNeeded;
  double fractionalUtilizationGoal;
};
struct ReviseDecision {  // gcControllerState.revise
  int64_t t;  // virtual time of the call, ns
  int32_t gcpercent;
  uint64_t heap_live, next_gc, heap_scan;
  int64_t scanWork;
  double assistWorkPerByte, assistBytesPerWork;
};
struct EndCycleDecision {  // gcControllerState.endCycle
  int64_t t;  // virtual time of the call, ns
  bool userForced;
  double in_triggerRatio;
  int32_t gcpercent;
  uint64_t heap_live, heap_marked;
  int64_t markStartTime, now, assistTime;
  int gomaxprocs;
  double triggerRatio;
};

// Receives every decision as the call returns.
class PacerObserver {
 public:
  virtual ~PacerObserver() = default;
  virtual void OnSetTrigger(const SetTriggerDecision& d) = 0;
  virtual void OnStartCycle(const StartCycleDecision& d) = 0;
  virtual void OnRevise(const ReviseDecision& d) = 0;
  virtual void OnEndCycle(const EndCycleDecision& d) = 0;
};

// gcControllerState plus the package variables the pacer owns.
class GcController {
 public:
  GcController(MemStats* memstats, MHeap* heap, const PacerParams& params = PacerParams());

  // gcinit: no sweep on the first cycle, triggerRatio 7/8, a faked
  // heap_marked so that the first trigger is heapminimum, then setGCPercent.
  void GcInit(int32_t gogc);
  // setGCPercent; returns the old value.
  int32_t SetGCPercent(int32_t in);
  // gcSetTriggerRatio. mark_phase: gcphase != _GCoff (then revise runs).
  void SetTriggerRatio(double triggerRatio, bool mark_phase);
  // startCycle: counters reset, heap goal, dedicated/fractional workers.
  void StartCycle(int gomaxprocs);
  // revise: assist ratios from the soft or hard heap goal.
  void Revise();
  // revise's arithmetic on given inputs (t is left 0).
  static ReviseDecision ReviseFor(int32_t gcpercent, uint64_t heap_live, uint64_t next_gc, uint64_t heap_scan,
                                  int64_t scanWork, double maxOvershoot);
  // endCycle: the next cycle's trigger ratio.
  double EndCycle(int64_t now, int gomaxprocs, bool userForced) const;

  const PacerParams& params() const { return params_; }
  // Decisions go to observer (null: nowhere).
  // now: the virtual clock stamped on each decision.
  void set_observer(PacerObserver* observer, std::function<int64_t()> now = nullptr) {
    observer_ = observer;
    now_ = std::move(now);
  }
  int32_t gcpercent = 100;
  uint64_t heapminimum = 0;

  // gcControllerState fields (ns and scan-work units).
  int64_t scanWork = 0;
  int64_t bgScanCredit = 0;
  int64_t assistTime = 0;
  int64_t dedicatedMarkTime = 0;
  int64_t fractionalMarkTime = 0;
  int64_t idleMarkTime = 0;
  int64_t markStartTime = 0;
  int64_t dedicatedMarkWorkersNeeded = 0;
  double assistWorkPerByte = 0;
  double assistBytesPerWork = 0;
  double fractionalUtilizationGoal = 0;

 private:
  double EndCycleRatio(int64_t now, int gomaxprocs, bool userForced) const;
  MemStats* memstats_;
  MHeap* heap_;
  PacerParams params_;
  PacerObserver* observer_ = nullptr;
  std::function<int64_t()> now_;
  int64_t Now() const { return now_ ? now_() : 0; }
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MGCPACER_H_
