#include "scenarios/scenario.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "scenarios/shipped_scenarios.h"
#include "traces/read_file.h"
#include "traces/strict_json.h"

namespace gogcsim::scenarios {
namespace {

// Objects keep their keys in file order, so the first unknown key reported
// is the first in the file.
using Json = nlohmann::ordered_json;

#define GOGCSIM_RETURN_IF_ERROR(expr)          \
  do {                                         \
    if (absl::Status st_ = (expr); !st_.ok()) { \
      return st_;                              \
    }                                          \
  } while (0)

constexpr uint64_t kMaxObjectBytes = uint64_t{1} << 30;
constexpr uint64_t kMaxLiveSet = 10'000'000;  // records per goroutine
constexpr int64_t kMaxGoroutines = 10'000;
constexpr double kMaxCount = 1e12;  // records, think time, lifetimes
constexpr double kMaxNs = 1e15;     // about 11.6 days of virtual time

// A JSON pointer token: "~" and "/" escaped (RFC 6901).
std::string Token(std::string_view key) {
  std::string t;
  for (char c : key) {
    if (c == '~') {
      t += "~0";
    } else if (c == '/') {
      t += "~1";
    } else {
      t += c;
    }
  }
  return t;
}

std::string Child(const std::string& path, std::string_view key) { return absl::StrCat(path, "/", Token(key)); }
std::string Child(const std::string& path, size_t index) { return absl::StrCat(path, "/", index); }

// The value as an error message shows it.
std::string Describe(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case Json::value_t::string: {
      std::string s = v.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return absl::StrCat("string \"", s, "\"");
    }
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return v.dump();  // a number, as written (shortest round trip)
  }
}

std::string Num(double x) { return absl::StrFormat("%g", x); }

// Reads values out of a parsed document; every error names the source, the
// JSON pointer of the value and what is wrong with it.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  absl::Status Error(const std::string& path, const std::string& msg) const {
    return absl::InvalidArgumentError(absl::StrCat(source_, ": ", path.empty() ? "/" : path, ": ", msg));
  }

  // v must be an object whose keys are all in `allowed`.
  absl::Status Object(const Json& v, const std::string& path, std::initializer_list<const char*> allowed) const {
    if (!v.is_object()) return Error(path, absl::StrCat("expected an object, got ", Describe(v)));
    for (const auto& [key, value] : v.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return Error(Child(path, key),
                     absl::StrCat("unknown key \"", key, "\" (allowed: ", absl::StrJoin(allowed, ", "), ")"));
      }
    }
    return absl::OkStatus();
  }

  // An object with exactly one of `keys`; *which is set to it.
  absl::Status OneOf(const Json& v, const std::string& path, std::initializer_list<const char*> keys,
                     std::string* which) const {
    GOGCSIM_RETURN_IF_ERROR(Object(v, path, keys));
    if (v.size() != 1) {
      return Error(path, absl::StrCat("expected exactly one of ", absl::StrJoin(keys, ", "), ", got ", v.size()));
    }
    *which = v.begin().key();
    return absl::OkStatus();
  }

  // An integer (a float with an integral value, like 1e6, counts) in [lo, hi].
  absl::Status Int(const Json& v, const std::string& path, int64_t lo, int64_t hi, int64_t* out) const {
    int64_t x;
    if (v.is_number_unsigned()) {
      const uint64_t u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(hi)) return Range(path, lo, hi, Describe(v));
      x = static_cast<int64_t>(u);
    } else if (v.is_number_integer()) {
      x = v.get<int64_t>();
    } else if (v.is_number_float()) {
      const double d = v.get<double>();
      if (d != std::floor(d)) return Error(path, absl::StrCat("expected an integer, got ", Describe(v)));
      // 2^63 is the first double past INT64_MAX.
      if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi) && d < 0x1p63)) {
        return Range(path, lo, hi, Describe(v));
      }
      x = static_cast<int64_t>(d);
    } else {
      return Error(path, absl::StrCat("expected an integer, got ", Describe(v)));
    }
    if (x < lo || x > hi) return Range(path, lo, hi, Describe(v));
    *out = x;
    return absl::OkStatus();
  }
  absl::Status Uint(const Json& v, const std::string& path, uint64_t lo, uint64_t hi, uint64_t* out) const {
    if (v.is_number_unsigned()) {
      const uint64_t u = v.get<uint64_t>();
      if (u < lo || u > hi) return Range(path, lo, hi, Describe(v));
      *out = u;
      return absl::OkStatus();
    }
    if (v.is_number_integer()) return Range(path, lo, hi, Describe(v));  // negative
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (d != std::floor(d)) return Error(path, absl::StrCat("expected an integer, got ", Describe(v)));
      // 2^64 is the first double past UINT64_MAX.
      if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi) && d < 0x1p64)) {
        return Range(path, lo, hi, Describe(v));
      }
      *out = static_cast<uint64_t>(d);
      if (*out < lo || *out > hi) return Range(path, lo, hi, Describe(v));
      return absl::OkStatus();
    }
    return Error(path, absl::StrCat("expected a non-negative integer, got ", Describe(v)));
  }

  // A number in [lo, hi], or (lo, hi] if lo_open.
  absl::Status Double(const Json& v, const std::string& path, double lo, bool lo_open, double hi,
                      double* out) const {
    if (!v.is_number()) return Error(path, absl::StrCat("expected a number, got ", Describe(v)));
    const double d = v.get<double>();
    if (!(lo_open ? d > lo : d >= lo) || !(d <= hi)) {
      return Error(path, absl::StrCat("must be in ", lo_open ? "(" : "[", Num(lo), ", ", Num(hi), "], got ",
                                      Describe(v)));
    }
    *out = d;
    return absl::OkStatus();
  }

  absl::Status String(const Json& v, const std::string& path, std::string* out) const {
    if (!v.is_string()) return Error(path, absl::StrCat("expected a string, got ", Describe(v)));
    *out = v.get<std::string>();
    return absl::OkStatus();
  }

  absl::Status Array(const Json& v, const std::string& path) const {
    if (!v.is_array()) return Error(path, absl::StrCat("expected an array, got ", Describe(v)));
    return absl::OkStatus();
  }

 private:
  template <typename T>
  absl::Status Range(const std::string& path, T lo, T hi, const std::string& got) const {
    return Error(path, absl::StrCat("must be an integer in [", lo, ", ", hi, "], got ", got));
  }
  std::string source_;
};

