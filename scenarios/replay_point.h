// What a replayed M must produce to pass one of a format v2 recording's
// records (traces/recording_v2.md): the tag and fields the ported runtime
// computed, from a sync point (model/mheap.h), a pacer decision
// (model/mgcpacer.h) or an allocator event. A replay compares them with
// the record field by field; floats by their bit patterns.
#ifndef GOGCSIM_SCENARIOS_REPLAY_POINT_H_
#define GOGCSIM_SCENARIOS_REPLAY_POINT_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "model/mgcpacer.h"
#include "model/mheap.h"
#include "sim/ring_queue.h"
#include "traces/recording_v2.h"

namespace gogcsim::scenarios {

struct ReplayPoint {
  int tag = 0;  // v2 tag
  int n = 0;    // fields in v
  // Bit k: v[k] is an input the recording gives (a time, which trigger
  // or caller, a random draw), not compared: the replay does not copy it
  // from the record to match.
  uint32_t inputs = 0;
  int64_t v[16] = {};
};

// A point with tag `name` (a v2 tag name) and the given fields.
ReplayPoint MakePoint(const char* name, std::initializer_list<int64_t> v);
// The same by tag number (no lookup of the name: for the hot paths).
ReplayPoint MakePoint(int tag, std::initializer_list<int64_t> v);
// The v2 tag a sync point is recorded as.
int TagOf(model::SyncKind kind);
// The record a sync point stands for: the values before the operation
// become those the recorder writes after it (HL, HS: the sum; SP: the
// pages swept after the add).
ReplayPoint PointOf(const model::SyncPoint& sp);
// The pacer's calls as the recorder writes them: v1's inputs, then outputs.
ReplayPoint PointOf(const model::SetTriggerDecision& d);
ReplayPoint PointOf(const model::StartCycleDecision& d);
ReplayPoint PointOf(const model::ReviseDecision& d);
ReplayPoint PointOf(const model::EndCycleDecision& d);

// Same tag, same number of fields, same values but for the point's inputs.
bool Matches(const ReplayPoint& p, const traces::V2Record& rec);

// A word of a sweep's freed-object bitmap (an FB kept whole by the reader:
// the address of its first slot, the element size, the bits) stands for an
// F record per set bit, lowest first. MatchFrees matches them against the
// points at the front of `produced`: each one that is the next F is popped
// and its bit cleared from fb (whose index moves to the next F's). Returns
// how many matched; it stops when the word is done, `produced` runs out,
// or at a point that is not the next F (*mismatch).
int MatchFrees(traces::V2Record& fb, sim::RingQueue<ReplayPoint>& produced, bool* mismatch);
// The F record fb stands for next (its word nonzero).
traces::V2Record NextFree(const traces::V2Record& fb);

std::string Text(const ReplayPoint& p);         // "HL 8192 16384"; an input shows as "*"
std::string Text(const traces::V2Record& rec);  // "HL P1 g7 8192 16384"

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_REPLAY_POINT_H_
