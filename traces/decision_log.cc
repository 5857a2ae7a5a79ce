#include "traces/decision_log.h"

#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gogcsim::traces {

std::string FloatJson(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip
  std::string dec(buf, res.ptr);
  if (dec == "inf" || dec == "-inf" || dec == "nan" || dec == "-nan") dec = "null";
  return absl::StrFormat("{\"bits\":\"%016x\",\"value\":%s}", std::bit_cast<uint64_t>(d), dec);
}

DecisionLog::~DecisionLog() {
  if (sink_ != nullptr) std::fclose(sink_);
}

absl::Status DecisionLog::StreamTo(const std::string& path) {
  sink_ = std::fopen(path.c_str(), "w");
  if (sink_ == nullptr) return absl::PermissionDeniedError(absl::StrCat(path, ": ", std::strerror(errno)));
  sink_path_ = path;
  mode_ = Mode::kKeep;
  return absl::OkStatus();
}

void DecisionLog::End() {
  if (sink_ == nullptr || text_.size() < (1 << 20)) return;
  if (sink_error_.ok() && std::fwrite(text_.data(), 1, text_.size(), sink_) != text_.size()) {
    sink_error_ = absl::InternalError(absl::StrCat(sink_path_, ": write: ", std::strerror(errno)));
  }
  text_.clear();
}

absl::Status DecisionLog::Close() {
  if (sink_ == nullptr) return absl::OkStatus();
  if (sink_error_.ok() && std::fwrite(text_.data(), 1, text_.size(), sink_) != text_.size()) {
    sink_error_ = absl::InternalError(absl::StrCat(sink_path_, ": write: ", std::strerror(errno)));
  }
  text_.clear();
  if (std::fclose(sink_) != 0 && sink_error_.ok()) {
    sink_error_ = absl::InternalError(absl::StrCat(sink_path_, ": close: ", std::strerror(errno)));
  }
  sink_ = nullptr;
  return sink_error_;
}

bool DecisionLog::Begin(const char* kind, int64_t t) {
  if (mode_ == Mode::kCount) {
    seq_++;
    return false;
  }
  absl::StrAppendFormat(&text_, "{\"seq\":%d,\"t\":%d,\"kind\":\"%s\",", seq_++, t, kind);
  return true;
}

void DecisionLog::OnSetTrigger(const model::SetTriggerDecision& d) {
  if (!Begin("set_trigger", d.t)) return;
  absl::StrAppendFormat(&text_,
                        "\"in\":{\"triggerRatio\":%s,\"gcpercent\":%d,\"heap_marked\":%d,\"heap_live\":%d,"
                        "\"heapminimum\":%d,\"sweepdone\":%d,\"pagesInUse\":%d,\"pagesSwept\":%d,\"mark_phase\":%s},"
                        "\"out\":{\"triggerRatio\":%s,\"gc_trigger\":%d,\"next_gc\":%d,\"sweepPagesPerByte\":%s,"
                        "\"sweepHeapLiveBasis\":%d,\"pagesSweptBasis\":%d}}\n",
                        FloatJson(d.in_triggerRatio), d.gcpercent, d.heap_marked, d.heap_live, d.heapminimum,
                        d.sweepdone, d.pagesInUse, d.pagesSwept, d.mark_phase ? "true" : "false",
                        FloatJson(d.triggerRatio), d.gc_trigger, d.next_gc, FloatJson(d.sweepPagesPerByte),
                        d.sweepHeapLiveBasis, d.pagesSweptBasis);
  End();
}

void DecisionLog::OnStartCycle(const model::StartCycleDecision& d) {
  if (!Begin("start_cycle", d.t)) return;
  absl::StrAppendFormat(&text_,
                        "\"in\":{\"gc_trigger\":%d,\"heapminimum\":%d,\"heap_marked\":%d,\"triggerRatio\":%s,"
                        "\"heap_live\":%d,\"gcpercent\":%d,\"gomaxprocs\":%d},"
                        "\"out\":{\"heap_marked\":%d,\"next_gc\":%d,\"dedicatedMarkWorkersNeeded\":%d,"
                        "\"fractionalUtilizationGoal\":%s}}\n",
                        d.gc_trigger, d.heapminimum, d.in_heap_marked, FloatJson(d.triggerRatio), d.heap_live,
                        d.gcpercent, d.gomaxprocs, d.heap_marked, d.next_gc, d.dedicatedMarkWorkersNeeded,
                        FloatJson(d.fractionalUtilizationGoal));
  End();
}

void DecisionLog::OnRevise(const model::ReviseDecision& d) {
  if (!Begin("revise", d.t)) return;
  absl::StrAppendFormat(&text_,
                        "\"in\":{\"gcpercent\":%d,\"heap_live\":%d,\"next_gc\":%d,\"heap_scan\":%d,\"scanWork\":%d},"
                        "\"out\":{\"assistWorkPerByte\":%s,\"assistBytesPerWork\":%s}}\n",
                        d.gcpercent, d.heap_live, d.next_gc, d.heap_scan, d.scanWork, FloatJson(d.assistWorkPerByte),
                        FloatJson(d.assistBytesPerWork));
  End();
}

void DecisionLog::OnEndCycle(const model::EndCycleDecision& d) {
  if (!Begin("end_cycle", d.t)) return;
  absl::StrAppendFormat(&text_,
                        "\"in\":{\"userForced\":%s,\"triggerRatio\":%s,\"gcpercent\":%d,\"heap_live\":%d,"
                        "\"heap_marked\":%d,\"markStartTime\":%d,\"now\":%d,\"assistTime\":%d,\"gomaxprocs\":%d},"
                        "\"out\":{\"triggerRatio\":%s}}\n",
                        d.userForced ? "true" : "false", FloatJson(d.in_triggerRatio), d.gcpercent, d.heap_live,
                        d.heap_marked, d.markStartTime, d.now, d.assistTime, d.gomaxprocs, FloatJson(d.triggerRatio));
  End();
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
