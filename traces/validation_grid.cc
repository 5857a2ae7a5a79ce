#include "traces/validation_grid.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "traces/gctrace.h"
#include "traces/jsonl.h"
#include "traces/svg_chart.h"

namespace gogcsim::traces {
namespace {

namespace fs = std::filesystem;

// "churn-p4-g200" -> churn, 4, 200; false if the name is not of that form.
bool ParseCellName(const std::string& name, GridCell* c) {
  std::vector<std::string> parts = absl::StrSplit(name, '-');
  if (parts.size() < 3) return false;
  const std::string& p = parts[parts.size() - 2];
  const std::string& g = parts[parts.size() - 1];
  if (p.size() < 2 || p[0] != 'p' || g.size() < 2 || g[0] != 'g') return false;
  if (!absl::SimpleAtoi(p.substr(1), &c->gomaxprocs) || c->gomaxprocs < 1) return false;
  if (!absl::SimpleAtoi(g.substr(1), &c->gogc)) return false;
  c->name = name;
  c->program = name.substr(0, name.size() - p.size() - g.size() - 2);
  return !c->program.empty();
}

absl::StatusOr<GridCell> ReadCell(const fs::path& dir) {
  GridCell c;
  if (!ParseCellName(dir.filename().string(), &c)) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir.string(), ": a cell's name must be PROGRAM-pGOMAXPROCS-gGOGC, as churn-p4-g200"));
  }
  absl::StatusOr<RunTotals> sim = ReadSimulatedRun((dir / "run").string());
  if (!sim.ok()) return sim.status();
  std::vector<std::string> logs;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string f = e.path().filename().string();
    if (f.rfind("real-", 0) == 0 && f.size() > 12 && f.substr(f.size() - 7) == ".stderr") logs.push_back(e.path());
  }
  if (ec) return absl::InvalidArgumentError(absl::StrCat(dir.string(), ": ", ec.message()));
  if (logs.empty()) return absl::InvalidArgumentError(absl::StrCat(dir.string(), ": no real-*.stderr logs"));
  std::sort(logs.begin(), logs.end());
  std::vector<RunTotals> real;
  for (const std::string& path : logs) {
    absl::StatusOr<RealLog> log = ReadGcTrace(path, /*allow_no_cycles=*/true);
    if (!log.ok()) return log.status();
    real.push_back(FromRealLog(*log));
  }
  c.real_runs = static_cast<int>(real.size());
  c.all_inside = true;
  for (Measure m : kMeasures) c.measures.push_back(Compare(*sim, real, m));
  for (Measure m : kJudged) c.all_inside = c.all_inside && c.measures[static_cast<size_t>(m)].inside;
  return c;
}

const MeasureComparison& Of(const GridCell& c, Measure m) { return c.measures[static_cast<size_t>(m)]; }

// One measure over the cells: each cell's real min-max (widened by the
// slack) as a bar and the prediction as a dot, both in % of the real mean.
std::string MeasureChart(const Grid& g, Measure m) {
  constexpr double kLeft = 50, kStep = 12, kHeight = 200, kTop = 20;
  double scale = 10;  // % at the top and bottom edges
  for (const GridCell& c : g.cells) {
    const MeasureComparison& x = Of(c, m);
    if (x.real_mean == 0) continue;
    scale = std::max({scale, std::abs(x.error_pct), (x.real_max * (1 + kInsideSlack) / x.real_mean - 1) * 100,
                      (1 - x.real_min * (1 - kInsideSlack) / x.real_mean) * 100});
  }
  scale = std::min(std::ceil(scale / 10) * 10, 200.0);
  auto y = [&](double pct) { return kTop + kHeight / 2 - std::clamp(pct, -scale, scale) / scale * kHeight / 2; };
  const double width = kLeft + kStep * static_cast<double>(g.cells.size()) + 20;
  std::string s = absl::StrFormat(
      "<h2>%s</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"sans-serif\" font-size=\"10\">\n",
      HtmlEscape(MeasureName(m)), width, kHeight + kTop * 2);
  for (double t : {-scale, -scale / 2, 0.0, scale / 2, scale}) {
    absl::StrAppendFormat(&s,
                          "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                          "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%+.0f%%</text>\n",
                          kLeft, width - 10, y(t), y(t), t == 0 ? "#888" : "#eee", kLeft - 4, y(t) + 3, t);
  }
  for (size_t i = 0; i < g.cells.size(); i++) {
    const GridCell& c = g.cells[i];
    const MeasureComparison& x = Of(c, m);
    if (x.real_mean == 0) continue;
    const double cx = kLeft + kStep * static_cast<double>(i) + kStep / 2;
    const double lo = (x.real_min * (1 - kInsideSlack) / x.real_mean - 1) * 100;
    const double hi = (x.real_max * (1 + kInsideSlack) / x.real_mean - 1) * 100;
    absl::StrAppendFormat(&s,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"#cde\"/>"
                          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: predicted %.2f, "
                          "real %.2f-%.2f (%+.1f%%)</title></circle>\n",
                          cx - 4, y(hi), 8.0, std::max(1.0, y(lo) - y(hi)), cx, y(x.error_pct),
                          x.inside ? "#282" : "#c22", HtmlEscape(c.name), x.simulated, x.real_min, x.real_max,
                          x.error_pct);
  }
  return s + "</svg>\n";
}

}  // namespace

