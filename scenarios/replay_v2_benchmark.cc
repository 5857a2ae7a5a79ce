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
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "scenarios/replay_gc.h"
#include "scenarios/replay_v2.h"
#include "traces/recording_v2.h"
#include "traces/recording_v2_prefetch.h"

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

// $GOGCSIM_RECORDING, or nullptr with the benchmark skipped.
const char* RecordingOrSkip(benchmark::State& state) {
  const char* path = std::getenv("GOGCSIM_RECORDING");
  if (path == nullptr || *path == '\0') {
    state.SkipWithError("set GOGCSIM_RECORDING to a gogcsim recording (tools/replay_benchmark.sh makes one)");
    return nullptr;
  }
  return path;
}

void BM_ReplayV2(benchmark::State& state) {
  const char* path = RecordingOrSkip(state);
  if (path == nullptr) return;
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

// The reader alone, as the replay reads the file in full (arg 0) and as
// its F scout does (arg 1): the share of a replay's time that decoding
// takes.
void BM_ReadV2(benchmark::State& state) {
  const char* path = RecordingOrSkip(state);
  if (path == nullptr) return;
  uint64_t records = 0;
  for (auto _ : state) {
    auto reader = state.range(0) == 1 ? ReplayCollector::OpenScout(path) : OpenReplayV2Reader(path);
    if (!reader.ok()) {
      state.SkipWithError("cannot open the recording");
      return;
    }
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

// Both readers as the replay runs them, on the prefetch's thread, with a
// caller that only takes the records (lane 0 in full; the scout's lane
// kept a batch ahead): the decoding thread's cost with the hand-over.
void BM_PrefetchV2(benchmark::State& state) {
  const char* path = RecordingOrSkip(state);
  if (path == nullptr) return;
  uint64_t records = 0;
  for (auto _ : state) {
    auto reader = OpenReplayV2Reader(path);
    auto scout = ReplayCollector::OpenScout(path);
    if (!reader.ok() || !scout.ok()) {
      state.SkipWithError("cannot open the recording");
      return;
    }
    traces::RecordingV2Reader::ShareChecks(**reader, **scout);  // as the replay does
    std::vector<std::unique_ptr<traces::RecordingV2Reader>> lanes;
    lanes.push_back(std::move(*reader));
    lanes.push_back(std::move(*scout));
    traces::RecordingV2Prefetch prefetch(std::move(lanes));
    bool scout_done = false;
    for (uint64_t k = 0;; k++) {
      absl::StatusOr<const traces::V2Record*> r = prefetch.NextRecord(0);
      if (!r.ok()) {
        state.SkipWithError("the recording is invalid");
        return;
      }
      if (*r == nullptr) break;
      benchmark::DoNotOptimize((*r)->v[0]);
      records++;
      // The scout reads about one record for every 30 of the full lane.
      if (!scout_done && k % 30 == 0) {
        absl::StatusOr<const traces::V2Record*> f = prefetch.NextRecord(1);
        scout_done = !f.ok() || *f == nullptr;
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_PrefetchV2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gogcsim::scenarios

BENCHMARK_MAIN();
