#include "scenarios/trace_roots.h"

#include <algorithm>

namespace gogcsim::scenarios {

void TraceRoots::Keep(uint64_t object, uint64_t addr) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(g_->roots.size());
    g_->roots.push_back(0);
    g_->stack_bytes = std::max<uint64_t>(8192, g_->roots.size() * 8);
  }
  g_->roots[slot] = addr;  // a stack write: no write barrier
  // Doubling: resize(object + 1) called the vector's fill-insert for every
  // allocation. Entries past the objects held are kNoSlot either way.
  if (slot_of_.size() <= object) slot_of_.resize(std::max<uint64_t>(object + 1, 2 * slot_of_.size()), kNoSlot);
  slot_of_[object] = slot;
}

void TraceRoots::Kill(model::Collector* gc, model::G* current, uint64_t object) {
  if (object >= slot_of_.size() || slot_of_[object] == kNoSlot) return;
  const uint32_t slot = slot_of_[object];
  slot_of_[object] = kNoSlot;
  gc->WriteBarrier(current, g_->roots[slot], 0);
  g_->roots[slot] = 0;
  free_.push_back(slot);
}

}  // namespace gogcsim::scenarios
