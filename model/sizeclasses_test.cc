#include "model/sizeclasses.h"

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gogcsim::model {
namespace {

// One row of the size class table printed in sizeclasses.go. max_waste is in
// hundredths of a percent (87.50% is 8750).
struct Row {
  int cls;
  int64_t bytes_per_obj;
  int64_t bytes_per_span;
  int64_t objects;
  int64_t tail_waste;
  int64_t max_waste;
};

// Transcribed from the seed document /work/shared/seeds/004_01fbca11bb34912e.txt
// ("Exploration of Golang Source Code (3)", section "Types of Span s"). That
// article reprints the whole table for Go 1.9.2, and the size classes did not
// change between 1.9.2 and 1.10.2. The other seed document,
// 000_265275c67a5b2d0c.txt, shows only classes 1-4 and 64-66. The test
// SeedTableLinesMatchExactly below checks those rows byte for byte.
constexpr Row kSeedTable[] = {
    {1, 8, 8192, 1024, 0, 8750},
    {2, 16, 8192, 512, 0, 4375},
    {3, 32, 8192, 256, 0, 4688},
    {4, 48, 8192, 170, 32, 3152},
    {5, 64, 8192, 128, 0, 2344},
    {6, 80, 8192, 102, 32, 1907},
    {7, 96, 8192, 85, 32, 1595},
    {8, 112, 8192, 73, 16, 1356},
    {9, 128, 8192, 64, 0, 1172},
    {10, 144, 8192, 56, 128, 1182},
    {11, 160, 8192, 51, 32, 973},
    {12, 176, 8192, 46, 96, 959},
    {13, 192, 8192, 42, 128, 925},
    {14, 208, 8192, 39, 80, 812},
    {15, 224, 8192, 36, 128, 815},
    {16, 240, 8192, 34, 32, 662},
    {17, 256, 8192, 32, 0, 586},
    {18, 288, 8192, 28, 128, 1216},
    {19, 320, 8192, 25, 192, 1180},
    {20, 352, 8192, 23, 96, 988},
    {21, 384, 8192, 21, 128, 951},
    {22, 416, 8192, 19, 288, 1071},
    {23, 448, 8192, 18, 128, 837},
    {24, 480, 8192, 17, 32, 682},
    {25, 512, 8192, 16, 0, 605},
    {26, 576, 8192, 14, 128, 1233},
    {27, 640, 8192, 12, 512, 1548},
    {28, 704, 8192, 11, 448, 1393},
    {29, 768, 8192, 10, 512, 1394},
    {30, 896, 8192, 9, 128, 1552},
    {31, 1024, 8192, 8, 0, 1240},
    {32, 1152, 8192, 7, 128, 1241},
    {33, 1280, 8192, 6, 512, 1555},
    {34, 1408, 16384, 11, 896, 1400},
    {35, 1536, 8192, 5, 512, 1400},
    {36, 1792, 16384, 9, 256, 1557},
    {37, 2048, 8192, 4, 0, 1245},
    {38, 2304, 16384, 7, 256, 1246},
    {39, 2688, 8192, 3, 128, 1559},
    {40, 3072, 24576, 8, 0, 1247},
    {41, 3200, 16384, 5, 384, 622},
    {42, 3456, 24576, 7, 384, 883},
    {43, 4096, 8192, 2, 0, 1560},
    {44, 4864, 24576, 5, 256, 1665},
    {45, 5376, 16384, 3, 256, 1092},
    {46, 6144, 24576, 4, 0, 1248},
    {47, 6528, 32768, 5, 128, 623},
    {48, 6784, 40960, 6, 256, 436},
    {49, 6912, 49152, 7, 768, 337},
    {50, 8192, 8192, 1, 0, 1561},
    {51, 9472, 57344, 6, 512, 1428},
    {52, 9728, 49152, 5, 512, 364},
    {53, 10240, 40960, 4, 0, 499},
    {54, 10880, 32768, 3, 128, 624},
    {55, 12288, 24576, 2, 0, 1145},
    {56, 13568, 40960, 3, 256, 999},
    {57, 14336, 57344, 4, 0, 535},
    {58, 16384, 16384, 1, 0, 1249},
    {59, 18432, 73728, 4, 0, 1111},
    {60, 19072, 57344, 3, 128, 357},
    {61, 20480, 40960, 2, 0, 687},
    {62, 21760, 65536, 3, 256, 625},
    {63, 24576, 24576, 1, 0, 1145},
    {64, 27264, 81920, 3, 128, 1000},
    {65, 28672, 57344, 2, 0, 491},
    {66, 32768, 32768, 1, 0, 1250},
};

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string RStrip(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

TEST(SizeClasses, Constants) {
  EXPECT_EQ(kMaxSmallSize, 32768u);
  EXPECT_EQ(kSmallSizeDiv, 8u);
  EXPECT_EQ(kSmallSizeMax, 1024u);
  EXPECT_EQ(kLargeSizeDiv, 128u);
  EXPECT_EQ(kNumSizeClasses, 67);
  EXPECT_EQ(kPageShift, 13);
  EXPECT_EQ(kPageSize, 8192u);
  EXPECT_EQ(kClassToSize.size(), 67u);
  EXPECT_EQ(kClassToAllocNPages.size(), 67u);
  EXPECT_EQ(kClassToDivMagic.size(), 67u);
  EXPECT_EQ(kSizeToClass8.size(), 129u);    // smallSizeMax/smallSizeDiv + 1
  EXPECT_EQ(kSizeToClass128.size(), 249u);  // (_MaxSmallSize-smallSizeMax)/largeSizeDiv + 1
}

TEST(SizeClasses, DummyClassZero) {
  EXPECT_EQ(kClassToSize[0], 0);
  EXPECT_EQ(kClassToAllocNPages[0], 0);
  EXPECT_EQ(kClassToDivMagic[0], (DivMagic{0, 0, 0, 0}));
}

TEST(SizeClasses, MatchesSeedTable) {
  ASSERT_EQ(std::size(kSeedTable), static_cast<size_t>(kNumSizeClasses - 1));
  for (const Row& r : kSeedTable) {
    SCOPED_TRACE(r.cls);
    ASSERT_GE(r.cls, 1);
    ASSERT_LT(r.cls, kNumSizeClasses);
    const int64_t size = kClassToSize[r.cls];
    const int64_t span = int64_t{kClassToAllocNPages[r.cls]} * static_cast<int64_t>(kPageSize);
    EXPECT_EQ(size, r.bytes_per_obj);
    EXPECT_EQ(span, r.bytes_per_span);
    EXPECT_EQ(span / size, r.objects);
    EXPECT_EQ(span % size, r.tail_waste);
  }
}

// The ported printComment reproduces every transcribed row, max waste included.
TEST(SizeClasses, CommentTableMatchesSeedTable) {
  const std::vector<std::string> lines = Lines(SizeClassTableComment());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kNumSizeClasses) + 1);  // header + 66 rows + blank
  EXPECT_EQ(lines[0], "// class  bytes/obj  bytes/span  objects  tail waste  max waste");
  for (const Row& r : kSeedTable) {
    char want[128];
    std::snprintf(want, sizeof want, "// %5d  %9lld  %10lld  %7lld  %10lld  %5lld.%02lld%%", r.cls,
                  static_cast<long long>(r.bytes_per_obj),
                  static_cast<long long>(r.bytes_per_span), static_cast<long long>(r.objects),
                  static_cast<long long>(r.tail_waste), static_cast<long long>(r.max_waste / 100),
                  static_cast<long long>(r.max_waste % 100));
    EXPECT_EQ(lines[r.cls], want);
  }
  EXPECT_EQ(lines.back(), "");
}

// The rows of seed document 000_265275c67a5b2d0c.txt, typed in with its exact
// column spacing. The PDF text adds a trailing space to each line, and that
// space is left out here.
TEST(SizeClasses, SeedTableLinesMatchExactly) {
  const std::vector<std::string> lines = Lines(SizeClassTableComment());
  ASSERT_EQ(lines.size(), 68u);
  EXPECT_EQ(RStrip(lines[0]), "// class  bytes/obj  bytes/span  objects  tail waste  max waste");
  EXPECT_EQ(lines[1], "//     1          8        8192     1024           0     87.50%");
  EXPECT_EQ(lines[2], "//     2         16        8192      512           0     43.75%");
  EXPECT_EQ(lines[3], "//     3         32        8192      256           0     46.88%");
  EXPECT_EQ(lines[4], "//     4         48        8192      170          32     31.52%");
  EXPECT_EQ(lines[64], "//    64      27264       81920        3         128     10.00%");
  EXPECT_EQ(lines[65], "//    65      28672       57344        2           0      4.91%");
  EXPECT_EQ(lines[66], "//    66      32768       32768        1           0     12.50%");
}

// Copied by hand from class_to_divmagic in Go's generated
// src/runtime/sizeclasses.go at go1.10.2 (71bdbf431b).
TEST(SizeClasses, DivMagicMatchesGo) {
  EXPECT_EQ(kClassToDivMagic[1], (DivMagic{3, 0, 1, 65528}));
  EXPECT_EQ(kClassToDivMagic[2], (DivMagic{4, 0, 1, 65520}));
  EXPECT_EQ(kClassToDivMagic[4], (DivMagic{4, 9, 171, 0}));
  EXPECT_EQ(kClassToDivMagic[5], (DivMagic{6, 0, 1, 65472}));
  EXPECT_EQ(kClassToDivMagic[17], (DivMagic{8, 0, 1, 65280}));
  EXPECT_EQ(kClassToDivMagic[30], (DivMagic{7, 8, 37, 0}));
  EXPECT_EQ(kClassToDivMagic[47], (DivMagic{7, 13, 161, 0}));
  EXPECT_EQ(kClassToDivMagic[50], (DivMagic{13, 0, 1, 57344}));
  EXPECT_EQ(kClassToDivMagic[64], (DivMagic{7, 14, 77, 0}));
  EXPECT_EQ(kClassToDivMagic[65], (DivMagic{12, 7, 19, 0}));
  EXPECT_EQ(kClassToDivMagic[66], (DivMagic{15, 0, 1, 32768}));
}

// Spot checks copied by hand from size_to_class8 and size_to_class128 in Go's
// sizeclasses.go at go1.10.2.
TEST(SizeClasses, SizeToClassTablesMatchGo) {
  EXPECT_EQ(kSizeToClass8[0], 0);
  EXPECT_EQ(kSizeToClass8[1], 1);    // 8 bytes
  EXPECT_EQ(kSizeToClass8[2], 2);    // 16
  EXPECT_EQ(kSizeToClass8[3], 3);    // 24 -> 32
  EXPECT_EQ(kSizeToClass8[4], 3);    // 32
  EXPECT_EQ(kSizeToClass8[5], 4);    // 40 -> 48
  EXPECT_EQ(kSizeToClass8[16], 9);   // 128
  EXPECT_EQ(kSizeToClass8[17], 10);  // 136 -> 144
  EXPECT_EQ(kSizeToClass8[32], 17);  // 256
  EXPECT_EQ(kSizeToClass8[33], 18);  // 264 -> 288
  EXPECT_EQ(kSizeToClass8[64], 25);  // 512
  EXPECT_EQ(kSizeToClass8[65], 26);  // 520 -> 576
  EXPECT_EQ(kSizeToClass8[100], 30);
  EXPECT_EQ(kSizeToClass8[112], 30);  // 896
  EXPECT_EQ(kSizeToClass8[113], 31);  // 904 -> 1024
  EXPECT_EQ(kSizeToClass8[128], 31);  // 1024

  EXPECT_EQ(kSizeToClass128[0], 31);   // 1024
  EXPECT_EQ(kSizeToClass128[1], 32);   // 1152
  EXPECT_EQ(kSizeToClass128[2], 33);   // 1280
  EXPECT_EQ(kSizeToClass128[5], 36);   // 1664 -> 1792
  EXPECT_EQ(kSizeToClass128[6], 36);   // 1792
  EXPECT_EQ(kSizeToClass128[7], 37);   // 1920 -> 2048
  EXPECT_EQ(kSizeToClass128[17], 41);  // 3200
  EXPECT_EQ(kSizeToClass128[18], 42);  // 3328 -> 3456
  EXPECT_EQ(kSizeToClass128[20], 43);  // 3584 -> 4096
  EXPECT_EQ(kSizeToClass128[46], 49);  // 6912
  EXPECT_EQ(kSizeToClass128[47], 50);  // 7040 -> 8192
  EXPECT_EQ(kSizeToClass128[56], 50);  // 8192
  EXPECT_EQ(kSizeToClass128[57], 51);  // 8320 -> 9472
  EXPECT_EQ(kSizeToClass128[100], 57);
  EXPECT_EQ(kSizeToClass128[200], 64);
  EXPECT_EQ(kSizeToClass128[230], 66);
  EXPECT_EQ(kSizeToClass128[231], 66);
  EXPECT_EQ(kSizeToClass128[248], 66);  // 32768
}

// Each table entry is the smallest class that holds the entry's size.
TEST(SizeClasses, SizeToClassTablesAreSmallestFit) {
  auto smallest_fit = [](uint64_t size) {
    for (int c = 0; c < kNumSizeClasses; ++c) {
      if (kClassToSize[c] >= size) return c;
    }
    return -1;
  };
  for (size_t i = 0; i < kSizeToClass8.size(); ++i) {
    EXPECT_EQ(kSizeToClass8[i], smallest_fit(i * kSmallSizeDiv)) << "i=" << i;
  }
  for (size_t i = 0; i < kSizeToClass128.size(); ++i) {
    EXPECT_EQ(kSizeToClass128[i], smallest_fit(kSmallSizeMax + i * kLargeSizeDiv)) << "i=" << i;
  }
}

// Properties that mksizeclasses.go's construction guarantees.
TEST(SizeClasses, LadderProperties) {
  for (int c = 1; c < kNumSizeClasses; ++c) {
    SCOPED_TRACE(c);
    const uint64_t size = kClassToSize[c];
    const uint64_t span = kClassToAllocNPages[c] * kPageSize;
    EXPECT_GT(size, kClassToSize[c - 1]);
    EXPECT_EQ(size % 8, 0u);
    if (size >= 16) {
      EXPECT_EQ(size % 16, 0u);
    }
    if (size > kSmallSizeMax) {
      EXPECT_EQ(size % kLargeSizeDiv, 0u);
    }
    EXPECT_LE(size, kMaxSmallSize);
    EXPECT_GE(kClassToAllocNPages[c], 1);
    // The 1/8 rule: the span's tail wastes at most an eighth of the span.
    EXPECT_LE(span % size, span / 8);
    // After widening, one more largeSizeDiv step would lose an object.
    if (size > kSmallSizeMax) {
      EXPECT_LT(span / (size + kLargeSizeDiv), span / size);
    }
  }
  EXPECT_EQ(kClassToSize[kNumSizeClasses - 1], kMaxSmallSize);
}

// The check computeDivMagic makes, done the way the runtime uses the numbers:
// for every byte offset in a span, (off >> shift) * mul >> shift2 == off / size,
// in both 64-bit and 32-bit arithmetic.
TEST(SizeClasses, DivMagicDividesEveryOffset) {
  for (int c = 1; c < kNumSizeClasses; ++c) {
    SCOPED_TRACE(c);
    const DivMagic m = kClassToDivMagic[c];
    const uint64_t size = kClassToSize[c];
    const uint64_t span = kClassToAllocNPages[c] * kPageSize;
    for (uint64_t off = 0; off < span; ++off) {
      const uint64_t q64 = ((off >> m.shift) * m.mul) >> m.shift2;
      const uint32_t q32 = ((static_cast<uint32_t>(off) >> m.shift) * uint32_t{m.mul}) >> m.shift2;
      if (q64 != off / size || q32 != off / size) {
        ADD_FAILURE() << "off=" << off << " q64=" << q64 << " q32=" << q32;
        break;
      }
    }
  }
}

// Each object's start offset maps back to its own index.
TEST(SizeClasses, DivMagicRecoversObjectIndex) {
  for (int c = 1; c < kNumSizeClasses; ++c) {
    SCOPED_TRACE(c);
    const DivMagic m = kClassToDivMagic[c];
    const uint64_t size = kClassToSize[c];
    const uint64_t objects = kClassToAllocNPages[c] * kPageSize / size;
    for (uint64_t n = 0; n < objects; ++n) {
      EXPECT_EQ((((n * size) >> m.shift) * m.mul) >> m.shift2, n);
      // The last byte of object n belongs to object n as well.
      EXPECT_EQ(((((n + 1) * size - 1) >> m.shift) * m.mul) >> m.shift2, n);
    }
  }
}

// baseMask is nonzero exactly for power-of-two sizes. There it is
// 65536 - size, and off & baseMask is the start of the object holding off (the
// runtime's heapBitsForObject relies on this). For those classes the division
// is a plain shift: shift = log2(size), mul = 1, shift2 = 0.
TEST(SizeClasses, BaseMaskForPowerOfTwoSizes) {
  int pow2_classes = 0;
  for (int c = 1; c < kNumSizeClasses; ++c) {
    SCOPED_TRACE(c);
    const DivMagic m = kClassToDivMagic[c];
    const uint64_t size = kClassToSize[c];
    const uint64_t span = kClassToAllocNPages[c] * kPageSize;
    if ((size & (size - 1)) != 0) {
      EXPECT_EQ(m.base_mask, 0);
      continue;
    }
    ++pow2_classes;
    EXPECT_EQ(m.base_mask, 65536 - size);
    EXPECT_EQ(uint64_t{1} << m.shift, size);
    EXPECT_EQ(m.mul, 1);
    EXPECT_EQ(m.shift2, 0);
    EXPECT_LT(span, 65536u);
    for (uint64_t off = 0; off < span; ++off) {
      const uint64_t base = off & m.base_mask;
      if (base != off / size * size || (base >> m.shift) != off / size) {
        ADD_FAILURE() << "off=" << off << " base=" << base;
        break;
      }
    }
  }
  // 8, 16, 32, 64, ..., 32768.
  EXPECT_EQ(pow2_classes, 13);
}

}  // namespace
}  // namespace gogcsim::model
