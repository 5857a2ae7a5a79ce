// The HTML report of a run directory (written by `gogcsim run --out=DIR`) or
// of a sweep directory (sweep.json): one self-contained file, inline CSS and
// inline SVG charts (traces/svg_chart.h), no scripts and no URLs, so it opens
// anywhere without a network. The same inputs give the same bytes.
//
// Run report: heap_live, heap goal and GC trigger over virtual time with the
// GC cycles shaded; per cycle the trigger ratio against the heap growth it
// aimed at, the assist share of GC CPU, and the GC CPU share; the run
// summary and a per-cycle table.
// Sweep report: peak heap_live, GC CPU fraction and assist fraction against
// GOGC, one series per GOMAXPROCS (mean over seeds), and the tables.
#ifndef GOGCSIM_TRACES_HTML_REPORT_H_
#define GOGCSIM_TRACES_HTML_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gogcsim::traces {

// From DIR/summary.json, DIR/cycles.jsonl and DIR/decisions.jsonl; with
// real_logs (real go1.10.2 runs' GODEBUG=gctrace=1,gcpacertrace=1 stderr,
// gctrace.h), their heap at mark termination and goal over the heap chart,
// a chart of both per cycle, and the measures of run_comparison.h.
absl::StatusOr<std::string> RunReportHtml(const std::string& run_dir, const std::vector<std::string>& real_logs = {});
// From DIR/sweep.json.
absl::StatusOr<std::string> SweepReportHtml(const std::string& sweep_dir);
// A sweep report if DIR/sweep.json exists (real_logs must be empty), else
// a run report.
absl::StatusOr<std::string> ReportHtml(const std::string& dir, const std::vector<std::string>& real_logs = {});
// ReportHtml written to out_path through a temporary file and a rename.
absl::Status WriteReport(const std::string& dir, const std::string& out_path,
                         const std::vector<std::string>& real_logs = {});

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_HTML_REPORT_H_
