#include "model/mheap.h"

#include <map>
#include <span>
#include <vector>

#include "gtest/gtest.h"
#include "sim/event_queue.h"
#include "sim/rng.h"

namespace gogcsim::model {
namespace {

constexpr uint64_t kArena = 0xc420000000ULL;  // Go 1.10 linux/amd64 arena_start

class MHeapTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(heap_.Init().ok()); }
  MSpan* AllocSmall(uint64_t npages) {
    MSpan* s = heap_.Alloc(npages, MakeSpanClass(1, true), false, true, &cstats_);
    s->limit = s->base() + (s->npages << kPageShift);
    s->InitSpanBits();
    heap_.CheckInvariants();
    return s;
  }
  void Free(MSpan* s) {
    s->allocCount = 0;
    heap_.FreeSpan(s, 0, &cstats_);
    heap_.CheckInvariants();
  }
  sim::AddressSpace os_;
  sim::EventQueue q_;
  MemStats stats_;
  MCacheStats cstats_;
  MHeap heap_{&os_, &q_.clock(), &stats_, 1};
};

TEST_F(MHeapTest, InitReservesLikeMallocinit) {
  EXPECT_EQ(heap_.arena_start(), kArena);
  EXPECT_EQ(heap_.arena_used(), kArena);
  EXPECT_EQ(stats_.heap_sys, 0u);
  // 512 GiB arena + 16 GiB bitmap + 512 MiB spans + one page.
  EXPECT_EQ(os_.reserved_bytes(), (512ULL << 30) + (16ULL << 30) + (512ULL << 20) + 8192);
}

TEST_F(MHeapTest, FirstAllocationGrowsByOneMiBAndSplits) {
  MSpan* s = AllocSmall(1);
  // mheap.grow asks for at least _HeapAllocChunk = 1 MiB from arena_start.
  EXPECT_EQ(s->base(), kArena);
  EXPECT_EQ(heap_.arena_used(), kArena + (1 << 20));
  EXPECT_EQ(stats_.heap_sys, 1u << 20);
  EXPECT_EQ(stats_.heap_inuse, 8192u);
  EXPECT_EQ(stats_.heap_idle, (1u << 20) - 8192);
  EXPECT_EQ(heap_.pagesInUse, 1u);
  // The 127-page remainder is on free[127], not in the treap (>= 128 pages).
  ASSERT_NE(heap_.free(127).first, nullptr);
  EXPECT_EQ(heap_.free(127).first->base(), kArena + 8192);
  EXPECT_TRUE(heap_.freelarge().empty());
  // Next allocations are carved from the front of the remainder.
  EXPECT_EQ(AllocSmall(4)->base(), kArena + 8192);
  EXPECT_EQ(AllocSmall(1)->base(), kArena + 5 * 8192);
}

TEST_F(MHeapTest, FreeCoalescesWithNeighbours) {
  MSpan* a = AllocSmall(1);
  MSpan* b = AllocSmall(1);
  MSpan* c = AllocSmall(1);
  const uint64_t abase = a->base();
  Free(b);
  EXPECT_EQ(heap_.free(1).first, b);
  Free(a);  // merges with b
  ASSERT_NE(heap_.free(2).first, nullptr);
  EXPECT_EQ(heap_.free(2).first->base(), abase);
  EXPECT_TRUE(heap_.free(1).IsEmpty());
  Free(c);  // merges a+b, c and the 125-page tail into the whole MiB
  EXPECT_TRUE(heap_.free(2).IsEmpty());
  EXPECT_EQ(heap_.freelarge().size(), 1u);
  EXPECT_EQ(heap_.freelarge().root()->npagesKey, 128u);
  EXPECT_EQ(stats_.heap_idle, 1u << 20);
  EXPECT_EQ(heap_.pagesInUse, 0u);
}

