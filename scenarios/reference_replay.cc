#include "scenarios/reference_replay.h"

#include <algorithm>
#include <array>
#include <bit>
#include <deque>
#include <iterator>
#include <memory>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_format.h"
#include "model/malloc.h"
#include "model/mbitmap.h"
#include "model/mgcpacer.h"
#include "model/mgcsweep.h"
#include "model/mgcwork.h"
#include "model/proc.h"
#include "scenarios/replay_gc.h"
#include "sim/address_space.h"
#include "sim/check.h"
#include "sim/out_of_memory.h"
#include "sim/event_queue.h"
#include "traces/record_checker.h"
#include "traces/record_prefetcher.h"
#include "traces/reference_reader.h"
#include "traces/trace_record_source.h"

namespace gogcsim::scenarios {
namespace {

using traces::RefRecord;
using traces::RefTag;

// A simulated record: the fields the recorder would have written, in its
// order (F64 fields as bit patterns), compared with the recorded record's
// parsed fields and formatted as a reference line only for reports. CS and
// L records get their heap_live field when they are compared (see Consume).
struct SimRecord {
  RefTag tag;
  int64_t key;  // Z, F: address; CS/UC: span class; L: npages; SW: who
  int n = 0;    // fields
  // A Z whose address no zerobase can have (see Consume): matches nothing.
  bool bad_zerobase = false;
  uint64_t base = 0;         // UC, SW (and F with several Ps): the span's base address
  uint64_t npages = 0;       // SW: the span's size
  int64_t p = -1;            // UC: whose mcache held it
  bool to_nonempty = false;  // SW: freeSpan moved the span empty -> nonempty
  uint64_t at = 0;           // the recording's line when it was made
  int64_t call_scan_work = 0;  // PR: the scanWork its revise call read (field 4 may be revised to explain a race)

  // The fields. Records are queued by the thousand and moved about, so
  // they are kept small: inline, but for PT, PS and PE, which have more.
  static constexpr int kNarrow = 7;
  int64_t narrow[kNarrow] = {};
  std::unique_ptr<int64_t[]> wide = nullptr;
  int64_t* v() { return wide != nullptr ? wide.get() : narrow; }
  const int64_t* v() const { return wide != nullptr ? wide.get() : narrow; }
  uint64_t U64(int k) const { return static_cast<uint64_t>(v()[k]); }
  // Appends a field (the heap_live of CS, L and UC; the clock of GS).
  void Push(int64_t x) {
    GOGCSIM_CHECK(wide == nullptr && n < kNarrow);
    narrow[n++] = x;
  }
};

// A float64 field: its bit pattern, as the recorder writes it (16 hex digits).
int64_t Bits(double f) { return std::bit_cast<int64_t>(f); }

// A simulated record of tag with these fields (integers; floats via Bits).
template <typename... Field>
SimRecord Rec(RefTag tag, int64_t key, Field... f) {
  static_assert((std::is_integral_v<Field> && ...), "F64 fields go in as Bits(x)");
  SimRecord r{tag, key};
  r.n = static_cast<int>(sizeof...(f));
  if (r.n > SimRecord::kNarrow) r.wide = std::make_unique<int64_t[]>(sizeof...(f));
  int64_t* v = r.v();
  int k = 0;
  ((v[k++] = static_cast<int64_t>(f)), ...);
  return r;
}

// Whether the simulated record is the recorded one: same tag, same fields.
bool SameRecord(const SimRecord& got, const RefRecord& rec) {
  if (got.tag != rec.tag || got.n != rec.n || got.bad_zerobase) return false;
  const int64_t* v = got.v();
  for (int k = 0; k < got.n; k++) {
    if (v[k] != rec.v[k]) return false;
  }
  return true;
}

// A record as the recorder wrote it (for records read without their text).
std::string RecordedText(const RefRecord& rec) {
  char buf[traces::kMaxRefFields * 21 + 16];
  return std::string(buf, traces::FormatRefLine(rec, buf));
}

// The simulated record as the recorder would have written its line.
std::string SimText(const SimRecord& r) {
  if (r.bad_zerobase) return absl::StrFormat("Z <zerobase %d>", r.v()[0]);
  RefRecord rec;
  rec.tag = r.tag;
  rec.n = r.n;
  const traces::RefSchema& s = traces::RefSchemaOf(r.tag);
  rec.bar = s.has_bar && r.n > s.inputs ? s.inputs : -1;
  std::copy(r.v(), r.v() + r.n, rec.v);
  return RecordedText(rec);
}

// Simulated records not yet seen in the recording, oldest first. Records
// are mostly taken from the front (a sweep can queue thousands of F
// records), and a request usually has one or two (no allocation until the
// first, unlike std::deque).
class SimRecords {
  // Most requests make one record (their Z): that one needs no allocation.
  using Storage = absl::InlinedVector<SimRecord, 1>;

 public:
  using iterator = Storage::iterator;
  iterator begin() { return v_.begin() + static_cast<std::ptrdiff_t>(head_); }
  iterator end() { return v_.end(); }
  Storage::const_iterator begin() const { return v_.begin() + static_cast<std::ptrdiff_t>(head_); }
  Storage::const_iterator end() const { return v_.end(); }
  bool empty() const { return head_ == v_.size(); }
  void push_back(SimRecord r) { v_.push_back(std::move(r)); }
  void erase(iterator it) {
    if (it == begin()) {
      it->wide.reset();  // the slot stays until the queue empties
      head_++;
    } else {
      v_.erase(it);
    }
    if (head_ == v_.size()) {
      v_.erase(v_.begin(), v_.end());  // unlike clear(), keeps the allocation
      head_ = 0;
    }
  }

 private:
  Storage v_;
  size_t head_ = 0;  // v_[0, head_) were taken
};

SimRecord RecPR(const model::ReviseDecision& d) {
  SimRecord r = Rec(RefTag::kPR, 0, d.gcpercent, d.heap_live, d.next_gc, d.heap_scan, d.scanWork,
                    Bits(d.assistWorkPerByte), Bits(d.assistBytesPerWork));
  r.call_scan_work = d.scanWork;
  return r;
}

// The revise call a PR record was made by: its fields, but the scanWork the
// call read.
model::ReviseDecision ReviseCall(const SimRecord& pr) {
  model::ReviseDecision d{};
  d.gcpercent = static_cast<int32_t>(pr.v()[0]);
  d.heap_live = pr.U64(1);
  d.next_gc = pr.U64(2);
  d.heap_scan = pr.U64(3);
  d.scanWork = pr.call_scan_work;
  d.assistWorkPerByte = std::bit_cast<double>(pr.v()[5]);
  d.assistBytesPerWork = std::bit_cast<double>(pr.v()[6]);
  return d;
}

// Whether revise with these inputs and outputs made the recorded PR.
bool SamePR(const model::ReviseDecision& d, const RefRecord& rec) { return SameRecord(RecPR(d), rec); }

// Gives *got the fields of `with`, keeping what the replay noted about it.
void SetFields(SimRecord* got, SimRecord with) {
  got->n = with.n;
  got->bad_zerobase = with.bad_zerobase;
  std::copy(std::begin(with.narrow), std::end(with.narrow), got->narrow);
  got->wide = std::move(with.wide);
}

// Whether got and rec agree in tag and in their first k fields.
bool SamePrefix(const SimRecord& got, const RefRecord& rec, int k) {
  if (got.tag != rec.tag || got.n < k || rec.n < k || got.bad_zerobase) return false;
  return std::equal(got.v(), got.v() + k, rec.v);
}

// The header's settings, which the simulated machine needs before the first
// record: H comes after the runtime's own first allocations, a few hundred
// lines into the file.
struct Header {
  int gomaxprocs = 1;
  int32_t gcpercent = 100;
};

absl::StatusOr<Header> ReadHeader(const std::string& path) {
  auto opened = traces::OpenRecordSource(path, traces::RecordText::kIfFree);
  if (!opened.ok()) return opened.status();
  // Records out of range (sizes, Ps, pages, times) are errors here.
  absl::StatusOr<std::unique_ptr<traces::RecordSource>> reader = traces::CheckRecords(*std::move(opened));
  RefRecord rec;
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&rec);
    if (!more.ok()) return more.status();
    if (!*more) return absl::InvalidArgumentError(absl::StrFormat("%s: no H record", path));
    if (rec.tag == RefTag::kGS) {
      return absl::InvalidArgumentError(absl::StrFormat("%s:%d: GC cycle before the H record", path, rec.line));
    }
    if (rec.tag != RefTag::kH) continue;
    if (rec.v[0] < 1 || rec.v[0] > 256) {
      return absl::InvalidArgumentError(absl::StrFormat("%s:%d: gomaxprocs %d out of range", path, rec.line, rec.v[0]));
    }
    return Header{static_cast<int>(rec.v[0]), static_cast<int32_t>(rec.v[1])};
  }
}

// A record in the window: it stays in the prefetcher's batch number
// `block` until the window has moved past that batch.
struct Owned {
  const RefRecord& rec;
  uint64_t block;
};

// The window's records, oldest first: a ring of slots that only grows (a
// whole cycle is read ahead at mark termination). Indexing is the hot path
// of every look through the lookahead.
class RecordWindow {
 public:
  size_t size() const { return size_; }
  Owned operator[](size_t k) const {
    const Slot& s = slots_[(head_ + k) & mask_];
    return {*s.rec, s.block};
  }
  Owned front() const { return (*this)[0]; }
  void push_back(const Owned& o) {
    if (size_ == slots_.size()) Grow();
    slots_[(head_ + size_) & mask_] = {&o.rec, o.block};
    size_++;
  }
  void pop_front() {
    head_ = (head_ + 1) & mask_;
    size_--;
  }

  // Forward iteration, for the <algorithm>s; *it is an Owned by value.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Owned;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Owned;
    iterator(const RecordWindow* w, size_t k) : w_(w), k_(k) {}
    Owned operator*() const { return (*w_)[k_]; }
    iterator& operator++() {
      k_++;
      return *this;
    }
    iterator operator+(std::ptrdiff_t d) const { return {w_, k_ + static_cast<size_t>(d)}; }
    std::ptrdiff_t operator-(const iterator& o) const {
      return static_cast<std::ptrdiff_t>(k_) - static_cast<std::ptrdiff_t>(o.k_);
    }
    bool operator==(const iterator& o) const { return k_ == o.k_; }

   private:
    const RecordWindow* w_;
    size_t k_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size_}; }

 private:
  struct Slot {
    const RefRecord* rec;
    uint64_t block;
  };
  void Grow() {
    std::vector<Slot> bigger(std::max<size_t>(1024, 2 * slots_.size()));  // a power of two
    for (size_t k = 0; k < size_; k++) bigger[k] = slots_[(head_ + k) & mask_];
    slots_.swap(bigger);
    head_ = 0;
    mask_ = slots_.size() - 1;
  }
  std::vector<Slot> slots_;
  size_t head_ = 0;  // slot of the oldest record
  size_t size_ = 0;
  size_t mask_ = 0;  // slots_.size() - 1
};

// One allocation request from the recording.
struct Request {
  int64_t p;
  int64_t g;
  uint64_t line;
  model::AllocRequest req;
  bool executed = false;
  SimRecords produced;  // effects not yet seen in the recording
  // heap_live added by this request's span hand-out but not yet visible
  // (see OrderByHeapLock); applied when its CS/L record shows up.
  uint64_t deferred_live = 0;
  uint64_t last_seen = 0;  // line of its A record or of its last record compared
  // Pages its deductSweepCredit loop swept before the request ran here
  // (ConcurrentProportionalSweep).
  uint64_t concurrent_swept = 0;
  // heap_live when its goroutine went on to allocate: at its A record, or
  // at the end of the assist mallocgc made first (AE). See
  // LateDeductSweepCredit.
  uint64_t live_at_start = 0;
  // The line of its CS/L record in the window when it ran (0: not seen).
  uint64_t handout_line = 0;
  // Its P was looked up again (RehomeDescheduledRequests).
  bool rehomed = false;
  // Its hand-out revise, made already (HandOutLandedBeforeRevise).
  std::optional<model::ReviseDecision> early_revise;
};

class Replayer : public model::AllocEvents, public model::GcHooks, public model::PacerObserver {
 public:
  Replayer(const ReplayOptions& opts, Header header)
      : opts_(opts),
        pp_(header),
        malloc_(&os_, &q_.clock(), opts.seed),
        wbufs_(&malloc_.heap(), &malloc_.memstats().gc_sys),
        sched_(&q_, pp_.gomaxprocs, model::CostModel(), opts.seed, &malloc_, &wbufs_),
        sweeper_(&malloc_, &graph_, &sched_),
        controller_(&malloc_.memstats(), &malloc_.heap()) {}

  absl::StatusOr<ReplayReport> Run(const std::string& path) {
    report_.path = path;
    if (absl::Status st = malloc_.Init(); !st.ok()) return st;
    malloc_.heap().set_events(this);
    malloc_.heap().set_hooks(this);
    controller_.set_observer(this);
    // A trace's line texts are only needed for a divergence report.
    auto reader = traces::OpenRecordSource(path, traces::RecordText::kIfFree);
    if (!reader.ok()) return reader.status();
    reader_ = std::make_unique<traces::RecordPrefetcher>(traces::CheckRecords(*std::move(reader)));
    for (;;) {
      if (absl::Status st = FillWindow(cur_ + kLookahead); !st.ok()) return st;
      if (cur_ >= window_.size()) break;
      const RefRecord& rec = window_[cur_].rec;
      if (rec.tag == RefTag::kGS && opts_.stop_at_first_gc) {
        report_.stopped_at_first_gc = true;
        break;
      }
      Handle(rec);
      if (!error_.ok()) return error_;
      report_.lines = rec.line;
      RetireOldRequests(rec.line);
      // Keep kLookahead handled records as history for InferOwner.
      if (cur_ < kLookahead) {
        cur_++;
      } else {
        window_.pop_front();
        reader_->ReleaseBefore(window_.front().block);
      }
    }
    if (!report_.stopped_at_first_gc) {
      if (flushing_) FinishMarkTermination();
      ReportLeftovers();
      SetAsideUnrecordedSweep();
    }
    return report_;
  }

