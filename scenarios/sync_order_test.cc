#include "scenarios/sync_order.h"

#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "traces/recording_v2_test_writer.h"

namespace gogcsim::scenarios {
namespace {

using model::SyncKind;
using model::SyncPoint;

SyncPoint Point(SyncKind kind, std::vector<int64_t> v) {
  SyncPoint sp{kind};
  for (int64_t x : v) sp.v[sp.n++] = x;
  return sp;
}

// A recording (traces/recording_v2.md) of one M: heap_live += 8192 (to
// 8192), a claim of span 0x1000 at sweepgen 6, the sweep's pagesSwept
// add of 1 page (to 4), and an allocation request between them, which the
// check skips (local, not a shared-state operation).
std::string Recording() {
  traces::Writer w;
  std::vector<traces::Writer::Rec> recs = {
      {0, 0, 1, 32, {8192, 8192}},
      {0, 0, 1, 2, {16, 16, 16, 0, 100}, true},
      {1, 0, 1, 34, {0x1000, 6}},
      {2, 0, 1, 35, {0x1000, 1, 4}},
  };
  const std::string path = testing::TempDir() + "/sync.rec";
  std::ofstream(path, std::ios::binary) << traces::Writer::FileHead() << w.Chunk(0, recs) << w.End(3, 4);
  return path;
}

TEST(SyncOrderCheck, PointsInTheRecordingsOrderWithItsValuesMatch) {
  auto c = SyncOrderCheck::Open(Recording());
  ASSERT_TRUE(c.ok()) << c.status();
  (*c)->Pass(Point(SyncKind::kHeapLive, {8192, 0}));  // the add, and heap_live before it
  (*c)->Pass(Point(SyncKind::kSweepClaim, {0x1000, 6}));
  (*c)->Pass(Point(SyncKind::kPagesSwept, {0x1000, 1, 3}));
  ASSERT_TRUE((*c)->Finish().ok());
  EXPECT_TRUE((*c)->ok());
  EXPECT_EQ((*c)->counts().at("HL").matched, 1u);
  EXPECT_EQ((*c)->counts().at("SC").total, 1u);
  EXPECT_EQ((*c)->counts().at("SP").matched, 1u);
}

TEST(SyncOrderCheck, TheFirstPointOutOfOrderIsTheDivergence) {
  auto c = SyncOrderCheck::Open(Recording());
  ASSERT_TRUE(c.ok());
  (*c)->Pass(Point(SyncKind::kHeapLive, {8192, 0}));
  (*c)->Pass(Point(SyncKind::kPagesSwept, {0x1000, 1, 3}));  // before its claim
  (*c)->Pass(Point(SyncKind::kSweepClaim, {0x1000, 6}));
  ASSERT_TRUE((*c)->Finish().ok());
  ASSERT_FALSE((*c)->ok());
  EXPECT_EQ((*c)->divergence()->index, 1u);
  EXPECT_THAT((*c)->divergence()->expected, testing::StartsWith("SC P0 g1 4096 6"));
  EXPECT_EQ((*c)->divergence()->simulated, "SP 4096 1 3");
}

TEST(SyncOrderCheck, AValueOffIsADivergence) {
  auto c = SyncOrderCheck::Open(Recording());
  ASSERT_TRUE(c.ok());
  (*c)->Pass(Point(SyncKind::kHeapLive, {8192, 100}));  // heap_live after would be 8292
  ASSERT_TRUE((*c)->Finish().ok());
  ASSERT_FALSE((*c)->ok());
  EXPECT_EQ((*c)->divergence()->simulated, "HL 8192 100");
}

TEST(SyncOrderCheck, RecordsTheReplayNeverReachedAreADivergence) {
  auto c = SyncOrderCheck::Open(Recording());
  ASSERT_TRUE(c.ok());
  (*c)->Pass(Point(SyncKind::kHeapLive, {8192, 0}));
  ASSERT_TRUE((*c)->Finish().ok());
  ASSERT_FALSE((*c)->ok());
  EXPECT_EQ((*c)->divergence()->index, 1u);
  EXPECT_EQ((*c)->divergence()->simulated, "");
  EXPECT_EQ((*c)->counts().at("SP").total, 1u);  // counted, not matched
  EXPECT_EQ((*c)->counts().at("SP").matched, 0u);
}

TEST(SyncOrderCheck, APointPastTheLastRecordIsADivergence) {
  auto c = SyncOrderCheck::Open(Recording());
  ASSERT_TRUE(c.ok());
  (*c)->Pass(Point(SyncKind::kHeapLive, {8192, 0}));
  (*c)->Pass(Point(SyncKind::kSweepClaim, {0x1000, 6}));
  (*c)->Pass(Point(SyncKind::kPagesSwept, {0x1000, 1, 3}));
  (*c)->Pass(Point(SyncKind::kHeapFree, {0x1000, 1}));
  ASSERT_TRUE((*c)->Finish().ok());
  ASSERT_FALSE((*c)->ok());
  EXPECT_EQ((*c)->divergence()->expected, "");
  EXPECT_EQ((*c)->divergence()->simulated, "HF 4096 1");
}

TEST(SyncOrderCheck, EveryKindHasItsTag) {
  // traces/recording_v2.md's tags of the records the sync points stand for.
  const std::vector<std::pair<SyncKind, int>> tags = {
      {SyncKind::kHeapLive, 32},    {SyncKind::kHeapScan, 33},       {SyncKind::kSweepClaim, 34},
      {SyncKind::kPagesSwept, 35},  {SyncKind::kPagesSweptRead, 50}, {SyncKind::kCentralTake, 49},
      {SyncKind::kCentralFree, 36}, {SyncKind::kUncache, 6},         {SyncKind::kHeapAlloc, 37},
      {SyncKind::kLargeAlloc, 4},   {SyncKind::kHeapFree, 38},       {SyncKind::kManualAlloc, 7},
      {SyncKind::kManualFree, 8},
  };
  for (const auto& [kind, tag] : tags) EXPECT_EQ(SyncOrderCheck::TagOf(kind), tag);
}

}  // namespace
}  // namespace gogcsim::scenarios
