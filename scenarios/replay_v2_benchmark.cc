// Replay v2 speed and memory (issue 16): replays a gogcsim recording and
// compares its wall time with the time the recorded program itself took
// between its first and last allocation request (the A records' clock).
// Reports allocations replayed per second, x_faster_than_program (> 1: the
// replay is faster than the program), the process's peak RSS and that per
// object live at the recording's peak (allocated and not yet freed by a
// sweep: the objects the replay's heap holds).
//
// The recording is made on the fly, never stored:
//   bash tools/replay_benchmark.sh   (records churn at GOMAXPROCS 4)
// or: GOGCSIM_RECORDING=FILE bazel run -c opt //scenarios:replay_v2_benchmark
#include <sys/resource.h>

#include <cstdlib>
#include <string>

#include "benchmark/benchmark.h"
#include "scenarios/replay_v2.h"
#include "traces/recording_v2.h"

namespace gogcsim::scenarios {
namespace {

struct Recorded {
  double seconds = 0;         // first to last A
  uint64_t peak_objects = 0;  // max over the recording of A records minus F records
  bool ok = false;
};

Recorded Measure(const std::string& path) {
  Recorded r;
  auto reader = traces::RecordingV2Reader::Open(path);
  if (!reader.ok()) return r;
  const int kA = traces::V2TagOf("A"), kF = traces::V2TagOf("F");
  int64_t first = -1, last = -1, live = 0, peak = 0;
  traces::V2Record rec;
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&rec);
    if (!more.ok()) return r;
    if (!*more) break;
    if (rec.tag == kA) {
      if (first < 0) first = rec.v[4];
      last = rec.v[4];
      peak = std::max(peak, ++live);
    } else if (rec.tag == kF) {
      live--;
    }
  }
  r.seconds = static_cast<double>(last - first) / 1e9;
  r.peak_objects = static_cast<uint64_t>(peak);
  r.ok = first >= 0;
  return r;
}

void BM_ReplayV2(benchmark::State& state) {
  const char* path = std::getenv("GOGCSIM_RECORDING");
  if (path == nullptr || *path == '\0') {
    state.SkipWithError("set GOGCSIM_RECORDING to a gogcsim recording (tools/replay_benchmark.sh makes one)");
    return;
  }
  const Recorded rec = Measure(path);
  if (!rec.ok) {
    state.SkipWithError("cannot read the recording, or it has no allocations");
    return;
  }
  uint64_t allocs = 0;
  bool ok = true;
  for (auto _ : state) {
    auto rep = ReplayV2(path, ReplayV2Options());
    ok = ok && rep.ok() && rep->ok();
    allocs += rep.ok() ? rep->allocs : 0;
  }
  if (!ok) state.SkipWithError("replay diverged");
  state.SetItemsProcessed(static_cast<int64_t>(allocs));
  state.counters["recorded_program_s"] = rec.seconds;
  // Replays per second times the program's duration: how many times faster.
  state.counters["x_faster_than_program"] =
      benchmark::Counter(rec.seconds * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const double rss = static_cast<double>(u.ru_maxrss) * 1024;  // ru_maxrss is in KiB
  state.counters["peak_rss_MB"] = rss / 1e6;
  state.counters["peak_live_objects"] = static_cast<double>(rec.peak_objects);
  state.counters["rss_B_per_live_object"] = rss / static_cast<double>(rec.peak_objects);
}
BENCHMARK(BM_ReplayV2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The reader alone, in full (arg 0) and as the replay's F scout reads it
// (arg 1): the share of a replay's time that decoding takes.
void BM_ReadV2(benchmark::State& state) {
  const char* path = std::getenv("GOGCSIM_RECORDING");
  if (path == nullptr || *path == '\0') {
    state.SkipWithError("set GOGCSIM_RECORDING to a gogcsim recording");
    return;
  }
  uint64_t records = 0;
  for (auto _ : state) {
    auto reader = traces::RecordingV2Reader::Open(path);
    if (!reader.ok()) {
      state.SkipWithError("cannot open the recording");
      return;
    }
    if (state.range(0) == 1) (*reader)->KeepOnly({traces::V2TagOf("MT"), traces::kV2TagF, traces::kV2TagMO}, false);
    traces::V2Record rec;
    for (;;) {
      absl::StatusOr<bool> more = (*reader)->Next(&rec);
      if (!more.ok()) {
        state.SkipWithError("the recording is invalid");
        return;
      }
      if (!*more) break;
      records++;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_ReadV2)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gogcsim::scenarios

BENCHMARK_MAIN();
