// Throughput of the simulated machine's hot paths.
//   bazel run //sim:sim_benchmark
// Targets (issue 2): >= 20 M schedule+pop pairs/s, >= 300 M draws/s.
#include <cstdint>

#include "benchmark/benchmark.h"
#include "sim/event_queue.h"
#include "sim/rng.h"

namespace gogcsim::sim {
namespace {

// A steady queue of `depth` pending events; each iteration pops one and
// schedules one, as a simulation with `depth` Ps and timers does.
void BM_EventQueueSchedulePop(benchmark::State& state) {
  EventQueue q;
  const int depth = static_cast<int>(state.range(0));
  uint64_t sink = 0;
  Rng r = Rng::Stream(1, "bench");
  for (int i = 0; i < depth; i++) q.ScheduleAfter(static_cast<int64_t>(r.UniformInt(1000)), [&sink] { sink++; });
  for (auto _ : state) {
    q.ScheduleAfter(static_cast<int64_t>(r.Next() & 1023), [&sink] { sink++; });
    q.Step();
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("schedule+pop pairs");
}
BENCHMARK(BM_EventQueueSchedulePop)->Arg(8)->Arg(64)->Arg(1024);

void BM_RngNext(benchmark::State& state) {
  Rng r = Rng::Stream(1, "bench");
  uint64_t acc = 0;
  for (auto _ : state) {
    acc += r.Next();
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RngNext);

void BM_RngUniformInt(benchmark::State& state) {
  Rng r = Rng::Stream(1, "bench");
  uint64_t acc = 0;
  for (auto _ : state) acc += r.UniformInt(1000);
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RngUniformInt);

void BM_RngExponential(benchmark::State& state) {
  Rng r = Rng::Stream(1, "bench");
  double acc = 0;
  for (auto _ : state) acc += r.Exponential(10.0);
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RngExponential);

}  // namespace
}  // namespace gogcsim::sim