// Optional members: `read` runs only when obj has the key.
template <typename F>
absl::Status Opt(const Json& obj, const std::string& path, std::string_view key, F read) {
  auto it = obj.find(std::string(key));
  if (it == obj.end()) return absl::OkStatus();
  return read(*it, Child(path, key));
}

absl::Status ReadCostModel(const Reader& r, const Json& v, const std::string& path, model::CostModel* c) {
  struct IntField {
    const char* name;
    int64_t model::CostModel::*field;
    int64_t min;
  };
  struct DoubleField {
    const char* name;
    double model::CostModel::*field;
  };
  using M = model::CostModel;
  static constexpr IntField kInts[] = {
      {"malloc_ns", &M::malloc_ns, 0},         {"refill_ns", &M::refill_ns, 0},
      {"grey_ns", &M::grey_ns, 0},             {"root_job_ns", &M::root_job_ns, 0},
      {"sweep_span_ns", &M::sweep_span_ns, 0}, {"sweep_ns_per_object", &M::sweep_ns_per_object, 0},
      {"schedule_ns", &M::schedule_ns, 0},     {"stw_ns", &M::stw_ns, 0},
      {"stw_ns_per_p", &M::stw_ns_per_p, 0},   {"mark_term_ns", &M::mark_term_ns, 0},
      {"mark_term_ns_per_p", &M::mark_term_ns_per_p, 0},
      {"gc_step_ns", &M::gc_step_ns, 1},  // a GC step must advance the clock
  };
  static constexpr DoubleField kDoubles[] = {
      {"malloc_ns_per_byte", &M::malloc_ns_per_byte},
      {"scan_ns_per_byte", &M::scan_ns_per_byte},
      {"stack_scan_ns_per_byte", &M::stack_scan_ns_per_byte},
  };
  GOGCSIM_RETURN_IF_ERROR(r.Object(
      v, path,
      {"malloc_ns", "malloc_ns_per_byte", "refill_ns", "scan_ns_per_byte", "grey_ns", "root_job_ns",
       "stack_scan_ns_per_byte", "sweep_span_ns", "sweep_ns_per_object", "schedule_ns", "stw_ns", "stw_ns_per_p",
       "mark_term_ns", "mark_term_ns_per_p", "gc_step_ns"}));
  for (const IntField& f : kInts) {
    GOGCSIM_RETURN_IF_ERROR(Opt(v, path, f.name, [&](const Json& x, const std::string& p) {
      return r.Int(x, p, f.min, 1'000'000'000'000, &(c->*f.field));
    }));
  }
  for (const DoubleField& f : kDoubles) {
    GOGCSIM_RETURN_IF_ERROR(Opt(v, path, f.name, [&](const Json& x, const std::string& p) {
      return r.Double(x, p, 0, false, 1e6, &(c->*f.field));
    }));
  }
  return absl::OkStatus();
}

