#include "traces/record_checker.h"

#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "traces/reference_reader.h"

namespace gogcsim::traces {
namespace {

std::string Field(const RefRecord& rec, int k, const char* name) {
  return absl::StrCat(RefTagName(rec.tag), " field ", k, " (", name, "): ");
}

// "" if lo <= rec.v[k] <= hi.
std::string Range(const RefRecord& rec, int k, const char* name, int64_t lo, int64_t hi, const char* why = "") {
  const int64_t v = rec.v[k];
  if (v >= lo && v <= hi) return "";
  return absl::StrCat(Field(rec, k, name), v, " outside [", lo, ", ", hi, "]", why);
}

class CheckedSource final : public RecordSource {
 public:
  explicit CheckedSource(std::unique_ptr<RecordSource> source) : source_(std::move(source)) {}
  absl::StatusOr<bool> Next(RefRecord* rec) override {
    if (!error_.ok()) return error_;
    absl::StatusOr<bool> more = source_->Next(rec);
    if (!more.ok() || !*more) return more;
    if (std::string what = checker_.Check(*rec); !what.empty()) {
      error_ = absl::InvalidArgumentError(absl::StrCat(source_->path(), ":", rec->line, ": ", what));
      return error_;
    }
    return true;
  }
  const std::string& path() const override { return source_->path(); }
  uint64_t lines() const override { return source_->lines(); }

 private:
  std::unique_ptr<RecordSource> source_;
  RecordChecker checker_;
  absl::Status error_;
};

}  // namespace

std::string RecordChecker::Time(const RefRecord& rec, int k) {
  const int64_t t = rec.v[k];
  if (t < 0) return absl::StrCat(Field(rec, k, "time"), t, " is negative");
  if (!have_time_) {
    have_time_ = true;
    first_time_ = t;
    return "";
  }
  const uint64_t d = t >= first_time_ ? static_cast<uint64_t>(t) - static_cast<uint64_t>(first_time_)
                                      : static_cast<uint64_t>(first_time_) - static_cast<uint64_t>(t);
  if (d <= static_cast<uint64_t>(kMaxTimeSpanNs)) return "";
  return absl::StrCat(Field(rec, k, "time"), t, " is more than 24 h (", kMaxTimeSpanNs,
                      " ns) from the first time of the file, ", first_time_);
}

std::string RecordChecker::Check(const RefRecord& rec) {
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  std::string e;
  // Appends the first problem only.
  auto check = [&e](std::string what) {
    if (e.empty()) e = std::move(what);
  };
  switch (rec.tag) {
    case RefTag::kH:
      check(Range(rec, 0, "gomaxprocs", 1, kMaxGomaxprocs));
      check(Range(rec, 1, "gcpercent", -1, kInt32Max));
      check(Time(rec, 5));
      if (e.empty()) gomaxprocs_ = rec.v[0];
      break;
    case RefTag::kA:
      check(Range(rec, 0, "p", -1, gomaxprocs_ - 1, " (-1: no P; else below GOMAXPROCS)"));
      check(Range(rec, 1, "g", 0, std::numeric_limits<int64_t>::max()));
      check(Range(rec, 2, "size", 0, kMaxAllocBytes, " (Go 1.10's _MaxMem)"));
      check(Range(rec, 3, "typsize", 0, kMaxAllocBytes, " (Go 1.10's _MaxMem)"));
      check(Range(rec, 4, "ptrdata", 0, rec.v[3], " (at most typsize)"));
      check(Range(rec, 5, "flags", 0, 7));
      check(Time(rec, 6));
      break;
    case RefTag::kMA:
    case RefTag::kMF:
      check(Range(rec, 0, "base", 0, std::numeric_limits<int64_t>::max()));
      check(Range(rec, 1, "npages", 1, kMaxManualPages, " (a 1 GB stack)"));
      break;
    case RefTag::kGS:
      check(Time(rec, 4));
      break;
    case RefTag::kMS:
    case RefTag::kMT:
      check(Time(rec, 0));
      break;
    case RefTag::kPE:
      check(Time(rec, 5));
      check(Time(rec, 6));
      check(Range(rec, 7, "assistTime", 0, kMaxWorkPerRecord));
      break;
    case RefTag::kW:
      check(Range(rec, 1, "n", 0, kMaxWorkPerRecord));
      break;
    case RefTag::kC:
      check(Range(rec, 1, "n", -kMaxWorkPerRecord, kMaxWorkPerRecord));
      break;
    case RefTag::kAT:
      check(Range(rec, 0, "n", 0, kMaxWorkPerRecord));
      break;
    default:
      break;
  }
  return e;
}

std::unique_ptr<RecordSource> CheckRecords(std::unique_ptr<RecordSource> source) {
  return std::make_unique<CheckedSource>(std::move(source));
}

}  // namespace gogcsim::traces
