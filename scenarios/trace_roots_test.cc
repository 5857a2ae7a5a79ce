#include "scenarios/trace_roots.h"

#include "gtest/gtest.h"
#include "scenarios/machine.h"

namespace gogcsim::scenarios {
namespace {

class Idle : public model::GBody {
 public:
  model::GStep Step(model::Sched&, model::P*, model::G*) override { return model::GStep::kPark; }
};

TEST(TraceRoots, SlotsHoldTheLiveObjectsAndAreReused) {
  RunConfig cfg;
  Machine mc(cfg, nullptr, nullptr);
  ASSERT_TRUE(mc.Boot().ok());
  Idle body;
  model::G* holder = mc.sched().NewParkedG("roots", &body);
  TraceRoots roots(holder);
  roots.Keep(0, 0x1000);
  roots.Keep(2, 0x2000);  // object 1 is zero-size: never held
  EXPECT_EQ(holder->roots, (std::vector<uint64_t>{0x1000, 0x2000}));
  EXPECT_EQ(holder->stack_bytes, 8192u);
  roots.Kill(&mc.gc(), holder, 0);
  roots.Kill(&mc.gc(), holder, 0);  // dead already: nothing
  roots.Kill(&mc.gc(), holder, 1);  // never held: nothing
  roots.Kill(&mc.gc(), holder, 9);  // not allocated: nothing
  EXPECT_EQ(holder->roots, (std::vector<uint64_t>{0, 0x2000}));
  roots.Keep(3, 0x3000);  // takes the freed slot
  EXPECT_EQ(holder->roots, (std::vector<uint64_t>{0x3000, 0x2000}));
  for (uint64_t i = 4; i < 2000; i++) roots.Keep(i, 0x10000 + 16 * i);
  EXPECT_EQ(holder->roots.size(), 1998u);
  EXPECT_EQ(holder->stack_bytes, 1998u * 8);  // scanned as a stack of that many words
}

}  // namespace
}  // namespace gogcsim::scenarios
