#include "scenarios/synthetic.h"

#include "gtest/gtest.h"

namespace gogcsim::scenarios {
namespace {

TEST(Synthetic, SameConfigSameResult) {
  SyntheticConfig c;
  c.allocations = 20000;
  auto a = RunSynthetic(c), b = RunSynthetic(c);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->heap_live, b->heap_live);
  EXPECT_EQ(a->bytes_requested, b->bytes_requested);
  EXPECT_EQ(a->objects_by_class, b->objects_by_class);
  c.seed = 2;
  auto d = RunSynthetic(c);
  ASSERT_TRUE(d.ok());
  EXPECT_NE(a->bytes_requested, d->bytes_requested);
}

TEST(Synthetic, AccountingHoldsTogether) {
  SyntheticConfig c;
  c.allocations = 50000;
  c.gomaxprocs = 4;
  auto r = RunSynthetic(c);
  ASSERT_TRUE(r.ok()) << r.status();
  // Without a collector nothing is freed: every requested byte is live, and
  // rounding, tiny blocks and cached spans' free slots only add to it.
  EXPECT_GE(r->heap_live, r->bytes_requested - 16 * r->tiny_combined);
  EXPECT_LE(r->heap_live, r->heap_inuse);
  EXPECT_EQ(r->heap_inuse + r->heap_idle, r->heap_sys);
  EXPECT_EQ(r->heap_inuse, r->spans_in_use * 8192);
  EXPECT_EQ(r->virtual_ns, 50000 * 100);
  EXPECT_GT(r->large, 0u);
}

TEST(Synthetic, BadConfigIsAnError) {
  SyntheticConfig c;
  c.gomaxprocs = 0;
  EXPECT_FALSE(RunSynthetic(c).ok());
  EXPECT_EQ(BuiltinScenario("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(BuiltinScenario("alloc-mix").ok());
}

}  // namespace
}  // namespace gogcsim::scenarios
