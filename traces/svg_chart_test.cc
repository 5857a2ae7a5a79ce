#include "traces/svg_chart.h"

#include <string>

#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

ChartSeries Series(const std::string& name, std::vector<std::pair<double, double>> points, bool step = false) {
  ChartSeries s;
  s.name = name;
  s.color = "#1f77b4";
  s.points = std::move(points);
  s.step = step;
  return s;
}

TEST(NiceAxisTest, StepsOfOneTwoOrFive) {
  // 0.469 s in about 8 steps: raw step 0.059, rounded up to 0.1.
  Axis a = NiceAxis(0, 0.469, 8);
  EXPECT_DOUBLE_EQ(a.lo, 0);
  EXPECT_DOUBLE_EQ(a.hi, 0.5);
  ASSERT_EQ(a.ticks.size(), 6u);
  EXPECT_NEAR(a.ticks[3], 0.3, 1e-12);
  EXPECT_EQ(a.decimals, 1);
  // 0..9 MiB in about 6 steps: raw 1.5, rounded up to 2, top widened to 10.
  a = NiceAxis(0, 9, 6);
  EXPECT_DOUBLE_EQ(a.hi, 10);
  EXPECT_EQ(a.ticks.size(), 6u);
  EXPECT_EQ(a.decimals, 0);
  // 0..100 % in 5 steps of 20.
  a = NiceAxis(0, 100, 5);
  EXPECT_DOUBLE_EQ(a.hi, 100);
  EXPECT_EQ(a.ticks.size(), 6u);
  // 0..3.2e6 in about 6 steps: raw 533333, rounded up to 1e6.
  a = NiceAxis(0, 3.2e6, 6);
  EXPECT_DOUBLE_EQ(a.hi, 4e6);
  // A single value gets a range around it.
  a = NiceAxis(5, 5, 6);
  EXPECT_LT(a.lo, 5);
  EXPECT_GT(a.hi, 5);
}

TEST(SvgChartTest, DrawsSeriesInThePlotArea) {
  Chart c;
  c.title = "Heap <live>";
  c.x_label = "time (s)";
  c.y_label = "MiB";
  c.series.push_back(Series("line", {{0, 0}, {10, 10}}));
  c.series.push_back(Series("steps", {{0, 0}, {5, 10}}, /*step=*/true));
  const std::string svg = SvgChart(c);
  EXPECT_EQ(svg.rfind("<svg class=\"chart\" viewBox=\"0 0 960.0 360.0\"", 0), 0u);
  EXPECT_NE(svg.find("<title>Heap &lt;live&gt;</title>"), std::string::npos);
  EXPECT_NE(svg.find(">time (s)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">MiB</text>"), std::string::npos);
  // Both axes span 0..10. The plot area is x 84..936 (852 wide) less a 2%
  // margin each side (17.04), so x 0 -> 101.04 and x 10 -> 918.96; y 0 is
  // the bottom (60 + 244 = 304) and y 10 the top (60).
  EXPECT_NE(svg.find("d=\"M101.0 304.0L919.0 60.0\""), std::string::npos) << svg;
  // The step series holds 0 until x 5 (84 + 17.04 + 0.5 * 817.92 = 510.0),
  // then rises to 10.
  EXPECT_NE(svg.find("d=\"M101.0 304.0H510.0V60.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find(">line</text>"), std::string::npos);  // legend
  EXPECT_EQ(svg.find("http"), std::string::npos);
  EXPECT_EQ(svg, SvgChart(c));
}

TEST(SvgChartTest, ExplicitTicksMarkersAndBands) {
  Chart c;
  c.title = "t";
  c.x_ticks = {50, 100, 200};
  c.x_log = true;
  c.bands = {{60, 70}};
  c.bands_name = "GC";
  ChartSeries s = Series("P1", {{50, 1}, {100, 2}, {200, 3}});
  s.markers = true;
  s.tips = {"a", "b", "c"};
  c.series.push_back(s);
  const std::string svg = SvgChart(c);
  // On a log axis 100 is halfway between 50 and 200: 84 + 852 / 2 = 510.
  EXPECT_NE(svg.find("<circle cx=\"510.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title>b</title>"), std::string::npos);
  EXPECT_NE(svg.find(">200</text>"), std::string::npos);
  EXPECT_NE(svg.find("<rect class=\"band\""), std::string::npos);
  EXPECT_NE(svg.find(">GC</text>"), std::string::npos);
}

TEST(HtmlEscapeTest, EscapesMarkup) { EXPECT_EQ(HtmlEscape("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;"); }

}  // namespace
}  // namespace gogcsim::traces
