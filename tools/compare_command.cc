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
#include "traces/run_comparison.h"

ABSL_DECLARE_FLAG(bool, json);

namespace gogcsim::tools {
namespace {

namespace tr = ::gogcsim::traces;

std::string Mb(int64_t b) { return b < 0 ? "-" : absl::StrFormat("%.2f", static_cast<double>(b) / (1 << 20)); }

}  // namespace

int CompareCommand(const std::vector<char*>& args) {
  if (args.size() < 3) return Fail("usage: gogcsim compare RUN_DIR REAL.stderr... [--json]");
  absl::StatusOr<tr::RunTotals> sim = tr::ReadSimulatedRun(args[1]);
  if (!sim.ok()) return Fail(std::string(sim.status().message()));
  std::vector<tr::RunTotals> real;
  for (size_t i = 2; i < args.size(); i++) {
    absl::StatusOr<tr::RealLog> log = tr::ReadGcTrace(args[i]);
    if (!log.ok()) return Fail(std::string(log.status().message()));
    real.push_back(tr::FromRealLog(*log));
  }
  tr::Json out;
  out["run"] = sim->name;
  out["real"] = tr::Json::array();
  for (const tr::RunTotals& r : real) out["real"].push_back(r.name);
  int inside = 0;
  std::string text = absl::StrFormat("compare %s with %d real run%s\n  %-36s %10s %10s %10s  %s\n", sim->name,
                                     real.size(), real.size() == 1 ? "" : "s", "", "simulated", "real min",
                                     "real max", "inside min-max +-2%");
  for (tr::Measure m : tr::kMeasures) {
    const tr::MeasureComparison c = tr::Compare(*sim, real, m);
    inside += c.inside;
    absl::StrAppendFormat(&text, "  %-36s %10.2f %10.2f %10.2f  %s\n", tr::MeasureName(m), c.simulated, c.real_min,
                          c.real_max, c.inside ? "yes" : "no");
    out["totals"][tr::MeasureName(m)] = {{"simulated", c.simulated}, {"real_min", c.real_min},
                                         {"real_max", c.real_max},   {"real_mean", c.real_mean},
                                         {"inside", c.inside}};
  }
  absl::StrAppendFormat(&text, "  %d of 4 inside\n\ncycle by cycle against %s (MB; trigger, heap at mark "
                        "termination, goal, marked)\n  %5s %21s %21s %21s %21s\n",
                        inside, real[0].name, "gc", "trigger sim/real", "heap_mt sim/real", "goal sim/real",
                        "marked sim/real");
  out["cycles"] = tr::Json::array();
  const size_t n = std::max(sim->cycles.size(), real[0].cycles.size());
  for (size_t i = 0; i < n; i++) {
    const tr::CycleHeap none;
    const tr::CycleHeap& s = i < sim->cycles.size() ? sim->cycles[i] : none;
    const tr::CycleHeap& r = i < real[0].cycles.size() ? real[0].cycles[i] : none;
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
