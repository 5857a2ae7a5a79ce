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

// A recording's records from any kind of file: a gogcsim trace (by its
// magic, plain or gzip'd) through TraceRecordSource, anything else through
// OpenRecording.
absl::StatusOr<std::unique_ptr<RecordSource>> OpenRecordSource(const std::string& path,
                                                               RecordText text = RecordText::kLine);

// A recording's records, from a gogcsim recording (format v2, by its magic:
// traces/recording_v2.h) or a reference recording (format v1 text).
absl::StatusOr<std::unique_ptr<RecordSource>> OpenRecording(const std::string& path,
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


}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_TRACE_RECORD_SOURCE_H_
