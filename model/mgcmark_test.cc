// Marking and mutator assists (model/mgcmark.cc), against Go 1.10.2's
// src/runtime/mgcmark.go. Each expected value is worked out by hand from
// the Go lines cited beside it ("go:NNN" is mgcmark.go's line NNN; other
// files are named). Objects come from the real allocator (Malloc on P 0's
// mcache) and are entered in the object graph as mgc.cc's Allocate does;
// the scheduler is never run, so no P is current: Sched::Ready puts a G on
// the global run queue and Now() stays 0.
#include "model/mgcmark.h"

#include <memory>

#include "gtest/gtest.h"
#include "model/malloc.h"
#include "model/mbitmap.h"
#include "model/mgcpacer.h"
#include "model/mgcwork.h"
#include "model/proc.h"
#include "sim/address_space.h"
#include "sim/event_queue.h"

namespace gogcsim::model {
namespace {

class MarkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(m_.Init().ok());
    sched_ = std::make_unique<Sched>(&q_, 2, CostModel(), 1, &m_, &wbufs_);
    marker_ = std::make_unique<Marker>(&m_, &graph_, sched_.get(), &ctl_, 1);
    p0_ = sched_->p(0);
    // revise()'s outputs for a cycle whose assists pay 2 bytes of
    // allocation per unit of scan work.
    ctl_.assistWorkPerByte = 0.5;
    ctl_.assistBytesPerWork = 2.0;
  }

  // mallocgc on P 0: `size` bytes of a type `typsize` long whose first
  // `ptrdata` bytes hold pointers (ptrdata 0: noscan).
  AllocResult Alloc(uint64_t size, uint64_t typsize, uint64_t ptrdata) {
    AllocRequest r;
    r.size = size;
    r.typsize = typsize;
    r.ptrdata = ptrdata;
    r.noscan = ptrdata == 0;
    AllocResult res = m_.Mallocgc(p0_->mcache.get(), r);
    graph_.Add(*res.span, res.span->base() + res.span->ObjIndex(res.addr) * res.span->elemsize, res.scanSize);
    return res;
  }
  // A pointerful object whose every word may hold a pointer.
  uint64_t Pointers(uint64_t size) { return Alloc(size, size, size).addr; }
  // Object `from` (a block base) now points to `to`.
  void Ref(uint64_t from, uint64_t to) { graph_.AddRef(*m_.heap().SpanOf(from), from, to); }

  bool Marked(uint64_t addr) const {
    const MSpan* s = m_.heap().SpanOf(addr);
    return s->MarkBit(s->ObjIndex(addr));
  }

  // A goroutine that never runs.
  G* NewG() { return sched_->NewG("g", nullptr, nullptr); }

  sim::AddressSpace os_;
  sim::EventQueue q_;
  Malloc m_{&os_, &q_.clock(), 1};
  WorkbufPool wbufs_{&m_.heap(), &m_.memstats().gc_sys};
  ObjectGraph graph_;
  GcController ctl_{&m_.memstats(), &m_.heap()};
  std::unique_ptr<Sched> sched_;
  std::unique_ptr<Marker> marker_;
  P* p0_ = nullptr;
};

// --- gcAssistAlloc (go:408-516) and gcAssistAlloc1 (go:523-601) ---

