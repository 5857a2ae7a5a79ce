#include "model/mbitmap.h"

#include "gtest/gtest.h"

namespace gogcsim::model {
namespace {

// scanobject (mgcmark.go) stops at the first word i != 1 whose scan bit is
// clear; heapBitsSetType sets scan bits on the words up to the last pointer
// word. So the scan work of an object is its pointer extent, at least two
// words, at most the piece scanned.
TEST(ScanWorkFor, PointerExtentWithTheWordOneException) {
  EXPECT_EQ(ScanWorkFor(48, 24, 0), 24u);  // three pointer words
  EXPECT_EQ(ScanWorkFor(32, 8, 0), 16u);   // one pointer word: word 1 is never tested
  EXPECT_EQ(ScanWorkFor(16, 8, 0), 16u);
  EXPECT_EQ(ScanWorkFor(8, 8, 0), 8u);  // an 8-byte object ends the loop at n
  EXPECT_EQ(ScanWorkFor(2048, 2048, 0), 2048u);
  EXPECT_EQ(ScanWorkFor(64, 0, 0), 0u);  // word 0 has no scan bit
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

// A span of 512 16-byte objects at 0x1000 (16 is a power of two: the
// object index is the offset >> 4, as mheap's divmagic sets it).
MSpan SmallSpan(uint64_t base) {
  MSpan s;
  s.Init(base, 1);
  s.elemsize = 16;
  s.divShift = 4;
  s.baseMask = 0xfff0;
  s.InitSpanBits();
  return s;
}

TEST(ObjectGraph, AddRefFindFree) {
  const MSpan s = SmallSpan(0x2000);
  ObjectGraph g;
  g.Add(s, 0x2010, 16);
  g.Add(s, 0x2020, 0);
  g.Add(s, 0x2010, 99);  // a second tiny object in an existing block: no change
  g.AddRef(s, 0x2010, 0x2028);
  ASSERT_NE(g.Find(s, 0x2010), nullptr);
  EXPECT_EQ(g.Find(s, 0x2010)->scanSize, 16u);
  EXPECT_EQ(g.Find(s, 0x2010)->refs, std::vector<uint64_t>{0x2028});
  EXPECT_EQ(g.Find(s, 0x2000), nullptr);  // a slot never allocated
  EXPECT_EQ(g.size(), 2u);
  g.Free(s, 0x2010);
  EXPECT_EQ(g.Find(s, 0x2010), nullptr);
  EXPECT_EQ(g.size(), 1u);
  g.Free(s, 0x2010);  // again: nothing left to free
  EXPECT_EQ(g.size(), 1u);
  // A block allocated again in a freed slot starts with no pointers.
  g.Add(s, 0x2010, 16);
  EXPECT_TRUE(g.Find(s, 0x2010)->refs.empty());
}

TEST(ObjectGraph, SpansAreApartAndTheLastFreeDropsATable) {
  const MSpan a = SmallSpan(0x2000), b = SmallSpan(0x4000);
  ObjectGraph g;
  g.Add(a, 0x2000, 16);
  g.Add(b, 0x4000, 0);
  EXPECT_EQ(g.Find(a, 0x2000)->scanSize, 16u);
  EXPECT_EQ(g.Find(b, 0x4000)->scanSize, 0u);
  g.Free(a, 0x2000);
  EXPECT_EQ(g.Find(a, 0x2000), nullptr);
  EXPECT_NE(g.Find(b, 0x4000), nullptr);
  g.Free(b, 0x4000);
  EXPECT_EQ(g.size(), 0u);
  g.Free(b, 0x4000);  // a span the graph holds nothing of
}

TEST(ObjectGraph, ASpanStructReusedForAnotherSizeStartsEmpty) {
  MSpan a = SmallSpan(0x2000);
  ObjectGraph g;
  g.Add(a, 0x2000, 16);
  g.AddRef(a, 0x2000, 0x9000);
  g.Add(a, 0x2ff0, 0);
  g.Free(a, 0x2000);
  g.Free(a, 0x2ff0);  // the last: a's table is dropped
  // The same span struct, reused for 32-byte objects (256 of them).
  a.Init(0x6000, 1);
  a.elemsize = 32;
  a.divShift = 5;
  a.baseMask = 0xffe0;
  a.InitSpanBits();
  g.Add(a, 0x6020, 32);
  EXPECT_EQ(g.Find(a, 0x6000), nullptr);
  ASSERT_NE(g.Find(a, 0x6020), nullptr);
  EXPECT_TRUE(g.Find(a, 0x6020)->refs.empty());
  EXPECT_EQ(g.Find(a, 0x6fe0), nullptr);  // the last of 256 slots
  EXPECT_EQ(g.size(), 1u);
}

}  // namespace
}  // namespace gogcsim::model