absl::Status ReadPacer(const Reader& r, const Json& v, const std::string& path, model::PacerParams* pp) {
  GOGCSIM_RETURN_IF_ERROR(r.Object(v, path,
                                   {"triggerGain", "gcGoalUtilization", "gcBackgroundUtilization", "maxOvershoot",
                                    "maxUtilError", "maxTriggerRatioPerGOGC", "defaultHeapMinimum",
                                    "sweepMinHeapDistance"}));
  auto dbl = [&](const char* key, double lo, bool lo_open, double hi, double* out) {
    return Opt(v, path, key, [&](const Json& x, const std::string& p) { return r.Double(x, p, lo, lo_open, hi, out); });
  };
  GOGCSIM_RETURN_IF_ERROR(dbl("triggerGain", 0, true, 1, &pp->triggerGain));
  GOGCSIM_RETURN_IF_ERROR(dbl("gcGoalUtilization", 0, true, 1, &pp->gcGoalUtilization));
  GOGCSIM_RETURN_IF_ERROR(dbl("gcBackgroundUtilization", 0, true, 1, &pp->gcBackgroundUtilization));
  GOGCSIM_RETURN_IF_ERROR(dbl("maxOvershoot", 1, false, 10, &pp->maxOvershoot));
  GOGCSIM_RETURN_IF_ERROR(dbl("maxUtilError", 0, false, 1, &pp->maxUtilError));
  GOGCSIM_RETURN_IF_ERROR(dbl("maxTriggerRatioPerGOGC", 0, true, 1, &pp->maxTriggerRatioPerGOGC));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "defaultHeapMinimum", [&](const Json& x, const std::string& p) {
    return r.Uint(x, p, 1, uint64_t{1} << 40, &pp->defaultHeapMinimum);
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "sweepMinHeapDistance", [&](const Json& x, const std::string& p) {
    return r.Uint(x, p, 0, uint64_t{1} << 40, &pp->sweepMinHeapDistance);
  }));
  return absl::OkStatus();
}

