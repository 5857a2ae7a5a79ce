// mcentral's span hand-outs and their heap_live accounting, against Go
// 1.10.2's src/runtime/mcentral.go (cacheSpan charges a span's free bytes
// to heap_live, uncacheSpan gives back what is still free) and the size
// class table of sizeclasses.go (class 4: 48 B, one page, 170 objects).
#include "model/mcentral.h"

#include "gtest/gtest.h"
#include "model/mstats.h"
#include "model/sizeclasses.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"

namespace gogcsim::model {
namespace {

class MCentralTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(heap_.Init().ok());
    central_.Init(MakeSpanClass(4, true), &heap_, &stats_);
  }
  sim::AddressSpace os_;
  sim::EventQueue q_;
  MemStats stats_;
  MCacheStats cstats_;
  MHeap heap_{&os_, &q_.clock(), &stats_, 1};
  MCentral central_;
};

TEST_F(MCentralTest, CacheSpanChargesTheWholeSpan) {
  MSpan* s = central_.CacheSpan(&cstats_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->elemsize, 48u);
  EXPECT_EQ(s->nelems, 170u);
  EXPECT_EQ(s->npages, 1u);
  EXPECT_TRUE(s->incache);
  // spanBytes (one page) - usedBytes (0): the free slots count as live.
  EXPECT_EQ(stats_.heap_live, 8192u);
  EXPECT_EQ(central_.nmalloc(), 170u);
  // Cached spans sit on empty (mcentral.cacheSpan: c.empty.insertBack).
  EXPECT_EQ(central_.empty().first, s);
  EXPECT_EQ(central_.nonempty().first, nullptr);
}

TEST_F(MCentralTest, UncacheGivesBackTheFreeSlotsAndCacheTakesThemAgain) {
  MSpan* s = central_.CacheSpan(&cstats_);
  ASSERT_NE(s, nullptr);
  // The mcache allocated 100 objects from it.
  s->allocCount = 100;
  s->freeindex = 100;
  central_.UncacheSpan(s);
  // 170 - 100 = 70 free slots of 48 B: heap_live -= 3360.
  EXPECT_EQ(stats_.heap_live, 8192u - 3360u);
  EXPECT_FALSE(s->incache);
  EXPECT_EQ(central_.nonempty().first, s);  // it has free space: nonempty
  // nmalloc counted all 170 as allocated; the 70 free ones come off.
  EXPECT_EQ(central_.nmalloc(), 100u);
  // The same span comes back, charged for its 70 free slots: 8192 - 4800.
  MSpan* again = central_.CacheSpan(&cstats_);
  EXPECT_EQ(again, s);
  EXPECT_EQ(stats_.heap_live, 8192u - 3360u + (8192u - 4800u));
  EXPECT_EQ(central_.nmalloc(), 100u + 70u);
}

}  // namespace
}  // namespace gogcsim::model
