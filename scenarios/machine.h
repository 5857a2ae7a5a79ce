// The simulated computer one run executes on: the address space, the clock
// and event queue, and the runtime (allocator, scheduler, collector) set up
// from a RunConfig; and the loop that runs it (sysmon every 10 ms of
// virtual time, progress, peaks). Run() and RunTrace() differ only in the
// goroutines they start on it.
#ifndef GOGCSIM_SCENARIOS_MACHINE_H_
#define GOGCSIM_SCENARIOS_MACHINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "model/malloc.h"
#include "model/mgc.h"
#include "model/mgcpacer.h"
#include "model/mgcwork.h"
#include "model/proc.h"
#include "scenarios/run_config.h"
#include "sim/address_space.h"
#include "sim/cpus.h"
#include "sim/event_queue.h"

namespace gogcsim::scenarios {

struct RunResult {
  int goroutines = 0;  // mutator goroutines started
  uint64_t records = 0, allocations = 0, bytes_allocated = 0;
  int64_t virtual_ns = 0;
  uint64_t peak_heap_live = 0, peak_heap_inuse = 0;  // bytes, after every event
  uint64_t objects_freed = 0, bytes_freed = 0;
  int64_t mutator_ns = 0;  // virtual CPU the mutators used, all Ps
  std::vector<model::CycleStats> cycles;
};

class Machine {
 public:
  // decisions/cycles may be null. cfg.gomaxprocs must be in 1..256.
  Machine(const RunConfig& cfg, model::PacerObserver* decisions, model::CycleObserver* cycles);
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // mallocinit, then gcinit/gcenable with cfg's GOGC.
  absl::Status Boot();

  // Runs until every G of gs is dead, calling progress (if set) about
  // every simulated second; then fills result's peaks, virtual time, freed
  // objects and cycles (and checks the allocator's invariants if cfg asks).
  void RunUntilDead(const std::vector<model::G*>& gs, const std::function<void(int64_t)>& progress,
                    RunResult* result);

  model::Sched& sched() { return sched_; }
  model::Collector& gc() { return gc_; }

 private:
  const RunConfig& cfg_;
  model::PacerObserver* decisions_;
  model::CycleObserver* cycles_;
  sim::AddressSpace os_;
  sim::EventQueue q_;
  model::Malloc malloc_;
  model::WorkbufPool wbufs_;
  model::Sched sched_;
  std::unique_ptr<sim::Cpus> cpus_;  // fewer CPUs than Ps only
  model::ObjectGraph graph_;
  model::Collector gc_;
};

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_MACHINE_H_
