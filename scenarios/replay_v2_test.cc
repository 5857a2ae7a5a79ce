#include "scenarios/replay_v2.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "traces/recording_v2_test_writer.h"

namespace gogcsim::scenarios {
namespace {

using traces::V2TagOf;
using traces::Writer;

// Two Ms allocate at once, each its first object of a size class, as a
// real go1.10.2 run of tests/programs/maps.go records one (its first
// records, `gogcsim trace dump`): the mallocgc's refill walks the empty
// mcentral (CT 0), alloc_m reads sweepdone and reclaims (SD; sweepone's SD,
// its pop of the empty buffer and give-back, BO -1 and BR, and SN),
// flushes the P's local_scan (HS), grows the heap by 1 MiB (whose free
// span enters the treap with a random priority: TP), pushes the new span
// on the swept list (BU), hands it out (HA, CT 2) and adds it to
// heap_live (HL); CS and Z end the call. M1's span comes from the 127
// pages left, on a free list. M0 (P0) allocates 376 bytes (class 42), M1 (P1) 24 bytes
// (class 6). M1's heap_live add lands first: `m1_first`; else M0's.
constexpr int64_t kArena = 842350460928;  // 0xc420000000
constexpr int64_t kPage = 8192;
constexpr int64_t kSpanStruct = 139927695167488;  // the mspan's address (persistentalloc, off the heap)

struct Recording {
  std::vector<Writer::Rec> m0, m1;
};

Recording TwoAllocations(bool m1_first, int64_t m1_live_after) {
  const int kA = V2TagOf("A"), kZ = V2TagOf("Z"), kCS = V2TagOf("CS");
  auto g = [](const char* name) { return V2TagOf(name); };
  Recording r;
  // seq: M0 0..11, then M1's refill 12..18, then the two adds.
  r.m0 = {
      {0, 0, 1, kA, {376, 376, 360, 4, 1000}, true},
      {0, 0, 1, g("DR"), {0}},
      {1, 0, 1, g("CT"), {42, 0, 0}},
      {2, 0, 1, g("SD"), {0}},
      {3, 0, 1, g("SD"), {0}},
      {4, 0, 1, g("BO"), {-1}},
      {5, 0, 1, g("BR"), {0}},
      {6, 0, 1, g("SN"), {}},
      {7, 0, 1, g("HS"), {0, 0}},
      {8, 0, 1, g("TP"), {kArena, 2973049122, kSpanStruct}},  // inputs: fastrand(), the mspan's address
      {9, 0, 1, g("BU"), {kArena, 0}},
      {10, 0, 1, g("HA"), {42, kArena, 1}},
      {11, 0, 1, g("CT"), {42, kArena, 2}},
  };
  r.m1 = {
      {0, 1, 2, kA, {24, 24, 8, 4, 1001}, true},
      {12, 1, 2, g("DR"), {0}},
      {13, 1, 2, g("CT"), {6, 0, 0}},
      {14, 1, 2, g("SD"), {1}},  // M0's sweep set it
      {15, 1, 2, g("HS"), {0, 0}},
      {16, 1, 2, g("BU"), {kArena + kPage, 1}},
      {17, 1, 2, g("HA"), {6, kArena + kPage, 1}},
      {18, 1, 2, g("CT"), {6, kArena + kPage, 2}},
  };
  const uint64_t m0_add = m1_first ? 20 : 19, m1_add = m1_first ? 19 : 20;
  const int64_t m0_live = m1_first ? 2 * kPage : kPage;
  r.m0.push_back({m0_add, 0, 1, g("HL"), {kPage, m0_live}});
  r.m0.push_back({0, 0, 1, kCS, {42, kArena, 0, 0, m0_live}, true});
  r.m0.push_back({0, 0, 1, kZ, {kArena}, true});
  r.m1.push_back({m1_add, 1, 2, g("HL"), {kPage, m1_live_after}});
  r.m1.push_back({0, 1, 2, kCS, {6, kArena + kPage, 0, 0, m1_live_after}, true});
  r.m1.push_back({0, 1, 2, kZ, {kArena + kPage}, true});
  // gcenable's records, which the replay reads first: GOMAXPROCS 2.
  r.m0.push_back({21, 0, 1, g("H"), {2, 100, 4 << 20, kArena, kArena + 2 * kPage, 2000}});
  r.m0.push_back({22, 0, 1, g("ZB"), {0x546f48}});
  return r;
}

std::string Write(const std::string& name, const Recording& r) {
  Writer w;
  uint64_t globals = 0;
  for (const auto* recs : {&r.m0, &r.m1}) {
    for (const Writer::Rec& x : *recs) globals += x.local ? 0 : 1;
  }
  return traces::Write(
      name, Writer::FileHead() + w.Chunk(0, r.m0) + w.Chunk(1, r.m1) + w.End(globals, r.m0.size() + r.m1.size()));
}

TEST(ReplayV2Test, TheRecordingSaysWhichMAddsFirst) {
  for (const bool m1_first : {true, false}) {
    const int64_t m1_live = m1_first ? kPage : 2 * kPage;
    auto rep = ReplayV2(Write("two.rec", TwoAllocations(m1_first, m1_live)), ReplayV2Options());
    ASSERT_TRUE(rep.ok()) << rep.status();
    EXPECT_TRUE(rep->ok()) << rep->divergence->why << ": " << rep->divergence->expected << " / "
                           << rep->divergence->simulated;
    EXPECT_EQ(rep->gomaxprocs, 2);
    EXPECT_EQ(rep->allocs, 2u);
    EXPECT_EQ(rep->counts["HL"].matched, 2u);
    EXPECT_EQ(rep->counts["HL"].total, 2u);
    EXPECT_EQ(rep->counts["Z"].matched, 2u);
    EXPECT_EQ(rep->counts["CS"].matched, 2u);
  }
}

TEST(ReplayV2Test, AValueTheModelDoesNotComputeIsTheDivergence) {
  // M1 added first, but the record says heap_live was 2 pages after it.
  auto rep = ReplayV2(Write("wrong.rec", TwoAllocations(true, 2 * kPage)), ReplayV2Options());
  ASSERT_TRUE(rep.ok()) << rep.status();
  ASSERT_FALSE(rep->ok());
  const ReplayV2Divergence& d = *rep->divergence;
  EXPECT_EQ(d.m, 1u);
  EXPECT_EQ(d.p, 1);
  EXPECT_EQ(d.g, 2);
  EXPECT_EQ(d.expected, "HL P1 g2 8192 16384");
  EXPECT_EQ(d.simulated, "HL 8192 8192");
  // M0 waits at its own add, which the recording has next.
  ASSERT_EQ(d.waits.size(), 2u);
  EXPECT_EQ(d.waits[0], "M0 (P0): waits at HL 8192 8192");
  EXPECT_TRUE(absl::StrContains(d.state, "heap_live 0,")) << d.state;  // the add did not happen
}

TEST(ReplayV2Test, ARecordNoCallCanMakeIsTheDivergence) {
  Recording r = TwoAllocations(true, kPage);
  // M1's request is gone: its records have no call to come from.
  r.m1.erase(r.m1.begin());
  auto rep = ReplayV2(Write("orphan.rec", r), ReplayV2Options());
  ASSERT_TRUE(rep.ok()) << rep.status();
  ASSERT_FALSE(rep->ok());
  EXPECT_EQ(rep->divergence->expected, "DR P1 g2 0");
  EXPECT_EQ(rep->divergence->why, "no call of the M under way makes this record, and it begins none");
}

TEST(ReplayV2Test, WhatAnMMadeAfterTheRecorderClosedIsCutNotCompared) {
  // The recorder's close keeps each M's records up to where it took the
  // M's buffer; M1's mallocgc finished after that (its CS and Z).
  Recording r = TwoAllocations(true, kPage);
  r.m1.resize(r.m1.size() - 2);
  auto rep = ReplayV2(Write("cut.rec", r), ReplayV2Options());
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_TRUE(rep->ok()) << rep->divergence->why;
  EXPECT_EQ(rep->cut, 2u);
  EXPECT_EQ(rep->counts["Z"].matched, 1u);
  // A record missing before one the M did record is still a divergence.
  Recording gap = TwoAllocations(true, kPage);
  gap.m1.erase(gap.m1.end() - 2);  // M1's CS, before its Z
  auto rep2 = ReplayV2(Write("gap.rec", gap), ReplayV2Options());
  ASSERT_TRUE(rep2.ok()) << rep2.status();
  ASSERT_FALSE(rep2->ok());
  EXPECT_EQ(rep2->divergence->simulated, "CS 6 842350469120 0 0 8192");
}

TEST(ReplayV2Test, ADivergenceWhileAStackSpanWaitsIsReported) {
  // A stack's first span: the heap grows by 1 MiB, whose free span enters
  // the treap (its TP input) before the MA; the recording has no TP, so
  // the stack span's call waits at it when the MA comes.
  Recording r;
  const int kMA = V2TagOf("MA");
  r.m0 = {{0, 0, 1, kMA, {kArena, 4}},
          {1, 0, 1, V2TagOf("H"), {2, 100, 4 << 20, kArena, kArena + 2 * kPage, 2000}},
          {2, 0, 1, V2TagOf("ZB"), {0x546f48}}};
  auto rep = ReplayV2(Write("stack.rec", r), ReplayV2Options());
  ASSERT_TRUE(rep.ok()) << rep.status();
  ASSERT_FALSE(rep->ok());
  EXPECT_EQ(rep->divergence->expected, "MA P0 g1 842350460928 4");
  ASSERT_EQ(rep->divergence->waits.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(rep->divergence->waits[0], "the stack spans' M: waits at TP"))
      << rep->divergence->waits[0];
}

// An allocation its M recorded nothing inside (AZ, the request and its
// result together: mallocgc's fast path) runs with no fiber; its result is
// compared as the Z it stands for, and a lock or sync point its call
// reaches is a divergence.
Recording WithAZ(int64_t size, int64_t addr) {
  Recording r = TwoAllocations(true, kPage);
  // After M0's first object, before gcenable's H.
  r.m0.insert(r.m0.end() - 2, {0, 0, 1, traces::kV2TagAZ, {size, size, size - 16, 4, 1002, addr}, true});
  return r;
}

TEST(ReplayV2Test, AnAllocationRecordedWithNothingInsideIsComparedAsItsZ) {
  // 376 bytes again: the next 384-byte slot of M0's span.
  auto rep = ReplayV2(Write("az.rec", WithAZ(376, kArena + 384)), ReplayV2Options());
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_TRUE(rep->ok()) << rep->divergence->why << ": " << rep->divergence->expected << " / "
                         << rep->divergence->simulated;
  EXPECT_EQ(rep->allocs, 3u);
  EXPECT_EQ(rep->counts["Z"].matched, 3u);
  EXPECT_EQ(rep->counts["Z"].total, 3u);

  auto wrong = ReplayV2(Write("az-wrong.rec", WithAZ(376, kArena + 768)), ReplayV2Options());
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  ASSERT_FALSE(wrong->ok());
  const ReplayV2Divergence& d = *wrong->divergence;
  EXPECT_EQ(d.expected, "Z P0 g1 " + std::to_string(kArena + 768));
  EXPECT_EQ(d.simulated, "Z " + std::to_string(kArena + 384));
  EXPECT_EQ(d.why, "the M's call made another record");
  // M0's first Z came before; M1's come last (after its last global).
  EXPECT_EQ(wrong->counts["Z"].matched, 1u);
  EXPECT_EQ(wrong->counts["Z"].total, 2u);

  // 24 bytes: P0 has no span of that class, so the call must refill
  // (mcentral's lock), which an AZ says it did not.
  auto refill = ReplayV2(Write("az-refill.rec", WithAZ(24, kArena + 2 * kPage)), ReplayV2Options());
  ASSERT_TRUE(refill.ok()) << refill.status();
  ASSERT_FALSE(refill->ok());
  EXPECT_EQ(refill->divergence->simulated, "a lock");
  EXPECT_TRUE(absl::StrContains(refill->divergence->why, "nothing of the M inside this allocation (AZ)"))
      << refill->divergence->why;
  EXPECT_EQ(refill->divergence->index, wrong->divergence->index);  // the Z of the same record
}

TEST(ReplayV2Test, ARecordingWithoutGcenablesRecordsIsBadInput) {
  Recording r = TwoAllocations(true, kPage);
  r.m0.pop_back();  // ZB
  auto rep = ReplayV2(Write("nozb.rec", r), ReplayV2Options());
  ASSERT_FALSE(rep.ok());
  EXPECT_TRUE(absl::StrContains(rep.status().message(), "no ZB record")) << rep.status();
}

}  // namespace
}  // namespace gogcsim::scenarios
