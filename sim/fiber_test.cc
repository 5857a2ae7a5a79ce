#include "sim/fiber.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::sim {
namespace {

TEST(Fiber, ResumeRunsToTheNextYieldAndYieldReturnsToResume) {
  std::vector<std::string> log;
  Fiber f([&] {
    log.push_back("f1");
    Fiber::Yield();
    log.push_back("f2");
    Fiber::Yield();
    log.push_back("f3");
  });
  EXPECT_EQ(Fiber::Current(), nullptr);
  log.push_back("m1");
  f.Resume();
  log.push_back("m2");
  EXPECT_FALSE(f.done());
  f.Resume();
  log.push_back("m3");
  f.Resume();
  EXPECT_TRUE(f.done());
  EXPECT_EQ(log, (std::vector<std::string>{"m1", "f1", "m2", "f2", "m3", "f3"}));
}

// The order in which fibers pass their yields is the order they are
// resumed in, whatever it is: the scheduler's choice alone.
TEST(Fiber, InterleavingIsWhatTheResumerChooses) {
  std::vector<int> log;
  std::vector<std::unique_ptr<Fiber>> fs;
  for (int id = 0; id < 3; id++) {
    fs.push_back(std::make_unique<Fiber>([&log, id] {
      for (int step = 0; step < 3; step++) {
        log.push_back(id * 10 + step);
        Fiber::Yield();
      }
    }));
  }
  for (int k : {2, 0, 0, 1, 2, 1, 0, 2, 1}) fs[static_cast<size_t>(k)]->Resume();
  EXPECT_EQ(log, (std::vector<int>{20, 0, 1, 10, 21, 11, 2, 22, 12}));
  for (auto& f : fs) {
    EXPECT_FALSE(f->done());  // each is at its last yield
    f->Resume();
    EXPECT_TRUE(f->done());
  }
}

TEST(Fiber, LocalsAndRegistersSurviveSwitches) {
  // Values the compiler keeps in callee-saved registers and on the stack,
  // across switches to another fiber that uses the same registers.
  double sum_a = 0, sum_b = 0;
  Fiber a([&] {
    double x = 1.5;
    uint64_t n = 0x0123456789abcdef;
    for (int i = 0; i < 100; i++) {
      x = x * 1.0001 + i;
      n = n * 6364136223846793005u + 1442695040888963407u;
      Fiber::Yield();
    }
    sum_a = x + static_cast<double>(n >> 40);
  });
  Fiber b([&] {
    double y = -2.25;
    for (int i = 0; i < 100; i++) {
      y = y / 1.0002 - i;
      Fiber::Yield();
    }
    sum_b = y;
  });
  for (int i = 0; i <= 100; i++) {
    a.Resume();
    b.Resume();
  }
  double x = 1.5, y = -2.25;
  uint64_t n = 0x0123456789abcdef;
  for (int i = 0; i < 100; i++) {
    x = x * 1.0001 + i;
    n = n * 6364136223846793005u + 1442695040888963407u;
    y = y / 1.0002 - i;
  }
  EXPECT_EQ(sum_a, x + static_cast<double>(n >> 40));
  EXPECT_EQ(sum_b, y);
}

TEST(Fiber, AFiberResumesAnother) {
  std::vector<std::string> log;
  Fiber inner([&] {
    log.push_back("inner");
    EXPECT_EQ(Fiber::Current()->done(), false);
    Fiber::Yield();
    log.push_back("inner again");
  });
  Fiber outer([&] {
    log.push_back("outer");
    inner.Resume();  // back here at inner's yield
    log.push_back("outer after inner");
    Fiber::Yield();
    inner.Resume();
  });
  outer.Resume();
  EXPECT_EQ(Fiber::Current(), nullptr);
  outer.Resume();
  EXPECT_TRUE(outer.done());
  EXPECT_TRUE(inner.done());
  EXPECT_EQ(log, (std::vector<std::string>{"outer", "inner", "outer after inner", "inner again"}));
}

TEST(Fiber, WhatTheBodyThrowsComesOutOfResume) {
  Fiber f([] {
    Fiber::Yield();
    throw std::runtime_error("from the fiber");
  });
  f.Resume();
  try {
    f.Resume();
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "from the fiber");
  }
  EXPECT_TRUE(f.done());
}

int Depth(int n) {
  volatile char pad[256];
  pad[0] = static_cast<char>(n);
  return n == 0 ? pad[0] : Depth(n - 1) + 1;
}

TEST(Fiber, DeepCallsFitTheDefaultStack) {
  int got = 0;
  Fiber f([&] { got = Depth(500); });  // about 150 KiB of frames
  f.Resume();
  EXPECT_EQ(got, 500);
}

TEST(FiberDeathTest, ResumingAnEndedFiberStops) {
  Fiber f([] {});
  f.Resume();
  EXPECT_DEATH(f.Resume(), "check failed");
}

TEST(FiberDeathTest, YieldOutsideAFiberStops) { EXPECT_DEATH(Fiber::Yield(), "check failed"); }

}  // namespace
}  // namespace gogcsim::sim
