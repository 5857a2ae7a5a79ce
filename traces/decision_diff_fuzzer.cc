// libFuzzer target: decision logs and other JSON Lines files a run writes
// (tools/fuzz.sh decision_log): the input is diffed against itself
// (exactly and with a tolerance), which reads every record and field.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "traces/decision_diff.h"
#include "traces/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gogcsim::traces;
  const std::string in = WriteFuzzInput("decisions.jsonl", data, size);
  DiffOptions exact;
  absl::StatusOr<FileDiff> d = DiffJsonLines(in, in, exact);
  if (d.ok() && d->differing != 0) __builtin_trap();  // a log equals itself
  DiffOptions tol;
  tol.tolerance = 0.01;
  (void)DiffJsonLines(in, in, tol);
  unlink(in.c_str());
  return 0;
}
