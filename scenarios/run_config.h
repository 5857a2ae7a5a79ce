// What one simulated run is: runtime settings (seed, GOMAXPROCS, GOGC), the
// cost model, the pacer's constants and the workload, either a trace file or
// groups of synthetic mutator goroutines. scenarios/scenario.h reads these
// from JSON; scenarios/simulation.h runs them. Defaults are the `steady`
// scenario's.
#ifndef GOGCSIM_SCENARIOS_RUN_CONFIG_H_
#define GOGCSIM_SCENARIOS_RUN_CONFIG_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/mgcpacer.h"
#include "model/proc.h"

namespace gogcsim::scenarios {

// Object sizes in bytes: one value, a weighted table, or a lognormal.
struct SizeDist {
  enum class Kind { kFixed, kTable, kLogNormal };
  Kind kind = Kind::kFixed;
  uint64_t fixed = 0;                                // kFixed
  std::vector<std::pair<uint64_t, double>> table;    // kTable: (bytes, weight)
  double mu = 4.1589, sigma = 1.2;                   // kLogNormal: of ln(bytes); median e^mu = 64 B
  uint64_t min = 1, max = 64 << 10;                  // kLogNormal: clamp, bytes

  static SizeDist Fixed(uint64_t bytes) {
    SizeDist d;
    d.fixed = bytes;
    return d;
  }
  bool is_fixed() const { return kind == Kind::kFixed; }
  // The smallest and largest value the distribution can give.
  uint64_t Min() const;
  uint64_t Max() const;
};

// One kind of record a mutator allocates: a parent object, optionally
// pointing to a noscan child buffer.
struct RecordKind {
  SizeDist size = SizeDist::Fixed(64);  // parent object bytes
  // Pointer density of the parent: the first `ptrdata` bytes hold pointers
  // (0: noscan), or, if pointer_fraction >= 0, that share of each parent's
  // size (rounded up to whole 8-byte words). Clipped to the parent's size.
  uint64_t ptrdata = 16;
  double pointer_fraction = -1;
  SizeDist child = SizeDist::Fixed(0);  // noscan buffer the parent points to (fixed 0: none)
  double weight = 1;                    // relative frequency

  bool has_child() const { return !(child.is_fixed() && child.fixed == 0); }
};

// How long a record stays reachable.
struct Lifetime {
  enum class Kind {
    kLiveSet,             // the last `live_set` records stay live (a ring)
    kExponentialRecords,  // each lives Exponential(mean) further records of its goroutine
    kExponentialNs,       // each lives Exponential(mean) ns of virtual time
    kFixedNs,             // each lives `mean` ns of virtual time
  };
  Kind kind = Kind::kLiveSet;
  uint64_t live_set = 20000;  // kLiveSet: records
  double mean = 0;            // records or ns
};

// The lowest allocation rate a phase may have, relative to the group's:
// a record then takes 1000 think times.
inline constexpr double kMinRate = 1e-3;

// A stretch of a goroutine's program during which its allocation rate and
// its live set (or lifetimes) are scaled: `rate` divides the think time,
// `live` multiplies the live-set target or the lifetimes.
struct Phase {
  enum class Kind { kSteady, kRamp, kStep, kOscillation };
  Kind kind = Kind::kSteady;
  // Length: records of this goroutine, or (if duration_ns > 0) virtual ns.
  uint64_t records = 100000;
  int64_t duration_ns = 0;
  // kSteady, kOscillation: the level (mean). kRamp: linear from *_from to
  // *_to. kStep: *_from until `at` (share of the phase), then *_to.
  // Rates are at least kMinRate (the loader says so; an oscillation's
  // trough is held there).
  double rate_from = 1, rate_to = 1, live_from = 1, live_to = 1;
  double at = 0.5;
  // kOscillation: a triangle wave around rate_from/live_from, amplitude as
  // a share of the level, period in the phase's unit (records or ns).
  double rate_amplitude = 0, live_amplitude = 0, period = 0;
};

// The largest live factor the phase reaches.
double MaxLive(const Phase& ph);

// `count` goroutines running the same mutator program, each with its own
// random streams.
struct MutatorGroup {
  int count = 0;                  // goroutines; 0 means GOMAXPROCS
  std::vector<RecordKind> kinds;  // empty: DefaultKinds()
  Lifetime lifetime;
  double think_ns = 500;          // mean mutator time between records (exponential), ns
  double jitter = 0;              // each goroutine's think_ns times U[1-jitter, 1+jitter]
  uint64_t records = 400000;      // records each goroutine allocates (0: no limit)
  int64_t duration_ns = 0;        // virtual time each goroutine runs (0: no limit)
  std::vector<Phase> phases;      // run in order; the goroutine exits after the last
  // Every block_every records (0: never) the goroutine blocks, as on a
  // network read or a channel receive, for Exponential(block_ns) virtual ns
  // and its P runs other goroutines.
  uint64_t block_every = 0;
  double block_ns = 0;
};

struct Workload {
  std::string trace;                  // non-empty: a trace-driven run of this file
  // With a trace: a lifetime run of the same program (a trace, or a
  // recording imported as one) whose object lifetimes replace the trace's
  // estimates (scenarios/trace_lifetimes.h).
  std::string lifetimes;
  // With a trace: follow the recorded clock as it is, the recorder's own
  // time in it (traces/recorder_clock.h) included.
  bool keep_recorder_time = false;
  uint64_t globals_bytes = 64 << 10;  // data+bss size scanned as roots
  std::vector<MutatorGroup> groups = {MutatorGroup{}};
};

std::vector<RecordKind> DefaultKinds();

struct RunConfig {
  std::string name = "steady";
  std::string description;
  uint64_t seed = 1;
  int gomaxprocs = 1;
  // The machine's CPUs, shared by the Ps' threads (sim::Cpus); 0, or as
  // many as the Ps: each P has its own.
  int ncpu = 0;
  int32_t gogc = 100;  // negative: GC off
  model::CostModel costs;
  model::PacerParams pacer;
  Workload workload;
  bool check_marks = false;       // checkmark pass at every mark termination
  bool check_invariants = false;  // allocator invariants after every cycle
};

// Sets every group's record count (the --records override).
void SetRecords(RunConfig* cfg, uint64_t records);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_RUN_CONFIG_H_
