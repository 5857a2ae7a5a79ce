#include "scenarios/trace_source.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "traces/test_util.h"
#include "traces/trace_writer.h"

namespace gogcsim::scenarios {
namespace {

using traces::TmpPath;

traces::v1::Header OneType() {
  traces::v1::Header h;
  h.set_version(traces::kTraceVersion);
  h.set_source("test");
  h.set_clock_unit_ns(1);
  traces::v1::TypeInfo* t = h.add_types();
  t->set_size(64);
  t->set_ptrdata(64);
  return h;
}

// The source's events as "A<object>@t" and "D<object>".
std::vector<std::string> Events(const std::string& path) {
  auto src = OpenTraceEvents(path, nullptr);
  EXPECT_TRUE(src.ok()) << src.status();
  std::vector<std::string> out;
  if (!src.ok()) return out;
  uint64_t allocs = 0;
  TraceEvent e;
  for (;;) {
    absl::StatusOr<bool> more = (*src)->Next(&e);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    if (e.kind == TraceEvent::Kind::kAlloc) {
      EXPECT_EQ(e.req.size, 64u);
      EXPECT_EQ(e.req.ptrdata, 64u);
      out.push_back("A" + std::to_string(allocs++) + "@" + std::to_string(e.t_ns));
    } else if (e.kind == TraceEvent::Kind::kRun || e.kind == TraceEvent::Kind::kStop) {
      out.push_back((e.kind == TraceEvent::Kind::kRun ? "R" : "S" + std::to_string(e.reason) + ".") + "g" +
                    std::to_string(e.g) + "@" + std::to_string(e.t_ns));
    } else {
      out.push_back("D" + std::to_string(e.object));
    }
  }
  return out;
}

TEST(TraceSource, DeathsWithoutABoundStayWhereTheTraceHasThem) {
  const std::string path = TmpPath("exact.trace");
  auto w = traces::TraceWriter::Create(path, OneType());
  ASSERT_TRUE(w.ok()) << w.status();
  (*w)->Alloc(0, 1, 64, 0, 10);
  (*w)->Alloc(0, 1, 64, 0, 20);
  (*w)->Death(0);
  (*w)->Alloc(0, 1, 64, 0, 30);
  (*w)->Death(2);
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ(Events(path), (std::vector<std::string>{"A0@10", "A1@20", "D0", "A2@30", "D2"}));
}

// GO_RUN and GO_STOP come out for the goroutines that allocate; those
// that never do are the runtime's own (a mark worker's GB and GE here),
// which the simulation has itself.
TEST(TraceSource, WhenAllocatingGoroutinesRan) {
  const std::string path = TmpPath("schedule.trace");
  auto w = traces::TraceWriter::Create(path, OneType());
  ASSERT_TRUE(w.ok()) << w.status();
  (*w)->GoRun(0, 5, 10);
  (*w)->Alloc(0, 5, 64, 0, 20);
  (*w)->GoStop(0, 5, 30, traces::kStopBlocked);
  (*w)->GoRun(0, 10, 40);  // a mark worker
  (*w)->GoStop(0, 10, 50, traces::kStopBlocked);
  (*w)->GoRun(0, 5, 60);
  (*w)->GoStop(0, 5, 70, traces::kStopExit);
  ASSERT_TRUE((*w)->Finish().ok());
  TraceInfo info;
  auto src = OpenTraceEvents(path, &info);
  ASSERT_TRUE(src.ok()) << src.status();
  EXPECT_TRUE((*src)->has_schedule());
  EXPECT_EQ(info.schedule_events, 6u);
  EXPECT_EQ(Events(path), (std::vector<std::string>{"Rg5@10", "A0@20", "S1.g5@30", "Rg5@60", "S4.g5@70"}));

  // Without them, one goroutine runs the program (has_schedule false).
  const std::string plain = TmpPath("plain.trace");
  auto w2 = traces::TraceWriter::Create(plain, OneType());
  ASSERT_TRUE(w2.ok()) << w2.status();
  (*w2)->Alloc(0, 5, 64, 0, 20);
  ASSERT_TRUE((*w2)->Finish().ok());
  auto src2 = OpenTraceEvents(plain, nullptr);
  ASSERT_TRUE(src2.ok()) << src2.status();
  EXPECT_FALSE((*src2)->has_schedule());
}

TEST(TraceSource, BoundedDeathsSpreadOverTheirCycleOldestFirst) {
  // Eight allocations, then a cycle's run of deaths of objects 0..3 (found
  // dead by the cycle that starts after allocation 8; no earlier cycle, so
  // the interval is allocations [0, 8)): spread evenly, object k dies
  // before allocation floor(8 * (k + 0.5) / 4) = 1, 3, 5, 7, but never
  // before its own allocation + 1.
  const std::string path = TmpPath("bounded.trace");
  auto w = traces::TraceWriter::Create(path, OneType());
  ASSERT_TRUE(w.ok()) << w.status();
  for (int i = 0; i < 8; i++) (*w)->Alloc(0, 1, 64, 0, 100 * (i + 1));
  for (uint64_t obj : {3, 1, 0, 2}) (*w)->Death(obj, 0);
  (*w)->Alloc(0, 1, 64, 0, 900);
  ASSERT_TRUE((*w)->Finish().ok());
  TraceInfo info;
  ASSERT_TRUE(OpenTraceEvents(path, &info).ok());
  EXPECT_EQ(info.allocations, 9u);
  EXPECT_EQ(info.deaths, 4u);
  EXPECT_EQ(info.estimated_deaths, 4u);
  EXPECT_EQ(Events(path), (std::vector<std::string>{"A0@100", "D0", "A1@200", "A2@300", "D1", "A3@400", "A4@500",
                                                    "D2", "A5@600", "A6@700", "D3", "A7@800", "A8@900"}));
}

TEST(TraceSource, LifetimeRunDeathsReplaceTheEstimates) {
  // The main trace as above: objects 0..3 found dead by the cycle after
  // allocation 8, estimated before allocations 1, 3, 5, 7.
  const std::string main = TmpPath("main.trace");
  auto w = traces::TraceWriter::Create(main, OneType());
  ASSERT_TRUE(w.ok()) << w.status();
  for (int i = 0; i < 8; i++) (*w)->Alloc(0, 1, 64, 0, 100 * (i + 1));
  for (uint64_t obj : {3, 1, 0, 2}) (*w)->Death(obj, 0);
  (*w)->Alloc(0, 1, 64, 0, 900);
  ASSERT_TRUE((*w)->Finish().ok());
  // The lifetime run: the same allocations with one more (128 bytes, the
  // runtime's) third, and exact deaths: its objects 0, 1, 5 and 4 (the
  // main run's 0, 1, 4 and 3) die before its allocations 1, 6, 7 and 9,
  // which are the main run's 1, 5, 6 and 8 (the runtime's does not count).
  const std::string life = TmpPath("life.trace");
  auto l = traces::TraceWriter::Create(life, OneType());
  ASSERT_TRUE(l.ok()) << l.status();
  int64_t t = 0;
  auto alloc = [&](uint64_t size) { (*l)->Alloc(0, 7, size, 0, t += 10); };
  alloc(64);
  (*l)->Death(0);
  alloc(64);
  alloc(128);
  for (int i = 0; i < 3; i++) alloc(64);
  (*l)->Death(1);
  alloc(64);
  (*l)->Death(5);
  alloc(64);
  alloc(64);
  (*l)->Death(4);
  alloc(64);
  ASSERT_TRUE((*l)->Finish().ok());

  TraceInfo info;
  auto src = OpenTraceEvents(main, &info, life);
  ASSERT_TRUE(src.ok()) << src.status();
  EXPECT_EQ(info.lifetime_pairs, 9u);
  EXPECT_EQ(info.lifetime_deaths, 4u);  // 0, 1, 3 replaced; 4 added (the main run never saw it die)
  std::vector<std::string> got;
  uint64_t allocs = 0;
  TraceEvent e;
  for (;;) {
    absl::StatusOr<bool> more = (*src)->Next(&e);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    got.push_back(e.kind == TraceEvent::Kind::kAlloc ? "A" + std::to_string(allocs++) : "D" + std::to_string(e.object));
  }
  // Object 2 had no death in the lifetime run: its estimate stands.
  EXPECT_EQ(got, (std::vector<std::string>{"A0", "D0", "A1", "A2", "A3", "A4", "D1", "D2", "A5", "D4", "A6", "A7",
                                           "D3", "A8"}));
}

// A time 2^62 ns after the first made the what-if run wait forever for it.
TEST(TraceSource, AllocationTimesWithinADayOfTheFirst) {
  const std::string path = TmpPath("far.trace");
  auto w = traces::TraceWriter::Create(path, OneType());
  ASSERT_TRUE(w.ok()) << w.status();
  (*w)->Alloc(0, 1, 64, 0, 1000);
  (*w)->Alloc(0, 1, 64, 0, int64_t{1} << 62);
  ASSERT_TRUE((*w)->Finish().ok());
  auto src = OpenTraceEvents(path, nullptr);
  ASSERT_TRUE(src.ok()) << src.status();
  TraceEvent e;
  ASSERT_TRUE(*(*src)->Next(&e));
  absl::StatusOr<bool> far = (*src)->Next(&e);
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.status().message(), path + ": event 1: ALLOC time 4611686018427387904 (4611686018427387904 ns) is "
                                           "more than 24 h from the first allocation's");
}

// The same for the times of GO_RUN and GO_STOP: a goroutine waits for
// them too.
TEST(TraceSource, ScheduleTimesWithinADayOfTheFirst) {
  const std::string path = TmpPath("far_run.trace");
  auto w = traces::TraceWriter::Create(path, OneType());
  ASSERT_TRUE(w.ok()) << w.status();
  (*w)->GoRun(0, 1, 500);
  (*w)->Alloc(0, 1, 64, 0, 1000);
  (*w)->GoStop(0, 1, 2000, traces::kStopBlocked);
  (*w)->GoRun(0, 1, int64_t{1} << 62);
  ASSERT_TRUE((*w)->Finish().ok());
  auto src = OpenTraceEvents(path, nullptr);
  ASSERT_TRUE(src.ok()) << src.status();
  TraceEvent e;
  for (int i = 0; i < 3; i++) ASSERT_TRUE(*(*src)->Next(&e)) << i;
  absl::StatusOr<bool> far = (*src)->Next(&e);
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.status().message(), path +
                                        ": event 3: GO_RUN time 4611686018427387904 (4611686018427387904 ns) is "
                                        "more than 24 h from the first timed event's");
}

