// Go's float64 <-> integer conversions as the gc compiler lowers them on
// amd64 (go1.10 cmd/compile SSA rules), so the pacer's conversions give the
// same bits as the runtime's. C++ casts of out-of-range values are undefined;
// these are not.
#ifndef GOGCSIM_MODEL_FLOAT64_H_
#define GOGCSIM_MODEL_FLOAT64_H_

#include <cstdint>

namespace gogcsim::model {

// CVTTSD2SQ: truncate toward zero; NaN and out-of-range give INT64_MIN.
inline int64_t GoInt64(double f) {
  if (f >= -9223372036854775808.0 && f < 9223372036854775808.0) return static_cast<int64_t>(f);
  return INT64_MIN;
}

// uint64(f): below 2^63 as int64(f) (negative values wrap), from 2^63 up
// as int64(f - 2^63) with the top bit set.
inline uint64_t GoUint64(double f) {
  if (f < 9223372036854775808.0) return static_cast<uint64_t>(GoInt64(f));
  return static_cast<uint64_t>(GoInt64(f - 9223372036854775808.0)) | (uint64_t{1} << 63);
}

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_FLOAT64_H_
