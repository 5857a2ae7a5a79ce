// Consistency checks of a format v2 recording that need no simulator: what
// `gogcsim trace check` runs, and the recorder test relies on for
// GOMAXPROCS > 1 recordings (the replay checks GOMAXPROCS = 1 ones fully).
//
// - Each goroutine's allocation requests and results pair up: a Z closes
//   that goroutine's most recent open A (they nest when an allocation starts
//   a GC that allocates).
// - Program order per P: every Z of a small object (a request of at most
//   32 KiB; size 0 gives zerobase) lies in a span that the mcache of the P
//   that served the request (the A's: it is written after acquirem) held,
//   as the CS records written on that P say: still cached, or taken back by
//   a UC after the A. So each span hand-out is recorded before the
//   allocations from it, on the P that made them. The Z itself may come
//   from another P: a goroutine can block in gcStart before it returns.
// - Each large request's Z is the base of its goroutine's last L (written
//   inside mheap.alloc_m for it; another goroutine's may come between on
//   the same P while this one blocks in gcStart).
#ifndef GOGCSIM_TRACES_RECORDING_CHECK_H_
#define GOGCSIM_TRACES_RECORDING_CHECK_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace gogcsim::traces {

struct RecordingCheck {
  uint64_t records = 0;
  uint64_t allocations = 0;   // A records
  uint64_t in_cached_span = 0;  // small Zs found in their P's cached spans
  uint64_t large = 0;           // large Zs matching their goroutine's L
  uint64_t open_at_end = 0;     // As without a Z when the program exited
  uint64_t cycles = 0;
  int gomaxprocs = 0;
  std::map<int, uint64_t> allocations_by_p;
  uint64_t goroutines = 0;
  // Empty when every check held; else the first violation, naming the
  // record's sequence number and chunk offset.
  std::string violation;
};

// Reads the whole recording; errors are the reader's (a malformed file), or
// a CS record whose span class is not a small size class's (its table
// lookup would read past the size class table).
absl::StatusOr<RecordingCheck> CheckRecording(const std::string& path);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORDING_CHECK_H_
