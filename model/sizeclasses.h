// Size classes of the Go 1.10.2 small-object allocator. This ports two Go
// files at go1.10.2 (commit 71bdbf431b): src/runtime/mksizeclasses.go, the
// generator (makeClasses, computeDivMagic, printComment), and
// src/runtime/sizeclasses.go, the tables that generator writes.
//
// Nothing here is a pasted copy of Go's generated tables. The generator itself
// runs as a C++20 constant expression, so the compiler builds the tables and
// looking them up costs nothing at run time. Every check that makes Go's
// generator panic becomes a throw-expression, and reaching one while the
// tables are being built is a compile error.
#ifndef GOGCSIM_MODEL_SIZECLASSES_H_
#define GOGCSIM_MODEL_SIZECLASSES_H_

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gogcsim::model {

// Go: _MaxSmallSize. The largest request served from a size class. Anything
// bigger gets a span of its own (size class 0).
inline constexpr uint64_t kMaxSmallSize = 32768;
// Go: smallSizeDiv and smallSizeMax. Up to smallSizeMax bytes, the size-to-class
// table has one entry for every 8 bytes.
inline constexpr uint64_t kSmallSizeDiv = 8;
inline constexpr uint64_t kSmallSizeMax = 1024;
// Go: largeSizeDiv. Above smallSizeMax, the table has one entry for every 128 bytes.
inline constexpr uint64_t kLargeSizeDiv = 128;
// Go: _NumSizeClasses. This count includes the dummy class 0.
inline constexpr int kNumSizeClasses = 67;
// Go: _PageShift and _PageSize. These describe the runtime's heap page, not the
// 4 KiB OS page.
inline constexpr int kPageShift = 13;
inline constexpr uint64_t kPageSize = uint64_t{1} << kPageShift;
static_assert(kPageSize == 8192);

// Go: divMagic. These constants let the runtime turn a byte offset into an
// object index without a division: offset / size equals
// ((offset >> shift) * mul) >> shift2 for every offset inside the span. When
// size is a power of two, base_mask is 65536 - size, so offset & base_mask
// rounds the offset down to the start of its object. Otherwise base_mask is 0.
struct DivMagic {
  uint8_t shift = 0;
  uint8_t shift2 = 0;
  uint16_t mul = 0;
  uint16_t base_mask = 0;  // Go: baseMask
  friend constexpr bool operator==(const DivMagic&, const DivMagic&) = default;
};

// The generator. These are implementation details, kept in the header so that
// they can run at compile time.
namespace sizeclasses_internal {

// Go: mksizeclasses.go's class struct. It uses Go's int (64-bit) arithmetic.
struct Class {
  int64_t size = 0;    // bytes per object (the largest request in the class)
  int64_t npages = 0;  // pages per span
  int64_t mul = 0;
  uint32_t shift = 0;
  uint32_t shift2 = 0;
  int64_t mask = 0;
};

constexpr bool PowerOfTwo(int64_t x) { return x != 0 && (x & (x - 1)) == 0; }

// Go: computeDivMagic. It finds shift, mul and shift2 so that
// n / size == ((n >> shift) * mul) >> shift2 for 0 <= n < npages*pageSize.
// It also sets mask (Go's baseMask) for power-of-two sizes.
constexpr void ComputeDivMagic(Class& c) {
  int64_t d = c.size;
  if (d == 0) return;  // the dummy class 0

  // The largest span offset that the formula has to handle.
  int64_t max = c.npages * static_cast<int64_t>(kPageSize) - 1;

  if (PowerOfTwo(d)) {
    // The runtime masks instead of dividing. The mask is only 16 bits wide,
    // so the span must be smaller than 64 KiB.
    if (max >= (int64_t{1} << 16)) throw std::logic_error("max too big for power of two size");
    c.mask = (int64_t{1} << 16) - d;
  }

  // Divide out the power-of-two part of d with a shift applied before the
  // multiply. Dividing max by the same power keeps the product small.
  while (d % 2 == 0) {
    ++c.shift;
    d >>= 1;
    max >>= 1;
  }

  // Search upward for the first k where mul = ceil(2^k / d) gives exact
  // quotients over the whole range. The smallest such k keeps mul*max inside
  // 32 bits, which suits 32-bit platforms. Go's loop has no upper bound. This
  // one stops at 62 so that the shift can never overflow.
  bool found = false;
  for (uint32_t k = 0; k <= 62 && !found; ++k) {
    const int64_t mul = ((int64_t{1} << k) + d - 1) / d;
    bool works = true;
    for (int64_t n = 0; n <= max; ++n) {
      if (((n * mul) >> k) != n / d) {
        works = false;
        break;
      }
    }
    if (!works) continue;
    if (mul >= (int64_t{1} << 16)) throw std::logic_error("mul too big");
    if (static_cast<uint64_t>(mul) * static_cast<uint64_t>(max) >= (uint64_t{1} << 32)) {
      throw std::logic_error("mul*max too big");
    }
    c.mul = mul;
    c.shift2 = k;
    found = true;
  }
  if (!found) throw std::logic_error("no divide magic found");

  // Check the result a second time, once with each word size the runtime may
  // use: Go int, 32-bit, and 64-bit.
  for (int64_t n = 0; n <= max; ++n) {
    if (((n * c.mul) >> c.shift2) != n / d) throw std::logic_error("bad multiply magic");
    const uint32_t n32 = static_cast<uint32_t>(n);
    if (((n32 * static_cast<uint32_t>(c.mul)) >> static_cast<uint8_t>(c.shift2)) !=
        static_cast<uint32_t>(n / d)) {
      throw std::logic_error("bad 32-bit multiply magic");
    }
    const uint64_t n64 = static_cast<uint64_t>(n);
    if (((n64 * static_cast<uint64_t>(c.mul)) >> static_cast<uint8_t>(c.shift2)) !=
        static_cast<uint64_t>(n / d)) {
      throw std::logic_error("bad 64-bit multiply magic");
    }
  }
}

using Classes = std::array<Class, kNumSizeClasses>;

// Go: makeClasses. It walks the size ladder, picks each class's span length,
// merges classes that would behave the same, widens each class to fill its
// span, and then computes the division magic.
constexpr Classes MakeClasses() {
  // Go appends to a slice here. This version fills a fixed buffer instead.
  // Candidates that do not merge are at most one for each size step
  // (fewer than 200), so a capacity of 256 is more than enough.
  std::array<Class, 256> buf{};
  int n = 1;  // buf[0] is the dummy class 0

  int64_t align = 8;
  for (int64_t size = align; size <= static_cast<int64_t>(kMaxSmallSize); size += align) {
    // The step between sizes grows with the size: 8 bytes at first, then 16
    // (the SSE alignment), then an eighth of the power of two just passed
    // (from 128 on), then a flat 256 bytes from 2048 on.
    if (PowerOfTwo(size)) {
      if (size >= 2048) {
        align = 256;
      } else if (size >= 128) {
        align = size / 8;
      } else if (size >= 16) {
        align = 16;
      }
    }
    if (!PowerOfTwo(align)) throw std::logic_error("incorrect alignment");

    // Use the fewest whole pages that leave less than 1/8 of the span unused
    // after it is cut into objects (at most 12.5% tail waste).
    int64_t allocsize = static_cast<int64_t>(kPageSize);
    while (allocsize % size > allocsize / 8) allocsize += static_cast<int64_t>(kPageSize);
    const int64_t npages = allocsize / static_cast<int64_t>(kPageSize);

    // The new size might use the same number of pages as the previous class
    // and also fit the same number of objects into them. In that case the
    // smaller class is pointless, so the previous class grows to this size.
    if (n > 1 && npages == buf[n - 1].npages && allocsize / size == allocsize / buf[n - 1].size) {
      buf[n - 1].size = size;
      continue;
    }
    if (n == static_cast<int>(buf.size())) throw std::logic_error("too many candidate classes");
    buf[n].size = size;
    buf[n].npages = npages;
    ++n;
  }

  // Each class's span holds some whole number of objects. Make every object as
  // large as that count allows, rounded down to a multiple of largeSizeDiv so
  // that the 128-byte lookup table still finds the class. For example,
  // 7 pages hold 6 objects of 8448 bytes, and 6 objects of 9472 bytes fit too.
  for (int i = 1; i < n; ++i) {
    Class& c = buf[i];
    const int64_t psize = c.npages * static_cast<int64_t>(kPageSize);
    const int64_t widened = (psize / (psize / c.size)) & ~(static_cast<int64_t>(kLargeSizeDiv) - 1);
    if (widened > c.size) c.size = widened;
  }

  if (n != kNumSizeClasses) throw std::logic_error("number of size classes has changed");

  Classes classes{};
  for (int i = 0; i < n; ++i) {
    classes[i] = buf[i];
    ComputeDivMagic(classes[i]);
  }
  return classes;
}

inline constexpr Classes kClasses = MakeClasses();

// The smallest class whose size is at least `size`. Class 0 has size 0, so a
// request for 0 bytes maps to class 0, which matches Go's table entry 0.
constexpr uint8_t FirstClassAtLeast(int64_t size) {
  for (int j = 0; j < kNumSizeClasses; ++j) {
    if (kClasses[j].size >= size) return static_cast<uint8_t>(j);
  }
  throw std::logic_error("size larger than every class");
}

constexpr std::array<uint16_t, kNumSizeClasses> ToClassToSize() {
  std::array<uint16_t, kNumSizeClasses> out{};
  for (int i = 0; i < kNumSizeClasses; ++i) {
    if (kClasses[i].size > 0xffff) throw std::logic_error("size does not fit uint16");
    out[i] = static_cast<uint16_t>(kClasses[i].size);
  }
  return out;
}

constexpr std::array<uint8_t, kNumSizeClasses> ToClassToAllocNPages() {
  std::array<uint8_t, kNumSizeClasses> out{};
  for (int i = 0; i < kNumSizeClasses; ++i) {
    if (kClasses[i].npages > 0xff) throw std::logic_error("npages does not fit uint8");
    out[i] = static_cast<uint8_t>(kClasses[i].npages);
  }
  return out;
}

constexpr std::array<DivMagic, kNumSizeClasses> ToClassToDivMagic() {
  std::array<DivMagic, kNumSizeClasses> out{};
  for (int i = 0; i < kNumSizeClasses; ++i) {
    const Class& c = kClasses[i];
    // The earlier checks already keep mul and mask below 2^16.
    out[i] = DivMagic{static_cast<uint8_t>(c.shift), static_cast<uint8_t>(c.shift2),
                      static_cast<uint16_t>(c.mul), static_cast<uint16_t>(c.mask)};
  }
  return out;
}

// Go: the size_to_class8 loop in printClasses. Entry i is for size i*8.
constexpr std::array<uint8_t, kSmallSizeMax / kSmallSizeDiv + 1> ToSizeToClass8() {
  std::array<uint8_t, kSmallSizeMax / kSmallSizeDiv + 1> out{};
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = FirstClassAtLeast(static_cast<int64_t>(i * kSmallSizeDiv));
  }
  return out;
}

// Go: the size_to_class128 loop in printClasses. Entry i is for size 1024 + i*128.
constexpr std::array<uint8_t, (kMaxSmallSize - kSmallSizeMax) / kLargeSizeDiv + 1>
ToSizeToClass128() {
  std::array<uint8_t, (kMaxSmallSize - kSmallSizeMax) / kLargeSizeDiv + 1> out{};
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = FirstClassAtLeast(static_cast<int64_t>(kSmallSizeMax + i * kLargeSizeDiv));
  }
  return out;
}

}  // namespace sizeclasses_internal

