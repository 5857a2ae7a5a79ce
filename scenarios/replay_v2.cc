#include "scenarios/replay_v2.h"

#include <algorithm>
#include <array>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/malloc.h"
#include "model/mbitmap.h"
#include "model/mgcpacer.h"
#include "model/mgcsweep.h"
#include "model/mgcwork.h"
#include "model/proc.h"
#include "scenarios/replay_gc.h"
#include "scenarios/replay_point.h"
#include "scenarios/replay_threads.h"
#include "sim/address_space.h"
#include "sim/check.h"
#include "sim/event_queue.h"
#include "sim/out_of_memory.h"
#include "sim/ring_queue.h"
#include "traces/recording_v2.h"
#include "traces/recording_v2_prefetch.h"

namespace gogcsim::scenarios {
namespace {

using traces::V2Record;

// Tags, by name once.
struct Tags {
  int H = traces::V2TagOf("H"), A = traces::V2TagOf("A"), Z = traces::V2TagOf("Z"), CS = traces::V2TagOf("CS"),
      SW = traces::V2TagOf("SW"), F = traces::V2TagOf("F"), MA = traces::V2TagOf("MA"), MF = traces::V2TagOf("MF"),
      GS = traces::V2TagOf("GS"), PT = traces::V2TagOf("PT"), ZB = traces::V2TagOf("ZB"), SD = traces::V2TagOf("SD"),
      TP = traces::V2TagOf("TP");
  // Scheduler events (and the recorder's own time): they order the Ms'
  // records but change nothing the ported runtime holds.
  bool scheduler[128] = {};
  Tags() {
    for (const char* name : {"GB", "GE", "SY", "SR", "WS", "WR", "MW", "PP", "RT"})
      scheduler[traces::V2TagOf(name)] = true;
  }
};
// Built once, before main; read for every record.
const Tags* const kTags = new Tags();
inline const Tags& T() { return *kTags; }

// What gcenable's H and ZB records say of the run.
struct Header {
  int gomaxprocs = 1;
  int32_t gcpercent = 100;
  uint64_t zerobase = 0;  // runtime.zerobase, placed by the linker
};

absl::StatusOr<Header> ReadHeader(const std::string& path) {
  auto r = traces::RecordingV2Reader::Open(path);
  if (!r.ok()) return r.status();
  V2Record rec;
  Header h;
  h.gomaxprocs = 0;
  for (;;) {
    absl::StatusOr<bool> more = (*r)->Next(&rec);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (rec.tag == T().GS) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: offset %d: GC cycle before the H and ZB records", path, rec.offset));
    }
    if (rec.tag == T().ZB) {
      if (h.gomaxprocs == 0) break;
      h.zerobase = static_cast<uint64_t>(rec.v[0]);
      return h;
    }
    if (rec.tag != T().H) continue;
    if (rec.v[0] < 1 || rec.v[0] > 256) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: offset %d: H record: gomaxprocs %d out of range", path, rec.offset, rec.v[0]));
    }
    h.gomaxprocs = static_cast<int>(rec.v[0]);
    h.gcpercent = static_cast<int32_t>(rec.v[1]);
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: no ZB record after the H record (recorded by an older gogcsim: record the program again)", path));
}

class Engine final : public model::AllocEvents, public model::GcHooks {
 public:
  Engine(const ReplayV2Options& opts, Header h)
      : opts_(opts),
        h_(h),
        malloc_(&os_, &q_.clock(), opts.seed, h.zerobase),
        wbufs_(&malloc_.heap(), &malloc_.memstats().gc_sys),
        sched_(&q_, h.gomaxprocs, model::CostModel(), opts.seed, &malloc_, &wbufs_),
        sweeper_(&malloc_, &graph_, &sched_),
        controller_(&malloc_.memstats(), &malloc_.heap()),
        collector_(
            &malloc_, &controller_, &sweeper_, &threads_, [this](int p) { return Cache(p); }, h.gomaxprocs) {}

