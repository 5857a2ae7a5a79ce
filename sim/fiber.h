// Fibers: functions that run on stacks of their own and suspend themselves
// back to whoever resumed them. The replay of a recording with several Ps
// runs each P's runtime call on a fiber until the call reaches its next
// sync point (an operation on state Ps share), and lets the recording say
// which P passes next; the ported runtime stays ordinary straight-line code.
//
// One thread runs one fiber at a time and every switch is explicit, so a
// run is as deterministic as plain code. Switching saves the callee-saved
// registers and the floating-point control words (MXCSR, x87) and swaps
// stacks: a few nanoseconds, where a thread hand-off costs microseconds
// (sim_benchmark's BM_FiberSwitch and BM_ThreadBatonSwitch). x86-64 only.
// Under AddressSanitizer every switch is announced to it.
#ifndef GOGCSIM_SIM_FIBER_H_
#define GOGCSIM_SIM_FIBER_H_

#include <cstddef>
#include <exception>
#include <functional>

namespace gogcsim::sim {

class Fiber {
 public:
  // A fiber that will run body on a stack of stack_bytes (plus a guard
  // page that stops an overflow with SIGSEGV). It starts at the first
  // Resume.
  explicit Fiber(std::function<void()> body, size_t stack_bytes = kDefaultStack);
  // A fiber that has not ended is abandoned: its frames' destructors do
  // not run.
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs the fiber until it calls Yield or its body returns. What the body
  // threw is rethrown here, once it has ended. Resuming an ended fiber, or
  // a fiber from inside itself, stops the run (GOGCSIM_CHECK).
  void Resume();
  // From inside a running fiber: suspends it, back to its Resume.
  static void Yield();
  // The fiber running now on this thread, or nullptr.
  static Fiber* Current();

  bool done() const { return done_; }

  static constexpr size_t kDefaultStack = 256 << 10;

  // A fiber's first frame (for the switch code only): runs the body, then
  // leaves the fiber for good.
  [[noreturn]] static void Main();

 private:
  std::function<void()> body_;
  void* stack_ = nullptr;  // mapping, guard page first
  size_t mapped_ = 0;
  size_t guard_ = 0;  // bytes of the guard page at the mapping's start
  void* sp_ = nullptr;          // saved stack pointer while suspended
  void* resumer_sp_ = nullptr;  // the resumer's, while running
  bool running_ = false;
  bool done_ = false;
  std::exception_ptr error_;
  void* asan_fake_ = nullptr;  // AddressSanitizer's fake stack of the resumer
  const void* resumer_bottom_ = nullptr;
  size_t resumer_size_ = 0;
};

}  // namespace gogcsim::sim

#endif  // GOGCSIM_SIM_FIBER_H_
