// The simulated machine's virtual clock: int64 nanoseconds since the start of
// the run. Only the event loop (EventQueue) advances it; everything else reads.
#ifndef GOGCSIM_SIM_CLOCK_H_
#define GOGCSIM_SIM_CLOCK_H_

#include <cstdint>

namespace gogcsim::sim {

class Clock {
 public:
  // Virtual nanoseconds; plays the role of the runtime's nanotime().
  int64_t Now() const { return now_ns_; }

 private:
  friend class EventQueue;
  int64_t now_ns_ = 0;
};

}  // namespace gogcsim::sim

#endif  // GOGCSIM_SIM_CLOCK_H_
