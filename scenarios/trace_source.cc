#include "scenarios/trace_source.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "model/malloc.h"
#include "traces/record_checker.h"
#include "traces/trace_format.h"
#include "traces/trace_reader.h"

namespace gogcsim::scenarios {
namespace {

// A death placed before the allocation with ordinal `before`.
struct PlacedDeath {
  uint64_t before;
  uint64_t object;
};

class TraceSource : public TraceEventSource {
 public:
  TraceSource(std::unique_ptr<traces::TraceReader> reader, std::vector<PlacedDeath> placed,
              absl::flat_hash_set<uint64_t> allocating)
      : reader_(std::move(reader)), placed_(std::move(placed)), allocating_(std::move(allocating)) {
    const auto& h = reader_->header();
    ns_per_unit_ = h.clock_unit_ns() > 0 ? h.clock_unit_ns() : 1.0;
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
      if (next_placed_ < placed_.size() && placed_[next_placed_].before <= allocs_ && have_alloc_) {
        *e = TraceEvent{};
        e->kind = TraceEvent::Kind::kDeath;
        e->object = placed_[next_placed_++].object;
        return true;
      }
      if (have_alloc_) {
        have_alloc_ = false;
        allocs_++;
        *e = alloc_;
        return true;
      }
      traces::TraceEvent ev;
      absl::StatusOr<bool> more = reader_->Next(&ev);
      if (!more.ok() || !*more) {
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
    const double t = static_cast<double>(ev.time) * ns_per_unit_;
    if (!have_first_) {
      first_t_ = t;
      first_alloc_ = ev.kind == traces::EventKind::kAlloc;
      have_first_ = true;
    }
    if (!(std::fabs(t - first_t_) <= static_cast<double>(traces::kMaxTimeSpanNs))) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: event %d: %s time %d (%.0f ns) is more than 24 h from the first %s", reader_->path(), ev.index,
          traces::EventKindName(ev.kind), ev.time, t, first_alloc_ ? "allocation's" : "timed event's"));
    }
    return static_cast<int64_t>(t);
  }

  std::unique_ptr<traces::TraceReader> reader_;
  std::vector<PlacedDeath> placed_;  // by `before`
  // The goroutines that allocate, if the trace says when goroutines ran:
  // those the what-if runs. The others are the runtime's (mark workers,
  // bgsweep, the scavenger, forcegc), which the simulation has itself, or
  // compute only.
  absl::flat_hash_set<uint64_t> allocating_;
  size_t next_placed_ = 0;
  std::vector<model::AllocRequest> types_;
  double ns_per_unit_ = 1;
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
  std::sort(run->begin(), run->end());
  const double n = static_cast<double>(run->size());
  const double width = static_cast<double>(hi > lo ? hi - lo : 0);
  for (size_t i = 0; i < run->size(); i++) {
    const uint64_t at = lo + static_cast<uint64_t>(width * (static_cast<double>(i) + 0.5) / n);
    out->push_back({std::max(at, (*run)[i] + 1), (*run)[i]});
  }
  run->clear();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TraceEventSource>> OpenTraceEvents(const std::string& path, TraceInfo* info) {
  TraceInfo local;
  if (info == nullptr) info = &local;
  *info = TraceInfo{};
  std::vector<PlacedDeath> placed;
  absl::flat_hash_set<uint64_t> allocating;
  {
    auto reader = traces::TraceReader::Open(path);
    if (!reader.ok()) return reader.status();
    const auto& h = (*reader)->header();
    if (h.has_gomaxprocs()) info->gomaxprocs = h.gomaxprocs();
    if (h.has_gogc()) {
      info->has_gogc = true;
      info->gogc = h.gogc();
    }
    // Runs of bounded deaths stand just before the start of the cycle that
    // found them; the previous run marks the previous cycle's start.
    std::vector<uint64_t> run;
    uint64_t allocs = 0, prev_start = 0, run_at = 0;
    absl::Status st = (*reader)->ForEach([&](const traces::TraceEvent& ev) {
      if (ev.kind == traces::EventKind::kDeath) {
        info->deaths++;
        if (ev.earliest == traces::kNoEarliest) return;
        info->estimated_deaths++;
        run.push_back(ev.object);
        run_at = allocs;
        return;
      }
      if (!run.empty()) {
        Spread(&run, prev_start, run_at, &placed);
        prev_start = run_at;
      }
      // A recorded cycle start (reference imports keep GS) is the bound
      // even for a cycle that found nothing dead.
      if (ev.kind == traces::RefKind(traces::RefTag::kGS)) prev_start = allocs;
      if (ev.kind == traces::EventKind::kGoRun || ev.kind == traces::EventKind::kGoStop) info->schedule_events++;
      if (ev.kind == traces::EventKind::kAlloc) {
        allocs++;
        allocating.insert(ev.g);
      }
    });
    if (!st.ok()) return st;
    if (!run.empty()) Spread(&run, prev_start, run_at, &placed);
    info->allocations = allocs;
  }
  std::stable_sort(placed.begin(), placed.end(),
                   [](const PlacedDeath& a, const PlacedDeath& b) { return a.before < b.before; });
  auto reader = traces::TraceReader::Open(path);
  if (!reader.ok()) return reader.status();
  if (info->schedule_events == 0) allocating.clear();  // nothing says when they ran
  return std::unique_ptr<TraceEventSource>(
      new TraceSource(*std::move(reader), std::move(placed), std::move(allocating)));
}

}  // namespace gogcsim::scenarios
