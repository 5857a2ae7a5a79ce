// Port of Go 1.10.2 src/runtime/mcache.go.
#include "model/mcache.h"

#include "sim/check.h"

namespace gogcsim::model {

MCache::MCache(std::array<MCentral, kNumSpanClasses>* centrals) : centrals_(centrals) {
  alloc.fill(&emptymspan_);
}

void MCache::Refill(SpanClass spc) {
  MSpan* s = alloc[spc];
  if (s->allocCount != s->nelems) GOGCSIM_THROW("refill of span with free space remaining");
  if (s != &emptymspan_) s->incache = false;
  s = (*centrals_)[spc].CacheSpan(&stats);
  if (s == nullptr) GOGCSIM_THROW("out of memory");
  if (s->allocCount == s->nelems) GOGCSIM_THROW("span has no free space");
  alloc[spc] = s;
}

void MCache::ReleaseSpan(SpanClass spc) {
  MSpan* s = alloc[spc];
  if (s != &emptymspan_) {
    (*centrals_)[spc].UncacheSpan(s);
    alloc[spc] = &emptymspan_;
  }
}

void MCache::ReleaseAll() {
  for (int i = 0; i < kNumSpanClasses; i++) ReleaseSpan(static_cast<SpanClass>(i));
  tiny = 0;
  tinyoffset = 0;
}

}  // namespace gogcsim::model
