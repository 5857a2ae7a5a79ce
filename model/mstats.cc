// Port of Go 1.10.2 src/runtime/mstats.go (purgecachedstats).
#include "model/mstats.h"

namespace gogcsim::model {

void PurgeCachedStats(MCacheStats* c, MemStats* m, HeapFreeStats* h) {
  m->heap_scan += c->local_scan;
  c->local_scan = 0;
  c->scan_flushes++;
  m->tinyallocs += c->local_tinyallocs;
  c->local_tinyallocs = 0;
  m->nlookup += c->local_nlookup;
  c->local_nlookup = 0;
  h->largefree += c->local_largefree;
  c->local_largefree = 0;
  h->nlargefree += c->local_nlargefree;
  c->local_nlargefree = 0;
  for (int i = 0; i < kNumSizeClasses; i++) {
    h->nsmallfree[i] += c->local_nsmallfree[i];
    c->local_nsmallfree[i] = 0;
  }
}

}  // namespace gogcsim::model
