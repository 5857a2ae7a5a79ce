// Port of Go 1.10.2 src/runtime/mgc.go (the collector's driver): GC
// triggers (heap, 2-minute forced, runtime.GC cycles), gcStart with sweep
// termination, the background mark workers (dedicated, fractional, idle)
// and findRunnableGCWorker, gcMarkDone's mark 1 -> mark 2 -> termination,
// gcMarkTermination (heap_marked, heap_live = bytesMarked, heap_scan =
// scanWork, mcache flush), gcSweep, and the gctrace per-cycle figures; plus
// the forcegc helper and sysmon's forced-GC and scavenger checks (proc.go).
// The pacer itself is mgcpacer.h, marking mgcmark.h, sweeping mgcsweep.h.
#ifndef GOGCSIM_MODEL_MGC_H_
#define GOGCSIM_MODEL_MGC_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "model/malloc.h"
#include "model/mbitmap.h"
#include "model/mgcmark.h"
#include "model/mgcpacer.h"
#include "model/mgcsweep.h"
#include "model/mgcwork.h"
#include "model/proc.h"

namespace gogcsim::model {

inline constexpr int64_t kForceGCPeriod = 2 * 60 * int64_t{1'000'000'000};  // forcegcperiod, ns
inline constexpr int64_t kScavengeLimit = 5 * 60 * int64_t{1'000'000'000};  // scavengelimit, ns
inline constexpr int64_t kSysmonPeriod = 10'000'000;  // sysmon's steady-state delay, ns

enum class GcPhase { kOff, kMark, kMarkTermination };
enum class TriggerKind { kHeap, kTime, kCycle };

// The figures GODEBUG=gctrace=1 prints for one cycle, in full precision.
struct CycleStats {
  uint32_t numgc = 0;  // after this cycle
  TriggerKind trigger = TriggerKind::kHeap;
  bool forced = false;
  int64_t tSweepTerm = 0, tMark = 0, tMarkTerm = 0, tEnd = 0;  // ns
  uint64_t heap0 = 0, heap1 = 0, heap2 = 0, heapGoal = 0;       // bytes
  int64_t sweepTermCpu = 0, assistTime = 0, dedicatedMarkTime = 0, fractionalMarkTime = 0;
  int64_t idleMarkTime = 0, markTermCpu = 0, pauseNS = 0;       // ns
  int gomaxprocs = 0;
  double gc_cpu_fraction = 0;
  int64_t scanWork = 0;
  // The pacer's state for the next cycle (after gcSetTriggerRatio).
  double triggerRatio = 0;
  uint64_t gc_trigger = 0, next_gc = 0, heap_marked = 0;
};

class CycleObserver {
 public:
  virtual ~CycleObserver() = default;
  virtual void OnCycle(const CycleStats& c) = 0;
};

class Collector : public GcHooks, public GcScheduling {
 public:
  Collector(Malloc* malloc, Sched* sched, ObjectGraph* graph, const PacerParams& params, uint64_t seed);
  ~Collector() override;
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // gcinit (pacer, GOGC) and gcenable (background sweeper, forcegc helper,
  // sysmon's checks). Installs itself as the heap's GC hooks.
  void Enable(int32_t gogc);

  // mallocgc for g on p, with its assist. done = false: the allocation has
  // not happened; return `step` and call again with the same request when
  // g runs next. done = true: r is the object; if step is not kContinue
  // (the allocation started a GC that stops the world) return it.
  struct AllocOutcome {
    GStep step = GStep::kContinue;
    AllocResult r;
    bool done = false;
  };
  AllocOutcome Allocate(P* p, G* g, const AllocRequest& req);
  // g stores `to` into a nil pointer slot of the heap object at from_obj:
  // the write barrier, then the object graph gains the edge.
  void StorePointer(G* g, uint64_t from_obj, uint64_t to);
  // The hybrid write barrier when g overwrites a heap pointer slot holding
  // old_target with new_target: while the barrier is on, shade the old
  // target, and the new one too if g's stack has not been scanned yet.
  void WriteBarrier(G* g, uint64_t old_target, uint64_t new_target);
  // sysmon's GC duties, run at each of its rounds: wake forcegc after two
  // minutes without a GC, scavenge every half scavengelimit.
  void Sysmon();
  // runtime.GC()'s trigger (a forced, user-requested cycle) from g.
  GStep StartForcedCycle(P* p, G* g);

  // Verify after each mark that every object reachable from the roots is
  // marked (a checkmark pass; slow).
  bool check_marks = false;

  GcController& controller() { return controller_; }
  Marker& marker() { return marker_; }
  Sweeper& sweeper() { return sweeper_; }
  GcPhase phase() const { return phase_; }
  uint32_t cycles() const { return cycles_; }
  void set_cycle_observer(CycleObserver* o) { cycle_observer_ = o; }
  const std::vector<CycleStats>& history() const { return history_; }

  // GcHooks
  bool BlackenEnabled() const override { return marker_.blackenEnabled; }
  void Revise() override { controller_.Revise(); }
  void DeductSweepCredit(uint64_t spanBytes, uint64_t callerSweepPages) override;
  bool Sweep(MSpan* s, bool preserve) override { return sweeper_.SpanSweep(s, preserve); }
  uint64_t SweepOne() override { return sweeper_.SweepOne(); }
  bool MarkPhase() const override { return phase_ != GcPhase::kOff; }
  void AssistDebit(int64_t bytes, bool may_assist) override;
  void MarkNewObject(MSpan* s, uint64_t addr, uint64_t size, uint64_t scanSize) override;
  void MaybeStartGC() override { pending_heap_trigger_ = true; }

  // GcScheduling
  G* FindRunnableGCWorker(P* p) override;
  G* FindIdleGCWorker(P* p) override;

 private:
  // p's parked worker, made runnable to run in mode.
  G* RunWorker(P* p, MarkWorkerMode mode);
  class Worker;
  class ForceGC;
  // The block base holding addr in span s (tiny objects share a block).
  static uint64_t BlockBaseIn(const MSpan& s, uint64_t addr) { return s.base() + s.ObjIndex(addr) * s.elemsize; }
  // gcTrigger.test
  bool TriggerTest(TriggerKind kind, int64_t now) const;
  // gcStart: returns kStopTheWorld if a cycle is starting.
  GStep GcStart(P* p, G* g, TriggerKind kind);
  // gcMarkDone: returns kStopTheWorld when mark termination begins.
  GStep MarkDone();
  void MarkTermination(double nextTriggerRatio);
  void GcSweep();
  void CheckMarks() const;

  Malloc* malloc_;
  MHeap* heap_;
  MemStats* memstats_;
  Sched* sched_;
  ObjectGraph* graph_;
  GcController controller_;
  Marker marker_;
  Sweeper sweeper_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<ForceGC> forcegc_;
  G* forcegc_g_ = nullptr;
  GcPhase phase_ = GcPhase::kOff;
  uint32_t cycles_ = 0;  // work.cycles
  bool start_in_progress_ = false;
  bool pending_heap_trigger_ = false;
  int64_t last_gc_nanotime_ = 0;
  int64_t last_scavenge_ = 0;
  int64_t totaltime_ = 0;  // work.totaltime: GC CPU of all cycles, ns
  CycleStats cur_;
  int64_t pause_start_ = 0;  // work.pauseStart: when the current pause began, ns
  CycleObserver* cycle_observer_ = nullptr;
  std::vector<CycleStats> history_;
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MGC_H_
