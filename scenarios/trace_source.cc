#include "scenarios/trace_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/malloc.h"
#include "scenarios/radix_sort.h"
#include "scenarios/trace_lifetimes.h"
#include "traces/record_checker.h"
#include "traces/recorder_clock.h"
#include "traces/trace_format.h"
#include "traces/trace_reader.h"

namespace gogcsim::scenarios {
namespace {

// What tells that a file is still the one read before: rewritten in place
// it has a new mtime and ctime (or size), replaced a new inode.
struct FileStamp {
  dev_t dev;
  ino_t ino;
  off_t size;
  int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> StampOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{st.st_dev,          st.st_ino,         st.st_size,        st.st_mtim.tv_sec,
                   st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
}

// A death placed before the allocation with ordinal `before`.
struct PlacedDeath {
  uint64_t before;
  uint64_t object;
};

class TraceSource : public TraceEventSource {
 public:
  // stamp: the file's when the first pass began, if the reader trusts
  // that pass's checksums; the file must still have it at the end.
  TraceSource(std::unique_ptr<traces::TraceReader> reader, std::vector<PlacedDeath> placed,
              absl::flat_hash_set<uint64_t> allocating, std::optional<FileStamp> stamp, bool keep_recorder_time)
      : reader_(std::move(reader)), stamp_(stamp), placed_(std::move(placed)), allocating_(std::move(allocating)) {
    const auto& h = reader_->header();
    ns_per_unit_ = h.clock_unit_ns() > 0 ? h.clock_unit_ns() : 1.0;
    if (!keep_recorder_time) clock_ = traces::RecorderClock::FromKnots(h.recorder_clock(), ns_per_unit_);
    for (const auto& t : h.types()) {
      model::AllocRequest r;
      r.noscan = (t.flags() & traces::kTypeNoscan) != 0;
      r.needzero = (t.flags() & traces::kTypeNeedzero) != 0;
      r.typsize = t.size();
      r.ptrdata = t.ptrdata();
      // runtime._defer, by shape, as faithful replay infers it.
      r.defer_block = r.typsize == model::kDeferSize && r.ptrdata == model::kDeferSize;
      types_.push_back(r);
    }
  }

  bool has_schedule() const override { return !allocating_.empty(); }

  absl::StatusOr<bool> Next(TraceEvent* e) override {
    for (;;) {
      // have_alloc_ first: it is false for most of the trace's events.
      if (have_alloc_) {
        if (next_placed_ < placed_.size() && placed_[next_placed_].before <= allocs_) {
          *e = TraceEvent{};
          e->kind = TraceEvent::Kind::kDeath;
          e->object = placed_[next_placed_++].object;
          return true;
        }
        have_alloc_ = false;
        allocs_++;
        *e = alloc_;
        return true;
      }
      traces::TraceEvent& ev = ev_;
      absl::StatusOr<bool> more = reader_->Next(&ev);
      if (!more.ok() || !*more) {
        if (more.ok() && stamp_.has_value() && StampOf(reader_->path()) != stamp_) {
          // Written in place since the first pass began: chunks whose
          // stored checksums did not change were not checked again.
          return absl::DataLossError(absl::StrCat(reader_->path(), ": the file changed while it was read"));
        }
        // Deaths placed after the last allocation do not matter.
        return more;
      }
      if (ev.kind == traces::EventKind::kDeath && ev.earliest == traces::kNoEarliest) {
        *e = TraceEvent{};
        e->kind = TraceEvent::Kind::kDeath;
        e->object = ev.object;
        return true;
      }
      if (ev.kind == traces::EventKind::kGoRun || ev.kind == traces::EventKind::kGoStop) {
        if (!allocating_.contains(ev.g)) continue;  // the runtime's own (mark workers, bgsweep, ...)
        absl::StatusOr<int64_t> t = TimeNs(ev);
        if (!t.ok()) return t.status();
        *e = TraceEvent{};
        e->kind = ev.kind == traces::EventKind::kGoRun ? TraceEvent::Kind::kRun : TraceEvent::Kind::kStop;
        e->t_ns = *t;
        e->g = ev.g;
        if (ev.kind == traces::EventKind::kGoStop) e->reason = ev.args[0];
        return true;
      }
      if (ev.kind != traces::EventKind::kAlloc) continue;
      if (ev.type >= types_.size()) {
        return absl::DataLossError(absl::StrFormat("%s: event %d: type %d not in the header", reader_->path(),
                                                   ev.index, ev.type));
      }
      absl::StatusOr<int64_t> t = TimeNs(ev);
      if (!t.ok()) return t.status();
      alloc_ = TraceEvent{};
      alloc_.kind = TraceEvent::Kind::kAlloc;
      alloc_.t_ns = *t;
      alloc_.g = ev.g;
      alloc_.req = types_[ev.type];
      alloc_.req.size = ev.size;
      have_alloc_ = true;  // after the deaths placed before it
    }
  }

