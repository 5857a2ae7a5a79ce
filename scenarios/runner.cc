#include "scenarios/runner.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "scenarios/scenario.h"
#include "scenarios/trace_run.h"
#include "scenarios/trace_source.h"
#include "traces/trace_reader.h"

namespace gogcsim::scenarios {

absl::StatusOr<RunConfig> LoadRunnable(const std::string& name_or_path) {
  std::error_code ec;
  if (absl::EndsWith(name_or_path, ".json") || !std::filesystem::is_regular_file(name_or_path, ec)) {
    return LoadScenario(name_or_path);
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
  if (cfg.workload.trace.empty()) return Run(cfg, decisions, cycles, progress);
  auto source = OpenTraceEvents(cfg.workload.trace, nullptr);
  if (!source.ok()) return source.status();
  return RunTrace(cfg, source->get(), decisions, cycles, progress);
}

}  // namespace gogcsim::scenarios
