#include "scenarios/reference_replay.h"

#include <algorithm>
#include <array>
#include <bit>
#include <deque>
#include <iterator>
#include <memory>
#include <type_traits>
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
  return Rec(RefTag::kPR, 0, d.gcpercent, d.heap_live, d.next_gc, d.heap_scan, d.scanWork, Bits(d.assistWorkPerByte),
             Bits(d.assistBytesPerWork));
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
// whole cycle is read ahead at mark termination).
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
  model::AllocRequest req;
  bool executed = false;
  SimRecords produced;  // effects not yet seen in the recording
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
      if (absl::Status st = FillWindow(1); !st.ok()) return st;
      if (window_.size() == 0) break;
      const RefRecord& rec = window_.front().rec;
      if (rec.tag == RefTag::kGS && opts_.stop_at_first_gc) {
        report_.stopped_at_first_gc = true;
        break;
      }
      Handle(rec);
      if (!error_.ok()) return error_;
      report_.lines = rec.line;
      // With several Ps, the file's order is not the order the Ps acted
      // in: past the first record it cannot explain, the replay is off the
      // real schedule, and what it compares says nothing. It stops there,
      // as replay v2 does at any divergence. With one P the order is
      // exact, and the rest is still compared.
      if (pp_.gomaxprocs > 1 && report_.first_divergence) {
        report_.stopped_at_divergence = true;
        break;
      }
      const uint64_t block = window_.front().block;
      window_.pop_front();
      reader_->ReleaseBefore(block);  // the records after it may still be in its batch
    }
    if (!report_.stopped_at_first_gc && !report_.stopped_at_divergence) {
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
    Emit(Rec(RefTag::kUC, s.spanclass, s.spanclass, s.base(), s.allocCount));
  }
  void OnLargeAlloc(const model::MSpan& s, uint64_t heap_live) override {
    Emit(Rec(RefTag::kL, static_cast<int64_t>(s.npages), s.npages, s.base()));
  }
  void OnSweepFree(uint64_t addr) override {
    finalizers_.erase(addr);
    Emit(Rec(RefTag::kF, static_cast<int64_t>(addr), addr));
  }
  void OnSweep(uint64_t base, model::SpanClass spc, uint64_t npages, uint64_t allocCount, bool preserve,
               bool result) override {
    const int who = bg_sweeping_ ? kBgSweeper : 0;
    Emit(Rec(RefTag::kSW, who, who, base, spc, npages, allocCount, preserve, result));
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
    sweeper_.DeductSweepCredit(spanBytes, callerSweepPages);
  }
  bool Sweep(model::MSpan* s, bool preserve) override { return sweeper_.SpanSweep(s, preserve); }
  uint64_t SweepOne() override { return sweeper_.SweepOne(); }
  bool MarkPhase() const override { return phase_ != Phase::kOff; }
  void MaybeStartGC() override { trigger_check_ = true; }

 private:
  static constexpr int kBgSweeper = 66;  // the recorder's "who" for bgsweep
  enum class Phase { kOff, kMark, kMarkTermination };

  // Where simulated records go: the running request's list, or the
  // collector's own (gcStart, mark termination, background sweeps).
  void Emit(SimRecord r) { out_->push_back(std::move(r)); }

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
        Request& r = requests_.emplace_back();
        r.p = rec.v[0];
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
        if (!HasPending(gc_out_, rec) && EndsInBackgroundSweep()) BackgroundSweep();
        MatchEffect(rec);
        break;
      case RefTag::kGS:
        GcStartTheWorldStopped(rec);
        break;
      case RefTag::kMS:
        controller_.markStartTime = rec.v[0];
        break;
      case RefTag::kW:
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
      default:
        break;  // C, AS, CQ, AE: assist bookkeeping that feeds no checked value
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
  void FlushStep(const RefRecord& rec) {
    size_t p = 0;
    while (p < flush_pending_.size() && !NextFlushIs(p, rec)) p++;
    if (p == flush_pending_.size()) {
      // Not the next span of any P: take the first P with spans left.
      p = 0;
      while (p < flush_pending_.size() && flush_pending_[p].empty()) p++;
      if (p == flush_pending_.size()) return Compare(rec, nullptr);
    }
    ReleaseNext(p);
    const auto done = std::prev(gc_out_.end());  // its UC record
    SimRecord got = std::move(*done);
    gc_out_.erase(done);
    got.Push(static_cast<int64_t>(malloc_.memstats().heap_live));
    Compare(rec, &got);
  }

  bool NextFlushIs(size_t p, const RefRecord& uc) const {
    if (flush_pending_[p].empty()) return false;
    const model::MSpan* s = caches_[p]->alloc[flush_pending_[p].front()];
    return s->spanclass == uc.v[0] && s->base() == uc.U64(1);
  }

  void ReleaseNext(size_t p) {
    const model::SpanClass spc = flush_pending_[p].front();
    flush_pending_[p].pop_front();
    caches_[p]->ReleaseSpan(spc);
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

  // One step of the background sweeper (bgsweep's sweepone). Its P
  // matters when the sweep frees a whole span (mheap.freeSpan moves that
  // P's mcache local_scan into heap_scan); a v1 recording does not name
  // it: with one P it is P 0, and P 0 is taken with several too.
  void BackgroundSweep() {
    out_ = &gc_out_;
    sweeper_.set_local_stats(&Cache(0)->stats);
    bg_sweeping_ = true;
    sweeper_.SweepOne();
    bg_sweeping_ = false;
  }

  // A sweep shows as its F records and then its SW, with nothing in
  // between when one P runs: whether the run of F records starting at the
  // current one ends in a background sweeper's SW record. The answer is
  // kept for the rest of the run (up to line run_end_line_). With several
  // Ps, other Ps' records may come in between; a v1 recording does not
  // tell which, and the replay takes the records in the file's order.
  bool EndsInBackgroundSweep() {
    const uint64_t line = window_.front().rec.line;
    if (line <= run_end_line_) return run_ends_in_bg_;
    for (size_t k = 0;; k++) {
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

  // Tags compared with the first simulated record of the same key (SW:
  // who). Sweeps follow one another, and F records are compared in order.
  static bool KeyedTag(RefTag tag) {
    return tag == RefTag::kZ || tag == RefTag::kCS || tag == RefTag::kL || tag == RefTag::kSW;
  }

  // The first simulated record in q that rec would be compared with.
  SimRecords::iterator Find(SimRecords& q, const RefRecord& rec) const {
    if (q.empty()) return q.end();  // the usual case
    const int64_t key = KeyOf(rec);
    return std::find_if(q.begin(), q.end(),
                        [&](const SimRecord& r) { return r.tag == rec.tag && (!KeyedTag(rec.tag) || r.key == key); });
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
    trigger_check_ = false;
    sweeper_.set_local_stats(&Cache(r->p)->stats);
    model::AllocResult res = malloc_.Mallocgc(Cache(r->p), r->req);
    r->executed = true;
    Emit(Rec(RefTag::kZ, static_cast<int64_t>(res.addr), res.addr));
    if (HasFinalizer(r->req)) finalizers_[res.addr] = res.size;
    // mallocgc's shouldhelpgc: a refill or large allocation tests the trigger.
    if (trigger_check_ && HeapTriggerTest()) GcStartBegin();
    trigger_check_ = false;
    out_ = &gc_out_;
    Check();
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
    // The usual allocation: a Z, one request pending, nothing else
    // waiting. Steps 1 and 2 find nothing, and 3 (if it predicts this Z)
    // or 4 (if not) runs that request and compares its records.
    if (rec.tag == RefTag::kZ && gc_out_.empty() && requests_.size() == 1 && !requests_.front().executed) {
      Execute(&requests_.front());
      return ConsumeFrom(rec, requests_.begin());
    }
    const int64_t key = KeyOf(rec);
    // 1. The collector's next record of this kind.
    if (auto g = Find(gc_out_, rec); g != gc_out_.end()) return Consume(rec, &gc_out_, g, nullptr);
    // 2. The next record of this kind of a request already run.
    for (auto it = requests_.begin(); it != requests_.end(); ++it) {
      if (!it->executed) continue;
      if (auto e = Find(it->produced, rec); e != it->produced.end()) return Consume(rec, &it->produced, e, &*it);
    }
    // 3. A pending request whose first effect this is (or, for a sweep or
    // a revise, one that needs a span: its refill's), newest first: a
    // request whose effects lag far behind its A record belongs to a
    // goroutine that was parked meanwhile (in an assist, say) while others
    // allocated.
    for (auto rit = requests_.rbegin(); rit != requests_.rend(); ++rit) {
      if (rit->executed) continue;
      const SimRecord pred = Predict(*rit);
      const bool first = pred.tag == rec.tag &&
                         (rec.tag == RefTag::kL || pred.key == key || (rec.tag == RefTag::kZ && rit->req.size == 0));
      if (!first && !(RefillEffect(rec.tag) && (pred.tag == RefTag::kCS || pred.tag == RefTag::kL))) continue;
      auto it = std::prev(rit.base());
      Execute(&*it);
      return ConsumeFrom(rec, it);
    }
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

  // Compares rec with *e, taken out of q. r: the request that produced it
  // (null for the collector's records); dropped once all its records are seen.
  void Consume(const RefRecord& rec, SimRecords* q, SimRecords::iterator e, Request* r) {
    SimRecord got = std::move(*e);
    q->erase(e);
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
      // The recorder reads heap_live when it writes the line: after every
      // allocator step the recording shows up to here.
      got.Push(static_cast<int64_t>(malloc_.memstats().heap_live));
    }
    Compare(rec, &got);
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

  void Check() {
    if (!opts_.check_invariants) return;
    std::vector<model::MCache*> cs;
    for (auto& c : caches_) cs.push_back(c.get());
    malloc_.CheckInvariants(cs);
    if (report_.cycles == 0) malloc_.CheckHeapLiveBeforeFirstGC();
  }

  ReplayOptions opts_;
  Header pp_;
  // Reads ahead on its own thread; holds the window's records.
  std::unique_ptr<traces::RecordPrefetcher> reader_;
  // The record being handled (front), then what was read ahead.
  RecordWindow window_;
  size_t mt_read_ = 0;  // MT records read so far
  std::vector<std::vector<uint64_t>> freed_;  // by cycle: F addresses (Scout)
  absl::Status error_;  // a read error met while handling a record
  uint64_t run_end_line_ = 0;    // EndsInBackgroundSweep's last answer: the
  bool run_ends_in_bg_ = false;  // SW line ending the F run, and its who
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
