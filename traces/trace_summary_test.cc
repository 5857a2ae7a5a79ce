#include "traces/trace_summary.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "traces/test_util.h"
#include "traces/trace_format.h"
#include "traces/trace_writer.h"

namespace gogcsim::traces {
namespace {

std::string Write(const std::string& name, double clock_unit_ns) {
  const std::string path = TmpPath(name);
  v1::Header h;
  h.set_source("test");
  h.set_clock_unit_ns(clock_unit_ns);
  h.add_types()->set_size(8);
  absl::StatusOr<std::unique_ptr<TraceWriter>> w = TraceWriter::Create(path, h);
  EXPECT_TRUE(w.ok()) << w.status();
  TraceWriter& t = **w;
  t.GoStart(-1, 1, 100);
  t.Alloc(-1, 1, 0, 0, 100);      // o0: bucket 0
  t.Alloc(0, 1, 1, 0, 50);        // o1: bucket 1 (1 B); time goes back: earliest 50
  t.Alloc(0, 7, 2, 0, 120);       // o2: bucket 2 (2-3 B)
  t.Alloc(1, 7, 3, 0, 130);       // o3: bucket 2
  t.Alloc(1, 9, 16, 0, 300);      // o4: bucket 5 (16-31 B); latest time 300
  t.Alloc(0, 9, 40000, 0, 200);   // o5: bucket 16 (32768-65535 B)
  t.Death(1, 2);
  t.Death(4);
  t.Ref(RefTag::kMS, std::vector<int64_t>{999}.data());  // not a timed event: its field is not a time span
  EXPECT_TRUE(t.Finish().ok());
  return path;
}

TEST(SummarizeTrace, CountsByHand) {
  absl::StatusOr<TraceSummary> s = SummarizeTrace(Write("summary.trace", 1));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->events, 10u);
  EXPECT_EQ(s->by_kind[static_cast<int>(EventKind::kAlloc)], 6u);
  EXPECT_EQ(s->by_kind[static_cast<int>(EventKind::kGoStart)], 1u);
  EXPECT_EQ(s->by_kind[static_cast<int>(EventKind::kDeath)], 2u);
  EXPECT_EQ(s->by_kind[static_cast<int>(RefKind(RefTag::kMS))], 1u);
  EXPECT_EQ(s->allocations, 6u);
  EXPECT_EQ(s->alloc_bytes, 0u + 1 + 2 + 3 + 16 + 40000);
  EXPECT_EQ(s->goroutines, 3u);
  EXPECT_EQ(s->ps, (std::vector<int32_t>{-1, 0, 1}));
  EXPECT_EQ(s->deaths, 2u);
  EXPECT_EQ(s->deaths_with_earliest, 1u);
  EXPECT_EQ(s->footer.allocations_without_death(), 4u);
  ASSERT_TRUE(s->first_time.has_value());
  EXPECT_EQ(*s->first_time, 50);
  EXPECT_EQ(*s->last_time, 300);
  std::array<uint64_t, kSizeBuckets> count{}, bytes{};
  count[0] = 1;
  count[1] = 1;
  bytes[1] = 1;
  count[2] = 2;
  bytes[2] = 5;
  count[5] = 1;
  bytes[5] = 16;
  count[16] = 1;
  bytes[16] = 40000;
  EXPECT_EQ(s->size_count, count);
  EXPECT_EQ(s->size_bytes, bytes);
}

TEST(SummarizeTrace, NoClockNoTimeSpan) {
  absl::StatusOr<TraceSummary> s = SummarizeTrace(Write("noclock.trace", 0));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->first_time.has_value());
  EXPECT_FALSE(s->last_time.has_value());
}

TEST(SummarizeTrace, ErrorsNameTheFile) {
  absl::StatusOr<TraceSummary> s = SummarizeTrace(TmpPath("nope.trace"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.status().message()).find("nope.trace"), std::string::npos);
}

}  // namespace
}  // namespace gogcsim::traces