// A small debt is rounded up to gcOverAssistWork and paid from background
// credit alone: no scan work, nwait untouched.
TEST_F(MarkerTest, AssistOverAssistsAndStealsAllItNeeds) {
  G* g = NewG();
  g->gcAssistBytes = -1000;
  ctl_.bgScanCredit = 100000;
  marker_->blackenEnabled = true;
  marker_->nproc = marker_->nwait = 4;
  const uint64_t grey = Pointers(64);
  marker_->GreyObject(grey, &p0_->gcw);
  EXPECT_EQ(marker_->AssistAlloc(p0_, g), Marker::Assist::kDone);
  // go:424-429: scanWork = int64(0.5 * 1000) = 500 < gcOverAssistWork
  // (mgc.go:930, 64<<10 = 65536), so scanWork = 65536 and debtBytes =
  // int64(2.0 * 65536) = 131072.
  // go:443-447: credit 100000 >= 65536: stolen = 65536, gcAssistBytes +=
  // debtBytes, bgScanCredit -= stolen.
  EXPECT_EQ(g->gcAssistBytes, -1000 + 131072);
  EXPECT_EQ(ctl_.bgScanCredit, 100000 - 65536);
  // go:449-458: scanWork - stolen == 0 returns before gcAssistAlloc1.
  EXPECT_EQ(marker_->nwait, 4u);
  EXPECT_FALSE(p0_->gcw.Empty());  // the grey object was not scanned
  EXPECT_EQ(ctl_.scanWork, 0);
}

// Not enough credit: what there is is stolen, the assist finds no work, and
// the goroutine queues for background credit; a later flush pays it.
TEST_F(MarkerTest, AssistStealsWhatThereIsThenParksUntilAFlushPays) {
  G* g = NewG();
  g->gcAssistBytes = -1000000;
  ctl_.bgScanCredit = 1000;
  marker_->blackenEnabled = true;
  marker_->nproc = 4;
  marker_->nwait = 3;  // a background worker is still marking
  EXPECT_EQ(marker_->AssistAlloc(p0_, g), Marker::Assist::kPark);
  // go:424-425: scanWork = int64(0.5 * 1000000) = 500000, no rounding up.
  // go:440-442: 1000 < 500000: stolen = 1000, gcAssistBytes += 1 +
  // int64(2.0 * 1000) = 2001. go:447: bgScanCredit = 0.
  // go:572: gcDrainN did 0 units: gcAssistBytes += 1 + 0.
  EXPECT_EQ(g->gcAssistBytes, -1000000 + 2001 + 1);
  EXPECT_EQ(ctl_.bgScanCredit, 0);
  // go:576-590: nwait back to 3 != nproc 4: not a completion point.
  EXPECT_EQ(marker_->nwait, 3u);
  // go:479-505 and gcParkAssist go:617-653: still in debt, not preempted,
  // no credit: queued.
  ASSERT_EQ(marker_->assistQueue.size(), 1u);
  EXPECT_EQ(marker_->assistQueue.front(), g);
  EXPECT_TRUE(g->in_assist_queue);

  g->status = GStatus::kWaiting;  // what the scheduler does with kPark
  marker_->FlushBgCredit(1000000);
  // go:675: scanBytes = int64(1000000 * 2.0) = 2000000; go:682-694: it
  // covers the debt of 997998: gcAssistBytes = 0, ready(gp, 0, false).
  // go:721-724: the 1002002 bytes left are int64(1002002 * 0.5) = 501001
  // units of credit.
  EXPECT_EQ(g->gcAssistBytes, 0);
  EXPECT_TRUE(marker_->assistQueue.empty());
  EXPECT_FALSE(g->in_assist_queue);
  EXPECT_EQ(g->status, GStatus::kRunnable);
  EXPECT_EQ(ctl_.bgScanCredit, 501001);
}

// With no credit the assist scans grey objects itself and is credited for
// the work done.
TEST_F(MarkerTest, AssistDoesScanWorkAndIsCreditedForIt) {
  G* g = NewG();
  g->gcAssistBytes = -1000;
  marker_->blackenEnabled = true;
  marker_->nproc = 4;
  marker_->nwait = 3;
  for (int i = 0; i < 10; i++) marker_->GreyObject(Pointers(1024), &p0_->gcw);
  EXPECT_EQ(marker_->AssistAlloc(p0_, g), Marker::Assist::kDone);
  // scanWork 65536 (go:426-429) is more than there is: gcDrainN scans all
  // ten 1024-byte objects, 1024 units each (go:1190-1215: every word has
  // pointers), flushing to gcController.scanWork each time gcw.scanWork
  // reaches gcCreditSlack = 2000 (go:1060-1064): after objects 2, 4, ...,
  // 10. workDone = 10240 (go:1071).
  // go:572: gcAssistBytes += 1 + int64(2.0 * 10240).
  EXPECT_EQ(g->gcAssistBytes, -1000 + 1 + 20480);
  EXPECT_EQ(ctl_.scanWork, 10240);
  EXPECT_EQ(p0_->gcw.scanWork, 0);
  EXPECT_EQ(p0_->gcw.bytesMarked, 10240u);  // go:1214, not disposed (not blackenPromptly)
  EXPECT_EQ(marker_->bytesMarked, 0u);
  EXPECT_TRUE(p0_->gcw.Empty());
  EXPECT_EQ(marker_->nwait, 3u);
}

