// Port of Go 1.10.2 src/runtime/mgc.go (collector driver) plus forcegchelper
// and sysmon's GC checks from proc.go.
#include "model/mgc.h"

#include <algorithm>
#include <deque>

#include "model/float64.h"
#include "sim/check.h"

namespace gogcsim::model {

namespace {
enum AssistState : int { kAssistNone = 0, kAssistRetry = 1, kAssistProceed = 2 };
}  // namespace

// gcBgMarkWorker: one per P, parked until findRunnableGCWorker (or idle
// time) picks it; each run is one gcDrain in the P's worker mode.
class Collector::Worker : public GBody {
 public:
  Worker(Collector* c, P* p) : c_(c), p_(p) {}
  GStep Step(Sched& sched, P* p, G* g) override {
    GOGCSIM_CHECK(p == p_);
    Marker& m = c_->marker_;
    if (state_ == kAfterMarkDone) {
      p_->gcBgMarkWorker = g;  // park.attach: back on duty for the next cycle
      state_ = kStart;
      return GStep::kPark;
    }
    if (state_ == kStart) {
      if (!m.blackenEnabled) GOGCSIM_THROW("gcBgMarkWorker: blackening not enabled");
      startTime_ = sched.Now();
      p->gcMarkWorkerStartTime = startTime_;
      m.nwait--;
      switch (p->gcMarkWorkerMode) {
        case MarkWorkerMode::kDedicated:
          m.DrainStart(p, kDrainUntilPreempt | kDrainFlushBgCredit, &ds_);
          break;
        case MarkWorkerMode::kFractional:
          m.DrainStart(p, kDrainFractional | kDrainUntilPreempt | kDrainFlushBgCredit, &ds_);
          break;
        case MarkWorkerMode::kIdle:
          m.DrainStart(p, kDrainIdle | kDrainUntilPreempt | kDrainFlushBgCredit, &ds_);
          break;
        default:
          GOGCSIM_THROW("gcBgMarkWorker: unexpected gcMarkWorkerMode");
      }
      secondDrain_ = false;
      state_ = kDrain;
    }
    if (!m.DrainStep(p, g, &ds_)) return GStep::kContinue;
    if (p->gcMarkWorkerMode == MarkWorkerMode::kDedicated && !secondDrain_) {
      // Preempted: kick the local run queue elsewhere, then drain again
      // without preemption.
      if (g->preempt) sched.KickLocalRunq(p);
      secondDrain_ = true;
      m.DrainStart(p, kDrainNoBlock | kDrainFlushBgCredit, &ds_);
      return GStep::kContinue;
    }
    if (m.blackenPromptly) m.Dispose(p);
    const int64_t duration = sched.Now() - startTime_;
    GcController& gc = c_->controller_;
    switch (p->gcMarkWorkerMode) {
      case MarkWorkerMode::kDedicated:
        gc.dedicatedMarkTime += duration;
        gc.dedicatedMarkWorkersNeeded++;
        break;
      case MarkWorkerMode::kFractional:
        gc.fractionalMarkTime += duration;
        p->gcFractionalMarkTime += duration;
        break;
      default:
        gc.idleMarkTime += duration;
        break;
    }
    m.nwait++;
    if (m.nwait > m.nproc) GOGCSIM_THROW("work.nwait > work.nproc");
    state_ = kStart;
    if (m.nwait == m.nproc && !m.MarkWorkAvailable(nullptr)) {
      // This worker may be the last one: detach and finish the phase.
      p->gcBgMarkWorker = nullptr;
      state_ = kAfterMarkDone;
      const GStep st = c_->MarkDone();
      if (st == GStep::kStopTheWorld) return st;
      p_->gcBgMarkWorker = g;
      state_ = kStart;
    }
    return GStep::kPark;
  }

 private:
  enum State { kStart, kDrain, kAfterMarkDone };
  Collector* c_;
  P* p_;
  State state_ = kStart;
  DrainState ds_;
  bool secondDrain_ = false;
  int64_t startTime_ = 0;
};

// forcegchelper: parked until sysmon sees no GC for 2 minutes.
class Collector::ForceGC : public GBody {
 public:
  explicit ForceGC(Collector* c) : c_(c) {}
  GStep Step(Sched& sched, P* p, G* g) override {
    if (!started_) {
      started_ = true;
      return GStep::kPark;  // first run: park until woken
    }
    if (!resumed_) {
      resumed_ = true;
      const GStep st = c_->GcStart(p, g, TriggerKind::kTime);
      if (st == GStep::kStopTheWorld) return st;
    }
    resumed_ = false;
    return GStep::kPark;
  }

