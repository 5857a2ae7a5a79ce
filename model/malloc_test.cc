#include "model/malloc.h"

#include <vector>

#include "gtest/gtest.h"
#include "sim/event_queue.h"

namespace gogcsim::model {
namespace {

constexpr uint64_t kArena = 0xc420000000ULL;

struct Recorder : AllocEvents {
  struct Ev { char kind; int spc; uint64_t base; uint64_t heap_live; };
  std::vector<Ev> evs;
  void OnCacheSpan(const MSpan& s, uint64_t hl) override { evs.push_back({'C', s.spanclass, s.base(), hl}); }
  void OnUncacheSpan(const MSpan& s, uint64_t hl) override { evs.push_back({'U', s.spanclass, s.base(), hl}); }
  void OnLargeAlloc(const MSpan& s, uint64_t hl) override { evs.push_back({'L', s.spanclass, s.base(), hl}); }
};

class MallocTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(m_.Init().ok());
    m_.heap().set_events(&rec_);
    c_ = m_.NewMCache();
  }
  AllocResult Alloc(uint64_t size, uint64_t typsize, uint64_t ptrdata, int flags) {
    AllocRequest r{size, typsize, ptrdata, (flags & 1) != 0, (flags & 4) != 0};
    AllocResult res = m_.Mallocgc(c_.get(), r);
    MCache* caches[] = {c_.get()};
    m_.CheckInvariants(caches);
    m_.CheckHeapLiveBeforeFirstGC();
    return res;
  }
  sim::AddressSpace os_;
  sim::EventQueue q_;
  Malloc m_{&os_, &q_.clock(), 1};
  Recorder rec_;
  std::unique_ptr<MCache> c_;
};

// The first requests of the churn-p1 reference recording (a real go1.10.2
// run, ../shared/reference/go1.10.2/churn-p1.rec.gz lines 1-57), with the
// addresses and span hand-outs the real runtime produced.
TEST_F(MallocTest, ReproducesTheStartOfARealRun) {
  struct Step { uint64_t size, typsize, ptrdata; int flags; uint64_t z; int cs_spc; uint64_t cs_base; uint64_t cs_live; };
  const Step steps[] = {
      {376, 376, 360, 4, 842350460928, 42, 842350460928, 8192},
      {0, 0, 0, -1, 0, 0, 0, 0},  // MA 842350469120 4
      {24, 24, 8, 4, 842350501888, 6, 842350501888, 16384},
      {8, 8, 8, 4, 842350510080, 2, 842350510080, 24576},
      {16, 16, 8, 4, 842350518272, 4, 842350518272, 32768},
      {704, 16, 8, 4, 842350526464, 56, 842350526464, 40960},
      {15, 0, 0, 3, 842350534656, 5, 842350534656, 49152},
      {14, 0, 0, 3, 842350534672, -1, 0, 0},
      {18, 0, 0, 3, 842350542848, 7, 842350542848, 57344},
      {37, 0, 0, 3, 842350551040, 9, 842350551040, 65536},
      {54, 0, 0, 3, 842350559232, 11, 842350559232, 73728},
      {20, 0, 0, 3, 842350542880, -1, 0, 0},
      {41, 0, 0, 3, 842350551088, -1, 0, 0},
      {11, 0, 0, 3, 842350534688, -1, 0, 0},
      {10, 0, 0, 3, 842350534704, -1, 0, 0},
      {49, 0, 0, 3, 842350559296, -1, 0, 0},
      {12, 0, 0, 3, 842350534720, -1, 0, 0},
      {69, 0, 0, 3, 842350567424, 13, 842350567424, 81920},
  };
  for (const Step& st : steps) {
    if (st.flags < 0) {
      MSpan* s = m_.heap().AllocManual(4, &m_.memstats().stacks_inuse);
      EXPECT_EQ(s->base(), 842350469120u);
      continue;
    }
    rec_.evs.clear();
    AllocResult r = Alloc(st.size, st.typsize, st.ptrdata, st.flags);
    EXPECT_EQ(r.addr, st.z) << "size " << st.size;
    if (st.cs_spc < 0) {
      EXPECT_TRUE(rec_.evs.empty()) << "size " << st.size;
    } else {
      ASSERT_EQ(rec_.evs.size(), 1u) << "size " << st.size;
      EXPECT_EQ(rec_.evs[0].kind, 'C');
      EXPECT_EQ(rec_.evs[0].spc, st.cs_spc);
      EXPECT_EQ(rec_.evs[0].base, st.cs_base);
      EXPECT_EQ(rec_.evs[0].heap_live, st.cs_live);
    }
  }
}

