// The simulated program running out of simulated memory: what Go's
// throw("out of memory") does to a real one. An outcome of the simulation
// (GOGC off and a growing heap, a 100 GiB request), not a bug in gogcsim,
// so it is not GOGCSIM_THROW's abort: the model throws OutOfMemory, the
// run's entry point turns it into a status, and the command line prints
// Go's lines and exits with its own status (README, "Exit status").
#ifndef GOGCSIM_SIM_OUT_OF_MEMORY_H_
#define GOGCSIM_SIM_OUT_OF_MEMORY_H_

#include <stdexcept>
#include <string>

#include "absl/status/status.h"

namespace gogcsim::sim {

class OutOfMemory : public std::runtime_error {
 public:
  // what(): the runtime's own line (detail, when it printed one) and
  // "fatal error: out of memory".
  explicit OutOfMemory(const std::string& detail);
};

[[noreturn]] void ThrowOutOfMemory(const std::string& detail);

// ResourceExhausted with e.what() as its message, marked as a simulated
// out-of-memory (IsOutOfMemory).
absl::Status OutOfMemoryStatus(const OutOfMemory& e);
bool IsOutOfMemory(const absl::Status& status);

}  // namespace gogcsim::sim

#endif  // GOGCSIM_SIM_OUT_OF_MEMORY_H_
