#include "traces/recording_spool.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "traces/recording_v2.h"

namespace gogcsim::traces {
namespace {

// Spools written from traces/recording_spool.md, word by word.
class Spool {
 public:
  Spool() { bytes_ = std::string(kSpoolMagic) + '\x01' + std::string(7, '\0'); }
  Spool& Frame(uint32_t kind, uint32_t m, const std::vector<uint64_t>& w) {
    Put32(kind);
    Put32(m);
    Put32(static_cast<uint32_t>(w.size()));
    Put32(0);
    for (uint64_t v : w) Put64(v);
    return *this;
  }
  Spool& Raw(const std::string& s) {
    bytes_ += s;
    return *this;
  }
  std::string Write(const std::string& name) const {
    const std::string path = std::string(testing::TempDir()) + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes_;
    return path;
  }

 private:
  void Put32(uint32_t v) {
    for (int i = 0; i < 4; i++) bytes_.push_back(static_cast<char>(v >> (8 * i)));
  }
  void Put64(uint64_t v) {
    for (int i = 0; i < 8; i++) bytes_.push_back(static_cast<char>(v >> (8 * i)));
  }
  std::string bytes_;
};

// A compact allocation's header word: tag (2 A, 46 AZ), compact (bit 9),
// needzero (bit 12), timed (bit 13), P+1 (bits 16-31), size (bits 32-63).
uint64_t Compact(int tag, uint64_t size, int p, bool timed, bool needzero = false) {
  return uint64_t(tag) | 1u << 9 | (needzero ? 1u << 12 : 0) | (timed ? 1u << 13 : 0) | uint64_t(p + 1) << 16 |
         size << 32;
}
// A general record's header word: tag, global (bit 8), field count (bits
// 16-31), P+1 (bits 32-63).
uint64_t General(int tag, bool global, int fields, int p) {
  return uint64_t(tag) | (global ? 1u << 8 : 0) | uint64_t(fields) << 16 | uint64_t(p + 1) << 32;
}

constexpr uint64_t kNode = 0x4a1000;   // a *_type: 16 bytes, pointers
constexpr uint64_t kBytes = 0x4a2000;  // a *_type: 64 bytes, no pointers

std::vector<V2Record> ReadAll(const std::string& path) {
  auto r = RecordingV2Reader::Open(path);
  EXPECT_TRUE(r.ok()) << r.status();
  std::vector<V2Record> out;
  if (!r.ok()) return out;
  V2Record v;
  for (;;) {
    auto more = (*r)->Next(&v);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    out.push_back(v);
  }
  return out;
}

TEST(Spool, ARepeatedShapeIsWrittenAsAnAN) {
  const std::string spool = Spool()
                                .Frame(2, 0, {kNode, 16, 16, 0})
                                .Frame(1, 3,
                                       {Compact(46, 16, 0, true), 7, kNode, 1000, 0xc000010000,
                                        Compact(46, 16, 0, true), 7, kNode, 1150, 0xc000010010})
                                .Frame(3, 0, {0})
                                .Write("a.spool");
  const std::string out = std::string(testing::TempDir()) + "/a.rec";
  auto st = ConvertSpool(spool, out);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->records, 2u);  // an AZ counts once
  std::ifstream in(out, std::ios::binary);
  const std::string f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // File head 16 bytes, chunk head 24. The first AZ: tag 46|local, P+1 1,
  // g 7, then zigzag size 16, typsize 16, ptrdata 16, flags 0, t 1000
  // (2 bytes), address (6 bytes): 15 bytes. The second: AN0 (52) with the
  // same P and g (bit 7), t delta 150 (2 bytes), address delta 16.
  const std::string body = f.substr(40, 15 + 4);
  EXPECT_EQ(body, std::string("\x6e\x01\x07\x20\x20\x20\x00\xd0\x0f", 9) + std::string("\x80\x80\x88\x80\x80\x30", 6) +
                      std::string("\xf4\xac\x02\x20", 4));
  const std::vector<V2Record> recs = ReadAll(out);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[2].v[4], 1150);
  EXPECT_EQ(recs[3].v[0], 0xc000010010);
}

