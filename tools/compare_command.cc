#include "tools/compare_command.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/cli.h"
#include "traces/gctrace.h"
#include "traces/jsonl.h"

ABSL_DECLARE_FLAG(bool, json);

namespace gogcsim::tools {
namespace {

namespace tr = ::gogcsim::traces;

// One cycle, simulated or real, in bytes: trigger, heap at mark
// termination, goal, marked (-1 where the log does not say).
struct Cycle {
  int64_t trigger = -1, heap_mt = -1, goal = -1, marked = -1;
};

// What the validation compares: cycles, the peak heap at mark
// termination, the mean marked heap (gcpacertrace's H_m_prev: the marked
// heap of every cycle but the last), and GC's CPU share at the end (%).
struct Totals {
  std::string name;
  std::vector<Cycle> cycles;
  double peak_mt = 0, mean_marked = 0, gc_cpu_pct = 0;
};

void Summarize(Totals* t) {
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

absl::StatusOr<Totals> ReadRun(const std::string& dir) {
  Totals t;
  t.name = dir;
  tr::JsonLinesReader r;
  if (absl::Status st = r.Open(dir + "/cycles.jsonl"); !st.ok()) return st;
  int64_t next_trigger = -1;
  for (tr::Json j;;) {
    absl::StatusOr<bool> more = r.Next(&j);
    if (!more.ok()) return more.status();
    if (!*more) break;
    Cycle c;
    absl::StatusOr<int64_t> h1 = tr::IntField(j, "heap1"), goal = tr::IntField(j, "heap_goal"),
                            marked = tr::IntField(j, "heap2"), next = tr::IntField(j, "next_gc_trigger");
    absl::StatusOr<double> cpu = tr::FloatField(j, "gc_cpu_fraction");
    for (const absl::Status& st : {h1.status(), goal.status(), marked.status(), next.status(), cpu.status()}) {
      if (!st.ok()) return tr::LineError(r.path(), r.line(), st.message());
    }
    c.trigger = next_trigger;  // the previous cycle's next_gc_trigger
    c.heap_mt = *h1;
    c.goal = *goal;
    c.marked = *marked;
    next_trigger = *next;
    t.gc_cpu_pct = *cpu * 100;
    t.cycles.push_back(c);
  }
  if (t.cycles.empty()) return absl::InvalidArgumentError(absl::StrCat(dir, "/cycles.jsonl: no cycles"));
  Summarize(&t);
  return t;
}

Totals FromLog(const tr::RealLog& log) {
  Totals t;
  t.name = log.path;
  for (size_t i = 0; i < log.cycles.size(); i++) {
    const tr::RealCycle& r = log.cycles[i];
    Cycle c;
    if (r.has_pacer) {
      c.trigger = r.H_T;
      c.heap_mt = r.H_a;
      c.goal = r.H_g;
    } else {  // a forced cycle: only gctrace's rounded MB
      c.heap_mt = r.heap1_mb << 20;
      c.goal = r.goal_mb << 20;
    }
    // A cycle's marked heap is the next cycle's H_m_prev.
    if (i + 1 < log.cycles.size() && log.cycles[i + 1].has_pacer) c.marked = log.cycles[i + 1].H_m_prev;
    t.cycles.push_back(c);
  }
  t.gc_cpu_pct = static_cast<double>(log.cycles.back().cpu_pct);
  Summarize(&t);
  return t;
}

std::string Mb(int64_t b) { return b < 0 ? "-" : absl::StrFormat("%.2f", static_cast<double>(b) / (1 << 20)); }

}  // namespace

int CompareCommand(const std::vector<char*>& args) {
  if (args.size() < 3) return Fail("usage: gogcsim compare RUN_DIR REAL.stderr... [--json]");
  absl::StatusOr<Totals> sim = ReadRun(args[1]);
  if (!sim.ok()) return Fail(std::string(sim.status().message()));
  std::vector<Totals> real;
  for (size_t i = 2; i < args.size(); i++) {
    absl::StatusOr<tr::RealLog> log = tr::ReadGcTrace(args[i]);
    if (!log.ok()) return Fail(std::string(log.status().message()));
    real.push_back(FromLog(*log));
  }
  struct Measure {
    const char* name;
    double Totals::*field;  // nullptr: cycles
  };
  const Measure measures[] = {{"GC cycles", nullptr},
                              {"peak heap at mark termination (MB)", &Totals::peak_mt},
                              {"mean marked heap (MB)", &Totals::mean_marked},
                              {"GC CPU at the end (%)", &Totals::gc_cpu_pct}};
  auto value = [](const Totals& t, const Measure& m) {
    double v = m.field == nullptr ? static_cast<double>(t.cycles.size()) : t.*m.field;
    return m.field == &Totals::peak_mt || m.field == &Totals::mean_marked ? v / (1 << 20) : v;
  };
  tr::Json out;
  out["run"] = sim->name;
  out["real"] = tr::Json::array();
  for (const Totals& r : real) out["real"].push_back(r.name);
  int inside = 0;
  std::string text = absl::StrFormat("compare %s with %d real run%s\n  %-36s %10s %10s %10s  %s\n", sim->name,
                                     real.size(), real.size() == 1 ? "" : "s", "", "simulated", "real min",
                                     "real max", "inside min-max +-2%");
  for (const Measure& m : measures) {
    double lo = value(real[0], m), hi = lo;
    for (const Totals& r : real) {
      lo = std::min(lo, value(r, m));
      hi = std::max(hi, value(r, m));
    }
    const double s = value(*sim, m);
    const bool in = s >= lo * 0.98 && s <= hi * 1.02;
    inside += in;
    absl::StrAppendFormat(&text, "  %-36s %10.2f %10.2f %10.2f  %s\n", m.name, s, lo, hi, in ? "yes" : "no");
    out["totals"][m.name] = {{"simulated", s}, {"real_min", lo}, {"real_max", hi}, {"inside", in}};
  }
  absl::StrAppendFormat(&text, "  %d of 4 inside\n\ncycle by cycle against %s (MB; trigger, heap at mark "
                        "termination, goal, marked)\n  %5s %21s %21s %21s %21s\n",
                        inside, real[0].name, "gc", "trigger sim/real", "heap_mt sim/real", "goal sim/real",
                        "marked sim/real");
  out["cycles"] = tr::Json::array();
  const size_t n = std::max(sim->cycles.size(), real[0].cycles.size());
  for (size_t i = 0; i < n; i++) {
    const Cycle none;
    const Cycle& s = i < sim->cycles.size() ? sim->cycles[i] : none;
    const Cycle& r = i < real[0].cycles.size() ? real[0].cycles[i] : none;
    auto pair = [](int64_t a, int64_t b) { return absl::StrFormat("%s/%s", Mb(a), Mb(b)); };
    absl::StrAppendFormat(&text, "  %5d %21s %21s %21s %21s\n", i + 1, pair(s.trigger, r.trigger),
                          pair(s.heap_mt, r.heap_mt), pair(s.goal, r.goal), pair(s.marked, r.marked));
    out["cycles"].push_back({{"gc", i + 1},
                             {"simulated", {{"trigger", s.trigger}, {"heap_mt", s.heap_mt}, {"goal", s.goal},
                                            {"marked", s.marked}}},
                             {"real", {{"trigger", r.trigger}, {"heap_mt", r.heap_mt}, {"goal", r.goal},
                                       {"marked", r.marked}}}});
  }
  out["inside"] = inside;
  if (absl::GetFlag(FLAGS_json)) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::fputs(text.c_str(), stdout);
  }
  return 0;
}

}  // namespace gogcsim::tools
