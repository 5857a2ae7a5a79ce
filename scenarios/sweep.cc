#include "scenarios/sweep.h"

#include "scenarios/runner.h"
#include "traces/atomic_file.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <type_traits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace gogcsim::scenarios {

GridPoint PointAt(const SweepGrid& grid, size_t index) {
  const size_t ns = grid.seeds.size(), np = grid.gomaxprocs.size();
  GridPoint p;
  p.index = index;
  p.seed = grid.seeds[index % ns];
  p.gomaxprocs = grid.gomaxprocs[(index / ns) % np];
  p.gogc = grid.gogc[index / (ns * np)];
  return p;
}

namespace {

template <typename T>
absl::Status CheckList(const std::vector<T>& v, const char* what) {
  if (v.empty()) return absl::InvalidArgumentError(absl::StrFormat("sweep grid: no %s values", what));
  std::set<T> seen;
  for (const T& x : v) {
    if (!seen.insert(x).second) {
      return absl::InvalidArgumentError(absl::StrFormat("sweep grid: %s %d listed twice", what, x));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateGrid(const SweepGrid& grid) {
  if (absl::Status s = CheckList(grid.gogc, "gogc"); !s.ok()) return s;
  if (absl::Status s = CheckList(grid.gomaxprocs, "gomaxprocs"); !s.ok()) return s;
  if (absl::Status s = CheckList(grid.seeds, "seed"); !s.ok()) return s;
  for (int32_t g : grid.gogc) {
    if (g < -1) return absl::InvalidArgumentError(absl::StrFormat("sweep grid: gogc %d (use -1 for off)", g));
  }
  for (int p : grid.gomaxprocs) {
    if (p < 1 || p > 256) return absl::InvalidArgumentError(absl::StrFormat("sweep grid: gomaxprocs %d not in 1..256", p));
  }
  return absl::OkStatus();
}

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

// Shortest decimal that reads back as the same double.
std::string Num(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, res.ptr);
}

template <typename T>
std::string JsonList(const std::vector<T>& v) {
  return "[" + absl::StrJoin(v, ", ") + "]";
}

// The row's fields in column order: name and printed value.
std::vector<std::pair<const char*, std::string>> Fields(const SweepRow& r) {
  return {
      {"index", absl::StrCat(r.index)},
      {"gogc", absl::StrCat(r.gogc)},
      {"gomaxprocs", absl::StrCat(r.gomaxprocs)},
      {"seed", absl::StrCat(r.seed)},
      {"cycles", absl::StrCat(r.cycles)},
      {"peak_heap_live", absl::StrCat(r.peak_heap_live)},
      {"peak_heap_inuse", absl::StrCat(r.peak_heap_inuse)},
      {"mean_heap_goal", Num(r.mean_heap_goal)},
      {"max_heap_goal", absl::StrCat(r.max_heap_goal)},
      {"gc_cpu_fraction", Num(r.gc_cpu_fraction)},
      {"assist_fraction", Num(r.assist_fraction)},
      {"mean_mark_ns", Num(r.mean_mark_ns)},
      {"max_mark_ns", absl::StrCat(r.max_mark_ns)},
      {"pause_total_ns", absl::StrCat(r.pause_total_ns)},
      {"pause_max_ns", absl::StrCat(r.pause_max_ns)},
      {"final_trigger_ratio", Num(r.final_trigger_ratio)},
      {"allocations", absl::StrCat(r.allocations)},
      {"bytes_allocated", absl::StrCat(r.bytes_allocated)},
      {"virtual_ns", absl::StrCat(r.virtual_ns)},
      {"alloc_bytes_per_s", Num(r.alloc_bytes_per_s)},
  };
}

}  // namespace

std::string SweepJson(const SweepTable& t) {
  std::string s = "{\n";
  absl::StrAppend(&s, "  \"scenario\": ", nlohmann::json(t.scenario).dump(), ",\n");
  absl::StrAppend(&s, "  \"records\": ", t.records, ",\n");
  absl::StrAppend(&s, "  \"grid\": {\"gogc\": ", JsonList(t.grid.gogc), ", \"gomaxprocs\": ",
                  JsonList(t.grid.gomaxprocs), ", \"seeds\": ", JsonList(t.grid.seeds), "},\n");
  absl::StrAppend(&s, "  \"shard\": {\"index\": ", t.shard.index, ", \"count\": ", t.shard.count, "},\n");
  s += "  \"runs\": [";
  for (size_t i = 0; i < t.runs.size(); i++) {
    s += i == 0 ? "\n    {" : ",\n    {";
    bool first = true;
    for (const auto& [name, value] : Fields(t.runs[i])) {
      absl::StrAppend(&s, first ? "" : ", ", "\"", name, "\": ", value);
      first = false;
    }
    s += "}";
  }
  s += t.runs.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return s;
}

std::string SweepCsv(const SweepTable& t) {
  std::vector<std::string> header;
  for (const auto& [name, value] : Fields(SweepRow{})) header.push_back(name);
  std::string s = absl::StrJoin(header, ",") + "\n";
  for (const SweepRow& r : t.runs) {
    std::vector<std::string> cells;
    for (const auto& [name, value] : Fields(r)) cells.push_back(value);
    absl::StrAppend(&s, absl::StrJoin(cells, ","), "\n");
  }
  return s;
}

namespace {

using Json = nlohmann::json;

// Reads JSON values into typed fields; the first problem is kept with its
// JSON path and the file's name.
class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  const Json* Member(const Json& obj, const std::string& path, const char* key) {
    if (!obj.is_object()) return Fail(path, "not an object");
    auto it = obj.find(key);
    if (it == obj.end()) return Fail(path, absl::StrCat("missing \"", key, "\""));
    return &*it;
  }
  template <typename T>
  bool Int(const Json& obj, const std::string& path, const char* key, T* out) {
    const Json* v = Member(obj, path, key);
    return v != nullptr && IntValue(*v, absl::StrCat(path, ".", key), out);
  }
  template <typename T>
  bool IntValue(const Json& v, const std::string& path, T* out) {
    // JSON reads non-negative integers as unsigned, negative ones as signed.
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max())) {
        *out = static_cast<T>(v.get<uint64_t>());
        return true;
      }
    } else if (v.is_number_integer() && std::is_signed_v<T>) {
      if (v.get<int64_t>() >= static_cast<int64_t>(std::numeric_limits<T>::min())) {
        *out = static_cast<T>(v.get<int64_t>());
        return true;
      }
    } else {
      Fail(path, std::is_signed_v<T> ? "want an integer" : "want a non-negative integer");
      return false;
    }
    Fail(path, absl::StrCat(v.dump(), " out of range"));
    return false;
  }
  bool Double(const Json& obj, const std::string& path, const char* key, double* out) {
    const Json* v = Member(obj, path, key);
    if (v == nullptr) return false;
    if (!v->is_number()) {
      Fail(absl::StrCat(path, ".", key), "want a number");
      return false;
    }
    *out = v->get<double>();
    return true;
  }
  template <typename T>
  bool List(const Json& obj, const std::string& path, const char* key, std::vector<T>* out) {
    const Json* v = Member(obj, path, key);
    if (v == nullptr) return false;
    const std::string p = absl::StrCat(path, ".", key);
    if (!v->is_array()) {
      Fail(p, "want an array");
      return false;
    }
    for (size_t i = 0; i < v->size(); i++) {
      T x{};
      if (!IntValue((*v)[i], absl::StrCat(p, "[", i, "]"), &x)) return false;
      out->push_back(x);
    }
    return true;
  }
  std::nullptr_t Fail(const std::string& path, const std::string& what) {
    if (status_.ok()) status_ = absl::InvalidArgumentError(absl::StrCat(source_, ": ", path, ": ", what));
    return nullptr;
  }
  const absl::Status& status() const { return status_; }

 private:
  std::string source_;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<SweepTable> ParseSweepJson(const std::string& text, const std::string& source) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": not JSON: ", e.what()));
  }
  Reader rd(source);
  SweepTable t;
  const Json* scenario = rd.Member(j, "$", "scenario");
  const Json* grid = rd.Member(j, "$", "grid");
  const Json* shard = rd.Member(j, "$", "shard");
  const Json* runs = rd.Member(j, "$", "runs");
  if (!rd.status().ok()) return rd.status();
  if (!scenario->is_string()) rd.Fail("$.scenario", "want a string");
  if (!runs->is_array()) rd.Fail("$.runs", "want an array");
  if (!rd.status().ok()) return rd.status();
  t.scenario = scenario->get<std::string>();
  const bool head_ok = rd.Int(j, "$", "records", &t.records) && rd.List(*grid, "$.grid", "gogc", &t.grid.gogc) &&
                       rd.List(*grid, "$.grid", "gomaxprocs", &t.grid.gomaxprocs) &&
                       rd.List(*grid, "$.grid", "seeds", &t.grid.seeds) &&
                       rd.Int(*shard, "$.shard", "index", &t.shard.index) &&
                       rd.Int(*shard, "$.shard", "count", &t.shard.count);
  if (!head_ok) return rd.status();
  if (absl::Status s = ValidateGrid(t.grid); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": $.grid: ", s.message()));
  }
  if (t.shard.count < 1 || t.shard.index < 0 || t.shard.index >= t.shard.count) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: $.shard: index %d of count %d (want 0 <= index < count)", source, t.shard.index,
                        t.shard.count));
  }
  for (size_t i = 0; i < runs->size(); i++) {
    const Json& o = (*runs)[i];
    const std::string p = absl::StrCat("$.runs[", i, "]");
    SweepRow r;
    const bool ok = rd.Int(o, p, "index", &r.index) && rd.Int(o, p, "gogc", &r.gogc) &&
                    rd.Int(o, p, "gomaxprocs", &r.gomaxprocs) && rd.Int(o, p, "seed", &r.seed) &&
                    rd.Int(o, p, "cycles", &r.cycles) && rd.Int(o, p, "peak_heap_live", &r.peak_heap_live) &&
                    rd.Int(o, p, "peak_heap_inuse", &r.peak_heap_inuse) &&
                    rd.Double(o, p, "mean_heap_goal", &r.mean_heap_goal) &&
                    rd.Int(o, p, "max_heap_goal", &r.max_heap_goal) &&
                    rd.Double(o, p, "gc_cpu_fraction", &r.gc_cpu_fraction) &&
                    rd.Double(o, p, "assist_fraction", &r.assist_fraction) &&
                    rd.Double(o, p, "mean_mark_ns", &r.mean_mark_ns) && rd.Int(o, p, "max_mark_ns", &r.max_mark_ns) &&
                    rd.Int(o, p, "pause_total_ns", &r.pause_total_ns) &&
                    rd.Int(o, p, "pause_max_ns", &r.pause_max_ns) &&
                    rd.Double(o, p, "final_trigger_ratio", &r.final_trigger_ratio) &&
                    rd.Int(o, p, "allocations", &r.allocations) &&
                    rd.Int(o, p, "bytes_allocated", &r.bytes_allocated) &&
                    rd.Int(o, p, "virtual_ns", &r.virtual_ns) &&
                    rd.Double(o, p, "alloc_bytes_per_s", &r.alloc_bytes_per_s);
    if (!ok) return rd.status();
    // The row must be the grid point it claims to be, in this shard.
    if (r.index >= t.grid.size()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %s.index: %d outside the grid of %d runs", source, p, r.index, t.grid.size()));
    }
    const GridPoint pt = PointAt(t.grid, r.index);
    if (pt.gogc != r.gogc || pt.gomaxprocs != r.gomaxprocs || pt.seed != r.seed) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: %s: GOGC %d, GOMAXPROCS %d, seed %d, but grid index %d is GOGC %d, GOMAXPROCS %d, seed %d", source, p,
          r.gogc, r.gomaxprocs, r.seed, r.index, pt.gogc, pt.gomaxprocs, pt.seed));
    }
    if (r.index % t.shard.count != static_cast<uint64_t>(t.shard.index)) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: %s.index: %d does not belong to shard %d/%d", source, p,
                                                        r.index, t.shard.index, t.shard.count));
    }
    if (!t.runs.empty() && r.index <= t.runs.back().index) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %s.index: %d after %d (want ascending)", source, p, r.index, t.runs.back().index));
    }
    t.runs.push_back(r);
  }
  return t;
}

absl::Status WriteSweep(const SweepTable& t, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::UnavailableError("cannot create output directory " + dir + ": " + ec.message());
  if (absl::Status s = traces::WriteFileAtomically((std::filesystem::path(dir) / "sweep.json").string(), SweepJson(t)); !s.ok()) return s;
  return traces::WriteFileAtomically((std::filesystem::path(dir) / "sweep.csv").string(), SweepCsv(t));
}

absl::StatusOr<SweepTable> ReadSweep(const std::string& path) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) file /= "sweep.json";
  std::ifstream f(file, std::ios::binary);
  if (!f) return absl::NotFoundError("cannot open " + file.string());
  std::ostringstream text;
  text << f.rdbuf();
  if (f.bad()) return absl::DataLossError("error reading " + file.string());
  return ParseSweepJson(text.str(), file.string());
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
