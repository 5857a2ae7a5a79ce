// gogcsim report DIR [--out=FILE.html]: the HTML report of a run or sweep
// directory (traces/html_report.h).
#ifndef GOGCSIM_TOOLS_REPORT_COMMAND_H_
#define GOGCSIM_TOOLS_REPORT_COMMAND_H_

#include <vector>

namespace gogcsim::tools {

// args: the positional arguments from "report" on. Returns the exit status:
// 0 written, 2 bad usage or unreadable input.
int ReportCommand(const std::vector<char*>& args);

}  // namespace gogcsim::tools

#endif  // GOGCSIM_TOOLS_REPORT_COMMAND_H_
