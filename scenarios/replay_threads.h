// The Ms (threads) of a replayed format v2 recording, each running its
// runtime calls on a fiber of its own (sim/fiber.h).
//
// A call runs until it takes a lock or reaches a sync point (model/mheap.h,
// or a point of the replay's own, such as a pacer call) and waits there
// until the recording's next global record of its M is offered to it. So
// what it reads under a lock, it reads no earlier than the recording says
// its M took the lock, and it passes a sync point only with the record that
// point stands for. The recording, not the replay, says which M goes next:
// there is nothing to guess, and a record that the offered M's call cannot
// produce is a divergence (mismatch()).
#ifndef GOGCSIM_SCENARIOS_REPLAY_THREADS_H_
#define GOGCSIM_SCENARIOS_REPLAY_THREADS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "absl/functional/function_ref.h"
#include "model/mheap.h"
#include "scenarios/replay_point.h"
#include "sim/fiber.h"
#include "traces/recording_v2.h"

namespace gogcsim::scenarios {

class ReplayThreads final : public model::SyncHooks {
 public:
  // A call reached a point that is not the record offered to its M.
  struct Mismatch {
    uint32_t m = 0;
    ReplayPoint point;
    traces::V2Record record;
  };

  ReplayThreads() = default;
  // Unwinds every call still waiting, so that what its frames own is freed.
  ~ReplayThreads();
  ReplayThreads(const ReplayThreads&) = delete;
  ReplayThreads& operator=(const ReplayThreads&) = delete;

  // M m's next call: body runs from the next Offer or Run for m. m must
  // have no call under way.
  void Start(uint32_t m, std::function<void()> body);
  bool busy(uint32_t m) const {
    const Thread* t = Find(m);
    return t != nullptr && t->busy;
  }

  // Offers rec, a global record of M m, to m's call: runs it until it has
  // passed the point rec stands for and waits again, or ends. Returns
  // whether the call passed rec; if not, the call ended first, or waits at
  // another point (mismatch() says which) and will not run again.
  bool Offer(uint32_t m, const traces::V2Record& rec);
  // Runs M m's call, with no record to offer, until it waits or ends.
  void Run(uint32_t m);
  // Runs body as a call of M m (which has none under way) on the caller's
  // stack, with no fiber: for a call the recording shows with nothing of
  // its M inside, so one that must not wait. Returns false if it reached a
  // lock or a sync point anyway: it is abandoned there, and mismatch()
  // names the point (with an empty record).
  bool RunDirect(uint32_t m, absl::FunctionRef<void()> body);

  // The point M m's call waits at; nullptr when it waits at a lock, has not
  // started, or m has no call.
  const ReplayPoint* waiting(uint32_t m) const;
  bool at_lock(uint32_t m) const { return busy(m) && Find(m)->at_lock; }
  const std::optional<Mismatch>& mismatch() const { return mismatch_; }
  // The M whose call runs now, or -1.
  int64_t current() const { return running_ == nullptr ? int64_t{-1} : int64_t{running_->m}; }
  // The Ms with a call under way, in order.
  std::vector<uint32_t> Busy() const;

  // SyncHooks, called by the model on a call's fiber.
  // A sync point reads what it reads once its record is offered.
  void Pass(const model::SyncPoint& sp) override;
  void Lock() override;
  // Takes the values from the record, which must be the input sp names:
  // one kept (KeepInput) if there is, else the next offered. The record
  // carries them last.
  void Input(const model::SyncPoint& sp, std::span<int64_t> values) override;
  // An input record (tag, key, values) that no call waits for yet: a stack
  // span's heap operation runs as a call of its own when its MA comes,
  // after the treap insert's TP record.
  void KeepInput(const traces::V2Record& rec);
  // Inputs kept and not yet drawn.
  size_t kept() const { return inputs_.size(); }
  // A point of the replay's own, on a call's fiber.
  void PassPoint(const ReplayPoint& p);

 private:
  struct Thread {
    uint32_t m = 0;
    std::unique_ptr<sim::Fiber> fiber;  // runs the Ms calls one after another
    std::function<void()> call;
    bool busy = false;
    bool at_lock = false;
    bool stuck = false;  // at a mismatch, for good
    std::optional<ReplayPoint> waiting;
    const traces::V2Record* offered = nullptr;
  };
  Thread& Of(uint32_t m) {
    if (m < by_m_.size() && by_m_[m] != nullptr) return *by_m_[m];
    return Create(m);
  }
  // Of for an M it has not indexed: its thread, made on first use. Out of
  // line, so that Of for an indexed M is a load.
  Thread& Create(uint32_t m);
  // M m's thread, or nullptr: by index for the recording's Ms (each
  // record asks), in threads_ for the others.
  const Thread* Find(uint32_t m) const {
    if (m < by_m_.size()) return by_m_[m];
    auto it = threads_.find(m);
    return it == threads_.end() ? nullptr : it->second.get();
  }
  // Suspends the running call until a record is offered to it; it shows
  // as waiting at `at` (nullptr: at a lock).
  Thread& Wait(const ReplayPoint* at);
  void Take(Thread& t, const ReplayPoint& p);
  void Resume(Thread& t);
  void Loop(Thread* t);

  std::map<uint32_t, std::unique_ptr<Thread>> threads_;
  std::vector<Thread*> by_m_;  // threads_'s, for m < kIndexed
  static constexpr uint32_t kIndexed = 4096;
  bool cancel_ = false;  // the destructor's: every wait throws Unwind
  Thread* running_ = nullptr;
  bool direct_ = false;  // running_ runs on the caller's stack (RunDirect)
  std::optional<Mismatch> mismatch_;
  std::map<std::pair<int, int64_t>, std::vector<int64_t>> inputs_;  // (tag, key) -> values
};

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_REPLAY_THREADS_H_
