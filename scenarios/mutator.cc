#include "scenarios/mutator.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"
#include "sim/check.h"

namespace gogcsim::scenarios {

double Triangle(double u) {
  const double f = u - std::floor(u);
  if (f < 0.25) return 4 * f;
  if (f < 0.75) return 2 - 4 * f;
  return 4 * f - 4;
}

PhaseLevel LevelAt(const Phase& ph, double pos) {
  const double len = ph.duration_ns > 0 ? static_cast<double>(ph.duration_ns) : static_cast<double>(ph.records);
  const double x = pos / len;  // share of the phase done
  switch (ph.kind) {
    case Phase::Kind::kSteady:
      return {ph.rate_from, ph.live_from};
    case Phase::Kind::kRamp:
      return {ph.rate_from + (ph.rate_to - ph.rate_from) * x, ph.live_from + (ph.live_to - ph.live_from) * x};
    case Phase::Kind::kStep:
      return x < ph.at ? PhaseLevel{ph.rate_from, ph.live_from} : PhaseLevel{ph.rate_to, ph.live_to};
    case Phase::Kind::kOscillation: {
      const double t = Triangle(pos / ph.period);
      return {ph.rate_from * (1 + ph.rate_amplitude * t), ph.live_from * (1 + ph.live_amplitude * t)};
    }
  }
  return {};
}

uint64_t PtrdataFor(const RecordKind& k, uint64_t size) {
  uint64_t p = k.ptrdata;
  if (k.pointer_fraction >= 0) {
    p = 8 * static_cast<uint64_t>(std::ceil(k.pointer_fraction * static_cast<double>(size) / 8));
  }
  p = std::min(p, size & ~uint64_t{7});
  if (k.has_child()) p = std::max<uint64_t>(p, 8);
  return p;
}

namespace {

model::AllocRequest Request(uint64_t size, uint64_t ptrdata) {
  model::AllocRequest r;
  r.size = size;
  r.noscan = ptrdata == 0;
  if (!r.noscan) {
    r.typsize = size;
    r.ptrdata = ptrdata;
  }
  return r;
}

}  // namespace

Mutator::Mutator(const MutatorGroup& group, model::Collector* gc, uint64_t seed, int index,
                 MutatorCounters* counters)
    : group_(group),
      gc_(gc),
      rng_(sim::Rng::Stream(seed, absl::StrFormat("mutator.%d", index))),
      size_rng_(sim::Rng::Stream(seed, absl::StrFormat("mutator.%d.size", index))),
      life_rng_(sim::Rng::Stream(seed, absl::StrFormat("mutator.%d.lifetime", index))),
      block_rng_(sim::Rng::Stream(seed, absl::StrFormat("mutator.%d.block", index))),
      counters_(counters),
      think_ns_(group.think_ns) {
  GOGCSIM_CHECK(!group.kinds.empty());
  for (const RecordKind& k : group.kinds) total_weight_ += k.weight;
  if (group.jitter > 0) {
    sim::Rng j = sim::Rng::Stream(seed, absl::StrFormat("mutator.%d.jitter", index));
    think_ns_ *= 1 - group.jitter + 2 * group.jitter * j.UniformDouble();
  }
}

void Mutator::Start(model::Sched& sched, model::G* g) {
  started_ = true;
  start_ns_ = phase_start_ns_ = sched.Now();
  if (lifetime_mode()) {
    g->roots.assign(1, 0);  // the temporary; record slots are added as needed
    tmp_ = 0;
    return;
  }
  // Enough slots for the largest live set any phase asks for, then the
  // temporary. Slots are handed out in order, so with a constant live set
  // record k lives in slot k mod live_set.
  double max_live = 1;
  for (const Phase& ph : group_.phases) max_live = std::max(max_live, MaxLive(ph));
  capacity_ = group_.lifetime.live_set;
  if (!group_.phases.empty()) {
    capacity_ = std::max(capacity_, static_cast<uint64_t>(
                                        std::ceil(static_cast<double>(group_.lifetime.live_set) * max_live)));
  }
  GOGCSIM_CHECK(capacity_ > 0 && capacity_ < (uint64_t{1} << 32));
  g->roots.assign(capacity_ + 1, 0);
  tmp_ = capacity_;
  for (uint64_t i = 0; i < capacity_; i++) free_.push_back(static_cast<uint32_t>(i));
}

bool Mutator::Advance(int64_t now) {
  if (group_.records != 0 && done_ >= group_.records) return false;
  if (group_.duration_ns != 0 && now - start_ns_ >= group_.duration_ns) return false;
  if (group_.phases.empty()) return true;
  while (phase_ < group_.phases.size()) {
    const Phase& ph = group_.phases[phase_];
    if (ph.duration_ns > 0) {
      if (now - phase_start_ns_ < ph.duration_ns) break;
      phase_start_ns_ += ph.duration_ns;  // the next phase begins where this one ended
    } else {
      if (phase_records_ < ph.records) break;
      phase_start_ns_ = now;
    }
    phase_++;
    phase_records_ = 0;
  }
  return phase_ < group_.phases.size();
}

PhaseLevel Mutator::Level(int64_t now) const {
  if (group_.phases.empty()) return {};
  const Phase& ph = group_.phases[phase_];
  const double pos = ph.duration_ns > 0 ? static_cast<double>(now - phase_start_ns_)
                                        : static_cast<double>(phase_records_);
  return LevelAt(ph, pos);
}

model::GStep Mutator::Step(model::Sched& sched, model::P* p, model::G* g) {
  if (!started_) Start(sched, g);
  if (state_ == kThink) {
    const int64_t now = sched.Now();
    if (!Advance(now)) return model::GStep::kExit;
    if (group_.block_every != 0 && done_ >= blocked_at_ + group_.block_every) {
      // Parked now; the wake-up (netpoll's or a timer's injectglist) comes
      // as an event, after this step has ended.
      blocked_at_ = done_;
      const int64_t wake = now + static_cast<int64_t>(block_rng_.Exponential(group_.block_ns)) + 1;
      sched.queue()->Schedule(wake, [&sched, g] { sched.Inject(g); });
      return model::GStep::kPark;
    }
    if (lifetime_mode()) Expire(now, g);
    const PhaseLevel level = Level(now);
    // Mutator work before the next record.
    const double mean = group_.phases.empty() ? think_ns_ : think_ns_ / std::max(level.rate, kMinRate);
    const int64_t think = static_cast<int64_t>(rng_.Exponential(mean)) + 1;
    sched.Charge(think);
    counters_->mutator_ns += think;
    kind_ = &PickKind();
    size_ = Draw(kind_->size);
    if (kind_->has_child()) size_ = std::max<uint64_t>(size_, 8);
    ptrdata_ = PtrdataFor(*kind_, size_);
    // A type with pointers is a whole number of words.
    if (ptrdata_ != 0) size_ = (size_ + 7) & ~uint64_t{7};
    child_size_ = kind_->has_child() ? Draw(kind_->child) : 0;
    live_ = level.live;
    state_ = child_size_ != 0 ? kChild : kParent;
    return model::GStep::kContinue;
  }
  if (state_ == kChild) {
    auto out = gc_->Allocate(p, g, Request(child_size_, 0));
    if (!out.done) return out.step;
    Count(out.r);
    g->roots[tmp_] = out.r.addr;  // held on the stack until linked
    state_ = kParent;
    if (out.step != model::GStep::kContinue) return out.step;
  }
  auto out = gc_->Allocate(p, g, Request(size_, ptrdata_));
  if (!out.done) return out.step;
  Count(out.r);
  if (child_size_ != 0) {
    gc_->StorePointer(g, out.r.addr, g->roots[tmp_]);  // parent.child = child
    g->roots[tmp_] = 0;
  }
  Keep(sched, g, out.r.addr);
  done_++;
  phase_records_++;
  counters_->records++;
  state_ = kThink;
  return out.step;
}

const RecordKind& Mutator::PickKind() {
  double x = rng_.UniformDouble() * total_weight_;
  for (const RecordKind& k : group_.kinds) {
    if (x < k.weight) return k;
    x -= k.weight;
  }
  return group_.kinds.back();
}

uint64_t Mutator::Draw(const SizeDist& d) {
  switch (d.kind) {
    case SizeDist::Kind::kFixed:
      return d.fixed;
    case SizeDist::Kind::kTable: {
      double total = 0;
      for (const auto& [bytes, weight] : d.table) total += weight;
      double x = size_rng_.UniformDouble() * total;
      for (const auto& [bytes, weight] : d.table) {
        if (x < weight) return bytes;
        x -= weight;
      }
      return d.table.back().first;
    }
    case SizeDist::Kind::kLogNormal: {
      const double s = size_rng_.LogNormal(d.mu, d.sigma);
      if (!(s >= static_cast<double>(d.min))) return d.min;
      if (s >= static_cast<double>(d.max)) return d.max;
      return static_cast<uint64_t>(s);
    }
  }
  return 0;
}

void Mutator::Count(const model::AllocResult& r) {
  counters_->allocations++;
  counters_->bytes_allocated += r.size;
}

void Mutator::Drop(model::G* g, uint32_t slot) {
  gc_->WriteBarrier(g, g->roots[slot], 0);
  g->roots[slot] = 0;
  free_.push_back(slot);
}

void Mutator::Keep(model::Sched& sched, model::G* g, uint64_t addr) {
  uint32_t slot;
  if (!lifetime_mode()) {
    // The live-set target now; the oldest records beyond it are dropped and
    // the new one takes the oldest's slot (the write barrier shades it).
    uint64_t target = group_.lifetime.live_set;
    if (!group_.phases.empty()) {
      const double want = static_cast<double>(target) * live_ + 0.5;
      target = want < 1 ? 1 : std::min(capacity_, static_cast<uint64_t>(want));
    }
    while (fifo_.size() > target) {
      Drop(g, fifo_.front());
      fifo_.pop_front();
    }
    if (fifo_.size() == target) {
      slot = fifo_.front();
      fifo_.pop_front();
    } else {
      slot = free_.front();
      free_.pop_front();
    }
    fifo_.push_back(slot);
  } else {
    if (free_.empty()) {
      slot = static_cast<uint32_t>(g->roots.size());
      g->roots.push_back(0);
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    const Lifetime& lt = group_.lifetime;
    const double mean = lt.mean * live_;
    int64_t at;
    if (lt.kind == Lifetime::Kind::kExponentialRecords) {
      at = static_cast<int64_t>(done_) + 1 + static_cast<int64_t>(life_rng_.Exponential(mean));
    } else if (lt.kind == Lifetime::Kind::kExponentialNs) {
      at = sched.Now() + static_cast<int64_t>(life_rng_.Exponential(mean));
    } else {
      at = sched.Now() + static_cast<int64_t>(mean);
    }
    deaths_.push({at, seq_++, slot});
  }
  gc_->WriteBarrier(g, g->roots[slot], addr);
  g->roots[slot] = addr;
}

void Mutator::Expire(int64_t now, model::G* g) {
  const int64_t clock =
      group_.lifetime.kind == Lifetime::Kind::kExponentialRecords ? static_cast<int64_t>(done_) : now;
  while (!deaths_.empty() && deaths_.top().at <= clock) {
    Drop(g, deaths_.top().slot);
    deaths_.pop();
  }
}

}  // namespace gogcsim::scenarios
