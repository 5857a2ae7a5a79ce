// gogcsim validate: a grid of what-if predictions against real go1.10.2
// runs (tools/validation_grid.sh makes one). Each cell is a directory
// GRID/cells/PROGRAM-pP-gG holding run/ (gogcsim run --out) and the real
// runs' real-*.stderr (GODEBUG=gctrace=1,gcpacertrace=1). Writes
// GRID/validation.{csv,json,html}; prints each cell, the mean |error| of
// each measure and how many cells fall inside the real spread.
#ifndef GOGCSIM_TOOLS_VALIDATE_COMMAND_H_
#define GOGCSIM_TOOLS_VALIDATE_COMMAND_H_

#include <vector>

namespace gogcsim::tools {

// args[0] is "validate", then GRID_DIR.
int ValidateCommand(const std::vector<char*>& args);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_VALIDATE_COMMAND_H_
