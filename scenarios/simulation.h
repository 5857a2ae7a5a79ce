// A whole simulated Go program: the allocator and collector (model/) on
// GOMAXPROCS simulated Ps, driven by synthetic mutator goroutines. Each
// mutator allocates records (a pointerful parent, optionally pointing to a
// noscan child buffer), keeps the last `live_records` of them reachable from
// its roots and drops the oldest, so the live heap, the scan work and the
// mark duration follow from the workload.
#ifndef GOGCSIM_SCENARIOS_SIMULATION_H_
#define GOGCSIM_SCENARIOS_SIMULATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/mgc.h"
#include "model/mgcpacer.h"
#include "model/proc.h"

namespace gogcsim::scenarios {

// One kind of record a mutator allocates.
struct RecordKind {
  uint64_t size = 64;        // parent object bytes
  uint64_t ptrdata = 16;     // bytes of the parent holding pointers (0: noscan, no child)
  uint64_t child_size = 0;   // noscan buffer the parent points to (0: none)
  double weight = 1;         // relative frequency
};

struct Workload {
  int goroutines = 0;             // mutator Gs; 0 means GOMAXPROCS
  std::vector<RecordKind> kinds;  // empty: DefaultKinds()
  uint64_t live_records = 20000;  // records each G keeps reachable (live-set target)
  double think_ns = 500;          // mean mutator time between records (exponential), ns
  uint64_t records = 400000;      // records each G allocates before it exits
  uint64_t globals_bytes = 64 << 10;  // data+bss size scanned as roots
};

std::vector<RecordKind> DefaultKinds();

struct RunConfig {
  std::string name = "steady";
  uint64_t seed = 1;
  int gomaxprocs = 1;
  int32_t gogc = 100;
  model::CostModel costs;
  model::PacerParams pacer;
  Workload workload;
  bool check_marks = false;       // checkmark pass at every mark termination
  bool check_invariants = false;  // allocator invariants after every cycle
};

struct RunResult {
  uint64_t records = 0, allocations = 0, bytes_allocated = 0;
  int64_t virtual_ns = 0;
  uint64_t peak_heap_live = 0, peak_heap_inuse = 0;
  uint64_t objects_freed = 0, bytes_freed = 0;
  int64_t mutator_ns = 0;  // virtual CPU the mutators used, all Ps
  std::vector<model::CycleStats> cycles;
};

// Built-in scenarios by name (steady, steady-p4).
absl::StatusOr<RunConfig> BuiltinRun(const std::string& name);
std::vector<std::string> BuiltinRunNames();

// Runs the program to completion. decisions/cycles may be null; progress
// (if set) is called about every simulated second with the virtual time.
absl::StatusOr<RunResult> Run(const RunConfig& cfg, model::PacerObserver* decisions,
                              model::CycleObserver* cycles,
                              const std::function<void(int64_t)>& progress = nullptr);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_SIMULATION_H_
