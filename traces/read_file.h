// Reading a whole input file with a cap on its size: a path given by the
// user may name /dev/zero or a FIFO, which would otherwise be read until
// memory runs out.
#ifndef GOGCSIM_TRACES_READ_FILE_H_
#define GOGCSIM_TRACES_READ_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace gogcsim::traces {

// The cap for JSON files a run or sweep writes (summary.json, sweep.json):
// half a million sweep rows.
inline constexpr size_t kMaxJsonFileBytes = size_t{256} << 20;
// The cap for one line of a text input (JSON Lines, allocfreetrace output),
// as the reference reader has.
inline constexpr size_t kMaxLineBytes = size_t{1} << 20;

// The file's bytes. NotFound if it cannot be opened; InvalidArgument
// "PATH: larger than N bytes" past max_bytes (nothing beyond max_bytes + 1
// bytes is read); DataLoss for a read error. Errors name the path.
absl::StatusOr<std::string> ReadFileCapped(const std::string& path, size_t max_bytes);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_READ_FILE_H_
