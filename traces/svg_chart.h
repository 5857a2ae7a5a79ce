// Line charts as inline SVG text, for the self-contained HTML report: no
// scripts, no external resources, nothing but SVG elements and attributes,
// and the same text for the same data (coordinates printed with one
// decimal, ticks chosen without libm).
#ifndef GOGCSIM_TRACES_SVG_CHART_H_
#define GOGCSIM_TRACES_SVG_CHART_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gogcsim::traces {

struct ChartSeries {
  std::string name;   // legend text
  std::string color;  // CSS colour
  std::vector<std::pair<double, double>> points;  // (x, y) in data units, drawn in this order
  // Each y holds from its x until the next point's x (a value in effect
  // from a moment on, such as the heap goal).
  bool step = false;
  bool dashed = false;
  bool line = true;               // false: markers only
  bool markers = false;           // a dot on every point
  std::vector<std::string> tips;  // with markers: hover text per point (empty: none)
};

struct Chart {
  std::string title, x_label, y_label;
  std::vector<ChartSeries> series;
  // Shaded x ranges behind the lines (e.g. GC cycles), with a legend entry.
  std::vector<std::pair<double, double>> bands;
  std::string bands_name;
  // Explicit x ticks (e.g. the GOGC values of a sweep); empty: chosen.
  std::vector<double> x_ticks;
  bool x_log = false;                // log scale on x (all x > 0)
  std::optional<double> y_max;       // fixed top of the y axis (e.g. 100 for percentages)
};

// An axis range with "nice" ticks: steps of 1, 2 or 5 times a power of ten,
// about `target` of them, the range widened to whole steps.
struct Axis {
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  int decimals = 0;  // for the tick labels
};
Axis NiceAxis(double lo, double hi, int target);

// The <svg> element (960 x 360 px user units, scales to the page width).
std::string SvgChart(const Chart& c);

// Escapes &, <, >, " for HTML text and attribute values.
std::string HtmlEscape(const std::string& s);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_SVG_CHART_H_
