// GOGC parameter sweeps: one scenario run over a grid of GOGC x GOMAXPROCS x
// seed values on a thread pool, one row of figures per run, written as a
// table (sweep.json, sweep.csv). A sweep splits into shards (`i/N`) whose
// tables merge into the table a single unsharded sweep writes, byte for
// byte, so a large study can run as a Kubernetes Indexed Job or a Slurm
// array. Each run is single-threaded and deterministic and rows are kept in
// grid order, so the output does not depend on the thread count.
#ifndef GOGCSIM_SCENARIOS_SWEEP_H_
#define GOGCSIM_SCENARIOS_SWEEP_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "scenarios/simulation.h"

namespace gogcsim::scenarios {

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

// Lists empty, duplicated values, GOMAXPROCS outside 1..256.
absl::Status ValidateGrid(const SweepGrid& grid);

// "25,50,100" -> {25, 50, 100}; `what` names the flag in errors.
absl::StatusOr<std::vector<int32_t>> ParseIntList(const std::string& text, const std::string& what);
// --seeds=N from --seed=base: base, base+1, ..., base+N-1.
std::vector<uint64_t> SeedRange(uint64_t base, uint64_t n);

// Shard `index` of `count`, 0-based (as JOB_COMPLETION_INDEX and a Slurm
// array declared --array=0-(N-1) number them). Shard i runs the grid
// indices k with k % count == i: round-robin, so every shard gets a share of
// each GOGC value (low GOGC runs cost more: more cycles).
struct Shard {
  int index = 0;
  int count = 1;
  bool operator==(const Shard&) const = default;
};
// "i/N" with 0 <= i < N.
absl::StatusOr<Shard> ParseShard(const std::string& text);
// The grid indices shard runs, ascending.
std::vector<size_t> ShardIndices(size_t grid_size, Shard shard);

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

SweepRow MakeRow(const GridPoint& point, const RunResult& r);

struct SweepTable {
  std::string scenario;
  uint64_t records = 0;  // records each mutator goroutine allocates
  SweepGrid grid;
  Shard shard;                // {0, 1}: the whole grid
  std::vector<SweepRow> runs;  // ascending index
};

struct SweepOptions {
  int threads = 0;  // 0: std::thread::hardware_concurrency()
  // Called after each run with (runs done, runs in this shard), one call at
  // a time, from the pool's threads.
  std::function<void(size_t, size_t)> progress;
};

// Runs shard's part of the grid, each point being `base` with the point's
// GOGC, GOMAXPROCS and seed. A failed run fails the sweep (the first failure
// in grid order is returned).
absl::StatusOr<SweepTable> RunSweep(const RunConfig& base, const SweepGrid& grid, Shard shard,
                                    const SweepOptions& options);

// The table as sweep.json / sweep.csv text. Floats are printed as shortest
// round-trip decimals (std::to_chars), so a parsed and re-printed table has
// the same bytes.
std::string SweepJson(const SweepTable& t);
std::string SweepCsv(const SweepTable& t);
// sweep.json text back into a table; `source` names the file in errors.
absl::StatusOr<SweepTable> ParseSweepJson(const std::string& text, const std::string& source);

// Writes dir/sweep.json and dir/sweep.csv (creating dir), each through a
// temporary file and a rename.
absl::Status WriteSweep(const SweepTable& t, const std::string& dir);
// Reads a sweep.json, given as the file or the directory holding it.
absl::StatusOr<SweepTable> ReadSweep(const std::string& path);

struct SweepPart {
  std::string source;  // file name, for errors
  SweepTable table;
};
// Joins shard tables into the whole grid's table (shard {0, 1}), the same
// table an unsharded sweep gives. The parts must be of one scenario, records
// and grid and cover every grid index exactly once.
absl::StatusOr<SweepTable> Merge(const std::vector<SweepPart>& parts);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_SWEEP_H_
