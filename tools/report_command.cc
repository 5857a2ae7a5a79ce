#include "tools/report_command.h"

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "tools/cli.h"
#include "traces/html_report.h"

ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(std::vector<std::string>, real);

namespace gogcsim::tools {

int ReportCommand(const std::vector<char*>& args) {
  if (args.size() != 2) {
    return Fail("usage: gogcsim report RUN_DIR|SWEEP_DIR [--real=REAL.stderr,...] [--out=FILE.html]");
  }
  const std::string dir = args[1];
  std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) out = (std::filesystem::path(dir) / "report.html").string();
  if (absl::Status st = traces::WriteReport(dir, out, absl::GetFlag(FLAGS_real)); !st.ok()) {
    return Fail(std::string(st.message()));
  }
  std::error_code ec;
  std::printf("wrote %s (%ju bytes)\n", out.c_str(), static_cast<uintmax_t>(std::filesystem::file_size(out, ec)));
  return 0;
}

}  // namespace gogcsim::tools
