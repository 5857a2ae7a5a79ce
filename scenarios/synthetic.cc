#include "scenarios/synthetic.h"

#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "model/malloc.h"
#include "model/msize.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"
#include "sim/rng.h"

namespace gogcsim::scenarios {

absl::StatusOr<SyntheticConfig> BuiltinScenario(const std::string& name) {
  SyntheticConfig c;
  if (name == "alloc-mix" || name.empty()) return c;
  if (name == "alloc-mix-p4") {
    c.name = name;
    c.gomaxprocs = 4;
    return c;
  }
  return absl::NotFoundError(
      absl::StrFormat("unknown built-in scenario \"%s\" (have: alloc-mix, alloc-mix-p4)", name));
}

absl::StatusOr<SyntheticResult> RunSynthetic(const SyntheticConfig& cfg) {
  if (cfg.gomaxprocs < 1 || cfg.gomaxprocs > 256) {
    return absl::InvalidArgumentError(absl::StrFormat("gomaxprocs %d out of range 1..256", cfg.gomaxprocs));
  }
  sim::AddressSpace os;
  sim::EventQueue q;
  model::Malloc m(&os, &q.clock(), cfg.seed);
  if (absl::Status st = m.Init(); !st.ok()) return st;
  std::vector<std::unique_ptr<model::MCache>> caches;
  for (int p = 0; p < cfg.gomaxprocs; p++) caches.push_back(m.NewMCache());
  sim::Rng sizes = sim::Rng::Stream(cfg.seed, "synthetic.size");
  sim::Rng kinds = sim::Rng::Stream(cfg.seed, "synthetic.kind");
  SyntheticResult r;
  for (uint64_t i = 0; i < cfg.allocations; i++) {
    model::AllocRequest req;
    if (cfg.large_every > 0 && kinds.Bernoulli(1.0 / cfg.large_every)) {
      req.size = 40960 + kinds.UniformInt(160 * 1024);
    } else {
      const double s = sizes.LogNormal(cfg.size_mu, cfg.size_sigma);
      req.size = s < 1 ? 1 : s > static_cast<double>(cfg.max_size) ? cfg.max_size : static_cast<uint64_t>(s);
    }
    req.noscan = !kinds.Bernoulli(cfg.pointer_fraction);
    if (!req.noscan) {
      req.typsize = req.size;
      req.ptrdata = (req.size / 2 + 7) & ~uint64_t{7};
    }
    model::MCache* c = caches[i % caches.size()].get();
    model::AllocResult a = m.Mallocgc(c, req);
    r.bytes_requested += req.size;
    if (a.tiny && a.size == 0) r.tiny_combined++;
    const int cls = req.size > model::kMaxSmallSize ? 0 : model::SizeToClass(req.size);
    if (cls == 0) r.large++;
    if (!(a.tiny && a.size == 0)) r.objects_by_class[cls]++;
    // A nominal 100 ns of mutator work per allocation (no cost model yet).
    q.RunUntil(q.Now() + 100);
  }
  r.allocations = cfg.allocations;
  const model::MemStats& ms = m.memstats();
  r.heap_live = ms.heap_live;
  r.heap_scan = ms.heap_scan;
  for (auto& c : caches) r.heap_scan += c->stats.local_scan;
  r.heap_inuse = ms.heap_inuse;
  r.heap_idle = ms.heap_idle;
  r.heap_sys = ms.heap_sys;
  r.spans_in_use = m.heap().pagesInUse;
  r.rss = os.resident_bytes();
  r.mapped = os.mapped_bytes();
  r.virtual_ns = q.Now();
  return r;
}

}  // namespace gogcsim::scenarios
