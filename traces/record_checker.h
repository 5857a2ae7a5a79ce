// Range checks on reference records (traces/reference_reader.h) that a
// well-formed line can still fail: a size, P, page count or time no
// go1.10.2 run can have. The syntax check alone let such records through to
// the simulated heap, which then ran out of memory, indexed past its arrays
// or ran its clock for centuries. Every record source is checked by one
// RecordChecker: ReferenceReader itself, and CheckRecords() around any
// other source (a trace imported from a recording).
#ifndef GOGCSIM_TRACES_RECORD_CHECKER_H_
#define GOGCSIM_TRACES_RECORD_CHECKER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "traces/record_source.h"

namespace gogcsim::traces {

struct RefRecord;

// Go 1.10's _MaxMem on linux/amd64 (1<<39 - 1): makeslice and friends
// refuse larger allocations, so no A record asks for more.
inline constexpr uint64_t kMaxAllocBytes = (uint64_t{1} << 39) - 1;
// The simulator's largest GOMAXPROCS (scenarios and H records alike).
inline constexpr int64_t kMaxGomaxprocs = 256;
// The largest manual span: a goroutine stack of maxstacksize (1 GB on
// 64-bit) is 2^17 pages.
inline constexpr int64_t kMaxManualPages = int64_t{1} << 17;
// How far a record's time may lie from the first time of the file: a day
// of nanotime. A what-if run simulates every nanosecond in between.
inline constexpr int64_t kMaxTimeSpanNs = int64_t{24} * 3600 * 1'000'000'000;
// Scan work and assist time added per record (W, C, AT): at most a heap's
// worth (bytes) or the time span (ns), so the running sums cannot overflow.
inline constexpr int64_t kMaxWorkPerRecord = int64_t{1} << 46;

class RecordChecker {
 public:
  // "" if rec is in range, else what is wrong ("A field 2 (size): ...").
  // Remembers the header's GOMAXPROCS and the first time seen.
  std::string Check(const RefRecord& rec);

 private:
  std::string Time(const RefRecord& rec, int k);
  int64_t gomaxprocs_ = kMaxGomaxprocs;  // until the H record says
  bool have_time_ = false;
  int64_t first_time_ = 0;
};

// source's records, each checked; a record out of range is an
// InvalidArgument error "PATH:LINE: what".
std::unique_ptr<RecordSource> CheckRecords(std::unique_ptr<RecordSource> source);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORD_CHECKER_H_
