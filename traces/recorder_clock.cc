#include "traces/recorder_clock.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace gogcsim::traces {

RecorderClock RecorderClock::FromWindows(const std::vector<RecorderWindow>& windows, int64_t begin_ns) {
  // Each M's windows in order: its windows 16k and 16k+1 are a pair.
  std::map<uint32_t, std::vector<const RecorderWindow*>> by_m;
  for (const RecorderWindow& w : windows) by_m[w.m].push_back(&w);
  std::vector<double> per_word;
  for (const auto& [m, ws] : by_m) {
    for (size_t i = kRecorderPairEvery; i + 1 < ws.size(); i += kRecorderPairEvery) {  // pair 0 has no start
      const RecorderWindow *a = ws[i], *b = ws[i + 1];
      if (a->records < kRecorderWindow || b->records < kRecorderWindow || a->twice == b->twice) continue;
      const double ta = static_cast<double>(a->t_ns - ws[i - 1]->t_ns);
      const double tb = static_cast<double>(b->t_ns - a->t_ns);
      const RecorderWindow* twice = a->twice ? a : b;
      if (twice->words <= 0) continue;
      per_word.push_back((a->twice ? ta - tb : tb - ta) / static_cast<double>(twice->words));
    }
  }
  RecorderClock c;
  if (per_word.size() < kMinPairs) return c;
  std::sort(per_word.begin(), per_word.end());
  const size_t n = per_word.size();
  const double median = n % 2 == 1 ? per_word[n / 2] : (per_word[n / 2 - 1] + per_word[n / 2]) / 2;
  if (!(median > 0)) return c;
  std::vector<RecorderTimeSample> samples;
  samples.reserve(windows.size());
  for (const RecorderWindow& w : windows) {
    samples.push_back({w.p, w.t_ns, median * static_cast<double>(w.words) * (w.twice ? 2 : 1), w.ncpu});
  }
  c = FromSamples(std::move(samples), begin_ns);
  c.ns_per_word_ = median;
  c.pairs_ = static_cast<int>(n);
  return c;
}

RecorderClock RecorderClock::FromSamples(std::vector<RecorderTimeSample> samples, int64_t begin_ns) {
  RecorderClock c;
  std::stable_sort(samples.begin(), samples.end(),
                   [](const RecorderTimeSample& a, const RecorderTimeSample& b) { return a.t_ns < b.t_ns; });
  int64_t ncpu = 1;
  for (const RecorderTimeSample& s : samples) ncpu = std::max(ncpu, s.ncpu);
  // Each P's samples as segments of even rate: +rate at the start, -rate
  // at the end (count +-1).
  std::map<int64_t, int64_t> last;  // P -> its previous sample's time
  std::vector<std::pair<int64_t, double>> edges;
  for (const RecorderTimeSample& s : samples) {
    if (s.p < 0) continue;
    auto [it, first] = last.try_emplace(s.p, begin_ns);
    const int64_t from = std::min(it->second, s.t_ns);
    it->second = s.t_ns;
    const double span = static_cast<double>(s.t_ns - from);
    const double cost = std::min(s.cost_ns, span);
    if (span <= 0 || cost <= 0) continue;
    edges.emplace_back(from, cost / span);
    edges.emplace_back(s.t_ns, -cost / span);
  }
  if (edges.empty()) return c;
  std::stable_sort(edges.begin(), edges.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double rate = 0, d = 0;
  int64_t active = 0;
  double at = static_cast<double>(edges.front().first);
  for (size_t i = 0; i < edges.size();) {
    const int64_t t = edges[i].first;
    const double slope = active > 0 ? std::min(1.0, rate / static_cast<double>(std::min(active, ncpu))) : 0;
    d += slope * (static_cast<double>(t) - at);
    at = static_cast<double>(t);
    c.t_.push_back(at);
    c.d_.push_back(d);
    for (; i < edges.size() && edges[i].first == t; i++) {
      rate += edges[i].second;
      active += edges[i].second > 0 ? 1 : -1;
    }
    if (active == 0) rate = 0;  // no drift from the sums
  }
  return c;
}

RecorderClock RecorderClock::FromKnots(const google::protobuf::RepeatedField<int64_t>& knots, double clock_unit_ns) {
  RecorderClock c;
  const double unit = clock_unit_ns > 0 ? clock_unit_ns : 1.0;
  for (int i = 0; i + 1 < knots.size(); i += 2) {
    const double t = static_cast<double>(knots[i]) * unit;
    double d = static_cast<double>(knots[i + 1]);
    if (!c.t_.empty()) {
      if (!(t > c.t_.back())) continue;  // not increasing: not a clock
      // Rounded to whole ns, or made by hand: never faster than time.
      d = std::clamp(d, c.d_.back(), c.d_.back() + (t - c.t_.back()));
    } else {
      d = std::max(d, 0.0);
    }
    c.t_.push_back(t);
    c.d_.push_back(d);
  }
  return c;
}

void RecorderClock::ToKnots(google::protobuf::RepeatedField<int64_t>* knots) const {
  knots->Clear();
  for (size_t i = 0; i < t_.size(); i++) {
    knots->Add(static_cast<int64_t>(t_[i]));
    knots->Add(std::llround(d_[i]));
  }
}

double RecorderClock::DelayAt(double t_ns) const {
  if (t_.empty() || t_ns <= t_.front()) return 0;
  // The first knot after t_ns: the last one's, or the next (times mostly
  // come in order), else a search.
  auto after = [&](size_t k) { return k > 0 && k < t_.size() && t_[k - 1] <= t_ns && t_ns < t_[k]; };
  size_t k = hint_;
  if (!after(k) && !after(++k)) k = static_cast<size_t>(std::upper_bound(t_.begin(), t_.end(), t_ns) - t_.begin());
  hint_ = k;
  if (k == t_.size()) return d_.back();
  // Between knots k-1 and k.
  return d_[k - 1] + (d_[k] - d_[k - 1]) * (t_ns - t_[k - 1]) / (t_[k] - t_[k - 1]);
}

}  // namespace gogcsim::traces
