// The table a GOGC sweep writes (sweep.json, sweep.csv): the grid of GOGC x
// GOMAXPROCS x seed values, the shard it covers, and one row of figures per
// run. scenarios/sweep runs sweeps and merges shard tables; the HTML report
// reads tables; both go through this one format.
#ifndef GOGCSIM_TRACES_SWEEP_TABLE_H_
#define GOGCSIM_TRACES_SWEEP_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gogcsim::traces {

// The grid. Its points are numbered 0..size()-1 in this order: GOGC outer,
// then GOMAXPROCS, then seed innermost.
struct SweepGrid {
  std::vector<int32_t> gogc;
  std::vector<int> gomaxprocs;
  std::vector<uint64_t> seeds;
  size_t size() const { return gogc.size() * gomaxprocs.size() * seeds.size(); }
  bool operator==(const SweepGrid&) const = default;
};

struct GridPoint {
  size_t index = 0;
  int32_t gogc = 0;
  int gomaxprocs = 0;
  uint64_t seed = 0;
};

// Point `index` (< grid.size()) of the grid.
GridPoint PointAt(const SweepGrid& grid, size_t index);

// Lists empty, duplicated values, GOGC below -1 (off), GOMAXPROCS outside
// 1..256.
absl::Status ValidateGrid(const SweepGrid& grid);

// Shard `index` of `count`, 0-based. Shard i holds the grid indices k with
// k % count == i.
struct Shard {
  int index = 0;
  int count = 1;
  bool operator==(const Shard&) const = default;
};

// One run's figures. Definitions (README "GOGC sweeps"); GC CPU of a cycle =
// sweepTermCpu + assistTime + dedicatedMarkTime + fractionalMarkTime +
// markTermCpu (ns), Go's GCCPUFraction numerator (idle-worker time excluded).
struct SweepRow {
  uint64_t index = 0;  // position in the full grid
  int32_t gogc = 0;
  int gomaxprocs = 0;
  uint64_t seed = 0;
  uint64_t cycles = 0;
  uint64_t peak_heap_live = 0, peak_heap_inuse = 0;  // bytes
  double mean_heap_goal = 0;                          // bytes, mean over cycles
  uint64_t max_heap_goal = 0;                         // bytes
  double gc_cpu_fraction = 0;   // GC CPU of all cycles / (virtual_ns * gomaxprocs)
  double assist_fraction = 0;   // assistTime of all cycles / GC CPU of all cycles
  double mean_mark_ns = 0;      // mean of tMarkTerm - tMark (concurrent mark, clock)
  int64_t max_mark_ns = 0;
  int64_t pause_total_ns = 0, pause_max_ns = 0;  // stop-the-world pauses per cycle
  double final_trigger_ratio = 0;  // the last cycle's triggerRatio (0: no cycle)
  uint64_t allocations = 0, bytes_allocated = 0;
  int64_t virtual_ns = 0;
  double alloc_bytes_per_s = 0;  // bytes_allocated * 1e9 / virtual_ns
  bool operator==(const SweepRow&) const = default;
};

struct SweepTable {
  std::string scenario;
  uint64_t records = 0;  // records each mutator goroutine allocates
  SweepGrid grid;
  Shard shard;                 // {0, 1}: the whole grid
  std::vector<SweepRow> runs;  // ascending index
};

// The row's fields in column order (sweep.csv's, and each sweep.json run's
// keys): name and printed value.
std::vector<std::pair<const char*, std::string>> SweepFields(const SweepRow& r);

// The table as sweep.json / sweep.csv text. Floats are printed as shortest
// round-trip decimals (std::to_chars), so a parsed and re-printed table has
// the same bytes.
std::string SweepJson(const SweepTable& t);
std::string SweepCsv(const SweepTable& t);
// sweep.json text back into a table; `source` names the file in errors,
// which give the JSON path of what was wrong. Each row must be the grid
// point its index names, in the table's shard, in ascending order.
absl::StatusOr<SweepTable> ParseSweepJson(const std::string& text, const std::string& source);

// Writes dir/sweep.json and dir/sweep.csv (creating dir), each through a
// temporary file and a rename.
absl::Status WriteSweep(const SweepTable& t, const std::string& dir);
// Reads a sweep.json, given as the file or the directory holding it.
absl::StatusOr<SweepTable> ReadSweep(const std::string& path);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_SWEEP_TABLE_H_
