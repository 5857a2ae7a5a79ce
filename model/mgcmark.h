// Port of Go 1.10.2 src/runtime/mgcmark.go: root marking (markroot over
// fixed, data, span and stack roots), gcDrain and gcDrainN, scanobject with
// its scan-work rules and 128 KiB oblets, greyobject, gcmarknewobject
// (allocate black), gcMarkTinyAllocs, the write barrier's shade, mutator
// assists (gcAssistAlloc with background-credit stealing and the assist
// queue) and gcFlushBgCredit.
#ifndef GOGCSIM_MODEL_MGCMARK_H_
#define GOGCSIM_MODEL_MGCMARK_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "model/malloc.h"
#include "model/mbitmap.h"
#include "model/mgcpacer.h"
#include "model/mgcwork.h"
#include "model/proc.h"

namespace gogcsim::model {

inline constexpr int64_t kGcCreditSlack = 2000;       // scan work a P buffers before flushing
inline constexpr int64_t kGcAssistTimeSlack = 5000;   // ns of assist time a P buffers
inline constexpr int64_t kGcOverAssistWork = 64 << 10; // minimum assist, scan-work units
inline constexpr int64_t kDrainCheckThreshold = 100000;
inline constexpr uint64_t kRootBlockBytes = 256 << 10;
inline constexpr uint32_t kFixedRootCount = 2;        // finalizers, free G stacks
inline constexpr uint64_t kSweepBlockEntries = 512;   // gcSweepBlockEntries

enum DrainFlags : int {
  kDrainUntilPreempt = 1,
  kDrainFlushBgCredit = 2,
  kDrainIdle = 4,
  kDrainFractional = 8,
  kDrainNoBlock = 16,
};

// One gcDrain call spread over several scheduler steps.
struct DrainState {
  int flags = 0;
  int64_t initScanWork = 0;
  int64_t checkWork = 0;
  bool rootsDone = false;
};

class Marker {
 public:
  Marker(Malloc* malloc, ObjectGraph* graph, Sched* sched, GcController* controller, uint64_t seed);

  // Globals (data/bss) as root slots plus their size in bytes.
  std::vector<uint64_t> globals;
  uint64_t globals_bytes = 0;

  // gcMarkRootPrepare (once markrootDone: no stacks, globals or spans again;
  // flushing the mcaches is gcMarkTermination's own job here).
  void MarkRootPrepare();
  // gcMarkWorkAvailable(p) (p may be null).
  bool MarkWorkAvailable(const P* p) const;
  // gcDrain: starts a drain; DrainStep continues it for one scheduler step
  // and returns true once gcDrain would have returned.
  void DrainStart(P* p, int flags, DrainState* st);
  bool DrainStep(P* p, G* g, DrainState* st);
  // Drains everything without preemption (mark termination's gcDrain).
  void DrainAll(P* p);
  // gcDrainN: at most scanWork units, or until preempted; the work done.
  int64_t DrainN(P* p, G* g, int64_t scanWork);
  // greyobject for any address inside a heap block (ignores non-heap ones).
  void GreyObject(uint64_t addr, GcWork* gcw);
  // gcmarknewobject: allocate black.
  void MarkNewObject(P* p, MSpan* s, uint64_t obj, uint64_t size, uint64_t scanSize);
  // gcMarkTinyAllocs: grey every P's current tiny block.
  void MarkTinyAllocs();
  // Flushes a P's gcWork counters into work.bytesMarked / scanWork.
  void Dispose(P* p);

  // gcAssistAlloc from its retry label, for g on p (debt already charged).
  // kDoneMarkDone: the caller runs gcMarkDone, then AssistAfterMarkDone.
  enum class Assist { kDone, kDoneMarkDone, kGosched, kPark };
  Assist AssistAlloc(P* p, G* g);
  // The rest of gcAssistAlloc after its gcMarkDone: a G still in debt
  // yields if preempted, else parks for background credit (or retries).
  Assist AssistAfterMarkDone(P* p, G* g);
  // gcWakeAllAssists.
  void WakeAllAssists();
  // gcFlushBgCredit.
  void FlushBgCredit(int64_t scanWork);

  // The parts of `work` marking uses.
  uint64_t bytesMarked = 0;
  uint32_t nproc = 0, nwait = 0;
  uint32_t markrootNext = 0, markrootJobs = 0;
  uint32_t nDataRoots = 0, nSpanRoots = 0, nStackRoots = 0;
  bool markrootDone = false;
  bool blackenPromptly = false;
  bool blackenEnabled = false;
  std::deque<G*> assistQueue;

 private:
  // gcAssistAlloc's end once its work is done: the outcome, or nullopt
  // for `goto retry`.
  std::optional<Assist> AssistEnd(G* g);
  void MarkRoot(P* p, uint32_t job);
  void ScanObject(uint64_t b, P* p);
  // After a gcw.put flushed a full buffer in the mark phase.
  void EnlistWorker();
  // The next grey object of p's gcWork (0: none left anywhere), first
  // handing local work to the global list if that is empty (gcw.balance).
  uint64_t TryGetGrey(GcWork* gcw);

  Malloc* malloc_;
  MHeap* heap_;
  ObjectGraph* graph_;
  Sched* sched_;
  WorkbufPool* wbufs_;
  GcController* c_;
  sim::Rng rng_;
  std::vector<G*> stack_roots_;  // allgs at MarkRootPrepare
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MGCMARK_H_
