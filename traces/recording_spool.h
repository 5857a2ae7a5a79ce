// The instrumented runtime's spool (traces/recording_spool.md) and its
// encoding into a format v2 recording (traces/recording_v2.md).
//
// The recorded program only appends its threads' raw record buffers to the
// spool, with the *_type sizes they name; `gogcsim record` encodes the spool
// after the program has exited, so that the encoding's CPU time (about as
// much as an allocation-bound program's own) is not taken from the program.
// Each buffer becomes one or more chunks of at most 64 KiB, exactly as the
// specification of format v2 says.
#ifndef GOGCSIM_TRACES_RECORDING_SPOOL_H_
#define GOGCSIM_TRACES_RECORDING_SPOOL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gogcsim::traces {

inline constexpr std::string_view kSpoolMagic = "GOGCSIMS";
inline constexpr int kSpoolVersion = 1;

// Whether the file starts with kSpoolMagic.
bool IsSpool(const std::string& path);

struct SpoolStats {
  uint64_t buffers = 0;  // buffer frames
  uint64_t types = 0;    // *_types described
  uint64_t records = 0;  // records encoded (an AZ or FB counts once)
  uint64_t globals = 0;  // global records, as the end frame counts them
  uint64_t bytes_in = 0, bytes_out = 0;
};

// Encodes the spool at `spool` as a v2 recording written to `out` (created
// or truncated; the caller renames it into place). Errors name the spool
// and the byte offset of the frame at fault: a bad magic or version, an
// unknown frame, a frame or record that runs past its end, an allocation
// of a *_type no types frame described, a missing end frame (the program
// was cut short), bytes after it. Failing to create or write `out` is an
// Internal error naming it.
absl::StatusOr<SpoolStats> ConvertSpool(const std::string& spool, const std::string& out);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORDING_SPOOL_H_
