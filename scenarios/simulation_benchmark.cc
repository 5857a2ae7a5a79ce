// Simulated allocations per second with the collector on (issue 4): the
// steady scenario on GOMAXPROCS 1 and 4, and the wall time of each shipped
// scenario as `gogcsim run NAME` runs it. Compare with model/malloc_benchmark
// (the allocator-only fast path).
// Run: bazel run -c opt //scenarios:simulation_benchmark
#include <string>

#include "benchmark/benchmark.h"
#include "scenarios/scenario.h"
#include "scenarios/simulation.h"

namespace gogcsim::scenarios {
namespace {

void BM_SteadyWithGc(benchmark::State& state) {
  RunConfig cfg = *BuiltinRun("steady");
  cfg.gomaxprocs = static_cast<int>(state.range(0));
  SetRecords(&cfg, 200000);
  uint64_t allocs = 0, cycles = 0;
  for (auto _ : state) {
    auto r = Run(cfg, nullptr, nullptr);
    allocs += r->allocations;
    cycles += r->cycles.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(allocs));
  state.counters["gc_cycles"] = static_cast<double>(cycles) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_SteadyWithGc)->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond);

void BM_Shipped(benchmark::State& state, const std::string& name) {
  const RunConfig cfg = *LoadScenario(name);
  uint64_t allocs = 0, cycles = 0;
  for (auto _ : state) {
    auto r = Run(cfg, nullptr, nullptr);
    allocs += r->allocations;
    cycles += r->cycles.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(allocs));
  state.counters["gc_cycles"] = static_cast<double>(cycles) / static_cast<double>(state.iterations());
}

// One benchmark per shipped scenario, BM_Shipped/NAME.
const bool kShippedRegistered = [] {
  for (const std::string& name : ShippedScenarioNames()) {
    benchmark::RegisterBenchmark(("BM_Shipped/" + name).c_str(), BM_Shipped, name)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace gogcsim::scenarios

BENCHMARK_MAIN();