TEST_F(MHeapTest, LargeRequestGrowsByItsOwnRoundedSize) {
  AllocSmall(1);
  // 200 pages (1.56 MiB) > the 127 free pages: grow(200) maps exactly 200
  // pages (a multiple of 8 pages = 64 KiB) right after the first MiB, which
  // coalesces with the free 127-page tail; the best fit is taken from its start.
  MSpan* big = heap_.Alloc(200, MakeSpanClass(0, false), true, true, &cstats_);
  big->limit = big->base() + 200 * 8192;
  big->InitSpanBits();
  heap_.CheckInvariants();
  EXPECT_EQ(big->base(), kArena + 8192);
  EXPECT_EQ(heap_.arena_used(), kArena + (1 << 20) + 200 * 8192);
  EXPECT_EQ(stats_.heap_live, 200u * 8192);  // large spans count as live at once
  EXPECT_EQ(heap_.busy(200).first, big);
  // What is left: 127 + 200 - 200 = 127 pages at the end.
  ASSERT_NE(heap_.free(127).first, nullptr);
  EXPECT_EQ(heap_.free(127).first->base(), kArena + 201 * 8192);
}

TEST_F(MHeapTest, ManualSpansComeOutOfHeapSys) {
  AllocSmall(1);
  MSpan* m = heap_.AllocManual(4, &stats_.stacks_inuse);
  heap_.CheckInvariants();
  EXPECT_EQ(m->base(), kArena + 8192);
  EXPECT_EQ(m->state, SpanState::kManual);
  EXPECT_EQ(stats_.stacks_inuse, 4u * 8192);
  EXPECT_EQ(stats_.heap_sys, (1u << 20) - 4 * 8192);
  heap_.FreeManual(m, &stats_.stacks_inuse);
  heap_.CheckInvariants();
  EXPECT_EQ(stats_.stacks_inuse, 0u);
  EXPECT_EQ(stats_.heap_sys, 1u << 20);
}

TEST_F(MHeapTest, ScavengeReleasesLongIdleSpansOnly) {
  MSpan* a = AllocSmall(2);
  AllocSmall(1);  // keeps a's pages from merging with the tail
  q_.RunUntil(1000);
  Free(a);  // unusedsince = 1000 ns; the 125-page tail has unusedsince 0
  const uint64_t rss = os_.resident_bytes();
  // At t=1000+limit only the tail (idle since 0) is older than limit.
  const uint64_t limit = 5000;
  EXPECT_EQ(heap_.Scavenge(1000 + limit, limit), 125u * 8192);
  EXPECT_EQ(stats_.heap_released, 125u * 8192);
  EXPECT_EQ(a->npreleased, 0u);
  EXPECT_EQ(heap_.Scavenge(1001 + limit, limit), 2u * 8192);
  EXPECT_EQ(a->npreleased, 2u);
  EXPECT_EQ(os_.resident_bytes(), rss - 2 * 8192);  // the tail was never touched
  // Reusing released pages takes them back from heap_released.
  MSpan* b = AllocSmall(2);
  EXPECT_EQ(b->base(), a->base());
  EXPECT_EQ(stats_.heap_released, 125u * 8192);
}

// The treap orders free spans of equal size by their mspan's address
// (mgclarge.go's insert), and an allocation smaller than every node takes
// the least. A replay gives that address as an input, since Go's
// spanalloc takes it from per-P persistentalloc chunks; simulation uses
// the order the structures were made in.
class SpanAddressInputs : public SyncHooks {
 public:
  std::map<uint64_t, int64_t> addr;  // span base -> mspan address
  void Input(const SyncPoint& sp, std::span<int64_t> values) override {
    ASSERT_EQ(sp.kind, SyncKind::kTreapPriority);
    ASSERT_EQ(values.size(), 2u);  // fastrand(), the address
    if (auto it = addr.find(static_cast<uint64_t>(sp.v[0])); it != addr.end()) values[1] = it->second;
  }
};

