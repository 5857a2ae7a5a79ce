#include "traces/recording_check.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "traces/recording_v2_test_writer.h"

namespace gogcsim::traces {
namespace {

const int kH = V2TagOf("H"), kA = V2TagOf("A"), kZ = V2TagOf("Z"), kCS = V2TagOf("CS"), kUC = V2TagOf("UC"),
          kL = V2TagOf("L"), kHL = V2TagOf("HL");
constexpr int64_t kSpan = 842350460928;  // a class-5 span (1 page)

// P0 caches a span of class 5 (spanclass 10: 48-byte objects) and serves
// two requests from it; goroutine 7's second request is served on P0 and
// returns on P1 (it blocked in between); a UC then takes the span back.
std::string Good(Writer& w, int64_t second_addr) {
  return Writer::FileHead() +
         w.Chunk(0, {{0, 0, 1, kH, {2, 100, 4194304, 0, 0, 10}},
                     {0, 0, 7, kA, {48, 48, 48, 4, 20}, true},
                     {1, 0, 7, kHL, {8192, 8192}},
                     {0, 0, 7, kCS, {10, kSpan, 0, 0, 8192}, true},
                     {0, 0, 7, kZ, {kSpan}, true},
                     {0, 0, 7, kA, {40, 48, 48, 4, 30}, true},
                     {2, 0, 7, kHL, {0, 8192}}}) +
         w.Chunk(1, {{3, 1, 7, kHL, {0, 8192}}, {0, 1, 7, kZ, {second_addr}, true},
                     {4, 1, 9, kUC, {10, kSpan, 2, 8096}}}) +
         w.End(5, 10);
}

TEST(CheckRecording, AConsistentRecording) {
  Writer w;
  absl::StatusOr<RecordingCheck> c = CheckRecording(Write("good.rec", Good(w, kSpan + 48)));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->violation, "");
  EXPECT_EQ(c->allocations, 2u);
  EXPECT_EQ(c->in_cached_span, 2u);
  EXPECT_EQ(c->goroutines, 1u);
  EXPECT_EQ(c->gomaxprocs, 2);
  EXPECT_EQ(c->allocations_by_p.at(0), 2u);
}

TEST(CheckRecording, AnObjectOutsideItsPsSpans) {
  Writer w;
  absl::StatusOr<RecordingCheck> c = CheckRecording(Write("out.rec", Good(w, kSpan + 8192)));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(absl::StrContains(c->violation, "is in no span the mcache of P 0")) << c->violation;
}

TEST(CheckRecording, AZWithoutItsA) {
  Writer w;
  const std::string bytes = Writer::FileHead() + w.Chunk(0, {{0, 0, 3, kZ, {kSpan}}}) + w.End(1, 1);
  absl::StatusOr<RecordingCheck> c = CheckRecording(Write("noa.rec", bytes));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(absl::StrContains(c->violation, "a Z with no open A")) << c->violation;
}

TEST(CheckRecording, ALargeObjectIsItsPsL) {
  Writer w;
  auto rec = [&](int64_t z) {
    return Writer::FileHead() +
           w.Chunk(0, {{0, 0, 1, kA, {40000, 0, 0, 3, 5}, true}, {0, 0, 1, kL, {5, kSpan, 40960}},
                       {0, 0, 1, kZ, {z}, true}}) +
           w.End(1, 3);
  };
  absl::StatusOr<RecordingCheck> c = CheckRecording(Write("large.rec", rec(kSpan)));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->violation, "");
  EXPECT_EQ(c->large, 1u);
  c = CheckRecording(Write("large2.rec", rec(kSpan + 8192)));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(absl::StrContains(c->violation, "is not its goroutine's last L")) << c->violation;
}

// Found by the recording fuzzer (testdata/fuzz/recording/
// crash-cs-span-class.rec): a CS record's span class indexed the size class
// table unchecked, so a corrupt one read far past it (a segfault in `trace
// check`). Now it is an error naming the file, chunk offset and record.
TEST(CheckRecording, ACsSpanClassOutsideTheSizeClassesIsAnError) {
  Writer w;
  auto rec = [&](int64_t spc) {
    return Writer::FileHead() +
           w.Chunk(0, {{0, 0, 1, kH, {1, 100, 4194304, 0, 0, 10}}, {0, 0, 1, kCS, {spc, kSpan, 0, 0, 8192}, true},
                       {1, 0, 1, kHL, {8192, 8192}}}) +
           w.End(2, 3);
  };
  for (int64_t spc : {int64_t{-1}, int64_t{0}, int64_t{1}, int64_t{134}, int64_t{1} << 62}) {
    absl::StatusOr<RecordingCheck> c = CheckRecording(Write("spc.rec", rec(spc)));
    ASSERT_FALSE(c.ok()) << spc;
    EXPECT_TRUE(absl::StrContains(
        c.status().message(),
        absl::StrCat("spc.rec: offset 16: record 1 (M 0): CS span class ", spc,
                     " is not that of a small size class (2..133)")))
        << c.status();
  }
  // 133: size class 66 (32 KiB, 4 pages), noscan.
  absl::StatusOr<RecordingCheck> c = CheckRecording(Write("spc.rec", rec(133)));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->violation, "");
}

}  // namespace
}  // namespace gogcsim::traces