// The last worker out with nothing left to mark: a completion point.
TEST_F(MarkerTest, AssistThatRunsOutOfWorkLastSignalsMarkDone) {
  G* g = NewG();
  g->gcAssistBytes = -5000;
  marker_->blackenEnabled = true;
  marker_->nproc = marker_->nwait = 4;
  EXPECT_EQ(marker_->AssistAlloc(p0_, g), Marker::Assist::kDoneMarkDone);
  // go:572: no work done, gcAssistBytes += 1; go:584-590: incnwait == nproc
  // and !gcMarkWorkAvailable(nil): gp.param set, the caller runs gcMarkDone
  // (go:473-477). The debt is not forgiven.
  EXPECT_EQ(g->gcAssistBytes, -4999);
  EXPECT_EQ(marker_->nwait, 4u);
  EXPECT_TRUE(marker_->assistQueue.empty());
}

// gcMarkDone moved to mark 2 and found work (blackening stays on): the
// goroutine, still in debt, does not allocate. go:479-505: it parks for
// background credit ...
TEST_F(MarkerTest, AssistStillInDebtAfterMarkDoneParks) {
  G* g = NewG();
  g->gcAssistBytes = -5000;
  marker_->blackenEnabled = true;
  marker_->nproc = marker_->nwait = 4;
  ASSERT_EQ(marker_->AssistAlloc(p0_, g), Marker::Assist::kDoneMarkDone);
  EXPECT_EQ(marker_->AssistAfterMarkDone(p0_, g), Marker::Assist::kPark);
  EXPECT_EQ(g->gcAssistBytes, -4999);  // go:572's +1 only
  ASSERT_EQ(marker_->assistQueue.size(), 1u);
  EXPECT_EQ(marker_->assistQueue.front(), g);
  EXPECT_TRUE(g->in_assist_queue);
}

// ... yields if it was preempted meanwhile (go:487-490) ...
TEST_F(MarkerTest, AssistStillInDebtAfterMarkDoneYieldsIfPreempted) {
  G* g = NewG();
  g->gcAssistBytes = -5000;
  marker_->blackenEnabled = true;
  marker_->nproc = marker_->nwait = 4;
  ASSERT_EQ(marker_->AssistAlloc(p0_, g), Marker::Assist::kDoneMarkDone);
  g->preempt = true;
  EXPECT_EQ(marker_->AssistAfterMarkDone(p0_, g), Marker::Assist::kGosched);
  EXPECT_TRUE(marker_->assistQueue.empty());
}

// ... and retries when background credit appeared (gcParkAssist,
// go:631-641, then go:443-458: credit 100000 >= the rounded-up 65536 is
// stolen whole and pays 131072 bytes). A paid goroutine goes on (go:479).
TEST_F(MarkerTest, AssistAfterMarkDoneRetriesOnCreditOrGoesOnIfPaid) {
  G* g = NewG();
  g->gcAssistBytes = -5000;
  marker_->blackenEnabled = true;
  marker_->nproc = marker_->nwait = 4;
  ASSERT_EQ(marker_->AssistAlloc(p0_, g), Marker::Assist::kDoneMarkDone);
  ctl_.bgScanCredit = 100000;
  EXPECT_EQ(marker_->AssistAfterMarkDone(p0_, g), Marker::Assist::kDone);
  EXPECT_EQ(g->gcAssistBytes, -4999 + 131072);
  EXPECT_EQ(ctl_.bgScanCredit, 100000 - 65536);
  EXPECT_EQ(marker_->AssistAfterMarkDone(p0_, g), Marker::Assist::kDone);
  EXPECT_TRUE(marker_->assistQueue.empty());
}

