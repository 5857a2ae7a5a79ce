#include "traces/recording_v2.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "traces/recording_check.h"
#include "traces/recording_v2_test_writer.h"

namespace gogcsim::traces {
namespace {


const int kA = V2TagOf("A"), kZ = V2TagOf("Z"), kHL = V2TagOf("HL"), kGS = V2TagOf("GS");

// Two Ms whose chunks interleave. Global records: M0 has 0 and 2, M1 has 1
// and 3. Local ones: M0's A and Z before 0, its AZ after 2 (at the end); M1's
// A before 3 and its Z in its second chunk, after its last global.
std::string TwoMs(Writer& w) {
  return Writer::FileHead() +
         w.Chunk(1, {{1, 1, 7, kHL, {8192, 8192}}, {0, 1, 7, kA, {16, 16, 8, 4, 1000}, true},
                     {3, 1, 7, kHL, {-16, 8176}}}) +
         w.Chunk(0, {{0, 0, 1, kA, {24, 24, 8, 4, 900}, true}, {0, 0, 1, kZ, {842350460928}, true},
                     {0, 0, 1, kHL, {8192, 16384}}, {2, -1, 0, kGS, {1, 1, 0, 8192, 1200}},
                     {0, 0, 1, kV2TagAZ, {8, 8, 8, 4, 1300, 842350460944}, true}}) +
         w.Chunk(1, {{0, 1, 7, kZ, {842350469120}, true}}) + w.End(4, 9);
}

// The records r has left, up to its error (*err) or the end.
std::vector<V2Record> Drain(RecordingV2Reader& r, absl::Status* err) {
  std::vector<V2Record> out;
  for (V2Record v;;) {
    absl::StatusOr<bool> more = r.Next(&v);
    if (!more.ok()) {
      *err = more.status();
      return out;
    }
    if (!*more) return out;
    out.push_back(v);
  }
}

std::vector<V2Record> ReadAll(const std::string& path, absl::Status* err, bool whole_az = false) {
  absl::StatusOr<std::unique_ptr<RecordingV2Reader>> r = RecordingV2Reader::Open(path);
  if (!r.ok()) {
    *err = r.status();
    return {};
  }
  if (whole_az) (*r)->KeepAZ();
  return Drain(**r, err);
}

// Seeds of the recording fuzzer's corpus: one with every tag (a GC cycle
// included), one recorded from a real program at GOMAXPROCS 2.
constexpr const char* kCorpusSeeds[] = {"two-ms-every-tag.rec", "recorded-tiny-p2.rec"};
std::string CorpusSeed(const char* seed) { return std::string("traces/testdata/fuzz/recording/") + seed; }

TEST(RecordingV2Reader, MergesTheMsBySequenceNumber) {
  Writer w;
  absl::Status err;
  std::vector<V2Record> recs = ReadAll(Write("two.rec", TwoMs(w)), &err);
  ASSERT_TRUE(err.ok()) << err;
  // M0's A Z HL(0), M1's HL(1), M0's GS(2), M1's A HL(3), then the ends:
  // M0's AZ as A and Z, M1's Z.
  std::vector<std::string> got;
  for (const V2Record& r : recs) got.push_back(absl::StrCat(V2SchemaOf(r.tag).name, r.global ? "" : "*", r.m));
  EXPECT_EQ(got, (std::vector<std::string>{"A*0", "Z*0", "HL0", "HL1", "GS0", "A*1", "HL1", "A*0", "Z*0", "Z*1"}));
  for (size_t i = 0; i < recs.size(); i++) EXPECT_EQ(recs[i].index, i);
  EXPECT_EQ(recs[0].g, 1);
  EXPECT_EQ(recs[0].v[4], 900);  // time, absolute
  EXPECT_EQ(recs[2].seq, 0u);
  EXPECT_EQ(recs[3].seq, 1u);
  EXPECT_EQ(recs[3].p, 1);
  EXPECT_EQ(recs[4].p, -1);
  EXPECT_EQ(recs[4].v[4], 1200);
  EXPECT_EQ(recs[5].v[4], 1000);
  EXPECT_EQ(recs[5].g, 7);  // P and G carried over from the chunk's previous record
  EXPECT_EQ(recs[6].v[0], -16);
  EXPECT_EQ(recs[7].v[0], 8);
  EXPECT_EQ(recs[7].v[4], 1300);
  EXPECT_EQ(recs[8].v[0], 842350460944);
  EXPECT_EQ(recs[9].v[0], 842350469120);
}

// GB, GE and RT (v2's own) reach the timing callback in file order among
// the v1 records, with their P, goroutine and fields; Next skips them.
TEST(V2RecordSource, GivesGbGeAndRtToTheTimingCallback) {
  Writer w;
  const std::string rec = Writer::FileHead() +
                          w.Chunk(0, {{0, 0, 5, kV2TagGB, {1000}},
                                      {0, 0, 5, kA, {24, 24, 8, 4, 1100}, true},
                                      {1, 0, 5, kV2TagGE, {1, 1200}},
                                      {2, 0, 6, kV2TagGB, {1300}},
                                      {3, 0, 6, kV2TagGE, {4, 1400}},
                                      {0, 0, 6, kV2TagRT, {1450, 1024, 4100, 1, 2}, true}}) +
                          w.End(4, 6);
  absl::StatusOr<std::unique_ptr<V2RecordSource>> src = V2RecordSource::Open(Write("sched.rec", rec), true);
  ASSERT_TRUE(src.ok()) << src.status();
  std::vector<std::string> seen;
  (*src)->set_on_timing([&](const V2Record& r) {
    if (r.tag == kV2TagRT) {
      seen.push_back(absl::StrCat("RT p", r.p, " g", r.g, " ", absl::StrJoin(absl::MakeSpan(r.v, r.n), " ")));
      return;
    }
    seen.push_back(absl::StrCat(r.tag == kV2TagGB ? "GB" : "GE", " p", r.p, " g", r.g, " ", r.v[0],
                                r.tag == kV2TagGE ? absl::StrCat(" ", r.v[1]) : ""));
  });
  RefRecord r;
  absl::StatusOr<bool> more = (*src)->Next(&r);
  ASSERT_TRUE(more.ok() && *more) << more.status();
  EXPECT_EQ(std::string(r.text), "A 0 5 24 24 8 4 1100");
  EXPECT_EQ(seen, (std::vector<std::string>{"GB p0 g5 1000"}));  // only what came before the A
  more = (*src)->Next(&r);
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_FALSE(*more);
  EXPECT_EQ(seen, (std::vector<std::string>{"GB p0 g5 1000", "GE p0 g5 1 1200", "GB p0 g6 1300", "GE p0 g6 4 1400",
                                            "RT p0 g6 1450 1024 4100 1 2"}));
}

TEST(V2RecordSource, GivesFormatV1Records) {
  Writer w;
  absl::StatusOr<std::unique_ptr<V2RecordSource>> src = V2RecordSource::Open(Write("v1.rec", TwoMs(w)), true);
  ASSERT_TRUE(src.ok()) << src.status();
  std::vector<std::string> lines;
  RefRecord rec;
  for (;;) {
    absl::StatusOr<bool> more = (*src)->Next(&rec);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    lines.emplace_back(rec.text);
    EXPECT_EQ(rec.line, lines.size());
  }
  // HL is v2's own: not in the v1 view. A gets its P and G from the header.
  EXPECT_EQ(lines, (std::vector<std::string>{"A 0 1 24 24 8 4 900", "Z 842350460928", "GS 1 1 0 8192 1200",
                                             "A 1 7 16 16 8 4 1000", "A 0 1 8 8 8 4 1300", "Z 842350460944",
                                             "Z 842350469120"}));
}

// Version 3 is version 4 without RT: a reader takes both.
TEST(RecordingV2Reader, ReadsVersion3) {
  Writer w;
  const std::string v4 = TwoMs(w);
  ASSERT_EQ(v4[8], 4);
  std::string v3 = v4;
  v3[8] = 3;
  absl::StatusOr<std::unique_ptr<V2RecordSource>> src = V2RecordSource::Open(Write("v3.rec", v3), true);
  ASSERT_TRUE(src.ok()) << src.status();
  RefRecord r;
  absl::StatusOr<bool> more = (*src)->Next(&r);
  ASSERT_TRUE(more.ok() && *more) << more.status();
  EXPECT_EQ(std::string(r.text), "A 0 1 24 24 8 4 900");
}

TEST(RecordingV2Reader, ErrorsNameTheOffset) {
  Writer w;
  const std::string good = TwoMs(w);
  struct Case {
    std::string name, bytes, want;
  };
  std::string flipped = good;
  flipped[16 + 24 + 3] ^= 0x10;  // a byte of M1's first chunk body
  const std::string no_end = good.substr(0, good.size() - 26);
  std::vector<Case> cases = {
      {"magic", "NOTAREC!" + good.substr(8), "offset 0: not a gogcsim recording"},
      {"version", std::string("GOGCSIMR\x02", 9) + good.substr(9),
       "offset 8: recording format version 2, this gogcsim reads versions 3 to 4 (recorded by an older gogcsim"},
      {"crc", flipped, "offset 16: chunk checksum mismatch"},
      {"truncated", good.substr(0, 30), "offset 16: truncated chunk header"},
      {"cut chunk", good.substr(0, 50), "offset 16: truncated chunk"},
      {"no end", no_end, "without its end chunk"},
      {"missing record", Writer::FileHead() + w.Chunk(0, {{0, 0, 1, kZ, {1}}, {2, 0, 1, kZ, {2}}}) + w.End(3, 2),
       "global record 1 of 3 is missing"},
      {"twice", Writer::FileHead() + w.Chunk(0, {{0, 0, 1, kZ, {1}}}) + w.Chunk(1, {{0, 0, 1, kZ, {1}}}) + w.End(1, 2),
       "appears twice"},
      // M0's second global record follows its first without a round
      // through the heap (NextRecord's fast path), and M1 holds it too.
      {"twice in a run",
       Writer::FileHead() + w.Chunk(0, {{0, 0, 1, kZ, {1}}, {1, 0, 1, kZ, {2}}}) + w.Chunk(1, {{1, 0, 1, kZ, {3}}}) +
           w.End(2, 3),
       "sequence number 1 appears twice"},
      {"unknown tag", Writer::FileHead() + w.Chunk(0, {{0, 0, 1, 100, {}}}) + w.End(1, 1), "unknown record tag 100"},
      {"count", Writer::FileHead() + w.Chunk(0, {{0, 0, 1, kZ, {1}}}) + w.End(1, 2), "the end chunk says 2"},
      {"trailing", good + "x", "data after the end chunk"},
  };
  for (const Case& c : cases) {
    absl::Status err;
    ReadAll(Write(c.name + ".rec", c.bytes), &err);
    EXPECT_FALSE(err.ok()) << c.name;
    EXPECT_TRUE(absl::StrContains(err.message(), c.want)) << c.name << ": " << err;
    EXPECT_TRUE(absl::StrContains(err.message(), c.name + ".rec")) << c.name << ": " << err;
  }
}

// The raw uvarint word u as the field the Writer zigzag-encodes back to it.
int64_t RawWord(uint64_t u) { return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1); }

// FB, the objects one sweep frees: one F per set bit, in address order.
TEST(RecordingV2Reader, FBIsOneFPerFreedObject) {
  Writer w;
  constexpr int64_t kBase = 842350460928;
  const std::string bytes =
      Writer::FileHead() +
      w.Chunk(0, {{0, 0, 1, kV2TagFB, {kBase, 16, 2, RawWord(1 | uint64_t{1} << 63), RawWord(2)}, true},
                  {0, 0, 1, kGS, {1, 0, 0, 8192, 100}}}) +
      w.End(1, 2);
  absl::Status err;
  std::vector<V2Record> recs = ReadAll(Write("fb.rec", bytes), &err);
  ASSERT_TRUE(err.ok()) << err;
  ASSERT_EQ(recs.size(), 4u);
  for (int i = 0; i < 3; i++) {
    EXPECT_EQ(recs[i].tag, V2TagOf("F")) << i;
    EXPECT_FALSE(recs[i].global) << i;
  }
  // Objects 0, 63 and 64 + 1 of 16 bytes.
  EXPECT_EQ(recs[0].v[0], kBase);
  EXPECT_EQ(recs[1].v[0], kBase + 63 * 16);
  EXPECT_EQ(recs[2].v[0], kBase + 65 * 16);
  EXPECT_EQ(recs[3].tag, kGS);
}

// MB (tag 30): the free slots a cycle marked, in FB's form, read as one MO
// each (a tag only a reader makes).
TEST(RecordingV2Reader, MBIsOneMOPerMarkedFreeSlot) {
  Writer w;
  constexpr int64_t kBase = 842350460928;
  const std::string bytes =
      Writer::FileHead() +
      w.Chunk(0, {{0, 0, 1, kV2TagMB, {kBase, 64, 1, RawWord(uint64_t{1} << 5)}, true},
                  {0, 0, 1, kGS, {1, 0, 0, 8192, 100}}}) +
      w.End(1, 2);
  absl::Status err;
  std::vector<V2Record> recs = ReadAll(Write("mb.rec", bytes), &err);
  ASSERT_TRUE(err.ok()) << err;
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].tag, kV2TagMO);
  EXPECT_EQ(recs[0].v[0], kBase + 5 * 64);
}

