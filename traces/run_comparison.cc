#include "traces/run_comparison.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "sim/check.h"
#include "traces/jsonl.h"

namespace gogcsim::traces {
namespace {

void Summarize(RunTotals* t) {
  double sum = 0;
  int n = 0;
  for (size_t i = 0; i < t->cycles.size(); i++) {
    t->peak_mt = std::max(t->peak_mt, static_cast<double>(t->cycles[i].heap_mt));
    if (i + 1 < t->cycles.size() && t->cycles[i].marked >= 0) {
      sum += static_cast<double>(t->cycles[i].marked);
      n++;
    }
  }
  t->mean_marked = n > 0 ? sum / n : 0;
}

}  // namespace

absl::StatusOr<RunTotals> ReadSimulatedRun(const std::string& dir) {
  RunTotals t;
  t.name = dir;
  JsonLinesReader r;
  if (absl::Status st = r.Open(dir + "/cycles.jsonl"); !st.ok()) return st;
  int64_t next_trigger = -1;
  for (Json j;;) {
    absl::StatusOr<bool> more = r.Next(&j);
    if (!more.ok()) return more.status();
    if (!*more) break;
    absl::StatusOr<int64_t> h1 = IntField(j, "heap1"), goal = IntField(j, "heap_goal"),
                            next = IntField(j, "next_gc_trigger");
    absl::StatusOr<double> cpu = FloatField(j, "gc_cpu_fraction");
    for (const absl::Status& st : {h1.status(), goal.status(), next.status(), cpu.status()}) {
      if (!st.ok()) return LineError(r.path(), r.line(), st.message());
    }
    // A cycle's trigger is the one the cycle before it set; its marked
    // heap, as gcpacertrace shows it, the next endCycle's (below).
    t.cycles.push_back(CycleHeap{next_trigger, *h1, *goal, -1});
    next_trigger = *next;
    t.gc_cpu_pct = *cpu * 100;
  }
  // What gcpacertrace prints, from the pacer's own inputs at each
  // endCycle: H_a (heap_live) and H_m_prev (heap_marked, which startCycle
  // fakes from the trigger on a heap at heapminimum), as the real side.
  JsonLinesReader d;
  if (absl::Status st = d.Open(dir + "/decisions.jsonl"); !st.ok()) return st;
  size_t cycle = 0;
  for (Json j;;) {
    absl::StatusOr<bool> more = d.Next(&j);
    if (!more.ok()) return more.status();
    if (!*more) break;
    absl::StatusOr<std::string> kind = StringField(j, "kind");
    if (!kind.ok()) return LineError(d.path(), d.line(), kind.status().message());
    if (*kind != "end_cycle") continue;
    absl::StatusOr<const Json*> forced = Field(j, "in.userForced");
    absl::StatusOr<int64_t> live = IntField(j, "in.heap_live"), marked = IntField(j, "in.heap_marked");
    for (const absl::Status& st : {forced.status(), live.status(), marked.status()}) {
      if (!st.ok()) return LineError(d.path(), d.line(), st.message());
    }
    if (cycle >= t.cycles.size()) break;  // the run ended in this cycle's mark termination
    // A forced cycle's endCycle returns before its pacer line.
    if (!(*forced)->is_boolean() || !(*forced)->get<bool>()) {
      t.cycles[cycle].heap_mt = *live;
      if (cycle > 0) t.cycles[cycle - 1].marked = *marked;
    }
    cycle++;
  }
  Summarize(&t);
  return t;
}

RunTotals FromRealLog(const RealLog& log) {
  RunTotals t;
  t.name = log.path;
  for (size_t i = 0; i < log.cycles.size(); i++) {
    const RealCycle& r = log.cycles[i];
    CycleHeap c;
    if (r.has_pacer) {
      c.trigger = r.H_T;
      c.heap_mt = r.H_a;
      c.goal = r.H_g;
    } else {
      c.heap_mt = r.heap1_mb << 20;
      c.goal = r.goal_mb << 20;
    }
    if (i + 1 < log.cycles.size() && log.cycles[i + 1].has_pacer) c.marked = log.cycles[i + 1].H_m_prev;
    t.cycles.push_back(c);
  }
  if (!log.cycles.empty()) t.gc_cpu_pct = static_cast<double>(log.cycles.back().cpu_pct);
  Summarize(&t);
  return t;
}

namespace {

// By Measure's value.
struct MeasureText {
  const char* name;
  const char* key;
};
constexpr MeasureText kMeasureText[] = {{"GC cycles", "cycles"},
                                        {"peak heap at mark termination (MB)", "peak_heap_mt_mb"},
                                        {"mean marked heap (MB)", "mean_marked_mb"},
                                        {"GC CPU at the end (%)", "gc_cpu_pct"}};
static_assert(std::size(kMeasureText) == std::size(kMeasures));

}  // namespace

const char* MeasureName(Measure m) { return kMeasureText[static_cast<size_t>(m)].name; }

const char* MeasureKey(Measure m) { return kMeasureText[static_cast<size_t>(m)].key; }

double MeasureValue(const RunTotals& t, Measure m) {
  constexpr double kMB = 1 << 20;
  switch (m) {
    case Measure::kCycles:
      return static_cast<double>(t.cycles.size());
    case Measure::kPeakHeapMT:
      return t.peak_mt / kMB;
    case Measure::kMeanMarked:
      return t.mean_marked / kMB;
    case Measure::kGcCpu:
      return t.gc_cpu_pct;
  }
  GOGCSIM_CHECK(false);
  return 0;
}

MeasureComparison Compare(const RunTotals& sim, const std::vector<RunTotals>& real, Measure m) {
  GOGCSIM_CHECK(!real.empty());
  MeasureComparison c;
  c.simulated = MeasureValue(sim, m);
  c.real_min = c.real_max = MeasureValue(real[0], m);
  double sum = 0;
  for (const RunTotals& r : real) {
    const double v = MeasureValue(r, m);
    c.real_min = std::min(c.real_min, v);
    c.real_max = std::max(c.real_max, v);
    sum += v;
  }
  c.real_mean = sum / static_cast<double>(real.size());
  c.inside = c.simulated >= c.real_min * (1 - kInsideSlack) && c.simulated <= c.real_max * (1 + kInsideSlack);
  c.error_pct = c.real_mean != 0 ? (c.simulated - c.real_mean) / c.real_mean * 100 : 0;
  return c;
}

}  // namespace gogcsim::traces