// Go: class_to_size. Bytes per object for each class. Entry 0 is 0.
inline constexpr std::array<uint16_t, kNumSizeClasses> kClassToSize =
    sizeclasses_internal::ToClassToSize();

// Go: class_to_allocnpages. Heap pages (8 KiB each) per span for each class.
inline constexpr std::array<uint8_t, kNumSizeClasses> kClassToAllocNPages =
    sizeclasses_internal::ToClassToAllocNPages();

// Go: class_to_divmagic. The division magic described at DivMagic above.
inline constexpr std::array<DivMagic, kNumSizeClasses> kClassToDivMagic =
    sizeclasses_internal::ToClassToDivMagic();

// Go: size_to_class8. Entry i is the smallest class that holds i*8 bytes.
// It covers sizes 0..kSmallSizeMax.
inline constexpr std::array<uint8_t, kSmallSizeMax / kSmallSizeDiv + 1> kSizeToClass8 =
    sizeclasses_internal::ToSizeToClass8();

// Go: size_to_class128. Entry i is the smallest class that holds 1024 + i*128
// bytes. It covers sizes kSmallSizeMax..kMaxSmallSize.
inline constexpr std::array<uint8_t, (kMaxSmallSize - kSmallSizeMax) / kLargeSizeDiv + 1>
    kSizeToClass128 = sizeclasses_internal::ToSizeToClass128();

static_assert(kClassToSize[kNumSizeClasses - 1] == kMaxSmallSize,
              "the last class must serve the largest small object");

// Go: printComment in mksizeclasses.go. This returns the same table Go puts at
// the top of sizeclasses.go: one line per class giving class, bytes/obj,
// bytes/span, objects, tail waste and max waste, each line starting "// ", with
// the header line first and a blank line at the end.
std::string SizeClassTableComment();

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_SIZECLASSES_H_
