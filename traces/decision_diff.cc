#include "traces/decision_diff.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <deque>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "traces/jsonl.h"

namespace gogcsim::traces {
namespace {

// A value of a record: a JSON scalar or a FloatJson object, with its path.
struct Leaf {
  std::string path;
  const Json* value;
};

// Appends the leaves of j to out[*n...], reusing the strings already there
// (a log has millions of leaves; this keeps their paths out of malloc).
// path holds the prefix on entry and is restored on return.
void Flatten(const Json& j, std::string* path, std::vector<Leaf>* out, size_t* n) {
  if (j.is_object() && !IsFloatJson(j)) {
    const size_t len = path->size();
    for (const auto& [key, v] : j.items()) {
      if (len != 0) *path += '.';
      *path += key;
      Flatten(v, path, out, n);
      path->resize(len);
    }
  } else if (j.is_array()) {
    const size_t len = path->size();
    for (size_t i = 0; i < j.size(); i++) {
      absl::StrAppend(path, "[", i, "]");
      Flatten(j[i], path, out, n);
      path->resize(len);
    }
  } else {
    if (*n == out->size()) out->emplace_back();
    (*out)[*n].path.assign(*path);
    (*out)[*n].value = &j;
    ++*n;
  }
}

// A leaf read for comparison: floats (FloatJson) compare by bit pattern,
// everything else as JSON values; numbers also give their value.
struct Value {
  const Json* j = nullptr;
  bool is_float = false;  // a FloatJson object
  bool numeric = false;
  double x = 0;
};

absl::StatusOr<Value> ReadValue(const Leaf& leaf) {
  Value v;
  v.j = leaf.value;
  if (IsFloatJson(*leaf.value)) {
    auto d = FloatJsonValue(*leaf.value);
    if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat("field \"", leaf.path, "\": ", d.status().message()));
    v.is_float = v.numeric = true;
    v.x = *d;
  } else if (leaf.value->is_number()) {
    v.numeric = true;
    v.x = leaf.value->get<double>();
  }
  return v;
}

bool Equal(const Value& a, const Value& b) {
  if (a.is_float || b.is_float) {
    return a.is_float && b.is_float && std::bit_cast<uint64_t>(a.x) == std::bit_cast<uint64_t>(b.x);
  }
  return *a.j == *b.j;
}

// As shown to the reader: floats as "0x<bits> <decimal>".
std::string Display(const Value& v) {
  if (v.is_float) return absl::StrFormat("0x%016x %s", std::bit_cast<uint64_t>(v.x), (*v.j)["value"].dump());
  return v.j->dump();
}

// |a-b| / max(|a|,|b|); 0 when equal (both zero included), infinite when
// only one is finite or either is NaN.
double RelativeDifference(double a, double b) {
  if (a == b) return 0;
  if (!std::isfinite(a) || !std::isfinite(b)) return INFINITY;
  return std::fabs(a - b) / std::max(std::fabs(a), std::fabs(b));
}

std::string KindOf(const Json& r) {
  auto it = r.find("kind");
  if (it != r.end() && it->is_string()) return it->get<std::string>();
  return r.contains("gc") ? "cycle" : "record";
}

std::string IdOf(const Json& r, uint64_t index) {
  for (const char* key : {"seq", "gc"}) {
    auto it = r.find(key);
    if (it != r.end()) return absl::StrCat(key, " ", it->dump());
  }
  return absl::StrCat("record ", index);
}

class Differ {
 public:
  Differ(const DiffOptions& opts, FileDiff* d) : opts_(opts), d_(d) {
    for (const char* q : kMovementQuantities) d_->movement.push_back({q});
  }