  absl::StatusOr<ReplayV2Report> Run(const std::string& path) {
    report_.path = path;
    report_.gomaxprocs = h_.gomaxprocs;
    if (absl::Status st = malloc_.Init(); !st.ok()) return st;
    malloc_.heap().set_events(this);
    malloc_.heap().set_hooks(this);
    malloc_.heap().set_sync(&threads_);
    // A sweep flushes the statistics of the P of the call that runs it.
    sweeper_.set_local_stats([this] { return &Cache(RunningP())->stats; });
    auto reader = OpenReplayV2Reader(path);
    if (!reader.ok()) return reader.status();
    auto scout = ReplayCollector::OpenScout(path);
    if (!scout.ok()) return scout.status();
    traces::RecordingV2Reader::ShareChecks(**reader, **scout);
    // Both decoded on a thread of their own, ahead of the replay.
    std::vector<std::unique_ptr<traces::RecordingV2Reader>> readers;
    readers.push_back(std::move(*reader));
    readers.push_back(std::move(*scout));
    traces::RecordingV2Prefetch records(std::move(readers));
    collector_.SetScout(&records, 1);
    for (;;) {
      absl::StatusOr<const V2Record*> next = records.NextRecord();
      if (!next.ok()) return next.status();
      if (*next == nullptr) break;
      const V2Record& rec = **next;
      if (rec.tag == T().GS && opts_.stop_at_first_gc) {
        report_.stopped_at_first_gc = true;
        break;
      }
      if (absl::Status st = Handle(rec); !st.ok()) return st;
      if (!collector_.error().ok()) return Located(collector_.error());
      if (report_.divergence) return Report();
      report_.records += traces::V2RecordsIn(rec);
    }
    Finish();
    report_.cycles = collector_.cycles();
    return Report();
  }

  // AllocEvents: the local records the running call makes.
  void OnCacheSpan(const model::MSpan& s, uint64_t heap_live) override {
    Produce(T().CS, {s.spanclass, static_cast<int64_t>(s.base()), s.allocCount, static_cast<int64_t>(s.freeindex),
                     static_cast<int64_t>(heap_live)});
  }
  void OnSweepFree(uint64_t addr) override { Produce(T().F, {static_cast<int64_t>(addr)}); }
  // SW's first field says which sweeper ran (0 a sweep of the allocator,
  // 66 the background sweeper, 67 the recorder's at exit): who the caller
  // was, an input like the record's P and goroutine; the rest is computed.
  void OnSweep(uint64_t base, model::SpanClass spc, uint64_t npages, uint64_t allocCount, bool preserve,
               bool result) override {
    Produce(T().SW,
            {0, static_cast<int64_t>(base), spc, static_cast<int64_t>(npages), static_cast<int64_t>(allocCount),
             preserve, result},
            /*inputs=*/1);
  }

  // GcHooks: the collector, as far as the allocator calls into it.
  bool BlackenEnabled() const override { return collector_.blacken(); }
  bool MarkPhase() const override { return collector_.mark_phase(); }
  void MaybeStartGC() override { collector_.TestHeapTrigger(); }
  // revise reads heap_live, heap_scan and scanWork when its record comes.
  void Revise() override {
    threads_.Lock();
    controller_.Revise();
  }
  void DeductSweepCredit(uint64_t spanBytes, uint64_t callerSweepPages) override {
    sweeper_.DeductSweepCredit(spanBytes, callerSweepPages);
  }
  bool Sweep(model::MSpan* s, bool preserve) override { return sweeper_.SpanSweep(s, preserve); }
  uint64_t SweepOne() override { return sweeper_.SweepOne(); }

 private:
  // An M's local records: those the recording has and its calls have not
  // made yet, and those its calls made before the recording showed them.
  struct Local {
    sim::RingQueue<V2Record> expected;
    sim::RingQueue<ReplayPoint> produced;
    int32_t p = -1;           // the P of its call under way
    model::AllocRequest req;  // its request, when an allocation
  };

