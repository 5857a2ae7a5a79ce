// libFuzzer target: recorder spools (tools/fuzz.sh spool): the encoding
// `gogcsim record` runs on the file a recorded program leaves, then the v2
// reader over every record of what it wrote.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "traces/fuzz_input.h"
#include "traces/recording_spool.h"
#include "traces/recording_v2.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gogcsim::traces;
  const std::string in = WriteFuzzInput("in.spool", data, size);
  const std::string out = in + ".rec";
  if (ConvertSpool(in, out).ok()) {
    auto r = RecordingV2Reader::Open(out);
    V2Record rec;
    while (r.ok()) {
      absl::StatusOr<bool> more = (*r)->Next(&rec);
      if (!more.ok() || !*more) break;
    }
  }
  std::remove(out.c_str());
  return 0;
}
