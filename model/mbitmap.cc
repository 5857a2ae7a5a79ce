// The object contents the collector scans (see mbitmap.h; Go 1.10.2
// src/runtime/mbitmap.go keeps them as heap bits plus the pointers).
#include "model/mbitmap.h"

#include "sim/check.h"

namespace gogcsim::model {

ObjectGraph::Slot* ObjectGraph::SlotOf(const MSpan& s, uint64_t base) {
  auto it = spans_.find(&s);
  if (it == spans_.end()) return nullptr;
  const uint64_t i = s.ObjIndex(base);
  GOGCSIM_CHECK(i < it->second.slots.size());
  return &it->second.slots[i];
}

void ObjectGraph::Add(const MSpan& s, uint64_t base, uint64_t scanSize) {
  SpanObjects& t = spans_[&s];
  if (t.slots.empty()) t.slots.resize(s.nelems);
  // A span struct reused while the graph still held blocks of its last use.
  GOGCSIM_CHECK(t.slots.size() == s.nelems);
  Slot& slot = t.slots[s.ObjIndex(base)];
  if (slot.used) return;
  slot.used = true;
  slot.obj.scanSize = scanSize;
  t.live++;
  live_++;
}

void ObjectGraph::AddRef(const MSpan& s, uint64_t from, uint64_t to) {
  Slot* slot = SlotOf(s, from);
  GOGCSIM_CHECK(slot != nullptr && slot->used && slot->obj.scanSize != 0);
  slot->obj.refs.push_back(to);
}

const HeapObject* ObjectGraph::Find(const MSpan& s, uint64_t base) const {
  auto it = spans_.find(&s);
  if (it == spans_.end()) return nullptr;
  const uint64_t i = s.ObjIndex(base);
  GOGCSIM_CHECK(i < it->second.slots.size());
  const Slot& slot = it->second.slots[i];
  return slot.used ? &slot.obj : nullptr;
}

void ObjectGraph::Free(const MSpan& s, uint64_t base) {
  if (spans_.empty()) return;  // a replay's heap: no graph, and a lookup per freed object
  auto it = spans_.find(&s);
  if (it == spans_.end()) return;
  SpanObjects& t = it->second;
  const uint64_t i = s.ObjIndex(base);
  GOGCSIM_CHECK(i < t.slots.size());
  Slot& slot = t.slots[i];
  if (!slot.used) return;
  slot = Slot();
  live_--;
  if (--t.live == 0) spans_.erase(it);
}

}  // namespace gogcsim::model