// AN (tags 52-55): an AZ of the shape (size, types, flags) in its chunk's
// slot tag - 52, where each AZ takes the next of 4 slots in turn; its
// address a difference from the slot's last one.
TEST(RecordingV2Reader, ANIsAnAZShapedAsASlotOfItsChunk) {
  Writer w;
  constexpr int64_t kBase = 842350460928;
  const std::string bytes =
      Writer::FileHead() +
      w.Chunk(0, {{0, 0, 1, kV2TagAZ, {48, 48, 8, 4, 1300, kBase}, true},            // slot 0
                  {0, 0, 1, kV2TagAZ, {16, 0, 0, 3, 1310, kBase + 8192}, true},      // slot 1
                  {0, 0, 1, kV2TagAN, {1400, 48}, true},                             // slot 0
                  {0, 0, 1, kV2TagAN + 1, {1410, 16}, true},                         // slot 1
                  {0, 0, 1, kV2TagAN, {1450, -96}, true},                            // slot 0
                  {0, 0, 1, kGS, {1, 0, 0, 8192, 1500}}}) +
      w.End(1, 6);
  absl::Status err;
  std::vector<V2Record> recs = ReadAll(Write("an.rec", bytes), &err);
  ASSERT_TRUE(err.ok()) << err;
  ASSERT_EQ(recs.size(), 11u);
  auto shape = [&](int i) { return std::vector<int64_t>(recs[i].v, recs[i].v + 5); };
  EXPECT_EQ(shape(4), (std::vector<int64_t>{48, 48, 8, 4, 1400}));
  EXPECT_EQ(shape(6), (std::vector<int64_t>{16, 0, 0, 3, 1410}));
  EXPECT_EQ(shape(8), (std::vector<int64_t>{48, 48, 8, 4, 1450}));
  for (int i : {4, 6, 8}) {
    EXPECT_EQ(recs[i].tag, kA) << i;
    EXPECT_FALSE(recs[i].global) << i;
    EXPECT_EQ(recs[i].g, 1) << i;
    EXPECT_EQ(recs[i + 1].tag, kZ) << i;
  }
  EXPECT_EQ(recs[5].v[0], kBase + 48);
  EXPECT_EQ(recs[7].v[0], kBase + 8192 + 16);
  EXPECT_EQ(recs[9].v[0], kBase + 48 - 96);
  EXPECT_EQ(recs[10].tag, kGS);
}