// The second pass trusts the first's checksums only while the file is the
// one the first pass read: a file replaced in between ends in an error.
TEST(TraceSource, FileChangedBetweenThePassesIsAnError) {
  const std::string path = TmpPath("changed.trace");
  auto write = [&](int64_t t0) {
    auto w = traces::TraceWriter::Create(path, OneType());
    ASSERT_TRUE(w.ok()) << w.status();
    (*w)->Alloc(0, 1, 64, 0, t0);
    (*w)->Alloc(0, 1, 64, 0, t0 + 10);
    (*w)->Death(0);
    ASSERT_TRUE((*w)->Finish().ok());
  };
  write(10);
  EXPECT_EQ(Events(path), (std::vector<std::string>{"A0@10", "A1@20", "D0"}));
  auto src = OpenTraceEvents(path, nullptr);
  ASSERT_TRUE(src.ok()) << src.status();
  write(1000);
  TraceEvent e;
  absl::StatusOr<bool> more = true;
  while (more.ok() && *more) more = (*src)->Next(&e);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(more.status().message(), path + ": the file changed while it was read");
}

TEST(TraceSource, MissingFileIsNamed) {
  auto src = OpenTraceEvents(TmpPath("absent.trace"), nullptr);
  ASSERT_FALSE(src.ok());
  EXPECT_NE(src.status().message().find("absent.trace"), std::string::npos) << src.status();
}

}  // namespace
}  // namespace gogcsim::scenarios
