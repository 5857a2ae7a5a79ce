#include "scenarios/machine.h"

#include <algorithm>

namespace gogcsim::scenarios {

Machine::Machine(const RunConfig& cfg, model::PacerObserver* decisions, model::CycleObserver* cycles)
    : cfg_(cfg),
      decisions_(decisions),
      cycles_(cycles),
      malloc_(&os_, &q_.clock(), cfg.seed),
      wbufs_(&malloc_.heap(), &malloc_.memstats().gc_sys),
      sched_(&q_, cfg.gomaxprocs, cfg.costs, cfg.seed, &malloc_, &wbufs_),
      gc_(&malloc_, &sched_, &graph_, cfg.pacer, cfg.seed) {
  if (cfg.ncpu >= 1 && cfg.ncpu < cfg.gomaxprocs) {
    cpus_ = std::make_unique<sim::Cpus>(&q_, cfg.ncpu, cfg.gomaxprocs);
    sched_.set_cpus(cpus_.get());
  }
}

absl::Status Machine::Boot() {
  if (absl::Status st = malloc_.Init(); !st.ok()) return st;
  gc_.check_marks = cfg_.check_marks;
  gc_.controller().set_observer(decisions_, [this] { return sched_.Now(); });
  gc_.set_cycle_observer(cycles_);
  gc_.marker().globals_bytes = cfg_.workload.globals_bytes;
  gc_.Enable(cfg_.gogc);
  return absl::OkStatus();
}

void Machine::RunUntilDead(const std::vector<model::G*>& gs, const std::function<void(int64_t)>& progress,
                           RunResult* result) {
  // sysmon's rounds (retake, then its GC duties) and progress ride on one
  // event.
  int64_t next_progress = 1'000'000'000;
  model::SysmonDelay delay;
  std::function<void()> tick = [&] {
    sched_.Retake(q_.Now());
    gc_.Sysmon();
    if (progress && q_.Now() >= next_progress) {
      progress(q_.Now());
      next_progress += 1'000'000'000;
    }
    q_.ScheduleAfter(delay.Next(), tick);
  };
  q_.ScheduleAfter(delay.Next(), tick);
  const model::MemStats& ms = malloc_.memstats();
  sched_.Run([&] {
    result->peak_heap_live = std::max(result->peak_heap_live, ms.heap_live);
    result->peak_heap_inuse = std::max(result->peak_heap_inuse, ms.heap_inuse);
    return std::all_of(gs.begin(), gs.end(), [](const model::G* g) { return g->status == model::GStatus::kDead; });
  });
  if (cfg_.check_invariants) {
    std::vector<model::MCache*> caches;
    for (const auto& p : sched_.ps()) caches.push_back(p->mcache.get());
    malloc_.CheckInvariants(caches);
  }
  result->virtual_ns = q_.Now();
  result->objects_freed = gc_.sweeper().objects_freed;
  result->bytes_freed = gc_.sweeper().bytes_freed;
  result->cycles = gc_.history();
}

}  // namespace gogcsim::scenarios
