#include "scenarios/trace_run.h"

#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::scenarios {
namespace {

// A program that allocates `total` pointerful 1 KiB objects, 1 us apart,
// each dying `lifetime` allocations later: a live heap of lifetime KiB.
class FixedLifetime : public TraceEventSource {
 public:
  FixedLifetime(uint64_t total, uint64_t lifetime) : total_(total), lifetime_(lifetime) {}
  absl::StatusOr<bool> Next(TraceEvent* e) override {
    if (next_ >= total_) return false;
    if (next_ >= lifetime_ && dead_ <= next_ - lifetime_) {
      *e = TraceEvent{};
      e->kind = TraceEvent::Kind::kDeath;
      e->object = dead_++;
      return true;
    }
    *e = TraceEvent{};
    e->t_ns = static_cast<int64_t>(next_) * 1000;
    e->req.size = 1024;
    e->req.typsize = 1024;
    e->req.ptrdata = 1024;
    next_++;
    return true;
  }

 private:
  uint64_t total_, lifetime_, next_ = 0, dead_ = 0;
};

RunResult RunIt(int32_t gogc, uint64_t total, uint64_t lifetime) {
  RunConfig cfg;
  cfg.gogc = gogc;
  cfg.check_marks = true;
  FixedLifetime src(total, lifetime);
  absl::StatusOr<RunResult> r = RunTrace(cfg, &src, nullptr, nullptr);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : RunResult{};
}

TEST(TraceRun, MarksWhatTheProgramStillHolds) {
  // 8 MiB live, 200 MiB allocated.
  const RunResult r = RunIt(100, 200 * 1024, 8 * 1024);
  EXPECT_EQ(r.allocations, 200u * 1024);
  ASSERT_GE(r.cycles.size(), 5u);
  // From the third cycle on the program has allocated more than the 8 MiB
  // it holds (the first two start at 4 MiB and about 8 MiB allocated).
  for (size_t i = 2; i < r.cycles.size(); i++) {
    const model::CycleStats& c = r.cycles[i];
    // Marked: at least the 8 MiB held at mark start, at most that plus
    // what was allocated during the mark (allocate-black) and the objects
    // that died during it (shaded by the write barrier).
    EXPECT_GE(c.heap2, 8u << 20) << "cycle " << c.numgc;
    EXPECT_LE(c.heap2, (8u << 20) + 2 * (c.heap1 - c.heap0) + (64u << 10)) << "cycle " << c.numgc;
  }
}

TEST(TraceRun, HigherGogcMeansFewerCyclesAndMoreHeap) {
  const RunResult a = RunIt(100, 100 * 1024, 8 * 1024);
  const RunResult b = RunIt(200, 100 * 1024, 8 * 1024);
  // The goal is live*(1+GOGC/100): 16 MiB vs 24 MiB, so GOGC 200 collects
  // about half as often (8 vs 16 MiB of allocation per cycle).
  EXPECT_LT(b.cycles.size() * 3, a.cycles.size() * 2);
  EXPECT_GT(b.peak_heap_live, a.peak_heap_live);
}

TEST(TraceRun, SameTraceSameResult) {
  const RunResult a = RunIt(100, 30 * 1024, 4 * 1024);
  const RunResult b = RunIt(100, 30 * 1024, 4 * 1024);
  ASSERT_EQ(a.cycles.size(), b.cycles.size());
  EXPECT_EQ(a.virtual_ns, b.virtual_ns);
  EXPECT_EQ(a.peak_heap_live, b.peak_heap_live);
  for (size_t i = 0; i < a.cycles.size(); i++) EXPECT_EQ(a.cycles[i].next_gc, b.cycles[i].next_gc);
}

}  // namespace
}  // namespace gogcsim::scenarios
