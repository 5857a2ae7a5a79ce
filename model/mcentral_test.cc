// mcentral's span hand-outs and their heap_live accounting, against Go
// 1.10.2's src/runtime/mcentral.go (cacheSpan charges a span's free bytes
// to heap_live, uncacheSpan gives back what is still free) and the size
// class table of sizeclasses.go (class 4: 48 B, one page, 170 objects).
#include "model/mcentral.h"

#include <utility>
#include <vector>

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

// The sync points in the order Go's code writes their records: cacheSpan
// on an empty mcentral grows (mheap.alloc_m: heap_scan's flush, then the
// span handed out before the heap lock's unlock), takes the span under
// c.lock, then adds its free bytes to heap_live; uncacheSpan takes back
// the free ones, then records the span in its lock (mcentral.go,
// mheap.go; the recorder's hooks.txt).
class SyncLog : public SyncHooks {
 public:
  void Pass(const SyncPoint& sp) override { points.push_back(sp); }
  std::vector<SyncPoint> points;
};

TEST_F(MCentralTest, SyncPointsComeInGosOrderWithTheirValues) {
  SyncLog log;
  heap_.set_sync(&log);
  cstats_.local_scan = 96;
  MSpan* s = central_.CacheSpan(&cstats_);
  ASSERT_NE(s, nullptr);
  s->allocCount = 100;
  s->freeindex = 100;
  central_.UncacheSpan(s);
  const int64_t base = static_cast<int64_t>(s->base());
  const int64_t spc = MakeSpanClass(4, true);
  std::vector<std::pair<SyncKind, std::vector<int64_t>>> want = {
      {SyncKind::kCentralTake, {spc, 0, 0}},  // the walk of the empty lists found none
      {SyncKind::kSweepDoneRead, {0}},        // alloc_m: reclaim first? (no gcinit here)
      {SyncKind::kHeapScan, {96, 0}},         // heap_scan += local_scan, from 0
      {SyncKind::kSweepPush, {base, 0}},      // onto the swept list, slot 0
      {SyncKind::kHeapAlloc, {spc, base, 1}},  // a small span of one page
      {SyncKind::kCentralTake, {spc, base, 2}},
      {SyncKind::kHeapLive, {8192, 0}},  // the whole span's bytes, from 0
      {SyncKind::kHeapLive, {-3360, 8192}},  // 70 free slots of 48 B back
      {SyncKind::kUncache, {spc, base, 100, 8192 - 3360}},
  };
  ASSERT_EQ(log.points.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    EXPECT_EQ(log.points[i].kind, want[i].first) << i;
    EXPECT_EQ(std::vector<int64_t>(log.points[i].v, log.points[i].v + log.points[i].n), want[i].second) << i;
  }
}

}  // namespace
}  // namespace gogcsim::model
