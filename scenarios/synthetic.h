// Synthetic mutators: seeded allocation workloads described by a handful of
// parameters, for runs without a recorded trace.
#ifndef GOGCSIM_SCENARIOS_SYNTHETIC_H_
#define GOGCSIM_SCENARIOS_SYNTHETIC_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace gogcsim::scenarios {

struct SyntheticConfig {
  std::string name = "alloc-mix";
  uint64_t seed = 1;
  int gomaxprocs = 1;
  uint64_t allocations = 200000;  // requests in total, round-robin over Ps
  double size_mu = 4.1589;        // ln(64): median request 64 bytes
  double size_sigma = 1.2;        // lognormal spread of request sizes
  uint64_t max_size = 64 << 10;   // cap (bytes)
  double pointer_fraction = 0.6;  // share of requests with pointers
  double large_every = 5000;      // mean requests between 40-200 KiB objects
};

struct SyntheticResult {
  uint64_t allocations = 0, bytes_requested = 0, tiny_combined = 0, large = 0;
  uint64_t heap_live = 0, heap_scan = 0, heap_inuse = 0, heap_idle = 0, heap_sys = 0;
  uint64_t spans_in_use = 0, rss = 0, mapped = 0;
  int64_t virtual_ns = 0;
  std::map<int, uint64_t> objects_by_class;  // size class -> objects (0: large)
};

// The workloads built into gogcsim, by name.
absl::StatusOr<SyntheticConfig> BuiltinScenario(const std::string& name);

// Runs the allocator (no collector yet) over the workload. Deterministic:
// the same config gives the same result.
absl::StatusOr<SyntheticResult> RunSynthetic(const SyntheticConfig& cfg);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_SYNTHETIC_H_
