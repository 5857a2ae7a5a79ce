#include "tools/trace_command.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "traces/allocfreetrace_import.h"
#include "traces/recorder_clock.h"
#include "traces/recording_check.h"
#include "traces/recording_v2.h"
#include "traces/reference_import.h"
#include "traces/trace_format.h"
#include "traces/trace_summary.h"
#include "tools/cli.h"

ABSL_FLAG(std::string, from, "", "trace import: the input's format, reference or allocfreetrace");
ABSL_FLAG(bool, gzip, false, "trace import: gzip the trace");
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(int, gomaxprocs);
ABSL_DECLARE_FLAG(int, gogc);

namespace gogcsim::tools {

namespace {

namespace tr = ::gogcsim::traces;

std::string MiB(uint64_t b) { return absl::StrFormat("%.2f MiB", static_cast<double>(b) / (1 << 20)); }

// "1-1", "2-3", "4-7", ... for histogram bucket b >= 1; "0" for b = 0.
std::string BucketRange(int b) {
  if (b == 0) return "0";
  const uint64_t lo = uint64_t{1} << (b - 1);
  return absl::StrCat(lo, "-", lo + (lo - 1));
}

// trace info of a gogcsim recording (format v2).
int InfoV2(const std::string& path) {
  absl::StatusOr<std::unique_ptr<tr::RecordingV2Reader>> r = tr::RecordingV2Reader::Open(path);
  if (!r.ok()) return Fail(std::string(r.status().message()));
  std::map<std::string, uint64_t> by_tag;
  std::map<int, uint64_t> allocs_by_p;
  std::set<int64_t> goroutines;
  int64_t first_t = 0, last_t = 0, gomaxprocs = 0, gogc = 0;
  uint64_t alloc_bytes = 0;
  std::vector<tr::RecorderWindow> windows;
  tr::V2Record v;
  for (;;) {
    absl::StatusOr<bool> more = (*r)->Next(&v);
    if (!more.ok()) return Fail(std::string(more.status().message()));
    if (!*more) break;
    by_tag[tr::V2SchemaOf(v.tag).name]++;
    goroutines.insert(v.g);
    if (v.tag == tr::kV2TagRT) windows.push_back(tr::RecorderWindowOf(v));
    if (v.tag == 1) {  // H
      gomaxprocs = v.v[0];
      gogc = v.v[1];
    } else if (v.tag == 2) {  // A
      allocs_by_p[v.p]++;
      alloc_bytes += static_cast<uint64_t>(v.v[0]);
      if (first_t == 0) first_t = v.v[4];
      last_t = v.v[4];
    }
  }
  const uint64_t allocs = by_tag.count("A") ? by_tag["A"] : 0, cycles = by_tag.count("GS") ? by_tag["GS"] : 0;
  // What the recording measured of the recorder's own time (RT records).
  const tr::RecorderClock clock = tr::RecorderClock::FromWindows(windows, first_t);
  if (absl::GetFlag(FLAGS_json)) {
    nlohmann::ordered_json j;
    j["path"] = path;
    j["format"] = "gogcsim recording v2";
    j["gomaxprocs"] = gomaxprocs;
    j["gogc"] = gogc;
    j["bytes"] = (*r)->bytes();
    j["chunks"] = (*r)->chunks();
    j["threads"] = (*r)->threads();
    j["records"] = (*r)->records();
    j["records_by_tag"] = by_tag;
    j["goroutines"] = goroutines.size();
    j["allocations"] = allocs;
    j["alloc_bytes"] = alloc_bytes;
    nlohmann::ordered_json byp = nlohmann::ordered_json::object();
    for (const auto& [p, n] : allocs_by_p) byp[absl::StrCat(p)] = n;
    j["allocations_by_p"] = byp;
    j["gc_cycles"] = cycles;
    j["time"] = {{"first", first_t}, {"last", last_t}, {"span_ns", last_t - first_t}};
    j["recorder_time"] = clock.empty() ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json{{"ns", std::llround(clock.total_ns())},
                                                                {"ns_per_word", clock.ns_per_word()},
                                                                {"pairs", clock.pairs()}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("recording %s: gogcsim format v2, GOMAXPROCS %lld, GOGC %lld\n", path.c_str(),
              static_cast<long long>(gomaxprocs), static_cast<long long>(gogc));
  std::printf("  bytes        %llu in %llu chunks from %zu threads\n", static_cast<unsigned long long>((*r)->bytes()),
              static_cast<unsigned long long>((*r)->chunks()), (*r)->threads());
  std::printf("  records      %llu\n", static_cast<unsigned long long>((*r)->records()));
  for (const auto& [tag, n] : by_tag) std::printf("    %-9s %12llu\n", tag.c_str(), static_cast<unsigned long long>(n));
  std::printf("  goroutines   %zu\n", goroutines.size());
  std::printf("  allocations  %llu (%s)\n", static_cast<unsigned long long>(allocs), MiB(alloc_bytes).c_str());
  for (const auto& [p, n] : allocs_by_p) {
    std::printf("    on P %-4d %12llu\n", p, static_cast<unsigned long long>(n));
  }
  std::printf("  GC cycles    %llu\n", static_cast<unsigned long long>(cycles));
  std::printf("  time span    %.6f s (first to last allocation)\n", static_cast<double>(last_t - first_t) / 1e9);
  if (clock.empty()) {
    std::printf("  recorder     not measured (%s)\n",
                windows.empty() ? "no RT records: format v3" : "too few window pairs");
  } else {
    std::printf("  recorder     %.1f ms of the recorded clock (%.2f ns a word written, median of %d window pairs)\n",
                clock.total_ns() / 1e6, clock.ns_per_word(), clock.pairs());
  }
  return 0;
}

// trace dump: a recording's records in merged order, one per line:
// position, global sequence number (or "-" for a local record), M, P,
// goroutine, tag, fields.
int Dump(const std::string& path, uint64_t from, uint64_t count) {
  absl::StatusOr<std::unique_ptr<tr::RecordingV2Reader>> r = tr::RecordingV2Reader::Open(path);
  if (!r.ok()) return Fail(std::string(r.status().message()));
  tr::V2Record v;
  for (;;) {
    absl::StatusOr<bool> more = (*r)->Next(&v);
    if (!more.ok()) return Fail(std::string(more.status().message()));
    if (!*more || v.index >= from + count) break;
    if (v.index < from) continue;
    std::string line = absl::StrCat(v.index, " ", v.global ? absl::StrCat(v.seq) : std::string("-"), " m", v.m,
                                    " p", v.p, " g", v.g, " ", tr::V2SchemaOf(v.tag).name);
    for (int k = 0; k < v.n; k++) absl::StrAppend(&line, " ", v.v[k]);
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

// trace check: the recording's own consistency (traces/recording_check.h).
int Check(const std::string& path) {
  absl::StatusOr<tr::RecordingCheck> c = tr::CheckRecording(path);
  if (!c.ok()) return Fail(std::string(c.status().message()));
  std::printf("check %s: %llu records, %llu allocations by %llu goroutines on GOMAXPROCS %d, %llu GC cycles\n",
              path.c_str(), static_cast<unsigned long long>(c->records), static_cast<unsigned long long>(c->allocations),
              static_cast<unsigned long long>(c->goroutines), c->gomaxprocs, static_cast<unsigned long long>(c->cycles));
  std::printf("  small objects in a span their P's mcache held: %llu\n  large objects at their goroutine's L: %llu\n"
              "  requests still open at exit: %llu\n",
              static_cast<unsigned long long>(c->in_cached_span), static_cast<unsigned long long>(c->large),
              static_cast<unsigned long long>(c->open_at_end));
  if (!c->violation.empty()) {
    std::printf("inconsistent: %s\n", c->violation.c_str());
    return 1;
  }
  std::printf("consistent\n");
  return 0;
}

int Info(const std::string& path) {
  if (tr::IsRecordingV2(path)) return InfoV2(path);
  absl::StatusOr<tr::TraceSummary> s = tr::SummarizeTrace(path);
  if (!s.ok()) return Fail(std::string(s.status().message()));
  const tr::v1::Header& h = s->header;
  const bool clock = s->first_time.has_value();
  const double span_ns =
      clock ? static_cast<double>(*s->last_time - *s->first_time) * h.clock_unit_ns() : 0.0;
  if (absl::GetFlag(FLAGS_json)) {
    nlohmann::ordered_json j;
    j["path"] = path;
    j["version"] = h.version();
    j["source"] = h.source();
    j["source_file"] = h.source_file();
    j["go_version"] = h.go_version();
    j["gomaxprocs"] = h.has_gomaxprocs() ? nlohmann::ordered_json(h.gomaxprocs()) : nullptr;
    j["gogc"] = h.has_gogc() ? nlohmann::ordered_json(h.gogc()) : nullptr;
    j["heapminimum"] = h.has_heapminimum() ? nlohmann::ordered_json(h.heapminimum()) : nullptr;
    j["clock_unit_ns"] = h.clock_unit_ns();
    j["types"] = h.types_size();
    j["chunks"] = s->footer.chunks();
    j["events"] = s->events;
    nlohmann::ordered_json kinds = nlohmann::ordered_json::object();
    for (int k = 0; k < tr::kNumEventKinds; k++) {
      if (s->by_kind[k] > 0) kinds[tr::EventKindName(static_cast<tr::EventKind>(k))] = s->by_kind[k];
    }
    j["events_by_kind"] = kinds;
    j["goroutines"] = s->goroutines;
    j["ps"] = s->ps;
    j["allocations"] = s->allocations;
    j["alloc_bytes"] = s->alloc_bytes;
    j["deaths"] = s->deaths;
    j["deaths_with_earliest"] = s->deaths_with_earliest;
    j["allocations_without_death"] = s->footer.allocations_without_death();
    nlohmann::ordered_json hist = nlohmann::ordered_json::array();
    for (int b = 0; b < tr::kSizeBuckets; b++) {
      if (s->size_count[b] == 0) continue;
      const uint64_t lo = b == 0 ? 0 : uint64_t{1} << (b - 1);
      hist.push_back({{"min", lo}, {"max", b == 0 ? 0 : lo + (lo - 1)}, {"count", s->size_count[b]},
                      {"bytes", s->size_bytes[b]}});
    }
    j["size_histogram"] = hist;
    if (clock) {
      j["time"] = {{"first", *s->first_time}, {"last", *s->last_time}, {"span_ns", span_ns}};
    } else {
      j["time"] = nullptr;
    }
    j["notes"] = std::vector<std::string>(h.notes().begin(), h.notes().end());
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  auto opt = [](bool has, int64_t v) { return has ? absl::StrCat(v) : std::string("unknown"); };
  std::printf("trace %s: format version %u, from %s %s (%s), GOMAXPROCS %s, GOGC %s\n", path.c_str(), h.version(),
              h.source().c_str(), h.source_file().c_str(), h.go_version().empty() ? "Go version unknown" : h.go_version().c_str(),
              opt(h.has_gomaxprocs(), h.gomaxprocs()).c_str(), opt(h.has_gogc(), h.gogc()).c_str());
  std::printf("  events       %llu in %llu chunks\n", static_cast<unsigned long long>(s->events),
              static_cast<unsigned long long>(s->footer.chunks()));
  for (int k = 0; k < tr::kNumEventKinds; k++) {
    if (s->by_kind[k] == 0) continue;
    std::printf("    %-9s %12llu\n", tr::EventKindName(static_cast<tr::EventKind>(k)),
                static_cast<unsigned long long>(s->by_kind[k]));
  }
  std::string ps;
  for (int32_t p : s->ps) absl::StrAppend(&ps, ps.empty() ? "" : " ", p);
  std::printf("  goroutines   %llu\n  Ps           %s\n", static_cast<unsigned long long>(s->goroutines),
              ps.empty() ? "none" : ps.c_str());
  std::printf("  allocations  %llu (%s), %llu types\n", static_cast<unsigned long long>(s->allocations),
              MiB(s->alloc_bytes).c_str(), static_cast<unsigned long long>(h.types_size()));
  std::printf("  deaths       %llu (%llu with an earliest bound); %llu allocations never die\n",
              static_cast<unsigned long long>(s->deaths), static_cast<unsigned long long>(s->deaths_with_earliest),
              static_cast<unsigned long long>(s->footer.allocations_without_death()));
  if (clock) {
    std::printf("  time span    %.6f s (%lld .. %lld, %g ns per unit)\n", span_ns / 1e9,
                static_cast<long long>(*s->first_time), static_cast<long long>(*s->last_time), h.clock_unit_ns());
  } else {
    std::printf("  time span    unknown (%s)\n", h.clock_unit_ns() > 0 ? "no timed events" : "the source has no clock");
  }
  if (s->allocations > 0) {
    std::printf("  sizes (bytes)          count          bytes\n");
    for (int b = 0; b < tr::kSizeBuckets; b++) {
      if (s->size_count[b] == 0) continue;
      std::printf("    %-16s %12llu %14llu\n", BucketRange(b).c_str(),
                  static_cast<unsigned long long>(s->size_count[b]), static_cast<unsigned long long>(s->size_bytes[b]));
    }
  }
  for (const std::string& n : h.notes()) std::printf("  note: %s\n", n.c_str());
  return 0;
}

int Import(const std::string& in, const std::string& out) {
  const std::string from = absl::GetFlag(FLAGS_from);
  const bool gzip = absl::GetFlag(FLAGS_gzip);
  if (from == "reference" || from == "recording") {
    tr::ReferenceImportOptions o;
    o.gzip = gzip;
    absl::StatusOr<tr::ReferenceImportStats> st = tr::ImportReference(in, out, o);
    if (!st.ok()) return Fail(std::string(st.status().message()));
    std::printf("imported %s -> %s: %llu records as %llu events (%llu allocations, %llu deaths, %llu types, "
                "%llu goroutines, %llu GC cycles)\n",
                in.c_str(), out.c_str(), static_cast<unsigned long long>(st->records),
                static_cast<unsigned long long>(st->events), static_cast<unsigned long long>(st->allocations),
                static_cast<unsigned long long>(st->deaths), static_cast<unsigned long long>(st->types),
                static_cast<unsigned long long>(st->goroutines), static_cast<unsigned long long>(st->cycles));
    if (st->ambiguous + st->unpaired + st->unanswered > 0) {
      std::printf("  pairing Zs with requests: %llu ambiguous (%llu decided by the span's P), %llu Zs unpaired, "
                  "%llu requests unanswered\n",
                  static_cast<unsigned long long>(st->ambiguous), static_cast<unsigned long long>(st->owner_decided),
                  static_cast<unsigned long long>(st->unpaired), static_cast<unsigned long long>(st->unanswered));
    }
    return 0;
  }
  if (from == "allocfreetrace") {
    tr::AllocFreeTraceImportOptions o;
    o.gzip = gzip;
    if (absl::GetFlag(FLAGS_gomaxprocs) > 0) o.gomaxprocs = absl::GetFlag(FLAGS_gomaxprocs);
    if (absl::GetFlag(FLAGS_gogc) != 0) o.gogc = absl::GetFlag(FLAGS_gogc);
    absl::StatusOr<tr::AllocFreeTraceImportStats> st = tr::ImportAllocFreeTrace(in, out, o);
    if (!st.ok()) return Fail(std::string(st.status().message()));
    std::printf("imported %s -> %s: %llu lines as %llu events (%llu allocations, %llu frees of which %llu of "
                "objects allocated before tracing, %llu deaths, %llu GC cycles, %llu types, %llu goroutines; "
                "%llu lines outside records skipped)\n",
                in.c_str(), out.c_str(), static_cast<unsigned long long>(st->lines),
                static_cast<unsigned long long>(st->events), static_cast<unsigned long long>(st->allocations),
                static_cast<unsigned long long>(st->frees), static_cast<unsigned long long>(st->unknown_frees),
                static_cast<unsigned long long>(st->deaths), static_cast<unsigned long long>(st->cycles),
                static_cast<unsigned long long>(st->types), static_cast<unsigned long long>(st->goroutines),
                static_cast<unsigned long long>(st->skipped_lines));
    return 0;
  }
  return Fail(from.empty() ? "trace import needs --from=recording, --from=reference or --from=allocfreetrace"
                           : absl::StrCat("trace import: unknown --from=", from,
                                          " (recording, reference or allocfreetrace)"));
}

}  // namespace

int TraceCommand(const std::vector<char*>& args) {
  const std::string sub = args.size() > 1 ? args[1] : "";
  if (sub == "info") {
    if (args.size() != 3) return Fail("usage: gogcsim trace info FILE [--json]");
    return Info(args[2]);
  }
  if (sub == "dump") {
    if (args.size() < 3 || args.size() > 5) return Fail("usage: gogcsim trace dump FILE [FROM [COUNT]]");
    uint64_t from = 0, count = ~uint64_t{0};
    if (args.size() > 3 && !absl::SimpleAtoi(args[3], &from)) return Fail(absl::StrCat("bad FROM: ", args[3]));
    if (args.size() > 4 && !absl::SimpleAtoi(args[4], &count)) return Fail(absl::StrCat("bad COUNT: ", args[4]));
    return Dump(args[2], from, count);
  }
  if (sub == "check") {
    if (args.size() != 3) return Fail("usage: gogcsim trace check FILE");
    return Check(args[2]);
  }
  if (sub == "import") {
    if (args.size() != 4) {
      return Fail("usage: gogcsim trace import --from=recording|reference|allocfreetrace IN OUT [--gzip]");
    }
    return Import(args[2], args[3]);
  }
  return Fail(sub.empty() ? "trace needs a subcommand: info, check or import (try gogcsim --help)"
                          : absl::StrCat("unknown trace subcommand \"", sub, "\" (info, check or import)"));
}

}  // namespace gogcsim::tools
