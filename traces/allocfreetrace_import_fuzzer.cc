// libFuzzer target: GODEBUG=allocfreetrace=1 text (tools/fuzz.sh
// allocfreetrace), imported into a trace that is then read back.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "traces/allocfreetrace_import.h"
#include "traces/fuzz_input.h"
#include "traces/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gogcsim::traces;
  const std::string in = WriteFuzzInput("in.txt", data, size);
  const std::string out = FuzzPath("out.trace");
  if (ImportAllocFreeTrace(in, out).ok()) {
    auto r = TraceReader::Open(out);
    if (!r.ok()) __builtin_trap();  // what the importer writes must read back
    TraceEvent ev;
    for (;;) {
      absl::StatusOr<bool> more = (*r)->Next(&ev);
      if (!more.ok()) __builtin_trap();
      if (!*more) break;
    }
  }
  unlink(out.c_str());
  unlink(in.c_str());
  return 0;
}
