#include "scenarios/sync_order.h"

#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"

namespace gogcsim::scenarios {
namespace {

using model::SyncKind;

// The v2 record each sync kind stands for, by SyncKind
// (traces/recording_v2.md), and which tags those are.
constexpr const char* kRecordOf[] = {"HL", "HS", "SC", "SP", "PW", "CT", "CF", "UC", "HA", "L", "HF", "MA", "MF"};
static_assert(std::size(kRecordOf) == static_cast<size_t>(SyncKind::kManualFree) + 1);

struct Tags {
  int of_kind[std::size(kRecordOf)];
  bool checked[128] = {};
  Tags() {
    for (size_t k = 0; k < std::size(kRecordOf); k++) {
      of_kind[k] = traces::V2TagOf(kRecordOf[k]);
      checked[of_kind[k]] = true;
    }
  }
};

const Tags& TagTable() {
  static const Tags* t = new Tags();
  return *t;
}

std::string Text(const traces::V2Record& r) {
  std::string s = absl::StrCat(traces::V2SchemaOf(r.tag).name, " P", r.p, " g", r.g);
  for (int k = 0; k < r.n; k++) absl::StrAppend(&s, " ", r.v[k]);
  return s;
}

std::string Text(const model::SyncPoint& sp) {
  std::string s = traces::V2SchemaOf(SyncOrderCheck::TagOf(sp.kind)).name;
  for (int k = 0; k < sp.n; k++) absl::StrAppend(&s, " ", sp.v[k]);
  return s;
}

}  // namespace

int SyncOrderCheck::TagOf(SyncKind kind) { return TagTable().of_kind[static_cast<size_t>(kind)]; }

bool SyncOrderCheck::Matches(const model::SyncPoint& sp, const traces::V2Record& rec) {
  if (rec.tag != TagOf(sp.kind)) return false;
  const int64_t* v = sp.v;
  const int64_t* r = rec.v;
  switch (sp.kind) {
    case SyncKind::kHeapLive:
    case SyncKind::kHeapScan:  // the add, and the value after it
      return r[0] == v[0] && r[1] == static_cast<int64_t>(static_cast<uint64_t>(v[1]) + static_cast<uint64_t>(v[0]));
    case SyncKind::kPagesSwept:
      return r[0] == v[0] && r[1] == v[1] && r[2] == v[2] + v[1];
    default:  // the record's fields, all known before the operation
      for (int k = 0; k < sp.n; k++) {
        if (r[k] != v[k]) return false;
      }
      return sp.n == rec.n;
  }
}

absl::StatusOr<std::unique_ptr<SyncOrderCheck>> SyncOrderCheck::Open(const std::string& path) {
  auto r = traces::RecordingV2Reader::Open(path);
  if (!r.ok()) return r.status();
  return std::unique_ptr<SyncOrderCheck>(new SyncOrderCheck(std::move(*r)));
}

absl::StatusOr<bool> SyncOrderCheck::NextChecked(traces::V2Record* rec) {
  for (;;) {
    absl::StatusOr<bool> more = reader_->Next(rec);
    if (!more.ok() || !*more) return more;
    if (rec->global && TagTable().checked[rec->tag]) {
      counts_[traces::V2SchemaOf(rec->tag).name].total++;
      return true;
    }
  }
}

void SyncOrderCheck::Pass(const model::SyncPoint& sp) {
  if (divergence_ || !error_.ok()) return;  // the first divergence is the report
  traces::V2Record rec;
  absl::StatusOr<bool> more = NextChecked(&rec);
  if (!more.ok()) {
    error_ = more.status();
    return;
  }
  if (!*more) {
    divergence_ = SyncDivergence{index_, reader_->bytes(), "", Text(sp)};
    return;
  }
  if (!Matches(sp, rec)) {
    divergence_ = SyncDivergence{index_, rec.offset, Text(rec), Text(sp)};
    return;
  }
  counts_[traces::V2SchemaOf(rec.tag).name].matched++;
  index_++;
}

absl::Status SyncOrderCheck::Finish() {
  if (!error_.ok()) return error_;
  traces::V2Record rec;
  for (;;) {
    absl::StatusOr<bool> more = NextChecked(&rec);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    if (!divergence_) divergence_ = SyncDivergence{index_, rec.offset, Text(rec), ""};
  }
}

}  // namespace gogcsim::scenarios