TEST_F(MallocTest, TinyAllocatorAlignsBySizeAndKeepsTheEmptierBlock) {
  AllocResult a = Alloc(5, 0, 0, 3);  // new block B1, offset 5
  const uint64_t b1 = a.addr;
  EXPECT_FALSE(a.addr == 0);
  EXPECT_EQ(Alloc(2, 0, 0, 3).addr, b1 + 6);   // even: offset rounded to 6
  EXPECT_EQ(Alloc(4, 0, 0, 3).addr, b1 + 8);   // multiple of 4: round(8,4)
  EXPECT_EQ(Alloc(1, 0, 0, 3).addr, b1 + 12);  // odd: no rounding
  // 8 needs offset round(13, 8) = 16: does not fit, new block B2. Since
  // 8 < 13 the new block (8 used) replaces B1 as the tiny block.
  const uint64_t b2 = Alloc(8, 0, 0, 3).addr;
  EXPECT_EQ(b2, b1 + 16);
  EXPECT_EQ(Alloc(8, 0, 0, 3).addr, b2 + 8);
  // 12 does not fit in B2 (16 used): new block B3, which replaces B2 as
  // the tiny block because 12 < 16 bytes used.
  const uint64_t b3 = Alloc(12, 0, 0, 3).addr;
  EXPECT_EQ(b3, b2 + 16);
  EXPECT_EQ(Alloc(4, 0, 0, 3).addr, b3 + 12);
  EXPECT_EQ(c_->stats.local_tinyallocs, 5u);  // the five that fit a block
  // Pointerful or 16-byte requests never use the tiny block.
  EXPECT_NE(Alloc(8, 8, 8, 4).addr, b3 + 16);
}

TEST_F(MallocTest, ScanSizeFollowsGoRulesForArrays) {
  // local_scan is flushed into heap_scan whenever the P allocates a span.
  auto scan = [&] { return c_->stats.local_scan + m_.memstats().heap_scan; };
  // One element: typ.ptrdata.
  EXPECT_EQ(Alloc(48, 48, 40, 4).scanSize, 40u);
  EXPECT_EQ(scan(), 40u);
  // An array of 44 16-byte elements with one pointer each: all but the
  // last element's pointer-free tail: 704 - 16 + 8.
  EXPECT_EQ(Alloc(704, 16, 8, 4).scanSize, 696u);
  EXPECT_EQ(m_.memstats().heap_scan, 40u);  // flushed by the new span's alloc_m
  EXPECT_EQ(scan(), 40u + 696u);
  // Noscan objects contribute nothing.
  EXPECT_EQ(Alloc(704, 16, 0, 5).scanSize, 0u);
  EXPECT_EQ(scan(), 736u);
}

TEST_F(MallocTest, LargeObjectsGetWholePagesAndCountAsLiveAtOnce) {
  AllocResult r = Alloc(40000, 40000, 0, 5);  // ceil(40000/8192) = 5 pages
  ASSERT_EQ(rec_.evs.size(), 1u);
  EXPECT_EQ(rec_.evs[0].kind, 'L');
  EXPECT_EQ(rec_.evs[0].spc, MakeSpanClass(0, true));
  EXPECT_EQ(r.size, 5u * 8192);
  EXPECT_EQ(r.span->npages, 5u);
  EXPECT_EQ(r.span->limit, r.addr + 40000);
  EXPECT_EQ(m_.memstats().heap_live, 5u * 8192);
  EXPECT_EQ(r.addr, kArena);  // first thing in the heap
}

TEST_F(MallocTest, NMallocCountsEveryNonEmptyRequest) {
  // updatememstats' nmalloc: one per mallocgc call with size > 0, whether
  // it got its own slot, shared a tiny block or a large span.
  uint64_t calls = 0;
  for (uint64_t i = 0; i < 3000; i++) {
    const uint64_t size = 1 + (i * 37) % 700;
    Alloc(size, size, (i % 3 == 0) ? 8 : 0, (i % 3 == 0) ? 4 : 5);
    calls++;
  }
  Alloc(100000, 100000, 0, 5);
  Alloc(0, 0, 0, 3);  // zero-size: not counted
  calls++;
  MCache* caches[] = {c_.get()};
  EXPECT_EQ(m_.NMalloc(caches), calls);
  c_->ReleaseAll();
  EXPECT_EQ(m_.NMalloc(caches), calls);
}

TEST_F(MallocTest, ZeroSizeReturnsZerobase) {
  EXPECT_EQ(Alloc(0, 0, 0, 3).addr, m_.zerobase());
  EXPECT_EQ(m_.memstats().heap_live, 0u);
}

TEST_F(MallocTest, ReleaseAllUncachesAndGivesBackFreeSlots) {
  Alloc(32, 32, 8, 4);  // class 3 (32 B), 256 slots per 8 KiB span
  EXPECT_EQ(m_.memstats().heap_live, 8192u);
  rec_.evs.clear();
  c_->ReleaseAll();
  ASSERT_EQ(rec_.evs.size(), 1u);
  EXPECT_EQ(rec_.evs[0].kind, 'U');
  EXPECT_EQ(rec_.evs[0].heap_live, 32u);  // 255 unused slots subtracted
  m_.CheckHeapLiveBeforeFirstGC();
  // The span is on the central nonempty list and comes back on the next refill.
  const uint64_t next = Alloc(32, 32, 8, 4).addr;
  EXPECT_EQ(next, kArena + 32);
}

TEST_F(MallocTest, FillingSpansCyclesThroughAllocCacheWords) {
  // Class 1 (8 B): 1024 objects per span, 16 allocCache refills.
  uint64_t first = Alloc(8, 8, 8, 4).addr;
  for (uint64_t i = 1; i < 1024; i++) {
    AllocRequest r{8, 8, 8, false, true};
    ASSERT_EQ(m_.Mallocgc(c_.get(), r).addr, first + 8 * i);
  }
  // The 1025th needs a new span.
  rec_.evs.clear();
  EXPECT_EQ(Alloc(8, 8, 8, 4).addr, first + 8192);
  ASSERT_EQ(rec_.evs.size(), 1u);
  EXPECT_EQ(rec_.evs[0].heap_live, 2u * 8192);
}

}  // namespace
}  // namespace gogcsim::model
