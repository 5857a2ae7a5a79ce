#include "scenarios/trace_lifetimes.h"

#include <algorithm>

namespace gogcsim::scenarios {
namespace {

// The allocation ordinals of each goroutine, in order.
std::vector<std::vector<uint64_t>> ByGoroutine(const std::vector<AllocKey>& keys) {
  std::vector<std::vector<uint64_t>> out;
  for (uint64_t i = 0; i < keys.size(); i++) {
    if (keys[i].goroutine >= out.size()) out.resize(keys[i].goroutine + 1);
    out[keys[i].goroutine].push_back(i);
  }
  return out;
}

}  // namespace

std::vector<uint64_t> PairAllocations(const std::vector<AllocKey>& main, const std::vector<AllocKey>& life) {
  std::vector<uint64_t> pair(main.size(), kUnpaired);
  const std::vector<std::vector<uint64_t>> a = ByGoroutine(main), b = ByGoroutine(life);
  for (size_t g = 0; g < std::min(a.size(), b.size()); g++) {
    const std::vector<uint64_t>& x = a[g];
    const std::vector<uint64_t>& y = b[g];
    size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
      if (main[x[i]].shape == life[y[j]].shape) {
        pair[x[i++]] = y[j++];
        continue;
      }
      // The nearest resumption: x[i] found k ahead in y, or y[j] k ahead in
      // x; neither within reach drops one of each.
      int skip_y = -1, skip_x = -1;
      for (int k = 1; k <= kPairLookahead && (skip_y < 0 && skip_x < 0); k++) {
        if (j + k < y.size() && life[y[j + k]].shape == main[x[i]].shape) skip_y = k;
        if (i + k < x.size() && main[x[i + k]].shape == life[y[j]].shape) skip_x = k;
      }
      if (skip_y > 0 && (skip_x < 0 || skip_y <= skip_x)) {
        j += skip_y;
      } else if (skip_x > 0) {
        i += skip_x;
      } else {
        i++;
        j++;
      }
    }
  }
  return pair;
}

}  // namespace gogcsim::scenarios
