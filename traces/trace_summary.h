// What `gogcsim trace info` prints: counts over a whole trace, read in one
// streaming pass.
#ifndef GOGCSIM_TRACES_TRACE_SUMMARY_H_
#define GOGCSIM_TRACES_TRACE_SUMMARY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "traces/trace.pb.h"
#include "traces/trace_format.h"

namespace gogcsim::traces {

// Bucket b of the size histogram holds ALLOC sizes s with bit_width(s) == b:
// b = 0 is size 0, b >= 1 is [2^(b-1), 2^b - 1] bytes.
inline constexpr int kSizeBuckets = 65;

struct TraceSummary {
  v1::Header header;
  v1::Footer footer;
  uint64_t events = 0;
  std::array<uint64_t, kNumEventKinds> by_kind{};
  uint64_t goroutines = 0;   // distinct g of ALLOC and GO_* events
  std::vector<int32_t> ps;   // distinct P of ALLOC and GO_* events, ascending
  uint64_t allocations = 0;
  uint64_t alloc_bytes = 0;
  std::array<uint64_t, kSizeBuckets> size_count{};
  std::array<uint64_t, kSizeBuckets> size_bytes{};
  uint64_t deaths = 0;
  uint64_t deaths_with_earliest = 0;  // DEATHs that carry an earliest bound
  // Over the timed events (ALLOC, GO_*), in header clock units; unset when
  // the trace has none or its source has no clock (clock_unit_ns == 0).
  std::optional<int64_t> first_time;
  std::optional<int64_t> last_time;
};

// Reads the whole trace. TraceReader's errors, naming the file.
absl::StatusOr<TraceSummary> SummarizeTrace(const std::string& path);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_TRACE_SUMMARY_H_
