#include "scenarios/trace_goroutines.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "traces/trace_format.h"

namespace gogcsim::scenarios {

// Longest uninterrupted step of mutator work, ns: the scheduler can preempt
// a goroutine between slices, and the mark workers get their share.
constexpr int64_t kComputeSliceNs = 20'000;
// How far ahead of the simulated clock the trace is read, and how often.
constexpr int64_t kHorizonNs = 200'000;
constexpr int64_t kTickNs = 100'000;

struct TraceGoroutines::Gor {
  model::G* g = nullptr;
  std::unique_ptr<Body> body;
  std::deque<TraceEvent> queue;  // its events read but not yet done
  bool parked = true;            // waiting for a wake-up (created so)
  bool wake_pending = false;     // ... which is scheduled
  bool running = false;          // the recording shows it running (GO_RUN, no GO_STOP since)
};

// The roots' holder never runs.
class TraceGoroutines::Holder : public model::GBody {
 public:
  model::GStep Step(model::Sched&, model::P*, model::G*) override { return model::GStep::kPark; }
};

class TraceGoroutines::Body : public model::GBody {
 public:
  Body(TraceGoroutines* t, Gor* x) : t_(t), x_(x) {}
  model::GStep Step(model::Sched&, model::P* p, model::G* g) override { return t_->Step(x_, p, g); }

