// libFuzzer target: gogcsim traces (tools/fuzz.sh trace): every event of
// the file, and the reference records a replay would rebuild from it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "traces/fuzz_input.h"
#include "traces/record_checker.h"
#include "traces/reference_reader.h"
#include "traces/trace_reader.h"
#include "traces/trace_record_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gogcsim::traces;
  const std::string in = WriteFuzzInput("in.trace", data, size);
  auto r = TraceReader::Open(in);
  if (r.ok()) {
    TraceEvent ev;
    for (;;) {
      absl::StatusOr<bool> more = (*r)->Next(&ev);
      if (!more.ok() || !*more) break;
    }
  }
  auto src = OpenRecordSource(in, RecordText::kIfFree);
  if (src.ok()) {
    std::unique_ptr<RecordSource> checked = CheckRecords(*std::move(src));
    RefRecord rec;
    for (;;) {
      absl::StatusOr<bool> more = checked->Next(&rec);
      if (!more.ok() || !*more) break;
    }
  }
  unlink(in.c_str());
  return 0;
}
