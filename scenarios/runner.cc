#include "scenarios/runner.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "scenarios/scenario.h"
#include "scenarios/trace_run.h"
#include "scenarios/trace_source.h"
#include "traces/recording_v2.h"
#include "traces/reference_import.h"
#include "traces/trace_reader.h"
#include "sim/out_of_memory.h"

namespace gogcsim::scenarios {
namespace {

// The trace of a gogcsim recording, imported once into the temporary
// directory (named after the recording's path, size and time, so a changed
// recording is imported again) and reused by later runs and sweeps.
absl::StatusOr<std::string> ImportedTrace(const std::string& recording) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string abs = fs::absolute(recording, ec).string();
  const auto size = fs::file_size(recording, ec);
  const auto mtime = fs::last_write_time(recording, ec).time_since_epoch().count();
  uint64_t h = 14695981039346656037ull;
  // kImportVersion: what the importer writes (2: GO_RUN and GO_STOP; 3: a
  // v2 Z paired by its goroutine; 4: the recorder's clock), so an import by
  // an older gogcsim is not reused.
  constexpr int kImportVersion = 4;
  for (char c : absl::StrFormat("%s\n%d\n%d\n%d", abs, size, mtime, kImportVersion)) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  const char* tmp = std::getenv("TMPDIR");
  const std::string out = absl::StrFormat("%s/gogcsim-%016x.trace", tmp != nullptr && *tmp ? tmp : "/tmp", h);
  if (fs::exists(out, ec)) return out;
  const std::string part = absl::StrFormat("%s.%d", out, getpid());
  absl::StatusOr<traces::ReferenceImportStats> st = traces::ImportReference(recording, part, {});
  if (!st.ok()) {
    fs::remove(part, ec);
    return st.status();
  }
  fs::rename(part, out, ec);
  if (ec) return absl::InternalError(absl::StrFormat("cannot write %s: %s", out, ec.message()));
  return out;
}

}  // namespace

absl::StatusOr<RunConfig> LoadRunnable(const std::string& name_or_path) {
  std::error_code ec;
  if (absl::EndsWith(name_or_path, ".json") || !std::filesystem::is_regular_file(name_or_path, ec)) {
    return LoadScenario(name_or_path);
  }
  if (traces::IsRecordingV2(name_or_path)) {
    absl::StatusOr<std::string> trace = ImportedTrace(name_or_path);
    if (!trace.ok()) return trace.status();
    absl::StatusOr<RunConfig> cfg = LoadRunnable(*trace);
    if (!cfg.ok()) return cfg;
    cfg->name = std::filesystem::path(name_or_path).filename().string();
    cfg->description = absl::StrFormat("what-if run of the recording %s (imported as %s)", name_or_path, *trace);
    return cfg;
  }
  auto reader = traces::TraceReader::Open(name_or_path);
  if (!reader.ok()) {
    if (absl::EndsWith(name_or_path, ".rec.gz") || absl::EndsWith(name_or_path, ".rec")) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s is a reference recording, not a trace: import it first (gogcsim trace import --from=reference %s "
          "OUT.trace), or replay it faithfully (gogcsim replay --reference=%s)",
          name_or_path, name_or_path, name_or_path));
    }
    return reader.status();
  }
  const auto& h = (*reader)->header();
  RunConfig cfg;
  cfg.name = std::filesystem::path(name_or_path).filename().string();
  cfg.description = absl::StrFormat("what-if run of the %s trace %s", h.source(), h.source_file());
  if (h.has_gomaxprocs() && h.gomaxprocs() >= 1) cfg.gomaxprocs = h.gomaxprocs();
  if (h.has_gogc()) cfg.gogc = static_cast<int32_t>(h.gogc());
  cfg.workload.trace = name_or_path;
  cfg.workload.groups.clear();
  return cfg;
}

absl::StatusOr<RunResult> RunScenario(const RunConfig& cfg, model::PacerObserver* decisions,
                                      model::CycleObserver* cycles, const std::function<void(int64_t)>& progress) {
  // The simulated program may run out of simulated memory, as a Go
  // program does: an outcome to report, not a crash.
  try {
    if (cfg.workload.trace.empty()) return Run(cfg, decisions, cycles, progress);
    std::string lifetimes = cfg.workload.lifetimes;
    if (!lifetimes.empty() && traces::IsRecordingV2(lifetimes)) {
      absl::StatusOr<std::string> trace = ImportedTrace(lifetimes);
      if (!trace.ok()) return trace.status();
      lifetimes = *trace;
    }
    auto source = OpenTraceEvents(cfg.workload.trace, nullptr, lifetimes, cfg.workload.keep_recorder_time);
    if (!source.ok()) return source.status();
    return RunTrace(cfg, source->get(), decisions, cycles, progress);
  } catch (const sim::OutOfMemory& e) {
    return sim::OutOfMemoryStatus(e);
  }
}

}  // namespace gogcsim::scenarios
