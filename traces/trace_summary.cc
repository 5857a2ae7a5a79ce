#include "traces/trace_summary.h"

#include <algorithm>
#include <bit>
#include <memory>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "traces/trace_reader.h"

namespace gogcsim::traces {

absl::StatusOr<TraceSummary> SummarizeTrace(const std::string& path) {
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(path);
  if (!r.ok()) return r.status();
  TraceSummary s;
  s.header = (*r)->header();
  const bool clock = s.header.clock_unit_ns() > 0;
  absl::flat_hash_set<uint64_t> goroutines;  // only counted, never iterated
  std::set<int32_t> ps;
  const absl::Status st = (*r)->ForEach([&](const TraceEvent& ev) {
    s.events++;
    s.by_kind[static_cast<int>(ev.kind)]++;
    switch (ev.kind) {
      case EventKind::kAlloc: {
        s.allocations++;
        s.alloc_bytes += ev.size;
        const int b = std::bit_width(ev.size);
        s.size_count[b]++;
        s.size_bytes[b] += ev.size;
        [[fallthrough]];
      }
      case EventKind::kGoStart:
      case EventKind::kGoExit:
      case EventKind::kGoRun:
      case EventKind::kGoStop:
        goroutines.insert(ev.g);
        ps.insert(ev.p);
        if (clock) {
          s.first_time = s.first_time ? std::min(*s.first_time, ev.time) : ev.time;
          s.last_time = s.last_time ? std::max(*s.last_time, ev.time) : ev.time;
        }
        break;
      case EventKind::kDeath:
        s.deaths++;
        if (ev.earliest != kNoEarliest) s.deaths_with_earliest++;
        break;
      default:
        break;
    }
  });
  if (!st.ok()) return st;
  s.footer = (*r)->footer();
  s.goroutines = goroutines.size();
  s.ps.assign(ps.begin(), ps.end());
  return s;
}

}  // namespace gogcsim::traces
