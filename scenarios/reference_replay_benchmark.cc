// Faithful replay speed (issue 5): replaying churn-p1 (1.57 M allocations,
// 76 cycles) against the time the recorded program itself ran (its first to
// last A timestamp). Reports allocations replayed per second and the ratio
// real_seconds / replay_seconds (> 1: the replay is faster than the program).
// Run: bazel run -c opt //scenarios:reference_replay_benchmark
#include <cstdio>

#include "benchmark/benchmark.h"
#include "scenarios/reference_replay.h"
#include "traces/reference_files.h"
#include "traces/reference_import.h"
#include "traces/reference_reader.h"

namespace gogcsim::scenarios {
namespace {

// Seconds between the recording's first and last allocation request.
double RecordedSeconds(const std::string& path) {
  auto reader = traces::ReferenceReader::Open(path);
  if (!reader.ok()) return 0;
  traces::RefRecord rec;
  int64_t first = -1, last = -1;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&rec);
    if (!more.ok() || !*more) break;
    if (rec.tag != traces::RefTag::kA) continue;
    if (first < 0) first = rec.v[6];
    last = rec.v[6];
  }
  return static_cast<double>(last - first) / 1e9;
}

// Replays `input` (the recording, or a trace imported from it) and reports
// the speed against the recorded program's own duration.
void ReplayAgainstProgram(benchmark::State& state, const std::string& recording, const std::string& input) {
  const double real = RecordedSeconds(recording);
  uint64_t allocs = 0;
  bool ok = true;
  for (auto _ : state) {
    auto rep = ReplayReference(input, ReplayOptions());
    ok = ok && rep.ok() && rep->ok();
    allocs += rep.ok() ? rep->allocs : 0;
  }
  if (!ok) state.SkipWithError("replay diverged");
  state.SetItemsProcessed(static_cast<int64_t>(allocs));
  state.counters["recorded_program_s"] = real;
  // Replays per second times the program's duration: how many times faster.
  state.counters["x_faster_than_program"] =
      benchmark::Counter(real * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_ReplayChurnP1(benchmark::State& state) {
  absl::StatusOr<std::string> path = traces::ReferenceFile("churn-p1.rec.gz");
  if (!path.ok()) {
    state.SkipWithError("churn-p1.rec.gz not found");
    return;
  }
  ReplayAgainstProgram(state, *path, *path);
}
BENCHMARK(BM_ReplayChurnP1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same replay from a gogcsim trace (plain, imported once): no text to
// decompress and parse.
void BM_ReplayChurnP1Trace(benchmark::State& state) {
  absl::StatusOr<std::string> path = traces::ReferenceFile("churn-p1.rec.gz");
  if (!path.ok()) {
    state.SkipWithError("churn-p1.rec.gz not found");
    return;
  }
  const std::string trace = "/tmp/gogcsim_replay_benchmark_churn-p1.trace";
  if (!traces::ImportReference(*path, trace).ok()) {
    state.SkipWithError("import failed");
    return;
  }
  ReplayAgainstProgram(state, *path, trace);
}
BENCHMARK(BM_ReplayChurnP1Trace)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gogcsim::scenarios

BENCHMARK_MAIN();
