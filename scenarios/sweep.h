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
#include "traces/sweep_table.h"

namespace gogcsim::scenarios {

// The table's format and the grid's numbering live in traces/sweep_table.h.
using traces::GridPoint;
using traces::ParseSweepJson;
using traces::PointAt;
using traces::ReadSweep;
using traces::Shard;
using traces::SweepCsv;
using traces::SweepGrid;
using traces::SweepJson;
using traces::SweepRow;
using traces::SweepTable;
using traces::ValidateGrid;
using traces::WriteSweep;

// "25,50,100" -> {25, 50, 100}; `what` names the flag in errors.
absl::StatusOr<std::vector<int32_t>> ParseIntList(const std::string& text, const std::string& what);
// --seeds=N from --seed=base: base, base+1, ..., base+N-1.
std::vector<uint64_t> SeedRange(uint64_t base, uint64_t n);

// Shards are numbered as JOB_COMPLETION_INDEX and a Slurm array declared
// --array=0-(N-1) number them; round-robin (k % N == i), so every shard gets
// a share of each GOGC value (low GOGC runs cost more: more cycles).
// "i/N" with 0 <= i < N.
absl::StatusOr<Shard> ParseShard(const std::string& text);
// The grid indices shard runs, ascending.
std::vector<size_t> ShardIndices(size_t grid_size, Shard shard);

SweepRow MakeRow(const GridPoint& point, const RunResult& r);

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