// Each chunk decodes on its own: an AN needs an AZ in its slot, in its chunk.
TEST(RecordingV2Reader, ANOfASlotNoAZOfItsChunkFilledIsAnError) {
  Writer w;
  const std::string head = Writer::FileHead();
  const std::string first = w.Chunk(0, {{0, 0, 1, kV2TagAZ, {48, 48, 8, 4, 1300, 842350460928}, true}});
  for (auto [second, what] : std::vector<std::pair<std::vector<Writer::Rec>, std::string>>{
           {{{0, 0, 1, kV2TagAN, {1400, 48}, true}}, "AN0 names shape slot 0"},
           {{{0, 0, 1, kV2TagAZ, {48, 48, 8, 4, 1300, 842350460928}, true}, {0, 0, 1, kV2TagAN + 1, {1400, 48}, true}},
            "AN1 names shape slot 1"}}) {
    second.push_back({0, 0, 1, kGS, {1, 0, 0, 8192, 1500}});
    const std::string bytes = head + first + w.Chunk(0, second) + w.End(1, 1 + second.size());
    for (const bool whole : {false, true}) {  // KeepAZ reads an AN by a path of its own
      absl::Status err;
      ReadAll(Write("an-alone.rec", bytes), &err, whole);
      EXPECT_FALSE(err.ok()) << what;
      EXPECT_TRUE(absl::StrContains(err.message(), what)) << err;
      EXPECT_TRUE(absl::StrContains(err.message(), absl::StrCat("offset ", head.size() + first.size()))) << err;
    }
  }
}

