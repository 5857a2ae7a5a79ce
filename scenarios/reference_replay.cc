#include "scenarios/reference_replay.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "model/malloc.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"
#include "traces/reference_reader.h"

namespace gogcsim::scenarios {
namespace {

using traces::RefRecord;
using traces::RefTag;

// A simulated record in the reference text format, so that it compares with
// the recorded line byte for byte and prints the same way in reports. CS and
// L lines get their heap_live field when they are compared (see Consume).
struct SimRecord {
  RefTag tag;
  int64_t key;  // Z: address; CS/UC: span class; L: npages
  std::string text;
};

// One allocation request from the recording.
struct Request {
  int64_t p;
  uint64_t line;
  model::AllocRequest req;
  bool executed = false;
  std::deque<SimRecord> produced;  // effects not yet seen in the recording
  // heap_live added by this request's span hand-out but not yet visible
  // (see OrderByHeapLock); applied when its CS/L record shows up.
  uint64_t deferred_live = 0;
};

class Replayer : public model::AllocEvents {
 public:
  Replayer(const ReplayOptions& opts) : opts_(opts), malloc_(&os_, &q_.clock(), opts.seed) {}

  absl::StatusOr<ReplayReport> Run(const std::string& path) {
    report_.path = path;
    if (absl::Status st = malloc_.Init(); !st.ok()) return st;
    malloc_.heap().set_events(this);
    auto reader = traces::ReferenceReader::Open(path);
    if (!reader.ok()) return reader.status();
    reader_ = reader->get();
    for (;;) {
      if (absl::Status st = FillWindow(); !st.ok()) return st;
      if (cur_ >= window_.size()) break;
      const RefRecord& rec = window_[cur_].rec;
      if (rec.tag == RefTag::kGS && opts_.stop_at_first_gc) {
        report_.stopped_at_first_gc = true;
        break;
      }
      Handle(rec);
      report_.lines = rec.line;
      // Keep kLookahead handled records as history for InferOwner.
      if (cur_ < kLookahead) {
        cur_++;
      } else {
        window_.pop_front();
      }
    }
    return report_;
  }

  // Keeps kLookahead records read ahead of the one being handled.
  absl::Status FillWindow() {
    while (!eof_ && window_.size() < cur_ + kLookahead) {
      RefRecord rec;
      absl::StatusOr<bool> more = reader_->Next(&rec);
      if (!more.ok()) return more.status();
      if (!*more) {
        eof_ = true;
        break;
      }
      Owned& o = window_.emplace_back();  // deque: elements never move
      o.text = std::string(rec.text);
      o.rec = rec;
      o.rec.text = o.text;
    }
    return absl::OkStatus();
  }

  // AllocEvents: collect what the allocator did during one request.
  void OnCacheSpan(const model::MSpan& s, uint64_t heap_live) override {
    sink_.push_back({RefTag::kCS, s.spanclass,
                     absl::StrFormat("CS %d %d %d %d", s.spanclass, s.base(), s.allocCount, s.freeindex)});
  }
  void OnUncacheSpan(const model::MSpan& s, uint64_t heap_live) override {
    sink_.push_back({RefTag::kUC, s.spanclass,
                     absl::StrFormat("UC %d %d %d %d", s.spanclass, s.base(), s.allocCount, heap_live)});
  }
  void OnLargeAlloc(const model::MSpan& s, uint64_t heap_live) override {
    sink_.push_back({RefTag::kL, static_cast<int64_t>(s.npages),
                     absl::StrFormat("L %d %d", s.npages, s.base())});
  }

 private:
  model::MCache* Cache(int64_t p) {
    // P -1 (no P yet) uses the bootstrap mcache, which becomes P 0's.
    const size_t i = p < 0 ? 0 : static_cast<size_t>(p);
    while (caches_.size() <= i) caches_.push_back(malloc_.NewMCache());
    return caches_[i].get();
  }

