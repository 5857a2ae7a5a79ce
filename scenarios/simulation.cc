#include "scenarios/simulation.h"

#include <memory>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "model/malloc.h"
#include "model/mbitmap.h"
#include "sim/address_space.h"
#include "sim/check.h"
#include "sim/event_queue.h"
#include "sim/rng.h"

namespace gogcsim::scenarios {

std::vector<RecordKind> DefaultKinds() {
  return {
      {48, 24, 0, 4},      // small pointerful structs
      {32, 8, 64, 3},      // a header pointing to a 64-byte buffer
      {96, 48, 512, 1},    // a message with a 512-byte body
      {16, 8, 8, 2},       // a node pointing to a tiny string
      {2048, 2048, 0, 0.2},  // a slice of pointers
  };
}

namespace {

model::AllocRequest Request(uint64_t size, uint64_t ptrdata) {
  model::AllocRequest r;
  r.size = size;
  r.noscan = ptrdata == 0;
  if (!r.noscan) {
    r.typsize = size;
    r.ptrdata = ptrdata;
  }
  return r;
}

// A mutator goroutine: think, allocate a record, keep it in a ring of roots.
class Mutator : public model::GBody {
 public:
  Mutator(const Workload& w, const std::vector<RecordKind>* kinds, model::Collector* gc, uint64_t seed, int index,
          RunResult* result)
      : w_(w),
        kinds_(kinds),
        gc_(gc),
        rng_(sim::Rng::Stream(seed, absl::StrFormat("mutator.%d", index))),
        result_(result) {
    for (const RecordKind& k : *kinds) total_weight_ += k.weight;
  }

  model::GStep Step(model::Sched& sched, model::P* p, model::G* g) override {
    if (g->roots.empty()) g->roots.assign(w_.live_records + 1, 0);  // ring + one temporary
    const size_t tmp = w_.live_records;
    if (state_ == kThink) {
      if (done_ >= w_.records) return model::GStep::kExit;
      // Mutator work before the next record.
      const int64_t think = static_cast<int64_t>(rng_.Exponential(w_.think_ns)) + 1;
      sched.Charge(think);
      result_->mutator_ns += think;
      kind_ = &PickKind();
      state_ = kind_->child_size != 0 ? kChild : kParent;
      return model::GStep::kContinue;
    }
    if (state_ == kChild) {
      auto out = gc_->Allocate(p, g, Request(kind_->child_size, 0));
      if (!out.done) return out.step;
      Count(out.r);
      g->roots[tmp] = out.r.addr;  // held on the stack until linked
      state_ = kParent;
      if (out.step != model::GStep::kContinue) return out.step;
    }
    auto out = gc_->Allocate(p, g, Request(kind_->size, kind_->ptrdata));
    if (!out.done) return out.step;
    Count(out.r);
    if (kind_->child_size != 0) {
      gc_->StorePointer(g, out.r.addr, g->roots[tmp]);  // parent.child = child
      g->roots[tmp] = 0;
    }
    // Store the record in the ring, dropping the oldest (write barrier).
    uint64_t& slot = g->roots[next_];
    gc_->WriteBarrier(g, slot, out.r.addr);
    slot = out.r.addr;
    next_ = (next_ + 1) % w_.live_records;
    done_++;
    result_->records++;
    state_ = kThink;
    return out.step;
  }