 private:
  // A timed event's time, ns. The run waits for each one's: a time far
  // from the first (2^62) made it endless, and one beyond int64 is UB. So
  // each must be within a day of the first timed event's (in a trace
  // without GO_RUN, the first allocation's).
  absl::StatusOr<int64_t> TimeNs(const traces::TraceEvent& ev) {
    const double t = clock_.Strip(static_cast<double>(ev.time) * ns_per_unit_);
    if (!have_first_) {
      first_t_ = t;
      first_alloc_ = ev.kind == traces::EventKind::kAlloc;
      have_first_ = true;
    }
    if (!(std::fabs(t - first_t_) <= static_cast<double>(traces::kMaxTimeSpanNs))) [[unlikely]] {
      return TooFar(ev, t);
    }
    return static_cast<int64_t>(t);
  }
  // Out of line, so that TimeNs inlines: formatting the message made it a
  // call of ~40 instructions per allocation.
  [[gnu::noinline, gnu::cold]] absl::Status TooFar(const traces::TraceEvent& ev, double t) const {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: event %d: %s time %d (%.0f ns) is more than 24 h from the first %s", reader_->path(), ev.index,
        traces::EventKindName(ev.kind), ev.time, t, first_alloc_ ? "allocation's" : "timed event's"));
  }

