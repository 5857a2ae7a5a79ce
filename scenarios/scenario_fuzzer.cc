// libFuzzer target: scenario JSON (tools/fuzz.sh scenario).
#include <cstddef>
#include <cstdint>
#include <string>

#include "scenarios/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)gogcsim::scenarios::ParseScenario(text, "fuzz.json");
  return 0;
}