// A size distribution: N (fixed), {"fixed": N}, {"table": [[size, weight],
// ...]} or {"lognormal": {"mu", "sigma", "min", "max"}}.
absl::Status ReadSize(const Reader& r, const Json& v, const std::string& path, SizeDist* d) {
  if (v.is_number()) {
    *d = SizeDist::Fixed(0);
    return r.Uint(v, path, 1, kMaxObjectBytes, &d->fixed);
  }
  if (!v.is_object()) {
    return r.Error(path, absl::StrCat("expected a size in bytes or an object with one of fixed, table, lognormal, got ",
                                      Describe(v)));
  }
  std::string which;
  GOGCSIM_RETURN_IF_ERROR(r.OneOf(v, path, {"fixed", "table", "lognormal"}, &which));
  const std::string p = Child(path, which);
  const Json& x = v.at(which);
  *d = SizeDist{};
  if (which == "fixed") {
    d->kind = SizeDist::Kind::kFixed;
    return r.Uint(x, p, 1, kMaxObjectBytes, &d->fixed);
  }
  if (which == "table") {
    d->kind = SizeDist::Kind::kTable;
    GOGCSIM_RETURN_IF_ERROR(r.Array(x, p));
    if (x.empty()) return r.Error(p, "expected at least one [size, weight] pair");
    double total = 0;
    for (size_t i = 0; i < x.size(); i++) {
      const std::string pi = Child(p, i);
      if (!x[i].is_array() || x[i].size() != 2) {
        return r.Error(pi, absl::StrCat("expected a [size, weight] pair, got ", Describe(x[i])));
      }
      uint64_t bytes = 0;
      double weight = 0;
      GOGCSIM_RETURN_IF_ERROR(r.Uint(x[i][0], Child(pi, 0), 1, kMaxObjectBytes, &bytes));
      GOGCSIM_RETURN_IF_ERROR(r.Double(x[i][1], Child(pi, 1), 0, false, 1e12, &weight));
      d->table.emplace_back(bytes, weight);
      total += weight;
    }
    if (!(total > 0)) return r.Error(p, "the weights must not all be 0");
    return absl::OkStatus();
  }
  d->kind = SizeDist::Kind::kLogNormal;
  GOGCSIM_RETURN_IF_ERROR(r.Object(x, p, {"mu", "sigma", "min", "max"}));
  GOGCSIM_RETURN_IF_ERROR(
      Opt(x, p, "mu", [&](const Json& y, const std::string& q) { return r.Double(y, q, 0, false, 30, &d->mu); }));
  GOGCSIM_RETURN_IF_ERROR(Opt(
      x, p, "sigma", [&](const Json& y, const std::string& q) { return r.Double(y, q, 0, false, 10, &d->sigma); }));
  GOGCSIM_RETURN_IF_ERROR(Opt(
      x, p, "min", [&](const Json& y, const std::string& q) { return r.Uint(y, q, 1, kMaxObjectBytes, &d->min); }));
  GOGCSIM_RETURN_IF_ERROR(Opt(
      x, p, "max", [&](const Json& y, const std::string& q) { return r.Uint(y, q, 1, kMaxObjectBytes, &d->max); }));
  if (d->max < d->min) {
    return r.Error(Child(p, "max"), absl::StrCat("must be at least min (", d->min, "), got ", d->max));
  }
  return absl::OkStatus();
}

absl::Status ReadKind(const Reader& r, const Json& v, const std::string& path, RecordKind* k) {
  GOGCSIM_RETURN_IF_ERROR(r.Object(v, path, {"size", "ptrdata", "pointer_fraction", "child", "weight"}));
  GOGCSIM_RETURN_IF_ERROR(
      Opt(v, path, "size", [&](const Json& x, const std::string& p) { return ReadSize(r, x, p, &k->size); }));
  if (v.contains("ptrdata") && v.contains("pointer_fraction")) {
    return r.Error(Child(path, "pointer_fraction"), "give ptrdata or pointer_fraction, not both");
  }
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "ptrdata", [&](const Json& x, const std::string& p) {
    GOGCSIM_RETURN_IF_ERROR(r.Uint(x, p, 0, kMaxObjectBytes, &k->ptrdata));
    if (k->ptrdata % 8 != 0) {
      return r.Error(p, absl::StrCat("must be a multiple of 8 (whole pointer words), got ", k->ptrdata));
    }
    if (k->size.is_fixed() && k->ptrdata > k->size.fixed) {
      return r.Error(p, absl::StrCat("must be at most the size (", k->size.fixed, "), got ", k->ptrdata));
    }
    return absl::OkStatus();
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "pointer_fraction", [&](const Json& x, const std::string& p) {
    return r.Double(x, p, 0, false, 1, &k->pointer_fraction);
  }));
  GOGCSIM_RETURN_IF_ERROR(
      Opt(v, path, "child", [&](const Json& x, const std::string& p) { return ReadSize(r, x, p, &k->child); }));
  if (k->has_child() && (k->pointer_fraction >= 0 ? k->pointer_fraction == 0 : k->ptrdata == 0)) {
    return r.Error(Child(path, "child"), "a child needs a parent that holds pointers (ptrdata or pointer_fraction > 0)");
  }
  return Opt(v, path, "weight",
             [&](const Json& x, const std::string& p) { return r.Double(x, p, 0, false, 1e12, &k->weight); });
}

