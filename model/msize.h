// Maps a request size to a size class. Ports Go 1.10.2's
// src/runtime/msize.go (roundupsize) and the size-to-class step of mallocgc in
// src/runtime/malloc.go, both at go1.10.2 (commit 71bdbf431b).
#ifndef GOGCSIM_MODEL_MSIZE_H_
#define GOGCSIM_MODEL_MSIZE_H_

#include <cstdint>

#include "model/sizeclasses.h"

namespace gogcsim::model {

namespace msize_internal {
// This cold path is kept in msize.cc. It reports a size that has no size class
// and aborts, like the bounds-check panic Go would hit indexing its tables.
[[noreturn]] void NoSizeClass(uint64_t size);

// Go's lookup with uintptr (64-bit, wrapping) arithmetic. Sizes of at most
// smallSizeMax-8 = 1016 bytes use the 8-byte table. Larger sizes use the
// 128-byte table. For sizes 1017..1023, size - smallSizeMax wraps below zero,
// and adding largeSizeDiv - 1 wraps back to a value below 128, so the index is
// 0, which is class 31 (1024 bytes). Go depends on that wrap too.
constexpr uint8_t LookupClass(uint64_t size) {
  if (size <= kSmallSizeMax - 8) {
    return kSizeToClass8[(size + kSmallSizeDiv - 1) / kSmallSizeDiv];
  }
  return kSizeToClass128[(size - kSmallSizeMax + kLargeSizeDiv - 1) / kLargeSizeDiv];
}
}  // namespace msize_internal

// Go: mallocgc's small-object branch. Returns the size class that serves a
// `size`-byte request, for 0 <= size <= kMaxSmallSize (32768). Size 0 maps to
// class 0, as in Go's table (mallocgc itself never asks for 0 bytes). A larger
// size aborts, because it has no class. Large objects use class 0 spans and
// never reach this lookup.
constexpr uint8_t SizeToClass(uint64_t size) {
  if (size > kMaxSmallSize) msize_internal::NoSizeClass(size);
  return msize_internal::LookupClass(size);
}

// Go: roundupsize. This is the block size that mallocgc hands out for a
// `size`-byte request. Below kMaxSmallSize it is the size of the request's
// class. From kMaxSmallSize up it is `size` rounded up to a whole 8 KiB heap
// page. If that rounding would overflow, `size` comes back unchanged, the same
// overflow check Go makes.
constexpr uint64_t RoundUpSize(uint64_t size) {
  if (size < kMaxSmallSize) return kClassToSize[msize_internal::LookupClass(size)];
  if (size + kPageSize < size) return size;  // wrapped: too close to 2^64
  return (size + kPageSize - 1) & ~(kPageSize - 1);  // Go: round(size, _PageSize)
}

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MSIZE_H_
