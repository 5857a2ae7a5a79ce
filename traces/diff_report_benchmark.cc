// Speed of `gogcsim diff` and `gogcsim report` on a synthetic run of the
// size of steady (14 cycles, ~4,000 decisions) times the argument.
//   bazel run -c opt //traces:diff_report_benchmark
// items_per_second: decision records per second (diff: pairs compared;
// report: records read and charted).
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "model/mgc.h"
#include "model/mgcpacer.h"
#include "traces/atomic_file.h"
#include "traces/decision_diff.h"
#include "traces/decision_log.h"
#include "traces/html_report.h"

namespace gogcsim::traces {
namespace {

namespace fs = std::filesystem;

// A run directory with `cycles` cycles of 1 set_trigger, 1 start_cycle,
// 280 revises and 1 end_cycle each (steady's proportions). `skew` changes
// every revise's output a little (for the tolerance-mode benchmark).
std::string MakeRun(const std::string& name, int cycles, double skew) {
  const std::string dir = (fs::temp_directory_path() / ("gogcsim_bench_" + name)).string();
  fs::create_directories(dir);
  DecisionLog log;
  std::string cycle_text;
  int64_t t = 0;
  uint64_t live = 4 << 20;
  for (int c = 1; c <= cycles; c++) {
    log.OnSetTrigger({t, 0.7, 100, 4u << 20, live, 4u << 20, 1, 500, 500, false, 0.7, 7u << 20, 8u << 20, 1e-4, live,
                      500});
    t += 20'000'000;
    live = 7 << 20;
    log.OnStartCycle({t, 7u << 20, 4u << 20, 4u << 20, 0.7, live, 100, 1, 4u << 20, 8u << 20, 0, 0.25});
    for (int i = 0; i < 280; i++) {
      t += 30'000;
      live += 4096;
      log.OnRevise({t, 100, live, 8u << 20, 3u << 20, i * 4000, 0.75 * (1 + skew), 1 / (0.75 * (1 + skew))});
    }
    log.OnEndCycle({t, false, 0.7, 100, live, 4u << 20, t - 9'000'000, t, 800'000, 1, 0.69});
    model::CycleStats s;
    s.numgc = static_cast<uint32_t>(c);
    s.tSweepTerm = t - 9'100'000, s.tMark = t - 9'000'000, s.tMarkTerm = t, s.tEnd = t + 100'000;
    s.heap0 = 7 << 20, s.heap1 = live, s.heap2 = 4 << 20, s.heapGoal = 8 << 20;
    s.assistTime = 800'000, s.fractionalMarkTime = 300'000, s.gomaxprocs = 1, s.gc_cpu_fraction = 0.03;
    cycle_text += CycleJson(s);
    live = 4 << 20;
  }
  const std::string summary = absl::StrCat("{\"scenario\":\"bench\",\"cycles\":", cycles, ",\"virtual_ns\":", t, "}\n");
  if (!WriteFileAtomically(dir + "/decisions.jsonl", log.text()).ok() ||
      !WriteFileAtomically(dir + "/cycles.jsonl", cycle_text).ok() ||
      !WriteFileAtomically(dir + "/summary.json", summary).ok()) {
    std::abort();
  }
  return dir;
}

constexpr int kRecordsPerCycle = 283;

void BM_DiffExact(benchmark::State& state) {
  const int cycles = 14 * static_cast<int>(state.range(0));
  const std::string a = MakeRun("a", cycles, 0), b = MakeRun("b", cycles, 0);
  for (auto _ : state) {
    auto d = Diff(a, b, {});
    if (!d.ok() || !d->same()) state.SkipWithError("diff failed");
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations() * cycles * kRecordsPerCycle);
}
BENCHMARK(BM_DiffExact)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond);

void BM_DiffTolerance(benchmark::State& state) {
  const int cycles = 14 * static_cast<int>(state.range(0));
  const std::string a = MakeRun("a", cycles, 0), b = MakeRun("c", cycles, 1e-6);
  DiffOptions opts;
  opts.tolerance = 1e-3;
  for (auto _ : state) {
    auto d = Diff(a, b, opts);
    if (!d.ok() || !d->same()) state.SkipWithError("diff failed");
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations() * cycles * kRecordsPerCycle);
}
BENCHMARK(BM_DiffTolerance)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond);

void BM_RunReport(benchmark::State& state) {
  const int cycles = 14 * static_cast<int>(state.range(0));
  const std::string a = MakeRun("a", cycles, 0);
  size_t bytes = 0;
  for (auto _ : state) {
    auto html = RunReportHtml(a);
    if (!html.ok()) state.SkipWithError(std::string(html.status().message()).c_str());
    bytes = html.ok() ? html->size() : 0;
    benchmark::DoNotOptimize(html);
  }
  state.SetItemsProcessed(state.iterations() * cycles * kRecordsPerCycle);
  state.counters["html_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RunReport)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gogcsim::traces