TEST_F(MarkerTest, PreemptedAssistYieldsInsteadOfParking) {
  G* g = NewG();
  g->gcAssistBytes = -5000;
  g->preempt = true;
  marker_->blackenEnabled = true;
  marker_->nproc = 4;
  marker_->nwait = 3;
  marker_->GreyObject(Pointers(1024), &p0_->gcw);
  EXPECT_EQ(marker_->AssistAlloc(p0_, g), Marker::Assist::kGosched);
  // go:1026: gcDrainN's loop does not start while gp.preempt; go:572 adds
  // 1; go:487-490: still in debt and preempted: Gosched, then retry.
  EXPECT_EQ(g->gcAssistBytes, -4999);
  EXPECT_FALSE(p0_->gcw.Empty());
  EXPECT_TRUE(marker_->assistQueue.empty());
}

TEST_F(MarkerTest, AssistAfterTheCycleEndedForgetsTheDebt) {
  G* g = NewG();
  g->gcAssistBytes = -5000;
  marker_->blackenEnabled = false;
  marker_->nproc = marker_->nwait = 4;
  EXPECT_EQ(marker_->AssistAlloc(p0_, g), Marker::Assist::kDone);
  // go:528-537: gcBlackenEnabled == 0: gcAssistBytes = 0, no marking.
  EXPECT_EQ(g->gcAssistBytes, 0);
  EXPECT_EQ(marker_->nwait, 4u);
}

// --- gcFlushBgCredit (go:665-727) ---

TEST_F(MarkerTest, FlushWithNoQueuedAssistIsAllCredit) {
  ctl_.bgScanCredit = 7;
  marker_->FlushBgCredit(1234);
  // go:666-673: the fast path adds scanWork as is (no byte conversion).
  EXPECT_EQ(ctl_.bgScanCredit, 7 + 1234);
}

TEST_F(MarkerTest, FlushPaysTheQueueInOrderAndPartlyPaysTheLastOne) {
  G* a = NewG();
  G* b = NewG();
  a->gcAssistBytes = -1000;
  b->gcAssistBytes = -5000;
  for (G* g : {a, b}) {
    g->status = GStatus::kWaiting;
    g->in_assist_queue = true;
    marker_->assistQueue.push_back(g);
  }
  marker_->FlushBgCredit(1500);
  // go:675: scanBytes = int64(1500 * 2.0) = 3000.
  // go:682-694: 3000 - 1000 >= 0: a is paid, scanBytes = 2000, a readied.
  EXPECT_EQ(a->gcAssistBytes, 0);
  EXPECT_EQ(a->status, GStatus::kRunnable);
  EXPECT_FALSE(a->in_assist_queue);
  // go:695-715: 2000 - 5000 < 0: b gets the 2000, scanBytes = 0; b is the
  // only one left, so it stays at the head.
  EXPECT_EQ(b->gcAssistBytes, -3000);
  EXPECT_EQ(b->status, GStatus::kWaiting);
  ASSERT_EQ(marker_->assistQueue.size(), 1u);
  EXPECT_EQ(marker_->assistQueue.front(), b);
  // go:721: nothing left over for bgScanCredit.
  EXPECT_EQ(ctl_.bgScanCredit, 0);
}

TEST_F(MarkerTest, FlushThatExactlyPaysADebtReadiesTheAssist) {
  G* g = NewG();
  g->gcAssistBytes = -2000;
  g->status = GStatus::kWaiting;
  marker_->assistQueue.push_back(g);
  marker_->FlushBgCredit(1000);
  // go:682: 2000 bytes + (-2000) >= 0: paid in full and readied.
  EXPECT_EQ(g->gcAssistBytes, 0);
  EXPECT_EQ(g->status, GStatus::kRunnable);
  EXPECT_TRUE(marker_->assistQueue.empty());
  EXPECT_EQ(ctl_.bgScanCredit, 0);
}