// Every field length, 1 to 10 bytes, read back as written: fields near a
// chunk's end and far from it, alone (Z) and in a whole AZ (KeepAZ).
TEST(RecordingV2Reader, FieldsOfEveryLengthReadBack) {
  std::vector<int64_t> values = {INT64_MIN, INT64_MAX, -1};
  for (int k = 0; k < 63; k++) {
    values.push_back(int64_t{1} << k);
    values.push_back((int64_t{1} << k) - 1);
    values.push_back(-(int64_t{1} << k));
  }
  Writer w;
  std::vector<Writer::Rec> recs;
  for (size_t i = 0; i < values.size(); i++) {
    const int64_t v = values[i], u = values[(i + 1) % values.size()];
    recs.push_back({0, 0, 1, kZ, {v}, true});
    recs.push_back({0, 0, 1, kV2TagAZ, {v, u, v, u, v, u}, true});
  }
  recs.push_back({0, 0, 1, kGS, {1, 0, 0, values.back(), values.front()}});
  const std::string path = Write("lengths.rec", Writer::FileHead() + w.Chunk(0, recs) + w.End(1, recs.size()));
  for (const bool whole : {false, true}) {
    auto r = RecordingV2Reader::Open(path);
    ASSERT_TRUE(r.ok()) << r.status();
    if (whole) (*r)->KeepAZ();
    for (size_t i = 0; i < values.size(); i++) {
      const int64_t v = values[i], u = values[(i + 1) % values.size()];
      V2Record got;
      ASSERT_TRUE(*(*r)->Next(&got));
      EXPECT_EQ(got.tag, kZ);
      EXPECT_EQ(got.v[0], v) << i;
      ASSERT_TRUE(*(*r)->Next(&got));
      if (whole) {
        EXPECT_EQ(got.tag, kV2TagAZ);
        EXPECT_EQ(std::vector<int64_t>(got.v, got.v + 6), (std::vector<int64_t>{v, u, v, u, v, u})) << i;
        continue;
      }
      EXPECT_EQ(std::vector<int64_t>(got.v, got.v + 5), (std::vector<int64_t>{v, u, v, u, v})) << i;
      ASSERT_TRUE(*(*r)->Next(&got));
      EXPECT_EQ(got.v[0], u) << i;
    }
  }
}

