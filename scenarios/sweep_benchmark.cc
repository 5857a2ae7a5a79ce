// Sweep throughput against the thread count: a fixed grid of 8 small steady
// runs (GOGC 25, 50, 100, 200 x seeds 1, 2 on 1 P, 100,000 records each) on
// 1 and 2 threads. Runs are independent, so runs/s should scale with the
// cores free. Run: bazel run -c opt //scenarios:sweep_benchmark
#include "benchmark/benchmark.h"
#include "scenarios/simulation.h"
#include "scenarios/sweep.h"

namespace gogcsim::scenarios {
namespace {

void BM_Sweep(benchmark::State& state) {
  RunConfig cfg = *BuiltinRun("steady");
  SetRecords(&cfg, 100000);
  const SweepGrid grid{{25, 50, 100, 200}, {1}, {1, 2}};
  SweepOptions opt;
  opt.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto t = RunSweep(cfg, grid, Shard{0, 1}, opt);
    if (!t.ok()) state.SkipWithError(std::string(t.status().message()).c_str());
    benchmark::DoNotOptimize(t);
  }
  // items/s = runs/s.
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(grid.size()));
}
// Wall-clock time: the work is on the pool's threads, not the caller's.
BENCHMARK(BM_Sweep)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gogcsim::scenarios
