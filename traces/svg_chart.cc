#include "traces/svg_chart.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gogcsim::traces {
namespace {

// Layout, SVG user units (px at 100% zoom). The plot area's top depends on
// how many legend rows there are.
constexpr double kWidth = 960, kHeight = 360;
constexpr double kLeft = 84, kRight = 24, kBottom = 56;
constexpr double kPlotW = kWidth - kLeft - kRight;
constexpr double kCharWidth = 7.4;  // width of a 12 px sans-serif character, a little generous
constexpr double kLegendRow = 16;

std::string Num(double v) { return absl::StrFormat("%.1f", v); }

std::string TickLabel(double v, int decimals) {
  if (v == 0) return "0";  // never "-0"
  return absl::StrFormat("%.*f", decimals, v);
}

}  // namespace

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

Axis NiceAxis(double lo, double hi, int target) {
  Axis a;
  if (!(hi > lo)) {  // one value (or none): a unit range around it
    lo = lo == 0 ? 0 : lo - std::fabs(lo) / 2;
    hi = hi == 0 ? 1 : hi + std::fabs(hi) / 2;
    if (!(hi > lo)) hi = lo + 1;
  }
  // The power of ten p at or below the raw step, by multiplication only so
  // the ticks are the same whatever the libm.
  const double raw = (hi - lo) / std::max(target, 1);
  double p = 1;
  int exp10 = 0;
  while (p * 10 <= raw) p *= 10, exp10++;
  while (p > raw) p /= 10, exp10--;
  const double f = raw / p;
  const int mult = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  if (mult == 10) exp10++;
  const double step = mult * p;
  a.decimals = std::max(0, -exp10);
  const double first = std::floor(lo / step), last = std::ceil(hi / step);
  a.lo = first * step;
  a.hi = last * step;
  for (double i = first; i <= last; i++) a.ticks.push_back(i * step);
  return a;
}

