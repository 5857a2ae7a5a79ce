// Opening a file to read through zlib, which reads gzip-compressed and plain
// files alike, with an error that names the file.
#ifndef GOGCSIM_TRACES_GZIP_FILE_H_
#define GOGCSIM_TRACES_GZIP_FILE_H_

#include <zlib.h>

#include <string>

#include "absl/status/statusor.h"

namespace gogcsim::traces {

// gzopen(path, "rbe"), with an internal buffer of `buffer` bytes (0: zlib's
// default). The caller closes it with gzclose_r. NotFound and the other
// errno errors name the file.
absl::StatusOr<gzFile> OpenGzipForReading(const std::string& path, unsigned buffer = 0);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_GZIP_FILE_H_
