// Compares two decision logs (decisions.jsonl), two cycle summaries
// (cycles.jsonl) or two run directories record by record, field by field in
// file order. Records are paired by kind: the n-th end_cycle of A with the
// n-th end_cycle of B, and so on, so that when a change adds or removes
// records (a revise more in some cycle) the decisions of each cycle are
// still compared with the same cycle's. "seq" (a record's position in its
// log) is therefore not compared; a changed number of records is reported
// per kind.
//
// Exact mode compares every value exactly (floats by their bit patterns) and
// finds the first differing record. Tolerance mode accepts a relative
// difference |a-b| / max(|a|,|b|) up to a bound. Both modes count records
// compared and differing per kind, keep per-field maximum relative errors,
// and summarise how far the pacer's outputs moved (triggerRatio, gc_trigger,
// next_gc, assistWorkPerByte), which is what a pacer-tuning change is about.
//
// The files are read as streams; only records of B not yet paired are held
// (a few per cycle when the logs are alike).
#ifndef GOGCSIM_TRACES_DECISION_DIFF_H_
#define GOGCSIM_TRACES_DECISION_DIFF_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gogcsim::traces {

struct DiffOptions {
  // Relative tolerance; negative means exact comparison.
  double tolerance = -1;
  // How many field differences to keep in FileDiff::listed.
  int max_listed = 10;
  bool exact() const { return tolerance < 0; }
};

// One field of one record pair that differs (beyond the tolerance).
struct FieldDifference {
  std::string field;  // dotted path, "out.triggerRatio"; "(record)" when one side lacks the record
  std::string a, b;   // values as JSON text; floats as "0x<bits> <decimal>"; "(absent)" if missing
  bool numeric = false;
  double rel = 0;     // relative difference (numeric only)
};

// A record pair with at least one difference.
struct RecordDifference {
  uint64_t index = 0;               // 0-based record index in A (in B for a record only B has)
  uint64_t line_a = 0, line_b = 0;  // 0: the record is absent from that file
  std::string id;                   // "seq 17" (decisions) or "gc 3" (cycles), as in A (or B)
  std::string kind;                 // set_trigger, ..., "cycle" for cycles.jsonl
  std::vector<FieldDifference> fields;  // in A's field order
};

struct KindCounts {
  uint64_t compared = 0, differing = 0;  // pairs
  uint64_t only_a = 0, only_b = 0;       // records without a partner of their kind
};

// Relative differences of one field (numeric fields of record pairs compared).
struct FieldStats {
  uint64_t n = 0;
  double max_rel = 0, sum_rel = 0;
  uint64_t beyond = 0;  // pairs differing beyond the tolerance (exact: at all)
};

// How far one pacer output moved over all records holding it.
struct Movement {
  std::string quantity;  // triggerRatio, gc_trigger, next_gc, assistWorkPerByte
  uint64_t n = 0;        // values compared
  uint64_t changed = 0;  // values not bit-identical
  double max_rel = 0, mean_rel = 0;
};

struct FileDiff {
  std::string path_a, path_b;
  uint64_t records_a = 0, records_b = 0;
  uint64_t compared = 0, differing = 0;  // record pairs
  std::map<std::string, KindCounts> by_kind;
  std::map<std::string, FieldStats> fields;  // key "kind field"
  std::vector<Movement> movement;            // the four quantities, those present
  std::optional<RecordDifference> first;     // first differing pair
  std::vector<RecordDifference> listed;      // the first differences (in A's order), max_listed fields in all
  bool same() const { return differing == 0 && records_a == records_b; }
};

struct DiffResult {
  std::vector<FileDiff> files;  // decisions first, then cycles (run directories)
  bool same() const {
    for (const FileDiff& f : files) {
      if (!f.same()) return false;
    }
    return true;
  }
};

// The pacer outputs Movement summarises, by field name under "out.".
inline constexpr const char* kMovementQuantities[] = {"triggerRatio", "gc_trigger", "next_gc", "assistWorkPerByte"};

// Compares two JSON Lines files. Errors name path:line of a malformed line.
absl::StatusOr<FileDiff> DiffJsonLines(const std::string& path_a, const std::string& path_b,
                                       const DiffOptions& opts);

// a and b are each a decision log file or a run directory (its
// decisions.jsonl is compared, and its cycles.jsonl too when both
// directories have one).
absl::StatusOr<DiffResult> Diff(const std::string& a, const std::string& b, const DiffOptions& opts);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_DECISION_DIFF_H_