TEST(Spool, RoundTripsThroughTheV2Reader) {
  const std::string spool =
      Spool()
          .Frame(2, 0, {kNode, 16, 16, 0, kBytes, 64, 0, 1})
          .Frame(1, 3,
                 {Compact(46, 16, 0, true), 7, kNode, 1000, 0xc000010000, Compact(46, 16, 0, false), 7, kNode,
                  0xc000010010, Compact(46, 64, 0, true, true), 7, kBytes, 1300, 0xc000020000, General(32, true, 2, 0),
                  7, 0, 8192, 40960})
          .Frame(3, 0, {1})
          .Write("b.spool");
  const std::string out = std::string(testing::TempDir()) + "/b.rec";
  auto st = ConvertSpool(spool, out);
  ASSERT_TRUE(st.ok()) << st.status();
  const std::vector<V2Record> recs = ReadAll(out);
  ASSERT_EQ(recs.size(), 7u);  // three A+Z pairs, one HL
  // A: size typsize ptrdata flags t; the types frame gives the sizes and
  // noscan; needzero is flag 4.
  EXPECT_EQ(recs[0].tag, 2);
  EXPECT_EQ((std::vector<int64_t>(recs[0].v, recs[0].v + 5)), (std::vector<int64_t>{16, 16, 16, 0, 1000}));
  EXPECT_EQ(recs[0].p, 0);
  EXPECT_EQ(recs[0].g, 7);
  EXPECT_EQ(recs[1].tag, 3);
  EXPECT_EQ(recs[1].v[0], 0xc000010000);
  // The untimed allocation lies halfway between the timed ones by
  // position: 1000 + (1300 - 1000) * 1 / 2.
  EXPECT_EQ((std::vector<int64_t>(recs[2].v, recs[2].v + 5)), (std::vector<int64_t>{16, 16, 16, 0, 1150}));
  EXPECT_EQ(recs[3].v[0], 0xc000010010);
  EXPECT_EQ((std::vector<int64_t>(recs[4].v, recs[4].v + 5)), (std::vector<int64_t>{64, 64, 0, 1 | 4, 1300}));
  EXPECT_EQ(recs[5].v[0], 0xc000020000);
  EXPECT_EQ(recs[6].tag, 32);
  EXPECT_TRUE(recs[6].global);
  EXPECT_EQ(recs[6].v[0], 8192);
  EXPECT_EQ(recs[6].v[1], 40960);
}

// A doubled cost window's copy records (tag 127, the words of the record
// before) are dropped: the recording is the one without them, and a copied
// timed allocation's time does not enter the interpolation.
TEST(Spool, CopyRecordsAreDropped) {
  const std::vector<uint64_t> az1 = {Compact(46, 16, 0, true), 7, kNode, 1000, 0xc000010000};
  const std::vector<uint64_t> az2 = {Compact(46, 16, 0, false), 7, kNode, 0xc000010010};
  const std::vector<uint64_t> az3 = {Compact(46, 64, 0, true, true), 7, kBytes, 1300, 0xc000020000};
  const std::vector<uint64_t> hl = {General(32, true, 2, 0), 7, 0, 8192, 40960};
  std::vector<uint64_t> plain, copied;
  for (const auto* rec : {&az1, &az2, &az3, &hl}) {
    plain.insert(plain.end(), rec->begin(), rec->end());
    copied.insert(copied.end(), rec->begin(), rec->end());
    copied.push_back(General(127, false, static_cast<int>(rec->size()), -1));
    copied.push_back(0);
    copied.insert(copied.end(), rec->begin(), rec->end());
  }
  auto convert = [](const std::vector<uint64_t>& buf, const std::string& name) {
    const std::string spool = Spool()
                                  .Frame(2, 0, {kNode, 16, 16, 0, kBytes, 64, 0, 1})
                                  .Frame(1, 3, buf)
                                  .Frame(3, 0, {1})
                                  .Write(name + ".spool");
    const std::string out = std::string(testing::TempDir()) + "/" + name + ".rec";
    auto st = ConvertSpool(spool, out);
    EXPECT_TRUE(st.ok()) << st.status();
    return ReadAll(out);
  };
  const std::vector<V2Record> want = convert(plain, "plain"), got = convert(copied, "copied");
  ASSERT_EQ(want.size(), 7u);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    EXPECT_EQ(got[i].tag, want[i].tag) << i;
    EXPECT_EQ(std::vector<int64_t>(got[i].v, got[i].v + got[i].n),
              std::vector<int64_t>(want[i].v, want[i].v + want[i].n))
        << i;
  }
  EXPECT_EQ(got[2].v[4], 1150);  // halfway between 1000 and 1300, as without copies

  const std::string bad =
      Spool().Frame(1, 3, {General(127, true, 1, -1), 0, 5, 1}).Frame(3, 0, {1}).Write("badcopy.spool");
  auto st = ConvertSpool(bad, std::string(testing::TempDir()) + "/badcopy.rec");
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.status().message()), testing::HasSubstr("malformed copy record at word 0"));
}

