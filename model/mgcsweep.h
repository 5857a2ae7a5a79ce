// Port of Go 1.10.2 src/runtime/mgcsweep.go: mspan.sweep, sweepone, the
// background sweeper goroutine (bgsweep), proportional sweep
// (deductSweepCredit) and finishsweep_m. Freed objects leave the object
// graph; sweeping costs virtual time on the P that does it.
#ifndef GOGCSIM_MODEL_MGCSWEEP_H_
#define GOGCSIM_MODEL_MGCSWEEP_H_

#include <cstdint>
#include <functional>

#include "model/malloc.h"
#include "model/mbitmap.h"
#include "model/proc.h"

namespace gogcsim::model {

class Sweeper {
 public:
  Sweeper(Malloc* malloc, ObjectGraph* graph, Sched* sched);

  // mspan.sweep: frees unmarked objects; true if the span went back to the heap.
  bool SpanSweep(MSpan* s, bool preserve);
  // sweepone: sweeps one span; the pages it returned to the heap (0 if the
  // span stays in use), or ~0 when nothing is left to sweep.
  uint64_t SweepOne();
  // deductSweepCredit.
  void DeductSweepCredit(uint64_t spanBytes, uint64_t callerSweepPages);
  // deductSweepCredit's pagesTarget for a heap_live reading: the pages that
  // must have been swept since pagesSweptBasis before a span of spanBytes
  // is allocated.
  int64_t PagesTarget(uint64_t heap_live, uint64_t spanBytes, uint64_t callerSweepPages) const;
  // deductSweepCredit's read of pagesSwept (a sync point).
  uint64_t ReadPagesSwept() const {
    heap_->Sync(SyncKind::kPagesSweptRead, {}, &heap_->pagesSwept);
    return heap_->pagesSwept;
  }
  // gcSweep (mgc.go), concurrent mode: every in-use span becomes unswept
  // (sweepgen += 2) and the background sweeper wakes up.
  void GcSweep();
  // finishsweep_m: sweep what is left (called with the world stopped).
  void FinishSweep();
  // gcSweep's wake-up of the background sweeper.
  void WakeBgSweeper();
  // The background sweeper goroutine (bgsweep).
  G* bgsweep_g() const { return bgsweep_g_; }
  void StartBgSweeper();

  // The mcache whose statistics sweeping flushes when no simulated P is
  // running (faithful replay drives the sweeper from outside the
  // scheduler); null: the running P's, as usual.
  void set_local_stats(MCacheStats* c) { local_stats_ = c; }
  // Or asks `running` for them at each use (replay v2: the running call's
  // P, which changes as the calls of several Ms take turns).
  void set_local_stats(std::function<MCacheStats*()> running) { running_stats_ = std::move(running); }
  MCacheStats* local_stats() const { return local_stats_; }
  uint64_t nbgsweep = 0;      // spans swept by the background sweeper (this cycle)
  uint64_t npausesweep = 0;   // spans swept with the world stopped
  uint64_t objects_freed = 0; // totals, all cycles
  uint64_t bytes_freed = 0;

 private:
  class BgSweep : public GBody {
   public:
    explicit BgSweep(Sweeper* s) : s_(s) {}
    GStep Step(Sched& sched, P* p, G* g) override;

   private:
    Sweeper* s_;
  };
  MCacheStats* LocalStats();

  Malloc* malloc_;
  MHeap* heap_;
  ObjectGraph* graph_;
  Sched* sched_;
  MCacheStats no_p_stats_;
  MCacheStats* local_stats_ = nullptr;
  std::function<MCacheStats*()> running_stats_;
  BgSweep bgsweep_body_{this};
  G* bgsweep_g_ = nullptr;
  bool parked_ = false;
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MGCSWEEP_H_