absl::StatusOr<Grid> ReadGrid(const std::string& dir) {
  Grid g;
  g.dir = dir;
  const fs::path cells = fs::path(dir) / "cells";
  std::error_code ec;
  if (!fs::is_directory(cells, ec)) return absl::NotFoundError(absl::StrCat(cells.string(), ": no such directory"));
  for (const fs::directory_entry& e : fs::directory_iterator(cells, ec)) {
    if (!e.is_directory()) continue;
    absl::StatusOr<GridCell> c = ReadCell(e.path());
    if (!c.ok()) return c.status();
    g.cells.push_back(*std::move(c));
  }
  if (ec) return absl::InvalidArgumentError(absl::StrCat(cells.string(), ": ", ec.message()));
  if (g.cells.empty()) return absl::InvalidArgumentError(absl::StrCat(cells.string(), ": no cells"));
  std::sort(g.cells.begin(), g.cells.end(), [](const GridCell& a, const GridCell& b) {
    return std::tie(a.program, a.gomaxprocs, a.gogc) < std::tie(b.program, b.gomaxprocs, b.gogc);
  });
  return g;
}

double MeanAbsError(const Grid& g, Measure m) {
  double sum = 0;
  for (const GridCell& c : g.cells) sum += std::abs(Of(c, m).error_pct);
  return g.cells.empty() ? 0 : sum / static_cast<double>(g.cells.size());
}

int CellsInside(const Grid& g, Measure m) {
  return static_cast<int>(
      std::count_if(g.cells.begin(), g.cells.end(), [&](const GridCell& c) { return Of(c, m).inside; }));
}

int CellsAllInside(const Grid& g) {
  return static_cast<int>(
      std::count_if(g.cells.begin(), g.cells.end(), [](const GridCell& c) { return c.all_inside; }));
}

std::string GridCsv(const Grid& g) {
  std::string s = "cell,program,gomaxprocs,gogc,real_runs";
  for (Measure m : kMeasures) {
    const std::string k = MeasureKey(m);
    absl::StrAppend(&s, ",", k, "_sim,", k, "_real_min,", k, "_real_max,", k, "_real_mean,", k, "_error_pct,", k,
                    "_inside");
  }
  s += ",all_inside\n";
  for (const GridCell& c : g.cells) {
    absl::StrAppend(&s, c.name, ",", c.program, ",", c.gomaxprocs, ",", c.gogc, ",", c.real_runs);
    for (Measure m : kMeasures) {
      const MeasureComparison& x = Of(c, m);
      absl::StrAppendFormat(&s, ",%.4f,%.4f,%.4f,%.4f,%.2f,%d", x.simulated, x.real_min, x.real_max, x.real_mean,
                            x.error_pct, x.inside ? 1 : 0);
    }
    absl::StrAppend(&s, ",", c.all_inside ? 1 : 0, "\n");
  }
  return s;
}

