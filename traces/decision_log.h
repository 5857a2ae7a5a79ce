// Writers for a run's outputs: the decision log (one JSON object per pacer
// call: set_trigger, start_cycle, revise, end_cycle) and the per-cycle
// summary (JSON Lines plus gctrace-style lines). Floats are written as
// {"bits": 16 hex digits of the IEEE-754 pattern, "value": shortest
// round-trip decimal}, so logs diff exactly and still read easily.
#ifndef GOGCSIM_TRACES_DECISION_LOG_H_
#define GOGCSIM_TRACES_DECISION_LOG_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/status/status.h"

#include "model/mgc.h"
#include "model/mgcpacer.h"

namespace gogcsim::traces {

// {"bits":"...","value":...}
std::string FloatJson(double d);

// A run's pacer calls, as JSON Lines: kept in memory (text()), appended to
// a file as the run goes (StreamTo: a long run's log would otherwise grow
// with its length, a few bytes an allocation), or only counted.
class DecisionLog : public model::PacerObserver {
 public:
  enum class Mode { kKeep, kCount };
  DecisionLog() = default;
  explicit DecisionLog(Mode mode) : mode_(mode) {}
  ~DecisionLog() override;

  // Streams to `path` (created or truncated), whatever the mode: the text
  // goes there in pieces of about 1 MiB, and text() stays small. Errors
  // name the file.
  absl::Status StreamTo(const std::string& path);
  // Writes out what is buffered and closes the file; the first write
  // error, if any.
  absl::Status Close();

  void OnSetTrigger(const model::SetTriggerDecision& d) override;
  void OnStartCycle(const model::StartCycleDecision& d) override;
  void OnRevise(const model::ReviseDecision& d) override;
  void OnEndCycle(const model::EndCycleDecision& d) override;
  const std::string& text() const { return text_; }
  uint64_t records() const { return seq_; }

 private:
  // Numbers the record; false when it is only counted.
  bool Begin(const char* kind, int64_t t);
  void End();  // a record's text is complete

  Mode mode_ = Mode::kKeep;
  std::string text_;
  uint64_t seq_ = 0;
  std::FILE* sink_ = nullptr;  // streaming when set
  std::string sink_path_;
  absl::Status sink_error_;
};

// One JSON line per cycle (the gctrace figures in ns and bytes).
std::string CycleJson(const model::CycleStats& c);
// The line GODEBUG=gctrace=1 prints for the cycle.
std::string GctraceLine(const model::CycleStats& c);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_DECISION_LOG_H_
