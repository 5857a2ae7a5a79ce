// Port of Go 1.10.2 src/runtime/mcentral.go: the per-span-class central free
// lists that hand spans to mcaches and take them back, with the heap_live
// accounting the pacer depends on.
#ifndef GOGCSIM_MODEL_MCENTRAL_H_
#define GOGCSIM_MODEL_MCENTRAL_H_

#include <cstdint>

#include "model/mheap.h"

namespace gogcsim::model {

class MCentral {
 public:
  void Init(SpanClass spc, MHeap* heap, MemStats* memstats);

  // Allocate a span to use in an mcache; heap_live grows by the span's free bytes.
  MSpan* CacheSpan(MCacheStats* c);
  // Return a span from an mcache; heap_live shrinks by its still-free bytes.
  void UncacheSpan(MSpan* s);
  // Called by sweep: s has free objects again (wasempty: it was on empty).
  // Returns true if the span went back to the heap.
  bool FreeSpan(MSpan* s, bool preserve, bool wasempty, MCacheStats* c);

  // The base of the span CacheSpan would hand out now, or 0 if that
  // depends on sweeping first.
  uint64_t PeekCacheSpanBase() const;

  SpanClass spanclass() const { return spanclass_; }
  const MSpanList& nonempty() const { return nonempty_; }
  const MSpanList& empty() const { return empty_; }
  MSpanList* mutable_nonempty() { return &nonempty_; }
  MSpanList* mutable_empty() { return &empty_; }
  uint64_t nmalloc() const { return nmalloc_; }

 private:
  MSpan* Grow(MCacheStats* c);

  SpanClass spanclass_ = 0;
  MSpanList nonempty_;  // spans with a free object
  MSpanList empty_;     // spans with no free object, or cached in an mcache
  uint64_t nmalloc_ = 0;
  MHeap* heap_ = nullptr;
  MemStats* memstats_ = nullptr;
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MCENTRAL_H_