  // Compares record `index` of A with its partner in B (B's next record of
  // the same kind).
  absl::Status Pair(uint64_t index, const Json& ra, uint64_t line_a, const Json& rb, uint64_t line_b) {
    n_a_ = n_b_ = 0;
    path_.clear();
    Flatten(ra, &path_, &leaves_a_, &n_a_);
    Flatten(rb, &path_, &leaves_b_, &n_b_);
    RecordDifference rec{index, line_a, line_b, IdOf(ra, index), KindOf(ra), {}};
    used_b_.assign(n_b_, false);
    for (size_t i = 0; i < n_a_; i++) {
      const Leaf& la = leaves_a_[i];
      if (la.path == "seq") continue;  // the position, not a value: records are paired by kind
      auto va = ReadValue(la);
      if (!va.ok()) return LineError(d_->path_a, line_a, va.status().message());
      const size_t j = FindInB(la.path, i);
      if (j == n_b_) {
        rec.fields.push_back({la.path, Display(*va), "(absent)", false, 0});
        continue;
      }
      used_b_[j] = true;
      auto vb = ReadValue(leaves_b_[j]);
      if (!vb.ok()) return LineError(d_->path_b, line_b, vb.status().message());
      Compare(rec.kind, la.path, *va, *vb, &rec);
    }
    for (size_t j = 0; j < n_b_; j++) {
      if (used_b_[j] || leaves_b_[j].path == "seq") continue;
      auto vb = ReadValue(leaves_b_[j]);
      if (!vb.ok()) return LineError(d_->path_b, line_b, vb.status().message());
      rec.fields.push_back({leaves_b_[j].path, "(absent)", Display(*vb), false, 0});
    }
    d_->compared++;
    KindCounts& kc = d_->by_kind[rec.kind];
    kc.compared++;
    if (!rec.fields.empty()) {
      d_->differing++;
      kc.differing++;
      Note(std::move(rec));
    }
    return absl::OkStatus();
  }

  // A record without a partner of its kind in the other file. The first
  // such record of each file is noted; the counts tell the rest.
  void Unpaired(uint64_t index, const Json& r, uint64_t line, bool in_a) {
    KindCounts& kc = d_->by_kind[KindOf(r)];
    (in_a ? kc.only_a : kc.only_b)++;
    bool& noted = in_a ? unpaired_a_noted_ : unpaired_b_noted_;
    if (noted) return;
    noted = true;
    const std::string what = absl::StrCat(IdOf(r, index), " ", KindOf(r));
    RecordDifference rec{index, in_a ? line : 0, in_a ? 0 : line, IdOf(r, index), KindOf(r), {}};
    rec.fields.push_back({"(record)", in_a ? what : "(absent)", in_a ? "(absent)" : what, false, 0});
    Note(std::move(rec));
  }

  void Finish() {
    std::stable_sort(d_->listed.begin(), d_->listed.end(),
                     [](const RecordDifference& x, const RecordDifference& y) { return x.index < y.index; });
    std::erase_if(d_->movement, [](const Movement& m) { return m.n == 0; });
    for (Movement& m : d_->movement) m.mean_rel /= static_cast<double>(m.n);  // held the sum
  }

 private:
  size_t FindInB(const std::string& path, size_t hint) const {
    // Records of one kind have the same fields in the same order: try the
    // same position first.
    if (hint < n_b_ && !used_b_[hint] && leaves_b_[hint].path == path) return hint;
    for (size_t j = 0; j < n_b_; j++) {
      if (!used_b_[j] && leaves_b_[j].path == path) return j;
    }
    return n_b_;
  }

  void Compare(const std::string& kind, const std::string& path, const Value& a, const Value& b,
               RecordDifference* rec) {
    const bool equal = Equal(a, b);
    const bool numeric = a.numeric && b.numeric;
    const double rel = numeric ? RelativeDifference(a.x, b.x) : 0;
    // Exact mode: any change. Tolerance mode: a numeric change beyond the
    // bound (NaN compares false, so it is caught by !(rel <= tol)), or any
    // change of a non-number.
    const bool differs = !equal && (opts_.exact() || !numeric || !(rel <= opts_.tolerance));
    if (numeric) {
      key_.assign(kind).append(" ").append(path);
      auto it = d_->fields.find(key_);
      if (it == d_->fields.end()) it = d_->fields.emplace(key_, FieldStats{}).first;
      FieldStats& fs = it->second;
      fs.n++;
      fs.max_rel = std::max(fs.max_rel, rel);
      fs.sum_rel += rel;
      if (differs) fs.beyond++;
      if (path.starts_with("out.")) {
        for (Movement& m : d_->movement) {
          if (path.compare(4, std::string::npos, m.quantity) != 0) continue;
          m.n++;
          if (!equal) m.changed++;
          m.max_rel = std::max(m.max_rel, rel);
          m.mean_rel += rel;
        }
      }
    }
    if (differs) rec->fields.push_back({path, Display(a), Display(b), numeric, rel});
  }

  // Differences arrive in A's order, except records only B has (at the
  // end): those count as earlier when their index in B is smaller, which is
  // right while the two files agree up to there.
  void Note(RecordDifference rec) {
    if (!d_->first || rec.index < d_->first->index) d_->first = rec;
    if (listed_fields_ >= opts_.max_listed) return;
    const size_t room = static_cast<size_t>(opts_.max_listed - listed_fields_);
    if (rec.fields.size() > room) rec.fields.resize(room);
    listed_fields_ += static_cast<int>(rec.fields.size());
    d_->listed.push_back(std::move(rec));
  }

