#include "scenarios/replay_point.h"

#include <bit>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "sim/check.h"

namespace gogcsim::scenarios {
namespace {

using model::SyncKind;

// The v2 record each sync kind stands for, by SyncKind.
constexpr const char* kRecordOf[] = {"HL", "HS", "SC", "SP", "PW", "CT", "CF", "UC", "HA", "L",  "HF", "MA",
                                     "MF", "BU", "BO", "SE", "HR", "DR", "DZ", "SD", "SN", "CK", "TP", "BR"};
static_assert(std::size(kRecordOf) == model::kNumSyncKinds);

int64_t Bits(double f) { return std::bit_cast<int64_t>(f); }

}  // namespace

ReplayPoint MakePoint(const char* name, std::initializer_list<int64_t> v) {
  return MakePoint(traces::V2TagOf(name), v);
}

ReplayPoint MakePoint(int tag, std::initializer_list<int64_t> v) {
  ReplayPoint p;
  p.tag = tag;
  GOGCSIM_CHECK(p.tag >= 0 && v.size() <= std::size(p.v));
  for (int64_t x : v) p.v[p.n++] = x;
  return p;
}

int TagOf(SyncKind kind) {
  static const auto* tags = [] {
    auto* t = new int[std::size(kRecordOf)];
    for (size_t k = 0; k < std::size(kRecordOf); k++) t[k] = traces::V2TagOf(kRecordOf[k]);
    return t;
  }();
  return tags[static_cast<size_t>(kind)];
}

ReplayPoint PointOf(const model::SyncPoint& sp) {
  ReplayPoint p;
  p.tag = TagOf(sp.kind);
  p.n = sp.n;
  for (int k = 0; k < sp.n; k++) p.v[k] = sp.v[k];
  switch (sp.kind) {
    case SyncKind::kHeapLive:
    case SyncKind::kHeapScan:  // unsigned: heap_live wraps as Go's uint64 does
      p.v[1] = static_cast<int64_t>(static_cast<uint64_t>(sp.v[1]) + static_cast<uint64_t>(sp.v[0]));
      break;
    case SyncKind::kPagesSwept:
      p.v[2] = static_cast<int64_t>(static_cast<uint64_t>(sp.v[2]) + static_cast<uint64_t>(sp.v[1]));
      break;
    case SyncKind::kSweepPop:  // the slot: the index after the decrement
      p.v[0] = static_cast<int32_t>(sp.v[0] - 1);
      break;
    case SyncKind::kSweepPopUndo:  // the index after the give-back
      p.v[0] = static_cast<int32_t>(sp.v[0] + 1);
      break;
    default:
      break;
  }
  return p;
}

ReplayPoint PointOf(const model::SetTriggerDecision& d) {
  return MakePoint(
      "PT", {Bits(d.in_triggerRatio), d.gcpercent, static_cast<int64_t>(d.heap_marked),
             static_cast<int64_t>(d.heap_live), static_cast<int64_t>(d.heapminimum), d.sweepdone,
             static_cast<int64_t>(d.pagesInUse), static_cast<int64_t>(d.pagesSwept), d.mark_phase, Bits(d.triggerRatio),
             static_cast<int64_t>(d.gc_trigger), static_cast<int64_t>(d.next_gc), Bits(d.sweepPagesPerByte),
             static_cast<int64_t>(d.sweepHeapLiveBasis), static_cast<int64_t>(d.pagesSweptBasis)});
}

ReplayPoint PointOf(const model::StartCycleDecision& d) {
  return MakePoint("PS",
                   {static_cast<int64_t>(d.gc_trigger), static_cast<int64_t>(d.heapminimum),
                    static_cast<int64_t>(d.in_heap_marked), Bits(d.triggerRatio), static_cast<int64_t>(d.heap_live),
                    d.gcpercent, d.gomaxprocs, static_cast<int64_t>(d.heap_marked), static_cast<int64_t>(d.next_gc),
                    d.dedicatedMarkWorkersNeeded, Bits(d.fractionalUtilizationGoal)});
}

ReplayPoint PointOf(const model::ReviseDecision& d) {
  return MakePoint(
      "PR", {d.gcpercent, static_cast<int64_t>(d.heap_live), static_cast<int64_t>(d.next_gc),
             static_cast<int64_t>(d.heap_scan), d.scanWork, Bits(d.assistWorkPerByte), Bits(d.assistBytesPerWork)});
}

ReplayPoint PointOf(const model::EndCycleDecision& d) {
  ReplayPoint p = MakePoint("PE", {d.userForced, Bits(d.in_triggerRatio), d.gcpercent,
                                   static_cast<int64_t>(d.heap_live), static_cast<int64_t>(d.heap_marked),
                                   d.markStartTime, d.now, d.assistTime, d.gomaxprocs, Bits(d.triggerRatio)});
  p.inputs = 1u << 6;  // now: endCycle's clock, which the replay takes from the record
  return p;
}

bool Matches(const ReplayPoint& p, const traces::V2Record& rec) {
  if (rec.tag != p.tag || rec.n != p.n) return false;
  for (int k = 0; k < p.n; k++) {
    if (rec.v[k] != p.v[k] && (p.inputs >> k & 1) == 0) return false;
  }
  return true;
}

int MatchFrees(traces::V2Record& fb, sim::RingQueue<ReplayPoint>& produced, bool* mismatch) {
  *mismatch = false;
  int matched = 0;
  while (fb.v[2] != 0 && !produced.empty()) {
    const ReplayPoint& got = produced.front();
    if (got.tag != traces::kV2TagF || got.n != 1 || got.v[0] != traces::V2LowestSlot(fb)) {
      *mismatch = true;
      break;
    }
    produced.pop_front();
    traces::V2ClearLowestSlot(fb);
    fb.index++;
    matched++;
  }
  return matched;
}

traces::V2Record NextFree(const traces::V2Record& fb) {
  traces::V2Record f = fb;  // its header
  f.tag = static_cast<uint8_t>(traces::kV2TagF);
  f.n = 1;
  f.v[0] = traces::V2LowestSlot(fb);
  f.v[1] = f.v[2] = 0;
  return f;
}

std::string Text(const ReplayPoint& p) {
  std::string s = traces::V2SchemaOf(p.tag).name;
  for (int k = 0; k < p.n; k++) {
    if ((p.inputs >> k & 1) != 0) {
      absl::StrAppend(&s, " *");
    } else {
      absl::StrAppend(&s, " ", p.v[k]);
    }
  }
  return s;
}

std::string Text(const traces::V2Record& r) {
  std::string s = absl::StrCat(traces::V2SchemaOf(r.tag).name, " P", r.p, " g", r.g);
  for (int k = 0; k < r.n; k++) absl::StrAppend(&s, " ", r.v[k]);
  return s;
}

}  // namespace gogcsim::scenarios
