// The collector's phases in replay v2 (scenarios/replay_v2.h): what the
// ported runtime does at each of the collector's records of a format v2
// recording, as calls of the M that made the record.
//
//   GS  gcStart from work.cycles++: the cycle's number, startCycle (PS) and
//       its revise (PR); assists and workers may run from here (blacken).
//       A heap-triggered cycle needs an allocation to have found the
//       trigger first.
//   PE  gcMarkDone's endCycle, at the recorded clock: the next trigger ratio.
//   MT  gcMarkTermination begins with that ratio.
//   FM  flushmcache(p): P p's spans go back to their mcentrals (UC, HL).
//   HM  the end of gcMark: work.bytesMarked and the heap statistics.
//   PT  gcSweep (sweepgen += 2), then gcSetTriggerRatio.
//
// Inputs, from the recording: scan work (W), background credit (C) and
// assist time (AT), which the replay does not compute since it does not
// mark; the mark start time (MS) and endCycle's clock; the objects with
// finalizers (SF, SX); and which objects each cycle left unmarked: the F
// records its sweeps wrote, read ahead by a second reader, since the replay
// has no pointers to mark through, and the free slots it marked (MO: a
// stale pointer greyed them).
//
// work.bytesMarked counts each marked object once, plus each object with a
// finalizer once more: markrootSpans scans it without marking it. One set
// during the mark is scanned by addfinalizer; if markrootSpans reached its
// span after that, Go counts it a third time, which the recording does not
// show (its shards' order is not recorded). An object two markers greyed
// at once, or a new one whose slot a stale pointer marked while it was
// free, counts twice (DM).
#ifndef GOGCSIM_SCENARIOS_REPLAY_GC_H_
#define GOGCSIM_SCENARIOS_REPLAY_GC_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "model/malloc.h"
#include "model/mgcpacer.h"
#include "model/mgcsweep.h"
#include "scenarios/replay_point.h"
#include "scenarios/replay_threads.h"
#include "traces/recording_v2.h"
#include "traces/recording_v2_prefetch.h"

namespace gogcsim::scenarios {

// The cycle's marking, as a recording shows it: marks every allocated
// object of the in-use spans but those in `freed` (the cycle's sweeps
// freed them), and the free slots in `marked_free`; returns the bytes
// marked. Mark bits are all clear before: each span got fresh ones at its
// sweep or allocation, and nothing else marks in a replay.
uint64_t MarkFromRecording(const model::MHeap& h, const std::vector<uint64_t>& freed,
                           const std::vector<uint64_t>& marked_free);

// Also the pacer's observer: each of its calls is a point of the order.
class ReplayCollector final : public model::PacerObserver {
 public:
  // caches(p): P p's mcache.
  ReplayCollector(model::Malloc* malloc, model::GcController* controller, model::Sweeper* sweeper,
                  ReplayThreads* threads, std::function<model::MCache*(int)> caches, int gomaxprocs);

  // The second reader of the recording, for the F records: opened and
  // filtered. The replay reads it on `scout`'s lane `lane` (SetScout).
  static absl::StatusOr<std::unique_ptr<traces::RecordingV2Reader>> OpenScout(const std::string& path);
  void SetScout(traces::RecordingV2Prefetch* scout, size_t lane) {
    scout_ = scout;
    scout_lane_ = lane;
  }

  // What the collector makes of a global record that no call under way
  // took: kInput (applied: H, W, C, AT, MS, CQ), kCall (*body is the M's call
  // that makes it), or kNone.
  enum class Dispatch { kNone, kInput, kCall };
  Dispatch Handle(const traces::V2Record& rec, std::function<void()>* body);

  void OnSetTrigger(const model::SetTriggerDecision& d) override { threads_->PassPoint(PointOf(d)); }
  void OnStartCycle(const model::StartCycleDecision& d) override { threads_->PassPoint(PointOf(d)); }
  void OnRevise(const model::ReviseDecision& d) override { threads_->PassPoint(PointOf(d)); }
  void OnEndCycle(const model::EndCycleDecision& d) override { threads_->PassPoint(PointOf(d)); }

  // mallocgc's shouldhelpgc: gcTrigger{kind: gcTriggerHeap}.test().
  void TestHeapTrigger();
  bool blacken() const { return blacken_; }
  bool mark_phase() const { return phase_ != Phase::kOff; }
  uint32_t cycles() const { return cycles_; }
  // A read error of the second reader, or why a record could not be made.
  const absl::Status& error() const { return error_; }
  // What the last call found wrong before reaching its record ("" if
  // nothing): a divergence.
  const std::string& refused() const { return refused_; }

 private:
  enum class Phase { kOff, kMark, kMarkTermination };
  void GcStart(const traces::V2Record& gs);
  void EndCycle(const traces::V2Record& pe);
  void MarkTermination();
  void HeapMarked();
  void SetTrigger();
  // Reads the F records of cycle `cycle` (from 0) into freed_.
  absl::Status ReadFreed(size_t cycle);

  model::Malloc* malloc_;
  model::GcController* controller_;
  model::Sweeper* sweeper_;
  ReplayThreads* threads_;
  std::function<model::MCache*(int)> caches_;
  int gomaxprocs_;
  traces::RecordingV2Prefetch* scout_ = nullptr;  // decoded on its own thread
  size_t scout_lane_ = 0;
  size_t scout_mt_ = 0;                                // MT records the scout has passed
  std::vector<uint64_t> freed_;                        // the F addresses of the cycle being marked
  std::vector<uint64_t> phantom_;                      // its MO addresses: free slots it marked
  std::unordered_map<uint64_t, uint64_t> finalizers_;  // address set on -> object size, bytes
  uint64_t finalizer_bytes_ = 0;                       // this cycle's scans of objects with finalizers
  uint64_t marked_twice_ = 0;                          // DM: new objects in slots marked while free
  Phase phase_ = Phase::kOff;
  bool blacken_ = false;
  bool enablegc_ = false;        // gcenable has run (the H record)
  bool heap_triggered_ = false;  // an allocation found the heap trigger
  bool user_forced_ = false;
  uint32_t cycles_ = 0;
  double next_ratio_ = 0;
  absl::Status error_;
  std::string refused_;
};

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_REPLAY_GC_H_