 private:
  Collector* c_;
  bool started_ = false;
  bool resumed_ = false;
};

Collector::Collector(Malloc* malloc, Sched* sched, ObjectGraph* graph, const PacerParams& params, uint64_t seed)
    : malloc_(malloc),
      heap_(&malloc->heap()),
      memstats_(&malloc->memstats()),
      sched_(sched),
      graph_(graph),
      controller_(memstats_, heap_, params),
      marker_(malloc, graph, sched, &controller_, seed),
      sweeper_(malloc, graph, sched) {}

Collector::~Collector() = default;

void Collector::Enable(int32_t gogc) {
  heap_->set_hooks(this);
  sched_->set_gc(this);
  controller_.GcInit(gogc);
  sweeper_.StartBgSweeper();
  forcegc_ = std::make_unique<ForceGC>(this);
  forcegc_g_ = sched_->NewG("forcegc", forcegc_.get(), nullptr);
}

void Collector::Sysmon() {
  const int64_t now = sched_->Now();
  // Force a GC if none ran for forcegcperiod (forcegc.idle: it is parked).
  if (TriggerTest(TriggerKind::kTime, now) && forcegc_g_->status == GStatus::kWaiting) {
    sched_->Inject(forcegc_g_);
  }
  // Scavenge spans idle for scavengelimit, every half of it.
  if (last_scavenge_ + kScavengeLimit / 2 < now) {
    heap_->Scavenge(static_cast<uint64_t>(now), static_cast<uint64_t>(kScavengeLimit));
    last_scavenge_ = now;
  }
}

bool Collector::TriggerTest(TriggerKind kind, int64_t now) const {
  if (phase_ != GcPhase::kOff) return false;
  switch (kind) {
    case TriggerKind::kHeap:
      return memstats_->heap_live >= memstats_->gc_trigger;
    case TriggerKind::kTime:
      if (controller_.gcpercent < 0) return false;
      return last_gc_nanotime_ != 0 && now - last_gc_nanotime_ > kForceGCPeriod;
    case TriggerKind::kCycle:
      return true;
  }
  return false;
}

Collector::AllocOutcome Collector::Allocate(P* p, G* g, const AllocRequest& req) {
  AllocOutcome out;
  if (req.size != 0 && marker_.blackenEnabled && g->assist_state != kAssistProceed) {
    // gcAssistAlloc: charge the allocation against g's credit first.
    if (g->assist_state == kAssistNone) g->gcAssistBytes -= static_cast<int64_t>(req.size);
    if (g->gcAssistBytes < 0) {
      Marker::Assist a = marker_.AssistAlloc(p, g);
      while (a == Marker::Assist::kDoneMarkDone) {
        if (MarkDone() == GStep::kStopTheWorld) {
          // Mark termination ends blackening: gcParkAssist lets g go on.
          g->assist_state = kAssistProceed;
          out.step = GStep::kStopTheWorld;
          return out;
        }
        // Mark 2 began with work left: g, if still in debt, yields or
        // parks as gcAssistAlloc's end says.
        a = marker_.AssistAfterMarkDone(p, g);
      }
      switch (a) {
        case Marker::Assist::kDone:
        case Marker::Assist::kDoneMarkDone:
          break;
        case Marker::Assist::kGosched:
          g->assist_state = kAssistRetry;
          out.step = GStep::kGosched;
          return out;
        case Marker::Assist::kPark:
          // Woken when background credit pays the debt or the cycle ends.
          g->assist_state = kAssistProceed;
          out.step = GStep::kPark;
          return out;
      }
    }
  }
  g->assist_state = kAssistNone;
  pending_heap_trigger_ = false;
  const CostModel& cost = sched_->costs();
  out.r = malloc_->Mallocgc(p->mcache.get(), req);
  out.done = true;
  sched_->Charge(cost.malloc_ns + GoInt64(cost.malloc_ns_per_byte * static_cast<double>(out.r.size)));
  if (out.r.span != nullptr) graph_->Add(*out.r.span, BlockBaseIn(*out.r.span, out.r.addr), out.r.scanSize);
  if (pending_heap_trigger_) {
    pending_heap_trigger_ = false;
    if (TriggerTest(TriggerKind::kHeap, sched_->Now())) out.step = GcStart(p, g, TriggerKind::kHeap);
  }
  return out;
}

void Collector::StorePointer(G* g, uint64_t from_obj, uint64_t to) {
  WriteBarrier(g, 0, to);
  const MSpan* s = heap_->SpanOf(from_obj);
  GOGCSIM_CHECK(s != nullptr);
  graph_->AddRef(*s, BlockBaseIn(*s, from_obj), to);
}

void Collector::WriteBarrier(G* g, uint64_t old_target, uint64_t new_target) {
  if (phase_ == GcPhase::kOff) return;
  P* p = sched_->current_p();
  if (old_target != 0) marker_.GreyObject(old_target, &p->gcw);
  if (new_target != 0 && !g->gcscandone) marker_.GreyObject(new_target, &p->gcw);
  if (marker_.blackenPromptly) marker_.Dispose(p);  // wbBuf flushed promptly in mark 2
}

GStep Collector::StartForcedCycle(P* p, G* g) { return GcStart(p, g, TriggerKind::kCycle); }

void Collector::DeductSweepCredit(uint64_t spanBytes, uint64_t callerSweepPages) {
  sweeper_.DeductSweepCredit(spanBytes, callerSweepPages);
}

void Collector::AssistDebit(int64_t bytes, bool may_assist) {
  // The debit before the allocation (and its assist) is Allocate's; this is
  // the debit for the size-class rounding slack after it.
  if (may_assist) return;
  P* p = sched_->current_p();
  if (p != nullptr && p->curg != nullptr) p->curg->gcAssistBytes -= bytes;
}

void Collector::MarkNewObject(MSpan* s, uint64_t addr, uint64_t size, uint64_t scanSize) {
  marker_.MarkNewObject(sched_->current_p(), s, addr, size, scanSize);
}

G* Collector::FindRunnableGCWorker(P* p) {
  if (!marker_.blackenEnabled) GOGCSIM_THROW("gcControllerState.findRunnable: blackening not enabled");
  if (p->gcBgMarkWorker == nullptr) return nullptr;
  if (!marker_.MarkWorkAvailable(p)) return nullptr;
  if (controller_.dedicatedMarkWorkersNeeded > 0) {  // decIfPositive
    controller_.dedicatedMarkWorkersNeeded--;
    return RunWorker(p, MarkWorkerMode::kDedicated);
  }
  if (controller_.fractionalUtilizationGoal == 0) return nullptr;
  // Run a fractional worker only while this P is under its goal.
  const int64_t delta = sched_->Now() - controller_.markStartTime;
  if (delta > 0 && static_cast<double>(p->gcFractionalMarkTime) / static_cast<double>(delta) >
                       controller_.fractionalUtilizationGoal) {
    return nullptr;
  }
  return RunWorker(p, MarkWorkerMode::kFractional);
}

G* Collector::FindIdleGCWorker(P* p) {
  if (p->gcBgMarkWorker == nullptr || !marker_.MarkWorkAvailable(p)) return nullptr;
  return RunWorker(p, MarkWorkerMode::kIdle);
}

G* Collector::RunWorker(P* p, MarkWorkerMode mode) {
  p->gcMarkWorkerMode = mode;
  G* g = p->gcBgMarkWorker;
  GOGCSIM_CHECK(g->status == GStatus::kWaiting);
  g->status = GStatus::kRunnable;
  return g;
}

GStep Collector::GcStart(P* p, G* g, TriggerKind kind) {
  // Sweep what the last cycle left before starting another.
  while (TriggerTest(kind, sched_->Now()) && sweeper_.SweepOne() != ~uint64_t{0}) sweeper_.nbgsweep++;
  if (start_in_progress_ || sched_->stw_pending() || !TriggerTest(kind, sched_->Now())) return GStep::kContinue;
  start_in_progress_ = true;
  // gcBgMarkStartWorkers: a parked worker for every P that lacks one.
  for (const auto& pp : sched_->ps()) {
    if (pp->gcBgMarkWorker != nullptr) continue;
    workers_.push_back(std::make_unique<Worker>(this, pp.get()));
    pp->gcBgMarkWorker = sched_->NewParkedG("gcBgMarkWorker", workers_.back().get());
    pp->gcBgMarkWorker->sched_preemptible = false;
  }
  // gcResetMarkState.
  for (const auto& gg : sched_->allgs()) {
    gg->gcAssistBytes = 0;
    gg->gcscandone = false;
  }
  marker_.bytesMarked = 0;
  marker_.markrootDone = false;
  cur_ = CycleStats();
  cur_.trigger = kind;
  cur_.forced = kind == TriggerKind::kCycle;
  cur_.gomaxprocs = sched_->gomaxprocs();
  cur_.heap0 = memstats_->heap_live;
  const int64_t now = sched_->Now();
  cur_.tSweepTerm = now;
  pause_start_ = now;
  sched_->StopTheWorld([this, now] {
    // Sweep termination, then the mark phase begins.
    sweeper_.FinishSweep();
    cycles_++;
    controller_.StartCycle(sched_->gomaxprocs());
    cur_.heapGoal = memstats_->next_gc;
    phase_ = GcPhase::kMark;
    marker_.nproc = ~uint32_t{0};  // gcBgMarkPrepare
    marker_.nwait = ~uint32_t{0};
    marker_.MarkRootPrepare();
    marker_.MarkTinyAllocs();
    marker_.blackenEnabled = true;
    controller_.markStartTime = now;
    const int64_t restart = sched_->Now();  // startTheWorld
    cur_.pauseNS += restart - pause_start_;
    cur_.tMark = restart;
    start_in_progress_ = false;
  });
  return GStep::kStopTheWorld;
}

GStep Collector::MarkDone() {
  for (;;) {  // top:
    if (!(phase_ == GcPhase::kMark && marker_.nwait == marker_.nproc && !marker_.MarkWorkAvailable(nullptr))) {
      return GStep::kContinue;
    }
    if (sched_->stw_pending()) return GStep::kContinue;
    // No more workers or fractional marking while we decide.
    controller_.dedicatedMarkWorkersNeeded -= 0xffffffff;
    const double prevFractionalGoal = controller_.fractionalUtilizationGoal;
    controller_.fractionalUtilizationGoal = 0;
    if (!marker_.blackenPromptly) {
      // Mark 1 -> mark 2: flush every P's work and look again.
      marker_.blackenPromptly = true;
      marker_.nwait--;
      for (const auto& p : sched_->ps()) marker_.Dispose(p.get());
      controller_.dedicatedMarkWorkersNeeded += 0xffffffff;
      controller_.fractionalUtilizationGoal = prevFractionalGoal;
      marker_.nwait++;
      if (marker_.nwait == marker_.nproc && !marker_.MarkWorkAvailable(nullptr)) continue;
      return GStep::kContinue;
    }
    const int64_t now = sched_->Now();
    cur_.tMarkTerm = now;
    pause_start_ = now;
    sched_->StopTheWorld([this] {
      marker_.markrootDone = true;
      marker_.blackenEnabled = false;
      marker_.WakeAllAssists();
      const double next = controller_.EndCycle(sched_->Now(), sched_->gomaxprocs(), cur_.forced);
      MarkTermination(next);
    });
    return GStep::kStopTheWorld;
  }
}

void Collector::MarkTermination(double nextTriggerRatio) {
  const CostModel& cost = sched_->costs();
  marker_.blackenEnabled = false;
  marker_.blackenPromptly = false;
  phase_ = GcPhase::kMarkTermination;
  cur_.heap1 = memstats_->heap_live;
  // gcMark: finish whatever is queued, flush the mcaches and gcWorks.
  sched_->Charge(cost.mark_term_ns + cost.mark_term_ns_per_p * sched_->gomaxprocs());
  marker_.MarkRootPrepare();
  P* self = sched_->current_p();
  for (const auto& p : sched_->ps()) marker_.Dispose(p.get());
  marker_.DrainAll(self);
  marker_.Dispose(self);
  for (const auto& p : sched_->ps()) {
    GOGCSIM_CHECK(p->gcw.Empty() && p->gcw.scanWork == 0 && p->gcw.bytesMarked == 0);
    p->mcache->ReleaseAll();  // markroot's flushmcache
  }
  for (const auto& p : sched_->ps()) PurgeCachedStats(&p->mcache->stats, memstats_, &heap_->freestats);
  memstats_->heap_marked = marker_.bytesMarked;
  memstats_->heap_live = marker_.bytesMarked;
  memstats_->heap_scan = static_cast<uint64_t>(controller_.scanWork);
  if (check_marks) CheckMarks();
  cur_.heap2 = marker_.bytesMarked;
  phase_ = GcPhase::kOff;
  GcSweep();
  controller_.SetTriggerRatio(nextTriggerRatio, false);

  const int64_t now = sched_->Now();
  cur_.pauseNS += now - pause_start_;
  cur_.tEnd = now;
  last_gc_nanotime_ = now;
  const int64_t stwprocs = sched_->gomaxprocs();
  cur_.sweepTermCpu = stwprocs * (cur_.tMark - cur_.tSweepTerm);
  cur_.assistTime = controller_.assistTime;
  cur_.dedicatedMarkTime = controller_.dedicatedMarkTime;
  cur_.fractionalMarkTime = controller_.fractionalMarkTime;
  cur_.idleMarkTime = controller_.idleMarkTime;
  cur_.markTermCpu = stwprocs * (cur_.tEnd - cur_.tMarkTerm);
  const int64_t markCpu = controller_.assistTime + controller_.dedicatedMarkTime + controller_.fractionalMarkTime;
  totaltime_ += cur_.sweepTermCpu + markCpu + cur_.markTermCpu;
  cur_.gc_cpu_fraction = static_cast<double>(totaltime_) / static_cast<double>(now * stwprocs);
  cur_.scanWork = controller_.scanWork;
  memstats_->numgc++;
  cur_.numgc = memstats_->numgc;
  cur_.triggerRatio = memstats_->triggerRatio;
  cur_.gc_trigger = memstats_->gc_trigger;
  cur_.next_gc = memstats_->next_gc;
  cur_.heap_marked = memstats_->heap_marked;
  history_.push_back(cur_);
  if (cycle_observer_ != nullptr) cycle_observer_->OnCycle(cur_);
}

void Collector::GcSweep() {
  if (phase_ != GcPhase::kOff) GOGCSIM_THROW("gcSweep being done but phase is not GCoff");
  sweeper_.GcSweep();
}

void Collector::CheckMarks() const {
  // Everything reachable from the roots must be marked.
  std::deque<uint64_t> todo;
  auto visit = [&](uint64_t addr) {
    if (addr == 0) return;
    MSpan* s = heap_->LookupMaybe(addr);
    if (s == nullptr || s->state != SpanState::kInUse) GOGCSIM_THROW("root or pointer to a freed span");
    const uint64_t idx = s->ObjIndex(addr);
    if (!s->MarkBit(idx)) GOGCSIM_THROW("reachable object not marked at mark termination");
  };
  std::vector<uint64_t> seen;
  for (uint64_t a : marker_.globals) todo.push_back(a);
  for (const auto& g : sched_->allgs()) {
    if (g->status == GStatus::kDead) continue;
    for (uint64_t a : g->roots) todo.push_back(a);
  }
  // The graph is a forest of records (each object has one holder), so a
  // plain walk terminates; depth is bounded by the mutators' structures.
  size_t visited = 0;
  while (!todo.empty()) {
    const uint64_t a = todo.front();
    todo.pop_front();
    if (a == 0) continue;
    visit(a);
    if (++visited > 100'000'000) GOGCSIM_THROW("CheckMarks: graph walk does not end");
    const MSpan* s = heap_->SpanOf(a);
    const HeapObject* o = s != nullptr ? graph_->Find(*s, BlockBaseIn(*s, a)) : nullptr;
    if (o != nullptr) {
      for (uint64_t r : o->refs) todo.push_back(r);
    }
  }
}

}  // namespace gogcsim::model
