#include "tools/validate_command.h"

#include <cstdio>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "tools/cli.h"
#include "traces/atomic_file.h"
#include "traces/validation_grid.h"

ABSL_DECLARE_FLAG(bool, json);

namespace gogcsim::tools {

int ValidateCommand(const std::vector<char*>& args) {
  if (args.size() != 2) return Fail("usage: gogcsim validate GRID_DIR [--json]");
  absl::StatusOr<traces::Grid> grid = traces::ReadGrid(args[1]);
  if (!grid.ok()) return Fail(std::string(grid.status().message()));
  const std::string dir = args[1];
  const std::string json = traces::GridJson(*grid);
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"validation.csv", traces::GridCsv(*grid)},
                                   {"validation.json", json},
                                   {"validation.html", traces::GridHtml(*grid)}}) {
    if (absl::Status st = traces::WriteFileAtomically(dir + "/" + name, text); !st.ok()) {
      return Fail(std::string(st.message()));
    }
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::fputs(json.c_str(), stdout);
  } else {
    std::fputs(traces::GridText(*grid).c_str(), stdout);
    std::printf("  wrote %s/{validation.csv, validation.json, validation.html}\n", dir.c_str());
  }
  return 0;
}

}  // namespace gogcsim::tools
