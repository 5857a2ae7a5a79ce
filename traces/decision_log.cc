#include "traces/decision_log.h"

#include <bit>
#include <charconv>

#include "absl/strings/str_format.h"

namespace gogcsim::traces {

std::string FloatJson(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip
  std::string dec(buf, res.ptr);
  if (dec == "inf" || dec == "-inf" || dec == "nan" || dec == "-nan") dec = "null";
  return absl::StrFormat("{\"bits\":\"%016x\",\"value\":%s}", std::bit_cast<uint64_t>(d), dec);
}

void DecisionLog::Begin(const char* kind, int64_t t) {
  absl::StrAppendFormat(&text_, "{\"seq\":%d,\"t\":%d,\"kind\":\"%s\",", seq_++, t, kind);
}

void DecisionLog::OnSetTrigger(const model::SetTriggerDecision& d) {
  Begin("set_trigger", d.t);
  absl::StrAppendFormat(&text_,
                        "\"in\":{\"triggerRatio\":%s,\"gcpercent\":%d,\"heap_marked\":%d,\"heap_live\":%d,"
                        "\"heapminimum\":%d,\"sweepdone\":%d,\"pagesInUse\":%d,\"pagesSwept\":%d,\"mark_phase\":%s},"
                        "\"out\":{\"triggerRatio\":%s,\"gc_trigger\":%d,\"next_gc\":%d,\"sweepPagesPerByte\":%s,"
                        "\"sweepHeapLiveBasis\":%d,\"pagesSweptBasis\":%d}}\n",
                        FloatJson(d.in_triggerRatio), d.gcpercent, d.heap_marked, d.heap_live, d.heapminimum,
                        d.sweepdone, d.pagesInUse, d.pagesSwept, d.mark_phase ? "true" : "false",
                        FloatJson(d.triggerRatio), d.gc_trigger, d.next_gc, FloatJson(d.sweepPagesPerByte),
                        d.sweepHeapLiveBasis, d.pagesSweptBasis);
}

void DecisionLog::OnStartCycle(const model::StartCycleDecision& d) {
  Begin("start_cycle", d.t);
  absl::StrAppendFormat(&text_,
                        "\"in\":{\"gc_trigger\":%d,\"heapminimum\":%d,\"heap_marked\":%d,\"triggerRatio\":%s,"
                        "\"heap_live\":%d,\"gcpercent\":%d,\"gomaxprocs\":%d},"
                        "\"out\":{\"heap_marked\":%d,\"next_gc\":%d,\"dedicatedMarkWorkersNeeded\":%d,"
                        "\"fractionalUtilizationGoal\":%s}}\n",
                        d.gc_trigger, d.heapminimum, d.in_heap_marked, FloatJson(d.triggerRatio), d.heap_live,
                        d.gcpercent, d.gomaxprocs, d.heap_marked, d.next_gc, d.dedicatedMarkWorkersNeeded,
                        FloatJson(d.fractionalUtilizationGoal));
}

void DecisionLog::OnRevise(const model::ReviseDecision& d) {
  Begin("revise", d.t);
  absl::StrAppendFormat(&text_,
                        "\"in\":{\"gcpercent\":%d,\"heap_live\":%d,\"next_gc\":%d,\"heap_scan\":%d,\"scanWork\":%d},"
                        "\"out\":{\"assistWorkPerByte\":%s,\"assistBytesPerWork\":%s}}\n",
                        d.gcpercent, d.heap_live, d.next_gc, d.heap_scan, d.scanWork, FloatJson(d.assistWorkPerByte),
                        FloatJson(d.assistBytesPerWork));
}

void DecisionLog::OnEndCycle(const model::EndCycleDecision& d) {
  Begin("end_cycle", d.t);
  absl::StrAppendFormat(&text_,
                        "\"in\":{\"userForced\":%s,\"triggerRatio\":%s,\"gcpercent\":%d,\"heap_live\":%d,"
                        "\"heap_marked\":%d,\"markStartTime\":%d,\"now\":%d,\"assistTime\":%d,\"gomaxprocs\":%d},"
                        "\"out\":{\"triggerRatio\":%s}}\n",
                        d.userForced ? "true" : "false", FloatJson(d.in_triggerRatio), d.gcpercent, d.heap_live,
                        d.heap_marked, d.markStartTime, d.now, d.assistTime, d.gomaxprocs, FloatJson(d.triggerRatio));
}

std::string CycleJson(const model::CycleStats& c) {
  const char* trig = c.trigger == model::TriggerKind::kHeap ? "heap"
                     : c.trigger == model::TriggerKind::kTime ? "time"
                                                               : "cycle";
  return absl::StrFormat(
      "{\"gc\":%d,\"trigger\":\"%s\",\"forced\":%s,\"t_sweep_term_ns\":%d,\"t_mark_ns\":%d,\"t_mark_term_ns\":%d,"
      "\"t_end_ns\":%d,\"heap0\":%d,\"heap1\":%d,\"heap2\":%d,\"heap_goal\":%d,\"sweep_term_cpu_ns\":%d,"
      "\"assist_cpu_ns\":%d,\"dedicated_cpu_ns\":%d,\"fractional_cpu_ns\":%d,\"idle_cpu_ns\":%d,"
      "\"mark_term_cpu_ns\":%d,\"pause_ns\":%d,\"gomaxprocs\":%d,\"gc_cpu_fraction\":%s,\"scan_work\":%d,"
      "\"next_trigger_ratio\":%s,\"next_gc_trigger\":%d,\"next_gc\":%d,\"heap_marked\":%d}\n",
      c.numgc, trig, c.forced ? "true" : "false", c.tSweepTerm, c.tMark, c.tMarkTerm, c.tEnd, c.heap0, c.heap1,
      c.heap2, c.heapGoal, c.sweepTermCpu, c.assistTime, c.dedicatedMarkTime, c.fractionalMarkTime, c.idleMarkTime,
      c.markTermCpu, c.pauseNS, c.gomaxprocs, FloatJson(c.gc_cpu_fraction), c.scanWork, FloatJson(c.triggerRatio),
      c.gc_trigger, c.next_gc, c.heap_marked);
}

namespace {
// fmtNSAsMS: ms with 3 significant digits at most, as gctrace prints.
std::string Ms(int64_t ns) {
  if (ns >= 10'000'000) return absl::StrFormat("%d", ns / 1'000'000);
  // x.yyy ms trimmed to 3 significant digits.
  const int64_t us = ns / 1000;
  if (us >= 1000) return absl::StrFormat("%d.%d", us / 1000, (us % 1000) / 100);
  if (us >= 100) return absl::StrFormat("0.%03d", us);
  if (us >= 10) return absl::StrFormat("0.0%02d", us);
  return absl::StrFormat("0.00%d", us);
}
}  // namespace

std::string GctraceLine(const model::CycleStats& c) {
  const int64_t t_ms = c.tSweepTerm / 1'000'000;
  return absl::StrFormat(
      "gc %d @%d.%03ds %d%%: %s+%s+%s ms clock, %s+%s/%s/%s+%s ms cpu, %d->%d->%d MB, %d MB goal, %d P%s\n",
      c.numgc, t_ms / 1000, t_ms % 1000, static_cast<int>(c.gc_cpu_fraction * 100), Ms(c.tMark - c.tSweepTerm),
      Ms(c.tMarkTerm - c.tMark), Ms(c.tEnd - c.tMarkTerm), Ms(c.sweepTermCpu), Ms(c.assistTime),
      Ms(c.dedicatedMarkTime + c.fractionalMarkTime), Ms(c.idleMarkTime), Ms(c.markTermCpu), c.heap0 >> 20,
      c.heap1 >> 20, c.heap2 >> 20, c.heapGoal >> 20, c.gomaxprocs, c.forced ? " (forced)" : "");
}

}  // namespace gogcsim::traces