std::string GridJson(const Grid& g) {
  Json out;
  out["grid"] = g.dir;
  out["cells"] = Json::array();
  for (const GridCell& c : g.cells) {
    Json cell = {{"cell", c.name}, {"program", c.program},     {"gomaxprocs", c.gomaxprocs},
                 {"gogc", c.gogc}, {"real_runs", c.real_runs}, {"all_inside", c.all_inside}};
    for (Measure m : kMeasures) {
      const MeasureComparison& x = Of(c, m);
      cell[MeasureKey(m)] = {{"simulated", x.simulated}, {"real_min", x.real_min},   {"real_max", x.real_max},
                             {"real_mean", x.real_mean}, {"error_pct", x.error_pct}, {"inside", x.inside}};
    }
    out["cells"].push_back(cell);
  }
  for (Measure m : kMeasures) {
    out["summary"][MeasureKey(m)] = {{"mean_abs_error_pct", MeanAbsError(g, m)}, {"cells_inside", CellsInside(g, m)}};
  }
  out["summary"]["cells"] = g.cells.size();
  out["summary"]["cells_all_inside"] = CellsAllInside(g);
  return out.dump(2) + "\n";
}

std::string GridText(const Grid& g) {
  std::string s = absl::StrFormat("validate %s: %d cells\n  %-22s", g.dir, g.cells.size(), "cell");
  for (Measure m : kJudged) absl::StrAppendFormat(&s, " %28s", MeasureKey(m));
  s += "\n";
  for (const GridCell& c : g.cells) {
    absl::StrAppendFormat(&s, "  %-22s", c.name);
    for (Measure m : kJudged) {
      const MeasureComparison& x = Of(c, m);
      absl::StrAppendFormat(&s, " %8.2f [%7.2f,%7.2f] %3s", x.simulated, x.real_min, x.real_max,
                            x.inside ? "in" : "out");
    }
    s += "\n";
  }
  s += "mean |error| against the real runs' mean; cells inside their min-max +-2%:\n";
  for (Measure m : kMeasures) {
    absl::StrAppendFormat(&s, "  %-36s %6.1f%%  %d/%d\n", MeasureName(m), MeanAbsError(g, m), CellsInside(g, m),
                          g.cells.size());
  }
  absl::StrAppendFormat(&s, "  %-36s %7s  %d/%d\n", "all three (cycles, peak, marked)", "", CellsAllInside(g),
                        g.cells.size());
  return s;
}

std::string GridHtml(const Grid& g) {
  std::string s = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>gogcsim validation grid</title>\n"
      "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td.out{background:#fdd}</style>\n"
      "</head><body>\n<h1>What-if predictions against real go1.10.2 runs</h1>\n<p>",
      HtmlEscape(g.dir),
      ": each cell's prediction against its real runs, in % of their mean. Bars: the real runs' min-max "
      "widened by 2%; dots: the prediction (green inside, red outside).</p>\n<table><tr><th>measure</th>"
      "<th>mean |error|</th><th>cells inside</th></tr>\n");
  for (Measure m : kMeasures) {
    absl::StrAppendFormat(&s, "<tr><td>%s</td><td>%.1f%%</td><td>%d/%d</td></tr>\n", HtmlEscape(MeasureName(m)),
                          MeanAbsError(g, m), CellsInside(g, m), g.cells.size());
  }
  absl::StrAppendFormat(&s, "<tr><td>all three</td><td></td><td>%d/%d</td></tr></table>\n", CellsAllInside(g),
                        g.cells.size());
  for (Measure m : kJudged) s += MeasureChart(g, m);
  s += "<h2>Cells</h2>\n<table><tr><th>cell</th><th>real runs</th>";
  for (Measure m : kMeasures)
    absl::StrAppend(&s, "<th>", HtmlEscape(MeasureName(m)), "<br>predicted [real min, max]</th>");
  s += "</tr>\n";
  for (const GridCell& c : g.cells) {
    absl::StrAppendFormat(&s, "<tr><td>%s</td><td>%d</td>", HtmlEscape(c.name), c.real_runs);
    for (Measure m : kMeasures) {
      const MeasureComparison& x = Of(c, m);
      absl::StrAppendFormat(&s, "<td%s>%.2f [%.2f, %.2f] %+.1f%%</td>", x.inside ? "" : " class=\"out\"", x.simulated,
                            x.real_min, x.real_max, x.error_pct);
    }
    s += "</tr>\n";
  }
  return s + "</table>\n</body></html>\n";
}

}  // namespace gogcsim::traces
