#include "sim/event_queue.h"

#include <string>
#include <utility>

#include "sim/check.h"

namespace gogcsim::sim {
namespace {

// Out of line: building the message inline made Schedule save and restore
// registers on every call.
[[noreturn, gnu::noinline, gnu::cold]] void ThrowPast(int64_t when, int64_t now) {
  GOGCSIM_THROW("event scheduled in the past: at " + std::to_string(when) + " ns, now " + std::to_string(now) + " ns");
}

}  // namespace

EventQueue::EventId EventQueue::Schedule(int64_t when, Callback cb) {
  if (when < clock_.now_ns_) [[unlikely]] {
    ThrowPast(when, clock_.now_ns_);
  }
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.cb = std::move(cb);
  Push(Entry{when, next_seq_++, slot, s.gen});
  ++live_;
  return EventId{slot, s.gen};
}

bool EventQueue::Cancel(EventId id) {
  if (id.slot >= slots_.size()) return false;
  Slot& s = slots_[id.slot];
  if (s.gen != id.gen) return false;
  // The heap entry stays; it is recognised as stale by its generation.
  s.cb = nullptr;
  ++s.gen;
  free_slots_.push_back(id.slot);
  --live_;
  return true;
}

void EventQueue::DropStale() {
  while (!heap_.empty() && slots_[heap_[0].slot].gen != heap_[0].gen) PopTop();
}

int64_t EventQueue::NextTime() {
  DropStale();
  GOGCSIM_CHECK(!heap_.empty());
  return heap_[0].time;
}

bool EventQueue::Step() {
  DropStale();
  if (heap_.empty()) return false;
  const Entry top = heap_[0];
  PopTop();
  Slot& s = slots_[top.slot];
  Callback cb = std::move(s.cb);
  s.cb = nullptr;
  ++s.gen;
  free_slots_.push_back(top.slot);
  --live_;
  clock_.now_ns_ = top.time;
  cb();
  return true;
}

uint64_t EventQueue::Run(const std::function<bool()>& stop) {
  uint64_t n = 0;
  while (!(stop && stop()) && Step()) ++n;
  return n;
}

uint64_t EventQueue::RunUntil(int64_t deadline) {
  uint64_t n = 0;
  while (!empty() && NextTime() <= deadline) {
    Step();
    ++n;
  }
  if (deadline > clock_.now_ns_) clock_.now_ns_ = deadline;
  return n;
}

void EventQueue::Push(const Entry& e) {
  size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!Before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::PopTop() {
  const Entry last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return;
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && Before(heap_[child + 1], heap_[child])) ++child;
    if (!Before(heap_[child], last)) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = last;
}

}  // namespace gogcsim::sim
