#include "scenarios/sweep.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "scenarios/runner.h"

namespace gogcsim::scenarios {

absl::StatusOr<std::vector<int32_t>> ParseIntList(const std::string& text, const std::string& what) {
  std::vector<int32_t> out;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int32_t v = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(part), &v)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("--%s=%s: \"%s\" is not an integer (want a comma-separated list)", what, text, part));
    }
    out.push_back(v);
  }
  return out;
}

std::vector<uint64_t> SeedRange(uint64_t base, uint64_t n) {
  std::vector<uint64_t> seeds;
  for (uint64_t i = 0; i < n; i++) seeds.push_back(base + i);
  return seeds;
}

absl::StatusOr<Shard> ParseShard(const std::string& text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  Shard s;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &s.index) || !absl::SimpleAtoi(parts[1], &s.count) ||
      s.count < 1 || s.index < 0 || s.index >= s.count) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--shard=%s: want i/N with 0 <= i < N (shards are numbered from 0)", text));
  }
  return s;
}

std::vector<size_t> ShardIndices(size_t grid_size, Shard shard) {
  std::vector<size_t> out;
  for (size_t k = static_cast<size_t>(shard.index); k < grid_size; k += static_cast<size_t>(shard.count)) {
    out.push_back(k);
  }
  return out;
}

SweepRow MakeRow(const GridPoint& point, const RunResult& r) {
  SweepRow row;
  row.index = point.index;
  row.gogc = point.gogc;
  row.gomaxprocs = point.gomaxprocs;
  row.seed = point.seed;
  row.cycles = r.cycles.size();
  row.peak_heap_live = r.peak_heap_live;
  row.peak_heap_inuse = r.peak_heap_inuse;
  row.allocations = r.allocations;
  row.bytes_allocated = r.bytes_allocated;
  row.virtual_ns = r.virtual_ns;
  uint64_t goal_sum = 0;             // bytes
  int64_t gc_cpu = 0, assist = 0;    // ns
  int64_t mark_sum = 0;              // ns
  for (const model::CycleStats& c : r.cycles) {
    goal_sum += c.heapGoal;
    row.max_heap_goal = std::max(row.max_heap_goal, c.heapGoal);
    gc_cpu += c.sweepTermCpu + c.assistTime + c.dedicatedMarkTime + c.fractionalMarkTime + c.markTermCpu;
    assist += c.assistTime;
    const int64_t mark = c.tMarkTerm - c.tMark;
    mark_sum += mark;
    row.max_mark_ns = std::max(row.max_mark_ns, mark);
    row.pause_total_ns += c.pauseNS;
    row.pause_max_ns = std::max(row.pause_max_ns, c.pauseNS);
  }
  if (!r.cycles.empty()) {
    const double n = static_cast<double>(r.cycles.size());
    row.mean_heap_goal = static_cast<double>(goal_sum) / n;
    row.mean_mark_ns = static_cast<double>(mark_sum) / n;
    row.final_trigger_ratio = r.cycles.back().triggerRatio;
  }
  if (r.virtual_ns > 0) {
    row.gc_cpu_fraction =
        static_cast<double>(gc_cpu) / (static_cast<double>(r.virtual_ns) * static_cast<double>(point.gomaxprocs));
    row.alloc_bytes_per_s = static_cast<double>(r.bytes_allocated) * 1e9 / static_cast<double>(r.virtual_ns);
  }
  if (gc_cpu > 0) row.assist_fraction = static_cast<double>(assist) / static_cast<double>(gc_cpu);
  return row;
}

