// A simulated run against real go1.10.2 runs of the same program, in the
// measures a what-if prediction is judged by (issue: what-if accuracy):
// GC cycles, peak heap at mark termination, mean marked heap, and GC's CPU
// share at the end. The simulated run is a run directory's cycles.jsonl;
// the real ones are GODEBUG=gctrace=1,gcpacertrace=1 logs (gctrace.h).
// `gogcsim compare` prints one comparison, `gogcsim validate` a grid.
#ifndef GOGCSIM_TRACES_RUN_COMPARISON_H_
#define GOGCSIM_TRACES_RUN_COMPARISON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "traces/gctrace.h"

namespace gogcsim::traces {

// One cycle, simulated or real (bytes; -1 where the source does not say):
// trigger, heap at mark termination, goal, marked.
struct CycleHeap {
  int64_t trigger = -1, heap_mt = -1, goal = -1, marked = -1;
};

struct RunTotals {
  std::string name;
  std::vector<CycleHeap> cycles;
  double peak_mt = 0;  // bytes
  // Bytes: of every cycle but the last, as the next cycle's H_m_prev (which
  // startCycle fakes from the trigger while the trigger is heapminimum).
  double mean_marked = 0;
  double gc_cpu_pct = 0;  // at the end, %
};

// From a run directory (gogcsim run --out=DIR): DIR/cycles.jsonl (empty
// if the run ended before its first cycle) and, for what gcpacertrace
// would print (H_a as the heap at mark termination, H_m_prev as the
// marked heap), the end_cycle records of DIR/decisions.jsonl.
absl::StatusOr<RunTotals> ReadSimulatedRun(const std::string& dir);

// From a real log: a cycle's marked heap is the next cycle's H_m_prev; a
// forced cycle has only gctrace's rounded MB.
RunTotals FromRealLog(const RealLog& log);

enum class Measure { kCycles, kPeakHeapMT, kMeanMarked, kGcCpu };
inline constexpr Measure kMeasures[] = {Measure::kCycles, Measure::kPeakHeapMT, Measure::kMeanMarked, Measure::kGcCpu};
// The three a prediction must get inside the real spread; GC CPU is shown.
inline constexpr Measure kJudged[] = {Measure::kCycles, Measure::kPeakHeapMT, Measure::kMeanMarked};

const char* MeasureName(Measure m);  // "GC cycles", "peak heap at mark termination (MB)", ...
const char* MeasureKey(Measure m);   // "cycles", "peak_heap_mt_mb", ...
// Cycles as counted; heaps in MB (2^20 bytes); GC CPU in %.
double MeasureValue(const RunTotals& t, Measure m);

// How far the real runs' min-max is widened, each way, for "inside".
inline constexpr double kInsideSlack = 0.02;

struct MeasureComparison {
  double simulated = 0, real_min = 0, real_max = 0, real_mean = 0;
  bool inside = false;   // in [min * 0.98, max * 1.02]
  double error_pct = 0;  // (simulated - real mean) / real mean, %; 0 if the mean is 0
};

// real must not be empty.
MeasureComparison Compare(const RunTotals& sim, const std::vector<RunTotals>& real, Measure m);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RUN_COMPARISON_H_