// Two free 128-page spans in the treap, kept apart by in-use pages; returns
// the base of the one a 128-page allocation takes.
uint64_t TakenOfTwoEqualSpans(SyncHooks* hooks, bool second_first) {
  sim::AddressSpace os;
  sim::EventQueue q;
  MemStats stats;
  MCacheStats cstats;
  MHeap heap(&os, &q.clock(), &stats, 1);
  EXPECT_TRUE(heap.Init().ok());
  auto alloc = [&](uint64_t npages) { return heap.Alloc(npages, MakeSpanClass(0, false), true, true, &cstats); };
  MSpan* a = alloc(128);  // the first MiB
  alloc(1);
  MSpan* b = alloc(128);  // from a second grow, coalesced with the 127-page tail
  alloc(1);
  const uint64_t abase = a->base(), bbase = b->base();
  if (auto* in = dynamic_cast<SpanAddressInputs*>(hooks); in != nullptr) {
    in->addr[abase] = second_first ? 0x7f0000002000 : 0x7f0000001000;
    in->addr[bbase] = second_first ? 0x7f0000001000 : 0x7f0000002000;
  }
  if (hooks != nullptr) heap.set_sync(hooks);
  for (MSpan* s : {a, b}) {
    s->allocCount = 0;
    heap.FreeSpan(s, 0, &cstats);
  }
  heap.CheckInvariants();
  EXPECT_EQ(heap.freelarge().size(), 2u);
  MSpan* got = alloc(128);
  return got->base() == abase ? 0 : got->base() == bbase ? 1 : 2;
}

TEST(MTreapOrderTest, EqualSpansGoByTheirMSpanAddress) {
  // Simulation: a's structure was made first, so it orders first.
  EXPECT_EQ(TakenOfTwoEqualSpans(nullptr, false), 0u);
  SpanAddressInputs in;
  EXPECT_EQ(TakenOfTwoEqualSpans(&in, false), 0u);
  SpanAddressInputs in2;
  EXPECT_EQ(TakenOfTwoEqualSpans(&in2, true), 1u);  // b's mspan lies lower
}

// PeekNextFreeIndex answers what NextFreeIndex returns next, without moving
// freeindex or allocCache; NextFreeIndex walks the clear alloc bits in order.
TEST(MSpanTest, PeekNextFreeIndexAgreesWithNextFreeIndex) {
  sim::Rng rng = sim::Rng::Stream(1, "mspan-peek");
  for (const uint64_t nelems : {1, 63, 64, 65, 128, 170, 1024}) {
    for (const uint64_t allocated_per_8 : {0, 4, 7, 8}) {
      MSpan s;
      s.nelems = nelems;
      s.allocBits.assign((nelems + 63) / 64, 0);
      std::vector<uint64_t> free_slots;  // the expected answers, in order
      for (uint64_t i = 0; i < nelems; i++) {
        if (rng.UniformInt(8) < allocated_per_8) {
          s.allocBits[i / 64] |= uint64_t{1} << (i % 64);
        } else {
          free_slots.push_back(i);
        }
      }
      free_slots.push_back(nelems);  // then the span is full
      // As after a sweep: freeindex 0, allocCache from the first word.
      s.freeindex = 0;
      s.RefillAllocCache(0);
      for (const uint64_t want : free_slots) {
        const uint64_t freeindex = s.freeindex, cache = s.allocCache;
        const uint64_t peek = s.PeekNextFreeIndex();
        EXPECT_EQ(s.freeindex, freeindex);
        EXPECT_EQ(s.allocCache, cache);
        EXPECT_EQ(peek, want) << "nelems " << nelems << ", " << allocated_per_8 << "/8 allocated";
        EXPECT_EQ(s.NextFreeIndex(), want);
      }
      EXPECT_EQ(s.PeekNextFreeIndex(), nelems);
    }
  }
}

}  // namespace
}  // namespace gogcsim::model
