// Port of the scheduling parts of Go 1.10.2 src/runtime/proc.go.
#include "model/proc.h"

#include <algorithm>
#include <utility>

#include "sim/check.h"

namespace gogcsim::model {

Sched::Sched(sim::EventQueue* queue, int gomaxprocs, const CostModel& costs, uint64_t seed, Malloc* malloc,
             WorkbufPool* wbufs)
    : queue_(queue), costs_(costs), wbufs_(wbufs), rng_(sim::Rng::Stream(seed, "sched.fastrand")) {
  GOGCSIM_CHECK(gomaxprocs >= 1);
  for (int i = 0; i < gomaxprocs; i++) {
    auto p = std::make_unique<P>();
    p->id = i;
    p->mcache = malloc->NewMCache();
    p->gcw.set_pool(wbufs);
    p->idle = true;
    ps_.push_back(std::move(p));
  }
}

G* Sched::NewG(std::string name, GBody* body, P* p) {
  auto g = std::make_unique<G>();
  g->goid = next_goid_++;
  g->name = std::move(name);
  g->body = body;
  G* raw = g.get();
  allgs_.push_back(std::move(g));
  if (p != nullptr) {
    p->runq.push_back(raw);
  } else {
    global_.push_back(raw);
  }
  WakeP();
  return raw;
}

G* Sched::NewParkedG(std::string name, GBody* body) {
  auto g = std::make_unique<G>();
  g->goid = next_goid_++;
  g->name = std::move(name);
  g->body = body;
  g->status = GStatus::kWaiting;
  allgs_.push_back(std::move(g));
  return allgs_.back().get();
}

void Sched::ScheduleP(P* p, int64_t at) {
  GOGCSIM_CHECK(!p->has_event);
  p->has_event = true;
  p->idle = false;
  RunOnThread(p, at, [this, p] { PStep(p); });
}

void Sched::SleepThread(P* p, int64_t at) {
  if (cpus_ != nullptr) cpus_->SleepAt(p->id, at);
}

void Sched::WakeP() {
  if (stw_pending_) return;
  for (auto& p : ps_) {
    if (p->idle && !p->has_event) {
      ScheduleP(p.get(), Now());
      return;
    }
  }
}

void Sched::Ready(G* g, bool next) {
  GOGCSIM_CHECK(g->status == GStatus::kWaiting);
  g->status = GStatus::kRunnable;
  if (cur_p_ == nullptr) {
    GlobRunqPut(g);
  } else if (next) {
    if (cur_p_->runnext != nullptr) cur_p_->runq.push_back(cur_p_->runnext);
    cur_p_->runnext = g;
  } else {
    cur_p_->runq.push_back(g);
  }
  WakeP();
}

void Sched::GlobRunqPut(G* g) { global_.push_back(g); }

void Sched::Inject(G* g) {
  GOGCSIM_CHECK(g->status == GStatus::kWaiting);
  g->status = GStatus::kRunnable;
  GlobRunqPut(g);
  WakeP();
}

void Sched::GoschedCurrent(P* p) {
  p->curg->status = GStatus::kRunnable;
  GlobRunqPut(p->curg);
  p->curg = nullptr;
}

void Sched::KickLocalRunq(P* p) {
  if (p->runnext != nullptr) {
    global_.push_back(p->runnext);
    p->runnext = nullptr;
  }
  while (!p->runq.empty()) {
    global_.push_back(p->runq.front());
    p->runq.pop_front();
  }
}

G* Sched::RunqGet(P* p, bool* inherit) {
  if (p->runnext != nullptr) {
    G* g = p->runnext;
    p->runnext = nullptr;
    *inherit = true;  // runnext shares the current time slice
    return g;
  }
  *inherit = false;
  if (p->runq.empty()) return nullptr;
  G* g = p->runq.front();
  p->runq.pop_front();
  return g;
}

G* Sched::GlobRunqGet(P* p) {
  // globrunqget(p, 0): take a fair share; the rest go to p's local queue.
  if (global_.empty()) return nullptr;
  size_t n = global_.size() / ps_.size() + 1;
  n = std::min(n, global_.size());
  n = std::min<size_t>(n, 128);  // len(p.runq)/2
  G* g = global_.front();
  global_.pop_front();
  for (size_t i = 1; i < n; i++) {
    p->runq.push_back(global_.front());
    global_.pop_front();
  }
  return g;
}

G* Sched::FindRunnable(P* p, bool* inherit) {
  *inherit = false;
  if (G* g = RunqGet(p, inherit)) return g;
  if (G* g = GlobRunqGet(p)) return g;
  // Steal half of another P's queue, visiting Ps from a random start.
  const size_t n = ps_.size();
  const size_t start = rng_.UniformInt(n);
  for (size_t k = 0; k < n; k++) {
    P* victim = ps_[(start + k) % n].get();
    if (victim == p) continue;
    if (victim->runq.empty()) {
      if (victim->runnext == nullptr || victim->curg == nullptr) continue;
      G* g = victim->runnext;  // stealing runnext from a running P
      victim->runnext = nullptr;
      return g;
    }
    const size_t take = victim->runq.size() - victim->runq.size() / 2;
    G* first = victim->runq.front();
    victim->runq.pop_front();
    for (size_t i = 1; i < take; i++) {
      p->runq.push_back(victim->runq.front());
      victim->runq.pop_front();
    }
    return first;
  }
  // Nothing to run: mark in the background if there is marking to do.
  if (gc_ != nullptr && gc_->BlackenEnabled()) return gc_->FindIdleGCWorker(p);
  return nullptr;
}

G* Sched::Schedule(P* p, bool* inherit) {
  *inherit = false;
  G* g = nullptr;
  if (gc_ != nullptr && gc_->BlackenEnabled()) g = gc_->FindRunnableGCWorker(p);
  if (g == nullptr && p->schedtick % 61 == 0 && !global_.empty()) g = GlobRunqGet(p);
  if (g == nullptr) g = RunqGet(p, inherit);
  if (g == nullptr) g = FindRunnable(p, inherit);
  return g;
}

void Sched::Execute(P* p, G* g, bool inherit) {
  GOGCSIM_CHECK(g->status == GStatus::kRunnable);
  g->status = GStatus::kRunning;
  g->preempt = false;
  if (!inherit) p->schedtick++;
  p->curg = g;
}

void Sched::Idle(P* p) {
  p->idle = true;
  SleepThread(p, Now());
  if (stw_pending_) TryCompleteStw();
}

void Sched::PStep(P* p) {
  p->has_event = false;
  cur_p_ = p;
  charged_ = 0;
  if (stw_pending_ && p != stw_owner_) {
    if (p->curg != nullptr && !p->curg->sched_preemptible) {
      // preemptall reaches a mark worker through its own preempt checks: it
      // runs until it parks, and the P stops at its next schedule.
      p->curg->preempt = true;
    } else {
      // Stopped by preemption: the running G goes through gopreempt_m to
      // the global queue, so after the pause this P schedules afresh (and
      // may pick up a mark worker).
      if (p->curg != nullptr) {
        p->curg->preempt = false;
        GoschedCurrent(p);
      }
      p->stopped = true;
      SleepThread(p, Now());
      TryCompleteStw();
      cur_p_ = nullptr;
      return;
    }
  }
  if (p->curg == nullptr) {
    bool inherit = false;
    G* g = Schedule(p, &inherit);
    if (g == nullptr) {
      Idle(p);
      cur_p_ = nullptr;
      return;
    }
    Charge(costs_.schedule_ns);
    Execute(p, g, inherit);
  }
  G* g = p->curg;
  // Asked to stop by sysmon: an ordinary G stops at its next function call
  // (gopreempt_m); a mark worker polls the flag itself.
  GStep st = GStep::kContinue;
  if (g->preempt && g->sched_preemptible) {
    g->preempt = false;
    st = GStep::kGosched;
  } else {
    st = g->body->Step(*this, p, g);
  }
  p->busy_ns += charged_;
  switch (st) {
    case GStep::kContinue:
      break;
    case GStep::kGosched:
      GoschedCurrent(p);
      break;
    case GStep::kPark:
      g->status = GStatus::kWaiting;
      p->curg = nullptr;
      break;
    case GStep::kExit:
      g->status = GStatus::kDead;
      p->curg = nullptr;
      break;
    case GStep::kStopTheWorld:
      GOGCSIM_CHECK(stw_pending_ && stw_owner_ == p);
      stw_request_time_ = Now();
      SleepThread(p, Now());  // stopTheWorldWithSema sleeps until the others stop
      TryCompleteStw();
      cur_p_ = nullptr;
      return;  // the owner resumes when the world restarts
  }
  ScheduleP(p, queue_->Now() + std::max<int64_t>(charged_, 1));  // Now() already counts charged_
  cur_p_ = nullptr;
}

void Sched::StopTheWorld(std::function<void()> body) {
  GOGCSIM_CHECK(!stw_pending_ && cur_p_ != nullptr);
  stw_pending_ = true;
  stw_owner_ = cur_p_;
  stw_body_ = std::move(body);
  stw_scheduled_ = false;
}

void Sched::TryCompleteStw() {
  if (stw_scheduled_) return;
  for (auto& p : ps_) {
    if (p.get() == stw_owner_) continue;
    if (!(p->stopped || (p->idle && !p->has_event))) return;
  }
  stw_scheduled_ = true;
  const int64_t at = std::max(queue_->Now(), stw_request_time_);
  RunOnThread(stw_owner_, at, [this] {
    P* owner = stw_owner_;
    cur_p_ = owner;
    charged_ = costs_.stw_ns + costs_.stw_ns_per_p * static_cast<int64_t>(ps_.size());
    std::function<void()> body = std::move(stw_body_);
    body();
    owner->busy_ns += charged_;
    // startTheWorld: every P runs again.
    const int64_t restart = Now();
    stw_pending_ = false;
    stw_owner_ = nullptr;
    for (auto& p : ps_) {
      const bool was_stopped = p->stopped;
      p->stopped = false;
      if (p.get() == owner || was_stopped) {
        ScheduleP(p.get(), restart);
      }
    }
    cur_p_ = nullptr;
    // Idle Ps pick up work made runnable during the pause.
    charged_ = 0;
    for (auto& p : ps_) {
      if (p->idle && !p->has_event && (!global_.empty() || (gc_ != nullptr && gc_->BlackenEnabled()))) {
        ScheduleP(p.get(), restart);
      }
    }
  });
}

void Sched::Retake(int64_t now) {
  for (auto& p : ps_) {
    if (p->idle || p->stopped) continue;  // only _Prunning Ps
    if (p->sysmon_schedtick != p->schedtick) {
      p->sysmon_schedtick = p->schedtick;
      p->sysmon_schedwhen = now;
      continue;
    }
    if (p->sysmon_schedwhen + kForcePreemptNS > now) continue;
    if (p->curg != nullptr) p->curg->preempt = true;  // preemptone
  }
}

void Sched::Run(const std::function<bool()>& stop) { queue_->Run(stop); }

}  // namespace gogcsim::model
