#include "traces/sweep_table.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "traces/atomic_file.h"
#include "traces/read_file.h"
#include "traces/strict_json.h"

namespace gogcsim::traces {

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

}  // namespace

std::vector<std::pair<const char*, std::string>> SweepFields(const SweepRow& r) {
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
    for (const auto& [name, value] : SweepFields(t.runs[i])) {
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
  for (const auto& [name, value] : SweepFields(SweepRow{})) header.push_back(name);
  std::string s = absl::StrJoin(header, ",") + "\n";
  for (const SweepRow& r : t.runs) {
    std::vector<std::string> cells;
    for (const auto& [name, value] : SweepFields(r)) cells.push_back(value);
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
  // Malformed JSON (a number beyond a double too) and duplicate keys.
  absl::StatusOr<nlohmann::ordered_json> doc = ParseStrictJson(text, source);
  if (!doc.ok()) return doc.status();
  const Json j = *doc;
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
    // No count, time or fraction of a run is negative: merge would copy it.
    for (const auto& [name, v] : {std::pair<const char*, int64_t>{"max_mark_ns", r.max_mark_ns},
                                  {"pause_total_ns", r.pause_total_ns},
                                  {"pause_max_ns", r.pause_max_ns},
                                  {"virtual_ns", r.virtual_ns}}) {
      if (v < 0) return absl::InvalidArgumentError(absl::StrFormat("%s: %s.%s: %d is negative", source, p, name, v));
    }
    for (const auto& [name, v] : {std::pair<const char*, double>{"mean_heap_goal", r.mean_heap_goal},
                                  {"gc_cpu_fraction", r.gc_cpu_fraction},
                                  {"assist_fraction", r.assist_fraction},
                                  {"mean_mark_ns", r.mean_mark_ns},
                                  {"final_trigger_ratio", r.final_trigger_ratio},
                                  {"alloc_bytes_per_s", r.alloc_bytes_per_s}}) {
      if (!(v >= 0)) return absl::InvalidArgumentError(absl::StrFormat("%s: %s.%s: %g is negative", source, p, name, v));
    }
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
  if (absl::Status s = WriteFileAtomically((std::filesystem::path(dir) / "sweep.json").string(), SweepJson(t)); !s.ok()) return s;
  return WriteFileAtomically((std::filesystem::path(dir) / "sweep.csv").string(), SweepCsv(t));
}

absl::StatusOr<SweepTable> ReadSweep(const std::string& path) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) file /= "sweep.json";
  absl::StatusOr<std::string> text = ReadFileCapped(file.string(), kMaxJsonFileBytes);
  if (!text.ok()) return text.status();
  return ParseSweepJson(*text, file.string());
}

}  // namespace gogcsim::traces
