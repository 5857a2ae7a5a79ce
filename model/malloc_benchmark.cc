// Allocation fast path throughput of the ported mallocgc.
//   bazel run //model:malloc_benchmark
// Target (issue 3): >= 50 M allocations/s on one core. Span refills are
// included, amortized over the span's objects (every 512 tiny blocks or
// 1024 8-byte objects), as they are in a real program.
#include <memory>

#include "benchmark/benchmark.h"
#include "model/malloc.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"

namespace gogcsim::model {
namespace {

void BM_Malloc(benchmark::State& state, AllocRequest req) {
  sim::AddressSpace os;
  sim::EventQueue q;
  Malloc m(&os, &q.clock(), 1);
  if (!m.Init().ok()) state.SkipWithError("init failed");
  std::unique_ptr<MCache> c = m.NewMCache();
  uint64_t sink = 0;
  for (auto _ : state) sink += m.Mallocgc(c.get(), req).addr;
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}

// 8-byte pointer-free strings: tiny allocator, two per 16-byte block.
BENCHMARK_CAPTURE(BM_Malloc, tiny_8B, AllocRequest{8, 0, 0, true, true});
// 48-byte structs with pointers: small size class, span cached.
BENCHMARK_CAPTURE(BM_Malloc, small_48B_scan, AllocRequest{48, 48, 40, false, true});
// 1 KiB noscan buffers.
BENCHMARK_CAPTURE(BM_Malloc, small_1KiB_noscan, AllocRequest{1024, 1024, 0, true, true});

}  // namespace
}  // namespace gogcsim::model
