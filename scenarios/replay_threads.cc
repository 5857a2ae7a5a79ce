#include "scenarios/replay_threads.h"

#include <algorithm>
#include <utility>

#include "sim/check.h"

namespace gogcsim::scenarios {
namespace {

// Thrown from a wait when the replay ends: unwinds the call's frames.
struct Unwind {};
// Thrown from a wait in a call run directly: it cannot wait.
struct Reached {};

}  // namespace

ReplayThreads::~ReplayThreads() {
  cancel_ = true;
  for (auto& [m, t] : threads_) {
    if (!t->fiber->done()) Resume(*t);
  }
}

ReplayThreads::Thread& ReplayThreads::Create(uint32_t m) {
  std::unique_ptr<Thread>& t = threads_[m];
  if (t == nullptr) {
    t = std::make_unique<Thread>();
    t->m = m;
    Thread* raw = t.get();
    t->fiber = std::make_unique<sim::Fiber>([this, raw] { Loop(raw); });
    if (m < kIndexed) {
      if (by_m_.size() <= m) by_m_.resize(m + 1, nullptr);
      by_m_[m] = raw;
    }
  }
  return *t;
}

std::vector<uint32_t> ReplayThreads::Busy() const {
  std::vector<uint32_t> ms;
  for (const auto& [m, t] : threads_) {
    if (t->busy) ms.push_back(m);
  }
  return ms;
}

// The fiber's body: the M's calls, one after another, for good.
void ReplayThreads::Loop(Thread* t) {
  while (!cancel_) {
    if (t->busy) {
      try {
        std::function<void()> call = std::move(t->call);
        call();
      } catch (const Unwind&) {
        return;
      }
      t->busy = false;
    }
    sim::Fiber::Yield();
  }
}

void ReplayThreads::Start(uint32_t m, std::function<void()> body) {
  Thread& t = Of(m);
  GOGCSIM_CHECK(!t.busy);
  t.call = std::move(body);
  t.busy = true;
}

void ReplayThreads::Resume(Thread& t) {
  GOGCSIM_CHECK(running_ == nullptr);  // calls do not nest
  running_ = &t;
  t.fiber->Resume();
  running_ = nullptr;
}

bool ReplayThreads::Offer(uint32_t m, const traces::V2Record& rec) {
  Thread& t = Of(m);
  if (!t.busy || t.stuck) return false;
  t.offered = &rec;
  Resume(t);
  const bool taken = t.offered == nullptr;
  t.offered = nullptr;
  return taken;
}

void ReplayThreads::Run(uint32_t m) {
  Thread& t = Of(m);
  if (t.busy && !t.stuck) Resume(t);
}

bool ReplayThreads::RunDirect(uint32_t m, absl::FunctionRef<void()> body) {
  Thread& t = Of(m);
  GOGCSIM_CHECK(running_ == nullptr && !t.busy);
  running_ = &t;
  direct_ = true;
  bool ended = true;
  try {
    body();
  } catch (const Reached&) {
    ended = false;
  }
  direct_ = false;
  running_ = nullptr;
  return ended;
}

const ReplayPoint* ReplayThreads::waiting(uint32_t m) const {
  if (!busy(m) || !Find(m)->waiting) return nullptr;
  return &*Find(m)->waiting;
}

ReplayThreads::Thread& ReplayThreads::Wait(const ReplayPoint* at) {
  GOGCSIM_CHECK(running_ != nullptr);  // the model runs only on calls' fibers
  Thread& t = *running_;
  if (direct_) {
    mismatch_ = Mismatch{t.m, at != nullptr ? *at : ReplayPoint(), traces::V2Record()};
    throw Reached{};
  }
  while (t.offered == nullptr) {
    t.at_lock = at == nullptr;
    if (at != nullptr) t.waiting = *at;
    sim::Fiber::Yield();
    if (cancel_) throw Unwind{};
  }
  t.at_lock = false;
  t.waiting.reset();
  return t;
}

void ReplayThreads::Lock() { Wait(nullptr); }

void ReplayThreads::Pass(const model::SyncPoint& sp) {
  ReplayPoint p = PointOf(sp.Read());
  Thread& t = Wait(&p);
  if (sp.read != nullptr) p = PointOf(sp.Read());  // read now: other Ms may have acted meanwhile
  Take(t, p);
}

void ReplayThreads::PassPoint(const ReplayPoint& p) { Take(Wait(&p), p); }

void ReplayThreads::KeepInput(const traces::V2Record& rec) {
  inputs_[{rec.tag, rec.v[0]}] = std::vector<int64_t>(rec.v + 1, rec.v + rec.n);
}

void ReplayThreads::Input(const model::SyncPoint& sp, std::span<int64_t> values) {
  ReplayPoint p = PointOf(sp);
  if (auto it = inputs_.find({p.tag, p.v[0]}); it != inputs_.end()) {
    GOGCSIM_CHECK(it->second.size() >= values.size());
    std::copy_n(it->second.end() - values.size(), values.size(), values.begin());
    inputs_.erase(it);
    return;
  }
  const int first = p.n;
  for (const int64_t v : values) {
    p.inputs |= 1u << p.n;
    p.v[p.n++] = v;  // the simulated draws, shown while it waits
  }
  Thread& t = Wait(&p);
  // The record carries the inputs last; Take checks the rest.
  int64_t given[4] = {};
  GOGCSIM_CHECK(values.size() <= 4);
  if (t.offered->tag == p.tag && t.offered->n == p.n) std::copy_n(t.offered->v + first, values.size(), given);
  Take(t, p);
  std::copy_n(given, values.size(), values.begin());
}

void ReplayThreads::Take(Thread& t, const ReplayPoint& p) {
  if (!Matches(p, *t.offered)) {
    t.waiting = p;
    t.stuck = true;
    mismatch_ = Mismatch{t.m, p, *t.offered};
    while (!cancel_) sim::Fiber::Yield();  // resumed only to unwind
    throw Unwind{};
  }
  t.offered = nullptr;  // taken
}

}  // namespace gogcsim::scenarios
