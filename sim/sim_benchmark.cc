// Throughput of the simulated machine's hot paths.
//   bazel run //sim:sim_benchmark
// Targets (issue 2): >= 20 M schedule+pop pairs/s, >= 300 M draws/s.
// BM_FiberSwitch against BM_ThreadBatonSwitch: why replay runs each P on a
// fiber rather than a thread of its own (sim/fiber.h).
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "benchmark/benchmark.h"
#include "sim/event_queue.h"
#include "sim/fiber.h"
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

// A Resume and the fiber's Yield back: one sync point passed by a P.
void BM_FiberSwitch(benchmark::State& state) {
  bool stop = false;
  uint64_t n = 0;
  Fiber f([&] {
    while (!stop) {
      n++;
      Fiber::Yield();
    }
  });
  for (auto _ : state) f.Resume();
  stop = true;
  f.Resume();
  benchmark::DoNotOptimize(n);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("resume+yield pairs");
}
BENCHMARK(BM_FiberSwitch);

// The same hand-off between two threads, a baton under a mutex: what a
// thread per P would pay at each sync point.
void BM_ThreadBatonSwitch(benchmark::State& state) {
  std::mutex mu;
  std::condition_variable cv;
  int turn = 0;  // 0: the benchmark's thread; 1: the other
  bool stop = false;
  std::thread other([&] {
    std::unique_lock<std::mutex> l(mu);
    for (;;) {
      cv.wait(l, [&] { return turn == 1 || stop; });
      if (stop) return;
      turn = 0;
      cv.notify_all();
    }
  });
  for (auto _ : state) {
    std::unique_lock<std::mutex> l(mu);
    turn = 1;
    cv.notify_all();
    cv.wait(l, [&] { return turn == 0; });
  }
  {
    std::lock_guard<std::mutex> l(mu);
    stop = true;
  }
  cv.notify_all();
  other.join();
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("hand-off round trips");
}
BENCHMARK(BM_ThreadBatonSwitch)->UseRealTime();

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
