// The object contents the collector scans (see mbitmap.h; Go 1.10.2
// src/runtime/mbitmap.go keeps them as heap bits plus the pointers).
#include "model/mbitmap.h"

#include "sim/check.h"

namespace gogcsim::model {

void ObjectGraph::Add(uint64_t base, uint64_t scanSize) {
  auto [it, fresh] = objects_.try_emplace(base);
  if (fresh) it->second.scanSize = scanSize;
}

void ObjectGraph::AddRef(uint64_t from, uint64_t to) {
  auto it = objects_.find(from);
  GOGCSIM_CHECK(it != objects_.end() && it->second.scanSize != 0);
  it->second.refs.push_back(to);
}

const HeapObject* ObjectGraph::Find(uint64_t base) const {
  auto it = objects_.find(base);
  return it == objects_.end() ? nullptr : &it->second;
}

void ObjectGraph::Free(uint64_t base) { objects_.erase(base); }

}  // namespace gogcsim::model
