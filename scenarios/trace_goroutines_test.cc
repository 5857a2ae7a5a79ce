#include "scenarios/trace_goroutines.h"

#include <vector>

#include "gtest/gtest.h"
#include "scenarios/trace_run.h"
#include "traces/trace_format.h"

namespace gogcsim::scenarios {
namespace {

// The events of a trace, as a source that says (or not) when goroutines
// ran.
class Events : public TraceEventSource {
 public:
  Events(std::vector<TraceEvent> evs, bool schedule) : evs_(std::move(evs)), schedule_(schedule) {}
  absl::StatusOr<bool> Next(TraceEvent* e) override {
    if (next_ >= evs_.size()) return false;
    *e = evs_[next_++];
    return true;
  }
  bool has_schedule() const override { return schedule_; }

 private:
  std::vector<TraceEvent> evs_;
  bool schedule_;
  size_t next_ = 0;
};

TraceEvent Ev(TraceEvent::Kind kind, uint64_t g, int64_t t) {
  TraceEvent e;
  e.kind = kind;
  e.g = g;
  e.t_ns = t;
  return e;
}
TraceEvent GoRun(uint64_t g, int64_t t) { return Ev(TraceEvent::Kind::kRun, g, t); }
TraceEvent GoStop(uint64_t g, int64_t t, int64_t reason) {
  TraceEvent e = Ev(TraceEvent::Kind::kStop, g, t);
  e.reason = reason;
  return e;
}
TraceEvent Alloc(uint64_t g, int64_t t, uint64_t size = 1024) {
  TraceEvent e = Ev(TraceEvent::Kind::kAlloc, g, t);
  e.req.size = e.req.typsize = e.req.ptrdata = size;
  return e;
}
TraceEvent Death(uint64_t object) {
  TraceEvent e = Ev(TraceEvent::Kind::kDeath, 0, 0);
  e.object = object;
  return e;
}

RunResult RunIt(std::vector<TraceEvent> evs, bool schedule, int gomaxprocs = 1) {
  RunConfig cfg;
  cfg.gomaxprocs = gomaxprocs;
  cfg.check_marks = true;
  Events src(std::move(evs), schedule);
  absl::StatusOr<RunResult> r = RunTrace(cfg, &src, nullptr, nullptr);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : RunResult{};
}

// A goroutine that allocates, blocks for 5 ms and allocates again: blocked,
// it leaves its P idle, and runs again at its recorded time. One goroutine
// that computes through every gap (a trace without GO_RUN and GO_STOP)
// keeps the P busy instead.
TEST(TraceGoroutines, ABlockedGoroutineLeavesItsPIdle) {
  const std::vector<TraceEvent> evs = {
      GoRun(1, 0),         Alloc(1, 10'000),    GoStop(1, 20'000, traces::kStopBlocked),
      GoRun(1, 5'000'000), Alloc(1, 5'010'000), GoStop(1, 5'020'000, traces::kStopExit)};
  const RunResult r = RunIt(evs, true);
  EXPECT_EQ(r.allocations, 2u);
  EXPECT_EQ(r.goroutines, 1);
  EXPECT_GE(r.virtual_ns, 5'010'000);
  EXPECT_LT(r.mutator_ns, 100'000);  // 10 us before each allocation, 10 after the first
  const RunResult one = RunIt(evs, false);
  EXPECT_EQ(one.allocations, 2u);
  EXPECT_GT(one.mutator_ns, 4'900'000);
}

// Each recorded goroutine is one of the simulation's; at GOMAXPROCS 2 two
// that compute at once run at once.
TEST(TraceGoroutines, GoroutinesRunOnTheirOwn) {
  const std::vector<TraceEvent> evs = {GoRun(5, 0),
                                       GoRun(6, 0),
                                       Alloc(5, 1'000'000),
                                       Alloc(6, 1'000'000),
                                       GoStop(5, 1'000'000, traces::kStopExit),
                                       GoStop(6, 1'000'000, traces::kStopExit)};
  const RunResult two = RunIt(evs, true, 2);
  EXPECT_EQ(two.goroutines, 2);
  EXPECT_EQ(two.allocations, 2u);
  EXPECT_GE(two.mutator_ns, 1'900'000);  // both computed for (about) their 1 ms
  EXPECT_LT(two.virtual_ns, 1'500'000);  // side by side
}

// Objects live as many allocations as the trace has between their own and
// their death: 2,048 KiB objects held at any time, marked as such.
TEST(TraceGoroutines, ObjectsLiveTheirAllocations) {
  constexpr uint64_t kLifetime = 2048, kTotal = 40 * 1024;
  std::vector<TraceEvent> evs = {GoRun(1, 0)};
  for (uint64_t i = 0; i < kTotal; i++) {
    if (i >= kLifetime) evs.push_back(Death(i - kLifetime));
    evs.push_back(Alloc(1, static_cast<int64_t>(i) * 1000));
  }
  const RunResult r = RunIt(evs, true);
  EXPECT_EQ(r.allocations, kTotal);
  ASSERT_GE(r.cycles.size(), 4u);
  for (size_t i = 2; i < r.cycles.size(); i++) {
    const model::CycleStats& c = r.cycles[i];
    EXPECT_GE(c.heap2, kLifetime << 10) << "cycle " << c.numgc;
    EXPECT_LE(c.heap2, (kLifetime << 10) + 2 * (c.heap1 - c.heap0) + (64u << 10)) << "cycle " << c.numgc;
  }
}

TEST(TraceGoroutines, SameEventsSameResult) {
  std::vector<TraceEvent> evs;
  for (int i = 0; i < 2000; i++) {
    const uint64_t g = 1 + i % 3;
    evs.push_back(GoRun(g, i * 5000));
    evs.push_back(Alloc(g, i * 5000 + 1000, 4096));
    evs.push_back(GoStop(g, i * 5000 + 2000, i % 2 ? traces::kStopBlocked : traces::kStopGosched));
    if (i >= 100) evs.push_back(Death(static_cast<uint64_t>(i - 100)));
  }
  const RunResult a = RunIt(evs, true, 2), b = RunIt(evs, true, 2);
  EXPECT_EQ(a.virtual_ns, b.virtual_ns);
  EXPECT_EQ(a.peak_heap_live, b.peak_heap_live);
  EXPECT_EQ(a.cycles.size(), b.cycles.size());
  EXPECT_EQ(a.allocations, 2000u);
}

}  // namespace
}  // namespace gogcsim::scenarios