// Two readers that share checks (a replay's lanes) each stop at a chunk
// whose checksum is wrong, whichever reaches it first.
TEST(RecordingV2Reader, ReadersThatShareChecksEachFindACorruptChunk) {
  Writer w;
  std::string bytes = TwoMs(w);
  bytes[bytes.size() - 26 - 1] ^= 0x01;  // the last byte of M1's last chunk
  const std::string path = Write("shared-crc.rec", bytes);
  auto a = RecordingV2Reader::Open(path), b = RecordingV2Reader::Open(path);
  ASSERT_TRUE(a.ok() && b.ok());
  RecordingV2Reader::ShareChecks(**a, **b);
  for (RecordingV2Reader* r : {a->get(), b->get()}) {
    absl::Status err;
    for (V2Record v;;) {
      absl::StatusOr<bool> more = r->Next(&v);
      if (!more.ok()) {
        err = more.status();
        break;
      }
      ASSERT_TRUE(*more) << "read to the end past a corrupt chunk";
    }
    EXPECT_TRUE(absl::StrContains(err.message(), "chunk checksum mismatch")) << err;
  }
}

// A span holds at most 1024 objects (a page of 8-byte ones), so an FB has
// at most 16 words; more is a corrupt record, not up to 64 Fs a word.
TEST(RecordingV2Reader, FBWithMoreWordsThanASpanHasObjectsIsAnError) {
  Writer w;
  auto fb = [&](int64_t nwords) {
    std::vector<int64_t> v = {842350460928, 8, nwords};
    for (int64_t i = 0; i < nwords; i++) v.push_back(RawWord(~uint64_t{0}));
    return Writer::FileHead() + w.Chunk(0, {{0, 0, 1, kV2TagFB, v, true}, {0, 0, 1, kGS, {1, 0, 0, 8192, 100}}}) +
           w.End(1, 2);
  };
  absl::Status err;
  EXPECT_EQ(ReadAll(Write("fb16.rec", fb(16)), &err).size(), 1024u + 1);
  EXPECT_TRUE(err.ok()) << err;
  ReadAll(Write("fb17.rec", fb(17)), &err);
  EXPECT_TRUE(absl::StrContains(err.message(),
                                "fb17.rec: offset 16: M 0: FB with 17 words (a span's objects take at most 16)"))
      << err;
}

