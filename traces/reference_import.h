// Imports a reference recording (/work/shared/reference/README.md) into a
// gogcsim trace, keeping everything faithful replay needs: every record, in
// order, with all its fields (TraceRecordSource gives the identical record
// stream back). A records become ALLOC events (types go to the type table,
// times to the time column); every other record becomes a REF_* event. The
// importer adds:
//   - GO_START before a goroutine's first allocation (the recording has no
//     goroutine creation or exit records);
//   - DEATH events. An object freed (F) by the sweep of cycle c was unmarked
//     in cycle c, so it was unreachable when c's mark began: its DEATH comes
//     right before cycle c's GS record. It survived cycle c-1, so it was
//     marked then: reachable when c-1's mark began (or allocated later). So
//     `earliest` is the event index of c-1's GS record, or the ALLOC's if
//     later (cycle 1: the ALLOC's). F names an object's address (a tiny
//     block's base for tiny allocations, which all die together; a large
//     object's span base). Zero-size allocations get zerobase and never die,
//     nor do objects live at the end of the recording or left in spans the
//     recording did not sweep before it ended.
//
// Which request a Z answers: the recording does not say. A Z answers an
// unanswered request of some goroutine whose size class is that of the span
// the Z lies in (zerobase for size 0, a large span's base for a large
// object). With one P that is (in the reference recordings) always unique.
// With several, the recorder interleaves the Ps' records: a goroutine's next
// A may come before the Z of its previous one, and two goroutines may wait
// for the same class at once. Then a goroutine's oldest matching request
// wins (its Zs come in order), and among goroutines the one on the P that
// took the span's previous slot (a span is cached by one P at a time), else
// the latest request. The stats count these choices; the header's notes say
// how many the last rule decided (such objects may be swapped).
#ifndef GOGCSIM_TRACES_REFERENCE_IMPORT_H_
#define GOGCSIM_TRACES_REFERENCE_IMPORT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "traces/trace_format.h"

namespace gogcsim::traces {

struct ReferenceImportOptions {
  bool gzip = false;
  uint64_t max_records = 0;  // import only the first N records (0: all)
  uint32_t chunk_events = kDefaultChunkEvents;
};

struct ReferenceImportStats {
  uint64_t records = 0;
  uint64_t events = 0;
  uint64_t allocations = 0;
  uint64_t deaths = 0;
  uint64_t types = 0;
  uint64_t goroutines = 0;
  uint64_t cycles = 0;  // GS records
  // Pairing Zs with requests (see above).
  uint64_t ambiguous = 0;      // Zs for whose class several goroutines waited
  uint64_t owner_decided = 0;  // ... decided by the span's owning P
  uint64_t unpaired = 0;       // Zs no waiting request matched (their objects get no DEATH)
  uint64_t unanswered = 0;     // requests no Z answered
  uint64_t deaths_dropped = 0;  // freed objects paired with a request made after the cycle's GS
  uint64_t schedule_events = 0;  // GO_RUN and GO_STOP (a v2 recording's GB and GE)
};

// Reads `in` twice (the deaths of a cycle are known only after its sweep but
// go before its GS record) and writes `out` through a temporary file.
// Errors name the recording and line, or the output file.
absl::StatusOr<ReferenceImportStats> ImportReference(const std::string& in, const std::string& out,
                                                     const ReferenceImportOptions& options = {});

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_REFERENCE_IMPORT_H_
