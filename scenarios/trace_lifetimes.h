// Object deaths from a second recording of the same program, made at a low
// GOGC (a lifetime run: `gogcsim record --gogc=5`). A recording knows an
// object's death only to within the cycle whose mark found it dead; a
// what-if that collects more often than the recording then keeps objects
// alive that the real program had dropped. The lifetime run's cycles are
// GOGC/5 times as frequent, so its deaths are that much finer. Its
// allocations are paired with the main recording's, goroutine by goroutine
// (in the order each first allocated) and in each goroutine's allocation
// order, by size and type; an object's lifetime, in the program's
// allocations from its own to its death, is then taken from the lifetime
// run. The pairing holds where the program allocates the same sequence in
// each goroutine on both runs (a deterministic program); the runtime's own
// allocations that fall elsewhere on the two runs (mark workers' goroutines
// at the first cycle, say) are skipped over by looking a few allocations
// ahead on either side.
#ifndef GOGCSIM_SCENARIOS_TRACE_LIFETIMES_H_
#define GOGCSIM_SCENARIOS_TRACE_LIFETIMES_H_

#include <cstdint>
#include <vector>

namespace gogcsim::scenarios {

// One allocation: its goroutine (0, 1, ... in the order goroutines first
// allocated) and its shape (size and type, hashed).
struct AllocKey {
  uint32_t goroutine = 0;
  uint64_t shape = 0;
};

inline constexpr uint64_t kUnpaired = ~uint64_t{0};

// How far ahead, in one goroutine's allocations, the pairing looks for the
// other side's next allocation after a mismatch.
inline constexpr int kPairLookahead = 32;

// For each allocation ordinal of `main`, the ordinal of the same allocation
// in `life`, or kUnpaired.
std::vector<uint64_t> PairAllocations(const std::vector<AllocKey>& main, const std::vector<AllocKey>& life);

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_TRACE_LIFETIMES_H_