TEST(RecordingV2Reader, EveryTruncationIsAnError) {
  Writer w;
  const std::string good = TwoMs(w);
  for (size_t n = 0; n < good.size(); n++) {
    absl::Status err;
    ReadAll(Write("cut.rec", good.substr(0, n)), &err);
    EXPECT_FALSE(err.ok()) << "cut at " << n;
  }
}

// The tags the reader expands AZ, AN and FB into are the schema's.
TEST(RecordingV2Reader, ExpandedTagsAreTheSchemas) {
  EXPECT_EQ(kV2TagA, V2TagOf("A"));
  EXPECT_EQ(kV2TagZ, V2TagOf("Z"));
  EXPECT_EQ(kV2TagF, V2TagOf("F"));
  EXPECT_EQ(V2BitsRecordTag(kV2TagFB), V2TagOf("F"));
  EXPECT_EQ(V2BitsRecordTag(kV2TagMB), V2TagOf("MO"));
}

// A second reader that keeps a few tags returns exactly the full reader's
// records of those tags, in the same order: the F of an FB, the A and Z
// of an AZ or AN, and global records among them.
TEST(RecordingV2Reader, KeepOnlyReturnsTheFullOrdersRecordsOfItsTags) {
  for (const char* seed : kCorpusSeeds) {
    const std::string path = CorpusSeed(seed);
    absl::Status err;
    const std::vector<V2Record> all = ReadAll(path, &err);
    ASSERT_TRUE(err.ok()) << err;
    for (const std::vector<const char*>& tags : std::vector<std::vector<const char*>>{
             {"MT", "F", "MO"}, {"A", "Z", "GS"}, {"HL", "SW", "CS"}}) {
      std::vector<int> keep;
      for (const char* t : tags) keep.push_back(V2TagOf(t));
      std::vector<V2Record> want;
      for (const V2Record& r : all) {
        if (std::find(keep.begin(), keep.end(), r.tag) != keep.end()) want.push_back(r);
      }
      auto r = RecordingV2Reader::Open(path);
      ASSERT_TRUE(r.ok());
      (*r)->KeepOnly({keep[0], keep[1], keep[2]});
      const std::vector<V2Record> got = Drain(**r, &err);
      ASSERT_TRUE(err.ok()) << err;
      ASSERT_EQ(got.size(), want.size()) << seed << " " << tags[0];
      // The first seed has every tag; the second no GC cycle.
      if (seed[0] == 't' || tags[0][0] != 'M') {
        EXPECT_GT(want.size(), 0u) << seed << " " << tags[0];
      }
      for (size_t i = 0; i < got.size(); i++) {
        EXPECT_EQ(got[i].tag, want[i].tag);
        EXPECT_EQ(got[i].m, want[i].m);
        EXPECT_EQ(got[i].seq, want[i].seq);
        EXPECT_EQ(got[i].n, want[i].n);
        EXPECT_EQ(std::vector<int64_t>(got[i].v, got[i].v + got[i].n),
                  std::vector<int64_t>(want[i].v, want[i].v + want[i].n));
      }
    }
  }
}

