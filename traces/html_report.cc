#include "traces/html_report.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "traces/atomic_file.h"
#include "traces/gctrace.h"
#include "traces/jsonl.h"
#include "traces/run_comparison.h"
#include "traces/svg_chart.h"
#include "traces/sweep_table.h"

namespace gogcsim::traces {
namespace {

namespace fs = std::filesystem;
using Points = std::vector<std::pair<double, double>>;

constexpr double kMiB = 1 << 20;
constexpr double kNsPerS = 1e9;
// Line colours, in order of use.
constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
// Above this many heap_live samples the heap chart keeps each time slice's
// lowest and highest sample only (the sawtooth's envelope).
constexpr size_t kMaxHeapPoints = 6000;

constexpr char kStyle[] = R"(body{font-family:sans-serif;margin:24px auto;max-width:1000px;padding:0 16px;color:#222}
h1{font-size:22px}
h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}
svg.chart{width:100%;height:auto;display:block;margin:8px 0}
svg text{font-family:sans-serif;font-size:12px;fill:#222}
svg text.title{font-size:15px;font-weight:bold}
svg text.label{font-size:13px}
.band{fill:#e8e8e8}
.grid{stroke:#e2e2e2}
.axis{stroke:#444}
.frame{fill:none;stroke:#444}
.series{fill:none;stroke-width:1.6}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
td,th{border:1px solid #ccc;padding:2px 8px}
th{background:#f2f2f2}
td.n{text-align:right;font-variant-numeric:tabular-nums}
p.note{font-size:13px;color:#555}
)";

std::string Page(const std::string& title, const std::string& body) {
  return absl::StrCat("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
                      HtmlEscape(title), "</title>\n<style>\n", kStyle, "</style>\n</head>\n<body>\n", body,
                      "</body>\n</html>\n");
}

std::string MiB(double bytes) { return absl::StrFormat("%.2f", bytes / kMiB); }
std::string Pct(double fraction) { return absl::StrFormat("%.2f%%", 100 * fraction); }

// A table; cells that start with a digit or '-' are right-aligned numbers.
std::string Table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
  std::string o = "<table>\n<tr>";
  for (const std::string& h : head) absl::StrAppend(&o, "<th>", HtmlEscape(h), "</th>");
  o += "</tr>\n";
  for (const auto& row : rows) {
    o += "<tr>";
    for (const std::string& cell : row) {
      const bool num = !cell.empty() && (std::isdigit(static_cast<unsigned char>(cell[0])) || cell[0] == '-');
      absl::StrAppend(&o, num ? "<td class=\"n\">" : "<td>", HtmlEscape(cell), "</td>");
    }
    o += "</tr>\n";
  }
  return o + "</table>\n";
}

ChartSeries Series(const std::string& name, const char* color, Points points = {}) {
  ChartSeries s;
  s.name = name;
  s.color = color;
  s.points = std::move(points);
  return s;
}

std::string Note(const std::string& text) { return absl::StrCat("<p class=\"note\">", HtmlEscape(text), "</p>\n"); }

// Reads typed fields of one JSON object, keeping the first error.
class FieldReader {
 public:
  explicit FieldReader(const Json& j) : j_(j) {}
  uint64_t U(const std::string& f) { return Take(UintField(j_, f)); }
  int64_t I(const std::string& f) { return Take(IntField(j_, f)); }
  double F(const std::string& f) { return Take(FloatField(j_, f)); }
  std::string S(const std::string& f) { return Take(StringField(j_, f)); }
  const absl::Status& status() const { return status_; }

 private:
  template <typename T>
  T Take(absl::StatusOr<T> v) {
    if (v.ok()) return *std::move(v);
    if (status_.ok()) status_ = v.status();
    return T{};
  }
  const Json& j_;
  absl::Status status_;
};

// ---- Run report ----

struct CycleRow {  // one line of cycles.jsonl (ns, bytes)
  uint64_t gc = 0;
  int64_t t_sweep_term = 0, t_mark_term = 0, t_end = 0;
  uint64_t heap0 = 0, heap1 = 0, heap2 = 0, heap_goal = 0;
  int64_t sweep_term_cpu = 0, assist = 0, dedicated = 0, fractional = 0, idle = 0, mark_term_cpu = 0, pause = 0;
  int64_t gomaxprocs = 1;
  double gc_cpu_fraction = 0;  // cumulative since the program started, as gctrace prints it
  // All GC CPU of the cycle, as Go's gcMarkTermination adds it to work.totaltime.
  int64_t GcCpu() const { return sweep_term_cpu + assist + dedicated + fractional + idle + mark_term_cpu; }
};

// What the charts take from decisions.jsonl (time in s, bytes in MiB).
struct DecisionSeries {
  Points heap_live;                   // in.heap_live of every record
  Points goal, trigger;               // out.next_gc of set_trigger and start_cycle; out.gc_trigger of set_trigger
  std::vector<double> trigger_ratio;  // in.triggerRatio of each start_cycle
  std::vector<double> actual_growth, goal_growth;  // each end_cycle: heap_live/heap_marked - 1, GOGC/100
  double last_t = 0;
};

absl::StatusOr<std::vector<CycleRow>> ReadCycles(const std::string& path) {
  JsonLinesReader r;
  if (absl::Status st = r.Open(path); !st.ok()) return st;
  std::vector<CycleRow> out;
  Json j;
  for (;;) {
    auto more = r.Next(&j);
    if (!more.ok()) return more.status();
    if (!*more) break;
    FieldReader f(j);
    CycleRow c;
    c.gc = f.U("gc");
    c.t_sweep_term = f.I("t_sweep_term_ns");
    c.t_mark_term = f.I("t_mark_term_ns");
    c.t_end = f.I("t_end_ns");
    c.heap0 = f.U("heap0");
    c.heap1 = f.U("heap1");
    c.heap2 = f.U("heap2");
    c.heap_goal = f.U("heap_goal");
    c.sweep_term_cpu = f.I("sweep_term_cpu_ns");
    c.assist = f.I("assist_cpu_ns");
    c.dedicated = f.I("dedicated_cpu_ns");
    c.fractional = f.I("fractional_cpu_ns");
    c.idle = f.I("idle_cpu_ns");
    c.mark_term_cpu = f.I("mark_term_cpu_ns");
    c.pause = f.I("pause_ns");
    c.gomaxprocs = f.I("gomaxprocs");
    c.gc_cpu_fraction = f.F("gc_cpu_fraction");
    if (!f.status().ok()) return LineError(path, r.line(), f.status().message());
    if (c.gomaxprocs < 1) return LineError(path, r.line(), "field \"gomaxprocs\": must be at least 1");
    out.push_back(c);
  }
  return out;
}

absl::StatusOr<DecisionSeries> ReadDecisions(const std::string& path) {
  JsonLinesReader r;
  if (absl::Status st = r.Open(path); !st.ok()) return st;
  DecisionSeries d;
  Json j;
  for (;;) {
    auto more = r.Next(&j);
    if (!more.ok()) return more.status();
    if (!*more) break;
    FieldReader f(j);
    const std::string kind = f.S("kind");
    const double t = static_cast<double>(f.I("t")) / kNsPerS;
    const double live = static_cast<double>(f.U("in.heap_live"));
    if (kind == "set_trigger") {
      d.goal.emplace_back(t, static_cast<double>(f.U("out.next_gc")) / kMiB);
      d.trigger.emplace_back(t, static_cast<double>(f.U("out.gc_trigger")) / kMiB);
    } else if (kind == "start_cycle") {
      d.goal.emplace_back(t, static_cast<double>(f.U("out.next_gc")) / kMiB);
      d.trigger_ratio.push_back(f.F("in.triggerRatio"));
    } else if (kind == "end_cycle") {
      // gcControllerState.endCycle's actualGrowthRatio; in.heap_marked is the
      // previous cycle's.
      const double marked = static_cast<double>(f.U("in.heap_marked"));
      d.actual_growth.push_back(marked > 0 ? live / marked - 1 : 0);
      d.goal_growth.push_back(static_cast<double>(f.I("in.gcpercent")) / 100);
    } else if (kind != "revise" && f.status().ok()) {
      return LineError(path, r.line(), absl::StrCat("unknown kind \"", kind, "\""));
    }
    if (!f.status().ok()) return LineError(path, r.line(), f.status().message());
    d.heap_live.emplace_back(t, live / kMiB);
    d.last_t = std::max(d.last_t, t);
  }
  return d;
}

// The lowest and highest point of each of `buckets` equal x slices, in x order.
Points Thin(const Points& pts, size_t buckets) {
  if (pts.size() <= 2 * buckets) return pts;
  const double x0 = pts.front().first, x1 = pts.back().first;
  std::vector<size_t> lo(buckets, SIZE_MAX), hi(buckets, SIZE_MAX);
  for (size_t i = 0; i < pts.size(); i++) {
    const double f = x1 > x0 ? (pts[i].first - x0) / (x1 - x0) : 0;
    const size_t b = std::min(buckets - 1, static_cast<size_t>(f * static_cast<double>(buckets)));
    if (lo[b] == SIZE_MAX || pts[i].second < pts[lo[b]].second) lo[b] = i;
    if (hi[b] == SIZE_MAX || pts[i].second > pts[hi[b]].second) hi[b] = i;
  }
  Points out;
  for (size_t b = 0; b < buckets; b++) {
    if (lo[b] == SIZE_MAX) continue;
    const size_t first = std::min(lo[b], hi[b]), second = std::max(lo[b], hi[b]);
    out.push_back(pts[first]);
    if (second != first) out.push_back(pts[second]);
  }
  return out;
}

// A value of summary.json for the table: bytes also in MiB, ns also in s,
// fractions also in percent.
std::string SummaryValue(const std::string& key, const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) {
    const std::string n = v.dump();
    const double x = v.get<double>();
    if (key.ends_with("_ns")) return absl::StrFormat("%s (%.3f s)", n, x / kNsPerS);
    if (key.find("heap") != std::string::npos || key.find("bytes") != std::string::npos) {
      return absl::StrCat(n, " (", MiB(x), " MiB)");
    }
    return n;
  }
  if (v.is_number()) {
    const double x = v.get<double>();
    if (key.find("fraction") != std::string::npos) return absl::StrFormat("%.6g (%s)", x, Pct(x));
    return absl::StrFormat("%.6g", x);
  }
  return v.dump();
}

// The real runs over the run's heap chart (at each real cycle's start
// time, as gctrace prints it: its heap at mark termination and its goal),
// then per cycle against the run's, and the measures compared.
struct RealOverlay {
  std::vector<RealLog> logs;
  std::vector<RunTotals> totals;
};

void AddRealToHeapChart(const RealOverlay& real, Chart* c) {
  for (size_t k = 0; k < real.logs.size(); k++) {
    const char* color = kPalette[5 + k % 3];
    ChartSeries mt = Series(absl::StrCat("real run ", k + 1, ": heap at mark termination"), color);
    ChartSeries goal = Series(absl::StrCat("real run ", k + 1, ": goal"), color);
    mt.line = false;
    mt.markers = true;
    goal.step = goal.dashed = true;
    for (size_t i = 0; i < real.logs[k].cycles.size(); i++) {
      const RealCycle& r = real.logs[k].cycles[i];
      const CycleHeap& h = real.totals[k].cycles[i];
      mt.points.emplace_back(r.t_s, static_cast<double>(h.heap_mt) / kMiB);
      mt.tips.push_back(absl::StrFormat("real run %d, gc %d: heap at mark termination %s MiB", k + 1, r.n,
                                        MiB(static_cast<uint64_t>(h.heap_mt))));
      goal.points.emplace_back(r.t_s, static_cast<double>(h.goal) / kMiB);
    }
    c->series.push_back(std::move(mt));
    c->series.push_back(std::move(goal));
  }
}

absl::StatusOr<std::string> RealSection(const std::string& run_dir, const RealOverlay& real) {
  absl::StatusOr<RunTotals> sim = ReadSimulatedRun(run_dir);
  if (!sim.ok()) return sim.status();
  Chart c;
  c.title = "Heap at mark termination and goal per cycle, against the real runs";
  c.x_label = "GC cycle";
  c.y_label = "heap (MiB)";
  auto per_cycle = [](const RunTotals& t, const std::string& name, const char* color, bool goal) {
    ChartSeries s = Series(name, color);
    s.markers = !goal;
    s.dashed = goal;
    for (size_t i = 0; i < t.cycles.size(); i++) {
      const int64_t v = goal ? t.cycles[i].goal : t.cycles[i].heap_mt;
      if (v >= 0) s.points.emplace_back(static_cast<double>(i + 1), static_cast<double>(v) / kMiB);
    }
    return s;
  };
  c.series.push_back(per_cycle(*sim, "simulated: heap at mark termination", kPalette[0], false));
  c.series.push_back(per_cycle(*sim, "simulated: goal", kPalette[1], true));
  for (size_t k = 0; k < real.totals.size(); k++) {
    const char* color = kPalette[5 + k % 3];
    c.series.push_back(
        per_cycle(real.totals[k], absl::StrCat("real run ", k + 1, ": heap at mark termination"), color, false));
    c.series.push_back(per_cycle(real.totals[k], absl::StrCat("real run ", k + 1, ": goal"), color, true));
  }
  std::vector<std::vector<std::string>> rows;
  for (Measure m : kMeasures) {
    const MeasureComparison x = Compare(*sim, real.totals, m);
    rows.push_back({MeasureName(m), absl::StrFormat("%.2f", x.simulated), absl::StrFormat("%.2f", x.real_min),
                    absl::StrFormat("%.2f", x.real_max), absl::StrFormat("%+.1f%%", x.error_pct),
                    x.inside ? "yes" : "no"});
  }
  std::string logs;
  for (size_t k = 0; k < real.logs.size(); k++) absl::StrAppend(&logs, k ? ", " : "", k + 1, " ", real.logs[k].path);
  return absl::StrCat(
      "<h2>Against real runs</h2>\n", SvgChart(c),
      Note(absl::StrCat("Real runs: ", logs,
                        ". Heap at mark termination and goal as gcpacertrace prints them (H_a, H_g; gctrace's "
                        "rounded MB for a forced cycle), the run's from its endCycle inputs.")),
      Table({"measure", "simulated", "real min", "real max", "vs real mean", "inside min-max +-2%"}, rows));
}

}  // namespace

absl::StatusOr<std::string> RunReportHtml(const std::string& run_dir, const std::vector<std::string>& real_logs) {
  RealOverlay real;
  for (const std::string& path : real_logs) {
    absl::StatusOr<RealLog> log = ReadGcTrace(path);
    if (!log.ok()) return log.status();
    real.totals.push_back(FromRealLog(*log));
    real.logs.push_back(*std::move(log));
  }
  const fs::path dir(run_dir);
  auto summary = ReadJsonFile((dir / "summary.json").string());
  if (!summary.ok()) return summary.status();
  if (!summary->is_object()) return absl::InvalidArgumentError(absl::StrCat(run_dir, "/summary.json: not an object"));
  auto cycles = ReadCycles((dir / "cycles.jsonl").string());
  if (!cycles.ok()) return cycles.status();
  auto dec = ReadDecisions((dir / "decisions.jsonl").string());
  if (!dec.ok()) return dec.status();
  FieldReader sf(*summary);
  const std::string scenario = sf.S("scenario");
  const double end_t = std::max(dec->last_t, static_cast<double>(sf.I("virtual_ns")) / kNsPerS);
  if (!sf.status().ok())
    return absl::InvalidArgumentError(absl::StrCat(run_dir, "/summary.json: ", sf.status().message()));
  const std::vector<CycleRow>& cs = *cycles;

  std::string body = absl::StrCat("<h1>gogcsim run: ", HtmlEscape(scenario), "</h1>\n");
  absl::StrAppend(
      &body, Note(absl::StrFormat("%d GC cycles in %.3f s of virtual time. Hover over a line or a point for its name "
                                  "or value.",
                                  cs.size(), end_t)));

  // Heap over time.
  {
    Chart c;
    c.title = "Heap over virtual time";
    c.x_label = "virtual time (s)";
    c.y_label = "heap (MiB)";
    c.bands_name = "GC cycle";
    for (const CycleRow& r : cs) {
      c.bands.emplace_back(static_cast<double>(r.t_sweep_term) / kNsPerS, static_cast<double>(r.t_end) / kNsPerS);
    }
    ChartSeries live = Series("heap_live", kPalette[0], Thin(dec->heap_live, kMaxHeapPoints / 2));
    ChartSeries goal = Series("heap goal (next_gc)", kPalette[1], dec->goal);
    goal.step = true;
    ChartSeries trig = Series("GC trigger (gc_trigger)", kPalette[3], dec->trigger);
    trig.step = true;
    trig.dashed = true;
    // The goal and trigger hold until the end of the run.
    if (!goal.points.empty()) goal.points.emplace_back(end_t, goal.points.back().second);
    if (!trig.points.empty()) trig.points.emplace_back(end_t, trig.points.back().second);
    ChartSeries start = Series("at cycle start (heap0)", kPalette[2]);
    ChartSeries marked = Series("marked (heap2)", kPalette[4]);
    for (ChartSeries* s : {&start, &marked}) s->line = false, s->markers = true;
    for (const CycleRow& r : cs) {
      start.points.emplace_back(static_cast<double>(r.t_sweep_term) / kNsPerS, static_cast<double>(r.heap0) / kMiB);
      start.tips.push_back(absl::StrFormat("gc %d: heap0 %s MiB, goal %s MiB", r.gc, MiB(r.heap0), MiB(r.heap_goal)));
      marked.points.emplace_back(static_cast<double>(r.t_end) / kNsPerS, static_cast<double>(r.heap2) / kMiB);
      marked.tips.push_back(absl::StrFormat("gc %d: marked %s MiB", r.gc, MiB(r.heap2)));
    }
    c.series = {live, goal, trig, start, marked};
    AddRealToHeapChart(real, &c);
    absl::StrAppend(&body, "<h2>Heap</h2>\n", SvgChart(c),
                    Note("heap_live from every pacer decision (decisions.jsonl); the goal from set_trigger and "
                         "start_cycle (which raises it to heap_live + 1 MiB when needed); the trigger from "
                         "set_trigger. Shaded: from sweep termination to the end of mark termination."));
  }
  // Pacing per cycle.
  {
    Chart c;
    c.title = "Trigger ratio and heap growth per cycle";
    c.x_label = "GC cycle";
    c.y_label = "ratio";
    ChartSeries trig = Series("trigger ratio (startCycle)", kPalette[0]);
    ChartSeries actual = Series("actual growth (heap_live / heap_marked - 1 at endCycle)", kPalette[1]);
    ChartSeries goal = Series("goal growth (GOGC/100)", kPalette[7]);
    goal.dashed = true;
    for (size_t i = 0; i < dec->trigger_ratio.size(); i++) {
      trig.points.emplace_back(static_cast<double>(i + 1), dec->trigger_ratio[i]);
      trig.tips.push_back(absl::StrFormat("gc %d: trigger ratio %.4f", i + 1, dec->trigger_ratio[i]));
    }
    for (size_t i = 0; i < dec->actual_growth.size(); i++) {
      actual.points.emplace_back(static_cast<double>(i + 1), dec->actual_growth[i]);
      actual.tips.push_back(absl::StrFormat("gc %d: heap grew %.4f", i + 1, dec->actual_growth[i]));
      goal.points.emplace_back(static_cast<double>(i + 1), dec->goal_growth[i]);
    }
    trig.markers = actual.markers = true;
    c.series = {trig, actual, goal};
    absl::StrAppend(&body, "<h2>Pacing</h2>\n", SvgChart(c),
                    Note("endCycle moves the next trigger ratio by triggerGain times its error, so the growth at "
                         "mark termination approaches the goal."));
  }
  // GC CPU.
  std::vector<double> cycle_share(cs.size());
  {
    Chart assist;
    assist.title = "Assist share of GC CPU per cycle";
    assist.x_label = "GC cycle";
    assist.y_label = "% of the cycle's GC CPU";
    assist.y_max = 100;
    ChartSeries a = Series("mutator assists", kPalette[1]);
    ChartSeries w = Series("background workers (dedicated + fractional)", kPalette[0]);
    ChartSeries idle = Series("idle workers", kPalette[2]);
    Chart share;
    share.title = "GC CPU share";
    share.x_label = "GC cycle";
    share.y_label = "% of all Ps' time";
    ChartSeries per = Series("this cycle (GC CPU / (GOMAXPROCS x time since the previous cycle ended))", kPalette[0]);
    ChartSeries cum = Series("since the start (gctrace's P%)", kPalette[7]);
    cum.dashed = true;
    int64_t prev_end = 0;
    for (size_t i = 0; i < cs.size(); i++) {
      const CycleRow& r = cs[i];
      const double gx = static_cast<double>(r.gc);
      const double gc_cpu = static_cast<double>(r.GcCpu());
      auto pct = [&](int64_t part) { return gc_cpu > 0 ? 100 * static_cast<double>(part) / gc_cpu : 0; };
      a.points.emplace_back(gx, pct(r.assist));
      a.tips.push_back(absl::StrFormat("gc %d: assists %.1f%% of %.3f ms GC CPU", r.gc, pct(r.assist), gc_cpu / 1e6));
      w.points.emplace_back(gx, pct(r.dedicated + r.fractional));
      idle.points.emplace_back(gx, pct(r.idle));
      const double span = static_cast<double>(r.gomaxprocs) * static_cast<double>(r.t_end - prev_end);
      cycle_share[i] = span > 0 ? gc_cpu / span : 0;
      prev_end = r.t_end;
      per.points.emplace_back(gx, 100 * cycle_share[i]);
      per.tips.push_back(absl::StrFormat("gc %d: %s", r.gc, Pct(cycle_share[i])));
      cum.points.emplace_back(gx, 100 * r.gc_cpu_fraction);
    }
    a.markers = w.markers = per.markers = true;
    assist.series = {a, w, idle};
    share.series = {per, cum};
    absl::StrAppend(&body, "<h2>GC CPU</h2>\n", SvgChart(assist), SvgChart(share),
                    Note("GC CPU of a cycle: sweep termination + assists + dedicated, fractional and idle workers "
                         "+ mark termination (cycles.jsonl)."));
  }
  // Tables.
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, v] : summary->items()) rows.push_back({key, SummaryValue(key, v)});
  absl::StrAppend(&body, "<h2>Summary</h2>\n", Table({"summary.json", "value"}, rows));
  rows.clear();
  for (size_t i = 0; i < cs.size(); i++) {
    const CycleRow& r = cs[i];
    rows.push_back({
        absl::StrCat(r.gc),
        absl::StrFormat("%.4f", static_cast<double>(r.t_sweep_term) / kNsPerS),
        absl::StrCat(MiB(r.heap0), " / ", MiB(r.heap1), " / ", MiB(r.heap2)),
        MiB(r.heap_goal),
        i < dec->trigger_ratio.size() ? absl::StrFormat("%.4f", dec->trigger_ratio[i]) : "",
        absl::StrFormat("%.3f", static_cast<double>(r.GcCpu()) / 1e6),
        r.GcCpu() > 0 ? Pct(static_cast<double>(r.assist) / static_cast<double>(r.GcCpu())) : "",
        Pct(cycle_share[i]),
        absl::StrFormat("%.3f", static_cast<double>(r.pause) / 1e6),
    });
  }
  if (!real.logs.empty()) {
    absl::StatusOr<std::string> section = RealSection(run_dir, real);
    if (!section.ok()) return section.status();
    body += *section;
  }
  absl::StrAppend(&body, "<h2>Cycles</h2>\n",
                  Table({"gc", "start (s)", "heap start / mark term. / marked (MiB)", "goal (MiB)", "trigger ratio",
                         "GC CPU (ms)", "assist share", "GC CPU share", "pause (ms)"},
                        rows));
  return Page(absl::StrCat("gogcsim run: ", scenario), body);
}

namespace {

// ---- Sweep report ----

// Means over the seeds of one (GOMAXPROCS, GOGC) point.
struct SweepPoint {
  int n = 0;
  double cycles = 0, peak_heap_live = 0, peak_heap_inuse = 0, gc_cpu_fraction = 0, assist_fraction = 0;
  int64_t pause_max_ns = 0;  // the largest over the seeds
};

std::string JoinGogc(const std::set<int64_t>& v) {
  return absl::StrJoin(v, ", ",
                       [](std::string* out, int64_t g) { absl::StrAppend(out, g < 0 ? "off" : absl::StrCat(g)); });
}

}  // namespace

absl::StatusOr<std::string> SweepReportHtml(const std::string& sweep_dir) {
  absl::StatusOr<SweepTable> table = ReadSweep(sweep_dir);
  if (!table.ok()) return table.status();
  const std::string& scenario = table->scenario;
  const std::vector<SweepRow>& runs = table->runs;
  // (GOMAXPROCS, GOGC) -> means over seeds; ordered maps keep the output order fixed.
  std::map<int64_t, std::map<int64_t, SweepPoint>> points;
  std::set<int64_t> gogcs, procs, plotted_gogcs;
  std::set<uint64_t> seeds;
  for (const SweepRow& r : runs) {
    SweepPoint& p = points[r.gomaxprocs][r.gogc];
    p.n++;
    p.cycles += static_cast<double>(r.cycles);
    p.peak_heap_live += static_cast<double>(r.peak_heap_live);
    p.peak_heap_inuse += static_cast<double>(r.peak_heap_inuse);
    p.gc_cpu_fraction += r.gc_cpu_fraction;
    p.assist_fraction += r.assist_fraction;
    p.pause_max_ns = std::max(p.pause_max_ns, r.pause_max_ns);
    gogcs.insert(r.gogc);
    procs.insert(r.gomaxprocs);
    seeds.insert(r.seed);
    if (r.gogc >= 0) plotted_gogcs.insert(r.gogc);  // negative GOGC: GC off, no place on the axis
  }
  for (auto& [p, by_gogc] : points) {
    for (auto& [g, pt] : by_gogc) {
      for (double* v :
           {&pt.cycles, &pt.peak_heap_live, &pt.peak_heap_inuse, &pt.gc_cpu_fraction, &pt.assist_fraction}) {
        *v /= pt.n;
      }
    }
  }

  std::string body = absl::StrCat("<h1>gogcsim sweep: ", HtmlEscape(scenario), "</h1>\n");
  absl::StrAppend(&body, Note(absl::StrFormat("%d runs: GOGC %s; GOMAXPROCS %s; %d seeds. Each point is the mean "
                                              "over the seeds; hover over it for its value.",
                                              runs.size(), JoinGogc(gogcs), absl::StrJoin(procs, ", "), seeds.size())));
  const std::vector<double> ticks(plotted_gogcs.begin(), plotted_gogcs.end());
  const bool log_x = !ticks.empty() && ticks.front() > 0 && ticks.back() / ticks.front() >= 8;
  struct Metric {
    const char* title;
    const char* y_label;
    double scale;  // the mean times this is plotted
    const char* unit;
    double SweepPoint::*field;
  };
  const Metric metrics[] = {
      {"Peak heap_live against GOGC", "peak heap_live (MiB)", 1 / kMiB, " MiB", &SweepPoint::peak_heap_live},
      {"GC CPU fraction against GOGC", "GC CPU (%)", 100, "%", &SweepPoint::gc_cpu_fraction},
      {"Assist fraction against GOGC", "assist_fraction (%)", 100, "%", &SweepPoint::assist_fraction},
  };
  absl::StrAppend(&body, "<h2>GOGC</h2>\n");
  for (const Metric& m : metrics) {
    Chart c;
    c.title = m.title;
    c.x_label = log_x ? "GOGC (log scale)" : "GOGC";
    c.y_label = m.y_label;
    c.x_ticks = ticks;
    c.x_log = log_x;
    size_t color = 0;
    for (const auto& [p, by_gogc] : points) {
      ChartSeries s = Series(absl::StrCat("GOMAXPROCS ", p), kPalette[color++ % std::size(kPalette)]);
      s.markers = true;
      for (const auto& [g, pt] : by_gogc) {
        if (g < 0) continue;
        const double v = pt.*m.field * m.scale;
        s.points.emplace_back(static_cast<double>(g), v);
        s.tips.push_back(absl::StrFormat("GOGC %d, GOMAXPROCS %d: %.2f%s (mean of %d)", g, p, v, m.unit, pt.n));
      }
      c.series.push_back(std::move(s));
    }
    absl::StrAppend(&body, SvgChart(c));
  }
  if (plotted_gogcs.size() != gogcs.size()) {
    absl::StrAppend(&body, Note("Runs with GOGC off (negative) are in the tables, not in the charts."));
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [p, by_gogc] : points) {
    for (const auto& [g, pt] : by_gogc) {
      rows.push_back({absl::StrCat(p), g < 0 ? "off" : absl::StrCat(g), absl::StrCat(pt.n),
                      absl::StrFormat("%.1f", pt.cycles), MiB(pt.peak_heap_live), MiB(pt.peak_heap_inuse),
                      Pct(pt.gc_cpu_fraction), Pct(pt.assist_fraction),
                      absl::StrFormat("%.3f", static_cast<double>(pt.pause_max_ns) / 1e6)});
    }
  }
  absl::StrAppend(&body, "<h2>Means over seeds</h2>\n",
                  Table({"GOMAXPROCS", "GOGC", "seeds", "cycles", "peak heap_live (MiB)", "peak heap_inuse (MiB)",
                         "GC CPU", "assist fraction", "max pause (ms)"},
                        rows));
  // Every run, columns as sweep.csv has them; fractions to 6 digits.
  std::vector<std::string> head;
  for (const auto& [name, value] : SweepFields(SweepRow{})) head.push_back(name);
  rows.clear();
  for (const SweepRow& r : runs) {
    std::vector<std::string> cells;
    for (auto& [name, value] : SweepFields(r)) {
      double d;
      const bool real = value.find_first_of(".e") != std::string::npos && absl::SimpleAtod(value, &d);
      cells.push_back(real ? absl::StrFormat("%.6g", d) : std::move(value));
    }
    rows.push_back(std::move(cells));
  }
  absl::StrAppend(&body, "<h2>Runs</h2>\n<details>\n<summary>all ", runs.size(), " runs (sweep.json)</summary>\n",
                  Table(head, rows), "</details>\n");
  return Page(absl::StrCat("gogcsim sweep: ", scenario), body);
}

absl::StatusOr<std::string> ReportHtml(const std::string& dir, const std::vector<std::string>& real_logs) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return absl::NotFoundError(absl::StrCat(dir, ": not a directory"));
  if (fs::exists(fs::path(dir) / "sweep.json", ec)) {
    if (!real_logs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(dir, ": a sweep; real runs overlay a run directory's report"));
    }
    return SweepReportHtml(dir);
  }
  return RunReportHtml(dir, real_logs);
}

absl::Status WriteReport(const std::string& dir, const std::string& out_path,
                         const std::vector<std::string>& real_logs) {
  auto html = ReportHtml(dir, real_logs);
  if (!html.ok()) return html.status();
  return WriteFileAtomically(out_path, *html);
}

}  // namespace gogcsim::traces
