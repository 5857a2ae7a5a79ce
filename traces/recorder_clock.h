// The recorder's own time in a recording's clock, and how to take it out.
//
// A recorded program runs slower than the plain one: the recorder's code
// runs in its threads. A what-if run follows the recorded clock (a
// goroutine computes until the next event's recorded time), so the
// recorder's time would become the program's.
//
// Measuring it: a record takes a few ns, reading a clock tens (cputicks
// with its fence about 30 here), and a record's stores cost most after it
// returns, so timing the recorder's code itself says little (sampled
// sections gave 0.1 to 30 times the truth in a loop of known cost). So an
// M's records come in windows of kRecorderWindow, and in one pair of
// every kRecorderPairEvery windows one window, at random, writes every
// record twice (the second copy to a ring of its own, with the atomics
// and calls of the first: tools/recorder/gogcsim_record.go). An RT record
// ends each window: its time, records and words. A pair's difference in time
// over the doubled window's words is what writing a word costs in place,
// caches and all, plus the program's own difference between two windows,
// which the random choice makes as often negative as positive: the median
// over all full pairs is the cost per word. Each window then cost that
// times its words (twice, doubled).
//
// Taking it out: the recorder's time on one P delays that P's work; Ps
// recording at once delay the program once, and Ps sharing CPUs spend
// their CPUs' time. So the delay D(t) grows, at each moment, by the
// recording Ps' rates summed and divided by how many recorded at once, at
// most the CPUs: on one P, exactly its recorder time. A window's cost is
// spread evenly over its time (an M that takes or gives up a P ends its
// window, so idle time is mostly not spread over). The rate never exceeds
// 1, so t - D(t) keeps the recorded order.
#ifndef GOGCSIM_TRACES_RECORDER_CLOCK_H_
#define GOGCSIM_TRACES_RECORDER_CLOCK_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "google/protobuf/repeated_field.h"
#include "traces/recording_v2.h"

namespace gogcsim::traces {

// Records in a full window (gsrecWindow); an M's windows 16k and 16k+1
// are a measured pair (gsrecPairEvery).
inline constexpr int64_t kRecorderWindow = 1024;
inline constexpr size_t kRecorderPairEvery = 16;

// One RT record, with the M that wrote it.
struct RecorderWindow {
  uint32_t m;
  int64_t p;  // its P when it ended (-1: none; such Ms run beside the Ps and are left out)
  int64_t t_ns;
  int64_t records, words;
  bool twice;
  int64_t ncpu;  // the machine's CPUs
};

// An RT record's window (its fields: t records words twice ncpu).
inline RecorderWindow RecorderWindowOf(const V2Record& rt) {
  return {rt.m, rt.p, rt.v[0], rt.v[1], rt.v[2], rt.v[3] != 0, rt.v[4]};
}

// The recorder's time of one P up to t_ns since its previous sample.
struct RecorderTimeSample {
  int64_t p;
  int64_t t_ns;
  double cost_ns;
  int64_t ncpu;
};

class RecorderClock {
 public:
  RecorderClock() = default;
  // From a recording's RT records, in file order; begin_ns is its first
  // time (where an M's first window begins). Empty without at least
  // kMinPairs full pairs.
  static constexpr int kMinPairs = 16;
  static RecorderClock FromWindows(const std::vector<RecorderWindow>& windows, int64_t begin_ns);
  // From per-P costs: each spread over the time since its P's previous
  // sample (the first: since begin_ns).
  static RecorderClock FromSamples(std::vector<RecorderTimeSample> samples, int64_t begin_ns);
  // From a trace header's recorder_clock; clock_unit_ns converts its times.
  static RecorderClock FromKnots(const google::protobuf::RepeatedField<int64_t>& knots, double clock_unit_ns);
  // As a header's recorder_clock (times in ns: a recording's unit).
  void ToKnots(google::protobuf::RepeatedField<int64_t>* knots) const;

  bool empty() const { return t_.empty(); }
  // The recorder's time up to recorded time t_ns (ns).
  double DelayAt(double t_ns) const;
  // t_ns without the recorder's time before it.
  double Strip(double t_ns) const { return t_ns - DelayAt(t_ns); }
  // The recorder's time in all (ns).
  double total_ns() const { return d_.empty() ? 0 : d_.back(); }
  // FromWindows' measure: ns per word written, and the pairs it took.
  double ns_per_word() const { return ns_per_word_; }
  int pairs() const { return pairs_; }

 private:
  // D at each knot; linear between knots, constant after the last.
  std::vector<double> t_, d_;
  double ns_per_word_ = 0;
  int pairs_ = 0;
  // DelayAt's last knot: a what-if asks for each event's time in turn.
  mutable size_t hint_ = 0;
};

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORDER_CLOCK_H_
