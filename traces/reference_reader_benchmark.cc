// Throughput of ReferenceReader on the real recordings.
//   bazel run -c opt //traces:reference_reader_benchmark
// items_per_second is lines/s. Target: well over 20 M lines/s of parsing on
// one core (BM_ReadPlain, BM_ParseLine); BM_ReadGzip adds zlib's inflate.
// Every recording is read to the end, so a run also checks that all five
// parse cleanly.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "traces/reference_files.h"
#include "traces/reference_reader.h"

namespace gogcsim::traces {
namespace {

std::string Path(const char* name) {
  absl::StatusOr<std::string> p = ReferenceFile(name);
  if (!p.ok()) {
    std::fprintf(stderr, "%s\n", p.status().ToString().c_str());
    std::exit(1);
  }
  return *p;
}

// Reads a whole recording; returns lines, or -1 after reporting an error.
int64_t ReadAll(benchmark::State& state, const std::string& path, int64_t* bytes, uint64_t* sink) {
  absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(path);
  if (!rd.ok()) {
    state.SkipWithError(rd.status().ToString().c_str());
    return -1;
  }
  RefRecord r;
  int64_t lines = 0;
  for (;;) {
    absl::StatusOr<bool> more = (*rd)->Next(&r);
    if (!more.ok()) {
      state.SkipWithError(more.status().ToString().c_str());
      return -1;
    }
    if (!*more) break;
    lines++;
    *bytes += static_cast<int64_t>(r.text.size()) + 1;
    *sink += static_cast<uint64_t>(r.v[r.n - 1]) + static_cast<uint64_t>(r.tag);
  }
  return lines;
}

void Run(benchmark::State& state, const std::string& path) {
  int64_t lines = 0, bytes = 0;
  uint64_t sink = 0;
  for (auto _ : state) {
    const int64_t n = ReadAll(state, path, &bytes, &sink);
    if (n < 0) return;
    lines += n;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(lines);
  state.SetBytesProcessed(bytes);
  state.counters["lines"] = static_cast<double>(lines) / static_cast<double>(state.iterations());
}

// End to end: gzip inflate + parse.
void BM_ReadGzip(benchmark::State& state, const char* name) { Run(state, Path(name)); }
BENCHMARK_CAPTURE(BM_ReadGzip, churn_p1, "churn-p1.rec.gz")->Unit(benchmark::kMillisecond)->UseRealTime();
// The other recordings once each: they must parse too.
BENCHMARK_CAPTURE(BM_ReadGzip, churn_p1_gogc200, "churn-p1-gogc200.rec.gz")
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK_CAPTURE(BM_ReadGzip, trees_p1, "trees-p1.rec.gz")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK_CAPTURE(BM_ReadGzip, phase_p1_gogc50, "phase-p1-gogc50.rec.gz")
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK_CAPTURE(BM_ReadGzip, workers_p2, "workers-p2.rec.gz")
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// churn-p1 decompressed into a temporary file, so the reader's own cost
// (buffering, line splitting, parsing) shows without inflate.
class PlainCopy {
 public:
  static const std::string& Get() {
    static PlainCopy* copy = new PlainCopy();
    return copy->path_;
  }

 private:
  PlainCopy() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    if (tmp == nullptr) tmp = std::getenv("TMPDIR");
    path_ = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/reference_reader_benchmark.", getpid(), ".rec");
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(Path("churn-p1.rec.gz"));
    RefRecord r;
    for (absl::StatusOr<bool> more; rd.ok() && (more = (*rd)->Next(&r)).ok() && *more;) {
      out << r.text << '\n';
    }
    std::atexit([] { std::remove(Get().c_str()); });
  }
  std::string path_;
};

void BM_ReadPlain(benchmark::State& state) { Run(state, PlainCopy::Get()); }
BENCHMARK(BM_ReadPlain)->Unit(benchmark::kMillisecond)->UseRealTime();

// Parsing alone: the first 1 M lines of churn-p1, held in memory.
void BM_ParseLine(benchmark::State& state) {
  static const std::vector<std::string>* lines = [] {
    auto* v = new std::vector<std::string>();
    absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(Path("churn-p1.rec.gz"));
    RefRecord r;
    for (absl::StatusOr<bool> more; v->size() < 1000000 && rd.ok() && (more = (*rd)->Next(&r)).ok() && *more;) {
      v->emplace_back(r.text);
    }
    return v;
  }();
  RefRecord r;
  uint64_t sink = 0;
  size_t i = 0;
  for (auto _ : state) {
    if (!ParseReferenceLine((*lines)[i], &r).ok()) {
      state.SkipWithError("parse error");
      return;
    }
    sink += static_cast<uint64_t>(r.v[0]);
    if (++i == lines->size()) i = 0;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseLine);

}  // namespace
}  // namespace gogcsim::traces
