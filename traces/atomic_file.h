// Writing an output file so that it appears complete or not at all: the text
// goes to a temporary file in the same directory, which is then renamed over
// the destination (rename is atomic within a file system).
#ifndef GOGCSIM_TRACES_ATOMIC_FILE_H_
#define GOGCSIM_TRACES_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace gogcsim::traces {

// Errors name the file. The temporary ("." + name + ".tmp" beside it) is
// removed if writing fails.
absl::Status WriteFileAtomically(const std::string& path, std::string_view text);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_ATOMIC_FILE_H_
