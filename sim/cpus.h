// The machine's CPUs, shared by the threads that want to run them as
// Linux's CFS shares them (kernel/sched/fair.c, with its default tunables).
// The simulated Go runtime runs each P on its own thread (M). When more
// threads want to run than there are CPUs (GOMAXPROCS above the machine's
// cores), a runnable thread waits, and the Go program sees a stall: a mark
// worker that makes no progress, or a P that reaches a stop-the-world late.
// Real go1.10.2 runs of churn at GOMAXPROCS 4 show it: 88–105 GC cycles on
// two CPUs, 62–75 when pinned to one.
//
// A thread runs a sequence of steps: each is a callback, and takes the CPU
// until the time the callback names for the next step (RunAt) or for
// leaving the CPU (SleepAt). The CFS rules kept:
// - each thread has a vruntime, the CPU time it has had, ns; a free CPU
//   goes to the waiting thread with the least (first come on ties);
// - a thread that wakes gets a vruntime of at least min_vruntime − latency/2
//   (GENTLE_FAIR_SLEEPERS), and takes the CPU of the running thread whose
//   vruntime is furthest ahead of its own, if by more than
//   wakeup_granularity; the preempted thread finishes its step later;
// - at each scheduler tick (HZ 250: every 4 ms), a running thread that has
//   run a slice (latency shared by the threads of one CPU, at least
//   min_granularity) while another waits gives up its CPU, at its next step
//   boundary.
// Linux keeps a run queue per CPU and balances them; one queue serves all
// here. The tunables scale by 1 + log2(min(CPUs, 8)) (SCHED_TUNABLESCALING_LOG).
#ifndef GOGCSIM_SIM_CPUS_H_
#define GOGCSIM_SIM_CPUS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/event_queue.h"

namespace gogcsim::sim {

class Cpus {
 public:
  using Callback = std::function<void()>;

  static constexpr int64_t kTickNs = 4'000'000;  // CONFIG_HZ_250

  // ncpu >= 1 CPUs for threads 0..nthreads-1, all asleep.
  Cpus(EventQueue* queue, int ncpu, int nthreads);
  Cpus(const Cpus&) = delete;
  Cpus& operator=(const Cpus&) = delete;

  // Thread t runs step at `at` (>= Now()). Called by a running thread from
  // its own step, `at` is that step's end: it keeps its CPU unless the tick
  // takes it. Called for a sleeping thread, t wakes at `at`. A running
  // thread whose SleepAt has not yet taken effect stays on its CPU and runs
  // step at the later of the two times.
  void RunAt(int t, int64_t at, Callback step);
  // Thread t, running, leaves its CPU at `at` (>= Now(), its step's end)
  // and sleeps until the next RunAt.
  void SleepAt(int t, int64_t at);

  int ncpu() const { return ncpu_; }
  bool running(int t) const { return threads_[t].state == State::kRunning; }
  int64_t vruntime(int t) const;  // ns, as of Now()
  int64_t waited_ns(int t) const { return threads_[t].waited_ns; }
  // Scaled tunables, ns.
  int64_t latency_ns() const { return latency_ns_; }
  int64_t min_granularity_ns() const { return min_granularity_ns_; }
  int64_t wakeup_granularity_ns() const { return wakeup_granularity_ns_; }

 private:
  enum class State { kSleeping, kWaking, kQueued, kRunning };
  struct Thread {
    State state = State::kSleeping;
    int64_t vruntime = 0;     // ns, as of on_since while running
    int64_t on_since = 0;     // when it last got a CPU
    int64_t slice_start = 0;  // ... and began its current slice
    int64_t queued_since = 0;
    int64_t waited_ns = 0;     // total time runnable without a CPU
    uint64_t queue_seq = 0;    // first come, on equal vruntime
    Callback step;             // the step to run next
    int64_t step_at = 0;       // running: when the current step ends
    int64_t remaining = 0;     // queued after a preemption: rest of its step, ns
    bool sleep_after = false;  // leaves the CPU at step_at instead of stepping
    EventQueue::EventId ev;
  };

  void Wake(int t);
  void Boundary(int t);
  // t takes a free CPU at Now().
  void Start(int t);
  // Running t leaves its CPU at Now() for the run queue.
  void Preempt(int t);
  // t joins the run queue at Now().
  void Enqueue(int t);
  // A CPU is free at Now(): the least-vruntime waiting thread takes it.
  void Dispatch();
  void Account(int t);  // adds the CPU time since on_since to t's vruntime
  bool SliceOver(int t) const;
  int64_t MinVruntime();

  EventQueue* queue_;
  int ncpu_;
  int running_ = 0;
  int queued_ = 0;
  uint64_t next_seq_ = 0;
  int64_t min_vruntime_ = 0;
  int64_t latency_ns_, min_granularity_ns_, wakeup_granularity_ns_;
  std::vector<Thread> threads_;
};

}  // namespace gogcsim::sim

#endif  // GOGCSIM_SIM_CPUS_H_