absl::StatusOr<SweepTable> RunSweep(const RunConfig& base, const SweepGrid& grid, Shard shard,
                                    const SweepOptions& options) {
  if (absl::Status s = ValidateGrid(grid); !s.ok()) return s;
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    return absl::InvalidArgumentError(absl::StrFormat("shard %d/%d: want 0 <= i < N", shard.index, shard.count));
  }
  const std::vector<size_t> todo = ShardIndices(grid.size(), shard);
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, std::min<int>(threads, static_cast<int>(todo.size())));

  // Slot i of these belongs to todo[i]; a worker writes only the slots it
  // claimed, so the table's order is fixed whatever the thread count.
  std::vector<SweepRow> rows(todo.size());
  std::vector<absl::Status> errors(todo.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex progress_mu;
  size_t done = 0;
  auto work = [&] {
    for (;;) {
      const size_t slot = next.fetch_add(1);
      if (slot >= todo.size() || failed.load()) return;
      const GridPoint pt = PointAt(grid, todo[slot]);
      RunConfig cfg = base;
      cfg.gogc = pt.gogc;
      cfg.gomaxprocs = pt.gomaxprocs;
      cfg.seed = pt.seed;
      absl::StatusOr<RunResult> r = RunScenario(cfg, nullptr, nullptr);
      if (!r.ok()) {
        errors[slot] = absl::Status(
            r.status().code(), absl::StrFormat("run %d (GOGC %d, GOMAXPROCS %d, seed %d): %s", pt.index, pt.gogc,
                                               pt.gomaxprocs, pt.seed, r.status().message()));
        failed.store(true);
        return;
      }
      rows[slot] = MakeRow(pt, *r);
      std::lock_guard<std::mutex> lock(progress_mu);
      done++;
      if (options.progress) options.progress(done, todo.size());
    }
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; i++) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
  for (const absl::Status& s : errors) {
    if (!s.ok()) return s;
  }

  SweepTable t;
  t.scenario = base.name;
  // The first group's records per goroutine (what --records sets for every
  // group); 0 for a trace workload.
  t.records = base.workload.groups.empty() ? 0 : base.workload.groups[0].records;
  t.grid = grid;
  t.shard = shard;
  t.runs = std::move(rows);
  return t;
}

namespace {

// "3, 5, 8" (at most 20 shown).
std::string IndexList(const std::vector<uint64_t>& v) {
  std::vector<uint64_t> head(v.begin(), v.begin() + std::min<size_t>(v.size(), 20));
  return absl::StrJoin(head, ", ") + (v.size() > 20 ? absl::StrFormat(" ... (%d in all)", v.size()) : "");
}

// "steady (records 400000, GOGC 25,50 x GOMAXPROCS 1 x seeds 1,2)"
std::string Describe(const SweepTable& t) {
  return absl::StrFormat("%s (records %d, GOGC %s x GOMAXPROCS %s x seeds %s)", t.scenario, t.records,
                         absl::StrJoin(t.grid.gogc, ","), absl::StrJoin(t.grid.gomaxprocs, ","),
                         absl::StrJoin(t.grid.seeds, ","));
}

}  // namespace

absl::StatusOr<SweepTable> Merge(const std::vector<SweepPart>& parts) {
  if (parts.empty()) return absl::InvalidArgumentError("merge: no sweep tables given");
  const SweepTable& first = parts[0].table;
  for (const SweepPart& p : parts) {
    const SweepTable& t = p.table;
    if (t.scenario != first.scenario || t.records != first.records || !(t.grid == first.grid)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("merge: %s is a sweep of %s but %s is of %s: not shards of one sweep", p.source,
                          Describe(t), parts[0].source, Describe(first)));
    }
  }
  // Who supplied each grid index.
  std::vector<const SweepRow*> rows(first.grid.size(), nullptr);
  std::vector<const std::string*> from(first.grid.size(), nullptr);
  for (const SweepPart& p : parts) {
    for (const SweepRow& r : p.table.runs) {
      if (r.index >= rows.size()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("merge: %s: run index %d outside the grid of %d runs", p.source, r.index, rows.size()));
      }
      if (rows[r.index] != nullptr) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "merge: grid index %d (GOGC %d, GOMAXPROCS %d, seed %d) is in both %s and %s (a shard given twice?)",
            r.index, r.gogc, r.gomaxprocs, r.seed, *from[r.index], p.source));
      }
      rows[r.index] = &r;
      from[r.index] = &p.source;
    }
  }
  std::vector<uint64_t> missing;
  for (size_t k = 0; k < rows.size(); k++) {
    if (rows[k] == nullptr) missing.push_back(k);
  }
  if (!missing.empty()) {
    // Name the shards that would hold them when all parts agree on N.
    std::string hint;
    const int n = first.shard.count;
    if (std::all_of(parts.begin(), parts.end(), [&](const SweepPart& p) { return p.table.shard.count == n; })) {
      std::set<uint64_t> shards;
      for (uint64_t k : missing) shards.insert(k % static_cast<uint64_t>(n));
      std::vector<std::string> names;
      for (uint64_t s : shards) names.push_back(absl::StrFormat("%d/%d", s, n));
      hint = absl::StrCat(" (shard ", absl::StrJoin(names, ", "), " not given?)");
    }
    return absl::InvalidArgumentError(absl::StrFormat("merge: %d of %d grid indices missing: %s%s", missing.size(),
                                                      rows.size(), IndexList(missing), hint));
  }
  SweepTable t;
  t.scenario = first.scenario;
  t.records = first.records;
  t.grid = first.grid;
  t.shard = Shard{0, 1};
  for (const SweepRow* r : rows) t.runs.push_back(*r);
  return t;
}

}  // namespace gogcsim::scenarios
