// A discrete-event queue over the virtual clock.
//
// Ordering rule: events run in increasing (time, insertion sequence) order.
// Two events scheduled for the same virtual nanosecond run in the order they
// were scheduled. Nothing else (pointer values, hash order) ever influences
// the order, so a run is reproducible bit for bit.
//
// Time never goes backwards: scheduling an event in the past is a bug and
// stops the run. The clock jumps to an event's time just before it runs.
#ifndef GOGCSIM_SIM_EVENT_QUEUE_H_
#define GOGCSIM_SIM_EVENT_QUEUE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "sim/clock.h"

namespace gogcsim::sim {

class EventQueue {
 public:
  // Move-only: a lambda of up to two pointers is stored inline and moved
  // as bytes (std::function moved it through its manager).
  using Callback = absl::AnyInvocable<void()>;

  // Names a scheduled event for Cancel. Stale ids (fired or cancelled) are
  // recognised by their generation and ignored.
  struct EventId {
    uint32_t slot = UINT32_MAX;
    uint32_t gen = 0;
  };

  const Clock& clock() const { return clock_; }
  int64_t Now() const { return clock_.Now(); }

  // Schedules cb at absolute virtual time `when` (ns, >= Now()).
  EventId Schedule(int64_t when, Callback cb);
  // Schedules cb `delay` ns from now (delay >= 0).
  EventId ScheduleAfter(int64_t delay, Callback cb) { return Schedule(Now() + delay, std::move(cb)); }

  // Cancels a pending event. Returns false if it already ran or was cancelled.
  bool Cancel(EventId id);

  // Runs the next event. Returns false when no event is pending.
  bool Step();

  // Runs events until none is pending or stop() returns true; stop is
  // consulted before each event. Returns the number of events run.
  uint64_t Run(const std::function<bool()>& stop = nullptr);

  // Runs every event with time <= deadline, then sets the clock to deadline
  // (if it is later than now). Returns the number of events run.
  uint64_t RunUntil(int64_t deadline);

  // Number of pending (not cancelled) events.
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  // Time of the next pending event; only valid when !empty().
  int64_t NextTime();

 private:
  struct Entry {
    int64_t time;
    uint64_t seq;
    uint32_t slot;
    uint32_t gen;
  };
  struct Slot {
    Callback cb;
    uint32_t gen = 0;
  };
  static bool Before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
  void Push(const Entry& e);
  void PopTop();
  void DropStale();  // removes cancelled entries from the top of the heap

  Clock clock_;
  std::vector<Entry> heap_;  // binary min-heap by Before
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  uint64_t next_seq_ = 0;
  size_t live_ = 0;
};

}  // namespace gogcsim::sim

#endif  // GOGCSIM_SIM_EVENT_QUEUE_H_
