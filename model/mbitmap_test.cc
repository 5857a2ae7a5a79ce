#include "model/mbitmap.h"

#include "gtest/gtest.h"

namespace gogcsim::model {
namespace {

// scanobject (mgcmark.go) stops at the first word i != 1 whose scan bit is
// clear; heapBitsSetType sets scan bits on the words up to the last pointer
// word. So the scan work of an object is its pointer extent, at least two
// words, at most the piece scanned.
TEST(ScanWorkFor, PointerExtentWithTheWordOneException) {
  EXPECT_EQ(ScanWorkFor(48, 24, 0), 24u);   // three pointer words
  EXPECT_EQ(ScanWorkFor(32, 8, 0), 16u);    // one pointer word: word 1 is never tested
  EXPECT_EQ(ScanWorkFor(16, 8, 0), 16u);
  EXPECT_EQ(ScanWorkFor(8, 8, 0), 8u);      // an 8-byte object ends the loop at n
  EXPECT_EQ(ScanWorkFor(2048, 2048, 0), 2048u);
  EXPECT_EQ(ScanWorkFor(64, 0, 0), 0u);     // word 0 has no scan bit
}

TEST(ScanWorkFor, ObletsOfALargeObject) {
  // A 300 KiB object whose first 200 KiB hold pointers is scanned as three
  // oblets of at most 128 KiB: 128 KiB, then the 72 KiB of pointers left,
  // then nothing (word 0 of the third oblet has no scan bit).
  const uint64_t size = 300 << 10, ptrs = 200 << 10;
  EXPECT_EQ(ScanWorkFor(kMaxObletBytes, ptrs, 0), kMaxObletBytes);
  EXPECT_EQ(ScanWorkFor(kMaxObletBytes, ptrs, kMaxObletBytes), ptrs - kMaxObletBytes);
  EXPECT_EQ(ScanWorkFor(size - 2 * kMaxObletBytes, ptrs, 2 * kMaxObletBytes), 0u);
}

TEST(ObjectGraph, AddRefFindFree) {
  ObjectGraph g;
  g.Add(0x1000, 16);
  g.Add(0x2000, 0);
  g.Add(0x1000, 99);  // a second tiny object in an existing block: no change
  g.AddRef(0x1000, 0x2008);
  ASSERT_NE(g.Find(0x1000), nullptr);
  EXPECT_EQ(g.Find(0x1000)->scanSize, 16u);
  EXPECT_EQ(g.Find(0x1000)->refs.size(), 1u);
  g.Free(0x1000);
  EXPECT_EQ(g.Find(0x1000), nullptr);
  EXPECT_EQ(g.size(), 1u);
}

}  // namespace
}  // namespace gogcsim::model