  void Handle(const RefRecord& rec) {
    switch (rec.tag) {
      case RefTag::kA: {
        Request r;
        r.p = rec.v[0];
        r.line = rec.line;
        r.req.size = rec.U64(2);
        r.req.typsize = rec.U64(3);
        r.req.ptrdata = rec.U64(4);
        r.req.noscan = (rec.v[5] & 1) != 0;
        r.req.needzero = (rec.v[5] & 4) != 0;
        requests_.push_back(std::move(r));
        report_.allocs++;
        break;
      }
      case RefTag::kZ:
      case RefTag::kCS:
      case RefTag::kUC:
      case RefTag::kL:
        MatchEffect(rec);
        break;
      case RefTag::kMA: {
        model::MSpan* s = malloc_.heap().AllocManual(rec.U64(1), &malloc_.memstats().stacks_inuse);
        SimRecord got{RefTag::kMA, 0, absl::StrFormat("MA %d %d", s->base(), s->npages)};
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
        malloc_.heap().FreeManual(it->second, &malloc_.memstats().stacks_inuse);
        manual_.erase(it);
        Check();
        break;
      }
      default:
        break;  // GC records: the collector replay handles them
    }
  }

  // What a request would produce first, without changing anything.
  SimRecord Predict(const Request& r) {
    model::MCache* c = Cache(r.p);
    const model::AllocRequest& q = r.req;
    if (q.size == 0) return {RefTag::kZ, static_cast<int64_t>(malloc_.zerobase()), ""};
    if (q.size > model::kMaxSmallSize) return {RefTag::kL, -1, ""};
    if (q.noscan && q.size < model::kMaxTinySize) {
      const uint64_t off = model::TinyAlignedOffset(c->tinyoffset, q.size);
      if (off + q.size <= model::kMaxTinySize && c->tiny != 0) {
        return {RefTag::kZ, static_cast<int64_t>(c->tiny + off), ""};
      }
    }
    const model::SpanClass spc = model::SmallSpanClass(q);
    model::MSpan probe = *c->alloc[spc];
    const uint64_t idx = probe.NextFreeIndex();
    if (idx == probe.nelems) return {RefTag::kCS, spc, ""};
    return {RefTag::kZ, static_cast<int64_t>(idx * probe.elemsize + probe.base()), ""};
  }

  void Execute(Request* r) {
    sink_.clear();
    model::AllocResult res = malloc_.Mallocgc(Cache(r->p), r->req);
    r->executed = true;
    r->produced.assign(sink_.begin(), sink_.end());
    r->produced.push_back({RefTag::kZ, static_cast<int64_t>(res.addr), absl::StrFormat("Z %d", res.addr)});
    Check();
  }

  static int64_t KeyOf(const RefRecord& rec) {
    switch (rec.tag) {
      case RefTag::kZ: return rec.v[0];
      case RefTag::kCS:
      case RefTag::kUC: return rec.v[0];
      case RefTag::kL: return rec.v[0];
      default: return 0;
    }
  }

  void MatchEffect(const RefRecord& rec) {
    const int64_t key = KeyOf(rec);
    // 1. The next effect of a request already run.
    for (auto it = requests_.begin(); it != requests_.end(); ++it) {
      if (it->executed && !it->produced.empty() && it->produced.front().tag == rec.tag &&
          it->produced.front().key == key) {
        return Consume(rec, it);
      }
    }
    // 2. A pending request whose first effect this is. With several Ps,
    // more than one request may need a span of the same class; the window
    // tells whose cache the span went to (InferOwner). Otherwise newest
    // first: a request whose effects lag far behind its A record belongs
    // to a thread the OS stalled.
    std::vector<std::deque<Request>::iterator> cands;
    for (auto rit = requests_.rbegin(); rit != requests_.rend(); ++rit) {
      auto it = std::prev(rit.base());
      if (it->executed) continue;
      SimRecord pred = Predict(*it);
      if (pred.tag == rec.tag &&
          (rec.tag == RefTag::kL || pred.key == key || (rec.tag == RefTag::kZ && it->req.size == 0))) {
        cands.push_back(it);
      }
    }
    if (!cands.empty()) {
      auto pick = cands.front();
      if (cands.size() > 1 && rec.tag == RefTag::kCS) pick = ChooseForSpan(cands);
      if (rec.tag == RefTag::kCS || rec.tag == RefTag::kL) OrderByHeapLock(rec, *pick);
      Execute(&*pick);
      return Consume(rec, pick);
    }
    // 3. Nothing explains it: run the oldest pending request and let the
    // comparison report the difference.
    for (auto it = requests_.begin(); it != requests_.end(); ++it) {
      if (!it->executed) {
        Execute(&*it);
        return Consume(rec, it);
      }
      if (!it->produced.empty()) return Consume(rec, it);
    }
    Compare(rec, nullptr);
  }

