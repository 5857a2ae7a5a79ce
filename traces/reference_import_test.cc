#include "traces/reference_import.h"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "traces/recording_v2_test_writer.h"
#include "traces/reference_files.h"
#include "traces/reference_reader.h"
#include "traces/test_util.h"
#include "traces/trace_format.h"
#include "traces/trace_reader.h"

namespace gogcsim::traces {
namespace {

std::string WriteText(const std::string& name, const std::string& text) {
  const std::string path = TmpPath(name);
  std::ofstream(path, std::ios::trunc) << text;
  return path;
}

struct Event {
  EventKind kind;
  uint64_t object = 0, earliest = kNoEarliest, g = 0;
};

std::vector<Event> ReadEvents(const std::string& path) {
  std::vector<Event> out;
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(path);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return out;
  TraceEvent ev;
  for (;;) {
    absl::StatusOr<bool> more = (*r)->Next(&ev);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    Event e{ev.kind};
    if (ev.kind == EventKind::kAlloc || ev.kind == EventKind::kDeath) e.object = ev.object;
    if (ev.kind == EventKind::kDeath) e.earliest = ev.earliest;
    if (ev.kind == EventKind::kAlloc || ev.kind == EventKind::kGoStart) e.g = ev.g;
    out.push_back(e);
  }
  return out;
}

// A hand-made recording with one P. Addresses: B1 = 842350460928, a span of
// class 2 (8 B objects); B2 = 842350469120, a span of class 5 (16 B noscan,
// also the tiny blocks'); B3 = 842350477312, a 5-page large object; 5533512
// is zerobase. Objects o0..o9 in allocation order.
constexpr char kOneP[] = R"(H 1 100 4194304 842350460928 842354655232 100
A 0 1 8 8 8 4 110
CS 2 842350460928 0 0 8192
Z 842350460928
A 0 1 5 0 0 3 120
CS 5 842350469120 0 0 16384
Z 842350469120
A 0 1 3 0 0 3 130
Z 842350469125
A 0 1 16 16 0 5 140
Z 842350469136
A 0 1 40000 40000 0 5 150
L 5 842350477312 57344
Z 842350477312
A 0 1 0 0 0 5 160
Z 5533512
A 0 7 8 8 8 4 170
Z 842350460936
GS 1 0 0 57400 200
MS 200
A 0 1 8 8 8 4 210
Z 842350460944
MT 300 3fe0000000000000
HM 100 200 300
F 842350469120
F 842350460928
SW 0 842350460928 2 1 3 0 0
A 0 1 8 8 8 4 400
Z 842350460928
GS 2 0 0 57500 500
MS 500
MT 600 3fe0000000000000
F 842350477312
F 842350460936
F 842350460944
GS 3 0 0 100 700
A 0 1 8 8 8 4 710
Z 842350460952
)";
// o0 (8 B at B1), o1 (tiny 5 B, starts the tiny block at B2), o2 (tiny 3 B
// in the same block, at B2+5), o3 (16 B noscan: not tiny, its own slot
// B2+16), o4 (large at B3), o5 (size 0: zerobase), o6 (goroutine 7, B1+8),
// then cycle 1's GS; o7 (B1+16) is allocated during cycle 1's mark. Cycle
// 1's sweep frees the tiny block (o1 and o2 together) and o0, whose slot o8
// reuses. Cycle 2's sweep frees o4, o6 and o7. o3, o5, o8, o9 never die.
//
// Events (index: event), worked out by hand: 0 H; 1 GO_START g1; 2 ALLOC o0;
// 3 CS; 4 Z; 5 ALLOC o1; 6 CS; 7 Z; 8 ALLOC o2; 9 Z; 10 ALLOC o3; 11 Z;
// 12 ALLOC o4; 13 L; 14 Z; 15 ALLOC o5; 16 Z; 17 GO_START g7; 18 ALLOC o6;
// 19 Z; 20-22 DEATH o0 o1 o2 (cycle 1: earliest = their ALLOCs 2, 5, 8);
// 23 GS 1; 24 MS; 25 ALLOC o7; 26 Z; 27 MT; 28 HM; 29 F; 30 F; 31 SW;
// 32 ALLOC o8; 33 Z; 34-36 DEATH o4 o6 o7 (cycle 2: earliest = GS 1's index
// 23, or o7's ALLOC 25, which is later); 37 GS 2; 38 MS; 39 MT; 40-42 F;
// 43 GS 3; 44 ALLOC o9; 45 Z.
TEST(ImportReference, DeathsOfAHandMadeRecording) {
  const std::string in = WriteText("one_p.rec", kOneP);
  const std::string out = TmpPath("one_p.trace");
  absl::StatusOr<ReferenceImportStats> st = ImportReference(in, out);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->records, 38u);
  EXPECT_EQ(st->events, 46u);
  EXPECT_EQ(st->allocations, 10u);
  EXPECT_EQ(st->deaths, 6u);
  EXPECT_EQ(st->goroutines, 2u);
  EXPECT_EQ(st->cycles, 3u);
  EXPECT_EQ(st->ambiguous, 0u);
  EXPECT_EQ(st->unpaired, 0u);
  EXPECT_EQ(st->unanswered, 0u);