TEST_F(MarkerTest, FlushMovesAPartlyPaidAssistToTheBack) {
  G* big = NewG();
  G* small = NewG();
  big->gcAssistBytes = -5000;
  small->gcAssistBytes = -100;
  for (G* g : {big, small}) {
    g->status = GStatus::kWaiting;
    marker_->assistQueue.push_back(g);
  }
  marker_->FlushBgCredit(1000);
  // scanBytes 2000 < 5000: big is paid 2000 and, as another assist waits,
  // moved behind it (go:703-712); the loop stops (go:713), so small gets
  // nothing this time.
  EXPECT_EQ(big->gcAssistBytes, -3000);
  EXPECT_EQ(small->gcAssistBytes, -100);
  ASSERT_EQ(marker_->assistQueue.size(), 2u);
  EXPECT_EQ(marker_->assistQueue.front(), small);
  EXPECT_EQ(marker_->assistQueue.back(), big);
  EXPECT_EQ(ctl_.bgScanCredit, 0);
}

// --- greyobject (go:1241-1304), heapBitsForObject (mbitmap.go:383-446) ---

TEST_F(MarkerTest, GreyObjectMarksOnceAndBlackensNoscanObjectsAtOnce) {
  const uint64_t noscan = Alloc(48, 48, 0).addr;
  marker_->GreyObject(noscan, &p0_->gcw);
  marker_->GreyObject(noscan, &p0_->gcw);
  EXPECT_TRUE(Marked(noscan));
  // go:1287-1290: a noscan object goes black with its elemsize, unqueued;
  // go:1280-1282: the second time it is already marked.
  EXPECT_EQ(p0_->gcw.bytesMarked, 48u);
  EXPECT_TRUE(p0_->gcw.Empty());
}

TEST_F(MarkerTest, GreyObjectQueuesTheObjectAnInteriorPointerIsIn) {
  const uint64_t obj = Pointers(64);
  marker_->GreyObject(obj + 40, &p0_->gcw);
  EXPECT_TRUE(Marked(obj));
  // heapBitsForObject (mbitmap.go:431-446) rounds p down to the object's
  // base; greyobject queues that (go:1298-1300), no bytes yet.
  EXPECT_EQ(p0_->gcw.bytesMarked, 0u);
  EXPECT_EQ(p0_->gcw.TryGet(), obj);
  EXPECT_EQ(p0_->gcw.TryGet(), 0u);
}

TEST_F(MarkerTest, GreyObjectIgnoresPointersOutsideTheHeap) {
  Pointers(64);
  // mbitmap.go:385-387: outside [arena_start, arena_used): not an object.
  marker_->GreyObject(m_.zerobase(), &p0_->gcw);
  marker_->GreyObject(m_.heap().arena_start() - 8, &p0_->gcw);
  EXPECT_TRUE(p0_->gcw.Empty());
  EXPECT_EQ(p0_->gcw.bytesMarked, 0u);
}

// --- scanobject (go:1120-1216) through gcDrain's mark-termination form ---