 private:
  enum State { kThink, kChild, kParent };
  const RecordKind& PickKind() {
    double x = rng_.UniformDouble() * total_weight_;
    for (const RecordKind& k : *kinds_) {
      if (x < k.weight) return k;
      x -= k.weight;
    }
    return kinds_->back();
  }
  void Count(const model::AllocResult& r) {
    result_->allocations++;
    result_->bytes_allocated += r.size;
  }
  const Workload& w_;
  const std::vector<RecordKind>* kinds_;
  model::Collector* gc_;
  sim::Rng rng_;
  RunResult* result_;
  double total_weight_ = 0;
  State state_ = kThink;
  const RecordKind* kind_ = nullptr;
  uint64_t done_ = 0;
  size_t next_ = 0;
};

}  // namespace

std::vector<std::string> BuiltinRunNames() { return {"steady", "steady-p4"}; }

absl::StatusOr<RunConfig> BuiltinRun(const std::string& name) {
  RunConfig c;
  c.name = name;
  if (name == "steady") return c;
  if (name == "steady-p4") {
    c.gomaxprocs = 4;
    return c;
  }
  return absl::NotFoundError(absl::StrFormat("unknown built-in scenario \"%s\" (have: %s)", name,
                                             absl::StrJoin(BuiltinRunNames(), ", ")));
}

absl::StatusOr<RunResult> Run(const RunConfig& cfg, model::PacerObserver* decisions, model::CycleObserver* cycles,
                              const std::function<void(int64_t)>& progress) {
  if (cfg.gomaxprocs < 1 || cfg.gomaxprocs > 256) {
    return absl::InvalidArgumentError(absl::StrFormat("gomaxprocs %d out of range 1..256", cfg.gomaxprocs));
  }
  const Workload& w = cfg.workload;
  if (w.live_records == 0) return absl::InvalidArgumentError("workload.live_records must be > 0");
  if (!(w.think_ns > 0)) return absl::InvalidArgumentError("workload.think_ns must be > 0");
  std::vector<RecordKind> kinds = w.kinds.empty() ? DefaultKinds() : w.kinds;
  for (const RecordKind& k : kinds) {
    if (k.size == 0 || k.ptrdata > k.size || (k.child_size != 0 && k.ptrdata == 0) || !(k.weight >= 0)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "record kind {size %d, ptrdata %d, child %d}: need size > 0, ptrdata <= size, a pointer to hold a child",
          k.size, k.ptrdata, k.child_size));
    }
  }

  sim::AddressSpace os;
  sim::EventQueue q;
  model::Malloc m(&os, &q.clock(), cfg.seed);
  if (absl::Status st = m.Init(); !st.ok()) return st;
  model::WorkbufPool wbufs(&m.heap(), &m.memstats().gc_sys);
  model::Sched sched(&q, cfg.gomaxprocs, cfg.costs, cfg.seed, &m, &wbufs);
  model::ObjectGraph graph;
  model::Collector gc(&m, &sched, &graph, cfg.pacer, cfg.seed);
  gc.check_marks = cfg.check_marks;
  gc.controller().set_observer(decisions, [&sched] { return sched.Now(); });
  gc.set_cycle_observer(cycles);
  gc.marker().globals_bytes = w.globals_bytes;
  gc.Enable(cfg.gogc);

  RunResult result;
  std::vector<std::unique_ptr<Mutator>> mutators;
  std::vector<model::G*> gs;
  const int n = w.goroutines > 0 ? w.goroutines : cfg.gomaxprocs;
  for (int i = 0; i < n; i++) {
    mutators.push_back(std::make_unique<Mutator>(w, &kinds, &gc, cfg.seed, i, &result));
    gs.push_back(sched.NewG(absl::StrFormat("mutator-%d", i), mutators.back().get(),
                            sched.p(i % cfg.gomaxprocs)));
  }
  // sysmon ticks, progress and peak tracking ride on one periodic event.
  int64_t next_progress = 1'000'000'000;
  std::function<void()> tick = [&] {
    gc.Sysmon();
    result.peak_heap_inuse = std::max(result.peak_heap_inuse, m.memstats().heap_inuse);
    if (progress && q.Now() >= next_progress) {
      progress(q.Now());
      next_progress += 1'000'000'000;
    }
    q.ScheduleAfter(model::kSysmonPeriod, tick);
  };
  q.ScheduleAfter(model::kSysmonPeriod, tick);
  auto all_done = [&] {
    result.peak_heap_live = std::max(result.peak_heap_live, m.memstats().heap_live);
    for (model::G* g : gs) {
      if (g->status != model::GStatus::kDead) return false;
    }
    return true;
  };
  sched.Run(all_done);
  if (cfg.check_invariants) {
    std::vector<model::MCache*> caches;
    for (const auto& p : sched.ps()) caches.push_back(p->mcache.get());
    m.CheckInvariants(caches);
  }
  result.virtual_ns = q.Now();
  result.objects_freed = gc.sweeper().objects_freed;
  result.bytes_freed = gc.sweeper().bytes_freed;
  result.cycles = gc.history();
  return result;
}

}  // namespace gogcsim::scenarios