  const DiffOptions& opts_;
  FileDiff* d_;
  int listed_fields_ = 0;
  bool unpaired_a_noted_ = false, unpaired_b_noted_ = false;
  // Reused from record to record: the leaves (the first n_a_/n_b_ are this
  // pair's), a path buffer and a key buffer.
  std::vector<Leaf> leaves_a_, leaves_b_;
  size_t n_a_ = 0, n_b_ = 0;
  std::vector<bool> used_b_;
  std::string path_, key_;
};

}  // namespace

absl::StatusOr<FileDiff> DiffJsonLines(const std::string& path_a, const std::string& path_b,
                                       const DiffOptions& opts) {
  FileDiff d;
  d.path_a = path_a;
  d.path_b = path_b;
  JsonLinesReader ra, rb;
  if (absl::Status st = ra.Open(path_a); !st.ok()) return st;
  if (absl::Status st = rb.Open(path_b); !st.ok()) return st;
  Differ differ(opts, &d);
  // Records of B read but not yet paired, by kind, in B's order.
  struct Pending {
    Json record;
    uint64_t line, index;
  };
  std::map<std::string, std::deque<Pending>> pending_b;
  bool b_done = false;
  auto read_b = [&]() -> absl::Status {
    Json j;
    auto more = rb.Next(&j);
    if (!more.ok()) return more.status();
    if (!*more) {
      b_done = true;
      return absl::OkStatus();
    }
    pending_b[KindOf(j)].push_back({std::move(j), rb.line(), d.records_b++});
    return absl::OkStatus();
  };
  // In A's order: each record of A with the next record of B of its kind.
  Json a;
  for (;;) {
    auto more = ra.Next(&a);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const uint64_t index = d.records_a++;
    std::deque<Pending>& q = pending_b[KindOf(a)];
    while (q.empty() && !b_done) {
      if (absl::Status st = read_b(); !st.ok()) return st;
    }
    if (q.empty()) {
      differ.Unpaired(index, a, ra.line(), /*in_a=*/true);
      continue;
    }
    if (absl::Status st = differ.Pair(index, a, ra.line(), q.front().record, q.front().line); !st.ok()) return st;
    q.pop_front();
  }
  // What is left of B has no partner in A; the first of it (in B's order) is noted.
  while (!b_done) {
    if (absl::Status st = read_b(); !st.ok()) return st;
  }
  const Pending* first_b = nullptr;
  for (const auto& [kind, q] : pending_b) {
    for (const Pending& p : q) {
      if (first_b == nullptr || p.index < first_b->index) first_b = &p;
    }
  }
  if (first_b != nullptr) differ.Unpaired(first_b->index, first_b->record, first_b->line, /*in_a=*/false);
  for (const auto& [kind, q] : pending_b) {
    for (const Pending& p : q) {
      if (&p != first_b) differ.Unpaired(p.index, p.record, p.line, /*in_a=*/false);
    }
  }
  differ.Finish();
  return d;
}

absl::StatusOr<DiffResult> Diff(const std::string& a, const std::string& b, const DiffOptions& opts) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const std::string& p : {a, b}) {
    if (!fs::exists(p, ec)) return absl::NotFoundError(absl::StrCat(p, ": no such file or directory"));
  }
  const bool dir_a = fs::is_directory(a, ec), dir_b = fs::is_directory(b, ec);
  auto log_of = [](const std::string& p, bool dir) -> absl::StatusOr<std::string> {
    if (!dir) return p;
    std::error_code e;
    const std::string f = (fs::path(p) / "decisions.jsonl").string();
    if (!fs::is_regular_file(f, e)) return absl::NotFoundError(absl::StrCat(p, ": directory has no decisions.jsonl"));
    return f;
  };
  auto la = log_of(a, dir_a);
  if (!la.ok()) return la.status();
  auto lb = log_of(b, dir_b);
  if (!lb.ok()) return lb.status();
  DiffResult result;
  auto d = DiffJsonLines(*la, *lb, opts);
  if (!d.ok()) return d.status();
  result.files.push_back(*std::move(d));
  if (dir_a && dir_b) {
    const std::string ca = (fs::path(a) / "cycles.jsonl").string(), cb = (fs::path(b) / "cycles.jsonl").string();
    if (fs::is_regular_file(ca, ec) && fs::is_regular_file(cb, ec)) {
      auto c = DiffJsonLines(ca, cb, opts);
      if (!c.ok()) return c.status();
      result.files.push_back(*std::move(c));
    }
  }
  return result;
}

}  // namespace gogcsim::traces