  const std::vector<Event> evs = ReadEvents(out);
  ASSERT_EQ(evs.size(), 46u);
  struct Want {
    size_t index;
    uint64_t object, earliest;
  };
  for (const Want& w : std::vector<Want>{{20, 0, 2}, {21, 1, 5}, {22, 2, 8}, {34, 4, 23}, {35, 6, 23}, {36, 7, 25}}) {
    EXPECT_EQ(evs[w.index].kind, EventKind::kDeath) << w.index;
    EXPECT_EQ(evs[w.index].object, w.object) << w.index;
    EXPECT_EQ(evs[w.index].earliest, w.earliest) << w.index;
  }
  int deaths = 0;
  for (const Event& e : evs) deaths += e.kind == EventKind::kDeath;
  EXPECT_EQ(deaths, 6);
  EXPECT_EQ(evs[1].kind, EventKind::kGoStart);
  EXPECT_EQ(evs[1].g, 1u);
  EXPECT_EQ(evs[17].kind, EventKind::kGoStart);
  EXPECT_EQ(evs[17].g, 7u);
  for (size_t i : {23, 37, 43}) EXPECT_EQ(evs[i].kind, RefKind(RefTag::kGS)) << i;

  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(out);
  ASSERT_TRUE(r.ok());
  const v1::Header& h = (*r)->header();
  EXPECT_EQ(h.source(), "reference");
  EXPECT_EQ(h.source_file(), "one_p.rec");
  EXPECT_EQ(h.gomaxprocs(), 1);
  EXPECT_EQ(h.gogc(), 100);
  EXPECT_EQ(h.heapminimum(), 4194304u);
  EXPECT_EQ(h.clock_unit_ns(), 1.0);
  // Types in first-seen order: (8, 8, needzero), (0, 0, noscan|nil),
  // (16, 0, noscan|needzero), (40000, 0, noscan|needzero), (0, 0, noscan|needzero).
  ASSERT_EQ(h.types_size(), 5);
  EXPECT_EQ(h.types(0).size(), 8u);
  EXPECT_EQ(h.types(0).ptrdata(), 8u);
  EXPECT_EQ(h.types(0).flags(), 4u);
  EXPECT_EQ(h.types(1).flags(), 3u);
  EXPECT_EQ(h.types(2).size(), 16u);
  EXPECT_EQ(h.types(3).size(), 40000u);
  EXPECT_EQ(h.types(4).flags(), 5u);
  TraceEvent ev;
  while (*(*r)->Next(&ev)) {
  }
  EXPECT_EQ((*r)->footer().allocations_without_death(), 4u);
}

// Two Ps. B1 = 842350460928 and B2 = 842350469120 are class-2 spans. Line 7:
// goroutines 1 (P0) and 2 (P1) both wait for an 8 B object; the Z is in B1,
// whose previous slot went to P0, so it answers o2. Line 9: only o1 is left.
// Line 12: o3 (P1) and o4 (P0, the latest) wait; the Z is in B2, P1's span
// since line 9, so it answers o3, not o4. Sweep 1 then frees o2 and o3.
// Then goroutine 2 asks twice (o5, o6) before the first Z: its requests are
// answered in order, so B2+16 is o5's, which sweep 3 frees.
constexpr char kTwoPs[] = R"(H 2 100 4194304 842350460928 842354655232 100
A 0 1 8 8 8 4 100
CS 2 842350460928 0 0 8192
Z 842350460928
A 1 2 8 8 8 4 110
A 0 1 8 8 8 4 111
Z 842350460936
CS 2 842350469120 0 0 16384
Z 842350469120
A 1 2 8 8 8 4 120
A 0 1 8 8 8 4 121
Z 842350469128
Z 842350460944
GS 1 0 0 100 200
MT 300 3fe0000000000000
F 842350460936
F 842350469128
GS 2 0 0 100 400
A 1 2 8 8 8 4 500
A 1 2 8 8 8 4 501
Z 842350469136
Z 842350469144
GS 3 0 0 100 600
MT 700 3fe0000000000000
F 842350469136
GS 4 0 0 100 800
)";