  absl::Status Handle(const V2Record& rec) {
    Local& l = LocalOf(rec.m);
    if (rec.global && (rec.tag == T().MA || rec.tag == T().MF)) return StackCall(rec);
    if (rec.tag == T().TP) {
      // A treap priority: the M's call takes it if it waits for it, or a
      // stack span's free (MF came first) that waits for it; else a stack
      // span's allocation (its MA record comes after) will.
      auto waits_for = [&](uint32_t m) {
        const ReplayPoint* w = threads_.waiting(m);
        return w != nullptr && w->tag == rec.tag && w->v[0] == rec.v[0];
      };
      if (waits_for(kStackM)) {
        if (threads_.Offer(kStackM, rec)) return Passed(rec);
        return Diverge(rec, Text(threads_.mismatch()->point), "the stack span's call reached another point");
      }
      if (!waits_for(rec.m)) {
        threads_.KeepInput(rec);
        return Passed(rec);
      }
    }
    if (rec.global) {
      if (threads_.busy(rec.m)) {
        if (threads_.Offer(rec.m, rec)) return Passed(rec);
        if (threads_.mismatch()) {
          return Diverge(rec, Text(threads_.mismatch()->point), "the M's call reached another point");
        }
        CompareLocal(rec.m);  // the call ended without it
        if (report_.divergence) return absl::OkStatus();
      }
      return StartCall(rec);
    }
    if (rec.tag == traces::kV2TagAZ) return Allocate(rec);
    if (rec.tag == T().A) return Request(rec);
    if (rec.tag == T().Z || rec.tag == T().CS || rec.tag == T().SW || rec.tag == traces::kV2TagFB) {
      Assign(l.expected.push_slot(), rec);
      if (l.produced.empty()) threads_.Run(rec.m);
      CompareLocal(rec.m);
      return absl::OkStatus();
    }
    return absl::OkStatus();  // AS, AE: an assist's bookkeeping, not replayed yet
  }