TEST_F(MarkerTest, DrainMarksWhatIsReachableAndNothingElse) {
  // root -> mid -> leaf -> bytes; garbage -> garbage_child, and -> root.
  const uint64_t root = Pointers(64);
  const uint64_t mid = Alloc(64, 64, 8).addr;  // one pointer, then scalars
  const uint64_t leaf = Pointers(64);
  const uint64_t bytes = Alloc(48, 48, 0).addr;
  const uint64_t garbage = Pointers(64);
  const uint64_t garbage_child = Pointers(64);
  Ref(root, mid);
  Ref(mid, leaf);
  Ref(leaf, bytes);
  Ref(garbage, garbage_child);
  Ref(garbage, root);
  marker_->GreyObject(root, &p0_->gcw);
  marker_->DrainAll(p0_);
  marker_->Dispose(p0_);
  EXPECT_TRUE(Marked(root));
  EXPECT_TRUE(Marked(mid));
  EXPECT_TRUE(Marked(leaf));
  EXPECT_TRUE(Marked(bytes));
  EXPECT_FALSE(Marked(garbage));
  EXPECT_FALSE(Marked(garbage_child));
  // go:1214: each scanned object adds its size, 3 * 64; go:1288: the
  // noscan one its elemsize, 48.
  EXPECT_EQ(marker_->bytesMarked, 3u * 64 + 48);
  // go:1215: scan work is the bytes up to the first word with no scan bit
  // (go:1194), word 1 excepted: root and leaf 64 each; mid, whose pointers
  // end after word 0, stops at word 2: 16.
  EXPECT_EQ(ctl_.scanWork, 64 + 16 + 64);
  EXPECT_TRUE(p0_->gcw.Empty());
}

// A large object is scanned 128 KiB at a time: the first piece queues the
// others (oblets).
TEST_F(MarkerTest, ScanobjectSplitsALargeObjectIntoOblets) {
  // 300 KiB of pointers: 38 pages (largeAlloc, malloc.go:816), elemsize
  // 311296 (mheap.go:696); scanSize = 307200 - 8 + 8 (malloc.go:746).
  const AllocResult big = Alloc(300 << 10, 8, 8);
  ASSERT_EQ(big.span->elemsize, 311296u);
  ASSERT_EQ(big.scanSize, 307200u);
  G* g = NewG();
  marker_->GreyObject(big.addr, &p0_->gcw);
  // A goal of one unit stops gcDrainN after each scanobject (go:1026).
  EXPECT_EQ(marker_->DrainN(p0_, g, 1), 131072);
  // go:1148-1171: at the base, the oblets at +128 KiB and +256 KiB (below
  // base + elemsize) are queued; go:1175-1178: this piece is maxObletBytes
  // (128 KiB), all of it pointers.
  EXPECT_EQ(ctl_.scanWork, 131072);  // flushed: >= gcCreditSlack (go:1060)
  EXPECT_EQ(p0_->gcw.bytesMarked, 131072u);
  // The gcWork is a stack: +256 KiB first. go:1175: 311296 - 262144 =
  // 49152 bytes, scanned to the end of the pointers (go:1194):
  // 307200 - 262144 = 45056 units.
  EXPECT_EQ(marker_->DrainN(p0_, g, 1), 45056);
  EXPECT_EQ(marker_->DrainN(p0_, g, 1), 131072);  // +128 KiB, a whole oblet
  EXPECT_EQ(marker_->DrainN(p0_, g, 1 << 30), 0);  // nothing left
  EXPECT_EQ(ctl_.scanWork, 307200);  // = scanSize
  EXPECT_EQ(p0_->gcw.bytesMarked, 311296u);  // = elemsize (go:1214)
}

TEST_F(MarkerTest, ALargeNoscanObjectIsBlackenedWhole) {
  const AllocResult big = Alloc(300 << 10, 300 << 10, 0);
  marker_->GreyObject(big.addr, &p0_->gcw);
  // go:1287-1290: elemsize, never queued, so never split.
  EXPECT_EQ(p0_->gcw.bytesMarked, 311296u);
  EXPECT_TRUE(p0_->gcw.Empty());
}

// --- gcDrain (go:901-1005) and gcDrainN (go:1016-1072) ---

