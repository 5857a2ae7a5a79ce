#include "scenarios/replay_point.h"

#include <string>

#include "gtest/gtest.h"

namespace gogcsim::scenarios {
namespace {

using model::SyncKind;

traces::V2Record Record(const char* name, std::initializer_list<int64_t> v) {
  traces::V2Record r;
  r.tag = static_cast<uint8_t>(traces::V2TagOf(name));
  for (int64_t x : v) r.v[r.n++] = x;
  return r;
}

TEST(ReplayPointTest, HeapLiveAndPagesSweptCarryTheValueAfterTheAdd) {
  // traces/recording_v2.md: HL "delta heap_live" and SP "base npages
  // pagesSwept" hold the value after; the sync point gives it before.
  model::SyncPoint hl{SyncKind::kHeapLive, 2, {-3360, 8192}};
  EXPECT_TRUE(Matches(PointOf(hl), Record("HL", {-3360, 4832})));
  EXPECT_FALSE(Matches(PointOf(hl), Record("HL", {-3360, 8192})));
  model::SyncPoint sp{SyncKind::kPagesSwept, 3, {842350460928, 4, 10}};
  EXPECT_TRUE(Matches(PointOf(sp), Record("SP", {842350460928, 4, 14})));
  // Go's heap_live is a uint64: an add wraps rather than overflows.
  model::SyncPoint wrap{SyncKind::kHeapLive, 2, {-16, 8}};
  EXPECT_EQ(PointOf(wrap).v[1], -8);
}

TEST(ReplayPointTest, OtherKindsAreTheirRecordsFields) {
  model::SyncPoint ct{SyncKind::kCentralTake, 3, {42, 842350460928, 2}};
  EXPECT_TRUE(Matches(PointOf(ct), Record("CT", {42, 842350460928, 2})));
  EXPECT_FALSE(Matches(PointOf(ct), Record("CT", {42, 842350460928, 1})));
  EXPECT_FALSE(Matches(PointOf(ct), Record("CT", {42, 842350460928})));     // fewer fields
  EXPECT_FALSE(Matches(PointOf(ct), Record("CF", {42, 842350460928, 2})));  // another tag
}

TEST(ReplayPointTest, PacerPointsHaveTheSpecsFieldCounts) {
  // Each pacer record has v1's inputs then outputs (the reader's schema).
  EXPECT_EQ(PointOf(model::SetTriggerDecision{}).n, traces::V2SchemaOf(traces::V2TagOf("PT")).fields);
  EXPECT_EQ(PointOf(model::StartCycleDecision{}).n, traces::V2SchemaOf(traces::V2TagOf("PS")).fields);
  EXPECT_EQ(PointOf(model::ReviseDecision{}).n, traces::V2SchemaOf(traces::V2TagOf("PR")).fields);
  EXPECT_EQ(PointOf(model::EndCycleDecision{}).n, traces::V2SchemaOf(traces::V2TagOf("PE")).fields);
}

TEST(ReplayPointTest, PacerFloatsCompareByBitPattern) {
  // gcinit's gcSetTriggerRatio(7/8) at GOGC 100, as a GOMAXPROCS=2
  // recording of workers.go wrote it (fields after the P and G).
  model::SetTriggerDecision d{};
  d.in_triggerRatio = 7.0 / 8.0;
  d.gcpercent = 100;
  d.heap_marked = 2236962;
  d.heap_live = 90112;
  d.heapminimum = 4194304;
  d.sweepdone = 1;
  d.pagesInUse = 11;
  d.triggerRatio = 7.0 / 8.0;
  d.gc_trigger = 4194304;
  d.next_gc = 4473924;
  auto rec = Record("PT", {4606056518893174784, 100, 2236962, 90112, 4194304, 1, 11, 0, 0, 4606056518893174784, 4194304,
                           4473924, 0, 0, 0});
  EXPECT_TRUE(Matches(PointOf(d), rec));
  d.triggerRatio = std::nextafter(d.triggerRatio, 1.0);
  EXPECT_FALSE(Matches(PointOf(d), rec));
}

TEST(ReplayPointTest, TextNamesTheTag) {
  EXPECT_EQ(Text(MakePoint("MA", {842350469120, 4})), "MA 842350469120 4");
  traces::V2Record r = Record("MA", {842350469120, 4});
  r.p = 1;
  r.g = 7;
  EXPECT_EQ(Text(r), "MA P1 g7 842350469120 4");
}

// A field the recording gives as an input (here GS's trigger kind and
// clock) is left out of the comparison rather than copied from the record.
TEST(ReplayPointTest, InputsAreNotCompared) {
  ReplayPoint gs = MakePoint("GS", {3, 0, 0, 4194304, 0});
  gs.inputs = 1u << 1 | 1u << 4;
  EXPECT_TRUE(Matches(gs, Record("GS", {3, 1, 0, 4194304, 123456789})));
  EXPECT_FALSE(Matches(gs, Record("GS", {3, 1, 0, 4194305, 123456789})));  // heap_live is computed
  EXPECT_FALSE(Matches(gs, Record("GS", {4, 1, 0, 4194304, 123456789})));  // and the cycle
  EXPECT_EQ(Text(gs), "GS 3 * 0 4194304 *");
  // endCycle's clock is its input; the rest of PE is compared.
  model::EndCycleDecision d{};
  d.now = 5000;
  ReplayPoint pe = PointOf(d);
  EXPECT_EQ(pe.inputs, 1u << 6);
}

// A word of an FB stands for an F per set bit, lowest first: objects 0,
// 5 and 63 of 48 bytes from the word's address. The sweep's points match
// them one by one; the word keeps what is left, its index the next F's.
TEST(ReplayPointTest, AWordOfFreesIsAnFPerBit) {
  constexpr int64_t kBase = 842350460928;
  traces::V2Record fb = Record("FB", {kBase, 48, int64_t{1} | 1 << 5 | int64_t{1} << 63});
  fb.tag = static_cast<uint8_t>(traces::kV2TagFB);
  fb.index = 100;
  sim::RingQueue<ReplayPoint> produced;
  produced.push_back(MakePoint("F", {kBase}));
  produced.push_back(MakePoint("F", {kBase + 5 * 48}));
  bool mismatch = true;
  EXPECT_EQ(MatchFrees(fb, produced, &mismatch), 2);
  EXPECT_FALSE(mismatch);
  EXPECT_TRUE(produced.empty());
  EXPECT_EQ(fb.v[2], int64_t{1} << 63);
  EXPECT_EQ(fb.index, 102u);
  EXPECT_EQ(Text(NextFree(fb)), "F P-1 g0 " + std::to_string(kBase + 63 * 48));
  EXPECT_EQ(NextFree(fb).index, 102u);
  // Another object than the next F: nothing is taken.
  produced.push_back(MakePoint("F", {kBase + 62 * 48}));
  EXPECT_EQ(MatchFrees(fb, produced, &mismatch), 0);
  EXPECT_TRUE(mismatch);
  EXPECT_EQ(produced.size(), 1u);
  produced.pop_front();
  // Another record: a mismatch too.
  produced.push_back(MakePoint("Z", {kBase + 63 * 48}));
  EXPECT_EQ(MatchFrees(fb, produced, &mismatch), 0);
  EXPECT_TRUE(mismatch);
  produced.pop_front();
  produced.push_back(MakePoint("F", {kBase + 63 * 48}));
  produced.push_back(MakePoint("SW", {0}));
  EXPECT_EQ(MatchFrees(fb, produced, &mismatch), 1);
  EXPECT_FALSE(mismatch);
  EXPECT_EQ(fb.v[2], 0);
  EXPECT_EQ(produced.size(), 1u);  // the word is done: the SW is the next record's
}

}  // namespace
}  // namespace gogcsim::scenarios
