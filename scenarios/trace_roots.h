// The live objects of a what-if run (scenarios/trace_run.h), each a root
// slot of one goroutine until its death. The real program held its objects
// through other heap objects; as roots of that goroutine (scanned as a
// stack of that many words) they mark the same set.
#ifndef GOGCSIM_SCENARIOS_TRACE_ROOTS_H_
#define GOGCSIM_SCENARIOS_TRACE_ROOTS_H_

#include <cstdint>
#include <vector>

#include "model/mgc.h"
#include "model/proc.h"

namespace gogcsim::scenarios {

class TraceRoots {
 public:
  // holder: the goroutine whose roots hold the objects.
  explicit TraceRoots(model::G* holder) : g_(holder) {}

  // The object with allocation ordinal `object`, at addr, is held.
  void Keep(uint64_t object, uint64_t addr);
  // The program drops its last pointer to the object, on goroutine
  // `current`: the write barrier sees the overwritten pointer (during mark
  // it shades it, so the object survives the cycle, as in Go). Nothing for
  // an object not held (zero-size, or dead already).
  void Kill(model::Collector* gc, model::G* current, uint64_t object);

 private:
  static constexpr uint32_t kNoSlot = ~uint32_t{0};
  model::G* g_;
  std::vector<uint32_t> slot_of_;  // object ordinal -> root slot
  std::vector<uint32_t> free_;     // root slots free for reuse
};

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_TRACE_ROOTS_H_
