// Port of the parts of Go 1.10.2 src/runtime/proc.go that shape garbage
// collection: Ps with local run queues and a global queue, schedule() with
// the GC worker check and the every-61st-tick global poll, work stealing,
// Gosched, park/ready, sysmon's 10 ms preemption, and stop/start the world.
//
// Gs are state machines: the scheduler calls a G's body for one step at a
// time; the step charges the virtual time it used (Charge) and says what the
// G does next. Effects of a step happen at the step's start time; the P's
// next step starts when the charged time has passed. Only Ps hold Ms here,
// each on its own thread: with set_cpus, the threads share the machine's
// CPUs (sim::Cpus), and a step waits for one; without, each P has its own.
#ifndef GOGCSIM_MODEL_PROC_H_
#define GOGCSIM_MODEL_PROC_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <array>
#include <vector>

#include "model/malloc.h"
#include "model/mcache.h"
#include "model/mgcwork.h"
#include "sim/cpus.h"
#include "sim/event_queue.h"
#include "sim/rng.h"

namespace gogcsim::model {

inline constexpr int64_t kForcePreemptNS = 10'000'000;  // sysmon's time slice

// sysmon's sleep before its next check, ns: 20 us for the first 51 rounds,
// then doubling up to 10 ms (proc.go's sysmon loop; `idle` never resets,
// because retake returns non-zero only for Ps taken from syscalls, which the
// simulator does not have).
class SysmonDelay {
 public:
  int64_t Next() {
    if (idle_ == 0) {
      delay_us_ = 20;
    } else if (idle_ > 50) {
      delay_us_ *= 2;
    }
    if (delay_us_ > 10 * 1000) delay_us_ = 10 * 1000;
    idle_++;
    return delay_us_ * 1000;
  }

 private:
  int64_t idle_ = 0;
  int64_t delay_us_ = 0;
};

// Virtual-time costs of the runtime's work, in ns. Defaults are typical of
// a 2017-era x86 server core; the README lists them.
struct CostModel {
  int64_t malloc_ns = 20;              // one mallocgc fast path
  double malloc_ns_per_byte = 0.05;    // zeroing and first touch of the object
  int64_t refill_ns = 300;             // mcache.refill / large alloc: lock + span setup
  double scan_ns_per_byte = 0.5;       // scanobject per byte of scan work
  int64_t grey_ns = 5;                 // greyobject per pointer found
  int64_t root_job_ns = 2000;          // one markroot job, fixed part
  double stack_scan_ns_per_byte = 0.1; // scanstack per byte of stack
  int64_t sweep_span_ns = 200;         // mspan.sweep fixed part
  int64_t sweep_ns_per_object = 3;     // per slot examined
  int64_t schedule_ns = 200;           // schedule() + execute (context switch)
  int64_t stw_ns = 30'000;             // stopTheWorld + startTheWorld, fixed
  int64_t stw_ns_per_p = 5'000;        // per P stopped
  int64_t mark_term_ns = 50'000;       // gcMarkTermination's fixed work
  int64_t mark_term_ns_per_p = 10'000; // flushing each P's mcache and gcWork
  int64_t gc_step_ns = 20'000;         // GC work per scheduler step (event granularity)
};

struct P;
struct G;
class Sched;

enum class GStatus { kRunnable, kRunning, kWaiting, kDead };

// What a G does after a step.
enum class GStep {
  kContinue,       // keep running on this P
  kGosched,        // yield: to the global run queue (also gopreempt_m)
  kPark,           // wait until someone calls Sched::Ready
  kExit,           // goexit
  kStopTheWorld,   // the body called Sched::StopTheWorld; resume after it
};

class GBody {
 public:
  virtual ~GBody() = default;
  virtual GStep Step(Sched& sched, P* p, G* g) = 0;
};

struct G {
  int64_t goid = 0;
  std::string name;
  GStatus status = GStatus::kRunnable;
  GBody* body = nullptr;
  bool preempt = false;        // sysmon asked it to stop
  int64_t gcAssistBytes = 0;   // allocation credit, bytes
  // Pointer slots this G holds (its stack and the globals it owns), scanned
  // as a stack root; 0 is nil.
  std::vector<uint64_t> roots;
  uint64_t stack_bytes = 8192;
  // Collector bookkeeping.
  int assist_state = 0;        // mgc.cc: where a parked allocation resumes
  bool in_assist_queue = false;
  bool gcscandone = false;  // stack scanned this cycle (the write barrier's "grey stack" test)
  bool sched_preemptible = true;  // false: the body polls preempt itself (mark workers)
};

enum class MarkWorkerMode { kNone, kDedicated, kFractional, kIdle };

struct P {
  int id = 0;
  std::unique_ptr<MCache> mcache;
  GcWork gcw;
  std::deque<G*> runq;  // local run queue (runnext is runq's front when set)
  G* runnext = nullptr;
  G* curg = nullptr;
  uint64_t schedtick = 0;  // incremented by every schedule that takes a new time slice
  // p.sysmontick: the schedtick sysmon last saw and when it saw it change, ns.
  uint64_t sysmon_schedtick = 0;
  int64_t sysmon_schedwhen = 0;
  // GC
  G* gcBgMarkWorker = nullptr;
  MarkWorkerMode gcMarkWorkerMode = MarkWorkerMode::kNone;
  int64_t gcMarkWorkerStartTime = 0;
  int64_t gcFractionalMarkTime = 0;
  int64_t gcAssistTime = 0;
  // Simulation
  bool idle = false;
  bool stopped = false;
  bool has_event = false;
  int64_t busy_ns = 0;  // virtual CPU time spent running Gs
};

// The GC's entry points into schedule().
class GcScheduling {
 public:
  virtual ~GcScheduling() = default;
  virtual bool BlackenEnabled() const = 0;
  // findRunnableGCWorker: the P's dedicated or fractional worker, or null.
  virtual G* FindRunnableGCWorker(P* p) = 0;
  // findrunnable's idle-time marking, or null.
  virtual G* FindIdleGCWorker(P* p) = 0;
};

class Sched {
 public:
  Sched(sim::EventQueue* queue, int gomaxprocs, const CostModel& costs, uint64_t seed, Malloc* malloc,
        WorkbufPool* wbufs);
  sim::EventQueue* queue() const { return queue_; }
  // work.full / work.empty, shared by every P's gcWork.
  WorkbufPool* wbufs() const { return wbufs_; }

