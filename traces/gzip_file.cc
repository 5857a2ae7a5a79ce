#include "traces/gzip_file.h"

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace gogcsim::traces {

absl::StatusOr<gzFile> OpenGzipForReading(const std::string& path, unsigned buffer) {
  errno = 0;
  gzFile gz = gzopen(path.c_str(), "rbe");
  if (gz == nullptr) {
    const int e = errno;
    // zlib leaves errno at 0 when only its own allocation failed.
    if (e == 0) return absl::ResourceExhaustedError(absl::StrCat("open ", path, ": out of memory"));
    return absl::ErrnoToStatus(e, absl::StrCat("open ", path));
  }
  if (buffer != 0) gzbuffer(gz, buffer);
  return gz;
}

}  // namespace gogcsim::traces
