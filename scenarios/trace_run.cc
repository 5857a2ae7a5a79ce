#include "scenarios/trace_run.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_format.h"
#include "model/mgc.h"
#include "model/proc.h"
#include "scenarios/machine.h"
#include "scenarios/trace_goroutines.h"
#include "scenarios/trace_roots.h"
#include "sim/check.h"

namespace gogcsim::scenarios {
namespace {

// The recorded program as one goroutine: compute for the recorded gap,
// allocate, keep the object reachable from a root slot of this G until its
// death (scenarios/trace_roots.h).
class TraceMutator : public model::GBody {
 public:
  TraceMutator(TraceEventSource* source, model::Collector* gc, RunResult* result)
      : source_(source), gc_(gc), result_(result) {}

  model::GStep Step(model::Sched& sched, model::P* p, model::G* g) override {
    if (!roots_) roots_.emplace(g);
    if (!pending_) {
      // Deaths between allocations take no time.
      for (;;) {
        // Read in place: next_ is not pending, and a local cost a
        // construction and a copy per event.
        TraceEvent& e = next_;
        absl::StatusOr<bool> more = source_->Next(&e);
        if (!more.ok()) {
          error_ = more.status();
          return model::GStep::kExit;
        }
        if (!*more) return model::GStep::kExit;
        if (e.kind == TraceEvent::Kind::kDeath) {
          roots_->Kill(gc_, g, e.object);
          continue;
        }
        if (e.kind != TraceEvent::Kind::kAlloc) continue;  // when goroutines ran: one goroutine here
        pending_ = true;
        break;
      }
      // Compute until this goroutine's clock reaches the recorded one: the
      // recorded gaps already include the real mallocgc's own time.
      if (!started_) {
        started_ = true;
        t0_rec_ = next_.t_ns;
        t0_sim_ = sched.Now();
      }
    }
    // In slices, so that the scheduler can preempt a long computation and
    // the mark workers get their share of the P.
    const int64_t gap = std::max<int64_t>(0, (next_.t_ns - t0_rec_) - (sched.Now() - t0_sim_));
    if (gap > 0) {
      const int64_t slice = std::min(gap, kComputeSliceNs);
      sched.Charge(slice);
      result_->mutator_ns += slice;
      return model::GStep::kContinue;
    }
    model::Collector::AllocOutcome out = gc_->Allocate(p, g, next_.req);
    if (!out.done) return out.step;
    pending_ = false;
    const uint64_t object = ordinal_++;
    result_->allocations++;
    result_->records++;
    result_->bytes_allocated += out.r.size;
    if (next_.req.size != 0) roots_->Keep(object, out.r.addr);  // zerobase is not in the heap
    return out.step;
  }

  const absl::Status& error() const { return error_; }

 private:
  static constexpr int64_t kComputeSliceNs = 20'000;  // longest uninterrupted step of mutator work

  TraceEventSource* source_;
  model::Collector* gc_;
  RunResult* result_;
  absl::Status error_;
  TraceEvent next_;
  bool pending_ = false;  // next_ is read but not yet allocated
  bool started_ = false;
  int64_t t0_rec_ = 0, t0_sim_ = 0;  // the recorded and simulated clocks at the first allocation, ns
  uint64_t ordinal_ = 0;  // allocations so far
  std::optional<TraceRoots> roots_;  // of this G, from its first step
};

}  // namespace

absl::StatusOr<RunResult> RunTrace(const RunConfig& cfg, TraceEventSource* source,
                                   model::PacerObserver* decisions, model::CycleObserver* cycles,
                                   const std::function<void(int64_t)>& progress) {
  if (cfg.gomaxprocs < 1 || cfg.gomaxprocs > 256) {
    return absl::InvalidArgumentError(absl::StrFormat("gomaxprocs %d out of range 1..256", cfg.gomaxprocs));
  }
  Machine mc(cfg, decisions, cycles);
  if (absl::Status st = mc.Boot(); !st.ok()) return st;
  RunResult result;
  if (source->has_schedule()) {
    TraceGoroutines program(source, &mc.gc(), &mc.sched(), &result);
    if (program.Start()) mc.RunUntilDead(program.goroutines(), progress, &result);
    if (!program.error().ok()) return program.error();
    return result;
  }
  TraceMutator mutator(source, &mc.gc(), &result);
  mc.RunUntilDead({mc.sched().NewG("main", &mutator, mc.sched().p(0))}, progress, &result);
  if (!mutator.error().ok()) return mutator.error();
  return result;
}

}  // namespace gogcsim::scenarios