  void set_gc(GcScheduling* gc) { gc_ = gc; }
  // P i runs on thread i of cpus (which has a thread per P), before any
  // step runs.
  void set_cpus(sim::Cpus* cpus) { cpus_ = cpus; }
  int gomaxprocs() const { return static_cast<int>(ps_.size()); }
  P* p(int i) { return ps_[i].get(); }
  const std::vector<std::unique_ptr<P>>& ps() const { return ps_; }
  const CostModel& costs() const { return costs_; }

  // newproc: a runnable G on p's run queue (or the global one if p is null).
  G* NewG(std::string name, GBody* body, P* p);
  // A G created waiting (parked), to be handed out by the GC's scheduling.
  G* NewParkedG(std::string name, GBody* body);
  const std::vector<std::unique_ptr<G>>& allgs() const { return allgs_; }

  // Virtual time: the current step's start plus what it has charged.
  int64_t Now() const { return queue_->Now() + (cur_p_ != nullptr ? charged_ : 0); }
  void Charge(int64_t ns) { charged_ += ns; }
  int64_t charged() const { return charged_; }
  P* current_p() const { return cur_p_; }

  // ready(gp): runnable again, put on the current P's runnext (or the
  // global queue with no current P) and wake an idle P.
  void Ready(G* g, bool next = true);
  // globrunqput.
  void GlobRunqPut(G* g);
  // injectglist for one waiting G: runnable on the global queue, wake a P.
  void Inject(G* g);
  // Moves every G in p's local queue to the global queue.
  void KickLocalRunq(P* p);
  bool GlobalRunqEmpty() const { return global_.empty(); }
  bool LocalRunqEmpty(const P* p) const { return p->runnext == nullptr && p->runq.empty(); }
  // Wakes one idle P (wakep), if any.
  void WakeP();

  // The current G asks to stop the world; its step must return
  // GStep::kStopTheWorld. When every other P has stopped (at its next step
  // boundary), body runs on the caller's P and may Charge the pause; the
  // world then starts again and the caller continues.
  void StopTheWorld(std::function<void()> body);
  bool stw_pending() const { return stw_pending_; }

  // sysmon's retake: asks the G of every P that has run one time slice
  // (kForcePreemptNS between two of sysmon's looks) to stop.
  void Retake(int64_t now);

  // Runs until stop() is true or nothing is left to do.
  void Run(const std::function<bool()>& stop);

 private:
  void PStep(P* p);
  void ScheduleP(P* p, int64_t at);
  // p's thread runs fn at `at` (on a CPU, with cpus_). A template: the
  // event queue's std::function is made once, from the lambda itself.
  template <typename F>
  void RunOnThread(P* p, int64_t at, F&& fn) {
    if (cpus_ != nullptr) {
      cpus_->RunAt(p->id, at, std::forward<F>(fn));
    } else {
      queue_->Schedule(at, std::forward<F>(fn));
    }
  }
  // The thread of p, which is stepping, sleeps from `at` (stopm).
  void SleepThread(P* p, int64_t at);
  G* Schedule(P* p, bool* inherit);
  G* FindRunnable(P* p, bool* inherit);
  G* RunqGet(P* p, bool* inherit);
  G* GlobRunqGet(P* p);
  void Execute(P* p, G* g, bool inherit);
  void TryCompleteStw();
  void Idle(P* p);
  // goschedImpl: p's running G back to the global queue.
  void GoschedCurrent(P* p);

  sim::EventQueue* queue_;
  CostModel costs_;
  WorkbufPool* wbufs_;
  sim::Rng rng_;  // steal order (fastrand)
  GcScheduling* gc_ = nullptr;
  sim::Cpus* cpus_ = nullptr;
  std::vector<std::unique_ptr<P>> ps_;
  std::vector<std::unique_ptr<G>> allgs_;
  std::deque<G*> global_;
  int64_t charged_ = 0;
  P* cur_p_ = nullptr;
  int64_t next_goid_ = 1;
  // stop the world
  bool stw_pending_ = false;
  P* stw_owner_ = nullptr;
  std::function<void()> stw_body_;
  int64_t stw_request_time_ = 0;
  bool stw_scheduled_ = false;
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_PROC_H_
