// Locates the reference recordings (/work/shared/reference/go1.10.2 on the
// project machines) from tests, benchmarks and tools.
//
// They live outside the workspace, so Bazel cannot list them as `data`, and a
// sandboxed test starts in a runfiles tree under the output base. The search,
// first hit wins:
//   1. $GOGCSIM_REFERENCE_DIR, the directory holding the *.rec.gz files;
//   2. walking up from the current directory, then from the resolved
//      /proc/self/exe, for an ancestor containing shared/reference/go1.10.2
//      (works for binaries run from the source tree);
//   3. walking up from the resolved runfiles copy of traces/reference_files.h,
//      which this library lists as `data`: its symlinks lead back to the
//      source tree, whose sibling is shared/ (works under `bazel test`).
#ifndef GOGCSIM_TRACES_REFERENCE_FILES_H_
#define GOGCSIM_TRACES_REFERENCE_FILES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gogcsim::traces {

inline constexpr char kReferenceSubdir[] = "shared/reference/go1.10.2";

// The recordings in that directory (without ".rec.gz"), as the README lists them.
inline constexpr const char* kReferenceRecordings[] = {"churn-p1", "churn-p1-gogc200", "trees-p1",
                                                       "phase-p1-gogc50", "workers-p2"};

// A recording name as a C identifier ('-' -> '_'), e.g. for test names.
std::string RecordingIdentifier(std::string_view name);

// The directory of the reference recordings. If `route` is non-null it is set
// to how the directory was found, for test logs. NotFound lists every place
// tried.
absl::StatusOr<std::string> ReferenceDir(std::string* route = nullptr);

// ReferenceDir()/name, NotFound if that file does not exist.
absl::StatusOr<std::string> ReferenceFile(std::string_view name, std::string* route = nullptr);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_REFERENCE_FILES_H_
