// Proportional sweep's debt (deductSweepCredit in Go 1.10.2's
// src/runtime/mgcsweep.go), worked out by hand:
//   newHeapLive := uintptr(heap_live - sweepHeapLiveBasis) + spanBytes
//   pagesTarget := int64(sweepPagesPerByte*float64(newHeapLive)) - int64(callerSweepPages)
#include "model/mgcsweep.h"

#include "gtest/gtest.h"
#include "model/malloc.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"

namespace gogcsim::model {
namespace {

class SweeperTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(m_.Init().ok()); }
  sim::AddressSpace os_;
  sim::EventQueue q_;
  Malloc m_{&os_, &q_.clock(), 1};
  // PagesTarget reads only the heap: no object graph or scheduler needed.
  Sweeper sweeper_{&m_, nullptr, nullptr};
};

TEST_F(SweeperTest, PagesTargetIsTheDebtSinceTheBasis) {
  m_.heap().sweepPagesPerByte = 0.001;
  m_.heap().sweepHeapLiveBasis = 1 << 20;
  // (2 MiB - 1 MiB + 8192) * 0.001 = 1056.768 -> 1056, less the caller's page.
  EXPECT_EQ(sweeper_.PagesTarget(2 << 20, 8192, 1), 1055);
  EXPECT_EQ(sweeper_.PagesTarget(2 << 20, 8192, 0), 1056);
}

// heap_live below the basis (it can fall after the basis was taken): the
// uintptr subtraction wraps, as in Go, to 2^64 - 8192; float64 of that is
// exact, times 0.001 is 1.8446744073709544e16.
TEST_F(SweeperTest, PagesTargetWrapsLikeGoBelowTheBasis) {
  m_.heap().sweepPagesPerByte = 0.001;
  m_.heap().sweepHeapLiveBasis = 1 << 20;
  EXPECT_EQ(sweeper_.PagesTarget((1 << 20) - 8192, 0, 0), 18446744073709544);
}

}  // namespace
}  // namespace gogcsim::model
