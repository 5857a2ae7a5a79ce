#include "tools/cli.h"

#include <cstdio>

namespace gogcsim::tools {

int Fail(const std::string& msg) {
  std::fprintf(stderr, "gogcsim: %s\n", msg.c_str());
  return 2;
}

}  // namespace gogcsim::tools
