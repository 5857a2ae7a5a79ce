// libFuzzer target: reference recordings (tools/fuzz.sh reference): the
// reader with its range checks, then the importer's passes over the same
// file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "traces/fuzz_input.h"
#include "traces/record_checker.h"
#include "traces/reference_import.h"
#include "traces/reference_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gogcsim::traces;
  const std::string in = WriteFuzzInput("in.rec", data, size);
  auto opened = ReferenceReader::Open(in);
  if (opened.ok()) {
    std::unique_ptr<RecordSource> src = CheckRecords(*std::move(opened));
    RefRecord rec;
    for (;;) {
      absl::StatusOr<bool> more = src->Next(&rec);
      if (!more.ok() || !*more) break;
    }
  }
  const std::string out = FuzzPath("out.trace");
  (void)ImportReference(in, out);
  unlink(out.c_str());
  unlink(in.c_str());
  return 0;
}