std::string SvgChart(const Chart& c) {
  // Data ranges.
  double xmin = INFINITY, xmax = -INFINITY, ymin = 0, ymax = -INFINITY;
  for (const ChartSeries& s : c.series) {
    for (const auto& [x, y] : s.points) {
      xmin = std::min(xmin, x), xmax = std::max(xmax, x);
      ymin = std::min(ymin, y), ymax = std::max(ymax, y);
    }
  }
  for (const auto& [x0, x1] : c.bands) xmin = std::min(xmin, x0), xmax = std::max(xmax, x1);
  for (double x : c.x_ticks) xmin = std::min(xmin, x), xmax = std::max(xmax, x);
  if (!(xmax >= xmin)) xmin = 0, xmax = 1;  // no data
  if (!(ymax >= ymin)) ymax = 1;
  // A fixed top (100 for percentages) is a multiple of its ticks' step.
  const Axis y = c.y_max ? NiceAxis(ymin, std::max(ymax, *c.y_max), 5) : NiceAxis(ymin, ymax, 6);
  Axis x;
  if (c.x_ticks.empty()) {
    x = NiceAxis(xmin, xmax, 8);
    x.lo = std::max(x.lo, xmin), x.hi = std::min(x.hi, xmax);  // the x axis spans the data
    if (!(x.hi > x.lo)) x = NiceAxis(xmin, xmax, 8);
    std::erase_if(x.ticks, [&](double t) { return t < x.lo || t > x.hi; });
  } else {
    x.ticks = c.x_ticks;
    x.lo = xmin, x.hi = xmax;
    if (!(x.hi > x.lo)) x.lo -= 1, x.hi += 1;
    // Enough decimals to print every tick exactly (GOGC values: none).
    for (double t : x.ticks) {
      double scaled = t;
      for (int d = 0; d < 6 && scaled != std::floor(scaled); d++) {
        scaled *= 10;
        x.decimals = std::max(x.decimals, d + 1);
      }
    }
  }
  const bool xlog = c.x_log && x.lo > 0;

  // Legend entries under the title, in rows; the plot starts below them.
  struct Entry {
    std::string swatch;  // SVG for the sample, drawn at (ex, ey)
    std::string name;
    double ex = 0, ey = 0;
  };
  std::vector<Entry> legend;
  if (!c.bands.empty()) legend.push_back({"band", c.bands_name});
  for (const ChartSeries& s : c.series) legend.push_back({s.line ? (s.dashed ? "dash" : "line") : "dot", s.name});
  double lx = kLeft, ly = 46;
  for (Entry& e : legend) {
    const double w = 24 + kCharWidth * static_cast<double>(e.name.size()) + 18;
    if (lx > kLeft && lx + w > kWidth - kRight) lx = kLeft, ly += kLegendRow;
    e.ex = lx, e.ey = ly;
    lx += w;
  }
  const double top = ly + 14;
  const double plot_h = kHeight - top - kBottom;

  // 2% of the width on both sides keeps end markers off the frame.
  constexpr double pad = 0.02;
  auto px = [&](double v) {
    const double f = xlog ? (std::log(v) - std::log(x.lo)) / (std::log(x.hi) - std::log(x.lo))
                          : (v - x.lo) / (x.hi - x.lo);
    return kLeft + kPlotW * (pad + (1 - 2 * pad) * f);
  };
  auto py = [&](double v) { return top + plot_h * (1 - (v - y.lo) / (y.hi - y.lo)); };

  std::string o;
  absl::StrAppend(&o, "<svg class=\"chart\" viewBox=\"0 0 ", Num(kWidth), " ", Num(kHeight), "\" role=\"img\">\n");
  absl::StrAppend(&o, "<title>", HtmlEscape(c.title), "</title>\n");
  absl::StrAppend(&o, "<text class=\"title\" x=\"", Num(kWidth / 2), "\" y=\"22\" text-anchor=\"middle\">",
                  HtmlEscape(c.title), "</text>\n");
  size_t si = c.bands.empty() ? 0 : 1;  // legend index of the first series
  for (size_t i = 0; i < legend.size(); i++) {
    const Entry& e = legend[i];
    const std::string color = i < si ? "" : c.series[i - si].color;
    if (e.swatch == "band") {
      absl::StrAppend(&o, "<rect class=\"band\" x=\"", Num(e.ex), "\" y=\"", Num(e.ey - 9),
                      "\" width=\"18\" height=\"12\"/>");
    } else if (e.swatch == "dot") {
      absl::StrAppend(&o, "<circle cx=\"", Num(e.ex + 9), "\" cy=\"", Num(e.ey - 4), "\" r=\"3\" fill=\"", color,
                      "\"/>");
    } else {
      absl::StrAppend(&o, "<line x1=\"", Num(e.ex), "\" y1=\"", Num(e.ey - 4), "\" x2=\"", Num(e.ex + 18),
                      "\" y2=\"", Num(e.ey - 4), "\" stroke=\"", color, "\" stroke-width=\"2\"",
                      e.swatch == "dash" ? " stroke-dasharray=\"6 3\"" : "", "/>");
    }
    absl::StrAppend(&o, "<text class=\"legend\" x=\"", Num(e.ex + 24), "\" y=\"", Num(e.ey), "\">",
                    HtmlEscape(e.name), "</text>\n");
  }
  // Bands, grid, axes.
  for (const auto& [x0, x1] : c.bands) {
    absl::StrAppend(&o, "<rect class=\"band\" x=\"", Num(px(x0)), "\" y=\"", Num(top), "\" width=\"",
                    Num(std::max(px(x1) - px(x0), 0.5)), "\" height=\"", Num(plot_h), "\"/>\n");
  }
  for (double t : y.ticks) {
    absl::StrAppend(&o, "<line class=\"grid\" x1=\"", Num(kLeft), "\" y1=\"", Num(py(t)), "\" x2=\"",
                    Num(kLeft + kPlotW), "\" y2=\"", Num(py(t)), "\"/><text class=\"tick\" x=\"", Num(kLeft - 6),
                    "\" y=\"", Num(py(t) + 4), "\" text-anchor=\"end\">", TickLabel(t, y.decimals), "</text>\n");
  }
  for (double t : x.ticks) {
    absl::StrAppend(&o, "<line class=\"axis\" x1=\"", Num(px(t)), "\" y1=\"", Num(top + plot_h), "\" x2=\"",
                    Num(px(t)), "\" y2=\"", Num(top + plot_h + 5), "\"/><text class=\"tick\" x=\"", Num(px(t)),
                    "\" y=\"", Num(top + plot_h + 19), "\" text-anchor=\"middle\">", TickLabel(t, x.decimals),
                    "</text>\n");
  }
  absl::StrAppend(&o, "<rect class=\"frame\" x=\"", Num(kLeft), "\" y=\"", Num(top), "\" width=\"", Num(kPlotW),
                  "\" height=\"", Num(plot_h), "\"/>\n");
  absl::StrAppend(&o, "<text class=\"label\" x=\"", Num(kLeft + kPlotW / 2), "\" y=\"", Num(kHeight - 12),
                  "\" text-anchor=\"middle\">", HtmlEscape(c.x_label), "</text>\n");
  absl::StrAppend(&o, "<text class=\"label\" x=\"18\" y=\"", Num(top + plot_h / 2),
                  "\" text-anchor=\"middle\" transform=\"rotate(-90 18 ", Num(top + plot_h / 2), ")\">",
                  HtmlEscape(c.y_label), "</text>\n");
  // Series: a path, then the markers with their hover text.
  for (const ChartSeries& s : c.series) {
    if (s.points.empty()) continue;
    if (s.line) {
      std::string d;
      for (size_t i = 0; i < s.points.size(); i++) {
        const auto& [xv, yv] = s.points[i];
        if (i == 0) {
          absl::StrAppend(&d, "M", Num(px(xv)), " ", Num(py(yv)));
        } else if (s.step) {
          absl::StrAppend(&d, "H", Num(px(xv)), "V", Num(py(yv)));
        } else {
          absl::StrAppend(&d, "L", Num(px(xv)), " ", Num(py(yv)));
        }
      }
      absl::StrAppend(&o, "<path class=\"series\" d=\"", d, "\" stroke=\"", s.color, "\"",
                      s.dashed ? " stroke-dasharray=\"6 3\"" : "", "><title>", HtmlEscape(s.name),
                      "</title></path>\n");
    }
    if (!s.markers) continue;
    for (size_t i = 0; i < s.points.size(); i++) {
      absl::StrAppend(&o, "<circle cx=\"", Num(px(s.points[i].first)), "\" cy=\"", Num(py(s.points[i].second)),
                      "\" r=\"3\" fill=\"", s.color, "\">");
      if (i < s.tips.size()) absl::StrAppend(&o, "<title>", HtmlEscape(s.tips[i]), "</title>");
      absl::StrAppend(&o, "</circle>\n");
    }
  }
  o += "</svg>\n";
  return o;
}

}  // namespace gogcsim::traces
