// Issue 3's conformance check: replaying every allocation request and manual
// span of each reference recording up to its first GC, the ported allocator
// must reproduce every Z (address), CS, UC and L record of the real go1.10.2
// run exactly.
#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "scenarios/reference_replay.h"
#include "traces/reference_files.h"

namespace gogcsim {
namespace {

class AllocatorConformance : public ::testing::TestWithParam<const char*> {};

TEST_P(AllocatorConformance, EveryRecordBeforeTheFirstGCMatches) {
  absl::StatusOr<std::string> path = traces::ReferenceFile(std::string(GetParam()) + ".rec.gz");
  ASSERT_TRUE(path.ok()) << path.status();
  scenarios::ReplayOptions opts;
  opts.stop_at_first_gc = true;
  opts.check_invariants = true;
  absl::StatusOr<scenarios::ReplayReport> rep = scenarios::ReplayReference(*path, opts);
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_TRUE(rep->stopped_at_first_gc);
  std::printf("%s: %llu lines, %llu allocation requests before the first GC\n", GetParam(),
              static_cast<unsigned long long>(rep->lines), static_cast<unsigned long long>(rep->allocs));
  for (const auto& [tag, c] : rep->records) {
    std::printf("  %-3s %8llu / %-8llu matched\n", tag.c_str(), static_cast<unsigned long long>(c.matched),
                static_cast<unsigned long long>(c.total));
    EXPECT_EQ(c.matched, c.total) << tag;
  }
  // Every kind the issue names was present and checked.
  EXPECT_GT(rep->records["Z"].total, 10000u);
  EXPECT_GT(rep->records["CS"].total, 300u);
  if (rep->first_divergence) {
    const auto& d = *rep->first_divergence;
    ADD_FAILURE() << "first divergence at line " << d.line << "\n  recorded:  " << d.expected
                  << "\n  simulated: " << d.simulated << "\n  state: " << d.state;
  }
}

INSTANTIATE_TEST_SUITE_P(Recordings, AllocatorConformance, ::testing::ValuesIn(traces::kReferenceRecordings),
                         [](const auto& info) { return traces::RecordingIdentifier(info.param); });

}  // namespace
}  // namespace gogcsim
