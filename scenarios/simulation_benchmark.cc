// Simulated allocations per second with the collector on (issue 4): the
// steady scenario on GOMAXPROCS 1 and 4. Compare with model/malloc_benchmark
// (the allocator-only fast path). Run: bazel run -c opt //scenarios:simulation_benchmark
#include "benchmark/benchmark.h"
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

}  // namespace
}  // namespace gogcsim::scenarios

BENCHMARK_MAIN();
