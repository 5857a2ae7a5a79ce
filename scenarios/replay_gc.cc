#include "scenarios/replay_gc.h"

#include <bit>
#include <utility>

#include "absl/strings/str_format.h"
#include "sim/check.h"

namespace gogcsim::scenarios {
namespace {

using traces::V2Record;
using traces::V2TagOf;

struct Tags {
  int H = V2TagOf("H"), GS = V2TagOf("GS"), MS = V2TagOf("MS"), PE = V2TagOf("PE"), MT = V2TagOf("MT"),
      HM = V2TagOf("HM"), PT = V2TagOf("PT"), FM = V2TagOf("FM"), W = V2TagOf("W"), C = V2TagOf("C"),
      AT = V2TagOf("AT"), CQ = V2TagOf("CQ"), F = V2TagOf("F"), MO = V2TagOf("MO"), DM = V2TagOf("DM"),
      SF = V2TagOf("SF"), SX = V2TagOf("SX");
};
const Tags& T() {
  static const Tags* t = new Tags();
  return *t;
}

// runtime.gcTriggerKind.
constexpr int64_t kTriggerAlways = 0, kTriggerHeap = 1, kTriggerCycle = 3;

}  // namespace

ReplayCollector::ReplayCollector(model::Malloc* malloc, model::GcController* controller, model::Sweeper* sweeper,
                                 ReplayThreads* threads, std::function<model::MCache*(int)> caches, int gomaxprocs)
    : malloc_(malloc),
      controller_(controller),
      sweeper_(sweeper),
      threads_(threads),
      caches_(std::move(caches)),
      gomaxprocs_(gomaxprocs) {
  controller_->set_observer(this);
}

absl::StatusOr<std::unique_ptr<traces::RecordingV2Reader>> ReplayCollector::OpenScout(const std::string& path) {
  auto r = traces::RecordingV2Reader::Open(path);
  if (!r.ok()) return r.status();
  (*r)->KeepOnly({T().MT, T().F, T().MO}, /*times=*/false);
  (*r)->KeepBits();  // a word of frees per record: ReadFreed expands them
  return r;
}

ReplayCollector::Dispatch ReplayCollector::Handle(const V2Record& rec, std::function<void()>* body) {
  const Tags& t = T();
  refused_.clear();
  if (rec.tag == t.H) {
    enablegc_ = true;  // gcenable: allocations may start cycles from here
  } else if (rec.tag == t.W) {
    controller_->scanWork += rec.v[1];
  } else if (rec.tag == t.C) {
    controller_->bgScanCredit += rec.v[1];
  } else if (rec.tag == t.AT) {
    controller_->assistTime += rec.v[0];
  } else if (rec.tag == t.MS) {
    controller_->markStartTime = rec.v[0];
  } else if (rec.tag == t.SF) {
    const uint64_t addr = static_cast<uint64_t>(rec.v[0]);
    const model::MSpan* s = malloc_->heap().SpanOf(addr);
    if (s == nullptr || s->state != model::SpanState::kInUse) {
      refused_ = "a finalizer is set on no object of the heap";
      return Dispatch::kNone;
    }
    finalizers_[addr] = s->elemsize;
    if (phase_ != Phase::kOff) finalizer_bytes_ += s->elemsize;  // addfinalizer's scanobject
  } else if (rec.tag == t.SX) {
    finalizers_.erase(static_cast<uint64_t>(rec.v[0]));
  } else if (rec.tag == t.DM) {
    if (phase_ != Phase::kOff) marked_twice_ += static_cast<uint64_t>(rec.v[1]);
  } else if (rec.tag == t.CQ) {
    // gcFlushBgCredit found assists queued: their credit is in C records.
  } else if (rec.tag == t.GS) {
    *body = [this, rec] { GcStart(rec); };
    return Dispatch::kCall;
  } else if (rec.tag == t.PE) {
    *body = [this, rec] { EndCycle(rec); };
    return Dispatch::kCall;
  } else if (rec.tag == t.MT) {
    *body = [this] { MarkTermination(); };
    return Dispatch::kCall;
  } else if (rec.tag == t.FM) {
    if (rec.v[0] < 0 || rec.v[0] >= gomaxprocs_) {
      error_ = absl::InvalidArgumentError(absl::StrFormat("offset %d: record %d: FM of P %d, with GOMAXPROCS %d",
                                                          rec.offset, rec.index, rec.v[0], gomaxprocs_));
      return Dispatch::kInput;
    }
    const int p = static_cast<int>(rec.v[0]);
    *body = [this, p] {
      threads_->PassPoint(MakePoint("FM", {p}));
      caches_(p)->ReleaseAll();
    };
    return Dispatch::kCall;
  } else if (rec.tag == t.HM) {
    *body = [this] { HeapMarked(); };
    return Dispatch::kCall;
  } else if (rec.tag == t.PT) {
    *body = [this] { SetTrigger(); };
    return Dispatch::kCall;
  } else {
    return Dispatch::kNone;
  }
  return Dispatch::kInput;
}

void ReplayCollector::TestHeapTrigger() {
  const model::MemStats& m = malloc_->memstats();
  if (enablegc_ && phase_ == Phase::kOff && m.heap_live >= m.gc_trigger) heap_triggered_ = true;
}

void ReplayCollector::GcStart(const V2Record& gs) {
  refused_.clear();
  // Which trigger fired is the program's doing (runtime.GC, sysmon's
  // clock, the heap); the heap's must have held for an allocation.
  const int64_t kind = gs.v[1];
  if (phase_ != Phase::kOff) {
    refused_ = "a cycle starts while the last one has not ended";
    return;
  }
  if (kind == kTriggerHeap && !heap_triggered_) {
    refused_ = "no allocation found the heap trigger (heap_live >= gc_trigger) since the last cycle";
    return;
  }
  heap_triggered_ = false;
  user_forced_ = kind == kTriggerAlways || kind == kTriggerCycle;
  cycles_++;
  // Sweep termination ran before (finishsweep_m's sweeps are records of
  // their own): nothing may be left.
  if (malloc_->heap().sweepdone == 0 && cycles_ > 1) {
    refused_ = "gcStart with spans left unswept";
    return;
  }
  // The trigger's kind and the clock are inputs.
  ReplayPoint point =
      MakePoint("GS", {static_cast<int64_t>(cycles_), 0, 0, static_cast<int64_t>(malloc_->memstats().heap_live), 0});
  point.inputs = 1u << 1 | 1u << 4;
  threads_->PassPoint(point);
  controller_->StartCycle(gomaxprocs_);  // PR, then PS
  // markrootSpans scans the objects with finalizers.
  finalizer_bytes_ = 0;
  marked_twice_ = 0;
  for (const auto& [addr, size] : finalizers_) finalizer_bytes_ += size;
  phase_ = Phase::kMark;
  blacken_ = true;
}

void ReplayCollector::EndCycle(const V2Record& pe) {
  if (phase_ != Phase::kMark) {
    refused_ = "endCycle outside a mark phase";
    return;
  }
  blacken_ = false;  // gcMarkDone, with the world stopped
  next_ratio_ = controller_->EndCycle(pe.v[6], gomaxprocs_, user_forced_);
}

void ReplayCollector::MarkTermination() {
  if (phase_ != Phase::kMark || blacken_) {
    refused_ = "mark termination before gcMarkDone's endCycle";
    return;
  }
  phase_ = Phase::kMarkTermination;
  ReplayPoint point = MakePoint("MT", {0, std::bit_cast<int64_t>(next_ratio_)});
  point.inputs = 1;  // the clock
  threads_->PassPoint(point);
}

void ReplayCollector::HeapMarked() {
  if (phase_ != Phase::kMarkTermination) {
    refused_ = "gcMark's end outside mark termination";
    return;
  }
  if (absl::Status st = ReadFreed(cycles_ - 1); !st.ok()) {
    error_ = st;
    return;
  }
  model::MemStats& m = malloc_->memstats();
  for (int p = 0; p < gomaxprocs_; p++) model::PurgeCachedStats(&caches_(p)->stats, &m, &malloc_->heap().freestats);
  const uint64_t bytesMarked = MarkFromRecording(malloc_->heap(), freed_, phantom_) + finalizer_bytes_ + marked_twice_;
  std::vector<uint64_t>().swap(freed_);
  std::vector<uint64_t>().swap(phantom_);
  m.heap_marked = bytesMarked;
  m.heap_live = bytesMarked;
  m.heap_scan = static_cast<uint64_t>(controller_->scanWork);
  threads_->PassPoint(MakePoint(
      "HM", {static_cast<int64_t>(bytesMarked), static_cast<int64_t>(m.heap_live), static_cast<int64_t>(m.heap_scan)}));
  phase_ = Phase::kOff;
}

void ReplayCollector::SetTrigger() {
  // gcMarkTermination: gcSweep, then gcSetTriggerRatio.
  sweeper_->GcSweep();
  controller_->SetTriggerRatio(next_ratio_, false);
}

uint64_t MarkFromRecording(const model::MHeap& h, const std::vector<uint64_t>& freed,
                           const std::vector<uint64_t>& marked_free) {
  uint64_t bytesMarked = 0;
  for (model::MSpan* s : h.allspans) {
    if (s->state != model::SpanState::kInUse) continue;
    if (s->sweepgen != h.sweepgen) GOGCSIM_THROW("mark termination with an unswept span");
    // A word of slots at a time: those below freeindex or allocated.
    for (uint64_t lo = 0; lo < s->nelems; lo += 64) {
      uint64_t live = s->allocBits[lo / 64];
      if (s->freeindex > lo) live |= s->freeindex - lo >= 64 ? ~uint64_t{0} : (uint64_t{1} << (s->freeindex - lo)) - 1;
      if (s->nelems - lo < 64) live &= (uint64_t{1} << (s->nelems - lo)) - 1;
      if ((s->gcmarkBits[lo / 64] & live) != 0) GOGCSIM_THROW("mark bit set before mark termination");
      s->gcmarkBits[lo / 64] |= live;
      bytesMarked += static_cast<uint64_t>(std::popcount(live)) * s->elemsize;
    }
  }
  // The objects the cycle's sweeps freed were not marked (once each).
  for (const uint64_t addr : freed) {
    model::MSpan* s = h.SpanOf(addr);
    if (s == nullptr || s->state != model::SpanState::kInUse || addr < s->base()) continue;
    const uint64_t i = (addr - s->base()) / s->elemsize;
    if (i >= s->nelems || s->base() + i * s->elemsize != addr || !s->MarkBit(i)) continue;
    s->gcmarkBits[i / 64] &= ~(uint64_t{1} << (i % 64));
    bytesMarked -= s->elemsize;
  }
  // Free slots the cycle marked: the sweep will keep them, as Go's does.
  for (const uint64_t addr : marked_free) {
    model::MSpan* s = h.SpanOf(addr);
    if (s == nullptr || s->state != model::SpanState::kInUse || addr < s->base()) continue;
    const uint64_t i = (addr - s->base()) / s->elemsize;
    if (i >= s->nelems || s->base() + i * s->elemsize != addr || s->MarkBit(i)) continue;
    s->SetMarkBit(i);
    bytesMarked += s->elemsize;
  }
  return bytesMarked;
}

absl::Status ReplayCollector::ReadFreed(size_t cycle) {
  freed_.clear();
  phantom_.clear();
  while (scout_mt_ < cycle + 2) {
    absl::StatusOr<const V2Record*> next = scout_->NextRecord(scout_lane_);
    if (!next.ok()) return next.status();
    if (*next == nullptr) break;
    const V2Record& rec = **next;
    if (rec.tag == T().MT) {
      scout_mt_++;
    } else if ((rec.tag == traces::kV2TagFB || rec.tag == traces::kV2TagMB) && scout_mt_ == cycle + 1) {
      // A word of a sweep's bitmap: a slot per set bit.
      std::vector<uint64_t>& to = rec.tag == traces::kV2TagFB ? freed_ : phantom_;
      for (V2Record word = rec; word.v[2] != 0; traces::V2ClearLowestSlot(word)) {
        to.push_back(static_cast<uint64_t>(traces::V2LowestSlot(word)));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace gogcsim::scenarios
