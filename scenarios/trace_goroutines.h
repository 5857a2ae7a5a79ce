// A what-if run of a recorded program as its own goroutines, for a trace
// that says when each goroutine ran (GO_RUN, GO_STOP: a v2 recording's GB
// and GE). Each recorded goroutine is a simulated one that allocates what
// it allocated, computes while it ran, and blocks where it blocked until
// the recorded time it ran again; the simulated scheduler then places the
// goroutines and the GC's workers on the Ps. Go's own mark completion
// depends on this: at GOMAXPROCS 1 the fractional worker runs only when
// schedule() does, which in a program that passes work through channels
// is each time a goroutine blocks (a recorded workers run finished its
// first mark when its allocating goroutine blocked and the worker ran 157
// µs; one goroutine that never blocks leaves the mark to its assists, at
// the goal).
//
// Times follow the recorded clock from the first event on: a goroutine
// computes until its next event's recorded time, and a blocked one wakes
// at its next GO_RUN's. The trace is read kHorizonNs ahead of the
// simulated clock (a reader on the event queue every kTickNs), so memory
// holds that much of it. A goroutine the recording shows running computes
// while its next event is not yet read; one it never showed running (g0's
// allocations, or a goroutine running when the recording began) waits for
// its next event. A recorded preemption is not followed (the
// simulated sysmon preempts by itself); a Gosched is. An object lives as
// many of the program's allocations as the trace has between its own and
// its death (as in the one-goroutine run, by allocation progress: by time,
// a simulation running late would find objects dead early, shrink the
// live heap, collect more and run later still; by the trace's position
// alone, an object of a goroutine running behind the others would die
// before it was made).
// Every live object is a root of one parked goroutine that never runs (as
// a global would hold it): objects outlive the goroutines that made them,
// and a dead goroutine's stack is not scanned.
#ifndef GOGCSIM_SCENARIOS_TRACE_GOROUTINES_H_
#define GOGCSIM_SCENARIOS_TRACE_GOROUTINES_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "model/mgc.h"
#include "model/proc.h"
#include "scenarios/machine.h"
#include "scenarios/trace_event.h"
#include "scenarios/trace_roots.h"

namespace gogcsim::scenarios {

class TraceGoroutines {
 public:
  TraceGoroutines(TraceEventSource* source, model::Collector* gc, model::Sched* sched, RunResult* result);
  ~TraceGoroutines();
  TraceGoroutines(const TraceGoroutines&) = delete;
  TraceGoroutines& operator=(const TraceGoroutines&) = delete;

  // Creates the goroutine of the trace's first event, runnable on P 0.
  // Those the trace names later are created as it does. false: the trace
  // has no goroutine at all (error() says if reading failed).
  bool Start();
  // Every goroutine created so far; the run ends when all are dead (the
  // vector grows during the run).
  const std::vector<model::G*>& goroutines() const { return gs_; }
  const absl::Status& error() const { return error_; }

 private:
  struct Gor;
  class Body;
  class Holder;

  // Reads and routes the events up to recorded time `until` (simulated);
  // at the end, wakes the goroutines blocked for good, to exit.
  void Fill(int64_t until);
  void Route(TraceEvent e);
  void Tick();
  Gor* GorOf(uint64_t g);
  // Recorded time -> simulated time, ns.
  int64_t SimTime(int64_t t_rec) const { return t0_sim_ + (t_rec - t0_rec_); }
  void WakeAt(Gor* x, int64_t when);
  // Kills the objects whose lifetime is over, on goroutine g.
  void ApplyDeaths(model::G* g);
  // Mutator work of ns: charged, and the goroutine goes on.
  model::GStep Compute(int64_t ns);
  model::GStep Step(Gor* x, model::P* p, model::G* g);

  TraceEventSource* source_;
  model::Collector* gc_;
  model::Sched* sched_;
  RunResult* result_;
  absl::Status error_;
  bool eof_ = false;
  bool started_ = false;
  TraceEvent peek_;  // read, not yet routed
  bool have_peek_ = false;
  int64_t t0_rec_ = 0, t0_sim_ = 0;
  std::vector<std::unique_ptr<Gor>> gors_;
  absl::flat_hash_map<uint64_t, Gor*> by_g_;
  std::vector<model::G*> gs_;
  // Per object read: result_->allocations after its allocation (the
  // program's allocations so far), or kNotBorn.
  static constexpr uint64_t kNotBorn = ~uint64_t{0};
  std::vector<uint64_t> born_;
  // Deaths read before their object was made: object -> lifetime.
  absl::flat_hash_map<uint64_t, uint64_t> lifetime_;
  // Deaths not yet due: (allocations at which it dies, object), soonest
  // first.
  using Due = std::pair<uint64_t, uint64_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  std::unique_ptr<Holder> holder_body_;
  TraceRoots roots_;  // every live object, as roots of a parked G
};

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_TRACE_GOROUTINES_H_