TEST(Spool, ANilTypeIsNoscanAndNeedsNoTypesFrame) {
  const std::string spool =
      Spool().Frame(1, 0, {Compact(46, 0, 0, true), 1, 0, 50, 0x5a0000}).Frame(3, 0, {0}).Write("c.spool");
  const std::string out = std::string(testing::TempDir()) + "/c.rec";
  ASSERT_TRUE(ConvertSpool(spool, out).ok());
  const std::vector<V2Record> recs = ReadAll(out);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ((std::vector<int64_t>(recs[0].v, recs[0].v + 5)), (std::vector<int64_t>{0, 0, 0, 3, 50}));
}

TEST(Spool, FBWordsOfBitsAreCopiedAsTheyAre) {
  // A sweep's frees (local FB, 47): base, elemsize, nwords, then the words
  // of bits: objects 0 and 2 of the span are freed.
  const std::string spool =
      Spool().Frame(1, 0, {General(47, false, 4, 0), 1, 0xc000000000, 16, 1, 0b101}).Frame(3, 0, {0}).Write("f.spool");
  const std::string out = std::string(testing::TempDir()) + "/f.rec";
  ASSERT_TRUE(ConvertSpool(spool, out).ok());
  const std::vector<V2Record> recs = ReadAll(out);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].tag, 10);  // F
  EXPECT_EQ(recs[0].v[0], 0xc000000000);
  EXPECT_EQ(recs[1].v[0], 0xc000000020);
}

// The chunks of a recording, as their headers say (recording_v2.md).
struct ChunkHead {
  uint32_t m, count;
  uint64_t first;
};
std::vector<ChunkHead> Chunks(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  const std::string b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto le = [&](size_t at, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | static_cast<unsigned char>(b[at + static_cast<size_t>(i)]);
    return v;
  };
  std::vector<ChunkHead> out;
  for (size_t at = 16; at + 24 <= b.size(); at += 24 + le(at, 4)) {
    out.push_back({static_cast<uint32_t>(le(at + 8, 4)), static_cast<uint32_t>(le(at + 12, 4)), le(at + 16, 8)});
  }
  return out;
}

// Sysmon's M records seldom and its buffer reaches the spool at exit, after
// every other. Its chunks still come where their records are, and one that
// would span more than 65,536 global records is cut, so that a reader
// holds few chunks at a time, not the whole file before record 1.
TEST(Spool, ChunksComeInTheOrderOfTheirRecords) {
  constexpr uint64_t kGlobals = 70002;
  constexpr int kPW = 50;  // a global record with one field
  Spool s;
  std::vector<uint64_t> buf;
  for (uint64_t seq = 1; seq < kGlobals; seq++) {
    if (seq == 70000) continue;  // sysmon's
    buf.insert(buf.end(), {General(kPW, true, 1, 0), 5, seq, seq});
    if (buf.size() + 4 > (32 << 10)) {
      s.Frame(1, 2, buf);
      buf.clear();
    }
  }
  s.Frame(1, 2, buf);
  s.Frame(1, 1, {General(kPW, true, 1, -1), 0, 0, 0, General(kPW, true, 1, -1), 0, 70000, 70000});
  s.Frame(3, 0, {kGlobals});
  const std::string out = std::string(testing::TempDir()) + "/order.rec";
  auto st = ConvertSpool(s.Write("order.spool"), out);
  ASSERT_TRUE(st.ok()) << st.status();
  const std::vector<ChunkHead> chunks = Chunks(out);
  ASSERT_GE(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].m, 1u);
  EXPECT_EQ(chunks[0].first, 0u);
  EXPECT_EQ(chunks[0].count, 1u);  // cut: its next record is 70,000 numbers on
  int sysmon = 0;
  for (size_t k = 0; k + 1 < chunks.size(); k++) {
    sysmon += chunks[k].m == 1;
    if (k > 0) {
      EXPECT_LT(chunks[k - 1].first, chunks[k].first) << "chunk " << k;
    }
  }
  EXPECT_EQ(sysmon, 2);
  EXPECT_EQ(chunks.back().m, 0xffffffffu);  // the end chunk, last
  const std::vector<V2Record> recs = ReadAll(out);
  ASSERT_EQ(recs.size(), kGlobals);
  for (uint64_t seq = 0; seq < kGlobals; seq++) {
    EXPECT_EQ(recs[seq].v[0], static_cast<int64_t>(seq));
    EXPECT_EQ(recs[seq].m, seq == 0 || seq == 70000 ? 1u : 2u) << seq;
  }
}