// Background credit counts only the work this drain did: what the P's
// gcWork held before (allocate-black's scan size) goes to scanWork only.
TEST_F(MarkerTest, DrainFlushesOnlyItsOwnWorkAsBackgroundCredit) {
  G* g = NewG();
  for (int i = 0; i < 3; i++) marker_->GreyObject(Pointers(1024), &p0_->gcw);
  p0_->gcw.scanWork = 500;
  DrainState st;
  marker_->DrainStart(p0_, kDrainUntilPreempt | kDrainFlushBgCredit, &st);
  while (!marker_->DrainStep(p0_, g, &st)) {
  }
  // go:912: initScanWork = 500. Object 1: 1524; object 2: 2548 >=
  // gcCreditSlack (go:970-977): scanWork += 2548, credit 2548 - 500 = 2048,
  // initScanWork = 0. Object 3: 1024, flushed at the end (go:994-1000):
  // scanWork += 1024, credit 1024.
  EXPECT_EQ(ctl_.scanWork, 2548 + 1024);
  EXPECT_EQ(ctl_.bgScanCredit, 2048 + 1024);
  EXPECT_EQ(p0_->gcw.scanWork, 0);

  // A drain that never reaches gcCreditSlack: only the final flush
  // (go:994-1000), still less what the gcWork held: 500 + 1024 to
  // scanWork, 1024 to credit.
  marker_->GreyObject(Pointers(1024), &p0_->gcw);
  p0_->gcw.scanWork = 500;
  marker_->DrainStart(p0_, kDrainUntilPreempt | kDrainFlushBgCredit, &st);
  while (!marker_->DrainStep(p0_, g, &st)) {
  }
  EXPECT_EQ(ctl_.scanWork, 3572 + 1524);
  EXPECT_EQ(ctl_.bgScanCredit, 3072 + 1024);
}

// With no grey objects gcDrainN does root jobs (go:1043-1055), and its
// result leaves out the work the gcWork held before (go:1021-1023) but
// counts what it did and has not flushed (go:1071).
TEST_F(MarkerTest, DrainNDoesRootJobsAndReturnsOnlyItsOwnWork) {
  const uint64_t obj = Pointers(1024);
  G* g = NewG();
  g->roots = {obj};
  marker_->MarkRootPrepare();
  p0_->gcw.scanWork = 300;
  EXPECT_EQ(marker_->DrainN(p0_, g, 65536), 1024);
  EXPECT_TRUE(Marked(obj));
  EXPECT_TRUE(g->gcscandone);
  EXPECT_EQ(marker_->markrootNext, marker_->markrootJobs);
  // 300 + 1024 < gcCreditSlack: nothing flushed.
  EXPECT_EQ(p0_->gcw.scanWork, 300 + 1024);
  EXPECT_EQ(ctl_.scanWork, 0);
}

// --- gcMarkRootPrepare (go:54-128) and markroot (go:178-271) ---

TEST_F(MarkerTest, RootJobsAreFixedDataSpanAndStackRoots) {
  NewG();
  NewG();
  marker_->globals_bytes = 600 << 10;
  marker_->MarkRootPrepare();
  // go:62-74: ceil(600 KiB / rootBlockBytes (256 KiB)) = 3 data blocks;
  // go:99: no in-use spans yet; go:109: 2 Gs; go:127: + fixedRootCount 2.
  EXPECT_EQ(marker_->nDataRoots, 3u);
  EXPECT_EQ(marker_->nSpanRoots, 0u);
  EXPECT_EQ(marker_->nStackRoots, 2u);
  EXPECT_EQ(marker_->markrootJobs, 2u + 3 + 0 + 2);

  // One span in use (mheap.go:691 puts it on the swept list): one block of
  // gcSweepBlockEntries (512) span roots.
  Pointers(64);
  marker_->MarkRootPrepare();
  EXPECT_EQ(marker_->nSpanRoots, 1u);
  EXPECT_EQ(marker_->markrootJobs, 2u + 3 + 1 + 2);
  EXPECT_EQ(marker_->markrootNext, 0u);

  // The second markroot of a cycle (go:112-119): no globals, spans or
  // stacks again.
  marker_->markrootDone = true;
  marker_->MarkRootPrepare();
  EXPECT_EQ(marker_->nDataRoots, 0u);
  EXPECT_EQ(marker_->nSpanRoots, 0u);
  EXPECT_EQ(marker_->nStackRoots, 0u);
  EXPECT_EQ(marker_->markrootJobs, 2u);
}

