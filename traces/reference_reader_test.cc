#include "traces/reference_reader.h"

#include <zlib.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/rng.h"
#include "traces/reference_files.h"
#include "traces/test_util.h"

namespace gogcsim::traces {
namespace {

std::string WritePlain(const std::string& name, const std::string& content) {
  const std::string path = TmpPath(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  EXPECT_TRUE(out) << path;
  return path;
}

std::string WriteGzip(const std::string& name, const std::string& content) {
  const std::string path = TmpPath(name);
  gzFile gz = gzopen(path.c_str(), "wb");
  EXPECT_NE(gz, nullptr) << path;
  if (gz == nullptr) return path;
  if (!content.empty()) {
    EXPECT_EQ(gzwrite(gz, content.data(), static_cast<unsigned>(content.size())), static_cast<int>(content.size()));
  }
  EXPECT_EQ(gzclose(gz), Z_OK);
  return path;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A record with its text copied, so it outlives the reader's buffer.
struct Rec {
  RefRecord r;
  std::string text;
};

// Reads to the end or the first error.
absl::Status ReadAll(const std::string& path, std::vector<Rec>* out) {
  absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(path);
  if (!rd.ok()) return rd.status();
  RefRecord r;
  for (;;) {
    absl::StatusOr<bool> more = (*rd)->Next(&r);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    out->push_back({r, std::string(r.text)});
  }
}

const char kSample[] =
    "A -1 0 376 376 360 4 1826978379821\n"
    "Z 842350460928\n"
    "PT 3fec000000000000 100 2236962 98304 4194304 1 12 0 0 | 3fec000000000000 4194304 4473924 "
    "0000000000000000 0 0\n"
    "AS 1 -4\n"
    "W N 2232\n"
    "C S -2016\n"
    "MT 1826995354687 3fe00cf9125b674a\n"
    "PR 100 4259840 5308416 217736 0 | 3fba944000000000 40234364a702cb26\n"
    "PS 4194304 4194304 2236962 3fec000000000000 4259840 100 1 | 2236962 5308416 0 3fd0000000000000\n"
    "PE 0 3fec000000000000 100 5914624 2236962 1826991219484 1826995300474 367688 1 | 3fe00cf9125b674a\n"
    "SW 66 842356654080 77 2 3 0 1\n"
    "Z -9223372036854775808\n"
    "Z 9223372036854775807\n";

void CheckSample(const std::vector<Rec>& recs) {
  ASSERT_EQ(recs.size(), 13u);
  for (size_t i = 0; i < recs.size(); i++) EXPECT_EQ(recs[i].r.line, i + 1);

  const RefRecord& a = recs[0].r;
  EXPECT_EQ(a.tag, RefTag::kA);
  EXPECT_EQ(a.n, 7);
  EXPECT_EQ(a.bar, -1);
  const int64_t want_a[] = {-1, 0, 376, 376, 360, 4, 1826978379821};
  for (int k = 0; k < 7; k++) EXPECT_EQ(a.v[k], want_a[k]) << k;
  EXPECT_EQ(recs[0].text, "A -1 0 376 376 360 4 1826978379821");

  EXPECT_EQ(recs[1].r.tag, RefTag::kZ);
  EXPECT_EQ(recs[1].r.n, 1);
  EXPECT_EQ(recs[1].r.v[0], 842350460928);

  const RefRecord& pt = recs[2].r;
  EXPECT_EQ(pt.tag, RefTag::kPT);
  EXPECT_EQ(pt.n, 15);
  EXPECT_EQ(pt.bar, 9);
  EXPECT_EQ(pt.U64(0), 0x3fec000000000000u);
  EXPECT_EQ(pt.F64(0), 0.875);
  EXPECT_EQ(pt.v[1], 100);
  EXPECT_EQ(pt.v[8], 0);
  EXPECT_EQ(pt.F64(9), 0.875);
  EXPECT_EQ(pt.v[10], 4194304);
  EXPECT_EQ(pt.v[11], 4473924);
  EXPECT_EQ(pt.U64(12), 0u);
  EXPECT_EQ(pt.F64(12), 0.0);
  EXPECT_EQ(pt.v[14], 0);

  EXPECT_EQ(recs[3].r.tag, RefTag::kAS);
  EXPECT_EQ(recs[3].r.v[0], 1);
  EXPECT_EQ(recs[3].r.v[1], -4);

  EXPECT_EQ(recs[4].r.tag, RefTag::kW);
  EXPECT_EQ(recs[4].r.v[0], 'N');
  EXPECT_EQ(recs[4].r.v[1], 2232);
  EXPECT_EQ(recs[5].r.tag, RefTag::kC);
  EXPECT_EQ(recs[5].r.v[0], 'S');
  EXPECT_EQ(recs[5].r.v[1], -2016);

  EXPECT_EQ(recs[6].r.tag, RefTag::kMT);
  EXPECT_EQ(recs[6].r.v[0], 1826995354687);
  EXPECT_EQ(recs[6].r.U64(1), 0x3fe00cf9125b674au);

  const RefRecord& pr = recs[7].r;
  EXPECT_EQ(pr.tag, RefTag::kPR);
  EXPECT_EQ(pr.n, 7);
  EXPECT_EQ(pr.bar, 5);
  EXPECT_EQ(pr.v[3], 217736);
  EXPECT_EQ(pr.U64(5), 0x3fba944000000000u);
  EXPECT_EQ(pr.U64(6), 0x40234364a702cb26u);

  const RefRecord& ps = recs[8].r;
  EXPECT_EQ(ps.tag, RefTag::kPS);
  EXPECT_EQ(ps.n, 11);
  EXPECT_EQ(ps.bar, 7);
  EXPECT_EQ(ps.F64(3), 0.875);
  EXPECT_EQ(ps.v[7], 2236962);
  EXPECT_EQ(ps.v[9], 0);
  EXPECT_EQ(ps.F64(10), 0.25);

  const RefRecord& pe = recs[9].r;
  EXPECT_EQ(pe.tag, RefTag::kPE);
  EXPECT_EQ(pe.n, 10);
  EXPECT_EQ(pe.bar, 9);
  EXPECT_EQ(pe.F64(1), 0.875);
  EXPECT_EQ(pe.v[6], 1826995300474);
  EXPECT_EQ(pe.U64(9), 0x3fe00cf9125b674au);

  EXPECT_EQ(recs[10].r.tag, RefTag::kSW);
  EXPECT_EQ(recs[10].r.v[0], 66);
  EXPECT_EQ(recs[10].r.v[6], 1);

  EXPECT_EQ(recs[11].r.v[0], INT64_MIN);
  EXPECT_EQ(recs[12].r.v[0], INT64_MAX);
}

TEST(ReferenceReaderTest, PlainText) {
  std::vector<Rec> recs;
  ASSERT_TRUE(ReadAll(WritePlain("sample.rec", kSample), &recs).ok());
  CheckSample(recs);
}

TEST(ReferenceReaderTest, Gzip) {
  const std::string path = WriteGzip("sample.rec.gz", kSample);
  ASSERT_EQ(ReadBytes(path).substr(0, 2), "\x1f\x8b");  // really compressed
  std::vector<Rec> recs;
  ASSERT_TRUE(ReadAll(path, &recs).ok());
  CheckSample(recs);
}

TEST(ReferenceReaderTest, LastLineWithoutNewline) {
  std::vector<Rec> recs;
  ASSERT_TRUE(ReadAll(WritePlain("nonl.rec", "Z 1\nAS 7 -12"), &recs).ok());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].r.line, 2u);
  EXPECT_EQ(recs[1].r.v[1], -12);
  EXPECT_EQ(recs[1].text, "AS 7 -12");
}

TEST(ReferenceReaderTest, EmptyFile) {
  std::vector<Rec> recs;
  EXPECT_TRUE(ReadAll(WritePlain("empty.rec", ""), &recs).ok());
  EXPECT_TRUE(ReadAll(WriteGzip("empty.rec.gz", ""), &recs).ok());
  EXPECT_TRUE(recs.empty());
}

// Every tag, with the field count of the README's table.
TEST(ReferenceReaderTest, EveryTag) {
  struct Case {
    RefTag tag;
    const char* name;
    const char* line;
    int n, bar;
  };
  const Case cases[] = {
      {RefTag::kH, "H", "H 1 100 4194304 842350460928 842351509504 1826980060894", 6, -1},
      {RefTag::kA, "A", "A 3 17 16 16 8 4 1826978751908", 7, -1},
      {RefTag::kZ, "Z", "Z 842350510080", 1, -1},
      {RefTag::kL, "L", "L 8 842350968832 311296", 3, -1},
      {RefTag::kCS, "CS", "CS 42 842350460928 0 0 8192", 5, -1},
      {RefTag::kUC, "UC", "UC 2 842350510080 6 5906480", 4, -1},
      {RefTag::kMA, "MA", "MA 842350469120 4", 2, -1},
      {RefTag::kMF, "MF", "MF 842350755840 4", 2, -1},
      {RefTag::kSW, "SW", "SW 0 842356654080 77 2 3 0 0", 7, -1},
      {RefTag::kF, "F", "F 842351099904", 1, -1},
      {RefTag::kGS, "GS", "GS 1 1 0 4259840 1826991219484", 5, -1},
      {RefTag::kMS, "MS", "MS 1826991219484", 1, -1},
      {RefTag::kMT, "MT", "MT 1826995354687 3fe00cf9125b674a", 2, -1},
      {RefTag::kHM, "HM", "HM 3202424 3202424 244792", 3, -1},
      {RefTag::kW, "W", "W X 5456", 2, -1},
      {RefTag::kC, "C", "C E 40", 2, -1},
      {RefTag::kAS, "AS", "AS 1 -166", 2, -1},
      {RefTag::kAE, "AE", "AE 1 65536 631215", 3, -1},
      {RefTag::kCQ, "CQ", "CQ 512", 1, -1},
      {RefTag::kAT, "AT", "AT 271455", 1, -1},
      {RefTag::kPT, "PT", "PT 0000000000000000 1 2 3 4 5 6 7 8 | 0000000000000000 1 2 0000000000000000 4 5", 15, 9},
      {RefTag::kPS, "PS", "PS 1 2 3 0000000000000000 5 6 7 | 1 2 3 0000000000000000", 11, 7},
      {RefTag::kPR, "PR", "PR 1 2 3 4 5 | 0000000000000000 0000000000000000", 7, 5},
      {RefTag::kPE, "PE", "PE 1 0000000000000000 3 4 5 6 7 8 9 | 0000000000000000", 10, 9},
  };
  static_assert(std::size(cases) == kNumRefTags);
  std::string content;
  for (const Case& c : cases) absl::StrAppend(&content, c.line, "\n");
  std::vector<Rec> recs;
  ASSERT_TRUE(ReadAll(WriteGzip("every.rec.gz", content), &recs).ok());
  ASSERT_EQ(recs.size(), std::size(cases));
  for (size_t i = 0; i < recs.size(); i++) {
    const Case& c = cases[i];
    EXPECT_EQ(static_cast<int>(c.tag), static_cast<int>(i));
    EXPECT_EQ(recs[i].r.tag, c.tag) << c.line;
    EXPECT_STREQ(RefTagName(c.tag), c.name);
    EXPECT_EQ(recs[i].r.n, c.n) << c.line;
    EXPECT_EQ(recs[i].r.n, RefSchemaOf(c.tag).fields()) << c.line;
    EXPECT_EQ(recs[i].r.bar, c.bar) << c.line;
    EXPECT_EQ(recs[i].text, c.line);
  }
}

TEST(ReferenceReaderTest, ParseReferenceLine) {
  RefRecord r;
  ASSERT_TRUE(ParseReferenceLine("MT 5 3ff0000000000000", &r).ok());
  EXPECT_EQ(r.tag, RefTag::kMT);
  EXPECT_EQ(r.F64(1), 1.0);
  const absl::Status s = ParseReferenceLine("MT 5 3ff000000000000", &r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasSubstr(std::string(s.message()), "bad hex F64"));
}

// Integers of every length, read 8 digits at a time, against std::from_chars:
// values of 1 to 19 digits, either sign, after other fields and last.
TEST(ReferenceReaderTest, IntegersOfEveryLength) {
  sim::Rng rng = sim::Rng::Stream(1, "reference-reader-ints");
  for (int digits = 1; digits <= 19; digits++) {
    for (int trial = 0; trial < 200; trial++) {
      std::string num(static_cast<size_t>(digits), '0');
      for (char& c : num) c = static_cast<char>('0' + rng.UniformInt(10));
      if (digits > 1 && num[0] == '0') num[0] = '1';
      if (digits == 19 && num > "9223372036854775807") num[0] = '8';
      const bool neg = rng.UniformInt(2) == 0;
      const std::string field = (neg ? "-" : "") + num;
      int64_t want = 0;
      ASSERT_EQ(std::from_chars(field.data(), field.data() + field.size(), want).ec, std::errc()) << field;
      RefRecord r;
      const std::string z = "Z " + field;
      ASSERT_TRUE(ParseReferenceLine(z, &r).ok()) << z;
      ASSERT_EQ(r.v[0], want) << z;
      const std::string a = "A " + field + " 1 " + field + " 16 0 " + field + " 7";
      ASSERT_TRUE(ParseReferenceLine(a, &r).ok()) << a;
      ASSERT_EQ(r.v[0], want) << a;
      ASSERT_EQ(r.v[2], want) << a;
      ASSERT_EQ(r.v[5], want) << a;
      ASSERT_EQ(r.v[6], 7) << a;
    }
  }
  // The extremes, and leading zeros (read as their value).
  RefRecord r;
  ASSERT_TRUE(ParseReferenceLine("Z 9223372036854775807", &r).ok());
  EXPECT_EQ(r.v[0], std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(ParseReferenceLine("Z -9223372036854775808", &r).ok());
  EXPECT_EQ(r.v[0], std::numeric_limits<int64_t>::min());
  ASSERT_TRUE(ParseReferenceLine("Z 0000000000000000042", &r).ok());
  EXPECT_EQ(r.v[0], 42);
  EXPECT_FALSE(ParseReferenceLine("Z 00000000000000000042", &r).ok());  // 20 digits
}

// Blocks of 1 MiB: many lines straddle a block edge.
TEST(ReferenceReaderTest, ManyBlocks) {
  std::string content;
  const int kLines = 300000;
  for (int i = 0; i < kLines; i++) {
    if (i % 3 == 0) {
      absl::StrAppend(&content, "Z ", i, "\n");
    } else if (i % 3 == 1) {
      absl::StrAppend(&content, "A ", i % 7 - 1, " ", i, " 376 376 360 4 1826978379821\n");
    } else {
      absl::StrAppend(&content, "PR ", i, " 4259840 5308416 217736 0 | 3fba944000000000 40234364a702cb26\n");
    }
  }
  ASSERT_GT(content.size(), 3u << 20);
  for (const std::string& path :
       {WritePlain("many.rec", content), WriteGzip("many.rec.gz", content)}) {
    absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(path);
    ASSERT_TRUE(rd.ok()) << rd.status();
    RefRecord r;
    int i = 0;
    for (;; i++) {
      absl::StatusOr<bool> more = (*rd)->Next(&r);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) break;
      ASSERT_EQ(r.line, static_cast<uint64_t>(i + 1));
      if (i % 3 == 0) {
        ASSERT_EQ(r.tag, RefTag::kZ);
        ASSERT_EQ(r.v[0], i);
      } else if (i % 3 == 1) {
        ASSERT_EQ(r.tag, RefTag::kA);
        ASSERT_EQ(r.v[0], i % 7 - 1);
        ASSERT_EQ(r.v[1], i);
      } else {
        ASSERT_EQ(r.tag, RefTag::kPR);
        ASSERT_EQ(r.v[0], i);
        ASSERT_EQ(r.U64(6), 0x40234364a702cb26u);
      }
    }
    EXPECT_EQ(i, kLines) << path;
    EXPECT_EQ((*rd)->lines(), static_cast<uint64_t>(kLines));
  }
}

struct BadCase {
  const char* line;  // written as line 3, after two good lines
  const char* want;  // substring of the message
};

class BadLineTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadLineTest, NamesFileLineAndProblem) {
  const BadCase& c = GetParam();
  const std::string content = absl::StrCat("Z 1\nAS 1 -4\n", c.line, "\nZ 2\n");
  for (const std::string& path :
       {WritePlain("bad.rec", content), WriteGzip("bad.rec.gz", content)}) {
    absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(path);
    ASSERT_TRUE(rd.ok()) << rd.status();
    RefRecord r;
    ASSERT_TRUE(*(*rd)->Next(&r));
    ASSERT_TRUE(*(*rd)->Next(&r));
    const absl::StatusOr<bool> bad = (*rd)->Next(&r);
    ASSERT_FALSE(bad.ok()) << "accepted: " << c.line;
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string msg(bad.status().message());
    EXPECT_TRUE(HasSubstr(msg, path + ":3: ")) << msg;
    EXPECT_TRUE(HasSubstr(msg, c.want)) << msg;
    // Sticky: the reader does not resynchronize past a bad line.
    const absl::StatusOr<bool> again = (*rd)->Next(&r);
    EXPECT_EQ(again.status(), bad.status());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BadLineTest,
    ::testing::Values(
        BadCase{"XX 1 2", "unknown tag \"XX\""},
        BadCase{"ABC 1", "unknown tag \"ABC\""},
        BadCase{"a -1 0 376 376 360 4 1", "unknown tag \"a\""},
        BadCase{"A -1 0 376", "A: too few fields: got 3, want 7"},
        BadCase{"A", "A: too few fields: got 0, want 7"},
        BadCase{"Z 1 2", "Z: too many fields: got 2, want 1"},
        BadCase{"A -1 0 376 376 360 4 1 8", "A: too many fields: got 8, want 7"},
        BadCase{"PR 100 4259840 5308416 217736 0 | 3fba944000000000",
                "PR: too few fields: got 6, want 7 (5 | 2)"},
        BadCase{"PR 100 4259840 5308416 217736 0 |", "PR: too few fields: got 5, want 7 (5 | 2)"},
        BadCase{"PR 100 4259840 5308416 217736 0 | 3fba944000000000 40234364a702cb26 7",
                "PR: too many fields: got 8, want 7 (5 | 2)"},
        BadCase{"MT 1 3fec00000000000g", "MT field 1: bad hex F64 \"3fec00000000000g\""},
        BadCase{"MT 1 3FEC000000000000", "MT field 1: bad hex F64"},
        BadCase{"MT 1 3fec", "MT field 1: bad hex F64 \"3fec\""},
        BadCase{"MT 1 3fec0000000000000", "MT field 1: bad hex F64 \"3fec0000000000000\""},
        BadCase{"PE 0 1 100 5914624 2236962 1826991219484 1826995300474 367688 1 | 3fe00cf9125b674a",
                "PE field 1: bad hex F64 \"1\""},
        BadCase{"Z 12a", "Z field 0: bad integer \"12a\""},
        BadCase{"Z abc", "Z field 0: bad integer \"abc\""},
        BadCase{"Z -", "Z field 0: bad integer \"-\""},
        BadCase{"Z +5", "Z field 0: bad integer \"+5\""},
        BadCase{"Z 1.5", "Z field 0: bad integer \"1.5\""},
        BadCase{"AS 1 -4\r", "AS field 1: bad integer \"-4\\r\""},
        BadCase{"Z 9223372036854775808", "Z field 0: integer out of int64 range"},
        BadCase{"Z -9223372036854775809", "Z field 0: integer out of int64 range"},
        BadCase{"Z 123456789012345678901", "Z field 0: integer out of int64 range"},
        BadCase{"W Q 5", "W field 0: bad who letter \"Q\" (want one of D, N, X)"},
        BadCase{"C D 5", "C field 0: bad who letter \"D\" (want one of S, F, E)"},
        BadCase{"W DN 5", "W field 0: bad who letter \"DN\""},
        BadCase{"W 1 5", "W field 0: bad who letter \"1\""},
        BadCase{"PR 100 4259840 5308416 217736 0 3fba944000000000 40234364a702cb26",
                "PR: expected '|' after 5 input fields, got \"3fba944000000000\""},
        BadCase{"PR 100 4259840 5308416 217736 | 0 3fba944000000000 40234364a702cb26",
                "PR field 4: misplaced '|' (PR has 5 inputs | 2 outputs)"},
        BadCase{"PR 100 4259840 5308416 217736 0 | 3fba944000000000 | 40234364a702cb26",
                "PR field 6: misplaced '|'"},
        BadCase{"A -1 0 376 | 376 360 4 1", "A field 3: misplaced '|' (A has no '|')"},
        BadCase{"A -1 0 376 376 360 4 1 |", "A: misplaced '|' (A has no '|')"},
        BadCase{"Z  5", "Z field 0: empty field (double or trailing space)"},
        BadCase{"Z 5 ", "Z field 1: empty field (double or trailing space)"},
        BadCase{" Z 5", "unknown tag \"\""},
        BadCase{"", "empty line"}));

TEST(ReferenceReaderTest, MissingFile) {
  const std::string path = TmpPath("no-such-dir/missing.rec.gz");
  absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(path);
  ASSERT_FALSE(rd.ok());
  EXPECT_EQ(rd.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(HasSubstr(std::string(rd.status().message()), path));
}

std::string ManyZ(int lines) {
  std::string content;
  for (int i = 0; i < lines; i++) absl::StrAppend(&content, "Z ", 842350460928 + 16 * i, "\n");
  return content;
}

TEST(ReferenceReaderTest, TruncatedGzip) {
  const int kLines = 200000;
  const std::string full = ReadBytes(WriteGzip("trunc.rec.gz", ManyZ(kLines)));
  const std::string path = WritePlain("trunc.rec.gz", full.substr(0, full.size() / 2));
  absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(path);
  ASSERT_TRUE(rd.ok()) << rd.status();
  RefRecord r;
  uint64_t good = 0;
  absl::StatusOr<bool> more;
  while ((more = (*rd)->Next(&r)).ok() && *more) {
    ASSERT_EQ(r.v[0], 842350460928 + 16 * static_cast<int64_t>(good));  // whatever came out is right
    good++;
  }
  ASSERT_FALSE(more.ok()) << "read " << good << " lines of a truncated file without error";
  EXPECT_GT(good, 0u);
  EXPECT_LT(good, static_cast<uint64_t>(kLines));
  EXPECT_EQ(more.status().code(), absl::StatusCode::kDataLoss);
  const std::string msg(more.status().message());
  EXPECT_TRUE(HasSubstr(msg, absl::StrCat(path, ":", good + 1, ": truncated gzip"))) << msg;
}

TEST(ReferenceReaderTest, CorruptGzip) {
  std::string bytes = ReadBytes(WriteGzip("corrupt.rec.gz", ManyZ(50000)));
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; i++) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  const std::string path = WritePlain("corrupt.rec.gz", bytes);
  std::vector<Rec> recs;
  const absl::Status s = ReadAll(path, &recs);
  ASSERT_FALSE(s.ok()) << "read " << recs.size() << " lines";
  EXPECT_TRUE(HasSubstr(std::string(s.message()), path + ":")) << s;
}

TEST(ReferenceReaderTest, LineLongerThanBlock) {
  std::string content = "Z 1\nZ ";
  content.append(size_t{1} << 21, '7');
  content += "\n";
  std::vector<Rec> recs;
  const absl::Status s = ReadAll(WritePlain("long.rec", content), &recs);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(recs.size(), 1u);
  EXPECT_TRUE(HasSubstr(std::string(s.message()), "long.rec:2: line longer than"));
}

// The start of a real recording, found outside the workspace (see
// reference_files.h). Not finding it is a failure: these files are the
// project's referee.
TEST(ReferenceReaderTest, ChurnP1First200Lines) {
  std::string route;
  absl::StatusOr<std::string> path = ReferenceFile("churn-p1.rec.gz", &route);
  ASSERT_TRUE(path.ok()) << path.status();
  std::printf("reference file %s found by: %s\n", path->c_str(), route.c_str());
  ::testing::Test::RecordProperty("reference_route", route);

  absl::StatusOr<std::unique_ptr<ReferenceReader>> rd = ReferenceReader::Open(*path);
  ASSERT_TRUE(rd.ok()) << rd.status();
  std::map<std::string, int> count;
  RefRecord r;
  for (uint64_t line = 1; line <= 200; line++) {
    absl::StatusOr<bool> more = (*rd)->Next(&r);
    ASSERT_TRUE(more.ok()) << more.status();
    ASSERT_TRUE(*more);
    ASSERT_EQ(r.line, line);
    count[RefTagName(r.tag)]++;
    if (line == 1) {
      EXPECT_EQ(r.text, "A -1 0 376 376 360 4 1826978379821");
      EXPECT_EQ(r.tag, RefTag::kA);
      EXPECT_EQ(r.v[0], -1);
      EXPECT_EQ(r.v[6], 1826978379821);
    } else if (line == 2) {
      EXPECT_EQ(r.tag, RefTag::kCS);
      EXPECT_EQ(r.v[0], 42);
      EXPECT_EQ(r.v[1], 842350460928);
      EXPECT_EQ(r.v[4], 8192);
    } else if (line == 112) {
      EXPECT_EQ(r.tag, RefTag::kPT);
      EXPECT_EQ(r.bar, 9);
      EXPECT_EQ(r.F64(0), 0.875);
      EXPECT_EQ(r.v[1], 100);
      EXPECT_EQ(r.v[2], 2236962);
      EXPECT_EQ(r.v[6], 12);
      EXPECT_EQ(r.F64(9), 0.875);
      EXPECT_EQ(r.v[10], 4194304);
      EXPECT_EQ(r.v[11], 4473924);
      EXPECT_EQ(r.F64(12), 0.0);
    } else if (line == 149) {
      EXPECT_EQ(r.tag, RefTag::kH);
      EXPECT_EQ(r.v[0], 1);    // GOMAXPROCS
      EXPECT_EQ(r.v[1], 100);  // GOGC
      EXPECT_EQ(r.v[3], 842350460928);
      EXPECT_EQ(r.v[5], 1826980060894);
    }
  }
  const std::map<std::string, int> want = {{"A", 87}, {"Z", 86}, {"CS", 19}, {"MA", 6}, {"PT", 1}, {"H", 1}};
  EXPECT_EQ(count, want);
}

}  // namespace
}  // namespace gogcsim::traces