// KeepAZ and KeepBits return an AZ, and each nonzero word of an FB or MB,
// as one record: expanded again (an AZ into its A and Z, a word into an F
// or MO per bit), they are exactly the records the full reader returns,
// indexes included.
TEST(RecordingV2Reader, KeepAZAndKeepBitsAreTheRecordsTheyStandFor) {
  for (const char* seed : kCorpusSeeds) {
    const std::string path = CorpusSeed(seed);
    absl::Status err;
    const std::vector<V2Record> all = ReadAll(path, &err);
    ASSERT_TRUE(err.ok()) << err;
    auto r = RecordingV2Reader::Open(path);
    ASSERT_TRUE(r.ok());
    (*r)->KeepAZ();
    (*r)->KeepBits();
    const std::vector<V2Record> whole = Drain(**r, &err);
    ASSERT_TRUE(err.ok()) << err;
    std::vector<V2Record> got;
    int whole_az = 0, words = 0;
    for (const V2Record& v : whole) {
      V2Record e = v;
      if (v.tag == kV2TagAZ) {
        whole_az++;
        e.tag = static_cast<uint8_t>(kA);
        e.n = 5;
        e.v[5] = 0;
        got.push_back(e);
        e = V2Record();
        e.index = v.index + 1;
        e.seq = v.seq;
        e.offset = v.offset;
        e.g = v.g;
        e.m = v.m;
        e.p = v.p;
        e.tag = static_cast<uint8_t>(kZ);
        e.n = 1;
        e.v[0] = v.v[5];
        got.push_back(e);
      } else if (IsV2BitsTag(v.tag)) {
        words++;
        ASSERT_EQ(v.n, 3);
        ASSERT_NE(v.v[2], 0);
        e.tag = static_cast<uint8_t>(V2BitsRecordTag(v.tag));
        e.n = 1;
        e.v[1] = e.v[2] = 0;
        for (uint64_t u = static_cast<uint64_t>(v.v[2]); u != 0; u &= u - 1) {
          e.v[0] = v.v[0] + std::countr_zero(u) * v.v[1];
          got.push_back(e);
          e.index++;
        }
      } else {
        got.push_back(v);
      }
    }
    EXPECT_GT(whole_az, 0) << seed;
    if (seed[0] == 't') {
      EXPECT_GT(words, 0) << seed;
    }
    ASSERT_EQ(got.size(), all.size()) << seed;
    for (size_t i = 0; i < got.size(); i++) {
      EXPECT_EQ(got[i].index, all[i].index) << seed << " " << i;
      EXPECT_EQ(got[i].tag, all[i].tag) << seed << " " << i;
      EXPECT_EQ(got[i].global, all[i].global) << seed << " " << i;
      EXPECT_EQ(got[i].seq, all[i].seq) << seed << " " << i;
      EXPECT_EQ(got[i].offset, all[i].offset) << seed << " " << i;
      EXPECT_EQ(got[i].m, all[i].m) << seed << " " << i;
      EXPECT_EQ(got[i].p, all[i].p) << seed << " " << i;
      EXPECT_EQ(got[i].g, all[i].g) << seed << " " << i;
      EXPECT_EQ(got[i].n, all[i].n) << seed << " " << i;
      EXPECT_EQ(std::vector<int64_t>(got[i].v, got[i].v + 16), std::vector<int64_t>(all[i].v, all[i].v + 16))
          << seed << " " << i;
    }
  }
}