absl::Status ReadLifetime(const Reader& r, const Json& v, const std::string& path, Lifetime* lt) {
  std::string which;
  GOGCSIM_RETURN_IF_ERROR(r.OneOf(v, path, {"live_set", "exponential_records", "exponential_ns", "fixed_ns"}, &which));
  const std::string p = Child(path, which);
  const Json& x = v.at(which);
  if (which == "live_set") {
    lt->kind = Lifetime::Kind::kLiveSet;
    return r.Uint(x, p, 1, kMaxLiveSet, &lt->live_set);
  }
  lt->kind = which == "exponential_records" ? Lifetime::Kind::kExponentialRecords
             : which == "exponential_ns"    ? Lifetime::Kind::kExponentialNs
                                            : Lifetime::Kind::kFixedNs;
  return r.Double(x, p, 0, true, which == "exponential_records" ? kMaxCount : kMaxNs, &lt->mean);
}

absl::Status ReadPhase(const Reader& r, const Json& v, const std::string& path, Phase* ph) {
  if (!v.is_object()) return r.Error(path, absl::StrCat("expected an object, got ", Describe(v)));
  std::string kind = "steady";
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "kind", [&](const Json& x, const std::string& p) {
    GOGCSIM_RETURN_IF_ERROR(r.String(x, p, &kind));
    if (kind != "steady" && kind != "ramp" && kind != "step" && kind != "oscillation") {
      return r.Error(p, absl::StrCat("unknown phase kind \"", kind, "\" (allowed: steady, ramp, step, oscillation)"));
    }
    return absl::OkStatus();
  }));
  // Each kind has its own parameters.
  if (kind == "steady") {
    ph->kind = Phase::Kind::kSteady;
    GOGCSIM_RETURN_IF_ERROR(r.Object(v, path, {"kind", "records", "duration_ns", "rate", "live"}));
  } else if (kind == "ramp" || kind == "step") {
    ph->kind = kind == "ramp" ? Phase::Kind::kRamp : Phase::Kind::kStep;
    if (kind == "ramp") {
      GOGCSIM_RETURN_IF_ERROR(
          r.Object(v, path, {"kind", "records", "duration_ns", "rate_from", "rate_to", "live_from", "live_to"}));
    } else {
      GOGCSIM_RETURN_IF_ERROR(r.Object(
          v, path, {"kind", "records", "duration_ns", "rate_from", "rate_to", "live_from", "live_to", "at"}));
    }
  } else {
    ph->kind = Phase::Kind::kOscillation;
    GOGCSIM_RETURN_IF_ERROR(r.Object(
        v, path,
        {"kind", "records", "duration_ns", "rate", "live", "rate_amplitude", "live_amplitude", "period"}));
  }
  if (v.contains("records") && v.contains("duration_ns")) {
    return r.Error(Child(path, "duration_ns"), "give records or duration_ns, not both");
  }
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "records", [&](const Json& x, const std::string& p) {
    return r.Uint(x, p, 1, static_cast<uint64_t>(kMaxCount), &ph->records);
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "duration_ns", [&](const Json& x, const std::string& p) {
    return r.Int(x, p, 1, static_cast<int64_t>(kMaxNs), &ph->duration_ns);
  }));
  auto level = [&](const char* key, double* out) {
    return Opt(v, path, key, [&](const Json& x, const std::string& p) { return r.Double(x, p, 0, true, 1e6, out); });
  };
  auto share = [&](const char* key, bool hi_open, double* out) {
    return Opt(v, path, key, [&](const Json& x, const std::string& p) {
      GOGCSIM_RETURN_IF_ERROR(r.Double(x, p, 0, false, 1, out));
      if (hi_open && *out == 1) return r.Error(p, "must be below 1 (the level must stay above 0)");
      return absl::OkStatus();
    });
  };
  // A rate divides the think time: 1e-12 made a record take days of virtual
  // time (a run that never ends), 1e-20 overflowed the clock.
  auto rate = [&](const char* key, double* out) {
    return Opt(v, path, key,
               [&](const Json& x, const std::string& p) { return r.Double(x, p, kMinRate, false, 1e6, out); });
  };
  GOGCSIM_RETURN_IF_ERROR(rate("rate", &ph->rate_from));
  GOGCSIM_RETURN_IF_ERROR(level("live", &ph->live_from));
  GOGCSIM_RETURN_IF_ERROR(rate("rate_from", &ph->rate_from));
  GOGCSIM_RETURN_IF_ERROR(rate("rate_to", &ph->rate_to));
  GOGCSIM_RETURN_IF_ERROR(level("live_from", &ph->live_from));
  GOGCSIM_RETURN_IF_ERROR(level("live_to", &ph->live_to));
  GOGCSIM_RETURN_IF_ERROR(share("at", false, &ph->at));
  GOGCSIM_RETURN_IF_ERROR(share("rate_amplitude", true, &ph->rate_amplitude));
  GOGCSIM_RETURN_IF_ERROR(share("live_amplitude", true, &ph->live_amplitude));
  const double len = ph->duration_ns > 0 ? static_cast<double>(ph->duration_ns) : static_cast<double>(ph->records);
  ph->period = len / 4;
  return Opt(v, path, "period",
             [&](const Json& x, const std::string& p) { return r.Double(x, p, 0, true, kMaxNs, &ph->period); });
}