std::string ConvertError(const Spool& s, const std::string& name) {
  auto st = ConvertSpool(s.Write(name), std::string(testing::TempDir()) + "/" + name + ".rec");
  EXPECT_FALSE(st.ok());
  return st.ok() ? "" : std::string(st.status().message());
}

TEST(Spool, BadInputIsAClearError) {
  const std::vector<uint64_t> az = {Compact(46, 16, 0, true), 7, kNode, 1000, 0xc000010000};
  EXPECT_THAT(ConvertError(Spool().Frame(1, 0, az).Frame(3, 0, {0}), "e1"),
              testing::HasSubstr("frame at byte 16: an allocation at word 0 names *_type 0x4a1000"));
  EXPECT_THAT(ConvertError(Spool().Frame(2, 0, {kNode, 16, 16, 0}).Frame(1, 0, az), "e2"),
              testing::HasSubstr("no end frame after byte"));
  EXPECT_THAT(ConvertError(Spool().Frame(3, 0, {0}).Frame(3, 0, {0}), "e3"),
              testing::HasSubstr("frame at byte 40: after the end frame"));
  EXPECT_THAT(ConvertError(Spool().Frame(9, 0, {0}), "e4"), testing::HasSubstr("unknown frame kind 9"));
  EXPECT_THAT(
      ConvertError(Spool().Frame(2, 0, {kNode, 16, 16, 0}).Frame(1, 0, {Compact(46, 16, 0, true), 7, kNode}), "e5"),
      testing::HasSubstr("the record at word 0 runs past the buffer"));
  EXPECT_THAT(ConvertError(Spool().Frame(1, 0, {General(32, true, 5, 0), 1, 0, 1, 2, 3, 4, 5}), "e6"),
              testing::HasSubstr("record of tag 32 with 5 fields"));
  EXPECT_THAT(ConvertError(Spool().Frame(3, 0, {0}).Raw("xyz"), "e7"), testing::HasSubstr("cut short in its head"));
  EXPECT_THAT(ConvertError(Spool().Frame(1, 0, {General(47, false, 4, 0), 1, 0xc000000000, 16, 2, 1}), "e9"),
              testing::HasSubstr("FB at word 0 says 2 words of bits, has 1"));
  EXPECT_THAT(
      ConvertError(Spool().Raw(std::string("\x02\0\0\0\0\0\0\0\x04\0\0\0\0\0\0\0", 16) + std::string(8, '\0')), "e8"),
      testing::HasSubstr("frame at byte 16: cut short"));
  auto st = ConvertSpool(Spool().Write("ok") + ".missing", std::string(testing::TempDir()) + "/m.rec");
  EXPECT_TRUE(absl::IsNotFound(st.status()));
  const std::string not_spool = std::string(testing::TempDir()) + "/not.spool";
  std::ofstream(not_spool) << "GOGCSIMR\x02";
  EXPECT_THAT(ConvertSpool(not_spool, not_spool + ".rec").status().message(),
              testing::HasSubstr("not a gogcsim recorder spool"));
  EXPECT_FALSE(IsSpool(not_spool));
  auto unwritable = ConvertSpool(Spool().Frame(3, 0, {0}).Write("w.spool"), "/nonexistent-dir/w.rec");
  EXPECT_TRUE(absl::IsInternal(unwritable.status())) << unwritable.status();
  EXPECT_THAT(unwritable.status().message(), testing::HasSubstr("/nonexistent-dir/w.rec"));
  EXPECT_TRUE(IsSpool(Spool().Write("yes.spool")));
}

}  // namespace
}  // namespace gogcsim::traces
