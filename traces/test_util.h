// Helpers the tests share: scratch file paths and substring assertions
// (only libgtest is linked, no gmock matchers).
#ifndef GOGCSIM_TRACES_TEST_UTIL_H_
#define GOGCSIM_TRACES_TEST_UTIL_H_

#include <string>

#include "gtest/gtest.h"

namespace gogcsim::traces {

// $TEST_TMPDIR (Bazel's per-test scratch directory), or /tmp outside Bazel.
std::string TmpDir();
// TmpDir()/name.
std::string TmpPath(const std::string& name);
// Whether s contains sub; the failure message shows both.
::testing::AssertionResult HasSubstr(const std::string& s, const std::string& sub);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_TEST_UTIL_H_
