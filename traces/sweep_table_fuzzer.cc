// libFuzzer target: sweep.json (tools/fuzz.sh sweep_table): a table that
// parses must print and parse back to the same table.
#include <cstddef>
#include <cstdint>
#include <string>

#include "traces/sweep_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gogcsim::traces;
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<SweepTable> t = ParseSweepJson(text, "fuzz.json");
  if (t.ok()) {
    absl::StatusOr<SweepTable> again = ParseSweepJson(SweepJson(*t), "again.json");
    if (!again.ok() || again->runs != t->runs || again->grid != t->grid) __builtin_trap();
  }
  return 0;
}