  // Reads ahead until the window holds `size` records (or the file ends).
  absl::Status FillWindow(size_t size) {
    while (!eof_ && window_.size() < size) {
      const RefRecord* rec = nullptr;
      uint64_t block = 0;
      absl::StatusOr<bool> more = reader_->Next(&rec, &block);
      if (!more.ok() || !*more) {
        if (!more.ok()) return more.status();
        eof_ = true;
        break;
      }
      window_.push_back({*rec, block});
      if (absl::Status st = Scout(*rec); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  // The end of the lookahead the matching rules look at (the window may
  // hold more: a whole cycle is read ahead at mark termination).
  size_t LookaheadEnd() const { return std::min(window_.size(), cur_ + kLookahead); }
  // Marks span s as being swept by another thread (sweepgen - 1), so
  // that cacheSpan and sweepone pass it, until the request running now
  // ends; then it gets sweepgen `after` (Execute).
  void Claim(model::MSpan* s, uint32_t after) {
    s->sweepgen = malloc_.heap().sweepgen - 1;
    claimed_.push_back({s, after});
  }
  // The end of the longer lookahead a stalled thread's records may need.
  size_t StallLookaheadEnd() const { return std::min(window_.size(), cur_ + kStallLookahead); }

  // What reading ahead learns for later: the objects each cycle's sweep
  // freed (its F records, between its MT and the next), which stand for the
  // marking the recording does not show.
  absl::Status Scout(const RefRecord& rec) {
    if (rec.tag == RefTag::kMT) {
      mt_read_++;
      freed_.emplace_back();
    } else if (rec.tag == RefTag::kF) {
      if (mt_read_ == 0) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s:%d: F record before any mark termination", reader_->path(), rec.line));
      }
      freed_.back().push_back(rec.U64(0));
    }
    return absl::OkStatus();
  }

  // AllocEvents: what the allocator and sweeper did, in reference format.
  void OnCacheSpan(const model::MSpan& s, uint64_t heap_live) override {
    Emit(Rec(RefTag::kCS, s.spanclass, s.spanclass, s.base(), s.allocCount, s.freeindex));
  }
  void OnUncacheSpan(const model::MSpan& s, uint64_t heap_live) override {
    // heap_live is read when the record is compared (FlushStep).
    SimRecord r = Rec(RefTag::kUC, s.spanclass, s.spanclass, s.base(), s.allocCount);
    r.base = s.base();
    Emit(std::move(r));
  }
  void OnLargeAlloc(const model::MSpan& s, uint64_t heap_live) override {
    Emit(Rec(RefTag::kL, static_cast<int64_t>(s.npages), s.npages, s.base()));
  }
  void OnSweepFree(uint64_t addr) override {
    finalizers_.erase(addr);
    SimRecord r = Rec(RefTag::kF, static_cast<int64_t>(addr), addr);
    if (pp_.gomaxprocs > 1) r.base = malloc_.heap().SpanOf(addr)->base();  // SweepStarted
    Emit(std::move(r));
    scan_before_frees_ = malloc_.memstats().heap_scan;  // the sweep's freeSpan may flush after
  }
  void OnSweep(uint64_t base, model::SpanClass spc, uint64_t npages, uint64_t allocCount, bool preserve,
               bool result) override {
    const int who = bg_sweeping_ ? kBgSweeper : 0;
    SimRecord r = Rec(RefTag::kSW, who, who, base, spc, npages, allocCount, preserve, result);
    r.base = base;
    r.npages = npages;
    // mspan.sweep's wasempty: a span swept outside an mcache was on its
    // mcentral's empty list iff it was full.
    const model::MSpan* s = result ? nullptr : malloc_.heap().SpanOf(base);
    r.to_nonempty = s != nullptr && !preserve && model::SizeClassOf(spc) != 0 && allocCount == s->nelems &&
                    s->allocCount < allocCount;
    Emit(std::move(r));
    if (result && pp_.gomaxprocs > 1) NoteFlushAlternatives(malloc_.memstats().heap_scan - scan_before_frees_);
  }

  // PacerObserver: the pacer's calls, as the recorder writes them.
  void OnSetTrigger(const model::SetTriggerDecision& d) override {
    Emit(Rec(RefTag::kPT, 0, Bits(d.in_triggerRatio), d.gcpercent, d.heap_marked, d.heap_live, d.heapminimum,
             d.sweepdone, d.pagesInUse, d.pagesSwept, d.mark_phase, Bits(d.triggerRatio), d.gc_trigger, d.next_gc,
             Bits(d.sweepPagesPerByte), d.sweepHeapLiveBasis, d.pagesSweptBasis));
  }
  void OnStartCycle(const model::StartCycleDecision& d) override {
    Emit(Rec(RefTag::kPS, 0, d.gc_trigger, d.heapminimum, d.in_heap_marked, Bits(d.triggerRatio), d.heap_live,
             d.gcpercent, d.gomaxprocs, d.heap_marked, d.next_gc, d.dedicatedMarkWorkersNeeded,
             Bits(d.fractionalUtilizationGoal)));
  }
  void OnRevise(const model::ReviseDecision& d) override { Emit(RecPR(d)); }
  void OnEndCycle(const model::EndCycleDecision& d) override {
    Emit(Rec(RefTag::kPE, 0, d.userForced, Bits(d.in_triggerRatio), d.gcpercent, d.heap_live, d.heap_marked,
             d.markStartTime, d.now, d.assistTime, d.gomaxprocs, Bits(d.triggerRatio)));
  }

  // GcHooks: the collector as the recording drives it.
  bool BlackenEnabled() const override { return blacken_; }
  void Revise() override { controller_.Revise(); }
  void DeductSweepCredit(uint64_t spanBytes, uint64_t callerSweepPages) override {
    const model::MHeap& h = malloc_.heap();
    credit_ = {executing_ != nullptr ? executing_->line : 0, h.pagesSwept, h.pagesSweptBasis};
    if (pp_.gomaxprocs == 1 || executing_ == nullptr) return sweeper_.DeductSweepCredit(spanBytes, callerSweepPages);
    LateDeductSweepCredit(spanBytes, callerSweepPages);
    // Sweeps of the next spans that the recording shows ending before the
    // request's hand-out put their spans back on nonempty before cacheSpan
    // looked: the background sweeper's, or another sweepone loop's.
    for (model::MSpan* next = NextSweepOneSpan(); next != nullptr; next = NextSweepOneSpan()) {
      const RefRecord* sw = FirstSweepOf(next->base());
      if (sw == nullptr || sw->line > executing_->handout_line) break;
      if (sw->v[0] == kBgSweeper) {
        BackgroundSweepDuringRefill(*sw);
      } else if (sw->v[5] == 0 && LeftToLaterLoop(next)) {
        continue;
      } else if (sw->v[5] == 0) {
        LoopSweepDuringRefill();
      } else {
        break;  // a cacheSpan's own sweep
      }
    }
    FreeSpansBeforeHandOut();
    const RefRecord* handout = executing_->handout_line != 0 ? WindowRecord(executing_->handout_line) : nullptr;
    if (handout != nullptr && handout->tag == RefTag::kCS) {
      // Earlier hand-outs took their spans before any race over the rest,
      // unless OrderByHeapLock runs this refill because it took the lock
      // before the current CS record's (P0's class-61 refill, CS at line
      // 596,073, took its span before P1's CS at 595,694 and the others
      // recorded in between).
      if (!lock_first_) LeaveSpansToEarlierHandOuts(*handout);
      SettleFreeSpanRace(*handout, executing_->line);
      PassedNonemptyBeforeFrees(*handout, executing_->line);
      LeaveSpansToEarlierLocks(*handout);
    }
    ClaimUnfinishedSweeps(handout != nullptr ? handout->U64(1) : 0);
    ClaimSpansOthersSweep();
  }
  bool Sweep(model::MSpan* s, bool preserve) override { return sweeper_.SpanSweep(s, preserve); }
  uint64_t SweepOne() override { return pp_.gomaxprocs > 1 ? SweepOnePastClaimed() : sweeper_.SweepOne(); }
  bool MarkPhase() const override { return phase_ != Phase::kOff; }
  void MaybeStartGC() override { trigger_check_ = true; }

 private:
  static constexpr int kBgSweeper = 66;  // the recorder's "who" for bgsweep
  enum class Phase { kOff, kMark, kMarkTermination };

  // Where simulated records go: the running request's list, or the
  // collector's own (gcStart, mark termination, background sweeps).
  void Emit(SimRecord r) {
    r.at = cur_ < window_.size() ? window_[cur_].rec.line : 0;
    out_->push_back(std::move(r));
  }

  model::MCache* Cache(int64_t p) {
    // P -1 (no P yet) uses the bootstrap mcache, which becomes P 0's.
    const size_t i = p < 0 ? 0 : static_cast<size_t>(p);
    if (i >= caches_.size()) [[unlikely]] AddCaches(i + 1);
    return caches_[i].get();
  }
  [[gnu::noinline]] void AddCaches(size_t n) {
    while (caches_.size() < n) caches_.push_back(malloc_.NewMCache());
  }

  void Handle(const RefRecord& rec) {
    if (flushing_) {
      if (rec.tag == RefTag::kUC) return FlushStep(rec);
      FinishMarkTermination();
    }
    switch (rec.tag) {
      case RefTag::kH:
        enablegc_ = true;  // gcenable: from now on allocations may start a cycle
        break;
      case RefTag::kA: {
        if (rec.v[0] >= 0) {
          if (last_a_.size() <= static_cast<size_t>(rec.v[0])) last_a_.resize(rec.v[0] + 1);
          last_a_[rec.v[0]] = {rec.line, rec.v[1]};
        }
        Request& r = requests_.emplace_back();
        r.p = rec.v[0];
        r.g = rec.v[1];
        r.live_at_start = malloc_.memstats().heap_live;
        r.line = rec.line;
        r.last_seen = rec.line;
        r.req = RequestOf(rec);
        report_.allocs++;
        break;
      }
      case RefTag::kZ:
      case RefTag::kCS:
      case RefTag::kUC:
      case RefTag::kL:
      case RefTag::kHM:
      case RefTag::kPS:
      case RefTag::kPR:
        MatchEffect(rec);
        break;
      case RefTag::kPT:
        if (!gcinit_done_) {
          // gcinit ran here (schedinit, between runtime allocations).
          gcinit_done_ = true;
          controller_.GcInit(pp_.gcpercent);
        }
        MatchEffect(rec);
        break;
      case RefTag::kF:
      case RefTag::kSW:
        // A background sweep shows as its F records and then its SW: sweep
        // when the first of them shows up.
        if (!HasPending(gc_out_, rec) && StartsBackgroundSweep(rec)) {
          AllocateDuringBackgroundSweep();
          BackgroundSweep(pp_.gomaxprocs > 1 ? sweep_base_ : 0);
        } else if (pp_.gomaxprocs > 1) {
          ConcurrentProportionalSweep(rec);
        }
        MatchEffect(rec);
        break;
      case RefTag::kGS:
        GcStartTheWorldStopped(rec);
        break;
      case RefTag::kMS:
        controller_.markStartTime = rec.v[0];
        break;
      case RefTag::kW:
        if (!early_scan_work_.empty() && early_scan_work_.front() == rec.line) {
          early_scan_work_.pop_front();  // added already (ScanWorkAddedBeforeRevise)
          break;
        }
        controller_.scanWork += rec.v[1];
        break;
      case RefTag::kAT:
        controller_.assistTime += rec.v[0];
        break;
      case RefTag::kPE:
        MarkDone(rec);
        break;
      case RefTag::kMT:
        MarkTermination(rec);
        break;
      case RefTag::kMA: {
        model::MSpan* s = malloc_.heap().AllocManual(rec.U64(1), &malloc_.memstats().stacks_inuse);
        SimRecord got = Rec(RefTag::kMA, 0, s->base(), s->npages);
        Compare(rec, &got);
        manual_[s->base()] = s;
        Check();
        break;
      }
      case RefTag::kMF: {
        if (pp_.gomaxprocs > 1) AllocBeforeManualFree();
        auto it = manual_.find(rec.U64(0));
        if (it == manual_.end()) {
          // The simulated heap never handed out a manual span there.
          Compare(rec, nullptr);
          break;
        }
        SimRecord got = Rec(RefTag::kMF, 0, it->second->base(), it->second->npages);
        Compare(rec, &got);
        malloc_.heap().FreeManual(it->second, &malloc_.memstats().stacks_inuse);
        manual_.erase(it);
        Check();
        break;
      }
      case RefTag::kAE:
        // The goroutine's pending mallocgc goes on to allocate.
        for (Request& r : requests_) {
          if (!r.executed && r.g == rec.v[0]) r.live_at_start = malloc_.memstats().heap_live;
        }
        break;
      default:
        break;  // C, AS, CQ: assist bookkeeping that feeds no checked value
    }
  }

  // gcTrigger{kind: gcTriggerHeap}.test().
  bool HeapTriggerTest() const {
    return enablegc_ && phase_ == Phase::kOff && malloc_.memstats().heap_live >= malloc_.memstats().gc_trigger;
  }

  // gcStart up to the stop-the-world, run by the allocating goroutine right
  // after the allocation: sweep what the last cycle left, then (if the
  // trigger still holds and no other start is under way) begin the start.
  // The rest happens at the GS record: in the first cycle gcStart blocks
  // there while the new mark workers start and other goroutines allocate.
  void GcStartBegin() {
    while (HeapTriggerTest() && sweeper_.SweepOne() != ~uint64_t{0}) {
    }
    if (!start_pending_ && HeapTriggerTest()) start_pending_ = true;
  }

  // gcStart from stopTheWorld on: sweep termination, startCycle, mark phase.
  void GcStartTheWorldStopped(const RefRecord& rec) {
    last_stw_line_ = rec.line;
    const bool started = start_pending_;
    start_pending_ = false;
    out_ = &gc_out_;
    sweeper_.FinishSweep();
    report_.cycles++;
    // The clock reading (last field) is the machine's: compare the rest.
    SimRecord got = Rec(RefTag::kGS, 0, report_.cycles, 1, 0, malloc_.memstats().heap_live);
    if (started && rec.n == got.n + 1 && std::equal(got.v(), got.v() + got.n, rec.v)) got.Push(rec.v[got.n]);
    Compare(rec, &got);
    controller_.StartCycle(pp_.gomaxprocs);
    // markrootSpans runs over the spans in use at mark start.
    finalizer_bytes_ = 0;
    for (const auto& [addr, size] : finalizers_) finalizer_bytes_ += size;
    phase_ = Phase::kMark;
    blacken_ = true;
  }

  // gcMarkDone's decision to terminate: assists and workers stop, and
  // endCycle computes the next trigger ratio at the recorded clock reading.
  void MarkDone(const RefRecord& rec) {
    if (phase_ != Phase::kMark) return Compare(rec, nullptr);
    blacken_ = false;
    out_ = &gc_out_;
    next_ratio_ = controller_.EndCycle(rec.v[6], pp_.gomaxprocs, false);
    MatchEffect(rec);
  }

  // gcMarkTermination up to the mcache flushes: the flushes are driven by
  // the UC records (FlushStep) and the rest waits for the HM record
  // (FinishMarkTermination).
  void MarkTermination(const RefRecord& rec) {
    last_stw_line_ = rec.line;
    if (phase_ != Phase::kMark || blacken_) return Compare(rec, nullptr);
    at_last_mt_ = {rec.line, report_.records, report_.first_divergence};
    out_ = &gc_out_;
    phase_ = Phase::kMarkTermination;
    // This cycle's F records run up to the next MT: read that far ahead.
    while (!eof_ && mt_read_ <= marked_cycles_ + 1) {
      if (absl::Status st = FillWindow(window_.size() + 4096); !st.ok()) {
        error_ = st;
        return;
      }
    }
    // markroot's flushmcache is one root job per P, and mark termination
    // runs its root jobs on several threads (gcMark's helpers): the Ps'
    // releaseAll loops, span class by span class, may run at once.
    flush_alts_.clear();  // cachestats and gcMark reset heap_scan
    flush_pending_.assign(caches_.size(), {});
    for (size_t p = 0; p < caches_.size(); p++) {
      for (int i = 0; i < model::kNumSpanClasses; i++) {
        const auto spc = static_cast<model::SpanClass>(i);
        if (!caches_[p]->IsEmptySpan(caches_[p]->alloc[spc])) flush_pending_[p].push_back(spc);
      }
    }
    flushing_ = true;
  }

  // One uncacheSpan of mark termination's mcache flushes, shown by the UC
  // record rec: the next span of the P whose releaseAll loop reached it.
  // The recorder writes UC after the heap_live Xadd, and the other P's next
  // Xadd may land in between (at most one: that thread writes its own UC
  // before its next Xadd); if heap_live then explains the record, it did.
  void FlushStep(const RefRecord& rec) {
    const uint64_t base = rec.U64(1);
    auto done = FindUncache(base);
    if (done == gc_out_.end()) {
      size_t p = 0;
      while (p < flush_pending_.size() && !NextFlushIs(p, rec)) p++;
      if (p == flush_pending_.size()) {
        // Not the next span of any P: take the first P with spans left.
        p = 0;
        while (p < flush_pending_.size() && flush_pending_[p].empty()) p++;
        if (p == flush_pending_.size()) return Compare(rec, nullptr);
      }
      ReleaseNext(p);
      done = std::prev(gc_out_.end());
    }
    const uint64_t want = rec.U64(3);
    for (size_t q = 0; q < flush_pending_.size() && malloc_.memstats().heap_live != want; q++) {
      if (static_cast<int64_t>(q) == done->p || flush_pending_[q].empty()) continue;
      const model::MSpan* s = caches_[q]->alloc[flush_pending_[q].front()];
      const uint64_t n = s->nelems - s->allocCount;  // nelems is the span's cap
      if (malloc_.memstats().heap_live - n * s->elemsize == want && UncacheFollows(s->base())) {
        ReleaseNext(q);
        done = FindUncache(base);
      }
    }
    SimRecord got = std::move(*done);
    gc_out_.erase(done);
    got.Push(static_cast<int64_t>(malloc_.memstats().heap_live));
    Compare(rec, &got);
  }

  // The simulated UC record of the span at base, if it was returned.
  SimRecords::iterator FindUncache(uint64_t base) {
    return std::find_if(gc_out_.begin(), gc_out_.end(),
                        [&](const SimRecord& r) { return r.tag == RefTag::kUC && r.base == base; });
  }

  bool NextFlushIs(size_t p, const RefRecord& uc) const {
    if (flush_pending_[p].empty()) return false;
    const model::MSpan* s = caches_[p]->alloc[flush_pending_[p].front()];
    return s->spanclass == uc.v[0] && s->base() == uc.U64(1);
  }

  // Whether a UC record of the span at base follows in the lookahead.
  bool UncacheFollows(uint64_t base) const {
    for (size_t k = cur_ + 1; k < LookaheadEnd(); k++) {
      const RefRecord& r = window_[k].rec;
      if (r.tag == RefTag::kUC && r.U64(1) == base) return true;
    }
    return false;
  }

  void ReleaseNext(size_t p) {
    const model::SpanClass spc = flush_pending_[p].front();
    flush_pending_[p].pop_front();
    caches_[p]->ReleaseSpan(spc);
    gc_out_.end()[-1].p = static_cast<int64_t>(p);
  }

  // The rest of gcMarkTermination: finish the flushes, take the cycle's
  // marks, set the heap statistics (HM), start sweeping and set the next
  // trigger (PT).
  void FinishMarkTermination() {
    flushing_ = false;
    out_ = &gc_out_;
    model::MemStats& m = malloc_.memstats();
    for (size_t p = 0; p < flush_pending_.size(); p++) {
      while (!flush_pending_[p].empty()) ReleaseNext(p);
    }
    for (auto& c : caches_) c->ReleaseAll();  // drops the tiny blocks
    for (auto& c : caches_) model::PurgeCachedStats(&c->stats, &m, &malloc_.heap().freestats);
    const size_t cycle = marked_cycles_++;
    // markrootSpans scans every object with a finalizer without marking it
    // (scanobject counts its bytes), and marking counts it again when it is
    // reachable: each one adds its size twice.
    const uint64_t bytesMarked = MarkFromRecording(malloc_.heap(), freed_[cycle], {}) + finalizer_bytes_;
    std::vector<uint64_t>().swap(freed_[cycle]);
    m.heap_marked = bytesMarked;
    m.heap_live = bytesMarked;
    m.heap_scan = static_cast<uint64_t>(controller_.scanWork);
    Emit(Rec(RefTag::kHM, 0, bytesMarked, m.heap_live, m.heap_scan));
    phase_ = Phase::kOff;
    sweeper_.GcSweep();
    controller_.SetTriggerRatio(next_ratio_, false);
    Check();
  }

  // One step of the background sweeper (bgsweep's sweepone).
  // expected: the span the recording shows swept (0: not known).
  void BackgroundSweep(uint64_t expected) {
    out_ = &gc_out_;
    if (pp_.gomaxprocs > 1) SettlePushRace(expected);
    const std::vector<model::MSpan*> passed =
        pp_.gomaxprocs > 1 ? PoppedByOtherSweeper(expected, true) : std::vector<model::MSpan*>{};
    sweeper_.set_local_stats(&Cache(BackgroundSweeperP())->stats);
    bg_sweeping_ = true;
    SweepOnePastClaimed();
    bg_sweeping_ = false;
    for (model::MSpan* s : passed) s->sweepgen = malloc_.heap().sweepgen - 2;  // swept at its own records
  }

  // The spans above `expected` (the span the recording shows bgsweep, or
  // else a sweepone loop, sweeping) on the unswept stack whose sweep the
  // recording shows by the other kind of sweeper later, not yet run: that
  // sweeper popped them first and began its sweep later. They are marked
  // claimed, for this sweepone to pass. (The who-0 sweeper's SW at line
  // 1,456,305, then 842353721344 swept from 1,456,348 to 1,456,366;
  // bgsweep took 842353098752 at 1,456,327. Goroutine 1's reclaim swept
  // 842357940224 from 1,456,557; bgsweep took 842354139136, SW at
  // 1,456,563.)
  std::vector<model::MSpan*> PoppedByOtherSweeper(uint64_t expected, bool bg) {
    std::vector<model::MSpan*> passed;
    if (expected == 0) return passed;
    model::MHeap& h = malloc_.heap();
    const std::vector<model::MSpan*>& unswept = h.sweepSpans[1 - h.sweepgen / 2 % 2];
    const uint64_t now = window_[cur_].rec.line;
    for (auto it = unswept.rbegin(); it != unswept.rend() && passed.size() < kOverlapSearch; ++it) {
      model::MSpan* s = *it;
      if (s->state != model::SpanState::kInUse || s->sweepgen != h.sweepgen - 2) continue;
      if (s->base() == expected) {
        for (model::MSpan* p : passed) p->sweepgen = h.sweepgen - 1;
        return passed;
      }
      const RefRecord* sw = FirstSweepOf(s->base());
      if (sw == nullptr || (sw->v[0] == kBgSweeper) == bg || sw->line <= now || SweepPending(s->base())) break;
      passed.push_back(s);
    }
    passed.clear();
    return passed;
  }

  // A manual span freed (MF: a stack) while another P's refill grows its
  // mcentral or a large allocation is under way: the recorder writes the
  // MF when the free returns, and the allocation may have taken the heap
  // lock before. If a pending request's hand-out record (a fresh span, or
  // L) in the window shows the span the heap would give it now, it ran
  // first. (Goroutine 1's class-26 refill, A at line 1,459,520, CS at
  // 1,459,523 taking 842351296512; the stacks freed at 1,459,521-522 would
  // have given it 842357612544.)
  void AllocBeforeManualFree() {
    for (Request& r : requests_) {
      if (r.executed) continue;
      const SimRecord pred = Predict(r);
      if (pred.tag != RefTag::kCS && pred.tag != RefTag::kL) continue;
      const uint64_t line = HandOutLine(r);
      const RefRecord* h = line != 0 ? WindowRecord(line) : nullptr;
      if (h == nullptr || (h->tag == RefTag::kCS && h->v[2] != 0) || PeekBase(r) != h->U64(1)) continue;
      handout_hint_ = line;
      ExecuteDeferringLive(&r);
      return;
    }
  }

  // The P the background sweeper runs on, which the recording does not
  // name: with one P, P 0; with several, the one whose last allocation
  // is the oldest (a P runs one goroutine at a time, and bgsweep
  // allocates nothing). It matters when a sweep frees a whole span:
  // mheap.freeSpan moves that P's mcache local_scan into heap_scan. (Its
  // frees at lines 427,563 and 438,683 came while goroutine 18 allocated
  // on P0 throughout: heap_scan did not change until P1's alloc_m at
  // 455,692.)
  int64_t BackgroundSweeperP() const {
    int64_t p = 0;
    for (size_t q = 1; q < last_a_.size(); q++) {
      if (last_a_[q].first < last_a_[p].first) p = static_cast<int64_t>(q);
    }
    return p;
  }

  // sweepone, while spans the replay marked claimed by another sweeper
  // (sweepgen-1; their sweep runs when its records show up) sit at the top
  // of the unswept stack: in the runtime that sweeper popped them already,
  // so sweepone does not see them; the replay's sweepone would drop them
  // unswept. They are set aside meanwhile. (AllocateDuringBackgroundSweep
  // ran P1's refill at line 208,342 with 842351583232 claimed, and its
  // loop met two background sweeps.)
  uint64_t SweepOnePastClaimed() {
    model::MHeap& h = malloc_.heap();
    std::vector<model::MSpan*>& unswept = h.sweepSpans[1 - h.sweepgen / 2 % 2];
    std::vector<model::MSpan*> aside;
    while (!unswept.empty()) {
      model::MSpan* top = unswept.back();
      const bool in_use = top->state == model::SpanState::kInUse;
      if (in_use && top->sweepgen == h.sweepgen - 2) break;  // sweepone takes it
      if (in_use && top->sweepgen == h.sweepgen - 1) aside.push_back(top);
      unswept.pop_back();  // else freed or swept already: sweepone drops it too
    }
    h.sweepIndex[1 - h.sweepgen / 2 % 2] = unswept.size();  // gcSweepBuf.index
    const uint64_t npages = sweeper_.SweepOne();
    unswept.insert(unswept.end(), aside.rbegin(), aside.rend());
    h.sweepIndex[1 - h.sweepgen / 2 % 2] = unswept.size();  // gcSweepBuf.index
    if (!aside.empty()) h.sweepdone = 0;  // the claimed spans are still to sweep
    return npages;
  }

  // Whether the current F or SW record belongs to a sweep by the background
  // sweeper that has not been run yet. An F belongs to the next SW of the
  // span holding its address; with several Ps, other Ps' records (an
  // allocation, or another sweep's F and SW) may come in between.
  // A sweep of a span can free hundreds of objects: the answer is kept for
  // its later F records (up to line sweep_line_).
  bool StartsBackgroundSweep(const RefRecord& rec) {
    if (pp_.gomaxprocs == 1) return EndsInBackgroundSweep();
    uint64_t base = rec.U64(1);
    if (rec.tag == RefTag::kF) {
      const model::MSpan* s = malloc_.heap().SpanOf(rec.U64(0));
      if (s == nullptr) return false;  // not a simulated span: nothing to sweep
      base = s->base();
    }
    if (rec.tag != RefTag::kF || base != sweep_base_ || rec.line > sweep_line_) {
      sweep_base_ = base;
      sweep_line_ = 0;
      sweep_by_bg_ = false;
      // Other threads' records between a sweep's F records and its SW.
      size_t others = 0;
      for (size_t k = cur_; others < kSweepSearch; k++) {
        if (k >= window_.size()) {
          if (!FillWindow(k + 1024).ok() || k >= window_.size()) return false;
        }
        const RefRecord& r = window_[k].rec;
        if (r.tag == RefTag::kF) continue;
        others++;
        if (r.tag != RefTag::kSW || r.U64(1) != base) continue;
        sweep_line_ = r.line;
        sweep_by_bg_ = r.v[0] == kBgSweeper;
        break;
      }
    }
    if (!sweep_by_bg_ || sweep_line_ == bg_swept_line_) return false;
    bg_swept_line_ = sweep_line_;
    return true;
  }

  // The background sweeper claims its span (sweepgen = sg-1) before its
  // first F record and releases it swept with its SW record; meanwhile
  // other Ps' mcentral.cacheSpan skips it. A span hand-out of that class
  // recorded in between that took another span ran while the span was
  // claimed: run those requests first, with the span claimed.
  void AllocateDuringBackgroundSweep() {
    size_t end = cur_;
    while (end < window_.size() && window_[end].rec.line < sweep_line_) end++;
    if (end == window_.size()) return;
    const RefRecord& sw = window_[end].rec;
    model::MSpan* span = malloc_.heap().SpanOf(sw.U64(1));
    const uint32_t sg = malloc_.heap().sweepgen;
    if (span == nullptr || span->base() != sw.U64(1) || span->sweepgen != sg - 2) return;
    for (size_t k = cur_ + 1; k < end; k++) {
      const RefRecord& cs = window_[k].rec;
      if (cs.tag != RefTag::kCS || cs.v[0] != sw.v[2] || cs.U64(1) == span->base()) continue;
      std::vector<std::deque<Request>::iterator> cands;
      for (auto rit = requests_.rbegin(); rit != requests_.rend(); ++rit) {
        if (rit->executed) continue;
        SimRecord pred = Predict(*rit);
        if (pred.tag == RefTag::kCS && pred.key == cs.v[0]) cands.push_back(std::prev(rit.base()));
      }
      if (cands.empty()) continue;
      auto pick = cands.size() > 1 ? ChooseForSpan(cands, k) : cands.front();
      // bgsweep Xadded the span's pages to pagesSwept as its sweep began.
      span->sweepgen = sg - 1;
      malloc_.heap().pagesSwept += span->npages;
      Execute(&*pick);
      malloc_.heap().pagesSwept -= span->npages;
      span->sweepgen = sg - 2;
    }
  }

  // Two Ps' refills may run deductSweepCredit at once. Each loop compares
  // its pagesTarget with pagesSwept, which mspan.sweep Xadds when it
  // starts: if P y reads pagesSwept while P x's loop is still sweeping,
  // both loops may sweep for the same pages, and more proportional sweeps
  // happen than when the refills run one after the other. Running requests
  // one at a time, the replay cannot tell when y read pagesSwept; the
  // recorded SW records settle it. If the current F or SW record belongs to
  // a non-background sweep of the span sweepone would take next, no
  // simulated sweep explains it, the refill x whose deductSweepCredit ran
  // last has not handed out its span yet, and another P's pending refill y
  // had pages left to sweep when x's loop began (by y's own pagesTarget at
  // x's reading of heap_live, less what y swept so far), then y's loop did
  // that sweep: run sweepone now for y.
  void ConcurrentProportionalSweep(const RefRecord& rec) {
    if (sweep_by_bg_ || sweep_line_ == 0) return;
    const uint64_t base = sweep_base_;
    if (rec.tag == RefTag::kF ? sweep_line_ < rec.line : base != rec.U64(1)) return;
    model::MHeap& h = malloc_.heap();
    if (h.sweepPagesPerByte == 0 || h.pagesSweptBasis != credit_.basis) return;
    if (NextSweepOneSpan() == nullptr || NextSweepOneSpan()->base() != base || SweepPending(base)) return;
    auto x = std::find_if(requests_.begin(), requests_.end(), [&](const Request& r) { return r.line == credit_.line; });
    if (x == requests_.end() || !x->executed ||
        std::none_of(x->produced.begin(), x->produced.end(),
                     [](const SimRecord& r) { return r.tag == RefTag::kCS || r.tag == RefTag::kL; })) {
      return;
    }
    for (Request& y : requests_) {
      if (y.executed || y.p == x->p) continue;
      const SimRecord pred = Predict(y);
      uint64_t spanBytes = 0, callerPages = 0;
      if (pred.tag == RefTag::kCS) {
        spanBytes = uint64_t{model::kClassToAllocNPages[model::SizeClassOf(static_cast<model::SpanClass>(pred.key))]} *
                    model::kPageSize;
      } else if (pred.tag == RefTag::kL) {
        callerPages = static_cast<uint64_t>(pred.key);
        spanBytes = callerPages * model::kPageSize;
      } else {
        continue;
      }
      // y read heap_live at its start or later (LateDeductSweepCredit).
      const int64_t target =
          std::max(sweeper_.PagesTarget(y.live_at_start, spanBytes, callerPages),
                   sweeper_.PagesTarget(malloc_.memstats().heap_live, spanBytes, callerPages));
      if (target <= static_cast<int64_t>(credit_.pagesSwept - credit_.basis + y.concurrent_swept)) continue;
      out_ = &gc_out_;
      sweeper_.set_local_stats(&Cache(y.p)->stats);
      y.concurrent_swept += NextSweepOneSpan()->npages;
      sweeper_.SweepOne();
      return;
    }
  }

  // deductSweepCredit of a refill run with several Ps. If the recording
  // shows the span the loop would sweep next swept only after the
  // request's hand-out, another P (a refill's loop or the background
  // sweeper) had claimed it, its pagesSwept Xadd counting towards this
  // loop's target: the loop goes past it (P0's refill at line 241,887
  // went past 842352812032 and swept 842352828416 and 842352820224), and
  // the span stays claimed while the request runs (cacheSpan skips it), to
  // be swept when its own records show up. If the recording shows the background sweeper's SW
  // of that span, bgsweep's sweepone popped it first: it is swept so now,
  // and the loop goes on. Otherwise the loop's target
  // comes from one heap_live reading, taken after the request began
  // (live_at_start) and before its first sweep; the replay runs the
  // request when its records show up, and other Ps' hand-outs may have
  // added to heap_live in between, before or after the reading. Targets
  // from the earliest and the latest possible reading bound the loop:
  // below the first it sweeps, and between the two it swept the next span
  // only if the recording shows that span's SW before the request's
  // hand-out (its sweeps finish before cacheSpan and largeAlloc go on).
  // Likewise the pages of a background sweep run since the loop's last
  // sweepone: bgsweep Xadds pagesSwept when its sweep begins, which may
  // have been after the loop's check read it (P0's refill at line 94,163
  // swept 842354925568, bgsweep took 842354933760, and the loop still
  // swept 842354900992, SW at 94,252 before its CS at 94,288).
  void LateDeductSweepCredit(uint64_t spanBytes, uint64_t callerSweepPages) {
    model::MHeap& h = malloc_.heap();
    uint64_t earliest = executing_->live_at_start;
    std::vector<std::pair<uint64_t, uint64_t>>& own = loop_sweeps_;
    own.clear();
    std::vector<std::pair<uint64_t, uint64_t>> claims;  // spans it went past: first record line, pages
    SettleLoopPushRace();
    for (;;) {
      if (h.sweepPagesPerByte == 0) return;
      const uint64_t basis = h.pagesSweptBasis;
      const int64_t a = sweeper_.PagesTarget(earliest, spanBytes, callerSweepPages);
      const int64_t b = sweeper_.PagesTarget(malloc_.memstats().heap_live, spanBytes, callerSweepPages);
      const int64_t low = std::min(a, b), high = std::max(a, b);
      bool retry = false;
      int64_t bg_pages = 0;  // of background sweeps run since the loop's last sweepone
      for (;;) {
        const int64_t swept = static_cast<int64_t>(h.pagesSwept - basis - UnstartedSweepPages());
        if (swept - bg_pages >= high && !LoopCheckedBeforeClaim(swept - bg_pages, high, claims, own)) break;
        model::MSpan* next = NextSweepOneSpan();
        if (const RefRecord* sw = next != nullptr ? FirstSweepOf(next->base()) : nullptr;
            sw != nullptr && sw->v[0] == kBgSweeper) {
          bg_pages += static_cast<int64_t>(next->npages);
          BackgroundSweepDuringRefill(*sw);  // bgsweep popped the span first
          continue;
        }
        const bool others = next != nullptr && (SweptByOtherThread(*next, own) || OverlapsLaterOwnSweep(*next));
        if (others && OwnClassSweptBeforeHandOut(*next)) {
          // Another P's loop swept it and put it back on this refill's
          // mcentral before cacheSpan looked: it is swept now, as that P's.
          LoopSweepDuringRefill();
          continue;
        }
        if (others || (next != nullptr && SweptAfter(next->base(), executing_->handout_line))) {
          // Another P claimed the span (and Xadded its pages) first; the
          // loop goes on past it.
          Claim(next, h.sweepgen - 2);
          h.pagesSwept += next->npages;
          claimed_pages_ += next->npages;
          claims.push_back({SweepLines(*next).first, next->npages});
          continue;
        }
        if (swept >= low && next != nullptr && !SweptBefore(next->base(), executing_->handout_line)) break;
        if (next != nullptr && LoopEndedBeforeSweep(*next)) break;
        if (next != nullptr) own.push_back(SweepLines(*next));
        if (SweepOnePastClaimed() == ~uint64_t{0}) {
          h.sweepPagesPerByte = 0;
          break;
        }
        bg_pages = 0;
        if (h.pagesSweptBasis != basis) {
          retry = true;  // a new cycle's trigger reset the basis
          break;
        }
      }
      if (!retry) return;
      earliest = malloc_.memstats().heap_live;  // a retry reads it again
    }
  }

  // Whether a deductSweepCredit loop whose target (high) the pages swept
  // (swept) reach only with the spans it went past (claims: their sweeps'
  // first record lines, pages) checked before the other P's sweep of one of
  // them Xadded its pages: that sweep begins after the loop's last own
  // sweep ended (own: SweepLines), or after the current record if it has
  // swept none, and the recording shows a loop sweeping the next span
  // before the hand-out. mspan.sweep Xadds as it begins, and a thread may
  // pop a span and begin its sweep much later. (P1's class-47 refill, A at
  // line 800,926: P0's loop popped 842355310592 first, F from 800,936;
  // P1's loop still swept 842351984640, F from 800,927, SW at 800,940
  // before its CS at 800,941.)
  bool LoopCheckedBeforeClaim(int64_t swept, int64_t high, const std::vector<std::pair<uint64_t, uint64_t>>& claims,
                              const std::vector<std::pair<uint64_t, uint64_t>>& own) {
    const uint64_t check = !own.empty() && own.back().second != 0 ? own.back().second : window_[cur_].rec.line;
    int64_t late = 0;
    for (auto [first, npages] : claims) {
      if (first > check) late += static_cast<int64_t>(npages);
    }
    if (swept - late >= high) return false;
    const model::MSpan* next = NextSweepOneSpan();
    return next != nullptr && SweptBefore(next->base(), executing_->handout_line);
  }

  // The lines of the recorded sweep of span s in the window from the
  // current record: its first F record (or its SW, if it freed nothing)
  // and its SW. {0, 0} if the window does not show its SW.
  std::pair<uint64_t, uint64_t> SweepLines(const model::MSpan& s) const {
    const uint64_t lo = s.base(), hi = s.base() + s.npages * model::kPageSize;
    uint64_t first = 0;
    for (size_t k = cur_; k < LookaheadEnd(); k++) {
      const RefRecord& r = window_[k].rec;
      if (r.tag == RefTag::kF && r.U64(0) >= lo && r.U64(0) < hi && first == 0) first = r.line;
      if (r.tag == RefTag::kSW && r.U64(1) == lo) return {first != 0 ? first : r.line, r.line};
    }
    return {0, 0};
  }

  // A deductSweepCredit loop sweeps one span at a time: a span whose
  // recorded sweep overlaps one of the loop's own sweeps (`own`: their
  // SweepLines) was popped by another thread's sweepone, whose pagesSwept
  // Xadd the loop counts. (P1's class-61 refill, A at line 664,063, swept
  // 842353328128 until 664,086, then 842353582080 from 664,099 to 664,118;
  // 842353344512, next on the stack, was swept from 664,108 to 664,117 by
  // P0's refill, A at 664,098, whose freeSpan moved P0's local_scan.)
  bool SweptByOtherThread(const model::MSpan& s, const std::vector<std::pair<uint64_t, uint64_t>>& own) const {
    if (own.empty()) return false;
    const auto [first, sw] = SweepLines(s);
    if (sw == 0) return false;
    return std::any_of(own.begin(), own.end(), [&](auto o) { return o.second != 0 && first < o.second && o.first < sw; });
  }

  // A refill run at a record of its cacheSpan's own sweep (a preserve
  // sweep of its class) ran its deductSweepCredit loop before: a sweep that
  // begins after the current record is not its loop's. (Goroutine 20's
  // class-2 refill, run at line 1,359,687, its cacheSpan sweeping
  // 842354507776 until 1,360,405: 842352041984, swept until 1,359,937 and
  // freed, was P1's loop's, moving P1's local_scan.)
  bool LoopEndedBeforeSweep(const model::MSpan& next) const {
    const RefRecord& rec = window_[cur_].rec;
    if ((rec.tag != RefTag::kF && rec.tag != RefTag::kSW) || sweep_by_bg_ || sweep_line_ < rec.line) return false;
    const RefRecord* sw = WindowRecord(sweep_line_);
    const model::AllocRequest& q = executing_->req;
    if (sw == nullptr || sw->tag != RefTag::kSW || sw->v[5] == 0 || q.size > model::kMaxSmallSize ||
        sw->v[2] != model::SmallSpanClass(q)) {
      return false;
    }
    const uint64_t first = SweepLines(next).first;
    return first != 0 && first > rec.line;
  }

  // Whether span x, next on the unswept stack, was swept by another
  // thread because a span y further down, swept at the same time (their
  // sweeps overlap), must be this loop's: y's sweep is a loop's, ends
  // before this refill's hand-out and after a CS or L record (a hand-out
  // of the other thread, whose loop had ended) that comes after x's sweep
  // ended. (P0's class-10 refill, A at line 841,804, CS at 841,854: its
  // loop swept 842350927872 from 841,821 to 841,851, freeing it (and
  // moving P0's local_scan); P1's refill, CS at 841,842, swept
  // 842356613120 from 841,817 to 841,823.)
  bool OverlapsLaterOwnSweep(const model::MSpan& x) {
    const uint64_t handout = executing_->handout_line;
    if (handout == 0) return false;
    const auto [xb, xe] = SweepLines(x);
    if (xe == 0 || xe >= handout) return false;
    model::MHeap& h = malloc_.heap();
    const std::vector<model::MSpan*>& unswept = h.sweepSpans[1 - h.sweepgen / 2 % 2];
    int looked = 0;
    for (auto it = unswept.rbegin(); it != unswept.rend() && looked < kOverlapSearch; ++it) {
      const model::MSpan* y = *it;
      if (y == &x || y->state != model::SpanState::kInUse || y->sweepgen != h.sweepgen - 2) continue;
      looked++;
      const auto [yb, ye] = SweepLines(*y);
      if (ye == 0 || ye >= handout || !(yb < xe && xb < ye)) continue;
      const RefRecord* sw = WindowRecord(ye);
      if (sw == nullptr || sw->v[0] == kBgSweeper || sw->v[5] != 0) continue;
      for (size_t k = cur_; k < LookaheadEnd() && window_[k].rec.line < ye; k++) {
        const RefRecord& r = window_[k].rec;
        if (r.line > xe && (r.tag == RefTag::kCS || r.tag == RefTag::kL)) return true;
      }
    }
    return false;
  }

  // Whether span s, of the class the refill Execute runs needs, has its
  // sweep's SW record before the refill's hand-out: cacheSpan met it swept.
  // Another P's sweep of it cannot be left for its records to show up.
  // (P0's refill, A at line 190,532, swept 842357129216 from 190,540 to
  // 190,542 while P1's class-57 loop swept 842357145600 until 190,541;
  // P1's CS at 190,543 took 129216.)
  bool OwnClassSweptBeforeHandOut(const model::MSpan& s) const {
    const model::AllocRequest& q = executing_->req;
    if (q.size > model::kMaxSmallSize || s.spanclass != model::SmallSpanClass(q)) return false;
    return SweptBefore(s.base(), executing_->handout_line);
  }

  // mspan.sweep Xadds pagesSwept as it begins, just before its first F
  // record (or its SW, if it frees nothing); the replay runs other Ps'
  // sweeps earlier, whole. The pages of simulated sweeps by other
  // requests, or the collector, none of whose records has shown up yet
  // had not been counted when a refill's loop read pagesSwept. (P0's
  // class-7 refill, run at line 235,454, swept 842350919680 in its
  // cacheSpan at 235,692; P1's refill at 235,569 still swept
  // 842354573312.)
  uint64_t UnstartedSweepPages() const {
    uint64_t pages = 0;
    const uint64_t now = window_[cur_].rec.line;
    auto add = [&](const SimRecords& q) {
      for (const SimRecord& r : q) {
        // A sweep made that long ago whose records never showed up is a
        // divergence's leftover, not one under way.
        if (r.tag != RefTag::kSW || r.at + kSweepSearch < now) continue;
        // Made while handling the current record: a background sweep the
        // loop found under way, counted apart (LateDeductSweepCredit's
        // bg_pages). (P1's class-10 refill at line 546,397 met bgsweep's
        // sweep of 842352443392.)
        if (r.at >= now) continue;
        auto seen = sweep_seen_.find(r.base);
        if (seen == sweep_seen_.end() || seen->second < r.at) pages += r.npages;
      }
    };
    add(gc_out_);
    for (const Request& q : requests_) {
      if (q.executed && &q != executing_) add(q.produced);
    }
    return pages;
  }

  // A refill whose loop's sweep shows up (the current F or SW record) is
  // run there, cacheSpan included; but one sweep may last hundreds of
  // records (a tiny block span's thousand F records), and the refill's
  // hand-out comes after its loop's last SW, when other Ps' hand-outs and
  // sweeps may have changed its class's lists. If the lookahead does not
  // show y's hand-out, only the sweep runs now, as y's loop's, and y runs
  // at a later record. (P0's class-61 refill, A at line 825,799, swept
  // 842354876416 from 825,814 to 826,636; P1's CS records at 826,501 and
  // 826,579 took the first two spans of nonempty, P0's at 826,678 the
  // fourth. P0's class-10 refill, A at 1,322,758, swept 842354507776 from
  // 1,322,805 to 1,323,530; its CS at 1,323,533 took 842352558080, put on
  // nonempty at 1,323,010.)
  bool SweepAheadOfLateHandOut(const RefRecord& rec, Request* y) {
    if ((rec.tag != RefTag::kF && rec.tag != RefTag::kSW) || sweep_by_bg_ || sweep_line_ < rec.line) return false;
    if (SweepPending(sweep_base_) || HandOutLine(*y) != 0 || Predict(*y).tag != RefTag::kCS) return false;
    const RefRecord* sw = WindowRecord(sweep_line_);
    if (sw == nullptr || sw->v[5] != 0) return false;  // not a loop's sweep
    const std::vector<model::MSpan*> passed = PoppedByOtherSweeper(sweep_base_, false);
    const model::MSpan* next = NextSweepOneSpan();
    if (next == nullptr || next->base() != sweep_base_) {
      for (model::MSpan* s : passed) s->sweepgen = malloc_.heap().sweepgen - 2;
      return false;
    }
    SimRecords* const out = out_;
    out_ = &gc_out_;
    sweeper_.set_local_stats(&Cache(y->p)->stats);
    y->concurrent_swept += next->npages;
    SweepOnePastClaimed();
    out_ = out;
    for (model::MSpan* s : passed) s->sweepgen = malloc_.heap().sweepgen - 2;  // swept at their own records
    return true;
  }

  // Runs sweepone for a deductSweepCredit loop that the recording shows
  // sweeping the next span before the hand-out of the refill Execute
  // runs, when that refill's own loop (by the replay's reckoning) is done:
  // the loop of another P's pending refill, or else this one's. (P1's
  // class-61 refill, A at line 280,931, CS at 281,012 taking
  // 842352820224, whose sweep ended at 281,009.)
  void LoopSweepDuringRefill() {
    auto y = std::find_if(requests_.begin(), requests_.end(), [&](const Request& q) {
      if (q.executed || q.p == executing_->p) return false;
      const RefTag t = Predict(q).tag;
      return t == RefTag::kCS || t == RefTag::kL;
    });
    SimRecords* const out = out_;
    if (y != requests_.end()) {
      out_ = &gc_out_;
      sweeper_.set_local_stats(&Cache(y->p)->stats);
      y->concurrent_swept += NextSweepOneSpan()->npages;
    }
    SweepOnePastClaimed();
    out_ = out;
    sweeper_.set_local_stats(&Cache(executing_->p)->stats);
  }

  // A loop sweep of span s that overlaps one of this refill's loop's own
  // sweeps is another thread's; if no other P has a refill pending, it is
  // the loop of a request not read yet: s stays claimed while this refill
  // runs, to be swept when its records show up (unless cacheSpan met it
  // on its class's nonempty list). (P1's class-9 refill, A at line
  // 1,322,498, swept 842354876416 until 1,322,787; 842351476736, swept
  // from 1,322,775 to 1,322,786, began P0's loop of its refill at
  // 1,322,758, which went on to sweep 842354507776.)
  bool LeftToLaterLoop(model::MSpan* s) {
    if (!SweptByOtherThread(*s, loop_sweeps_) || OwnClassSweptBeforeHandOut(*s)) return false;
    const bool other_pending = std::any_of(requests_.begin(), requests_.end(), [&](const Request& q) {
      if (q.executed || q.p == executing_->p) return false;
      const RefTag t = Predict(q).tag;
      return t == RefTag::kCS || t == RefTag::kL;
    });
    if (other_pending) return false;
    model::MHeap& h = malloc_.heap();
    Claim(s, h.sweepgen - 2);
    return true;
  }

  // A refill run at a record of its loop's first sweep (an F or SW of a
  // sweepone sweep) pops that span: the swept-stack push race of the last
  // cycle is settled by it as by bgsweep's (SettlePushRace). (P1's
  // class-61 refill at line 382,351 swept 842357194752, F from 382,356,
  // above 842357161984, whose sweep last cycle had its last F at 368,880
  // and its SW at 369,211, after 194752's at 369,171.)
  void SettleLoopPushRace() {
    const RefRecord& rec = window_[cur_].rec;
    if ((rec.tag != RefTag::kF && rec.tag != RefTag::kSW) || sweep_by_bg_ || sweep_line_ < rec.line) return;
    const RefRecord* sw = WindowRecord(sweep_line_);
    if (sw == nullptr || sw->tag != RefTag::kSW || sw->v[5] != 0) return;  // a cacheSpan's own sweep
    SettlePushRace(sweep_base_);
  }

  // Runs the background sweep whose SW record is sw while the request
  // Execute runs is in deductSweepCredit.
  void BackgroundSweepDuringRefill(const RefRecord& sw) {
    bg_swept_line_ = sw.line;
    SimRecords* const out = out_;
    BackgroundSweep(sw.U64(1));
    out_ = out;
    sweeper_.set_local_stats(&Cache(executing_->p)->stats);
  }

  // The first SW record of the span at base in the window from the current
  // record (null if none).
  const RefRecord* FirstSweepOf(uint64_t base) const {
    for (size_t k = cur_; k < LookaheadEnd(); k++) {
      const RefRecord& r = window_[k].rec;
      if (r.tag == RefTag::kSW && r.U64(1) == base) return &r;
    }
    return nullptr;
  }

  // Whether the window shows the first SW of the span at base after line
  // `after` (and none before it).
  bool SweptAfter(uint64_t base, uint64_t after) const {
    if (after == 0) return false;
    for (size_t k = cur_; k < LookaheadEnd(); k++) {
      const RefRecord& r = window_[k].rec;
      if (r.tag == RefTag::kSW && r.U64(1) == base) return r.line > after;
    }
    return false;
  }

  // Whether the window shows a sweepone loop's SW of the span at base
  // (not the background sweeper's, nor a cacheSpan's own, which preserves)
  // from the current record up to line `before` (0: the lookahead's end).
  // (P0's class-43 refill, A at line 726,088: its loop swept 842355228672,
  // its cacheSpan 842351124480, SW at 726,101, before its CS at 726,102.)
  bool SweptBefore(uint64_t base, uint64_t before) const {
    for (size_t k = cur_; k < LookaheadEnd(); k++) {
      const RefRecord& r = window_[k].rec;
      if (before != 0 && r.line >= before) return false;
      if (r.tag == RefTag::kSW && r.U64(1) == base) return r.v[0] != kBgSweeper && r.v[5] == 0;
    }
    return false;
  }

  // The span sweepone would sweep next (null if none).
  model::MSpan* NextSweepOneSpan() {
    model::MHeap& h = malloc_.heap();
    if (h.sweepdone != 0) return nullptr;
    const std::vector<model::MSpan*>& unswept = h.sweepSpans[1 - h.sweepgen / 2 % 2];
    for (auto it = unswept.rbegin(); it != unswept.rend(); ++it) {
      if ((*it)->state == model::SpanState::kInUse && (*it)->sweepgen == h.sweepgen - 2) return *it;
    }
    return nullptr;
  }

  // Whether a simulated sweep of the span at base awaits its SW record.
  bool SweepPending(uint64_t base) const {
    auto has = [base](const SimRecords& q) {
      return std::any_of(q.begin(), q.end(), [base](const SimRecord& r) { return r.tag == RefTag::kSW && r.base == base; });
    };
    if (has(gc_out_)) return true;
    return std::any_of(requests_.begin(), requests_.end(), [&](const Request& r) { return has(r.produced); });
  }

  // With one P, nothing comes between a sweep's F records and its SW:
  // whether the run of F records starting at the current one ends in a
  // background sweeper's SW record. The answer is kept for the rest of the
  // run (up to line run_end_line_).
  bool EndsInBackgroundSweep() {
    const uint64_t line = window_[cur_].rec.line;
    if (line <= run_end_line_) return run_ends_in_bg_;
    for (size_t k = cur_;; k++) {
      if (k >= window_.size()) {
        if (!FillWindow(k + 1024).ok() || k >= window_.size()) return false;
      }
      const RefRecord& r = window_[k].rec;
      if (r.tag == RefTag::kF) continue;
      run_end_line_ = r.line;
      run_ends_in_bg_ = r.tag == RefTag::kSW && r.v[0] == kBgSweeper;
      return run_ends_in_bg_;
    }
  }

  // The recording does not show SetFinalizer. Every Go 1.10 program that
  // links package os gets one finalizer per *os.file (newFile sets it):
  // os.Stdin, Stdout and Stderr, and every file it opens. On amd64 that
  // struct is 80 bytes, its pointers ending at byte 72; no other type in the
  // recorded programs has that shape.
  static bool HasFinalizer(const model::AllocRequest& q) {
    return q.size == 80 && q.typsize == 80 && q.ptrdata == 72 && !q.noscan;
  }

  // The allocation request of an A record.
  static model::AllocRequest RequestOf(const RefRecord& a) {
    model::AllocRequest q;
    q.size = a.U64(2);
    q.typsize = a.U64(3);
    q.ptrdata = a.U64(4);
    q.noscan = (a.v[5] & 1) != 0;
    q.needzero = (a.v[5] & 4) != 0;
    // The recording does not name types; a 48-byte type that is all
    // pointers is runtime._defer (the only one among the runtime's and the
    // recorded programs' types).
    q.defer_block = q.typsize == model::kDeferSize && q.ptrdata == model::kDeferSize;
    return q;
  }

  // Tags compared with the first simulated record of the same key. F: with
  // several Ps, sweeps by different threads free objects at once, so an F
  // is compared with the simulated F of its address; with one P, sweeps
  // follow one another and F records are compared in order.
  bool KeyedTag(RefTag tag) const {
    return tag == RefTag::kZ || tag == RefTag::kCS || tag == RefTag::kL || tag == RefTag::kSW ||
           (tag == RefTag::kF && pp_.gomaxprocs > 1);
  }

  // The first simulated record in q that rec would be compared with.
  SimRecords::iterator Find(SimRecords& q, const RefRecord& rec) const {
    if (q.empty()) return q.end();  // the usual case
    const int64_t key = KeyOf(rec);
    // With several Ps, sweeps by different Ps finish in any order: an SW is
    // compared with the simulated sweep of its span.
    const bool by_span = rec.tag == RefTag::kSW && pp_.gomaxprocs > 1;
    auto match = [&](const SimRecord& r) {
      return r.tag == rec.tag && (!KeyedTag(rec.tag) || r.key == key) && (!by_span || r.base == rec.U64(1));
    };
    if (rec.tag != RefTag::kF || !KeyedTag(rec.tag)) return std::find_if(q.begin(), q.end(), match);
    // Concurrent sweeps interleave their F records by at most a span's
    // objects (1,024): an F further back than that is not this one.
    auto end = q.end() - q.begin() > kFSearch ? q.begin() + kFSearch : q.end();
    auto it = std::find_if(q.begin(), end, match);
    return it == end ? q.end() : it;
  }
  bool HasPending(SimRecords& q, const RefRecord& rec) const { return Find(q, rec) != q.end(); }
  // What a request would produce first, without changing anything.
  SimRecord Predict(const Request& r) {
    model::MCache* c = Cache(r.p);
    const model::AllocRequest& q = r.req;
    if (q.size == 0) return {RefTag::kZ, static_cast<int64_t>(malloc_.zerobase())};
    if (q.size > model::kMaxSmallSize) {
      return {RefTag::kL, static_cast<int64_t>((q.size + model::kPageSize - 1) >> model::kPageShift)};
    }
    if (q.noscan && q.size < model::kMaxTinySize) {
      const uint64_t off = model::TinyAlignedOffset(c->tinyoffset, q.size);
      if (off + q.size <= model::kMaxTinySize && c->tiny != 0) {
        return {RefTag::kZ, static_cast<int64_t>(c->tiny + off)};
      }
    }
    const model::SpanClass spc = model::SmallSpanClass(q);
    const model::MSpan& span = *c->alloc[spc];
    const uint64_t idx = span.PeekNextFreeIndex();
    if (idx == span.nelems) return {RefTag::kCS, spc};
    return {RefTag::kZ, static_cast<int64_t>(idx * span.elemsize + span.base())};
  }

  void Execute(Request* r) {
    out_ = &r->produced;
    executing_ = r;
    if (pp_.gomaxprocs > 1) r->handout_line = handout_hint_ != 0 ? handout_hint_ : HandOutLine(*r);
    handout_hint_ = 0;
    trigger_check_ = false;
    sweeper_.set_local_stats(&Cache(r->p)->stats);
    model::AllocResult res = malloc_.Mallocgc(Cache(r->p), r->req);
    r->executed = true;
    executing_ = nullptr;
    for (auto [s, sweepgen] : claimed_) {
      if (s->sweepgen == malloc_.heap().sweepgen - 1) s->sweepgen = sweepgen;
    }
    claimed_.clear();
    malloc_.heap().pagesSwept -= claimed_pages_;  // added again by their sweeps
    claimed_pages_ = 0;
    Emit(Rec(RefTag::kZ, static_cast<int64_t>(res.addr), res.addr));
    if (HasFinalizer(r->req)) finalizers_[res.addr] = res.size;
    // mallocgc's shouldhelpgc: a refill or large allocation tests the trigger.
    if (trigger_check_ && HeapTriggerTest()) GcStartBegin();
    trigger_check_ = false;
    out_ = &gc_out_;
    Check();
  }

  // The line of the first CS/L record in the window from the current one
  // that request r's next hand-out would make (0 if none, or r needs none).
  uint64_t HandOutLine(const Request& r) {
    const SimRecord pred = Predict(r);
    if (pred.tag != RefTag::kCS && pred.tag != RefTag::kL) return 0;
    for (size_t k = cur_; k < LookaheadEnd(); k++) {
      const RefRecord& next = window_[k].rec;
      if (next.tag != pred.tag || (next.tag != RefTag::kL && KeyOf(next) != pred.key)) continue;
      if (k > cur_ && OtherPsHandOut(r, k)) continue;  // the current record is matched to r already
      return next.line;
    }
    return 0;
  }

  // The P of the first A record after the first Z of an object in the
  // span of the CS record at window_[k], before any other Z (-2: none).
  int64_t PAfterFirstZ(size_t k) const {
    const RefRecord& cs = window_[k].rec;
    const uint64_t base = cs.U64(1);
    const int sizeclass = model::SizeClassOf(static_cast<model::SpanClass>(cs.v[0]));
    const uint64_t end = base + uint64_t{model::kClassToAllocNPages[sizeclass]} * model::kPageSize;
    const size_t limit = std::min(window_.size(), k + kLookahead);
    for (size_t j = k + 1; j < limit; j++) {
      const RefRecord& z = window_[j].rec;
      if (z.tag != RefTag::kZ || z.U64(0) < base || z.U64(0) >= end) continue;
      for (size_t n = j + 1; n < limit; n++) {
        const RefRecord& a = window_[n].rec;
        if (a.tag == RefTag::kA) return a.v[0];
        if (a.tag == RefTag::kZ) return -2;
      }
      return -2;
    }
    return -2;
  }

  // Whether a P other than p may have made the CS record at window_[k]: it
  // has a refill of that class pending or run with its CS not yet seen,
  // or an A record of that class between the current record and the CS.
  bool OtherPRefillsBefore(int64_t p, size_t k) {
    const int64_t spc = window_[k].rec.v[0];
    for (const Request& q : requests_) {
      if (q.p == p) continue;
      if (q.executed) {
        if (std::any_of(q.produced.begin(), q.produced.end(),
                        [spc](const SimRecord& x) { return x.tag == RefTag::kCS && x.key == spc; })) {
          return true;
        }
        continue;
      }
      const SimRecord pred = Predict(q);
      if (pred.tag == RefTag::kCS && pred.key == spc) return true;
    }
    for (size_t j = cur_ + 1; j < k; j++) {
      const RefRecord& a = window_[j].rec;
      if (a.tag == RefTag::kA && a.v[0] != p && a.U64(2) <= model::kMaxSmallSize &&
          model::SmallSpanClass(RequestOf(a)) == spc) {
        return true;
      }
    }
    return false;
  }

  // Whether the CS record at window_[k] visibly went to another P than
  // request r's. Two signs, each fooled now and then by a goroutine that
  // stops allocating for a while: r's P's next request of the class does
  // not take a later slot of the span (NextRequestUses), and the first Z
  // of an object in the span, the refill's own allocation, is followed by
  // another P's A record before any other Z. (P0's CS at 463,738:
  // Z 842356664960, an SW, then A 0. P0's CS at 463,873, before P1's at
  // 463,880: Z 842356703232 then A 0; neither P's next request of the
  // class used the span before its following A.)
  // (P0's class-61 CS at line 199,906 came before that of P1's refill, at
  // 199,910, whose loop's sweep ended at 199,907: Z 842351247360 at
  // 199,908 is followed by A 0.)
  bool OtherPsHandOut(const Request& r, size_t k) {
    if (pp_.gomaxprocs == 1 || window_[k].rec.tag != RefTag::kCS || NextRequestUses(r.p, k)) return false;
    if (!OtherPRefillsBefore(r.p, k)) return false;
    // Sweeps and scan work of any P may come between the Z and the A.
    const int64_t p = PAfterFirstZ(k);
    return p >= 0 && p != r.p;
  }

  static int64_t KeyOf(const RefRecord& rec) {
    switch (rec.tag) {
      case RefTag::kZ:
      case RefTag::kF:
      case RefTag::kCS:
      case RefTag::kUC:
      case RefTag::kL:
      case RefTag::kSW:
        return rec.v[0];
      default:
        return 0;
    }
  }

  // Records a refill or large allocation may produce before its span
  // hand-out: sweeps (F, SW), and revise calls (PR).
  static bool RefillEffect(RefTag tag) { return tag == RefTag::kF || tag == RefTag::kSW || tag == RefTag::kPR; }

  void MatchEffect(const RefRecord& rec) {
    // The usual allocation with one P: a Z, one request pending, nothing
    // else waiting. Steps 1 and 2 find nothing, and 3 (if it predicts this
    // Z) or 4 (if not) runs that request and compares its records.
    if (rec.tag == RefTag::kZ && pp_.gomaxprocs == 1 && gc_out_.empty() && requests_.size() == 1 &&
        !requests_.front().executed) {
      Execute(&requests_.front());
      return ConsumeFrom(rec, requests_.begin());
    }
    const int64_t key = KeyOf(rec);
    if (pp_.gomaxprocs > 1) RehomeDescheduledRequests();
    // 1. The collector's next record of this kind.
    if (auto g = Find(gc_out_, rec); g != gc_out_.end()) return Consume(rec, &gc_out_, g, nullptr);
    // 2. The next record of this kind of a request already run.
    // A request whose hand-out the window shows later waits for it, unless
    // no pending request explains this one.
    std::deque<Request>::iterator later = requests_.end();
    for (auto it = requests_.begin(); it != requests_.end(); ++it) {
      if (!it->executed) continue;
      auto e = Find(it->produced, rec);
      if (e == it->produced.end() || HandOutReviseNotYet(*it, e, rec)) continue;
      if (HandOutLater(*it, rec)) {
        if (later == requests_.end()) later = it;
        continue;
      }
      return Consume(rec, &it->produced, e, &*it);
    }
    // 3. A pending request whose first effect this is. With several Ps,
    // more than one request may need a span of the same class; the window
    // tells whose cache the span went to (InferOwner). Otherwise newest
    // first: a request whose effects lag far behind its A record belongs
    // to a thread the OS stalled.
    std::vector<std::deque<Request>::iterator>& cands = cands_;  // reused: one search per allocation
    cands.clear();
    for (auto rit = requests_.rbegin(); rit != requests_.rend(); ++rit) {
      auto it = std::prev(rit.base());
      if (it->executed) continue;
      SimRecord pred = Predict(*it);
      if (pred.tag == rec.tag &&
          (rec.tag == RefTag::kL || pred.key == key || (rec.tag == RefTag::kZ && it->req.size == 0))) {
        cands.push_back(it);
      } else if (RefillEffect(rec.tag) && (pred.tag == RefTag::kCS || pred.tag == RefTag::kL)) {
        cands.push_back(it);
      }
    }
    if (!cands.empty()) {
      auto pick = cands.front();
      if (cands.size() > 1 && rec.tag == RefTag::kCS) pick = ChooseForSpan(cands, cur_);
      if (cands.size() > 1 && RefillEffect(rec.tag)) {
        if (pp_.gomaxprocs > 1) {
          DropHandedOutBeforeSweep(rec, &cands);
          KeepRefillsOfCacheSpanSweep(rec, &cands);
          DropHandOutRevisesNotNext(rec, &cands);
          KeepRevisesReadingItsHeapScan(rec, &cands);
        }
        pick = FirstToHandOut(cands);
      }
      if (rec.tag == RefTag::kCS && pp_.gomaxprocs > 1) SettleFreeSpanRace(rec, pick->line);
      if (rec.tag == RefTag::kCS || rec.tag == RefTag::kL) OrderByHeapLock(rec, *pick);
      if (pp_.gomaxprocs > 1 && SweepAheadOfLateHandOut(rec, &*pick)) {
        if (auto g = Find(gc_out_, rec); g != gc_out_.end()) return Consume(rec, &gc_out_, g, nullptr);
      }
      if (pp_.gomaxprocs > 1 && RefillEffect(rec.tag)) {
        // A refill run at its first sweep or revise: its hand-out's
        // heap_live Xadd comes just before its CS/L record, and other Ps'
        // records in between read heap_live without it.
        ExecuteDeferringLive(&*pick);
      } else {
        Execute(&*pick);
      }
      return ConsumeFrom(rec, pick);
    }
    if (later != requests_.end()) return Consume(rec, &later->produced, Find(later->produced, rec), &*later);
    // 4. Nothing explains it: run the oldest pending request and let the
    // comparison report the difference.
    for (auto it = requests_.begin(); it != requests_.end(); ++it) {
      if (!it->executed) {
        Execute(&*it);
        return ConsumeFrom(rec, it);
      }
    }
    Compare(rec, nullptr);
  }

  // cacheSpan (and largeAlloc) call revise after their heap_live Xadd, and
  // the recorder writes that PR just before the CS/L record (1 to 4 lines
  // before it in workers-p2). A refill that grew its mcentral also called
  // revise earlier, in mheap.alloc_m, and may stall in between: whether
  // the PR e of request r, made just before its hand-out, cannot be the
  // record rec because r's hand-out shows up more than kReviseLag lines
  // later. (P0's refill of class 61: alloc_m's PR at line 91,539,
  // cacheSpan's at 91,777; P1's PR at 91,560 is its own refill's. P0's
  // class-55 refill: alloc_m's PR at 151,134, cacheSpan's at 151,169, CS
  // at 151,170; the PR at 151,163 is P1's alloc_m's.) Nor is it followed
  // by another PR before the hand-out: the hand-out's revise is the last
  // PR before it (P1's class-57 refill, CS at 188,615: P0's PR at 188,612,
  // P1's at 188,614).
  bool HandOutReviseNotYet(const Request& r, SimRecords::iterator e, const RefRecord& rec) const {
    if (rec.tag != RefTag::kPR || pp_.gomaxprocs == 1 || r.handout_line == 0) return false;
    if (!JustBeforeHandOut(r.produced, e)) return false;
    if (r.handout_line > rec.line + kReviseLag) return true;
    for (size_t k = cur_ + 1; k < LookaheadEnd() && window_[k].rec.line < r.handout_line; k++) {
      if (window_[k].rec.tag == RefTag::kPR && window_[k].rec.line > rec.line) return true;  // the hand-out's
    }
    return false;
  }

  // Whether the CS record rec is not request r's because r's hand-out is
  // a later CS record of the window: another P's hand-out of the class
  // came between (see OtherPsHandOut; P0's CS at line 199,906 before that
  // of P1's refill, run at 199,853, at 199,910).
  bool HandOutLater(const Request& r, const RefRecord& rec) const {
    if (rec.tag != RefTag::kCS || pp_.gomaxprocs == 1) return false;
    if (r.handout_line > rec.line) return true;
    // A refill whose hand-out was beyond the window when it ran: the
    // goroutine that went on after the span's first Z is another P's.
    // (P1's class-2 CS at line 533,114, P0's refill run at 532,536.)
    if (r.handout_line != 0) return false;
    const int64_t p = PAfterFirstZ(cur_);
    return p >= 0 && p != r.p;
  }

  // Whether the record e of q comes just before a span hand-out (CS, L).
  static bool JustBeforeHandOut(const SimRecords& q, SimRecords::iterator e) {
    auto next = std::next(e);
    return next != q.end() && (next->tag == RefTag::kCS || next->tag == RefTag::kL);
  }

  // A refill's hand-out revise, run when its PR record shows up: its
  // heap_live Xadd (deferred, see ExecuteDeferringLive) came just before,
  // and revise reads heap_live, heap_scan and scanWork as they are then,
  // other Ps' Xadds since the request ran included. (P0's refill of class
  // 61 ran at its alloc_m's PR at line 91,539 and revised at 91,777 with
  // P1's hand-outs in between.)
  void HandOutReviseAtItsRecord(Request* r, SimRecord* got) {
    ApplyDeferredLive(r);
    if (r->early_revise) {
      *got = RecPR(*r->early_revise);
      return;
    }
    const model::MemStats& m = malloc_.memstats();
    *got = RecPR(model::GcController::ReviseFor(ReviseCall(*got).gcpercent, m.heap_live, m.next_gc, m.heap_scan,
                                                controller_.scanWork, controller_.params().maxOvershoot));
  }

  // mallocgc takes its mcache (acquirem) after the assist check and the
  // recorder's A record, so a goroutine descheduled in between (stopped by
  // a stop-the-world, or otherwise) allocates from the mcache of the P it
  // resumes on, not the one its A record names. A pending request whose P
  // has since run another goroutine's allocation, or a stop-the-world,
  // moves to the P of its goroutine's next A record in the window, which
  // follows its return. (Goroutine 20's A on P1 at line 225,986, mark
  // termination at 227,710: its Z at 231,043 comes from P0's mcache, its
  // next A at 231,044 is on P0. Goroutine 20's A on P0 at 339,891, P0 ran
  // goroutine 18 from 341,156: its CS at 341,174 is P1's, its next A at
  // 341,176 on P1.)
  void RehomeDescheduledRequests() {
    for (Request& r : requests_) {
      if (r.executed || r.rehomed) continue;
      const bool other_ran = r.p >= 0 && static_cast<size_t>(r.p) < last_a_.size() &&
                             last_a_[r.p].first > r.line && last_a_[r.p].second != r.g;
      if (!other_ran && r.line >= last_stw_line_) continue;
      // A goroutine stopped by the world's stop may resume long after the
      // mark termination's flushes and sweeps (goroutine 20's A on P1 at
      // line 1,358,713, mark termination at 1,358,715: its refill swept
      // P0's span from 1,359,687, its Z at 1,360,410, its next A at
      // 1,360,412 on P0).
      size_t end = LookaheadEnd();
      if (r.line < last_stw_line_) {
        if (absl::Status st = FillWindow(cur_ + kStallLookahead); !st.ok()) {
          error_ = st;
          return;
        }
        end = StallLookaheadEnd();
      }
      for (size_t k = cur_; k < end; k++) {
        const RefRecord& a = window_[k].rec;
        if (a.tag != RefTag::kA || a.v[1] != r.g) continue;
        r.p = a.v[0];
        r.rehomed = true;
        break;
      }
    }
  }

  // Compares rec with the request's first simulated record of its kind.
  void ConsumeFrom(const RefRecord& rec, std::deque<Request>::iterator it) {
    auto e = Find(it->produced, rec);
    if (e == it->produced.end()) {
      // Compare with the nearest record of the same tag whatever its key,
      // so the report shows what the simulator did instead.
      e = std::find_if(it->produced.begin(), it->produced.end(), [&](const SimRecord& r) { return r.tag == rec.tag; });
    }
    if (e == it->produced.end()) {
      Compare(rec, nullptr);
      if (it->produced.empty()) DropRequest(&*it);
      return;
    }
    Consume(rec, &it->produced, e, &*it);
  }

  // The P whose mcache got the span handed out by the CS record at
  // window_[k]: the P of the nearest A record of that span class before the
  // first Z of a later slot of that span, or -2 if the window does not show
  // it. (Slot 0 is the request that needed the span, whose thread may have
  // stalled since its A; later slots come from a P that is running. Other
  // Ps' requests may be recorded between that slot's A and its Z.) k >= cur_.
  int64_t InferOwner(size_t k) const {
    const RefRecord& cs = window_[k].rec;
    const uint64_t base = cs.U64(1);
    const int sizeclass = model::SizeClassOf(static_cast<model::SpanClass>(cs.v[0]));
    const uint64_t end = base + uint64_t{model::kClassToAllocNPages[sizeclass]} * model::kPageSize;
    for (size_t j = k + 1; j < LookaheadEnd(); j++) {
      const RefRecord& z = window_[j].rec;
      if (z.tag != RefTag::kZ || z.U64(0) <= base || z.U64(0) >= end) continue;
      for (size_t i = j; i-- > 0;) {
        const RefRecord& a = window_[i].rec;
        if (a.tag == RefTag::kA && a.U64(2) <= model::kMaxSmallSize &&
            model::SmallSpanClass(RequestOf(a)) == cs.v[0]) {
          return a.v[0];
        }
      }
      return -2;
    }
    return -2;
  }

  // Whether P p's next request of the class of the CS record at window_[k]
  // took a later slot of that span. A goroutine's allocations run one after
  // another: if p got the span, p's next request of that class returns an
  // address in it before p's following A record.
  bool NextRequestUses(int64_t p, size_t k) const {
    const RefRecord& cs = window_[k].rec;
    const uint64_t base = cs.U64(1);
    const int sizeclass = model::SizeClassOf(static_cast<model::SpanClass>(cs.v[0]));
    const uint64_t end = base + uint64_t{model::kClassToAllocNPages[sizeclass]} * model::kPageSize;
    size_t j = k + 1;
    for (; j < LookaheadEnd(); j++) {
      const RefRecord& a = window_[j].rec;
      if (a.tag == RefTag::kA && a.v[0] == p && a.U64(2) <= model::kMaxSmallSize &&
          model::SmallSpanClass(RequestOf(a)) == cs.v[0]) {
        break;
      }
    }
    for (size_t m = j + 1; m < LookaheadEnd(); m++) {
      const RefRecord& r = window_[m].rec;
      if (r.tag == RefTag::kA && r.v[0] == p) return false;
      if (r.tag == RefTag::kZ && r.U64(0) > base && r.U64(0) < end && !NextAllocationElsewhere(p, m)) return true;
    }
    return false;
  }

  // Whether the goroutine that got the Z record at window_[m] went on
  // allocating on another P than p: the record right after it is another
  // P's A. A goroutine's next mallocgc follows its return at once in
  // these programs, while another P's Z can come between p's A and its
  // own Z. (Class-57 CS records at lines 221,025-026: Z 842353798592 at
  // 221,037, between P1's A at 221,032 and its Z, is P0's; A 0 follows.)
  bool NextAllocationElsewhere(int64_t p, size_t m) const {
    if (m + 1 >= LookaheadEnd()) return false;
    const RefRecord& a = window_[m + 1].rec;
    return a.tag == RefTag::kA && a.v[0] != p;
  }

  // Of several requests that need a span of the class of the CS record at
  // window_[at], the one whose mcache got it.
  std::deque<Request>::iterator ChooseForSpan(const std::vector<std::deque<Request>::iterator>& cands,
                                              size_t at) {
    // The goroutine that got the refill's own object went on allocating:
    // if the P of the first A after the span's first Z is the P of
    // exactly one candidate, that one. (Class-61 CS records at lines
    // 492,211-212: Z 842352845696, P0's, then A 0; P1's next request of
    // the class had come first and its Z came later.)
    if (pp_.gomaxprocs > 1) {
      const int64_t p = PAfterFirstZ(at);
      std::vector<std::deque<Request>::iterator> mine;
      for (auto it : cands) {
        if (it->p == p) mine.push_back(it);
      }
      if (mine.size() == 1) return mine.front();
    }
    std::vector<std::deque<Request>::iterator> owners;
    for (auto it : cands) {
      if (NextRequestUses(it->p, at)) owners.push_back(it);
    }
    if (!owners.empty() && std::all_of(owners.begin(), owners.end(), [&](auto it) { return it->p == owners[0]->p; })) {
      return owners.front();
    }
    const int64_t owner = InferOwner(at);
    for (auto it : cands) {
      if (it->p == owner) return it;
    }
    // Otherwise prefer a P that does not visibly own a later span of this class.
    std::vector<int64_t> later;
    for (size_t k = at + 1; k < LookaheadEnd(); k++) {
      if (window_[k].rec.tag == RefTag::kCS && window_[k].rec.v[0] == window_[at].rec.v[0]) {
        later.push_back(InferOwner(k));
      }
    }
    for (auto it : cands) {
      if (std::find(later.begin(), later.end(), it->p) == later.end()) return it;
    }
    return cands.front();
  }

  // A refill's deductSweepCredit loop ends before its span hand-out: of
  // the requests an F or SW record may belong to, drops those whose CS/L
  // record comes before the sweep's SW record (unless none is left).
  void DropHandedOutBeforeSweep(const RefRecord& rec, std::vector<std::deque<Request>::iterator>* cands) {
    uint64_t sw_line = 0;
    if (rec.tag == RefTag::kSW) sw_line = rec.line;
    if (rec.tag == RefTag::kF && sweep_line_ >= rec.line) {
      const model::MSpan* s = malloc_.heap().SpanOf(rec.U64(0));
      if (s != nullptr && s->base() == sweep_base_) sw_line = sweep_line_;
    }
    if (sw_line == 0) return;
    std::vector<std::deque<Request>::iterator> keep;
    for (auto it : *cands) {
      const uint64_t handout = HandOutLine(*it);
      if (handout == 0 || handout > sw_line) keep.push_back(it);
    }
    if (!keep.empty()) cands->swap(keep);
  }

  // mcentral.cacheSpan sweeps unswept spans of its own class with
  // preserve set; deductSweepCredit's sweeps (sweepone) never set it. Of
  // the requests an F or SW record of a preserving sweep may belong to,
  // keeps those whose refill needs a span of the swept span's class
  // (unless none is left). (P1's refill of class 37 swept 842353278976,
  // P0's of class 45 swept 842352025600, their F records interleaved from
  // line 93,698.)
  void KeepRefillsOfCacheSpanSweep(const RefRecord& rec, std::vector<std::deque<Request>::iterator>* cands) {
    const RefRecord* sw = &rec;
    if (rec.tag == RefTag::kF) {
      const model::MSpan* s = malloc_.heap().SpanOf(rec.U64(0));
      if (s == nullptr || s->base() != sweep_base_ || sweep_line_ < rec.line) return;
      sw = WindowRecord(sweep_line_);
    }
    if (sw == nullptr || sw->tag != RefTag::kSW || sw->v[5] != 1) return;
    std::vector<std::deque<Request>::iterator> keep;
    for (auto it : *cands) {
      const SimRecord pred = Predict(*it);
      if (pred.tag == RefTag::kCS && pred.key == sw->v[2]) keep.push_back(it);
    }
    if (keep.size() > 1) {
      // Its hand-out, the CS of the swept span soon after the SW, may lie
      // beyond the lookahead: the goroutine that went on after the span's
      // first Z. (P0's and P1's class-2 refills: P1's cacheSpan swept
      // 842350510080 from line 532,589 to 533,113, CS at 533,114.)
      for (size_t k = cur_ + (sw->line - rec.line); k < window_.size() && k <= cur_ + (sw->line - rec.line) + 4; k++) {
        const RefRecord& cs = window_[k].rec;
        if (cs.tag != RefTag::kCS || cs.U64(1) != sw->U64(1)) continue;
        const int64_t p = PAfterFirstZ(k);
        std::vector<std::deque<Request>::iterator> mine;
        for (auto it : keep) {
          if (it->p == p) mine.push_back(it);
        }
        if (mine.size() == 1) keep.swap(mine);
        break;
      }
    }
    if (!keep.empty()) cands->swap(keep);
  }

  // A refill whose first revise is its hand-out's (it does not grow its
  // mcentral) makes the last PR before its CS (HandOutReviseNotYet): of
  // the requests a PR record may belong to, drops those whose hand-out
  // follows another PR record, or is more than kReviseLag lines on
  // (unless none is left). (At line 189,108 P0's class-51 refill, PR at
  // 189,109 and CS at 189,110, and P1's class-61 refill, which grows:
  // the PR is P1's alloc_m's.)
  void DropHandOutRevisesNotNext(const RefRecord& rec, std::vector<std::deque<Request>::iterator>* cands) {
    if (rec.tag != RefTag::kPR) return;
    std::vector<std::deque<Request>::iterator> keep;
    for (auto it : *cands) {
      const uint64_t handout = HandOutLine(*it);
      bool next = handout != 0 && handout <= rec.line + kReviseLag;
      for (size_t k = cur_ + 1; next && k < LookaheadEnd() && window_[k].rec.line < handout; k++) {
        if (window_[k].rec.tag == RefTag::kPR) next = false;
      }
      if (next || WouldGrow(*it)) keep.push_back(it);
    }
    if (!keep.empty()) cands->swap(keep);
  }

  // mheap.alloc_m adds its P's mcache local_scan to heap_scan before it
  // revises; cacheSpan's revise reads it unchanged. Of the requests a PR
  // record may belong to, keeps those whose first revise would read the
  // heap_scan the record shows (unless none is left): which P's revise ran
  // first. (At line 419,079 P0's and P1's class-63 refills both grew the
  // mcentral: the PR with heap_scan unchanged is P0's, whose mcache had
  // nothing to add; P1's, with its 472 bytes, is at 419,080.)
  void KeepRevisesReadingItsHeapScan(const RefRecord& rec, std::vector<std::deque<Request>::iterator>* cands) {
    // Only among refills that all grow: a cacheSpan revise may read another
    // P's alloc_m addition early (HeapScanAddedBeforeRevise).
    if (rec.tag != RefTag::kPR || !std::all_of(cands->begin(), cands->end(), [&](auto it) { return WouldGrow(*it); })) {
      return;
    }
    const uint64_t heap_scan = malloc_.memstats().heap_scan;
    std::vector<std::deque<Request>::iterator> keep;
    for (auto it : *cands) {
      if (heap_scan + Cache(it->p)->stats.local_scan == rec.U64(3)) keep.push_back(it);
    }
    if (!keep.empty()) cands->swap(keep);
  }

  // Whether request r's refill would get a fresh span from the heap
  // (mcentral.grow, whose mheap.alloc_m revises before cacheSpan does):
  // its mcentral has no span cacheSpan could take or sweep.
  bool WouldGrow(const Request& r) {
    const SimRecord pred = Predict(r);
    if (pred.tag != RefTag::kCS) return false;
    const model::MCentral& c = malloc_.central(static_cast<model::SpanClass>(pred.key));
    const uint32_t sg = malloc_.heap().sweepgen;
    for (const model::MSpan* s = c.nonempty().first; s != nullptr; s = s->next) {
      if (s->sweepgen != sg - 1) return false;
    }
    for (const model::MSpan* s = c.empty().first; s != nullptr; s = s->next) {
      if (s->sweepgen == sg - 2) return false;
    }
    return true;
  }

  // The record at `line` in the window from the current one (null if
  // not there).
  const RefRecord* WindowRecord(uint64_t line) const {
    const uint64_t cur = window_[cur_].rec.line;
    if (line < cur || line - cur >= window_.size() - cur_) return nullptr;
    const RefRecord* r = &window_[cur_ + (line - cur)].rec;
    return r->line == line ? r : nullptr;
  }

  // Of several requests that need a span, the one a refill effect (sweep,
  // revise) belongs to: the one whose span hand-out (CS of its class, or L
  // of its size) the recording shows first. A refill's sweeping and revise
  // calls come before its hand-out; newest first if the window shows none.
  std::deque<Request>::iterator FirstToHandOut(const std::vector<std::deque<Request>::iterator>& cands) {
    std::vector<SimRecord> preds;
    for (auto it : cands) preds.push_back(Predict(*it));
    for (size_t k = cur_ + 1; k < LookaheadEnd(); k++) {
      const RefRecord& next = window_[k].rec;
      if (next.tag != RefTag::kCS && next.tag != RefTag::kL) continue;
      std::vector<std::deque<Request>::iterator> match;
      for (size_t i = 0; i < cands.size(); i++) {
        if (preds[i].tag == next.tag && preds[i].key == KeyOf(next)) match.push_back(cands[i]);
      }
      if (match.empty()) continue;
      // Several refills of the class: the one whose goroutine went on
      // after the span's first Z (see ChooseForSpan). (P0's and P1's
      // class-2 refills after mark termination at line 532,428: P1's
      // cacheSpan swept 842350510080, CS at 533,114, then Z and A 1.)
      if (match.size() > 1 && next.tag == RefTag::kCS && pp_.gomaxprocs > 1) {
        const int64_t p = PAfterFirstZ(k);
        for (auto it : match) {
          if (it->p == p) return it;
        }
      }
      return match.front();
    }
    return cands.front();
  }

  // Compares rec with *e, taken out of q. r: the request that produced it
  // (null for the collector's records); dropped once all its records are seen.
  void Consume(const RefRecord& rec, SimRecords* q, SimRecords::iterator e, Request* r) {
    const bool handout_revise = rec.tag == RefTag::kPR && r != nullptr && JustBeforeHandOut(*q, e);
    SimRecord got = std::move(*e);
    q->erase(e);
    if (handout_revise && pp_.gomaxprocs > 1) HandOutReviseAtItsRecord(r, &got);
    if (r != nullptr) r->last_seen = rec.line;
    // SW: the line of its sweep's last F record, if compared (0: none).
    uint64_t last_free = 0;
    if ((rec.tag == RefTag::kF || rec.tag == RefTag::kSW) && pp_.gomaxprocs > 1) {
      uint64_t& seen = sweep_seen_[got.base];
      if (rec.tag == RefTag::kSW && seen >= got.at) last_free = seen;
      seen = rec.line;
    }
    if (rec.tag == RefTag::kZ && r != nullptr && r->req.size == 0) {
      // runtime.zerobase is a link-time address of the recorded program's
      // binary, not something the runtime computes: it must lie outside the
      // heap and be the same for every zero-size allocation.
      const uint64_t z = rec.U64(0);
      const bool ok = (z < malloc_.heap().arena_start() || z >= malloc_.heap().arena_end()) &&
                      (zerobase_seen_ == 0 || zerobase_seen_ == z);
      zerobase_seen_ = z;
      got.v()[0] = ok ? rec.v[0] : static_cast<int64_t>(malloc_.zerobase());
      got.bad_zerobase = !ok;
    }
    if ((rec.tag == RefTag::kCS || rec.tag == RefTag::kL) && r != nullptr) {
      ApplyDeferredLive(r);
      // The recorder reads heap_live when it writes the line: after every
      // allocator step the recording shows up to here.
      got.Push(static_cast<int64_t>(malloc_.memstats().heap_live));
      if (!SameRecord(got, rec)) ExplainConcurrentHeapLive(rec, r, &got);
    }
    if (rec.tag == RefTag::kPR && got.tag == RefTag::kPR && got.v()[4] != controller_.scanWork) {
      // With several Ps, other Ps' scan work (W) may land between an
      // allocation's start and its revise call: revise reads
      // gcController.scanWork when it runs, as the record's place shows.
      // got's fields: gcpercent heap_live next_gc heap_scan scanWork | ...
      SetFields(&got, RecPR(model::GcController::ReviseFor(static_cast<int32_t>(got.v()[0]), got.U64(1), got.U64(2),
                                                           got.U64(3), controller_.scanWork,
                                                           controller_.params().maxOvershoot)));
    }
    if (rec.tag == RefTag::kPR && got.tag == RefTag::kPR && !SameRecord(got, rec) && pp_.gomaxprocs > 1) {
      ScanWorkAddedBeforeRevise(rec, &got);
      if (!SameRecord(got, rec)) ScanWorkAddedAfterRevise(rec, r, &got);
      if (!SameRecord(got, rec) && r != nullptr) RevisedAgainBeforeRecord(rec, *r, &got);
      if (!SameRecord(got, rec) && r != nullptr) HeapScanAddedBeforeRevise(rec, *r, &got);
      if (!SameRecord(got, rec) && handout_revise) HandOutLandedBeforeRevise(rec, *r, &got);
    }
    if (rec.tag == RefTag::kPR && got.tag == RefTag::kPR && !SameRecord(got, rec) && !flush_alts_.empty()) {
      FlushedByOtherP(rec, &got);
    }
    Compare(rec, &got);
    if (rec.tag == RefTag::kSW && pp_.gomaxprocs > 1) {
      PushedAtSweepEnd(got.base, last_free);
      if (got.to_nonempty) FreedToNonemptyAtSweepEnd(got.base, rec.line, last_free);
    }
    if (r != nullptr && r->executed && r->produced.empty()) {
      DropRequest(r);
    }
  }

  // Removes a request from requests_; usually the first or the last.
  void DropRequest(const Request* r) {
    if (r == &requests_.front()) return requests_.pop_front();
    if (r == &requests_.back()) return requests_.pop_back();
    requests_.erase(std::find_if(requests_.begin(), requests_.end(), [r](const Request& x) { return &x == r; }));
  }

  // gcDrainN Xadds gcController.scanWork and then writes its W record; an
  // allocation on the other P may call revise in between and read the
  // sum, its PR record coming before the W record. If the PR does not
  // match, the next kScanWorkLag W records in the lookahead are added, one
  // at a time, before revise: if a sum explains the record, those Xadds
  // came first. (P0's assist's W at line 91,179, after P1's PR at 91,177;
  // its W at 91,348, 36 lines and 5 us after P1's PR at 91,312.)
  void ScanWorkAddedBeforeRevise(const RefRecord& rec, SimRecord* got) {
    const model::ReviseDecision d = ReviseCall(*got);
    int64_t scanWork = controller_.scanWork;
    std::vector<uint64_t> lines;
    for (size_t k = cur_ + 1; k < LookaheadEnd() && lines.size() < kScanWorkLag; k++) {
      const RefRecord& w = window_[k].rec;
      if (w.tag != RefTag::kW) continue;
      scanWork += w.v[1];
      lines.push_back(w.line);
      const model::ReviseDecision e = model::GcController::ReviseFor(
          d.gcpercent, d.heap_live, d.next_gc, d.heap_scan, scanWork, controller_.params().maxOvershoot);
      if (!SamePR(e, rec)) continue;
      controller_.scanWork = scanWork;
      early_scan_work_.insert(early_scan_work_.end(), lines.begin(), lines.end());
      SetFields(got, RecPR(e));
      return;
    }
  }

  // The recorder writes a PR record when revise returns, its inputs as
  // revise read them but its outputs read from gcController then: another
  // P's revise may have stored its own in between. If a PR's inputs match
  // but its outputs do not, they are taken from the revise of the next PR
  // record (within kOverwriteLag lines) by another P: a request of that P
  // already run, or the refill it has pending, run now. (P0's PR at line
  // 188,985 has the outputs of P1's alloc_m revise, PR at 188,987; P1's
  // alloc_m PR at 189,108 those of P0's hand-out revise at 189,109, which
  // has those of P1's hand-out revise at 189,111.)
  void RevisedAgainBeforeRecord(const RefRecord& rec, const Request& r, SimRecord* got) {
    constexpr int kInputs = 5;  // gcpercent heap_live next_gc heap_scan scanWork | outputs
    if (got->tag != RefTag::kPR || rec.n < kInputs) return;
    model::ReviseDecision inputs = ReviseCall(*got);  // the record's inputs, as they are now
    inputs.scanWork = got->v()[4];
    if (!SamePrefix(*got, rec, kInputs)) {
      // Its scanWork may be older than the W records just before it
      // (ScanWorkAddedAfterRevise). (P1's PR at line 303,740: scanWork
      // before the W X 40 at 303,737, outputs of P0's revise at 303,742.)
      bool found = false;
      for (int64_t scanWork : EarlierScanWorks(rec, &r)) {
        if (inputs.gcpercent == rec.v[0] && inputs.heap_live == rec.U64(1) && inputs.next_gc == rec.U64(2) &&
            inputs.heap_scan == rec.U64(3) && scanWork == rec.v[4]) {
          inputs.scanWork = scanWork;
          found = true;
        }
      }
      if (!found) return;
    }
    const RefRecord* next = nullptr;
    for (size_t k = cur_ + 1; k < LookaheadEnd() && window_[k].rec.line <= rec.line + kOverwriteLag; k++) {
      if (window_[k].rec.tag == RefTag::kPR) {
        next = &window_[k].rec;
        break;
      }
    }
    if (next == nullptr) return;
    const std::optional<model::ReviseDecision> other = NextReviseOfOtherP(r.p, *next);
    if (!other) return;
    model::ReviseDecision mixed = inputs;  // these inputs, the other call's outputs
    mixed.assistWorkPerByte = other->assistWorkPerByte;
    mixed.assistBytesPerWork = other->assistBytesPerWork;
    if (SamePR(mixed, rec)) SetFields(got, RecPR(mixed));
  }

  // The revise call of a P other than p that the PR record `next` shows,
  // with the inputs it reads when it runs there (see
  // HandOutReviseAtItsRecord); runs that P's pending refill if none of its
  // requests has run it yet.
  std::optional<model::ReviseDecision> NextReviseOfOtherP(int64_t p, const RefRecord& next) {
    for (int pass = 0; pass < 2; pass++) {
      for (Request& q : requests_) {
        if (!q.executed || q.p == p) continue;
        auto e = std::find_if(q.produced.begin(), q.produced.end(),
                              [](const SimRecord& x) { return x.tag == RefTag::kPR; });
        if (e == q.produced.end() || HandOutReviseNotYet(q, e, next)) continue;
        if (!JustBeforeHandOut(q.produced, e)) return ReviseCall(*e);
        const model::MemStats& m = malloc_.memstats();
        return model::GcController::ReviseFor(ReviseCall(*e).gcpercent, m.heap_live + q.deferred_live, m.next_gc,
                                              m.heap_scan, controller_.scanWork, controller_.params().maxOvershoot);
      }
      if (pass == 1) break;
      auto pending = std::find_if(requests_.begin(), requests_.end(), [&](const Request& q) {
        if (q.executed || q.p == p) return false;
        const RefTag t = Predict(q).tag;
        return t == RefTag::kCS || t == RefTag::kL;
      });
      if (pending == requests_.end()) break;
      ExecuteDeferringLive(&*pending);
    }
    return std::nullopt;
  }

  // mheap.alloc_m adds its mcache's local_scan to heap_scan under the heap
  // lock and calls revise later; its thread may stall in between, and
  // other Ps' revise calls read the sum before its PR is written. If the PR
  // does not match, heap_scan is taken with the local_scan of each other P
  // that has a refill or large allocation pending: if that explains the
  // record, that P's alloc_m moved its local_scan then (and adds nothing
  // more when its request runs: its goroutine allocates nothing else
  // meanwhile). (P1's class-61 refill, A at line 189,043, alloc_m's PR at
  // 189,108; P0's PR at 189,048 already has its 384 bytes.)
  void HeapScanAddedBeforeRevise(const RefRecord& rec, const Request& r, SimRecord* got) {
    const model::ReviseDecision d = ReviseCall(*got);
    for (size_t q = 0; q < caches_.size(); q++) {
      const uint64_t extra = caches_[q]->stats.local_scan;
      if (static_cast<int64_t>(q) == r.p || extra == 0 || !RefillPending(static_cast<int64_t>(q))) continue;
      const model::ReviseDecision early = model::GcController::ReviseFor(
          d.gcpercent, d.heap_live, d.next_gc, d.heap_scan + extra, d.scanWork, controller_.params().maxOvershoot);
      if (!SamePR(early, rec)) continue;
      malloc_.memstats().heap_scan += extra;
      caches_[q]->stats.local_scan = 0;
      caches_[q]->stats.scan_flushes++;
      SetFields(got, RecPR(early));
      return;
    }
  }

  // Whether P p has a request pending that needs a span (CS or L next).
  bool RefillPending(int64_t p) {
    for (const Request& q : requests_) {
      if (q.executed || q.p != p) continue;
      const RefTag next = Predict(q).tag;
      if (next == RefTag::kCS || next == RefTag::kL) return true;
    }
    return false;
  }

  // The other way round: the recorder took revise's inputs, and another
  // P's Xadd and its W record came before the PR record was written.
  // revise itself may have read scanWork then or later: if the PR does not
  // match, the W records since the request began (at most 8, latest
  // first; the last kPushRace lines for the collector's) are taken back
  // from the inputs, with outputs computed from the same scanWork or from
  // the current one. (A gcWork.dispose's W X 8 at line 119,124, between
  // P1's revise and its PR at 119,126; P0's PR at 304,038 has inputs
  // before the W X 40s at 304,030 and 304,035 and outputs after them.)
  void ScanWorkAddedAfterRevise(const RefRecord& rec, const Request* r, SimRecord* got) const {
    const model::ReviseDecision d = ReviseCall(*got);
    const int64_t now_out[2] = {got->v()[5], got->v()[6]};  // assistWorkPerByte, assistBytesPerWork bits
    for (int64_t scanWork : EarlierScanWorks(rec, r)) {
      const model::ReviseDecision e = model::GcController::ReviseFor(d.gcpercent, d.heap_live, d.next_gc,
                                                                     d.heap_scan, scanWork,
                                                                     controller_.params().maxOvershoot);
      SimRecord full = RecPR(e);
      SimRecord late = RecPR(e);  // the same inputs, the outputs as they are now
      late.v()[5] = now_out[0];
      late.v()[6] = now_out[1];
      const bool exact = SameRecord(full, rec);
      if (exact || SameRecord(late, rec)) {
        SetFields(got, exact ? std::move(full) : std::move(late));
        return;
      }
    }
  }

  // The scanWork values a revise may have read before the W records
  // since request r began (the last kPushRace lines if r is null): the
  // current value less each latest-first run of at most 8 of them.
  std::vector<int64_t> EarlierScanWorks(const RefRecord& rec, const Request* r) const {
    std::vector<int64_t> values;
    const uint64_t since = r != nullptr ? r->line : (rec.line > kPushRace ? rec.line - kPushRace : 0);
    int64_t scanWork = controller_.scanWork;
    for (size_t k = cur_; k-- > 0 && window_[k].rec.line > since && values.size() < 8;) {
      const RefRecord& w = window_[k].rec;
      if (w.tag != RefTag::kW) continue;
      scanWork -= w.v[1];
      values.push_back(scanWork);
    }
    return values;
  }

  // mspan.sweep pushes a span that stays in use onto the swept spans'
  // gcSweepBuf at its end, just before the SW record, and the next cycle's
  // sweepone pops them last pushed first. With several Ps the replay runs
  // sweeps in another order than they ended (whole, when their first
  // record shows up): the span is moved to the top of the swept stack when
  // its SW record shows up. (Cycle 1's sweeps of spans 842353238016, SW at
  // line 37,716, and 842353934336, at 37,717, decided which of them
  // bgsweep took first at line 78,782.)
  // last_free: the line of its sweep's last F record (0: look for it in
  // the window's history).
  void PushedAtSweepEnd(uint64_t base, uint64_t last_free) {
    model::MHeap& h = malloc_.heap();
    std::vector<model::MSpan*>& swept = h.sweepSpans[h.sweepgen / 2 % 2];
    auto it = std::find_if(swept.rbegin(), swept.rend(), [base](const model::MSpan* s) { return s->base() == base; });
    if (it == swept.rend()) return;  // freed by the sweep, or already popped
    model::MSpan* s = *it;
    swept.erase(std::next(it).base());
    swept.push_back(s);
    const uint64_t sw = window_[cur_].rec.line;
    pushed_at_[s] = {last_free != 0 ? last_free : LastFreeLine(*s, sw), sw, h.sweepgen};
  }

  // mcentral.freeSpan, called by mspan.sweep just before its SW record,
  // moves a span that was full (on the empty list) and had objects freed
  // to the front of its mcentral's nonempty list, where cacheSpan looks
  // first. The replay runs a sweep whole when its first record shows up,
  // so two Ps' concurrent sweeps inserted their spans in the order they
  // began: the span is moved to the front when its SW record shows up.
  // (Two refills' sweeps of 842352074752 and 842352082944 in class 51,
  // F records interleaved from line 73,674, SW at 73,689 and 73,688: the
  // CS at 83,471 took 842352074752.)
  // line: the SW record's; last_free: as for PushedAtSweepEnd.
  void FreedToNonemptyAtSweepEnd(uint64_t base, uint64_t line, uint64_t last_free) {
    model::MSpan* s = malloc_.heap().SpanOf(base);
    if (s == nullptr || s->base() != base || s->state != model::SpanState::kInUse || s->incache) return;
    model::MSpanList* nonempty = malloc_.central(s->spanclass).mutable_nonempty();
    if (s->list != nonempty) return;
    to_nonempty_at_[s] = {last_free != 0 ? last_free : LastFreeLine(*s, line), line};
    nonempty->Remove(s);
    // Spans moved already for later SW records (FreeSpansBeforeHandOut)
    // stay in front of it.
    std::vector<model::MSpan*> later;
    while (nonempty->first != nullptr) {
      auto at = to_nonempty_at_.find(nonempty->first);
      if (at == to_nonempty_at_.end() || at->second.sw <= line) break;
      later.push_back(nonempty->first);
      nonempty->Remove(nonempty->first);
    }
    nonempty->Insert(s);
    for (auto it = later.rbegin(); it != later.rend(); ++it) nonempty->Insert(*it);
  }

  // A refill the replay runs early (at its loop's first sweep) looks at
  // nonempty at once, but other Ps' hand-outs of its class recorded
  // before its own CS took the lock first: each took the first swept span
  // of nonempty. Those the replay has not run yet (their CS records are
  // not explained by a simulated one) get theirs later: this refill's
  // cacheSpan goes past as many swept spans at the front of nonempty,
  // which stay there for them. (P1's class-61 refill ran at line 199,853;
  // P0's CS at 199,906, from a request read at 199,898, took the first
  // span, P1's CS at 199,910 the second.)
  void LeaveSpansToEarlierHandOuts(const RefRecord& handout) {
    const int64_t spc = handout.v[0];
    std::vector<uint64_t> lines;  // of the earlier hand-outs
    for (size_t k = cur_ + 1; k < LookaheadEnd() && window_[k].rec.line < handout.line; k++) {
      if (window_[k].rec.tag == RefTag::kCS && window_[k].rec.v[0] == spc) lines.push_back(window_[k].rec.line);
    }
    int64_t n = static_cast<int64_t>(lines.size());
    auto pending_cs = [spc](const SimRecords& q) {
      return std::count_if(q.begin(), q.end(), [spc](const SimRecord& r) { return r.tag == RefTag::kCS && r.key == spc; });
    };
    n -= pending_cs(gc_out_);
    for (const Request& q : requests_) {
      if (q.executed && &q != executing_) n -= pending_cs(q.produced);
    }
    model::MHeap& h = malloc_.heap();
    model::MSpanList* nonempty = malloc_.central(static_cast<model::SpanClass>(spc)).mutable_nonempty();
    // The unexplained ones are the last n; each took the first swept span
    // already on nonempty then, not one whose sweep ended after it. (P1's
    // class-10 CS at line 668,795 took 842355425280 before P0's loop,
    // whose refill ran at 668,768, freed 842355821376 at 668,846.)
    for (size_t i = lines.size() - static_cast<size_t>(std::max<int64_t>(n, 0)); i < lines.size(); i++) {
      model::MSpan* s = nonempty->first;
      for (; s != nullptr; s = s->next) {
        if (s->sweepgen == h.sweepgen - 1) continue;  // being swept or left already: cacheSpan goes past it
        if (s->sweepgen != h.sweepgen) break;       // unswept: who sweeps it is not known
        auto at = to_nonempty_at_.find(s);
        if (at == to_nonempty_at_.end() || at->second.sw < lines[i]) break;
      }
      if (s == nullptr || s->sweepgen != h.sweepgen) return;
      Claim(s, h.sweepgen);  // cacheSpan goes past it
    }
  }

  // Two Ps' cacheSpan calls take the mcentral lock in some order, and the
  // recorder may write their CS records in the other order (OrderByHeapLock
  // settles it for refills run at their CS record). While the refill
  // Execute runs would take a span other than its CS record shows, the
  // span it would take is shown by a later CS record of its class, and
  // another P has a refill of that class pending, that refill took the
  // lock first: cacheSpan goes past the span, which stays for it. (P0's
  // and P1's class-43 refills, A at lines 201,971 and 201,973: P1's CS at
  // 202,060 took the second span of nonempty, P0's at 202,179 the first.)
  void LeaveSpansToEarlierLocks(const RefRecord& handout) {
    const auto spc = static_cast<model::SpanClass>(handout.v[0]);
    model::MCentral& c = malloc_.central(spc);
    const bool other = std::any_of(requests_.begin(), requests_.end(), [&](const Request& q) {
      if (q.executed || q.p == executing_->p) return false;
      const SimRecord pred = Predict(q);
      return pred.tag == RefTag::kCS && pred.key == spc;
    });
    if (!other) return;
    model::MHeap& h = malloc_.heap();
    for (;;) {
      const uint64_t mine = c.PeekCacheSpanBase();
      if (mine == 0 || mine == handout.U64(1)) return;
      model::MSpan* s = h.SpanOf(mine);
      if (s == nullptr || s->base() != mine || s->list != c.mutable_nonempty() || s->sweepgen != h.sweepgen) return;
      // A stalled thread's CS record may come hundreds of records later
      // (P0's class-41 refill, A at line 858,726, took 842355286016 before
      // P1's CS at 858,762; its CS at 859,299).
      if (absl::Status st = FillWindow(cur_ + kStallLookahead); !st.ok()) {
        error_ = st;
        return;
      }
      bool later = false;
      for (size_t k = cur_; k < StallLookaheadEnd() && !later; k++) {
        const RefRecord& r = window_[k].rec;
        later = r.line > handout.line && r.tag == RefTag::kCS && r.v[0] == spc && r.U64(1) == mine;
      }
      if (!later) return;
      Claim(s, h.sweepgen);  // cacheSpan goes past it
    }
  }

  // The line of the last F record of the sweep of span s whose SW record
  // is at sw_line (sw_line if the window no longer shows one): its
  // freeSpan came between the two.
  uint64_t LastFreeLine(const model::MSpan& s, uint64_t sw_line) const {
    const uint64_t first = window_.front().rec.line;
    if (sw_line < first || sw_line - first >= window_.size()) return sw_line;
    const uint64_t end = s.base() + (s.npages << model::kPageShift);
    for (size_t k = sw_line - first, n = 0; k-- > 0 && n < kSweepSearch; n++) {
      const RefRecord& r = window_[k].rec;
      if (r.tag == RefTag::kF && r.U64(0) >= s.base() && r.U64(0) < end) return r.line;
      if (r.tag == RefTag::kSW && r.U64(1) == s.base()) break;
    }
    return sw_line;
  }

  // The sweeps whose SW records come before the hand-out of the refill
  // Execute runs had their freeSpan calls, in that order, before its
  // cacheSpan looked at nonempty: the replay moves their spans now, and
  // again when the SW records show up (sweeps it runs in between put their
  // spans in front; FreedToNonemptyAtSweepEnd keeps the SW order). (P1's
  // class-10 refill ran at line
  // 194,767 for its loop's sweep; 842356023296's sweep, begun earlier,
  // ended at 194,778 after 842356031488's at 194,738, and its CS at
  // 194,779 took 842356023296.)
  void FreeSpansBeforeHandOut() {
    const uint64_t handout = executing_->handout_line;
    for (size_t k = cur_; handout != 0 && k < LookaheadEnd() && window_[k].rec.line < handout; k++) {
      const RefRecord& sw = window_[k].rec;
      if (sw.tag != RefTag::kSW) continue;
      SimRecord* sim = PendingSweep(sw.U64(1));
      if (sim == nullptr || !sim->to_nonempty) continue;
      FreedToNonemptyAtSweepEnd(sim->base, sw.line, 0);
    }
  }

  // The simulated SW record of the span at base not yet compared (null if
  // none).
  SimRecord* PendingSweep(uint64_t base) {
    auto find = [base](SimRecords& q) -> SimRecord* {
      auto it = std::find_if(q.begin(), q.end(), [base](const SimRecord& r) { return r.tag == RefTag::kSW && r.base == base; });
      return it == q.end() ? nullptr : &*it;
    };
    if (SimRecord* r = find(gc_out_)) return r;
    for (Request& q : requests_) {
      if (SimRecord* r = find(q.produced)) return r;
    }
    return nullptr;
  }

  // freeSpan inserts the swept span under the mcentral's lock, and the SW
  // record is written after; a cacheSpan on the other P that took the lock
  // just before writes its CS record after its heap_live Xadd. If the CS
  // record at hand comes within kPushRace lines after the SW of the span
  // at the front of nonempty, and shows the span behind it handed out,
  // that freeSpan came after the hand-out: the two trade places. (bgsweep's
  // SW of 842354098176 at line 95,381; P0's CS at 95,382 took 842354106368.)
  // Likewise two sweeps' freeSpan calls came in either order if one's
  // comes between its last F record and its SW, the other's SW included:
  // the recorder may have written them in the other order. (Sweeps of
  // 842355884032, F at 195,170-171 and SW at 195,189, and 842355875840, F
  // at 195,172-174 and SW at 195,175: the CS of class 61 at 195,922 took
  // 842355875840.)
  // A refill's cacheSpan may also have taken the lock long before its CS
  // record, any time after its A record (begun): a span whose sweep's last
  // F comes after that may have been inserted after the hand-out. (P0's
  // class-57 refill, A at line 420,416, swept 842357653504 in its cacheSpan,
  // F from 420,566, CS at 420,573; bgsweep's sweep of 842356375552, F at
  // 420,473-478, put it on nonempty after P0's cacheSpan passed.) Several
  // spans in front of the taken one may have been inserted so. (P0's
  // class-61 refill, A at line 612,624, took 842356670464, freed at
  // 612,625, and wrote its CS at 613,289; bgsweep freed four spans of the
  // class at 613,204-221 meanwhile.)
  void SettleFreeSpanRace(const RefRecord& cs, uint64_t begun) {
    model::MSpanList* nonempty = malloc_.central(static_cast<model::SpanClass>(cs.v[0])).mutable_nonempty();
    // Spans claimed for sweeps under way or for earlier hand-outs are not
    // in the race.
    const uint32_t claimed = malloc_.heap().sweepgen - 1;
    auto unclaimed = [claimed](model::MSpan* s) {
      while (s != nullptr && s->sweepgen == claimed) s = s->next;
      return s;
    };
    model::MSpan* top = unclaimed(nonempty->first);
    // The spans in front of the one the CS shows taken (at most 64).
    std::vector<model::MSpan*> front;
    model::MSpan* taken = top;
    while (taken != nullptr && taken->base() != cs.U64(1) && front.size() < 64) {
      front.push_back(taken);
      taken = unclaimed(taken->next);
    }
    if (taken == nullptr || taken->base() != cs.U64(1) || front.empty()) return;
    auto behind = to_nonempty_at_.find(taken);
    for (model::MSpan* f : front) {
      auto at = to_nonempty_at_.find(f);
      if (at == to_nonempty_at_.end()) return;
      const bool after_handout = at->second.sw + kPushRace >= cs.line || at->second.last_free > begun;
      const bool overlap = behind != to_nonempty_at_.end() && behind->second.sw < at->second.sw &&
                           at->second.last_free < behind->second.sw;
      if (!after_handout && !overlap) return;
    }
    nonempty->Remove(taken);
    nonempty->Insert(taken);
  }

  // A refill whose cacheSpan swept (preserve) and took a span of the
  // empty list passed nonempty with no swept span on it: the swept spans
  // there now were inserted after, by sweeps whose last F record came
  // after the refill began (its A record). cacheSpan goes past them.
  // (P0's class-61 refill, A at line 1,099,209, swept 842356719616 in its
  // cacheSpan, F from 1,099,215, CS at 1,099,222; bgsweep freed
  // 842356391936 into nonempty after its last F at 1,099,213.)
  void PassedNonemptyBeforeFrees(const RefRecord& cs, uint64_t begun) {
    model::MHeap& h = malloc_.heap();
    model::MSpan* s = h.SpanOf(cs.U64(1));
    if (s == nullptr || s->base() != cs.U64(1) || s->sweepgen != h.sweepgen - 2) return;
    model::MCentral& c = malloc_.central(static_cast<model::SpanClass>(cs.v[0]));
    if (s->list != c.mutable_empty()) return;
    const RefRecord* sw = SweepBefore(s->base(), cs.line);
    if (sw == nullptr || sw->v[0] == kBgSweeper || sw->v[5] == 0) return;  // not its cacheSpan's sweep
    std::vector<model::MSpan*> late;
    for (model::MSpan* f = c.nonempty().first; f != nullptr; f = f->next) {
      if (f->sweepgen == h.sweepgen - 1) continue;  // claimed: cacheSpan goes past it anyway
      if (f->sweepgen != h.sweepgen) return;         // unswept: cacheSpan would sweep and take it
      auto at = to_nonempty_at_.find(f);
      if (at == to_nonempty_at_.end() || at->second.last_free <= begun) return;
      late.push_back(f);
    }
    for (model::MSpan* f : late) {
      Claim(f, h.sweepgen);
    }
  }

  // gcSweepBuf.push takes its slot with an Xadd before mspan.sweep
  // returns and the SW record is written: two sweeps ending within a few
  // records of each other may have pushed their spans in either order.
  // The next cycle's sweepone pops them last pushed first, which the
  // recording shows: if the sweep the recording shows next is of a span
  // just below the top of the unswept stack, and every span above it was
  // pushed within kPushRace lines of it, or may have been pushed before it
  // (the push comes between a sweep's last F and its SW), it was pushed
  // last: it is moved to the top. (Cycle 1's sweeps of 842351575040, SW at
  // line 34,640, and 842354884608, at 34,642: cycle 2's bgsweep took the
  // first at 81,968. Cycle 6's sweeps of 842355884032, last F at 195,171
  // and SW at 195,189, and 842355875840, SW at 195,175: cycle 9's bgsweep
  // took 875840 first at 248,723; the CS at 195,922 had shown the same
  // order of their freeSpan calls.)
  void SettlePushRace(uint64_t expected) {
    model::MHeap& h = malloc_.heap();
    std::vector<model::MSpan*>& unswept = h.sweepSpans[1 - h.sweepgen / 2 % 2];
    auto pushed = [&](const model::MSpan* s) -> std::optional<PushLines> {
      auto it = pushed_at_.find(s);
      if (it == pushed_at_.end() || it->second.sweepgen != h.sweepgen - 2) return std::nullopt;
      return it->second;
    };
    std::vector<size_t> above;  // spans to sweep above the expected one
    for (size_t i = unswept.size(); i-- > 0 && above.size() < 4;) {
      model::MSpan* s = unswept[i];
      if (s->state != model::SpanState::kInUse || s->sweepgen != h.sweepgen - 2) continue;
      if (s->base() != expected) {
        above.push_back(i);
        continue;
      }
      if (above.empty()) return;
      const std::optional<PushLines> mine = pushed(s);
      if (!mine) return;
      for (size_t j : above) {
        const std::optional<PushLines> other = pushed(unswept[j]);
        if (!other) return;
        const bool near = (other->sw > mine->sw ? other->sw - mine->sw : mine->sw - other->sw) <= kPushRace;
        if (!near && other->last_free >= mine->sw) return;  // pushed after mine for sure
      }
      unswept.erase(unswept.begin() + static_cast<std::ptrdiff_t>(i));
      unswept.push_back(s);
      return;
    }
  }

  // Lands a request's deferred heap_live Xadd (see OrderByHeapLock).
  void ApplyDeferredLive(Request* r) {
    malloc_.memstats().heap_live += r->deferred_live;
    deferred_total_ -= r->deferred_live;
    r->deferred_live = 0;
  }

  // The base address of the span a request would get from the heap or its
  // mcentral (0 if sweeping makes it unknowable without doing it).
  uint64_t PeekBase(const Request& r) {
    const model::AllocRequest& q = r.req;
    if (q.size > model::kMaxSmallSize) {
      return malloc_.heap().PeekAllocBase((q.size + model::kPageSize - 1) >> model::kPageShift);
    }
    return malloc_.central(model::SmallSpanClass(q)).PeekCacheSpanBase();
  }

  // Two Ps that both need a span take the heap lock in some order, and the
  // recorder may write their CS/L lines in the other order. If request x
  // would not get the span the record shows, but another P's pending
  // request whose CS/L follows in the window would take the span x is about
  // to get, that request went first: run it now.
  void OrderByHeapLock(const RefRecord& rec, const Request& x) {
    const uint64_t want = rec.U64(1);
    for (size_t k = cur_ + 1; k < LookaheadEnd(); k++) {
      const uint64_t mine = PeekBase(x);
      if (mine == want || mine == 0) return;
      const RefRecord& next = window_[k].rec;
      if ((next.tag != RefTag::kCS && next.tag != RefTag::kL) || next.U64(1) != mine) continue;
      for (auto rit = requests_.rbegin(); rit != requests_.rend(); ++rit) {
        if (rit->executed || rit->p == x.p) continue;
        SimRecord pred = Predict(*rit);
        if (pred.tag == next.tag && (next.tag == RefTag::kL || pred.key == KeyOf(next)) &&
            PeekBase(*rit) == mine) {
          // Only its heap step happened yet: its heap_live Xadd comes after
          // the lock and shows up with its own record.
          handout_hint_ = next.line;  // not the current record, x's
          lock_first_ = true;
          ExecuteDeferringLive(&*rit);
          lock_first_ = false;
          break;
        }
      }
    }
  }

  // Marks claimed, while the refill Execute runs goes on to take its
  // span, the spans whose simulated sweep has no SW record yet: another
  // P's sweep (a refill's loop, or the background sweeper) was still
  // running then. A span being swept is claimed (sweepgen = sg-1) and on
  // its mcentral's empty list, where mspan.sweep's freeSpan moves it to
  // nonempty at the end, so cacheSpan goes past it; the replay ran those
  // sweeps whole already. (P0's refill with CS at line 72,273 went past
  // span 842351616000, whose sweep by P1 ended at 72,286.) except: the
  // span the request's CS record shows it taking.
  void ClaimUnfinishedSweeps(uint64_t except) {
    model::MHeap& h = malloc_.heap();
    auto claim = [&](const SimRecords& q) {
      for (const SimRecord& sw : q) {
        if (sw.tag != RefTag::kSW || sw.base == except) continue;
        model::MSpan* s = h.SpanOf(sw.base);
        if (s == nullptr || s->base() != sw.base || s->incache || s->sweepgen != h.sweepgen) continue;
        Claim(s, h.sweepgen);
      }
    };
    claim(gc_out_);
    for (const Request& q : requests_) {
      if (q.executed && &q != executing_) claim(q.produced);
    }
  }

  // An unswept span of the refill's class whose sweep the recording shows
  // done by a sweepone loop (who 0, no preserve) ending after the
  // refill's hand-out (or beyond the window when the hand-out is) was not
  // swept by this cacheSpan, which sweeps what it meets unswept: another
  // sweeper had claimed it. It stays claimed while the refill runs. (P0's
  // class-2 refill, run at line 458,760, swept 842350944256 in its
  // cacheSpan from 458,947; 842354876416, first on nonempty, was swept by
  // P1's loop, SW at 459,133.)
  void ClaimSpansOthersSweep() {
    const SimRecord pred = Predict(*executing_);
    if (pred.tag != RefTag::kCS) return;
    model::MHeap& h = malloc_.heap();
    model::MCentral& c = malloc_.central(static_cast<model::SpanClass>(pred.key));
    // The end of the loop's sweep the refill runs at (its cacheSpan came
    // after it).
    const RefRecord& rec = window_[cur_].rec;
    const bool at_own_sweep = (rec.tag == RefTag::kF || rec.tag == RefTag::kSW) && !sweep_by_bg_ &&
                              sweep_line_ >= rec.line && executing_->handout_line == 0;
    const uint64_t loop_end = at_own_sweep ? sweep_line_ : 0;
    for (model::MSpanList* list : {c.mutable_nonempty(), c.mutable_empty()}) {
      for (model::MSpan* s = list->first; s != nullptr; s = s->next) {
        if (s->sweepgen != h.sweepgen - 2) continue;
        const RefRecord* sw = FirstSweepOf(s->base());
        const bool by_loop = sw != nullptr && sw->v[0] != kBgSweeper && sw->v[5] == 0 &&
                             (executing_->handout_line == 0 || sw->line >= executing_->handout_line);
        // Or another refill's cacheSpan swept it before this loop ended.
        // (P0's class-2 refill's loop swept 842356162560 from line 532,536
        // to 533,204; P1's cacheSpan swept 842350510080 until 533,113.)
        const RefRecord* early = loop_end != 0 ? SweepBefore(s->base(), loop_end) : nullptr;
        const bool by_cachespan = early != nullptr && early->v[0] != kBgSweeper && early->v[5] != 0;
        if (!by_loop && !by_cachespan && !TakenByOtherCacheSpan(*s, sw)) continue;
        Claim(s, h.sweepgen - 2);
      }
    }
  }

  // Whether span s, of the class of the refill Execute runs, was taken by
  // another P's cacheSpan: the recording shows a cacheSpan's sweep of s
  // (sw: preserve) before the refill's hand-out, that hand-out is another
  // span, and s has free slots after its sweep (a cacheSpan takes the span
  // it swept unless it is still full). (P0's and P1's class-57 refills, A
  // at lines 767,287 and 767,293: 842352623616 swept from 767,315 to
  // 767,319 and 842357653504 from 767,318 to 767,320; P1's CS at 767,321
  // took 653504, P0's at 767,330 took 623616.)
  bool TakenByOtherCacheSpan(const model::MSpan& s, const RefRecord* sw) const {
    const uint64_t handout = executing_->handout_line;
    if (sw == nullptr || sw->v[0] == kBgSweeper || sw->v[5] == 0 || handout == 0 || sw->line >= handout) return false;
    const RefRecord* cs = WindowRecord(handout);
    if (cs == nullptr || cs->tag != RefTag::kCS || cs->U64(1) == s.base()) return false;
    uint64_t marked = 0;
    for (uint64_t i = 0; i < s.nelems; i++) marked += s.MarkBit(i) ? 1 : 0;
    return marked < s.nelems;
  }

  // The first SW record of the span at base in the window from the current
  // record up to line `before` (null if none), read ahead as far as the
  // window holds.
  const RefRecord* SweepBefore(uint64_t base, uint64_t before) const {
    for (size_t k = cur_; k < window_.size() && window_[k].rec.line < before; k++) {
      const RefRecord& r = window_[k].rec;
      if (r.tag == RefTag::kSW && r.U64(1) == base) return &r;
    }
    return nullptr;
  }

  // Runs a request whose heap_live Xadd lands when its CS/L record shows up.
  void ExecuteDeferringLive(Request* r) {
    const uint64_t before = malloc_.memstats().heap_live;
    Execute(r);
    r->deferred_live = malloc_.memstats().heap_live - before;
    malloc_.memstats().heap_live = before;
    deferred_total_ += r->deferred_live;
  }

  // With several Ps, the recorder wrote a span hand-out's heap_live after
  // other Ps may have added theirs (the Xadd and the record are not one
  // atomic step). If the simulated record differs only in heap_live, run
  // the other Ps' requests whose hand-outs follow within the lookahead
  // window first; if heap_live then equals the recorded value, the record
  // was written after those concurrent Xadds.
  void ExplainConcurrentHeapLive(const RefRecord& rec, Request* x, SimRecord* got) {
    // The same record but for its last field (heap_live).
    if (got->tag != rec.tag || got->n != rec.n || got->n == 0 || got->bad_zerobase ||
        !std::equal(got->v(), got->v() + got->n - 1, rec.v)) {
      return;
    }
    const uint64_t want = rec.U64(rec.n - 1);
    // Xadds of hand-outs that already took their span (OrderByHeapLock) may
    // have landed before this record was written.
    for (Request& r : requests_) {
      if (r.deferred_live == 0 || malloc_.memstats().heap_live + r.deferred_live > want) continue;
      ApplyDeferredLive(&r);
      if (malloc_.memstats().heap_live == want) {
        got->v()[got->n - 1] = static_cast<int64_t>(want);
        return;
      }
    }
    // A thread can stall for hundreds of records between its Xadd and its
    // CS record (P0's class-61 hand-out: Xadd before P1's CS at line
    // 603,323, its own CS at 603,851): look that far.
    if (absl::Status st = FillWindow(cur_ + kStallLookahead); !st.ok()) {
      error_ = st;
      return;
    }
    if (LaterHandOutLandedFirst(want - malloc_.memstats().heap_live, x->p)) {
      if (malloc_.memstats().heap_live == want) got->v()[got->n - 1] = static_cast<int64_t>(want);
      return;
    }
    for (size_t k = cur_ + 1; k < StallLookaheadEnd(); k++) {
      const RefRecord& next = window_[k].rec;
      if (next.tag != RefTag::kCS && next.tag != RefTag::kL) continue;
      for (auto rit = requests_.rbegin(); rit != requests_.rend(); ++rit) {
        if (rit->executed || rit->p == x->p) continue;
        SimRecord pred = Predict(*rit);
        if (pred.tag == next.tag && (next.tag == RefTag::kL || pred.key == KeyOf(next))) {
          Execute(&*rit);
          break;
        }
      }
      const uint64_t live = malloc_.memstats().heap_live;
      if (live == want) {
        got->v()[got->n - 1] = static_cast<int64_t>(live);
        return;
      }
      if (live > want) return;
    }
  }

  // A sweep that frees its span (mheap.freeSpan) moves its P's mcache
  // local_scan into heap_scan. Which P swept is the replay's reading of
  // races the sweep records may leave open (two loops sweeping at once,
  // each popping the next span; the P the background sweeper ran on), and
  // nothing shows heap_scan until the next cycle's revise calls. Each such
  // flush (amount: the bytes it moved) is noted with the other Ps' local_scan
  // then, as alternatives (FlushedByOtherP).
  void NoteFlushAlternatives(uint64_t amount) {
    const model::MCacheStats* c = sweeper_.local_stats();
    for (size_t p = 0; p < caches_.size(); p++) {
      if (&caches_[p]->stats != c) continue;
      for (size_t q = 0; q < caches_.size(); q++) {
        if (q == p) continue;
        flush_alts_.push_back({p, q, amount, caches_[q]->stats.local_scan, caches_[p]->stats.scan_flushes,
                               caches_[q]->stats.scan_flushes});
      }
    }
  }

  // If a PR record differs from the simulated one only by its heap_scan,
  // and exactly one noted freeSpan flush, made by the other P, explains
  // it, that P swept: heap_scan and the two local_scans become what they
  // would be (a P that flushed again since moved its bytes then). (P0's
  // refill, A at line 1,360,472, and P1's, at 1,360,464, swept
  // 842351443968 (F at 1,360,474, SW at 1,360,481, freed) and
  // 842355564544 (F from 1,360,475, SW at 1,360,482): the revise at
  // 1,393,376, the next cycle's first, shows P0 freed it, with 8 bytes of
  // local_scan, not P1 with 1,368.)
  void FlushedByOtherP(const RefRecord& rec, SimRecord* got) {
    constexpr int kInputs = 5;  // gcpercent heap_live next_gc heap_scan scanWork | outputs
    if (got->tag != RefTag::kPR || rec.n < kInputs || got->v()[0] != rec.v[0] || got->v()[1] != rec.v[1] ||
        got->v()[2] != rec.v[2] || got->v()[4] != rec.v[4]) {
      return;
    }
    const model::ReviseDecision d = ReviseCall(*got);
    const FlushAlternative* pick = nullptr;
    int64_t pick_delta = 0;
    for (const FlushAlternative& a : flush_alts_) {
      const bool p_flushed = caches_[a.p]->stats.scan_flushes != a.p_flushes;
      const bool alt_flushed = caches_[a.alt]->stats.scan_flushes != a.alt_flushes;
      int64_t delta = static_cast<int64_t>(a.alt_amount) - static_cast<int64_t>(a.amount);
      if (alt_flushed) delta -= static_cast<int64_t>(a.alt_amount);
      if (p_flushed) delta += static_cast<int64_t>(a.amount);
      if (delta == 0 || d.heap_scan + static_cast<uint64_t>(delta) != rec.U64(3)) continue;
      if (pick != nullptr) return;  // two explanations: neither is settled
      pick = &a;
      pick_delta = delta;
    }
    if (pick == nullptr) return;
    const model::ReviseDecision other = model::GcController::ReviseFor(
        d.gcpercent, d.heap_live, d.next_gc, d.heap_scan + static_cast<uint64_t>(pick_delta), d.scanWork,
        controller_.params().maxOvershoot);
    if (!SamePR(other, rec)) return;
    malloc_.memstats().heap_scan += static_cast<uint64_t>(pick_delta);
    if (caches_[pick->alt]->stats.scan_flushes == pick->alt_flushes) caches_[pick->alt]->stats.local_scan -= pick->alt_amount;
    if (caches_[pick->p]->stats.scan_flushes == pick->p_flushes) caches_[pick->p]->stats.local_scan += pick->amount;
    flush_alts_.clear();
    SetFields(got, RecPR(other));
  }

  // The heap_live Xadd of the span hand-out a CS record shows: the span's
  // bytes less its allocCount slots (mcentral.cacheSpan).
  static uint64_t RecordedXadd(const RefRecord& cs) { return CacheSpanXadd(cs.v[0], cs.U64(2)); }

  // cacheSpan's heap_live Xadd for a span of class spc with allocCount
  // slots taken: the span's bytes less those slots.
  static uint64_t CacheSpanXadd(int64_t spc, uint64_t allocCount) {
    const int sc = model::SizeClassOf(static_cast<model::SpanClass>(spc));
    return uint64_t{model::kClassToAllocNPages[sc]} * model::kPageSize - allocCount * model::kClassToSize[sc];
  }

  // The heap_live Xadd of a simulated hand-out (CS or L).
  static uint64_t SimulatedXadd(const SimRecord& h) {
    if (h.tag == RefTag::kL) return h.U64(0) * model::kPageSize;
    return CacheSpanXadd(h.v()[0], h.U64(2));
  }

  // A revise reads heap_live as it runs: another P's hand-out Xadd may
  // have landed before it though that P's CS record comes later. If the
  // hand-out PR of r has a heap_live above the simulated one by the Xadd
  // of the next CS record of the class another P's pending refill q needs,
  // q's hand-out came first: q runs now. q's own revise read heap_live
  // before r's Xadd, and r's revise stored its outputs over q's before q's
  // PR was written. (P0's class-61 refill, A at line 908,909, CS at
  // 908,924 with 6,400 bytes; P1's PR at 908,912 has them, P0's PR at
  // 908,923 has P1's outputs and not P1's 4,672.)
  void HandOutLandedBeforeRevise(const RefRecord& rec, Request& r, SimRecord* got) {
    if (r.produced.empty() || (r.produced.begin()->tag != RefTag::kCS && r.produced.begin()->tag != RefTag::kL)) return;
    const uint64_t r_xadd = SimulatedXadd(*r.produced.begin());
    if (got->U64(1) >= rec.U64(1)) return;
    const uint64_t gap = rec.U64(1) - got->U64(1);
    for (Request& q : requests_) {
      if (q.executed || q.p == r.p) continue;
      const SimRecord pred = Predict(q);
      if (pred.tag != RefTag::kCS) continue;
      const RefRecord* cs = nullptr;
      for (size_t k = cur_ + 1; k < StallLookaheadEnd() && cs == nullptr; k++) {
        const RefRecord& next = window_[k].rec;
        if (next.tag == RefTag::kCS && next.v[0] == pred.key) cs = &next;
      }
      if (cs == nullptr || RecordedXadd(*cs) != gap) continue;
      const uint64_t before = malloc_.memstats().heap_live;
      handout_hint_ = cs->line;
      ExecuteDeferringLive(&q);
      ApplyDeferredLive(&q);
      const uint64_t q_xadd = malloc_.memstats().heap_live - before;
      const model::ReviseDecision d = ReviseCall(*got);
      const double maxOvershoot = controller_.params().maxOvershoot;
      const model::ReviseDecision mine =
          model::GcController::ReviseFor(d.gcpercent, d.heap_live + q_xadd, d.next_gc, d.heap_scan, d.scanWork, maxOvershoot);
      SetFields(got, RecPR(mine));
      auto e = std::find_if(q.produced.begin(), q.produced.end(), [](const SimRecord& x) { return x.tag == RefTag::kPR; });
      if (e != q.produced.end() && JustBeforeHandOut(q.produced, e) && d.heap_live >= r_xadd) {
        model::ReviseDecision early = model::GcController::ReviseFor(d.gcpercent, d.heap_live - r_xadd + q_xadd, d.next_gc,
                                                                     d.heap_scan, d.scanWork, maxOvershoot);
        early.assistWorkPerByte = mine.assistWorkPerByte;
        early.assistBytesPerWork = mine.assistBytesPerWork;
        q.early_revise = early;
      }
      return;
    }
  }

  // ExplainConcurrentHeapLive runs a pending refill of another P at the
  // first CS record of its class; but the Xadd that landed early (gap
  // bytes) may be a later hand-out's of that class: if the first one's
  // Xadd (its span's bytes less allocCount slots) is not the gap, and a
  // later CS record of the class shows the span the refill would take with
  // that Xadd, the refill took the lock before the hand-outs recorded in
  // between: it runs with that record as its hand-out. (P1's class-61
  // refill, A at line 900,728: Xadd before P0's CS at 900,729, CS at
  // 901,029 taking 842353385472, first on nonempty; the CS records at
  // 900,773 and on took the next spans.)
  bool LaterHandOutLandedFirst(uint64_t gap, int64_t p) {
    for (Request& r : requests_) {
      if (r.executed || r.p == p) continue;
      const SimRecord pred = Predict(r);
      if (pred.tag != RefTag::kCS) continue;
      const uint64_t mine = PeekBase(r);
      bool first = true;
      for (size_t k = cur_ + 1; k < StallLookaheadEnd(); k++) {
        const RefRecord& cs = window_[k].rec;
        if (cs.tag != RefTag::kCS || cs.v[0] != pred.key) continue;
        if (RecordedXadd(cs) == gap && (first || cs.U64(1) == mine)) {
          if (first) return false;  // the usual case: ExplainConcurrentHeapLive's loop
          handout_hint_ = cs.line;
          lock_first_ = true;
          Execute(&r);
          lock_first_ = false;
          return true;
        }
        first = false;
      }
    }
    return false;
  }

  void Compare(const RefRecord& rec, const SimRecord* got) {
    TagCount& tc = Count(rec.tag, rec.v[0]);
    tc.total++;
    if (got != nullptr && SameRecord(*got, rec)) {
      tc.matched++;
      return;
    }
    if (!report_.first_divergence) report_.first_divergence = DivergenceAt(rec, got);
  }

  // The report of the first record that differs (out of Compare's way).
  [[gnu::cold]] Divergence DivergenceAt(const RefRecord& rec, const SimRecord* got) const {
    Divergence d;
    d.line = rec.line;
    d.expected = rec.text.empty() ? RecordedText(rec) : std::string(rec.text);
    d.simulated = got != nullptr ? SimText(*got) : "";
    const model::MemStats& m = malloc_.memstats();
    d.state = absl::StrFormat("heap_live=%d heap_scan=%d heap_inuse=%d arena_used=0x%x",
                              m.heap_live, m.heap_scan, m.heap_inuse, malloc_.heap().arena_used());
    if (rec.tag == RefTag::kCS || rec.tag == RefTag::kUC || rec.tag == RefTag::kL || rec.tag == RefTag::kZ ||
        rec.tag == RefTag::kSW || rec.tag == RefTag::kF) {
      const uint64_t addr = rec.tag == RefTag::kZ || rec.tag == RefTag::kF ? rec.U64(0) : rec.U64(1);
      if (const model::MSpan* s = malloc_.heap().SpanOf(addr)) {
        d.state += absl::StrFormat(
            "; simulated span at 0x%x: base=0x%x npages=%d spanclass=%d state=%d allocCount=%d "
            "freeindex=%d nelems=%d",
            addr, s->base(), s->npages, s->spanclass, static_cast<int>(s->state), s->allocCount,
            s->freeindex, s->nelems);
      }
    }
    return d;
  }

  // The report's counts for rec's tag: background sweeps count apart.
  // who: an SW record's first field. Made at first use, then cached (the
  // map's nodes do not move).
  TagCount& Count(RefTag tag, int64_t who) {
    const bool bg = tag == RefTag::kSW && who == kBgSweeper;
    const size_t i = bg ? traces::kNumRefTags : static_cast<size_t>(tag);
    if (counts_[i] == nullptr) [[unlikely]] NewCount(i, bg ? "SWbg" : traces::RefTagName(tag));
    return *counts_[i];
  }
  [[gnu::cold]] void NewCount(size_t i, const char* name) { counts_[i] = &report_.records[name]; }

  // If the recording ended before the last cycle's sweep finished, moves
  // what was compared since that cycle's mark termination to
  // report_.unverifiable (see ReplayReport).
  void SetAsideUnrecordedSweep() {
    const model::MHeap& h = malloc_.heap();
    if (marked_cycles_ == 0 || phase_ != Phase::kOff || h.sweepdone != 0) return;
    uint64_t spans = 0, objects = 0;
    for (const model::MSpan* s : h.allspans) {
      if (s->state != model::SpanState::kInUse || s->sweepgen != h.sweepgen - 2) continue;
      spans++;
      objects += s->allocCount;
    }
    if (objects == 0) return;  // nothing whose mark was unknown
    report_.unverifiable_from_line = at_last_mt_.line;
    for (const auto& [tag, now] : report_.records) {
      const TagCount before = at_last_mt_.records.count(tag) ? at_last_mt_.records.at(tag) : TagCount{};
      report_.unverifiable[tag] = {now.matched - before.matched, now.total - before.total, now.extra - before.extra};
    }
    std::string tail_diff = "every one of them matched anyway";
    if (report_.first_divergence && report_.first_divergence->line >= at_last_mt_.line) {
      tail_diff = absl::StrFormat("the first to differ is line %d", report_.first_divergence->line);
      report_.first_divergence = at_last_mt_.first_divergence;
    }
    report_.records = at_last_mt_.records;
    counts_.fill(nullptr);
    report_.unverifiable_reason = absl::StrFormat(
        "the recording ends in cycle %d's sweep with %d spans (%d objects) never swept, so which of their objects "
        "that cycle marked is not recorded; its heap_marked (HM) and what follows from it cannot be checked; "
        "records compared from its mark termination (line %d) on are set aside: %s",
        marked_cycles_, spans, objects, at_last_mt_.line, tail_diff);
  }

  // Simulated records the recording never showed are divergences too.
  void ReportLeftovers() {
    std::vector<const SimRecord*> left;
    for (const SimRecord& r : gc_out_) left.push_back(&r);
    for (const Request& q : requests_) {
      for (const SimRecord& r : q.produced) left.push_back(&r);
    }
    for (const SimRecord* r : left) CountLeftover(*r, report_.lines + 1, "(end of recording)");
  }

  void CountLeftover(const SimRecord& r, uint64_t line, const std::string& expected) {
    Count(r.tag, r.key).extra++;
    if (!report_.first_divergence) {
      report_.first_divergence = Divergence{line, expected, SimText(r), "simulated record not in the recording"};
    }
  }

  // Drops the requests that neither ran nor had a record seen for
  // kRetireLines lines, once the replay has diverged: requests whose
  // simulated records the recording never shows would otherwise be
  // searched again for every later record. Before that, a request waits as
  // long as its goroutine does: one parked mid-malloc (in an assist or in
  // gcStart while another goroutine starts the cycle) returns when it is
  // scheduled again, 15,646 lines later in a recording of
  // tests/programs/blocking.go at GOMAXPROCS 1.
  void RetireOldRequests(uint64_t line) {
    RetireOldCollectorRecords(line);
    if (!report_.first_divergence) return;
    if (line % 4096 != 0) return;  // a pass over every request costs
    auto old = [&](const Request& q) { return q.last_seen + kRetireLines < line; };
    if (std::none_of(requests_.begin(), requests_.end(), old)) return;
    std::deque<Request> keep;
    for (Request& q : requests_) {
      if (!old(q)) {
        keep.push_back(std::move(q));
        continue;
      }
      for (const SimRecord& r : q.produced) {
        CountLeftover(r, line, absl::StrFormat("(nothing within %d lines)", kRetireLines));
      }
    }
    requests_.swap(keep);
  }

  // The same for the collector's records made kRetireLines ago.
  void RetireOldCollectorRecords(uint64_t line) {
    while (!gc_out_.empty() && gc_out_.begin()->at + kRetireLines < line) {
      CountLeftover(*gc_out_.begin(), line, absl::StrFormat("(nothing within %d lines)", kRetireLines));
      gc_out_.erase(gc_out_.begin());
    }
  }

  void Check() {
    if (!opts_.check_invariants) return;
    std::vector<model::MCache*> cs;
    for (auto& c : caches_) cs.push_back(c.get());
    malloc_.CheckInvariants(cs);
    if (deferred_total_ == 0 && report_.cycles == 0) malloc_.CheckHeapLiveBeforeFirstGC();
  }

  static constexpr size_t kLookahead = 512;
  static constexpr size_t kStallLookahead = 2048;  // see ExplainConcurrentHeapLive
  static constexpr int kOverlapSearch = 4;  // unswept spans; see OverlapsLaterOwnSweep
  static constexpr uint64_t kRetireLines = 1 << 13;
  static constexpr std::ptrdiff_t kFSearch = 4096;  // see Find
  // Records other than F that StartsBackgroundSweep looks through for a
  // sweep's SW: a goroutine can be descheduled mid-sweep (bgsweep's sweep
  // of 842353197056 in workers-p2 runs from line 79,305 to 80,983, past
  // 1,070 other records).
  static constexpr size_t kSweepSearch = 4096;
  static constexpr uint64_t kPushRace = 4;  // lines; see SettlePushRace
  static constexpr uint64_t kReviseLag = 4;  // lines; see HandOutReviseNotYet
  // Lines from a PR record to the next one, whose revise may have
  // overwritten its outputs first (RevisedAgainBeforeRecord): P1's PR at
  // line 456,511 has the outputs of P0's at 456,518, P0's at 981,392 those
  // of P1's at 981,404.
  static constexpr uint64_t kOverwriteLag = 16;
  static constexpr size_t kScanWorkLag = 4;  // W records; see ScanWorkAddedBeforeRevise

  ReplayOptions opts_;
  Header pp_;
  // Reads ahead on its own thread; holds the window's records.
  std::unique_ptr<traces::RecordPrefetcher> reader_;
  // History, the record being handled (window_[cur_]), then lookahead.
  RecordWindow window_;
  size_t mt_read_ = 0;  // MT records read so far
  std::vector<std::vector<uint64_t>> freed_;  // by cycle: F addresses (Scout)
  absl::Status error_;  // a read error met while handling a record
  uint64_t run_end_line_ = 0;    // EndsInBackgroundSweep's last answer: the
  bool run_ends_in_bg_ = false;  // SW line ending the F run, and its who
  // StartsBackgroundSweep's last answer: the span, the line of its SW
  // record, and whether the background sweeper swept it.
  uint64_t sweep_base_ = 0;
  uint64_t sweep_line_ = 0;
  bool sweep_by_bg_ = false;
  uint64_t bg_swept_line_ = 0;  // the SW record of the last background sweep run
  size_t cur_ = 0;
  bool eof_ = false;
  sim::AddressSpace os_;
  sim::EventQueue q_;
  model::Malloc malloc_;
  model::WorkbufPool wbufs_;
  model::Sched sched_;  // the sweeper's cost accounting; no Gs run
  model::ObjectGraph graph_;  // empty: marks come from the recording
  model::Sweeper sweeper_;
  model::GcController controller_;
  std::vector<std::unique_ptr<model::MCache>> caches_;
  std::deque<Request> requests_;  // in recording order
  std::vector<std::deque<Request>::iterator> cands_;  // MatchEffect's
  SimRecords gc_out_;  // the collector's records not yet seen
  SimRecords* out_ = &gc_out_;
  // Collector state.
  Phase phase_ = Phase::kOff;
  bool enablegc_ = false;
  bool gcinit_done_ = false;
  bool blacken_ = false;        // gcBlackenEnabled
  bool trigger_check_ = false;  // mallocgc's shouldhelpgc
  bool start_pending_ = false;  // a gcStart waits for the world to stop
  bool bg_sweeping_ = false;
  bool flushing_ = false;       // mark termination's mcache flushes under way
  // Per P: the span classes its mcache holds that mark termination has not
  // returned yet, in releaseAll's order.
  std::vector<std::deque<model::SpanClass>> flush_pending_;
  double next_ratio_ = 0;       // endCycle's result
  size_t marked_cycles_ = 0;    // mark terminations so far
  struct Snapshot {
    uint64_t line = 0;
    std::map<std::string, TagCount> records;
    std::optional<Divergence> first_divergence;
  } at_last_mt_;  // the report as the last mark termination began
  std::map<uint64_t, uint64_t> finalizers_;  // object -> block size, bytes
  uint64_t finalizer_bytes_ = 0;  // of the objects with finalizers at mark start
  std::map<uint64_t, model::MSpan*> manual_;
  uint64_t zerobase_seen_ = 0;
  uint64_t deferred_total_ = 0;
  Request* executing_ = nullptr;  // the request Execute runs
  uint64_t handout_hint_ = 0;     // its CS/L record's line, when the caller knows it
  bool lock_first_ = false;       // it took the heap/mcentral lock before the current record's
  uint64_t last_stw_line_ = 0;    // the last GS or MT record
  std::vector<std::pair<uint64_t, int64_t>> last_a_;  // per P: its last A record's line and goroutine
  // Per span: the line of the last F or SW record of its sweeps compared
  // (UnstartedSweepPages).
  std::unordered_map<uint64_t, uint64_t> sweep_seen_;
  // Lines of W records whose scan work was added before their turn
  // (ScanWorkAddedBeforeRevise), in order.
  std::deque<uint64_t> early_scan_work_;
  // Per span: the line of the SW record of its last sweep that left it in
  // use, and the heap's sweepgen then (PushedAtSweepEnd).
  struct PushLines {
    uint64_t last_free = 0;  // its sweep's last F record
    uint64_t sw = 0;         // its SW record
    uint32_t sweepgen = 0;   // the heap's then
  };
  std::map<const model::MSpan*, PushLines> pushed_at_;
  // Per span: the line of the SW record whose freeSpan last moved it to
  // the front of nonempty (FreedToNonemptyAtSweepEnd).
  struct FreeSpanLines {
    uint64_t last_free = 0;  // its sweep's last F record
    uint64_t sw = 0;         // its SW record
  };
  std::map<const model::MSpan*, FreeSpanLines> to_nonempty_at_;
  // Spans other Ps were sweeping while it ran, and their sweepgen after
  // (LateDeductSweepCredit, ClaimUnfinishedSweeps).
  std::vector<std::pair<model::MSpan*, uint32_t>> claimed_;
  uint64_t claimed_pages_ = 0;  // their pages, counted in pagesSwept meanwhile
  // The freeSpan flushes of this cycle's sweep and who else might have made
  // them (NoteFlushAlternatives); cleared at mark termination.
  struct FlushAlternative {
    size_t p, alt;                  // the P whose local_scan it moved; another P
    uint64_t amount, alt_amount;    // bytes: what it moved; alt's local_scan then
    uint64_t p_flushes, alt_flushes;  // their scan_flushes counts then
  };
  std::vector<FlushAlternative> flush_alts_;
  uint64_t scan_before_frees_ = 0;  // heap_scan at the last F of a sweep (OnSweepFree)
  // SweepLines of the sweeps of the last LateDeductSweepCredit loop.
  std::vector<std::pair<uint64_t, uint64_t>> loop_sweeps_;
  // The last deductSweepCredit call: its request's A line and what its
  // loop read first.
  struct Credit {
    uint64_t line = 0;
    uint64_t pagesSwept = 0;
    uint64_t basis = 0;  // pagesSweptBasis
  } credit_;
  ReplayReport report_;
  std::array<TagCount*, traces::kNumRefTags + 1> counts_{};  // Count's cache
};

}  // namespace

absl::StatusOr<ReplayReport> ReplayReference(const std::string& path, const ReplayOptions& opts) {
  absl::StatusOr<Header> pp = ReadHeader(path);
  if (!pp.ok()) return pp.status();
  auto r = std::make_unique<Replayer>(opts, *std::move(pp));
  try {
    return r->Run(path);
  } catch (const sim::OutOfMemory& e) {
    return sim::OutOfMemoryStatus(e);
  }
}

}  // namespace gogcsim::scenarios