TEST(ImportReference, TwoPsPairByTheSpansOwner) {
  const std::string in = WriteText("two_ps.rec", kTwoPs);
  const std::string out = TmpPath("two_ps.trace");
  absl::StatusOr<ReferenceImportStats> st = ImportReference(in, out);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->ambiguous, 2u);
  EXPECT_EQ(st->owner_decided, 2u);
  EXPECT_EQ(st->unpaired, 0u);
  std::vector<uint64_t> dead;
  for (const Event& e : ReadEvents(out)) {
    if (e.kind == EventKind::kDeath) dead.push_back(e.object);
  }
  EXPECT_EQ(dead, (std::vector<uint64_t>{2, 3, 5}));
}

// A v2 recording's Z names its goroutine. Goroutines 1 (P0) and 2 (P1)
// both wait for an 8 B object when the first Z comes, in a span no P had
// taken a slot of: the rule for v1 (the latest request) would give it to
// goroutine 2; the Z is goroutine 1's, so it answers o0, which sweep 1
// frees.
TEST(ImportReference, V2ZsAnswerTheirOwnGoroutine) {
  const int kH = V2TagOf("H"), kA = V2TagOf("A"), kCS = V2TagOf("CS"), kZ = V2TagOf("Z"), kGS = V2TagOf("GS"),
            kF = V2TagOf("F");
  constexpr int64_t kB1 = 842350460928, kB2 = 842350469120;
  Writer w;
  const std::string bytes = Writer::FileHead() +
                            w.Chunk(0, {{0, 0, 0, kH, {2, 100, 4194304, 0, 0, 10}},
                                        {1, 0, 1, kA, {8, 8, 8, 4, 100}},
                                        {2, 0, 1, kCS, {2, kB1, 0, 0, 8192}},
                                        {4, 0, 1, kZ, {kB1}},
                                        {7, 0, 1, kGS, {1, 0, 0, 100, 200}},
                                        {8, 0, 0, kF, {kB1}},
                                        {9, 0, 1, kGS, {2, 0, 0, 100, 300}}}) +
                            w.Chunk(1, {{3, 1, 2, kA, {8, 8, 8, 4, 110}},
                                        {5, 1, 2, kCS, {2, kB2, 0, 0, 16384}},
                                        {6, 1, 2, kZ, {kB2}}}) +
                            w.End(10, 10);
  const std::string in = Write("v2_pair.rec", bytes);
  const std::string out = TmpPath("v2_pair.trace");
  absl::StatusOr<ReferenceImportStats> st = ImportReference(in, out);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->ambiguous, 0u);
  EXPECT_EQ(st->unpaired, 0u);
  std::vector<uint64_t> dead;
  for (const Event& e : ReadEvents(out)) {
    if (e.kind == EventKind::kDeath) dead.push_back(e.object);
  }
  EXPECT_EQ(dead, (std::vector<uint64_t>{0}));
}

// An H record for the hand-made recordings below (GOMAXPROCS 1).
constexpr char kHeader[] = "H 1 100 4194304 842350460928 842351509504 1\n";

// Replay rejects both; the importer used to write an empty trace.
TEST(ImportReference, EmptyAndHeaderlessRecordingsAreErrors) {
  const std::string out = TmpPath("none.trace");
  const std::string empty = WriteText("empty.rec", "");
  absl::StatusOr<ReferenceImportStats> st = ImportReference(empty, out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().message(), empty + ": empty recording (no records)");
  const std::string no_h = WriteText("no_h.rec", "A 0 1 8 8 8 4 1\nCS 2 842350460928 0 0 8192\nZ 842350460928\n");
  st = ImportReference(no_h, out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().message(), no_h + ": no H record");
  EXPECT_FALSE(std::ifstream(out).good());
}

