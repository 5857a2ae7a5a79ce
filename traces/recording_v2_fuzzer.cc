// libFuzzer target: gogcsim recordings, format v2 (tools/fuzz.sh
// recording): every record the reader merges, `trace check`'s consistency
// pass, the v1 view a replay reads (with its line text and range checks),
// then `trace import`'s passes. Each input runs twice: as it is, and with
// every chunk's CRC-32 made to match its bytes, so that mutations of the
// records get past the checksum to the decoder and what reads it.
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "traces/fuzz_input.h"
#include "traces/record_checker.h"
#include "traces/recording_check.h"
#include "traces/recording_v2.h"
#include "traces/reference_import.h"
#include "traces/reference_reader.h"
#include "traces/trace_record_source.h"

namespace {

using namespace gogcsim::traces;

uint32_t Le32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--) v = v << 8 | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
  return v;
}

// `in` with each chunk's checksum (bytes 4-7 of its header, recording_v2.md)
// recomputed, following the chunks' lengths from offset 16 while they fit;
// empty if no checksum changed.
std::string WithChunkChecksums(std::string in) {
  bool changed = false;
  for (size_t at = 16; at + 24 <= in.size();) {
    const uint32_t len = Le32(in, at);
    if (len > in.size() - at - 24) break;
    const auto crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(in.data() + at + 24), len));
    if (crc != Le32(in, at + 4)) {
      for (int i = 0; i < 4; i++) in[at + 4 + static_cast<size_t>(i)] = static_cast<char>(crc >> (8 * i));
      changed = true;
    }
    at += 24 + size_t{len};
  }
  return changed ? in : std::string();
}

void Run(const std::string& bytes) {
  const std::string in =
      WriteFuzzInput("in.rec", reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  auto opened = RecordingV2Reader::Open(in);
  // The other passes only for files with the v2 magic: the rest would go
  // to the format v1 reader (tools/fuzz.sh reference fuzzes that). Each
  // reads the file again from the start.
  if (opened.ok()) {
    V2Record rec;
    for (;;) {
      absl::StatusOr<bool> more = (*opened)->Next(&rec);
      if (!more.ok() || !*more) break;
    }
    // As a replay reads it: whole AZs and bitmap words on one reader, and
    // a filtered second one (its scout) that shares its checks.
    auto whole = RecordingV2Reader::Open(in), scout = RecordingV2Reader::Open(in);
    if (whole.ok() && scout.ok()) {
      (*whole)->KeepAZ();
      (*whole)->KeepBits();
      (*scout)->KeepOnly({V2TagOf("MT"), kV2TagF, kV2TagMO}, /*times=*/false);
      (*scout)->KeepBits();
      RecordingV2Reader::ShareChecks(**whole, **scout);
      for (RecordingV2Reader* r : {scout->get(), whole->get()}) {
        for (;;) {
          absl::StatusOr<const V2Record*> more = r->NextRecord();
          if (!more.ok() || *more == nullptr) break;
        }
      }
    }
    (void)CheckRecording(in);
    auto src = OpenRecording(in, RecordText::kLine);
    if (src.ok()) {
      std::unique_ptr<RecordSource> checked = CheckRecords(*std::move(src));
      RefRecord ref;
      for (;;) {
        absl::StatusOr<bool> more = checked->Next(&ref);
        if (!more.ok() || !*more) break;
      }
    }
    const std::string out = FuzzPath("out.trace");
    (void)ImportReference(in, out);
    unlink(out.c_str());
  }
  unlink(in.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  Run(bytes);
  if (bytes.compare(0, kRecordingV2Magic.size(), kRecordingV2Magic) == 0) {
    if (std::string fixed = WithChunkChecksums(std::move(bytes)); !fixed.empty()) Run(fixed);
  }
  return 0;
}