// A mutator group; `count` is allowed only in a groups list.
absl::Status ReadGroup(const Reader& r, const Json& v, const std::string& path, bool in_list, MutatorGroup* g) {
  if (in_list) {
    GOGCSIM_RETURN_IF_ERROR(r.Object(
        v, path,
        {"count", "kinds", "lifetime", "think_ns", "jitter", "block", "records", "duration_ns", "phases"}));
  } else {
    GOGCSIM_RETURN_IF_ERROR(r.Object(
        v, path, {"kinds", "lifetime", "think_ns", "jitter", "block", "records", "duration_ns", "phases"}));
  }
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "count", [&](const Json& x, const std::string& p) {
    int64_t n = 0;
    GOGCSIM_RETURN_IF_ERROR(r.Int(x, p, 0, kMaxGoroutines, &n));
    g->count = static_cast<int>(n);
    return absl::OkStatus();
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "kinds", [&](const Json& x, const std::string& p) {
    GOGCSIM_RETURN_IF_ERROR(r.Array(x, p));
    if (x.empty()) return r.Error(p, "expected at least one record kind");
    double total = 0;
    for (size_t i = 0; i < x.size(); i++) {
      RecordKind k;
      GOGCSIM_RETURN_IF_ERROR(ReadKind(r, x[i], Child(p, i), &k));
      total += k.weight;
      g->kinds.push_back(k);
    }
    if (!(total > 0)) return r.Error(p, "the weights must not all be 0");
    return absl::OkStatus();
  }));
  GOGCSIM_RETURN_IF_ERROR(
      Opt(v, path, "lifetime", [&](const Json& x, const std::string& p) { return ReadLifetime(r, x, p, &g->lifetime); }));
  GOGCSIM_RETURN_IF_ERROR(Opt(
      v, path, "think_ns", [&](const Json& x, const std::string& p) { return r.Double(x, p, 0, true, kMaxCount, &g->think_ns); }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "jitter", [&](const Json& x, const std::string& p) {
    GOGCSIM_RETURN_IF_ERROR(r.Double(x, p, 0, false, 1, &g->jitter));
    if (g->jitter == 1) return r.Error(p, "must be below 1 (think times must stay above 0)");
    return absl::OkStatus();
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "block", [&](const Json& x, const std::string& p) {
    GOGCSIM_RETURN_IF_ERROR(r.Object(x, p, {"every", "mean_ns"}));
    g->block_every = 100;
    g->block_ns = 100'000;
    GOGCSIM_RETURN_IF_ERROR(Opt(x, p, "every", [&](const Json& y, const std::string& q) {
      return r.Uint(y, q, 1, static_cast<uint64_t>(kMaxCount), &g->block_every);
    }));
    return Opt(x, p, "mean_ns",
               [&](const Json& y, const std::string& q) { return r.Double(y, q, 0, true, kMaxNs, &g->block_ns); });
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "phases", [&](const Json& x, const std::string& p) {
    GOGCSIM_RETURN_IF_ERROR(r.Array(x, p));
    for (size_t i = 0; i < x.size(); i++) {
      Phase ph;
      GOGCSIM_RETURN_IF_ERROR(ReadPhase(r, x[i], Child(p, i), &ph));
      g->phases.push_back(ph);
    }
    return absl::OkStatus();
  }));
  // With phases, the goroutine ends after the last one unless records or
  // duration_ns end it first.
  if (!g->phases.empty()) g->records = 0;
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "records", [&](const Json& x, const std::string& p) {
    return r.Uint(x, p, 1, static_cast<uint64_t>(kMaxCount), &g->records);
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "duration_ns", [&](const Json& x, const std::string& p) {
    return r.Int(x, p, 1, static_cast<int64_t>(kMaxNs), &g->duration_ns);
  }));
  if (g->lifetime.kind == Lifetime::Kind::kLiveSet) {
    double max_live = 1;
    for (const Phase& ph : g->phases) max_live = std::max(max_live, MaxLive(ph));
    const double most = std::ceil(static_cast<double>(g->lifetime.live_set) * max_live);
    if (most > static_cast<double>(kMaxLiveSet)) {
      return r.Error(Child(path, "phases"), absl::StrCat("the phases ask for a live set of ", Num(most),
                                                         " records, more than ", kMaxLiveSet));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadSynthetic(const Reader& r, const Json& v, const std::string& path, Workload* w) {
  GOGCSIM_RETURN_IF_ERROR(r.Object(v, path, {"goroutines", "globals_bytes", "mutator", "groups"}));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "globals_bytes", [&](const Json& x, const std::string& p) {
    return r.Uint(x, p, 0, kMaxObjectBytes, &w->globals_bytes);
  }));
  if (v.contains("mutator") && v.contains("groups")) {
    return r.Error(Child(path, "groups"), "give mutator (one group) or groups, not both");
  }
  if (v.contains("goroutines") && v.contains("groups")) {
    return r.Error(Child(path, "goroutines"), "with groups, give each group its own count instead");
  }
  w->groups = {MutatorGroup{}};
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "goroutines", [&](const Json& x, const std::string& p) {
    int64_t n = 0;
    GOGCSIM_RETURN_IF_ERROR(r.Int(x, p, 0, kMaxGoroutines, &n));
    w->groups[0].count = static_cast<int>(n);
    return absl::OkStatus();
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, path, "mutator", [&](const Json& x, const std::string& p) {
    return ReadGroup(r, x, p, false, &w->groups[0]);
  }));
  return Opt(v, path, "groups", [&](const Json& x, const std::string& p) {
    GOGCSIM_RETURN_IF_ERROR(r.Array(x, p));
    if (x.empty()) return r.Error(p, "expected at least one group");
    w->groups.clear();
    int64_t total = 0;
    for (size_t i = 0; i < x.size(); i++) {
      MutatorGroup g;
      GOGCSIM_RETURN_IF_ERROR(ReadGroup(r, x[i], Child(p, i), true, &g));
      total += g.count;
      w->groups.push_back(g);
    }
    if (total > kMaxGoroutines) {
      return r.Error(p, absl::StrCat("the groups' counts add up to ", total, ", more than ", kMaxGoroutines));
    }
    return absl::OkStatus();
  });
}

