// Port of Go 1.10.2 src/runtime/mcache.go: the per-P cache of spans, one per
// span class, plus the tiny allocator's block and the P's local statistics.
#ifndef GOGCSIM_MODEL_MCACHE_H_
#define GOGCSIM_MODEL_MCACHE_H_

#include <array>
#include <cstdint>

#include "model/mcentral.h"
#include "model/mheap.h"
#include "model/mstats.h"

namespace gogcsim::model {

class MCache {
 public:
  // allocmcache: every class starts at the empty dummy span.
  explicit MCache(std::array<MCentral, kNumSpanClasses>* centrals);
  MCache(const MCache&) = delete;
  MCache& operator=(const MCache&) = delete;

  // Gets a span with a free object for spc; the current one must be full.
  void Refill(SpanClass spc);
  // Returns every cached span to its mcentral and drops the tiny block.
  void ReleaseAll();
  // One step of ReleaseAll: returns the span cached for spc, if any.
  void ReleaseSpan(SpanClass spc);

  bool IsEmptySpan(const MSpan* s) const { return s == &emptymspan_; }

  MCacheStats stats;
  uint64_t tiny = 0;        // current tiny block's address, 0 if none
  uint64_t tinyoffset = 0;  // bytes used in it
  std::array<MSpan*, kNumSpanClasses> alloc;

 private:
  std::array<MCentral, kNumSpanClasses>* centrals_;
  MSpan emptymspan_;  // never allocated from: nelems == allocCount == 0
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MCACHE_H_