  // The P whose mcache got the span handed out by the CS record at
  // window_[k]: the P of the A record just before the first Z of a later
  // slot of that span, or -2 if the window does not show it. (Slot 0 is the
  // request that needed the span, whose thread may have stalled since its
  // A; later slots come from a P that is running.) k >= cur_.
  int64_t InferOwner(size_t k) const {
    const RefRecord& cs = window_[k].rec;
    const uint64_t base = cs.U64(1);
    const int sizeclass = model::SizeClassOf(static_cast<model::SpanClass>(cs.v[0]));
    const uint64_t end = base + uint64_t{model::kClassToAllocNPages[sizeclass]} * model::kPageSize;
    for (size_t j = k + 1; j < window_.size(); j++) {
      const RefRecord& z = window_[j].rec;
      if (z.tag != RefTag::kZ || z.U64(0) <= base || z.U64(0) >= end) continue;
      for (size_t i = j; i-- > 0;) {
        if (window_[i].rec.tag == RefTag::kA) return window_[i].rec.v[0];
      }
      return -2;
    }
    return -2;
  }

  std::deque<Request>::iterator ChooseForSpan(const std::vector<std::deque<Request>::iterator>& cands) {
    const int64_t owner = InferOwner(cur_);
    for (auto it : cands) {
      if (it->p == owner) return it;
    }
    // Otherwise prefer a P that does not visibly own a later span of this class.
    std::vector<int64_t> later;
    for (size_t k = cur_ + 1; k < window_.size(); k++) {
      if (window_[k].rec.tag == RefTag::kCS && window_[k].rec.v[0] == window_[cur_].rec.v[0]) {
        later.push_back(InferOwner(k));
      }
    }
    for (auto it : cands) {
      if (std::find(later.begin(), later.end(), it->p) == later.end()) return it;
    }
    return cands.front();
  }

  void Consume(const RefRecord& rec, std::deque<Request>::iterator it) {
    SimRecord got = std::move(it->produced.front());
    it->produced.pop_front();
    if (rec.tag == RefTag::kZ && it->req.size == 0) {
      // runtime.zerobase is a link-time address of the recorded program's
      // binary, not something the runtime computes: it must lie outside the
      // heap and be the same for every zero-size allocation.
      const uint64_t z = rec.U64(0);
      const bool ok = (z < malloc_.heap().arena_start() || z >= malloc_.heap().arena_end()) &&
                      (zerobase_seen_ == 0 || zerobase_seen_ == z);
      zerobase_seen_ = z;
      got.text = ok ? std::string(rec.text) : absl::StrFormat("Z <zerobase %d>", malloc_.zerobase());
    }
    if (rec.tag == RefTag::kCS || rec.tag == RefTag::kL) {
      ApplyDeferredLive(&*it);
      // The recorder reads heap_live when it writes the line: after every
      // allocator step the recording shows up to here.
      got.text += " " + std::to_string(malloc_.memstats().heap_live);
      if (got.text != rec.text) ExplainConcurrentHeapLive(rec, &*it, &got);
    }
    Compare(rec, &got);
    if (it->executed && it->produced.empty()) requests_.erase(it);
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
    for (size_t k = cur_ + 1; k < window_.size(); k++) {
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
          const uint64_t before = malloc_.memstats().heap_live;
          Execute(&*rit);
          rit->deferred_live = malloc_.memstats().heap_live - before;
          malloc_.memstats().heap_live = before;
          deferred_total_ += rit->deferred_live;
          break;
        }
      }
    }
  }

