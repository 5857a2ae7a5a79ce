// The mutator's arithmetic: phase levels and pointer extents, against values
// worked out by hand.
#include "scenarios/mutator.h"

#include "gtest/gtest.h"

namespace gogcsim::scenarios {
namespace {

TEST(Triangle, RisesFallsAndRepeatsLikeASine) {
  EXPECT_EQ(Triangle(0), 0);
  EXPECT_EQ(Triangle(0.125), 0.5);
  EXPECT_EQ(Triangle(0.25), 1);
  EXPECT_EQ(Triangle(0.5), 0);
  EXPECT_EQ(Triangle(0.625), -0.5);
  EXPECT_EQ(Triangle(0.75), -1);
  EXPECT_EQ(Triangle(1), 0);
  EXPECT_EQ(Triangle(3.25), 1);  // period 1
}

Phase RecordsPhase(Phase::Kind kind, uint64_t records) {
  Phase ph;
  ph.kind = kind;
  ph.records = records;
  return ph;
}

TEST(LevelAt, SteadyHoldsItsLevel) {
  Phase ph = RecordsPhase(Phase::Kind::kSteady, 1000);
  ph.rate_from = 2;
  ph.live_from = 3;
  for (double pos : {0.0, 500.0, 999.0}) {
    EXPECT_EQ(LevelAt(ph, pos).rate, 2);
    EXPECT_EQ(LevelAt(ph, pos).live, 3);
  }
}

TEST(LevelAt, RampIsLinearOverThePhase) {
  Phase ph = RecordsPhase(Phase::Kind::kRamp, 1000);
  ph.rate_from = 1;
  ph.rate_to = 3;
  ph.live_from = 4;
  ph.live_to = 2;
  EXPECT_EQ(LevelAt(ph, 0).rate, 1);
  EXPECT_EQ(LevelAt(ph, 500).rate, 2);     // halfway from 1 to 3
  EXPECT_EQ(LevelAt(ph, 250).live, 3.5);   // a quarter of the way from 4 to 2
  // A phase measured in virtual time: 0.3 ms into 1.2 ms.
  ph.duration_ns = 1'200'000;
  EXPECT_EQ(LevelAt(ph, 300'000).rate, 1.5);
}

TEST(LevelAt, StepChangesAtItsShareOfThePhase) {
  Phase ph = RecordsPhase(Phase::Kind::kStep, 1000);
  ph.at = 0.25;
  ph.live_from = 1;
  ph.live_to = 4;
  EXPECT_EQ(LevelAt(ph, 249).live, 1);
  EXPECT_EQ(LevelAt(ph, 250).live, 4);
  EXPECT_EQ(LevelAt(ph, 999).live, 4);
  EXPECT_EQ(LevelAt(ph, 999).rate, 1);  // rate_from = rate_to = 1 by default
}

TEST(LevelAt, OscillationIsATriangleAroundTheLevel) {
  Phase ph = RecordsPhase(Phase::Kind::kOscillation, 1000);
  ph.rate_from = 2;
  ph.rate_amplitude = 0.5;
  ph.period = 100;
  EXPECT_EQ(LevelAt(ph, 0).rate, 2);
  EXPECT_EQ(LevelAt(ph, 25).rate, 3);   // 2 * (1 + 0.5)
  EXPECT_EQ(LevelAt(ph, 50).rate, 2);
  EXPECT_EQ(LevelAt(ph, 75).rate, 1);   // 2 * (1 - 0.5)
  EXPECT_EQ(LevelAt(ph, 125).rate, 3);  // the next period
  EXPECT_EQ(LevelAt(ph, 25).live, 1);   // live_amplitude 0
}

RecordKind Kind(uint64_t ptrdata, double fraction, uint64_t child) {
  RecordKind k;
  k.ptrdata = ptrdata;
  k.pointer_fraction = fraction;
  k.child = SizeDist::Fixed(child);
  return k;
}

TEST(PtrdataFor, ExplicitFractionClippedAndChildren) {
  EXPECT_EQ(PtrdataFor(Kind(24, -1, 0), 48), 24u);
  // Clipped to the last whole word of a smaller object: 12 bytes hold one.
  EXPECT_EQ(PtrdataFor(Kind(16, -1, 0), 12), 8u);
  EXPECT_EQ(PtrdataFor(Kind(16, -1, 0), 7), 0u);
  // Half of 40 bytes is 20, rounded up to whole words: 24.
  EXPECT_EQ(PtrdataFor(Kind(0, 0.5, 0), 40), 24u);
  EXPECT_EQ(PtrdataFor(Kind(0, 1, 0), 4096), 4096u);
  EXPECT_EQ(PtrdataFor(Kind(0, 0, 0), 4096), 0u);
  // A parent that points to a child holds at least that pointer.
  EXPECT_EQ(PtrdataFor(Kind(0, -1, 64), 16), 8u);
}

}  // namespace
}  // namespace gogcsim::scenarios
