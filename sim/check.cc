#include "sim/check.h"

#include <cstdio>
#include <cstdlib>

namespace gogcsim::sim {

void Throw(std::string_view msg, const char* file, int line) {
  std::fprintf(stderr, "fatal error: %.*s\n\tat %s:%d\n",
               static_cast<int>(msg.size()), msg.data(), file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace gogcsim::sim
