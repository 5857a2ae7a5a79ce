// A synthetic mutator goroutine (model::GBody): think, allocate a record (a
// parent object, optionally pointing to a noscan child buffer), keep it
// reachable from the goroutine's roots for its lifetime, repeat; its rate
// and live set follow the group's phases.
//
// Random streams (sim::Rng::Stream(seed, name)), i = the goroutine's index
// over all groups: "mutator.i" gives the think times and record kinds (in
// that order, one each per record, as before sizes and lifetimes existed);
// "mutator.i.size" the sizes drawn from tables and lognormals,
// "mutator.i.lifetime" the lifetimes, "mutator.i.jitter" the goroutine's
// rate factor, "mutator.i.block" how long it blocks. A workload without those features draws nothing from them.
#ifndef GOGCSIM_SCENARIOS_MUTATOR_H_
#define GOGCSIM_SCENARIOS_MUTATOR_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <vector>

#include "model/mgc.h"
#include "model/proc.h"
#include "scenarios/run_config.h"
#include "sim/rng.h"

namespace gogcsim::scenarios {

// Scale factors for the think time's divisor (rate) and the live set or
// lifetimes (live).
struct PhaseLevel {
  double rate = 1, live = 1;
};

// The phase's levels `pos` into it (records or ns, the phase's unit).
PhaseLevel LevelAt(const Phase& ph, double pos);
// A triangle wave of period 1: 0 at u = 0, 1 at 1/4, 0 at 1/2, -1 at 3/4.
// (Plain arithmetic, so every libm gives the same bits, unlike std::sin.)
double Triangle(double u);
// The bytes of a parent object of kind k and `size` bytes that hold
// pointers: k.ptrdata, or k.pointer_fraction of the size rounded up to
// whole words; never past the size's last whole word; at least one word
// when the parent points to a child.
uint64_t PtrdataFor(const RecordKind& k, uint64_t size);

// What the mutators did, summed over all of them.
struct MutatorCounters {
  uint64_t records = 0, allocations = 0, bytes_allocated = 0;
  int64_t mutator_ns = 0;  // virtual CPU, all Ps
};

class Mutator : public model::GBody {
 public:
  // group.kinds must be non-empty; group must outlive the mutator.
  Mutator(const MutatorGroup& group, model::Collector* gc, uint64_t seed, int index, MutatorCounters* counters);

  model::GStep Step(model::Sched& sched, model::P* p, model::G* g) override;

 private:
  enum State { kThink, kChild, kParent };
  struct Death {
    int64_t at;  // records (kExponentialRecords) or virtual ns
    uint64_t seq;
    uint32_t slot;
    bool operator>(const Death& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void Start(model::Sched& sched, model::G* g);
  // Moves past finished phases; false when the goroutine is done.
  bool Advance(int64_t now);
  PhaseLevel Level(int64_t now) const;
  const RecordKind& PickKind();
  uint64_t Draw(const SizeDist& d);
  void Count(const model::AllocResult& r);
  // Roots a new record, dropping records past the live set or lifetime.
  void Keep(model::Sched& sched, model::G* g, uint64_t addr);
  void Drop(model::G* g, uint32_t slot);
  void Expire(int64_t now, model::G* g);
  bool lifetime_mode() const { return group_.lifetime.kind != Lifetime::Kind::kLiveSet; }

  const MutatorGroup& group_;
  model::Collector* gc_;
  sim::Rng rng_, size_rng_, life_rng_, block_rng_;
  MutatorCounters* counters_;
  double total_weight_ = 0;
  double think_ns_;  // the group's think_ns times this goroutine's jitter factor

  bool started_ = false;
  int64_t start_ns_ = 0;
  size_t phase_ = 0;
  int64_t phase_start_ns_ = 0;
  uint64_t phase_records_ = 0;

  State state_ = kThink;
  const RecordKind* kind_ = nullptr;
  uint64_t size_ = 0, ptrdata_ = 0, child_size_ = 0;
  double live_ = 1;  // the live factor when the record was begun
  uint64_t done_ = 0;
  uint64_t blocked_at_ = 0;  // done_ when the goroutine last blocked

  // g->roots[tmp_] holds a child until its parent links it.
  size_t tmp_ = 0;
  // Live-set mode: slots of the live records, oldest first, and free slots.
  uint64_t capacity_ = 0;
  std::deque<uint32_t> fifo_, free_;
  // Lifetime mode: when each live record dies.
  std::priority_queue<Death, std::vector<Death>, std::greater<Death>> deaths_;
  uint64_t seq_ = 0;
};

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_MUTATOR_H_
