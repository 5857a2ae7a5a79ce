// The order of the ported runtime's sync points (model/mheap.h) against a
// format v2 recording's global records of the same operations: each
// heap_live and heap_scan add, span claim, pagesSwept add and read,
// mcentral take, free and uncache, and heap span allocation and free must
// come in the recording's order with the recording's values. A replay
// given this as its ReplayOptions::sync checks it record by record; it is
// what replay v2 will schedule the Ps by.
#ifndef GOGCSIM_SCENARIOS_SYNC_ORDER_H_
#define GOGCSIM_SCENARIOS_SYNC_ORDER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "model/mheap.h"
#include "traces/recording_v2.h"

namespace gogcsim::scenarios {

struct SyncTagCount {
  uint64_t matched = 0;
  uint64_t total = 0;  // the recording's records of the tag
};

struct SyncDivergence {
  uint64_t index = 0;     // among the checked records, from 0
  uint64_t offset = 0;    // byte offset of the recorded one's chunk ("" if none was left)
  std::string expected;   // the recorded record ("" when the recording had no more)
  std::string simulated;  // the sync point the model passed
};

class SyncOrderCheck final : public model::SyncHooks {
 public:
  // Reads the recording's global records as the model passes its points.
  static absl::StatusOr<std::unique_ptr<SyncOrderCheck>> Open(const std::string& path);

  void Pass(const model::SyncPoint& sp) override;
  // After the replay: counts the records the model never reached. Per
  // tag, sorted by name.
  absl::Status Finish();

  const std::map<std::string, SyncTagCount>& counts() const { return counts_; }
  const std::optional<SyncDivergence>& divergence() const { return divergence_; }
  bool ok() const { return !divergence_.has_value(); }

  // The v2 tag a sync point is recorded as.
  static int TagOf(model::SyncKind kind);
  // Whether a record with that tag carries what the sync point says.
  static bool Matches(const model::SyncPoint& sp, const traces::V2Record& rec);

 private:
  explicit SyncOrderCheck(std::unique_ptr<traces::RecordingV2Reader> r) : reader_(std::move(r)) {}
  // The next global record of a checked tag, or false at the end.
  absl::StatusOr<bool> NextChecked(traces::V2Record* rec);

  std::unique_ptr<traces::RecordingV2Reader> reader_;
  std::map<std::string, SyncTagCount> counts_;
  std::optional<SyncDivergence> divergence_;
  uint64_t index_ = 0;
  absl::Status error_;
};

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_SYNC_ORDER_H_