  std::unique_ptr<traces::TraceReader> reader_;
  // The reader's last event: a member, as constructing one per event (its
  // default values) cost ~20 instructions an event. Only the fields of
  // its kind are read.
  traces::TraceEvent ev_;
  std::optional<FileStamp> stamp_;
  std::vector<PlacedDeath> placed_;  // by `before`
  // The goroutines that allocate, if the trace says when goroutines ran:
  // those the what-if runs. The others are the runtime's (mark workers,
  // bgsweep, the scavenger, forcegc), which the simulation has itself, or
  // compute only.
  absl::flat_hash_set<uint64_t> allocating_;
  size_t next_placed_ = 0;
  std::vector<model::AllocRequest> types_;
  double ns_per_unit_ = 1;
  traces::RecorderClock clock_;  // empty: times as recorded
  bool have_first_ = false;
  bool first_alloc_ = false;  // the first timed event is an allocation
  double first_t_ = 0;        // the first timed event's time, ns
  uint64_t allocs_ = 0;  // allocations returned so far
  TraceEvent alloc_;
  bool have_alloc_ = false;
};

// Spreads one cycle's deaths (objects, in any order) over the allocations
// [lo, hi): oldest first, each after its own allocation.
void Spread(std::vector<uint64_t>* run, uint64_t lo, uint64_t hi, std::vector<PlacedDeath>* out) {
  RadixSortBy(run, [](uint64_t o) { return o; });
  const double n = static_cast<double>(run->size());
  const double width = static_cast<double>(hi > lo ? hi - lo : 0);
  for (size_t i = 0; i < run->size(); i++) {
    const uint64_t at = lo + static_cast<uint64_t>(width * (static_cast<double>(i) + 0.5) / n);
    out->push_back({std::max(at, (*run)[i] + 1), (*run)[i]});
  }
  run->clear();
}

// One pass over a trace: where its bounded deaths go (`placed`, by
// Spread), its allocating goroutines and allocations, and (keys, exact not
// null) each allocation's pairing key and the deaths the trace places
// itself (as placed deaths at their position).
absl::Status ScanTrace(const std::string& path, TraceInfo* info, std::vector<PlacedDeath>* placed,
                       absl::flat_hash_set<uint64_t>* allocating, std::vector<AllocKey>* keys,
                       std::vector<PlacedDeath>* exact, std::vector<uint32_t>* crcs = nullptr) {
  auto reader = traces::TraceReader::Open(path);
  if (!reader.ok()) return reader.status();
  const auto& h = (*reader)->header();
  if (h.has_gomaxprocs()) info->gomaxprocs = h.gomaxprocs();
  if (h.has_gogc()) {
    info->has_gogc = true;
    info->gogc = h.gogc();
  }
  absl::flat_hash_map<uint64_t, uint32_t> goroutine_index;
  // Runs of bounded deaths stand just before the start of the cycle that
  // found them; the previous run marks the previous cycle's start.
  std::vector<uint64_t> run;
  uint64_t allocs = 0, prev_start = 0, run_at = 0;
  uint64_t last_g = 0;  // the last allocation's goroutine
  absl::Status st = (*reader)->ForEach([&](const traces::TraceEvent& ev) {
    if (ev.kind == traces::EventKind::kDeath) {
      info->deaths++;
      if (ev.earliest == traces::kNoEarliest) {
        if (exact != nullptr) exact->push_back({allocs, ev.object});
        return;
      }
      info->estimated_deaths++;
      run.push_back(ev.object);
      run_at = allocs;
      return;
    }
    if (!run.empty()) {
      Spread(&run, prev_start, run_at, placed);
      prev_start = run_at;
    }
    // A recorded cycle start (reference imports keep GS) is the bound
    // even for a cycle that found nothing dead.
    if (ev.kind == traces::RefKind(traces::RefTag::kGS)) prev_start = allocs;
    if (ev.kind == traces::EventKind::kGoRun || ev.kind == traces::EventKind::kGoStop) info->schedule_events++;
    if (ev.kind == traces::EventKind::kAlloc) {
      allocs++;
      // Runs of one goroutine's allocations hash it once.
      if (allocs == 1 || ev.g != last_g) allocating->insert(ev.g);
      last_g = ev.g;
      if (keys != nullptr) {
        auto [it, fresh] = goroutine_index.try_emplace(ev.g, static_cast<uint32_t>(goroutine_index.size()));
        uint64_t shape = ev.size * 1099511628211ull;
        if (ev.type < static_cast<uint32_t>(h.types_size())) {
          const auto& t = h.types(static_cast<int>(ev.type));
          shape ^= (t.size() * 31 + t.ptrdata()) * 1469598103934665603ull + t.flags();
        }
        keys->push_back({it->second, shape});
      }
    }
  });
  if (!st.ok()) return st;
  if (!run.empty()) Spread(&run, prev_start, run_at, placed);
  info->allocations = allocs;
  if (crcs != nullptr) *crcs = (*reader)->chunk_crcs();
  return absl::OkStatus();
}

// Replaces the deaths of the objects paired with the lifetime run's by
// that run's lifetimes (trace_lifetimes.h).
absl::Status ApplyLifetimes(const std::string& lifetimes, const std::vector<AllocKey>& keys,
                            const std::vector<PlacedDeath>& exact, std::vector<PlacedDeath>* placed, TraceInfo* info) {
  TraceInfo li;
  std::vector<PlacedDeath> life_placed;
  absl::flat_hash_set<uint64_t> life_allocating;
  std::vector<AllocKey> life_keys;
  if (absl::Status st = ScanTrace(lifetimes, &li, &life_placed, &life_allocating, &life_keys, &life_placed);
      !st.ok()) {
    return st;
  }
  const std::vector<uint64_t> pair = PairAllocations(keys, life_keys);
  // Lifetimes count the lifetime run's allocations that pair with the main
  // run's (the runtime's own, which differ between the runs, do not
  // count): paired_before[k] of them come before its allocation k.
  std::vector<uint64_t> paired_before(life_keys.size() + 1, 0);
  {
    std::vector<bool> paired(life_keys.size(), false);
    for (uint64_t l : pair) {
      if (l != kUnpaired) paired[l] = true;
    }
    for (uint64_t k = 0; k < life_keys.size(); k++) paired_before[k + 1] = paired_before[k] + (paired[k] ? 1 : 0);
  }
  std::vector<uint64_t> life_death(life_keys.size(), kUnpaired);  // by life object: its death's position
  for (const PlacedDeath& d : life_placed) {
    if (d.object < life_death.size()) life_death[d.object] = std::min(d.before, life_keys.size());
  }
  // Object o's death: as many of the main run's allocations after its own
  // as the lifetime run had (paired) from its own to the death.
  auto death_of = [&](uint64_t o) {
    if (o >= pair.size() || pair[o] == kUnpaired || life_death[pair[o]] == kUnpaired) return kUnpaired;
    const uint64_t l = pair[o];
    return o + std::max<uint64_t>(1, paired_before[life_death[l]] - paired_before[l]);
  };
  std::vector<bool> dead(keys.size(), false);
  for (const PlacedDeath& d : exact) {
    if (d.object < dead.size()) dead[d.object] = true;
  }
  for (PlacedDeath& d : *placed) {
    if (d.object >= dead.size()) continue;
    dead[d.object] = true;
    const uint64_t at = death_of(d.object);
    if (at == kUnpaired) continue;
    d.before = at;
    info->lifetime_deaths++;
  }
  // Objects the main recording never saw die (alive in spans it did not
  // sweep before it ended) but the lifetime run did.
  for (uint64_t o = 0; o < keys.size(); o++) {
    const uint64_t at = dead[o] ? kUnpaired : death_of(o);
    if (at == kUnpaired) continue;
    placed->push_back({at, o});
    info->lifetime_deaths++;
  }
  for (uint64_t p : pair) info->lifetime_pairs += p != kUnpaired ? 1 : 0;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TraceEventSource>> OpenTraceEvents(const std::string& path, TraceInfo* info,
                                                                  const std::string& lifetimes,
                                                                  bool keep_recorder_time) {
  TraceInfo local;
  if (info == nullptr) info = &local;
  *info = TraceInfo{};
  std::vector<PlacedDeath> placed, exact;
  absl::flat_hash_set<uint64_t> allocating;
  std::vector<AllocKey> keys;
  const bool pairing = !lifetimes.empty();
  // The second pass trusts the first's checksums if the file is the same.
  const std::optional<FileStamp> stamp = StampOf(path);
  std::vector<uint32_t> crcs;
  if (absl::Status st =
          ScanTrace(path, info, &placed, &allocating, pairing ? &keys : nullptr, pairing ? &exact : nullptr, &crcs);
      !st.ok()) {
    return st;
  }
  if (pairing) {
    if (absl::Status st = ApplyLifetimes(lifetimes, keys, exact, &placed, info); !st.ok()) return st;
  }
  RadixSortBy(&placed, [](const PlacedDeath& d) { return d.before; });  // stable: as std::stable_sort
  auto reader = traces::TraceReader::Open(path);
  if (!reader.ok()) return reader.status();
  const bool trust = stamp.has_value() && StampOf(path) == stamp;
  if (trust) (*reader)->TrustChunkCrcs(std::move(crcs));
  if (info->schedule_events == 0) allocating.clear();  // nothing says when they ran
  return std::make_unique<TraceSource>(*std::move(reader), std::move(placed), std::move(allocating),
                                       trust ? stamp : std::nullopt, keep_recorder_time);
}

}  // namespace gogcsim::scenarios