  // An allocation request (A, or AZ): its fields in range, and the M's
  // previous call ended.
  absl::Status BeginRequest(const V2Record& rec) {
    if (rec.p < -1 || rec.p >= h_.gomaxprocs || rec.v[0] < 0 || rec.v[0] > (int64_t{1} << 40) || rec.v[1] < 0 ||
        rec.v[2] < 0 || rec.v[2] > rec.v[0]) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: offset %d: record %d: A record out of range: %s",
                                                        report_.path, rec.offset, rec.index, Text(rec)));
    }
    if (threads_.busy(rec.m)) threads_.Run(rec.m);
    if (threads_.busy(rec.m)) {
      const ReplayPoint* w = threads_.waiting(rec.m);
      return Diverge(rec, w != nullptr ? Text(*w) : "a lock",
                     "the M's previous call waits where the recording has no record of the M");
    }
    report_.allocs++;
    return absl::OkStatus();
  }

  static model::AllocRequest RequestOf(const V2Record& rec) {
    model::AllocRequest q;
    q.size = static_cast<uint64_t>(rec.v[0]);
    q.typsize = static_cast<uint64_t>(rec.v[1]);
    q.ptrdata = static_cast<uint64_t>(rec.v[2]);
    q.noscan = (rec.v[3] & 1) != 0;
    q.needzero = (rec.v[3] & 4) != 0;
    // The recording does not name types; a 48-byte type that is all
    // pointers is runtime._defer (the only one among the runtime's types).
    q.defer_block = q.typsize == model::kDeferSize && q.ptrdata == model::kDeferSize;
    return q;
  }

  // An allocation request: mallocgc on the M's P, from the M's next record.
  absl::Status Request(const V2Record& rec) {
    if (absl::Status st = BeginRequest(rec); !st.ok() || report_.divergence) return st;
    const model::AllocRequest q = RequestOf(rec);
    const uint32_t m = rec.m;
    const int32_t p = rec.p;
    Local& l = LocalOf(m);
    l.p = p;
    l.req = q;
    // Small enough for std::function to keep without allocating.
    threads_.Start(m, [this, m] {
      // Copies: locals_ may grow while the call waits.
      const model::AllocRequest req = LocalOf(m).req;
      const model::AllocResult res = malloc_.Mallocgc(Cache(LocalOf(m).p), req);
      Produce(T().Z, {static_cast<int64_t>(res.addr)});
    });
    return absl::OkStatus();
  }

  // An allocation its M recorded nothing inside (AZ: the request and its
  // result together). Its mallocgc runs on the replay's own stack, with no
  // fiber: it must reach no lock or sync point, for each would be a record
  // of the M between the two; if it does, that is the divergence. Most
  // allocations are these (the fast path), so most need no fiber switch.
  absl::Status Allocate(const V2Record& rec) {
    if (absl::Status st = BeginRequest(rec); !st.ok() || report_.divergence) return st;
    Local& l = LocalOf(rec.m);
    l.p = rec.p;
    const bool alone = l.expected.empty() && l.produced.empty();
    const model::AllocRequest req = RequestOf(rec);
    uint64_t addr = 0;
    const bool ended = threads_.RunDirect(rec.m, [&] { addr = malloc_.Mallocgc(Cache(l.p), req).addr; });
    // The common case, compared in place: the call made nothing but its
    // result. Else its Z is the last of what it made.
    if (ended && alone && l.produced.empty() && static_cast<int64_t>(addr) == rec.v[5]) {
      Count(T().Z).matched++;
      return absl::OkStatus();
    }
    if (ended) ProduceOn(rec.m, T().Z, {static_cast<int64_t>(addr)});
    V2Record& z = l.expected.push_slot() = rec;  // the result, as the Z it stands for
    z.index++;
    z.tag = static_cast<uint8_t>(T().Z);
    z.n = 1;
    z.v[0] = rec.v[5];
    std::fill(z.v + 1, z.v + rec.n, 0);
    if (!ended) {
      const ReplayPoint& at = threads_.mismatch()->point;
      Count(z.tag);
      return Diverge(z, at.tag == 0 ? "a lock" : Text(at),
                     "the recording has nothing of the M inside this allocation (AZ); its call reached a lock or "
                     "sync point");
    }
    CompareLocal(rec.m);
    return absl::OkStatus();
  }

  // A global record that no call under way passed: it must begin one.
  absl::Status StartCall(const V2Record& rec) {
    const Tags& t = T();
    if (t.scheduler[rec.tag]) return absl::OkStatus();
    if (rec.tag == t.ZB) return absl::OkStatus();  // read before the replay began
    if (rec.tag == t.PT && !gcinit_done_) {
      gcinit_done_ = true;  // gcinit, in schedinit: its gcSetTriggerRatio
      return Call(rec, [this] { controller_.GcInit(h_.gcpercent); });
    }
    if (rec.tag == t.SD) {
      // A sweepone outside any allocation (its read of sweepdone comes
      // first): the background sweeper, gcStart's and sweep termination's
      // loops, the recorder's at exit.
      return Call(rec, [this] { sweeper_.SweepOne(); });
    }
    std::function<void()> body;
    switch (collector_.Handle(rec, &body)) {
      case ReplayCollector::Dispatch::kInput:
        return absl::OkStatus();
      case ReplayCollector::Dispatch::kCall:
        return Call(rec, std::move(body));
      case ReplayCollector::Dispatch::kNone:
        if (!collector_.refused().empty()) return Diverge(rec, "", collector_.refused());
        break;
    }
    return Diverge(rec, "", "no call of the M under way makes this record, and it begins none");
  }

  // A manual span for a goroutine stack or a work buffer: stackalloc and
  // stackfree run inside whatever call the M was making when a stack
  // grew (a function prologue's morestack), or between calls. They touch
  // only the heap, under its lock: they run as calls of their own.
  absl::Status StackCall(const V2Record& rec) {
    const Tags& t = T();
    if (rec.tag == t.MA) {
      if (rec.v[1] < 1 || rec.v[1] > (int64_t{1} << 27)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s: offset %d: record %d: MA of %d pages", report_.path, rec.offset, rec.index, rec.v[1]));
      }
      const uint64_t npages = static_cast<uint64_t>(rec.v[1]);
      return Call(rec, kStackM, [this, npages] {
        model::MSpan* s = malloc_.heap().AllocManual(npages, &malloc_.memstats().stacks_inuse);
        if (s != nullptr) manual_[s->base()] = s;
      });
    }
    // Which stack is freed is the program's doing: an input.
    auto it = manual_.find(static_cast<uint64_t>(rec.v[0]));
    if (it == manual_.end()) return Diverge(rec, "", "the replay has no manual span there");
    model::MSpan* s = it->second;
    manual_.erase(it);
    return Call(rec, kStackM, [this, s] { malloc_.heap().FreeManual(s, &malloc_.memstats().stacks_inuse); });
  }

  // Runs body as M rec.m's call, which must pass rec.
  absl::Status Call(const V2Record& rec, std::function<void()> body) { return Call(rec, rec.m, std::move(body)); }
  // The same, on the replay's M m; a recording's M runs it on the
  // record's P.
  absl::Status Call(const V2Record& rec, uint32_t m, std::function<void()> body) {
    if (threads_.busy(m)) {
      const ReplayPoint* w = threads_.waiting(m);
      return Diverge(rec, w != nullptr ? Text(*w) : "", "the call under way waits for another record");
    }
    if (m != kStackM) LocalOf(m).p = rec.p;
    threads_.Start(m, std::move(body));
    if (threads_.Offer(m, rec)) return Passed(rec);
    Count(rec.tag);
    if (threads_.mismatch()) return Diverge(rec, Text(threads_.mismatch()->point), "the call reached another point");
    if (!collector_.refused().empty()) return Diverge(rec, "", collector_.refused());
    return Diverge(rec, "", "the call ended without making this record");
  }

  absl::Status Located(const absl::Status& st) {
    return absl::Status(st.code(), absl::StrCat(report_.path, ": ", st.message()));
  }

  absl::Status Passed(const V2Record& rec) {
    Count(rec.tag).matched++;
    return absl::OkStatus();
  }

  ReplayV2Count& Count(int tag) {
    ReplayV2Count& c = counts_[tag];
    c.total++;
    return c;
  }

  // The report, with the counts by tag name.
  ReplayV2Report& Report() {
    for (size_t tag = 0; tag < counts_.size(); tag++) {
      if (counts_[tag].total != 0) report_.counts[traces::V2SchemaOf(static_cast<int>(tag)).name] = counts_[tag];
    }
    return report_;
  }

  // A local record of the running call (ProduceOn: of M m's), written in
  // place: this runs for most frees.
  void Produce(int tag, std::initializer_list<int64_t> v, uint32_t inputs = 0) {
    const int64_t m = threads_.current();
    GOGCSIM_CHECK(m >= 0);
    ProduceOn(static_cast<uint32_t>(m), tag, v, inputs);
  }
  void ProduceOn(uint32_t m, int tag, std::initializer_list<int64_t> v, uint32_t inputs = 0) {
    GOGCSIM_CHECK(v.size() <= 16);
    ReplayPoint& p = LocalOf(m).produced.push_slot();
    const int old_n = p.n;
    p.tag = tag;
    p.n = static_cast<int>(v.size());
    p.inputs = inputs;
    std::copy(v.begin(), v.end(), p.v);
    for (int k = p.n; k < old_n; k++) p.v[k] = 0;  // as a new point's
  }

  void CompareLocal(uint32_t m) {
    Local& l = LocalOf(m);
    while (!l.expected.empty() && !l.produced.empty() && !report_.divergence) {
      if (l.expected.front().tag == traces::kV2TagFB) {
        CompareFrees(l);
        continue;
      }
      const V2Record& rec = l.expected.front();
      if (!Matches(l.produced.front(), rec)) {
        Count(rec.tag);
        (void)Diverge(rec, Text(l.produced.front()), "the M's call made another record");
        return;
      }
      Count(rec.tag).matched++;
      l.expected.pop_front();
      l.produced.pop_front();
    }
    if (!l.expected.empty() && l.produced.empty() && !threads_.busy(m) && !report_.divergence) {
      const V2Record& rec = l.expected.front();
      const V2Record missing = rec.tag == traces::kV2TagFB ? NextFree(rec) : rec;
      Count(missing.tag);
      (void)Diverge(missing, "", "no call of the M under way makes this record");
    }
  }

  // The produced records against a word of a sweep's freed-object bitmap.
  void CompareFrees(Local& l) {
    V2Record& fb = l.expected.front();
    bool mismatch = false;
    const int matched = MatchFrees(fb, l.produced, &mismatch);
    ReplayV2Count& c = counts_[T().F];
    c.matched += static_cast<uint64_t>(matched);
    c.total += static_cast<uint64_t>(matched);
    if (mismatch) {
      Count(T().F);
      (void)Diverge(NextFree(fb), Text(l.produced.front()), "the M's call made another record");
      return;
    }
    if (fb.v[2] == 0) l.expected.pop_front();
  }

  // After the last record: what the calls made that the recording lacks.
  // The recorder's close does not stop the Ms: it keeps each M's records
  // completed before it took that M's buffer, a prefix, and what an M made
  // after that is not in the file. So an M's last produced records, past
  // what it recorded, are counted as cut, not compared.
  void Finish() {
    if (threads_.kept() != 0 && !report_.divergence && !report_.stopped_at_first_gc) {
      V2Record none;
      (void)Diverge(none, "", "a recorded treap priority no span insert of the replay drew");
      report_.divergence->expected.clear();
    }
    for (uint32_t m = 0; m < locals_.size() && !report_.divergence; m++) {
      CompareLocal(m);
      Local& l = locals_[m];
      if (!report_.divergence && !report_.stopped_at_first_gc) report_.cut += l.produced.size();
    }
  }

  absl::Status Diverge(const V2Record& rec, std::string simulated, std::string why) {
    if (report_.divergence) return absl::OkStatus();
    ReplayV2Divergence& d = report_.divergence.emplace();
    d.index = rec.index;
    d.offset = rec.offset;
    d.m = rec.m;
    d.p = rec.p;
    d.g = rec.g;
    d.expected = Text(rec);
    d.simulated = std::move(simulated);
    d.why = std::move(why);
    for (const uint32_t m : threads_.Busy()) {
      const ReplayPoint* w = threads_.waiting(m);
      const std::string who =
          m == kStackM ? std::string("the stack spans' M") : absl::StrCat("M", m, " (P", LocalOf(m).p, ")");
      d.waits.push_back(absl::StrCat(who, ": ",
                                     w != nullptr          ? "waits at " + Text(*w)
                                     : threads_.at_lock(m) ? std::string("waits to take a lock")
                                                           : std::string("has a call not yet begun")));
    }
    const model::MemStats& ms = malloc_.memstats();
    const model::MHeap& heap = malloc_.heap();
    d.state = absl::StrFormat("heap_live %d, heap_scan %d, pagesSwept %d, sweepgen %d", ms.heap_live, ms.heap_scan,
                              heap.pagesSwept, heap.sweepgen);
    return absl::OkStatus();
  }

  Local& LocalOf(int64_t m) {
    GOGCSIM_CHECK(m >= 0 && m != kStackM);
    if (static_cast<size_t>(m) >= locals_.size()) locals_.resize(m + 1);
    return locals_[m];
  }

  int32_t RunningP() { return LocalOf(threads_.current()).p; }

  model::MCache* Cache(int64_t p) {
    // P -1 (no P yet) uses the bootstrap mcache, which becomes P 0's.
    const size_t i = p < 0 ? 0 : static_cast<size_t>(p);
    if (i >= caches_.size()) [[unlikely]] AddCaches(i);
    return caches_[i].get();
  }
  // Out of line: Cache runs once an allocation, this once a P.
  ABSL_ATTRIBUTE_NOINLINE void AddCaches(size_t i) {
    while (caches_.size() <= i) caches_.push_back(malloc_.NewMCache());
  }

  // The replay's M for stack spans: no M of a recording has this id (it
  // marks the end chunk).
  static constexpr uint32_t kStackM = 0xffffffff;

  ReplayV2Options opts_;
  Header h_;
  sim::AddressSpace os_;
  sim::EventQueue q_;
  model::Malloc malloc_;
  model::WorkbufPool wbufs_;
  model::Sched sched_;        // the sweeper's cost accounting; no Gs run
  model::ObjectGraph graph_;  // empty: marks come from the recording
  model::Sweeper sweeper_;
  model::GcController controller_;
  ReplayThreads threads_;
  ReplayCollector collector_;
  std::vector<Local> locals_;
  std::vector<std::unique_ptr<model::MCache>> caches_;
  std::unordered_map<uint64_t, model::MSpan*> manual_;
  bool gcinit_done_ = false;
  std::array<ReplayV2Count, 256> counts_{};  // by tag
  ReplayV2Report report_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<traces::RecordingV2Reader>> OpenReplayV2Reader(const std::string& path) {
  auto r = traces::RecordingV2Reader::Open(path);
  if (!r.ok()) return r.status();
  (*r)->KeepAZ();    // most allocations run as one call with no fiber
  (*r)->KeepBits();  // a sweep's frees compared a word at a time
  return r;
}

absl::StatusOr<ReplayV2Report> ReplayV2(const std::string& path, const ReplayV2Options& opts) {
  absl::StatusOr<Header> h = ReadHeader(path);
  if (!h.ok()) return h.status();
  auto e = std::make_unique<Engine>(opts, *h);
  try {
    return e->Run(path);
  } catch (const sim::OutOfMemory& oom) {
    return sim::OutOfMemoryStatus(oom);
  }
}

}  // namespace gogcsim::scenarios
