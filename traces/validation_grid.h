// A validation grid: what-if predictions of recorded programs at several
// GOGC and GOMAXPROCS values, each cell against real go1.10.2 runs of the
// same program and settings (issue: what-if accuracy). On disk:
//
//   GRID/cells/PROGRAM-pP-gG/run/cycles.jsonl   the prediction (gogcsim run --out)
//   GRID/cells/PROGRAM-pP-gG/real-*.stderr      the real runs (gctrace.h)
//
// tools/validation_grid.sh builds one; `gogcsim validate GRID` reads it.
#ifndef GOGCSIM_TRACES_VALIDATION_GRID_H_
#define GOGCSIM_TRACES_VALIDATION_GRID_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "traces/run_comparison.h"

namespace gogcsim::traces {

struct GridCell {
  std::string name;  // PROGRAM-pP-gG
  std::string program;
  int gomaxprocs = 0;
  int gogc = 0;
  int real_runs = 0;
  // One per kMeasures, in its order.
  std::vector<MeasureComparison> measures;
  bool all_inside = false;  // every kJudged measure
};

struct Grid {
  std::string dir;
  std::vector<GridCell> cells;  // by program, GOMAXPROCS, GOGC
};

// Reads every cell of dir/cells. Errors name the file or cell: a name that
// is not PROGRAM-pP-gG, a cell without run/cycles.jsonl or real logs, a
// malformed log; an empty grid.
absl::StatusOr<Grid> ReadGrid(const std::string& dir);

// Over the cells: mean |error_pct| of measure m, and how many are inside.
double MeanAbsError(const Grid& g, Measure m);
int CellsInside(const Grid& g, Measure m);
int CellsAllInside(const Grid& g);

// The outputs: one row per cell; the same as JSON with the summary; a
// self-contained HTML page (table and inline SVG charts); the text that
// `gogcsim validate` prints.
std::string GridCsv(const Grid& g);
std::string GridJson(const Grid& g);
std::string GridHtml(const Grid& g);
std::string GridText(const Grid& g);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_VALIDATION_GRID_H_
