// Writers for a run's outputs: the decision log (one JSON object per pacer
// call: set_trigger, start_cycle, revise, end_cycle) and the per-cycle
// summary (JSON Lines plus gctrace-style lines). Floats are written as
// {"bits": 16 hex digits of the IEEE-754 pattern, "value": shortest
// round-trip decimal}, so logs diff exactly and still read easily.
#ifndef GOGCSIM_TRACES_DECISION_LOG_H_
#define GOGCSIM_TRACES_DECISION_LOG_H_

#include <cstdint>
#include <string>

#include "model/mgc.h"
#include "model/mgcpacer.h"

namespace gogcsim::traces {

// {"bits":"...","value":...}
std::string FloatJson(double d);

class DecisionLog : public model::PacerObserver {
 public:
  void OnSetTrigger(const model::SetTriggerDecision& d) override;
  void OnStartCycle(const model::StartCycleDecision& d) override;
  void OnRevise(const model::ReviseDecision& d) override;
  void OnEndCycle(const model::EndCycleDecision& d) override;
  const std::string& text() const { return text_; }
  uint64_t records() const { return seq_; }

 private:
  void Begin(const char* kind, int64_t t);
  std::string text_;
  uint64_t seq_ = 0;
};

// One JSON line per cycle (the gctrace figures in ns and bytes).
std::string CycleJson(const model::CycleStats& c);
// The line GODEBUG=gctrace=1 prints for the cycle.
std::string GctraceLine(const model::CycleStats& c);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_DECISION_LOG_H_
