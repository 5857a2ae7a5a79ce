// The reference records of a trace imported from a reference recording
// (traces/reference_import.h), exactly as ReferenceReader yields them from the
// original file: the same tags, fields, line numbers and line text, record
// for record. ALLOC events become A records; the events the importer added
// (GO_START, DEATH) are skipped.
#ifndef GOGCSIM_TRACES_TRACE_RECORD_SOURCE_H_
#define GOGCSIM_TRACES_TRACE_RECORD_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "traces/record_source.h"
#include "traces/reference_reader.h"
#include "traces/trace_reader.h"

namespace gogcsim::traces {

// Header.source of traces imported from reference recordings.
inline constexpr char kReferenceSource[] = "reference";

// Whether a source fills in RefRecord::text.
enum class RecordText {
  kLine,  // the record's line
  // Only where it costs nothing: a reference recording's records come with
  // their lines, a trace's with an empty text (FormatRefLine writes it).
  kIfFree,
};

// A recording's records from either kind of file: a gogcsim trace (by its
// magic, plain or gzip'd) through TraceRecordSource, anything else as a
// reference recording through ReferenceReader.
absl::StatusOr<std::unique_ptr<RecordSource>> OpenRecordSource(const std::string& path,
                                                               RecordText text = RecordText::kLine);

class TraceRecordSource final : public RecordSource {
 public:
  // FailedPrecondition if the trace was not imported from a reference
  // recording; otherwise TraceReader::Open's errors.
  static absl::StatusOr<std::unique_ptr<TraceRecordSource>> Open(const std::string& path,
                                                                RecordText text = RecordText::kLine);

  absl::StatusOr<bool> Next(RefRecord* rec) override;
  const std::string& path() const override { return reader_->path(); }
  uint64_t lines() const override { return line_; }

  const TraceReader& reader() const { return *reader_; }

 private:
  TraceRecordSource(std::unique_ptr<TraceReader> reader, RecordText text)
      : reader_(std::move(reader)), text_kind_(text) {}

  std::unique_ptr<TraceReader> reader_;
  RecordText text_kind_;
  TraceEvent ev_;
  uint64_t line_ = 0;
  // The record's line text; the longest (PT) is ~200 bytes.
  char text_[kMaxRefFields * 21 + 16];
};

// Writes rec's line as the reference recordings do: the tag, then each field
// after one space (decimal; F64 fields as 16 lowercase hex digits;
// who-letters as the letter), with "|" before the first output field.
// Returns the length; `out` needs kMaxRefFields * 21 + 16 bytes.
size_t FormatRefLine(const RefRecord& rec, char* out);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_TRACE_RECORD_SOURCE_H_