// The recording fuzzer's seed corpus (tools/fuzz.sh recording), made with
// this file's Writer: invalid-* files fail to read with the error their
// name says; crash-* files are inputs a fuzzer found (what they must do is
// in their own tests; the corpus test runs them); every other seed reads
// whole and passes `trace check`.
TEST(RecordingV2Reader, FuzzSeedsAreValidWhereIntended) {
  const std::map<std::string, std::string> invalid = {
      {"invalid-checksum.rec", "offset 16: chunk checksum mismatch"},
      {"invalid-record-past-chunk.rec", "offset 16: M 0: malformed field 5 of GS"},
      {"invalid-truncated.rec", "offset 8276: truncated chunk (4105 bytes)"},
  };
  size_t valid = 0, failed = 0;
  for (const auto& e : std::filesystem::directory_iterator("traces/testdata/fuzz/recording")) {
    const std::string name = e.path().filename().string(), path = e.path().string();
    if (absl::StartsWith(name, "crash-")) continue;
    absl::Status err;
    const std::vector<V2Record> recs = ReadAll(path, &err);
    if (absl::StartsWith(name, "invalid-")) {
      ASSERT_TRUE(invalid.count(name)) << name << ": say here what it must fail with";
      EXPECT_TRUE(absl::StrContains(err.message(), invalid.at(name))) << name << ": " << err;
      failed++;
      continue;
    }
    EXPECT_TRUE(err.ok()) << name << ": " << err;
    EXPECT_FALSE(recs.empty()) << name;
    absl::StatusOr<RecordingCheck> c = CheckRecording(path);
    ASSERT_TRUE(c.ok()) << name << ": " << c.status();
    EXPECT_EQ(c->records, recs.size()) << name;
    EXPECT_EQ(c->violation, "") << name;
    valid++;
  }
  EXPECT_EQ(failed, invalid.size());
  EXPECT_GE(valid, 4u);
}

TEST(IsRecordingV2, ByMagic) {
  Writer w;
  EXPECT_TRUE(IsRecordingV2(Write("m.rec", TwoMs(w))));
  EXPECT_FALSE(IsRecordingV2(Write("t.rec", "A 0 1 8 8 0 4 1\n")));
  EXPECT_FALSE(IsRecordingV2("/nonexistent"));
  const std::string spool = Write("s.spool", std::string("GOGCSIMS\x01", 9) + std::string(7, '\0'));
  EXPECT_TRUE(IsRecordingV2(spool));
  auto r = RecordingV2Reader::Open(spool);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StrContains(r.status().message(), "a recorder spool")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "gogcsim record")) << r.status();
}

}  // namespace
}  // namespace gogcsim::traces