TEST_F(MarkerTest, RootsGreyWhatGlobalsAndStacksPointTo) {
  const uint64_t global = Pointers(64);
  const uint64_t on_stack = Pointers(64);
  const uint64_t child = Pointers(64);
  const uint64_t unreachable = Pointers(64);
  Ref(on_stack, child);
  marker_->globals = {0, global};
  marker_->globals_bytes = 16;
  G* a = NewG();
  G* b = NewG();
  a->roots = {on_stack, 0};
  marker_->MarkRootPrepare();
  marker_->DrainAll(p0_);
  EXPECT_TRUE(Marked(global));
  EXPECT_TRUE(Marked(on_stack));
  EXPECT_TRUE(Marked(child));
  EXPECT_FALSE(Marked(unreachable));
  // go:227-270: every stack root job scans its G (scang, which sets
  // gcscandone); go:193-196: the data block greys the non-nil global.
  EXPECT_TRUE(a->gcscandone);
  EXPECT_TRUE(b->gcscandone);
  EXPECT_EQ(marker_->markrootNext, marker_->markrootJobs);
}

// --- gcmarknewobject (go:1365-1378) and gcMarkTinyAllocs (go:1383-1396) ---

TEST_F(MarkerTest, NewObjectsAreAllocatedBlack) {
  const AllocResult a = Alloc(64, 64, 8);
  marker_->MarkNewObject(p0_, a.span, a.addr, 64, a.scanSize);
  // go:1369-1372: marked, size and scanSize (8: ptrdata) on the P's gcWork.
  EXPECT_TRUE(Marked(a.addr));
  EXPECT_EQ(p0_->gcw.bytesMarked, 64u);
  EXPECT_EQ(p0_->gcw.scanWork, 8);

  // go:1373-1377: in mark 2 the gcWork is disposed at once.
  marker_->blackenPromptly = true;
  const AllocResult b = Alloc(64, 64, 8);
  marker_->MarkNewObject(p0_, b.span, b.addr, 64, b.scanSize);
  EXPECT_EQ(p0_->gcw.bytesMarked, 0u);
  EXPECT_EQ(p0_->gcw.scanWork, 0);
  EXPECT_EQ(marker_->bytesMarked, 128u);
  EXPECT_EQ(ctl_.scanWork, 16);
}

TEST_F(MarkerTest, TinyBlocksAreGreyedAtMarkStart) {
  const AllocResult t = Alloc(8, 8, 0);  // tiny: noscan and under 16 bytes
  ASSERT_TRUE(t.tiny);
  ASSERT_EQ(p0_->mcache->tiny, t.addr);
  marker_->MarkTinyAllocs();
  // go:1391: greyobject(c.tiny): the 16-byte noscan block goes black.
  EXPECT_TRUE(Marked(t.addr));
  EXPECT_EQ(p0_->gcw.bytesMarked, 16u);
  // go:1386-1388: P 1 has no tiny block.
  EXPECT_EQ(sched_->p(1)->gcw.bytesMarked, 0u);
}

// gcMarkWorkAvailable (mgc.go:1929-1940): the P's gcWork, work.full, or
// root jobs left.
TEST_F(MarkerTest, MarkWorkIsTheGcWorkTheFullListOrRootJobs) {
  EXPECT_FALSE(marker_->MarkWorkAvailable(p0_));
  marker_->GreyObject(Pointers(64), &p0_->gcw);
  EXPECT_TRUE(marker_->MarkWorkAvailable(p0_));
  EXPECT_FALSE(marker_->MarkWorkAvailable(nullptr));  // only p0's own
  marker_->Dispose(p0_);  // to work.full
  EXPECT_TRUE(marker_->MarkWorkAvailable(nullptr));
  marker_->DrainAll(sched_->p(1));
  EXPECT_FALSE(marker_->MarkWorkAvailable(nullptr));
  NewG();
  marker_->MarkRootPrepare();
  EXPECT_TRUE(marker_->MarkWorkAvailable(nullptr));
}

}  // namespace
}  // namespace gogcsim::model
