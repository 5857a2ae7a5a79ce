#include "scenarios/simulation.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_format.h"
#include "model/malloc.h"
#include "model/mbitmap.h"
#include "scenarios/mutator.h"

namespace gogcsim::scenarios {

namespace {

// What would crash or never end. (A scenario file gets these checks, and
// more, with JSON paths in scenarios/scenario.cc.)
absl::Status CheckGroup(const MutatorGroup& g, size_t i) {
  auto bad = [i](const std::string& what) {
    return absl::InvalidArgumentError(absl::StrFormat("workload group %d: %s", i, what));
  };
  if (g.count < 0) return bad("count must be >= 0");
  if (!(g.think_ns > 0)) return bad("think_ns must be > 0");
  if (!(g.jitter >= 0 && g.jitter < 1)) return bad("jitter must be in [0, 1)");
  if (g.lifetime.kind == Lifetime::Kind::kLiveSet ? g.lifetime.live_set == 0 : !(g.lifetime.mean > 0)) {
    return bad("the live set or mean lifetime must be > 0");
  }
  if (g.block_every != 0 && !(g.block_ns > 0)) return bad("block_ns must be > 0");
  if (g.records == 0 && g.duration_ns <= 0 && g.phases.empty()) {
    return bad("needs records, duration_ns or phases to end");
  }
  double weight = 0;
  for (const RecordKind& k : g.kinds) {
    if (k.size.Min() == 0 || (k.has_child() && k.ptrdata == 0 && !(k.pointer_fraction > 0)) || !(k.weight >= 0)) {
      return bad("record kinds need size > 0, a pointer to hold a child, weight >= 0");
    }
    weight += k.weight;
  }
  if (!g.kinds.empty() && !(weight > 0)) return bad("record kind weights must not all be 0");
  for (const Phase& ph : g.phases) {
    const PhaseLevel lo = LevelAt(ph, 0);
    if ((ph.duration_ns <= 0 && ph.records == 0) || !(lo.rate > 0) ||
        (ph.kind == Phase::Kind::kOscillation && !(ph.period > 0))) {
      return bad("phases need a length, a rate > 0 and (oscillation) a period > 0");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RunResult> Run(const RunConfig& cfg, model::PacerObserver* decisions, model::CycleObserver* cycles,
                              const std::function<void(int64_t)>& progress) {
  if (cfg.gomaxprocs < 1 || cfg.gomaxprocs > 256) {
    return absl::InvalidArgumentError(absl::StrFormat("gomaxprocs %d out of range 1..256", cfg.gomaxprocs));
  }
  const Workload& w = cfg.workload;
  if (!w.trace.empty()) {
    return absl::UnimplementedError(
        absl::StrFormat("%s: Run() runs synthetic workloads; the trace %s runs through RunScenario (runner.h)",
                        cfg.name, w.trace));
  }
  if (w.groups.empty()) return absl::InvalidArgumentError("the workload has no mutator groups");
  // Groups with their kinds filled in and their goroutine counts resolved.
  std::vector<MutatorGroup> groups = w.groups;
  for (size_t i = 0; i < groups.size(); i++) {
    if (absl::Status st = CheckGroup(groups[i], i); !st.ok()) return st;
    if (groups[i].kinds.empty()) groups[i].kinds = DefaultKinds();
    if (groups[i].count == 0) groups[i].count = cfg.gomaxprocs;
  }

  Machine mc(cfg, decisions, cycles);
  if (absl::Status st = mc.Boot(); !st.ok()) return st;
  model::Sched& sched = mc.sched();
  RunResult result;
  MutatorCounters counters;
  std::vector<std::unique_ptr<Mutator>> mutators;
  std::vector<model::G*> gs;
  // Goroutine i (over all groups) starts on P i mod GOMAXPROCS.
  int i = 0;
  for (const MutatorGroup& group : groups) {
    for (int k = 0; k < group.count; k++, i++) {
      mutators.push_back(std::make_unique<Mutator>(group, &mc.gc(), cfg.seed, i, &counters));
      gs.push_back(sched.NewG(absl::StrFormat("mutator-%d", i), mutators.back().get(),
                              sched.p(i % cfg.gomaxprocs)));
    }
  }
  result.goroutines = i;
  mc.RunUntilDead(gs, progress, &result);
  result.records = counters.records;
  result.allocations = counters.allocations;
  result.bytes_allocated = counters.bytes_allocated;
  result.mutator_ns = counters.mutator_ns;
  return result;
}

}  // namespace gogcsim::scenarios
