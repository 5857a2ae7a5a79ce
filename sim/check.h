// Invariant checks that stop the run loudly, as the Go runtime's throw() does.
// Used for conditions that can only be false through a bug in gogcsim, never
// for bad user input (that gets an absl::Status at the I/O edge).
#ifndef GOGCSIM_SIM_CHECK_H_
#define GOGCSIM_SIM_CHECK_H_

#include <string_view>

namespace gogcsim::sim {

// Prints "fatal error: <msg>" with the source location and aborts.
[[noreturn]] void Throw(std::string_view msg, const char* file, int line);

}  // namespace gogcsim::sim

#define GOGCSIM_THROW(msg) ::gogcsim::sim::Throw((msg), __FILE__, __LINE__)

// Always on, also in optimized builds: a simulator that silently goes wrong is
// worse than one that stops.
#define GOGCSIM_CHECK(cond)                                        \
  do {                                                             \
    if (__builtin_expect(!(cond), 0)) GOGCSIM_THROW("check failed: " #cond); \
  } while (0)

#endif  // GOGCSIM_SIM_CHECK_H_
