// The cold paths for msize.h, which ports Go 1.10.2's msize.go and the size
// class lookup in malloc.go.
#include "model/msize.h"

#include <cstdint>
#include <cstdio>

#include "sim/check.h"

namespace gogcsim::model {

// Check at compile time that the lookups give the classes Go's tables give.
static_assert(SizeToClass(1) == 1 && SizeToClass(8) == 1 && SizeToClass(9) == 2);
static_assert(SizeToClass(1016) == 31 && SizeToClass(1017) == 31 && SizeToClass(1025) == 32);
static_assert(SizeToClass(kMaxSmallSize) == kNumSizeClasses - 1);
static_assert(RoundUpSize(0) == 0 && RoundUpSize(9) == 16 && RoundUpSize(32769) == 40960);
static_assert(RoundUpSize(UINT64_MAX) == UINT64_MAX);

namespace msize_internal {

void NoSizeClass(uint64_t size) {
  char msg[96];
  std::snprintf(msg, sizeof msg, "SizeToClass: size %llu exceeds kMaxSmallSize (%llu)",
                static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(kMaxSmallSize));
  GOGCSIM_THROW(msg);
}

}  // namespace msize_internal
}  // namespace gogcsim::model
