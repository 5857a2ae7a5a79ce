// Replay v2: a format v2 recording (traces/recording_v2.md) replayed
// through the ported runtime, with the recording as the schedule.
//
// Each M (thread) of the recorded program is an M of the replay
// (scenarios/replay_threads.h): its allocation requests (A), manual span
// allocations (MA, MF) and the collector's calls run on it as calls of the
// ported runtime. A call runs until it takes a lock or reaches a sync point
// and waits there for its M's next record; so the Ms act in the order the
// recording shows, whatever their number, with no rule about how they
// race. Each global record must be the next point its M's call passes
// (replay_point.h), and each local output (Z, CS, SW, F) the next its M's
// call produced. A record nothing in the replay can produce is the
// divergence: the report names it, each M's waiting point and the heap.
//
// Inputs taken from the recording: each request (size, type, P, goroutine),
// the manual spans' page counts and which ones are freed, and gcenable's
// place. Everything compared is computed by the ported runtime.
#ifndef GOGCSIM_SCENARIOS_REPLAY_V2_H_
#define GOGCSIM_SCENARIOS_REPLAY_V2_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "traces/recording_v2.h"

namespace gogcsim::scenarios {

struct ReplayV2Count {
  uint64_t matched = 0;
  uint64_t total = 0;  // the recording's records of the tag that were compared
};

struct ReplayV2Divergence {
  uint64_t index = 0;   // the record's position in the merged order, from 0
  uint64_t offset = 0;  // byte offset of its chunk
  uint32_t m = 0;       // its M, P and goroutine
  int32_t p = -1;
  int64_t g = 0;
  std::string expected;   // the record ("" when the model made one the recording lacks)
  std::string simulated;  // what the M's call produced there instead ("" if nothing)
  std::string why;
  std::vector<std::string> waits;  // every M with a call under way: where it waits
  std::string state;               // heap_live, heap_scan, pagesSwept, sweepgen
};

struct ReplayV2Report {
  std::string path;
  int gomaxprocs = 0;
  uint64_t records = 0;  // of the recording, handled
  uint64_t allocs = 0;   // allocation requests replayed
  uint32_t cycles = 0;   // GC cycles started
  bool stopped_at_first_gc = false;
  // Records the Ms' calls made past the end of what each M recorded: made
  // after the recorder's close took its buffer, they are not in the file
  // and not compared.
  uint64_t cut = 0;
  // Per tag (sorted by name), the records the replay produced or passed.
  std::map<std::string, ReplayV2Count> counts;
  std::optional<ReplayV2Divergence> divergence;
  bool ok() const { return !divergence.has_value(); }
};

struct ReplayV2Options {
  bool stop_at_first_gc = false;
  uint64_t seed = 1;
};

// The reader with which the replay reads the file in full: AZ records
// and words of freed-object bits whole (traces/recording_v2.h).
absl::StatusOr<std::unique_ptr<traces::RecordingV2Reader>> OpenReplayV2Reader(const std::string& path);

// InvalidArgument/DataLoss for a file that is not a valid v2 recording
// (naming it and the offset), ResourceExhausted for a simulated OOM.
absl::StatusOr<ReplayV2Report> ReplayV2(const std::string& path, const ReplayV2Options& opts);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_REPLAY_V2_H_