 private:
  TraceGoroutines* t_;
  Gor* x_;
};

TraceGoroutines::TraceGoroutines(TraceEventSource* source, model::Collector* gc, model::Sched* sched, RunResult* result)
    : source_(source),
      gc_(gc),
      sched_(sched),
      result_(result),
      holder_body_(std::make_unique<Holder>()),
      roots_(sched_->NewParkedG("roots", holder_body_.get())) {}

TraceGoroutines::~TraceGoroutines() = default;

bool TraceGoroutines::Start() {
  Fill(sched_->Now() + kHorizonNs);
  sched_->queue()->Schedule(sched_->Now() + kTickNs, [this] { Tick(); });
  return !gs_.empty();
}

void TraceGoroutines::Tick() {
  Fill(sched_->queue()->Now() + kHorizonNs);
  if (!eof_) sched_->queue()->Schedule(sched_->queue()->Now() + kTickNs, [this] { Tick(); });
}

TraceGoroutines::Gor* TraceGoroutines::GorOf(uint64_t g) {
  auto [it, fresh] = by_g_.try_emplace(g, nullptr);
  if (!fresh) return it->second;
  auto x = std::make_unique<Gor>();
  x->body = std::make_unique<Body>(this, x.get());
  x->g = sched_->NewParkedG(absl::StrCat("g", g), x->body.get());
  gs_.push_back(x->g);
  result_->goroutines++;
  it->second = x.get();
  gors_.push_back(std::move(x));
  return it->second;
}

void TraceGoroutines::WakeAt(Gor* x, int64_t when) {
  x->wake_pending = true;
  // After the current step, which parks it, has ended.
  sched_->queue()->Schedule(std::max(when, sched_->Now()), [this, x] {
    x->parked = false;
    x->wake_pending = false;
    sched_->Inject(x->g);
  });
}

void TraceGoroutines::Fill(int64_t until) {
  while (!eof_) {
    if (!have_peek_) {
      absl::StatusOr<bool> more = source_->Next(&peek_);
      if (!more.ok() || !*more) {
        if (!more.ok()) error_ = more.status();
        eof_ = true;
        // Goroutines waiting for events that will not come end now.
        for (const auto& x : gors_) {
          if (x->parked && !x->wake_pending) WakeAt(x.get(), sched_->Now());
        }
        return;
      }
      have_peek_ = true;
    }
    if (peek_.kind != TraceEvent::Kind::kDeath) {
      if (!started_) {
        started_ = true;
        t0_rec_ = peek_.t_ns;
        t0_sim_ = sched_->Now();
      }
      if (SimTime(peek_.t_ns) > until) return;
    }
    have_peek_ = false;
    Route(peek_);
  }
}

void TraceGoroutines::Route(TraceEvent e) {
  if (e.kind == TraceEvent::Kind::kDeath) {
    // Its lifetime, in the program's allocations: as many as the trace has
    // from the object's to the death.
    if (e.object >= born_.size()) return;  // not an allocation of this trace
    const uint64_t lifetime = born_.size() - e.object;
    if (born_[e.object] != kNotBorn) {
      due_.emplace(born_[e.object] + lifetime - 1, e.object);
    } else {
      lifetime_[e.object] = lifetime;
    }
    return;
  }
  if (e.kind == TraceEvent::Kind::kAlloc) {
    e.object = born_.size();  // its allocation ordinal
    born_.push_back(kNotBorn);
  }
  Gor* x = GorOf(e.g);
  x->queue.push_back(e);
  // New, blocked, or waiting for events: it goes on at this event's time.
  if (x->parked && !x->wake_pending) WakeAt(x, SimTime(e.t_ns));
}

void TraceGoroutines::ApplyDeaths(model::G* g) {
  while (!due_.empty() && due_.top().first <= result_->allocations) {
    roots_.Kill(gc_, g, due_.top().second);
    due_.pop();
  }
}

model::GStep TraceGoroutines::Compute(int64_t ns) {
  sched_->Charge(ns);
  result_->mutator_ns += ns;
  return model::GStep::kContinue;
}

model::GStep TraceGoroutines::Step(Gor* x, model::P* p, model::G* g) {
  ApplyDeaths(g);
  for (;;) {
    if (x->queue.empty()) {
      if (eof_) return model::GStep::kExit;
      if (x->running) return Compute(kComputeSliceNs);  // as far as the trace read so far says
      x->parked = true;                                 // until its next event is read
      return model::GStep::kPark;
    }
    const TraceEvent& e = x->queue.front();
    if (e.kind == TraceEvent::Kind::kRun) {
      x->running = true;
      x->queue.pop_front();
      continue;
    }
    // Compute until the event's recorded time.
    const int64_t gap = SimTime(e.t_ns) - sched_->Now();
    if (gap > 0) return Compute(std::min(gap, kComputeSliceNs));
    if (e.kind == TraceEvent::Kind::kAlloc) {
      model::Collector::AllocOutcome out = gc_->Allocate(p, g, e.req);
      if (!out.done) return out.step;
      const uint64_t object = e.object;
      const uint64_t size = e.req.size;
      x->queue.pop_front();
      result_->allocations++;
      result_->records++;
      result_->bytes_allocated += out.r.size;
      born_[object] = result_->allocations;
      if (auto it = lifetime_.find(object); it != lifetime_.end()) {
        due_.emplace(result_->allocations + it->second - 1, object);
        lifetime_.erase(it);
      }
      if (size != 0) roots_.Keep(object, out.r.addr);  // zerobase is not in the heap
      return out.step;
    }
    const int64_t reason = e.reason;  // kStop
    x->queue.pop_front();
    x->running = false;
    switch (reason) {
      case traces::kStopBlocked:
      case traces::kStopSyscall:
        // Parked until its next event's time (Route wakes it when it reads
        // that event, if it has not yet).
        if (x->queue.empty() && eof_) return model::GStep::kExit;  // blocked for good
        x->parked = true;
        if (!x->queue.empty()) WakeAt(x, SimTime(x->queue.front().t_ns));
        return model::GStep::kPark;
      case traces::kStopGosched:
        x->running = true;  // runnable at once
        return model::GStep::kGosched;
      case traces::kStopExit:
        if (x->queue.empty()) return model::GStep::kExit;
        continue;
      default:  // preempted: the simulated sysmon decides that
        x->running = true;
        continue;
    }
  }
}

}  // namespace gogcsim::scenarios
