#include "traces/test_util.h"

#include <cstdlib>

namespace gogcsim::traces {

std::string TmpDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string TmpPath(const std::string& name) { return TmpDir() + "/" + name; }

::testing::AssertionResult HasSubstr(const std::string& s, const std::string& sub) {
  if (s.find(sub) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << s << "\" does not contain \"" << sub << "\"";
}

}  // namespace gogcsim::traces
