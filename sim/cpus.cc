#include "sim/cpus.h"

#include <algorithm>
#include <utility>

#include "sim/check.h"

namespace gogcsim::sim {

Cpus::Cpus(EventQueue* queue, int ncpu, int nthreads) : queue_(queue), ncpu_(ncpu), threads_(nthreads) {
  GOGCSIM_CHECK(ncpu >= 1 && nthreads >= 1);
  // sysctl_sched_latency 6 ms, min_granularity 0.75 ms, wakeup_granularity
  // 1 ms, each times 1 + ilog2(min(ncpu, 8)).
  int64_t factor = 1;
  for (int n = std::min(ncpu, 8); n > 1; n >>= 1) factor++;
  latency_ns_ = 6'000'000 * factor;
  min_granularity_ns_ = 750'000 * factor;
  wakeup_granularity_ns_ = 1'000'000 * factor;
}

int64_t Cpus::vruntime(int t) const {
  const Thread& x = threads_[t];
  return x.state == State::kRunning ? x.vruntime + (queue_->Now() - x.on_since) : x.vruntime;
}

void Cpus::RunAt(int t, int64_t at, Callback step) {
  Thread& x = threads_[t];
  GOGCSIM_CHECK(at >= queue_->Now());
  if (x.state == State::kSleeping) {
    x.state = State::kWaking;
    x.step = std::move(step);
    x.ev = queue_->Schedule(at, [this, t] { Wake(t); });
    return;
  }
  GOGCSIM_CHECK(x.state == State::kRunning);
  if (x.sleep_after) {  // woken before it left its CPU: it stays on it
    queue_->Cancel(x.ev);
    at = std::max(at, x.step_at);
    x.sleep_after = false;
  } else {
    GOGCSIM_CHECK(x.step == nullptr);  // one successor per step
  }
  x.step = std::move(step);
  x.step_at = at;
  x.ev = queue_->Schedule(at, [this, t] { Boundary(t); });
}

void Cpus::SleepAt(int t, int64_t at) {
  Thread& x = threads_[t];
  GOGCSIM_CHECK(x.state == State::kRunning && at >= queue_->Now());
  x.step = nullptr;
  x.sleep_after = true;
  x.step_at = at;
  x.ev = queue_->Schedule(at, [this, t] { Boundary(t); });
}

int64_t Cpus::MinVruntime() {
  // cfs_rq->min_vruntime: the least vruntime of the runnable threads, never
  // moving back.
  bool any = false;
  int64_t least = 0;
  for (int t = 0; t < static_cast<int>(threads_.size()); t++) {
    const State s = threads_[t].state;
    if (s != State::kRunning && s != State::kQueued) continue;
    const int64_t v = vruntime(t);
    if (!any || v < least) least = v;
    any = true;
  }
  if (any) min_vruntime_ = std::max(min_vruntime_, least);
  return min_vruntime_;
}

void Cpus::Wake(int t) {
  Thread& x = threads_[t];
  x.vruntime = std::max(x.vruntime, MinVruntime() - latency_ns_ / 2);
  if (running_ < ncpu_) {
    Start(t);
    return;
  }
  // Wakeup preemption of the running thread furthest ahead.
  int victim = -1;
  for (int c = 0; c < static_cast<int>(threads_.size()); c++) {
    if (threads_[c].state != State::kRunning) continue;
    if (victim < 0 || vruntime(c) > vruntime(victim)) victim = c;
  }
  Enqueue(t);
  if (vruntime(victim) - x.vruntime > wakeup_granularity_ns_) {
    Preempt(victim);
    Dispatch();
  }
}

void Cpus::Boundary(int t) {
  Thread& x = threads_[t];
  GOGCSIM_CHECK(x.state == State::kRunning);
  if (x.sleep_after) {
    x.sleep_after = false;
    Account(t);
    x.state = State::kSleeping;
    running_--;
    Dispatch();
    return;
  }
  if (queued_ > 0 && SliceOver(t)) {
    Preempt(t);
    Dispatch();
    return;
  }
  Callback step = std::move(x.step);
  x.step = nullptr;
  x.ev = {};
  step();
  // The step named its successor, or left the CPU.
  GOGCSIM_CHECK(x.state != State::kRunning || x.step != nullptr || x.sleep_after);
}

void Cpus::Start(int t) {
  Thread& x = threads_[t];
  const int64_t now = queue_->Now();
  if (x.state == State::kQueued) {
    queued_--;
    x.waited_ns += now - x.queued_since;
  }
  x.state = State::kRunning;
  running_++;
  GOGCSIM_CHECK(running_ <= ncpu_);
  x.on_since = now;
  x.slice_start = now;
  x.step_at = now + x.remaining;
  x.remaining = 0;
  x.ev = queue_->Schedule(x.step_at, [this, t] { Boundary(t); });
}

void Cpus::Preempt(int t) {
  Thread& x = threads_[t];
  const int64_t now = queue_->Now();
  queue_->Cancel(x.ev);
  x.remaining = x.step_at - now;  // the rest of its step, after it gets a CPU back
  Account(t);
  running_--;
  Enqueue(t);
}

void Cpus::Enqueue(int t) {
  Thread& x = threads_[t];
  x.state = State::kQueued;
  x.queued_since = queue_->Now();
  x.queue_seq = next_seq_++;
  queued_++;
}

void Cpus::Dispatch() {
  if (running_ >= ncpu_ || queued_ == 0) return;
  int best = -1;
  for (int t = 0; t < static_cast<int>(threads_.size()); t++) {
    const Thread& x = threads_[t];
    if (x.state != State::kQueued) continue;
    if (best < 0 || x.vruntime < threads_[best].vruntime ||
        (x.vruntime == threads_[best].vruntime && x.queue_seq < threads_[best].queue_seq)) {
      best = t;
    }
  }
  Start(best);
}

void Cpus::Account(int t) {
  Thread& x = threads_[t];
  const int64_t now = queue_->Now();
  x.vruntime += now - x.on_since;
  x.on_since = now;
}

bool Cpus::SliceOver(int t) const {
  // sched_slice: the period (latency, or min_granularity per thread when
  // more than latency/min_granularity share a CPU) over the threads of one
  // CPU; check_preempt_tick compares it at the last tick.
  const int64_t per_cpu = (running_ + queued_ + ncpu_ - 1) / ncpu_;
  const int64_t period = per_cpu > latency_ns_ / min_granularity_ns_ ? per_cpu * min_granularity_ns_ : latency_ns_;
  const int64_t slice = period / per_cpu;
  const int64_t now = queue_->Now();
  const int64_t tick = now - now % kTickNs;
  return tick - threads_[t].slice_start >= slice;
}

}  // namespace gogcsim::sim
