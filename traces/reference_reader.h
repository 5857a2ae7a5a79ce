// Streaming reader for the reference recordings of the real Go 1.10.2 runtime
// (/work/shared/reference/README.md): gzip or plain text, one event per line.
//
// The recordings are ~5 M lines each and are replayed many times, so the
// reader decompresses in 1 MiB blocks, parses each line in place with
// hand-written integer/hex parsing and allocates nothing per line. Every line
// is checked against a per-tag schema (field count, '|' position, which
// fields are F64 bit patterns and which are who-letters); anything else is an
// error naming "path:line: what was wrong".
#ifndef GOGCSIM_TRACES_REFERENCE_READER_H_
#define GOGCSIM_TRACES_REFERENCE_READER_H_

#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "traces/record_source.h"

namespace gogcsim::traces {

// One value per tag of the README's table, in its order.
enum class RefTag : uint8_t {
  kH, kA, kZ, kL, kCS, kUC, kMA, kMF, kSW, kF, kGS, kMS,
  kMT, kHM, kW, kC, kAS, kAE, kCQ, kAT, kPT, kPS, kPR, kPE,
};
inline constexpr int kNumRefTags = 24;

// "H", "A", ... "PE"; "?" for a value outside the enum.
const char* RefTagName(RefTag tag);

// The shape of a tag's record. Field indices count value fields only (the tag
// and the '|' are not fields), so they are indices into RefRecord::v.
struct RefSchema {
  int inputs;          // fields before the '|' (all fields when !has_bar)
  int outputs;         // fields after the '|'
  bool has_bar;        // PT/PS/PR/PE: "inputs | outputs"
  uint32_t f64_mask;   // bit k: field k is 16 lowercase hex digits (a float64's bits)
  uint32_t who_mask;   // bit k: field k is a single who-letter
  const char* who_letters;  // the letters allowed in who fields ("" if none)
  int fields() const { return inputs + outputs; }
};
const RefSchema& RefSchemaOf(RefTag tag);

inline constexpr int kMaxRefFields = 16;

struct RefRecord {
  RefTag tag = RefTag::kH;
  uint64_t line = 0;  // 1-based line number in the decompressed text
  int n = 0;          // number of value fields (the '|' not counted)
  int bar = -1;       // index in v[] of the first output field after '|', or -1
  // Fields in order. F64 fields hold their bit pattern; a who-letter holds its
  // char code ('D', 'N', ...). v[n..] are left over from earlier records.
  int64_t v[kMaxRefFields] = {};
  // The raw line without its newline; points into the reader's buffer, so it
  // is valid only until the next Next().
  std::string_view text;

  double F64(int k) const { return std::bit_cast<double>(v[k]); }
  uint64_t U64(int k) const { return static_cast<uint64_t>(v[k]); }
};

// Parses one line (without newline) into *rec, leaving rec->line alone.
// For tests and benchmarks; ReferenceReader uses the same parser. Errors are
// InvalidArgument with the bare reason (no path or line number).
absl::Status ParseReferenceLine(std::string_view text, RefRecord* rec);

// Writes rec's line as the reference recordings do: the tag, then each field
// after one space (decimal; F64 fields as 16 lowercase hex digits;
// who-letters as the letter), with "|" before the first output field.
// Returns the length; `out` needs kMaxRefFields * 21 + 16 bytes.
size_t FormatRefLine(const RefRecord& rec, char* out);

class ReferenceReader final : public RecordSource {
 public:
  // Opens a gzip-compressed or plain text recording (zlib reads both).
  // A missing file is NotFound, naming the path.
  static absl::StatusOr<std::unique_ptr<ReferenceReader>> Open(const std::string& path);

  ~ReferenceReader() override;
  ReferenceReader(const ReferenceReader&) = delete;
  ReferenceReader& operator=(const ReferenceReader&) = delete;

  // Reads the next record: true and *rec filled, false at end of file, or an
  // error "path:line: what was wrong" (InvalidArgument for a malformed line,
  // DataLoss for a truncated or corrupt gzip stream). Errors are sticky: later
  // calls return the same error.
  absl::StatusOr<bool> Next(RefRecord* rec) override;

  const std::string& path() const override { return path_; }
  // Lines consumed so far (the line number of the last record returned).
  uint64_t lines() const override { return line_; }

 private:
  ReferenceReader(std::string path, void* gz);
  // Reads more decompressed bytes after the unconsumed tail; returns the
  // number read (0 at end of file) or an error.
  absl::StatusOr<size_t> Fill();
  absl::Status Fail(absl::Status status);

  std::string path_;
  void* gz_;  // gzFile; void* keeps zlib.h out of this header
  std::unique_ptr<char[]> buf_;  // kBlock bytes + 1 for a final newline
  size_t begin_ = 0;             // unconsumed bytes are buf_[begin_, end_)
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t line_ = 0;
  absl::Status error_;
};

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_REFERENCE_READER_H_