absl::Status ReadWorkload(const Reader& r, const Json& v, const std::string& path, Workload* w) {
  std::string which;
  GOGCSIM_RETURN_IF_ERROR(r.OneOf(v, path, {"trace", "synthetic"}, &which));
  if (which == "trace") {
    const std::string p = Child(path, "trace");
    GOGCSIM_RETURN_IF_ERROR(r.String(v.at("trace"), p, &w->trace));
    if (w->trace.empty()) return r.Error(p, "expected a file name, got an empty string");
    return absl::OkStatus();
  }
  return ReadSynthetic(r, v.at("synthetic"), Child(path, "synthetic"), w);
}

}  // namespace

absl::StatusOr<RunConfig> ParseScenario(std::string_view json_text, const std::string& source_name) {
  const Reader r(source_name);
  // Malformed JSON (a number beyond a double too) and duplicate keys.
  absl::StatusOr<Json> doc = traces::ParseStrictJson(json_text, source_name);
  if (!doc.ok()) return doc.status();
  const Json& v = *doc;
  const std::string root;
  GOGCSIM_RETURN_IF_ERROR(r.Object(
      v, root, {"name", "description", "seed", "gomaxprocs", "ncpu", "gogc", "cost_model", "pacer", "workload"}));
  RunConfig cfg;
  cfg.name = std::filesystem::path(source_name).stem().string();
  GOGCSIM_RETURN_IF_ERROR(Opt(v, root, "name", [&](const Json& x, const std::string& p) {
    GOGCSIM_RETURN_IF_ERROR(r.String(x, p, &cfg.name));
    if (cfg.name.empty()) return r.Error(p, "expected a name, got an empty string");
    return absl::OkStatus();
  }));
  GOGCSIM_RETURN_IF_ERROR(
      Opt(v, root, "description", [&](const Json& x, const std::string& p) { return r.String(x, p, &cfg.description); }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, root, "seed", [&](const Json& x, const std::string& p) {
    return r.Uint(x, p, 0, std::numeric_limits<uint64_t>::max(), &cfg.seed);
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, root, "gomaxprocs", [&](const Json& x, const std::string& p) {
    int64_t n = 0;
    GOGCSIM_RETURN_IF_ERROR(r.Int(x, p, 1, 256, &n));
    cfg.gomaxprocs = static_cast<int>(n);
    return absl::OkStatus();
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, root, "ncpu", [&](const Json& x, const std::string& p) {
    int64_t n = 0;
    GOGCSIM_RETURN_IF_ERROR(r.Int(x, p, 0, 256, &n));
    cfg.ncpu = static_cast<int>(n);
    return absl::OkStatus();
  }));
  GOGCSIM_RETURN_IF_ERROR(Opt(v, root, "gogc", [&](const Json& x, const std::string& p) {
    // Like the GOGC environment variable: a percentage, or "off".
    if (x.is_string()) {
      if (x.get<std::string>() != "off") {
        return r.Error(p, absl::StrCat("expected an integer or \"off\", got ", Describe(x)));
      }
      cfg.gogc = -1;
      return absl::OkStatus();
    }
    int64_t n = 0;
    GOGCSIM_RETURN_IF_ERROR(r.Int(x, p, -1, 1'000'000, &n));
    cfg.gogc = static_cast<int32_t>(n);
    return absl::OkStatus();
  }));
  GOGCSIM_RETURN_IF_ERROR(
      Opt(v, root, "cost_model", [&](const Json& x, const std::string& p) { return ReadCostModel(r, x, p, &cfg.costs); }));
  GOGCSIM_RETURN_IF_ERROR(
      Opt(v, root, "pacer", [&](const Json& x, const std::string& p) { return ReadPacer(r, x, p, &cfg.pacer); }));
  GOGCSIM_RETURN_IF_ERROR(
      Opt(v, root, "workload", [&](const Json& x, const std::string& p) { return ReadWorkload(r, x, p, &cfg.workload); }));
  return cfg;
}

absl::StatusOr<RunConfig> LoadScenarioFile(const std::string& path) {
  // Capped: a scenario is a few KiB, and /dev/zero never ends.
  absl::StatusOr<std::string> text = traces::ReadFileCapped(path, kMaxScenarioBytes);
  if (!text.ok()) return text.status();
  absl::StatusOr<RunConfig> cfg = ParseScenario(*text, path);
  if (cfg.ok() && !cfg->workload.trace.empty() && std::filesystem::path(cfg->workload.trace).is_relative()) {
    cfg->workload.trace = (std::filesystem::path(path).parent_path() / cfg->workload.trace).string();
  }
  return cfg;
}

std::vector<std::string> ShippedScenarioNames() {
  std::vector<std::string> names;
  for (const ShippedScenario& s : ShippedScenarios()) names.emplace_back(s.name);
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<RunConfig> BuiltinRun(const std::string& name) {
  for (const ShippedScenario& s : ShippedScenarios()) {
    if (s.name == name) return ParseScenario(s.json, absl::StrCat("scenarios/", name, ".json"));
  }
  return absl::NotFoundError(absl::StrFormat("unknown scenario \"%s\" (shipped: %s; or give a .json file)", name,
                                             absl::StrJoin(ShippedScenarioNames(), ", ")));
}

absl::StatusOr<RunConfig> LoadScenario(const std::string& name_or_path) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() >= 5 && name_or_path.ends_with(".json"));
  return is_path ? LoadScenarioFile(name_or_path) : BuiltinRun(name_or_path);
}

#undef GOGCSIM_RETURN_IF_ERROR

}  // namespace gogcsim::scenarios
