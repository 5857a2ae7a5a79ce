// Ports mksizeclasses.go's printComment from Go 1.10.2. The tables themselves
// are built at compile time in sizeclasses.h, from mksizeclasses.go and
// sizeclasses.go.
#include "model/sizeclasses.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace gogcsim::model {

// Pin a few values so that a change to the generator breaks the build here,
// well before any test runs.
static_assert(kClassToSize[1] == 8 && kClassToAllocNPages[1] == 1);
static_assert(kClassToDivMagic[1] == DivMagic{3, 0, 1, 65528});
static_assert(kSizeToClass8[0] == 0 && kSizeToClass128[0] == 31);

std::string SizeClassTableComment() {
  std::string out;
  char line[128];
  std::snprintf(line, sizeof line, "// %-5s  %-9s  %-10s  %-7s  %-10s  %-9s\n", "class",
                "bytes/obj", "bytes/span", "objects", "tail waste", "max waste");
  out += line;
  int64_t prev_size = 0;
  for (int i = 1; i < kNumSizeClasses; ++i) {
    const int64_t size = kClassToSize[i];
    const int64_t span_size = int64_t{kClassToAllocNPages[i]} * static_cast<int64_t>(kPageSize);
    const int64_t objects = span_size / size;
    const int64_t tail_waste = span_size - size * objects;
    // The worst case: every object in the span holds a request one byte larger
    // than the previous class's size, and the span's tail is wasted as well.
    const double max_waste = static_cast<double>((size - prev_size - 1) * objects + tail_waste) /
                             static_cast<double>(span_size);
    prev_size = size;
    std::snprintf(line, sizeof line, "// %5d  %9lld  %10lld  %7lld  %10lld  %8.2f%%\n", i,
                  static_cast<long long>(size), static_cast<long long>(span_size),
                  static_cast<long long>(objects), static_cast<long long>(tail_waste),
                  100 * max_waste);
    out += line;
  }
  out += "\n";
  return out;
}

}  // namespace gogcsim::model
