// A stream of reference records (traces/reference_reader.h's RefRecord), from
// a reference recording (ReferenceReader) or from a gogcsim trace imported
// from one (TraceRecordSource), so faithful replay can take either.
#ifndef GOGCSIM_TRACES_RECORD_SOURCE_H_
#define GOGCSIM_TRACES_RECORD_SOURCE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace gogcsim::traces {

struct RefRecord;

class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // The next record: true and *rec filled (rec->text valid until the next
  // call), false at the end, or an error naming the file. Errors are sticky.
  virtual absl::StatusOr<bool> Next(RefRecord* rec) = 0;
  // The file being read.
  virtual const std::string& path() const = 0;
  // Records returned so far (the line number of the last one).
  virtual uint64_t lines() const = 0;
};

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORD_SOURCE_H_
