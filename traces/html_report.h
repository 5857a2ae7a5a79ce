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

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gogcsim::traces {

// From DIR/summary.json, DIR/cycles.jsonl and DIR/decisions.jsonl.
absl::StatusOr<std::string> RunReportHtml(const std::string& run_dir);
// From DIR/sweep.json.
absl::StatusOr<std::string> SweepReportHtml(const std::string& sweep_dir);
// A sweep report if DIR/sweep.json exists, else a run report.
absl::StatusOr<std::string> ReportHtml(const std::string& dir);
// ReportHtml(dir) written to out_path through a temporary file and a rename.
absl::Status WriteReport(const std::string& dir, const std::string& out_path);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_HTML_REPORT_H_