  // With several Ps, the recorder wrote a span hand-out's heap_live after
  // other Ps may have added theirs (the Xadd and the record are not one
  // atomic step). If the simulated record differs only in heap_live, run
  // the other Ps' requests whose hand-outs follow within the lookahead
  // window first; if heap_live then equals the recorded value, the record
  // was written after those concurrent Xadds.
  void ExplainConcurrentHeapLive(const RefRecord& rec, Request* x, SimRecord* got) {
    const size_t cut = got->text.rfind(' ');
    const size_t rcut = rec.text.rfind(' ');
    if (cut == std::string::npos || got->text.compare(0, cut, rec.text.substr(0, rcut)) != 0) return;
    const uint64_t want = rec.U64(rec.n - 1);
    // Xadds of hand-outs that already took their span (OrderByHeapLock) may
    // have landed before this record was written.
    for (Request& r : requests_) {
      if (r.deferred_live == 0 || malloc_.memstats().heap_live + r.deferred_live > want) continue;
      ApplyDeferredLive(&r);
      if (malloc_.memstats().heap_live == want) {
        got->text = got->text.substr(0, cut + 1) + std::to_string(want);
        return;
      }
    }
    for (size_t k = cur_ + 1; k < window_.size(); k++) {
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
        got->text = got->text.substr(0, cut + 1) + std::to_string(live);
        return;
      }
      if (live > want) return;
    }
  }

  void Compare(const RefRecord& rec, const SimRecord* got) {
    TagCount& tc = report_.records[traces::RefTagName(rec.tag)];
    tc.total++;
    if (got != nullptr && got->text == rec.text) {
      tc.matched++;
      return;
    }
    if (report_.first_divergence) return;
    Divergence d;
    d.line = rec.line;
    d.expected = std::string(rec.text);
    d.simulated = got != nullptr ? got->text : "";
    const model::MemStats& m = malloc_.memstats();
    d.state = absl::StrFormat("heap_live=%d heap_scan=%d heap_inuse=%d arena_used=0x%x",
                              m.heap_live, m.heap_scan, m.heap_inuse, malloc_.heap().arena_used());
    if (rec.tag == RefTag::kCS || rec.tag == RefTag::kUC || rec.tag == RefTag::kL || rec.tag == RefTag::kZ) {
      const uint64_t addr = rec.tag == RefTag::kZ ? rec.U64(0) : rec.U64(1);
      if (const model::MSpan* s = malloc_.heap().SpanOf(addr)) {
        d.state += absl::StrFormat(
            "; simulated span at 0x%x: base=0x%x npages=%d spanclass=%d state=%d allocCount=%d "
            "freeindex=%d nelems=%d",
            addr, s->base(), s->npages, s->spanclass, static_cast<int>(s->state), s->allocCount,
            s->freeindex, s->nelems);
      }
    }
    report_.first_divergence = d;
  }

  void Check() {
    if (!opts_.check_invariants) return;
    std::vector<model::MCache*> cs;
    for (auto& c : caches_) cs.push_back(c.get());
    malloc_.CheckInvariants(cs);
    if (deferred_total_ == 0) malloc_.CheckHeapLiveBeforeFirstGC();
  }

  struct Owned {
    RefRecord rec;
    std::string text;
  };
  static constexpr size_t kLookahead = 512;

  ReplayOptions opts_;
  traces::ReferenceReader* reader_ = nullptr;
  // History, the record being handled (window_[cur_]), then lookahead.
  std::deque<Owned> window_;
  size_t cur_ = 0;
  bool eof_ = false;
  sim::AddressSpace os_;
  sim::EventQueue q_;
  model::Malloc malloc_;
  std::vector<std::unique_ptr<model::MCache>> caches_;
  std::deque<Request> requests_;  // in recording order
  std::vector<SimRecord> sink_;
  std::map<uint64_t, model::MSpan*> manual_;
  uint64_t zerobase_seen_ = 0;
  uint64_t deferred_total_ = 0;
  ReplayReport report_;
};

}  // namespace

absl::StatusOr<ReplayReport> ReplayReference(const std::string& path, const ReplayOptions& opts) {
  Replayer r(opts);
  return r.Run(path);
}

}  // namespace gogcsim::scenarios
