// Decode throughput of TraceReader (events/s), on the churn-p1 reference
// recording imported once into a temporary directory, read back from the page
// cache. "Decode" is every event with all its fields folded into a checksum.
//   bazel run //traces:trace_reader_benchmark
// Target: >= 100 M events/s for the plain file (BM_DecodePlain, event by
// event with Next(); BM_DecodePlainForEach with ForEach()). BM_DecodeGzip
// adds inflate; BM_RecordsFromTrace rebuilds the reference
// records with their line text (what faithful replay reads), for comparison
// with reference_reader_benchmark's lines/s.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "traces/reference_files.h"
#include "traces/reference_import.h"
#include "traces/trace_reader.h"
#include "traces/trace_record_source.h"

namespace gogcsim::traces {
namespace {

struct Files {
  std::string dir, plain, gzip;
  ~Files() {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "%s\n", msg.c_str());
  std::exit(1);
}

const Files& Traces() {
  static Files* files = [] {
    absl::StatusOr<std::string> ref = ReferenceFile("churn-p1.rec.gz");
    if (!ref.ok()) Die(ref.status().ToString());
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string dir = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/trace_bench.XXXXXX");
    if (mkdtemp(dir.data()) == nullptr) Die("mkdtemp " + dir);
    auto* f = new Files{dir, dir + "/churn-p1.trace", dir + "/churn-p1.trace.gz"};
    std::atexit([] { delete files; });
    for (bool gz : {false, true}) {
      ReferenceImportOptions o;
      o.gzip = gz;
      absl::StatusOr<ReferenceImportStats> st = ImportReference(*ref, gz ? f->gzip : f->plain, o);
      if (!st.ok()) Die(st.status().ToString());
    }
    return f;
  }();
  return *files;
}

// Every field the event has, folded into a checksum.
inline uint64_t Fold(const TraceEvent& ev) {
  switch (ev.kind) {
    case EventKind::kAlloc:
      return ev.size + ev.type + ev.g + static_cast<uint64_t>(ev.p) + static_cast<uint64_t>(ev.time) + ev.object;
    case EventKind::kGoStart:
    case EventKind::kGoExit:
    case EventKind::kGoRun:
      return ev.g + static_cast<uint64_t>(ev.p) + static_cast<uint64_t>(ev.time);
    case EventKind::kGoStop:
      return ev.g + static_cast<uint64_t>(ev.p) + static_cast<uint64_t>(ev.time) + static_cast<uint64_t>(ev.args[0]);
    case EventKind::kDeath:
      return ev.object + ev.earliest;
    case EventKind::kEdge:
      return ev.object ^ ev.target;
    default: {
      uint64_t acc = 0;
      for (int k = 0; k < ev.nargs; k++) acc += static_cast<uint64_t>(ev.args[k]);
      return acc;
    }
  }
}

// Reads every event with Next() (or ForEach()); returns the event count.
uint64_t DecodeAll(benchmark::State& state, const std::string& path, bool for_each, uint64_t* sink) {
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(path);
  if (!r.ok()) {
    state.SkipWithError(r.status().ToString().c_str());
    return 0;
  }
  uint64_t n = 0, acc = 0;
  if (for_each) {
    const absl::Status st = (*r)->ForEach([&](const TraceEvent& ev) {
      n++;
      acc += Fold(ev);
    });
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return 0;
    }
  } else {
    TraceEvent ev;
    for (;;) {
      absl::StatusOr<bool> more = (*r)->Next(&ev);
      if (!more.ok()) {
        state.SkipWithError(more.status().ToString().c_str());
        return 0;
      }
      if (!*more) break;
      n++;
      acc += Fold(ev);
    }
  }
  *sink += acc;
  return n;
}

void Decode(benchmark::State& state, const std::string& path, bool for_each) {
  uint64_t events = 0, sink = 0;
  DecodeAll(state, path, for_each, &sink);  // warm the page cache
  for (auto _ : state) events += DecodeAll(state, path, for_each, &sink);
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["file_MiB"] = static_cast<double>(std::filesystem::file_size(path)) / (1 << 20);
}

void BM_DecodePlain(benchmark::State& state) { Decode(state, Traces().plain, false); }
void BM_DecodePlainForEach(benchmark::State& state) { Decode(state, Traces().plain, true); }
void BM_DecodeGzip(benchmark::State& state) { Decode(state, Traces().gzip, false); }

void BM_RecordsFromTrace(benchmark::State& state) {
  uint64_t records = 0, sink = 0;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<TraceRecordSource>> src = TraceRecordSource::Open(Traces().plain);
    if (!src.ok()) {
      state.SkipWithError(src.status().ToString().c_str());
      return;
    }
    RefRecord rec;
    for (;;) {
      absl::StatusOr<bool> more = (*src)->Next(&rec);
      if (!more.ok()) {
        state.SkipWithError(more.status().ToString().c_str());
        return;
      }
      if (!*more) break;
      records++;
      sink += rec.text.size() + static_cast<uint64_t>(rec.v[0]);
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<int64_t>(records));
}

BENCHMARK(BM_DecodePlain)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_DecodePlainForEach)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_DecodeGzip)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_RecordsFromTrace)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace gogcsim::traces