TEST(ImportReference, InconsistentRecordingsNameTheLine) {
  struct Case {
    const char* text;
    const char* where;  // ":line: " and words of the message
    const char* what;
  } cases[] = {
      // Line 1 of each is the H record (kHeader).
      {"A 0 1 8 8 8 4 1\nCS 2 842350460928 0 0 8192\nZ 842350460928\nF 842350460928\n", ":5: ",
       "F before the first GC"},
      {"GS 1 0 0 0 1\nF 842350460928\n", ":3: ", "frees no object"},
      {"MA 842350460928 4\nA 0 1 8 8 8 4 1\nZ 842350460936\n", ":4: ", "manual span"},
      {"A 0 1 8 8 8 4 1\nCS 2 842350460928 0 0 8192\nZ 842350460928\nA 0 1 8 8 8 4 2\nZ 842350460928\n", ":6: ",
       "never freed"},
      {"A 0 1 8 8 8 9 1\n", ":2: ", "A field 5 (flags): 9 outside [0, 7]"},
      {"A 0 1 8 8 8 4 1\nZ 842350460928 7\n", ":3: ", "too many fields"},
      // Records out of range (issue 19): the reader's checks stop the import.
      {"A 0 1 2199023255552 0 0 3 1\n", ":2: ", "A field 2 (size): 2199023255552 outside [0, 549755813887]"},
      {"MA 842350460928 0\n", ":2: ", "MA field 1 (npages): 0 outside [1, 131072]"},
      {"A 0 1 8 8 8 4 1\nA 0 1 8 8 8 4 4611686018427387904\n", ":3: ", "A field 6 (time): 4611686018427387904 is more than 24 h"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string in = WriteText("bad.rec", std::string(kHeader) + c.text);
    const std::string out = TmpPath("bad.trace");
    absl::StatusOr<ReferenceImportStats> st = ImportReference(in, out);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(HasSubstr(std::string(st.status().message()), in + c.where));
    EXPECT_TRUE(HasSubstr(std::string(st.status().message()), c.what));
    EXPECT_FALSE(std::ifstream(out).good()) << "no output for a failed import";
  }
}

// The real recordings: each cycle's DEATHs sit right before its GS, there are
// as many as the cycle's sweep has F records (plus objects sharing freed tiny
// blocks), each after its ALLOC, with a bound no earlier than the previous
// cycle's GS. F counts come from the recording itself.
void CheckRecording(const std::string& name, uint64_t max_records, uint64_t max_tiny_extra) {
  absl::StatusOr<std::string> path = ReferenceFile(name + ".rec.gz");
  ASSERT_TRUE(path.ok()) << path.status();
  std::vector<uint64_t> f_per_cycle(1, 0);  // F records after the c-th GS
  {
    absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(*path);
    ASSERT_TRUE(rd.ok());
    RefRecord rec;
    for (uint64_t n = 0; n < max_records && *(*rd)->Next(&rec); n++) {
      if (rec.tag == RefTag::kGS) f_per_cycle.push_back(0);
      if (rec.tag == RefTag::kF) f_per_cycle.back()++;
    }
  }
  const std::string out = TmpPath(name + ".trace");
  ReferenceImportOptions o;
  o.max_records = max_records;
  absl::StatusOr<ReferenceImportStats> st = ImportReference(*path, out, o);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->deaths_dropped, 0u);

  const std::vector<Event> evs = ReadEvents(out);
  std::vector<uint64_t> alloc_index;
  uint64_t deaths_here = 0, last_gs = kNoEarliest, cycle = 0;
  for (uint64_t i = 0; i < evs.size(); i++) {
    const Event& e = evs[i];
    if (e.kind == EventKind::kAlloc) alloc_index.push_back(i);
    if (e.kind == EventKind::kDeath) {
      ASSERT_LT(e.object, alloc_index.size()) << "DEATH before its ALLOC at event " << i;
      ASSERT_NE(e.earliest, kNoEarliest);
      EXPECT_GE(e.earliest, alloc_index[e.object]) << i;
      if (last_gs != kNoEarliest) {
        EXPECT_GE(e.earliest, last_gs) << i;
      }
      EXPECT_LT(e.earliest, i);
      deaths_here++;
      ASSERT_TRUE(i + 1 < evs.size() && (evs[i + 1].kind == EventKind::kDeath ||
                                         evs[i + 1].kind == RefKind(RefTag::kGS)))
          << "DEATH not right before a GS at event " << i;
    }
    if (e.kind == RefKind(RefTag::kGS)) {
      cycle++;
      ASSERT_LT(cycle, f_per_cycle.size());
      EXPECT_GE(deaths_here, f_per_cycle[cycle]) << "cycle " << cycle;
      EXPECT_LE(deaths_here, f_per_cycle[cycle] + max_tiny_extra) << "cycle " << cycle;
      deaths_here = 0;
      last_gs = i;
    }
  }
  EXPECT_EQ(cycle, f_per_cycle.size() - 1);
}

// trees-p1 has 15 tiny allocations in all, so at most 15 deaths beyond the F
// records per cycle; one P, so no guessing.
TEST(ImportReference, TreesP1DeathsMatchTheSweeps) {
  CheckRecording("trees-p1", 1500000, 15);
}

TEST(ImportReference, WorkersP2DeathsMatchTheSweeps) {
  // 14 tiny allocations in all; two Ps, so some pairings are guesses, but
  // guesses only swap objects, never lose or invent deaths.
  CheckRecording("workers-p2", ~uint64_t{0}, 14);
}

}  // namespace
}  // namespace gogcsim::traces
