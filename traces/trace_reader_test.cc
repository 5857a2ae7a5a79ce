// Round trips through TraceWriter and TraceReader, and the reader's errors.
#include "traces/trace_reader.h"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "traces/test_util.h"
#include "traces/trace_format.h"
#include "traces/trace_writer.h"

namespace gogcsim::traces {
namespace {

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// An event as the test means it, independent of the reader's struct.
struct Ev {
  EventKind kind;
  int32_t p = 0;
  uint64_t g = 0, size = 0;
  uint32_t type = 0;
  int64_t time = 0;
  uint64_t object = 0, target = 0, earliest = kNoEarliest;
  std::vector<int64_t> args = {};
};

v1::Header TestHeader() {
  v1::Header h;
  h.set_source("test");
  h.set_go_version("go1.10.2");
  h.set_gomaxprocs(2);
  h.set_gogc(100);
  h.set_clock_unit_ns(1);
  for (int t = 0; t < 3; t++) {
    v1::TypeInfo* ti = h.add_types();
    ti->set_size(8 * (t + 1));
    ti->set_ptrdata(8 * t);
    ti->set_flags(t == 0 ? kTypeNoscan : kTypeNeedzero);
  }
  return h;
}

// Every kind, with values at the edges of their encodings: p = -1, times
// going backwards and near the ends of int64, deaths with and without a
// bound, objects far apart, every reference tag with negative and
// full-width fields.
std::vector<Ev> TestEvents() {
  std::vector<Ev> evs;
  const int64_t times[] = {5, 3, 1000000000000, INT64_MIN, INT64_MAX, 0, -7};
  uint64_t allocs = 0;
  for (int round = 0; round < 7; round++) {
    evs.push_back({EventKind::kGoStart, round % 2, uint64_t{1} << (8 * round), 0, 0, times[round]});
    evs.push_back({EventKind::kGoRun, round % 2 - 1, uint64_t{3} << (8 * round), 0, 0, times[(round + 5) % 7]});
    Ev stop{EventKind::kGoStop, round % 2, uint64_t{3} << (8 * round), 0, 0, times[(round + 6) % 7]};
    stop.args = {round == 3 ? INT64_MIN : round % 5 + 1};  // the reasons, and a wild one
    evs.push_back(stop);
    for (int i = 0; i < 5; i++) {
      evs.push_back({EventKind::kAlloc, i == 0 ? -1 : round % 2, static_cast<uint64_t>(round + 1),
                     static_cast<uint64_t>(1) << (3 * i + round), static_cast<uint32_t>(i % 3),
                     times[(round + i) % 7]});
      allocs++;
    }
    Ev death{EventKind::kDeath};
    death.object = allocs - 1 - round % 3;
    death.earliest = round % 2 == 0 ? kNoEarliest : evs.size() - 1;
    evs.push_back(death);
    Ev death2{EventKind::kDeath};
    death2.object = 5 * static_cast<uint64_t>(round) + 1;  // below the previous one: a negative delta
    death2.earliest = round % 3 == 0 ? 0 : kNoEarliest;
    evs.push_back(death2);
    Ev edge{EventKind::kEdge};
    edge.object = allocs - 1;
    edge.target = 0;
    evs.push_back(edge);
    Ev gc{EventKind::kGc};
    gc.args = {round + 1};
    evs.push_back(gc);
    for (int t = 0; t < kNumRefTags; t++) {
      if (static_cast<RefTag>(t) == RefTag::kA) continue;
      Ev ref{RefKind(static_cast<RefTag>(t))};
      for (int k = 0; k < RefSchemaOf(static_cast<RefTag>(t)).fields(); k++) {
        ref.args.push_back(k % 3 == 0 ? -k - round : k % 3 == 1 ? INT64_MAX - round : int64_t{1} << (k + round));
      }
      evs.push_back(ref);
    }
    evs.push_back({EventKind::kGoExit, round % 2, uint64_t{1} << (8 * round), 0, 0, times[(round + 3) % 7]});
  }
  return evs;
}

absl::Status Write(const std::string& path, const std::vector<Ev>& evs, const TraceWriterOptions& opts) {
  absl::StatusOr<std::unique_ptr<TraceWriter>> w = TraceWriter::Create(path, TestHeader(), opts);
  if (!w.ok()) return w.status();
  for (const Ev& e : evs) {
    switch (e.kind) {
      case EventKind::kAlloc:
        (*w)->Alloc(e.p, e.g, e.size, e.type, e.time);
        break;
      case EventKind::kGoStart:
        (*w)->GoStart(e.p, e.g, e.time);
        break;
      case EventKind::kGoExit:
        (*w)->GoExit(e.p, e.g, e.time);
        break;
      case EventKind::kGoRun:
        (*w)->GoRun(e.p, e.g, e.time);
        break;
      case EventKind::kGoStop:
        (*w)->GoStop(e.p, e.g, e.time, e.args[0]);
        break;
      case EventKind::kDeath:
        (*w)->Death(e.object, e.earliest);
        break;
      case EventKind::kEdge:
        (*w)->Edge(e.object, e.target);
        break;
      case EventKind::kGc:
        (*w)->Gc(static_cast<uint64_t>(e.args[0]));
        break;
      default:
        (*w)->Ref(RefTagOf(e.kind), e.args.data());
        break;
    }
  }
  return (*w)->Finish();
}

// Reads every event, checking each against `want`.
void ExpectEvents(const std::string& path, const std::vector<Ev>& want) {
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->header().version(), kTraceVersion);
  EXPECT_EQ((*r)->header().source(), "test");
  EXPECT_EQ((*r)->header().types_size(), 3);
  TraceEvent ev;
  uint64_t allocs = 0;
  int64_t last_time = 0;
  for (size_t i = 0; i < want.size(); i++) {
    absl::StatusOr<bool> more = (*r)->Next(&ev);
    ASSERT_TRUE(more.ok()) << more.status();
    ASSERT_TRUE(*more) << "ended after " << i << " events";
    const Ev& w = want[i];
    ASSERT_EQ(ev.kind, w.kind) << i;
    EXPECT_EQ(ev.index, i);
    switch (w.kind) {
      case EventKind::kAlloc:
        EXPECT_EQ(ev.object, allocs++) << i;
        EXPECT_EQ(ev.size, w.size) << i;
        EXPECT_EQ(ev.type, w.type) << i;
        [[fallthrough]];
      case EventKind::kGoStart:
      case EventKind::kGoExit:
      case EventKind::kGoRun:
        EXPECT_EQ(ev.p, w.p) << i;
        EXPECT_EQ(ev.g, w.g) << i;
        EXPECT_EQ(ev.time, w.time) << i;
        last_time = w.time;
        break;
      case EventKind::kGoStop:
        EXPECT_EQ(ev.p, w.p) << i;
        EXPECT_EQ(ev.g, w.g) << i;
        EXPECT_EQ(ev.time, w.time) << i;
        ASSERT_EQ(ev.nargs, 1) << i;
        EXPECT_EQ(ev.args[0], w.args[0]) << i;
        last_time = w.time;
        break;
      case EventKind::kDeath:
        EXPECT_EQ(ev.object, w.object) << i;
        EXPECT_EQ(ev.earliest, w.earliest) << i;
        EXPECT_EQ(ev.time, last_time) << i;
        break;
      case EventKind::kEdge:
        EXPECT_EQ(ev.object, w.object) << i;
        EXPECT_EQ(ev.target, w.target) << i;
        break;
      default:
        ASSERT_EQ(ev.nargs, static_cast<int>(w.args.size())) << i;
        for (int k = 0; k < ev.nargs; k++) EXPECT_EQ(ev.args[k], w.args[k]) << i << " arg " << k;
        break;
    }
  }
  absl::StatusOr<bool> more = (*r)->Next(&ev);
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_FALSE(*more);
  EXPECT_EQ((*r)->footer().events(), want.size());
  EXPECT_EQ((*r)->footer().events_by_kind(static_cast<int>(EventKind::kAlloc)), allocs);
  EXPECT_EQ((*r)->footer().allocations_without_death(), allocs - 14);  // two deaths a round
  // Errors and ends are sticky.
  more = (*r)->Next(&ev);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST(TraceRoundTrip, EveryKindAcrossChunkSizesPlainAndGzip) {
  const std::vector<Ev> evs = TestEvents();
  for (uint32_t chunk : {1u, 7u, 64u, kDefaultChunkEvents}) {
    for (bool gz : {false, true}) {
      SCOPED_TRACE(absl::StrCat("chunk ", chunk, gz ? " gzip" : " plain"));
      const std::string path = TmpPath(absl::StrCat("rt_", chunk, gz ? ".trace.gz" : ".trace"));
      TraceWriterOptions o;
      o.chunk_events = chunk;
      o.gzip = gz;
      ASSERT_TRUE(Write(path, evs, o).ok());
      const std::string bytes = ReadBytes(path);
      if (gz) {
        EXPECT_EQ(bytes.substr(0, 2), "\x1f\x8b");
      } else {
        EXPECT_EQ(bytes.substr(0, kTraceMagic.size()), kTraceMagic);
      }
      ExpectEvents(path, evs);
    }
  }
}

// ForEach gives what Next gives, event for event, and reports errors.
TEST(TraceRoundTrip, ForEachAgreesWithNext) {
  const std::string path = TmpPath("foreach.trace");
  TraceWriterOptions o;
  o.chunk_events = 7;
  ASSERT_TRUE(Write(path, TestEvents(), o).ok());
  auto key = [](const TraceEvent& e) {
    std::string k = absl::StrCat(static_cast<int>(e.kind), " ", e.index, " ", e.time);
    switch (e.kind) {
      case EventKind::kAlloc:
        absl::StrAppend(&k, " ", e.size, " ", e.type, " ", e.object);
        [[fallthrough]];
      case EventKind::kGoStart:
      case EventKind::kGoExit:
        absl::StrAppend(&k, " ", e.p, " ", e.g);
        break;
      case EventKind::kDeath:
        absl::StrAppend(&k, " ", e.object, " ", e.earliest);
        break;
      case EventKind::kEdge:
        absl::StrAppend(&k, " ", e.object, " ", e.target);
        break;
      default:
        for (int j = 0; j < e.nargs; j++) absl::StrAppend(&k, " ", e.args[j]);
        break;
    }
    return k;
  };
  std::vector<std::string> by_next, by_foreach;
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(path);
  ASSERT_TRUE(r.ok());
  TraceEvent ev;
  // A few with Next first: ForEach continues from there.
  for (int i = 0; i < 10; i++) {
    ASSERT_TRUE(*(*r)->Next(&ev));
    by_next.push_back(key(ev));
    by_foreach.push_back(key(ev));
  }
  ASSERT_TRUE((*r)->ForEach([&](const TraceEvent& e) { by_foreach.push_back(key(e)); }).ok());
  absl::StatusOr<std::unique_ptr<TraceReader>> r2 = TraceReader::Open(path);
  ASSERT_TRUE(r2.ok());
  for (int i = 0; i < 10; i++) ASSERT_TRUE(*(*r2)->Next(&ev));
  while (*(*r2)->Next(&ev)) by_next.push_back(key(ev));
  EXPECT_EQ(by_foreach, by_next);
  EXPECT_EQ(by_next.size(), TestEvents().size());

  const std::string bytes = ReadBytes(path);
  WriteBytes(path, bytes.substr(0, bytes.size() - 5));
  absl::StatusOr<std::unique_ptr<TraceReader>> cut = TraceReader::Open(path);
  ASSERT_TRUE(cut.ok());
  const absl::Status st = (*cut)->ForEach([](const TraceEvent&) {});
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
}

TEST(TraceRoundTrip, EmptyTrace) {
  const std::string path = TmpPath("empty.trace");
  ASSERT_TRUE(Write(path, {}, {}).ok());
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  TraceEvent ev;
  absl::StatusOr<bool> more = (*r)->Next(&ev);
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_FALSE(*more);
  EXPECT_EQ((*r)->footer().chunks(), 0u);
}

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  return names;
}

TEST(TraceWriter, FileAppearsOnlyWhenFinished) {
  const std::string dir = TmpPath("atomic");
  ASSERT_EQ(system(absl::StrCat("rm -rf '", dir, "' && mkdir -p '", dir, "'").c_str()), 0);
  const std::string path = dir + "/t.trace";
  {
    absl::StatusOr<std::unique_ptr<TraceWriter>> w = TraceWriter::Create(path, TestHeader());
    ASSERT_TRUE(w.ok()) << w.status();
    (*w)->Alloc(0, 1, 8, 0, 1);
    EXPECT_EQ(DirEntries(dir).size(), 1u);  // the temporary file only
    EXPECT_NE(DirEntries(dir)[0], "t.trace");
  }  // abandoned: no Finish()
  EXPECT_TRUE(DirEntries(dir).empty());
  absl::StatusOr<std::unique_ptr<TraceWriter>> w = TraceWriter::Create(path, TestHeader());
  ASSERT_TRUE(w.ok());
  (*w)->Alloc(0, 1, 8, 0, 1);
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"t.trace"});

  absl::StatusOr<std::unique_ptr<TraceWriter>> bad = TraceWriter::Create(TmpPath("no/such/dir/t.trace"), TestHeader());
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(HasSubstr(std::string(bad.status().message()), "no/such/dir/t.trace"));
}

// Opens and reads to the end; the first error.
absl::Status ReadToEnd(const std::string& path) {
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(path);
  if (!r.ok()) return r.status();
  TraceEvent ev;
  for (;;) {
    absl::StatusOr<bool> more = (*r)->Next(&ev);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
}

void ExpectError(const absl::Status& st, absl::StatusCode code, const std::string& path, const std::string& what) {
  ASSERT_FALSE(st.ok()) << path;
  EXPECT_EQ(st.code(), code) << st;
  EXPECT_TRUE(HasSubstr(std::string(st.message()), path));
  EXPECT_TRUE(HasSubstr(std::string(st.message()), what));
}

TEST(TraceReaderErrors, MissingFileNotATraceAndUnknownVersion) {
  const std::string missing = TmpPath("missing.trace");
  ExpectError(ReadToEnd(missing), absl::StatusCode::kNotFound, missing, "missing.trace");

  const std::string text = TmpPath("text.trace");
  WriteBytes(text, "hello world, this is not a trace\n");
  ExpectError(ReadToEnd(text), absl::StatusCode::kInvalidArgument, text, "not a gogcsim trace");
  const std::string empty = TmpPath("empty_file.trace");
  WriteBytes(empty, "");
  ExpectError(ReadToEnd(empty), absl::StatusCode::kInvalidArgument, empty, "not a gogcsim trace");

  // A version-3 header: the magic, frame type 1, length, the message.
  v1::Header h = TestHeader();
  h.set_version(3);
  const std::string msg = h.SerializeAsString();
  ASSERT_LT(msg.size(), 128u);
  const std::string v3 = TmpPath("v3.trace");
  WriteBytes(v3, std::string(kTraceMagic) + '\x01' + static_cast<char>(msg.size()) + msg);
  ExpectError(ReadToEnd(v3), absl::StatusCode::kFailedPrecondition, v3,
              "version 3 is not supported (this gogcsim reads versions 1 to 2)");
}

TEST(TraceReaderErrors, EveryTruncationIsAnError) {
  // The first round of events (a cut per byte, so keep it short), in chunks
  // of 16 events.
  const std::string whole = TmpPath("whole.trace");
  TraceWriterOptions o;
  o.chunk_events = 16;
  const std::vector<Ev> all = TestEvents();
  const std::vector<Ev> evs(all.begin(), all.begin() + 40);
  ASSERT_TRUE(Write(whole, evs, o).ok());
  const std::string bytes = ReadBytes(whole);
  const std::string cut = TmpPath("cut.trace");
  for (size_t n = 0; n < bytes.size(); n++) {
    WriteBytes(cut, bytes.substr(0, n));
    const absl::Status st = ReadToEnd(cut);
    ASSERT_FALSE(st.ok()) << "cut at " << n << " of " << bytes.size();
    ASSERT_TRUE(HasSubstr(std::string(st.message()), cut)) << st;
    if (n >= kTraceMagic.size()) {
      ASSERT_EQ(st.code(), absl::StatusCode::kDataLoss) << "cut at " << n << ": " << st;
    }
  }
  // Cut right before the footer frame: a file the writer did not finish.
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(whole);
  ASSERT_TRUE(r.ok());
  TraceEvent ev;
  while (*(*r)->Next(&ev)) {
  }
  // type, one-byte length, message, crc32
  const size_t footer_bytes = 2 + (*r)->footer().ByteSizeLong() + 4;
  ASSERT_LT((*r)->footer().ByteSizeLong(), 128u);
  WriteBytes(cut, bytes.substr(0, bytes.size() - footer_bytes));
  ExpectError(ReadToEnd(cut), absl::StatusCode::kDataLoss, cut, "truncated: no footer");

  // Bytes after the footer.
  WriteBytes(cut, bytes + "x");
  ExpectError(ReadToEnd(cut), absl::StatusCode::kDataLoss, cut, "data after the footer");

  // A gzip file cut short.
  o.gzip = true;
  const std::string gz = TmpPath("whole.trace.gz");
  ASSERT_TRUE(Write(gz, evs, o).ok());
  const std::string gzbytes = ReadBytes(gz);
  WriteBytes(cut, gzbytes.substr(0, gzbytes.size() / 2));
  ExpectError(ReadToEnd(cut), absl::StatusCode::kDataLoss, cut, "gzip");
}

// A single-bit flip anywhere in a trace is an error (a per-frame crc32),
// and a flip inside a chunk names the chunk. Before version 2, most flips read as
// a different, valid trace.
TEST(TraceReaderErrors, EveryBitFlipIsAnError) {
  const std::string whole = TmpPath("flip_whole.trace");
  TraceWriterOptions o;
  o.chunk_events = 16;
  const std::vector<Ev> all = TestEvents();
  const std::vector<Ev> evs(all.begin(), all.begin() + 40);
  ASSERT_TRUE(Write(whole, evs, o).ok());
  const std::string bytes = ReadBytes(whole);
  ASSERT_TRUE(ReadToEnd(whole).ok());
  const std::string flipped = TmpPath("flipped.trace");
  int chunk_named = 0;
  // One bit of every byte (a different one from byte to byte: all eight
  // bits of every byte take too long under the sanitizers).
  for (size_t n = 0; n < bytes.size(); n++) {
    const int bit = static_cast<int>(n % 8);
    std::string b = bytes;
    b[n] = static_cast<char>(b[n] ^ (1 << bit));
    WriteBytes(flipped, b);
    const absl::Status st = ReadToEnd(flipped);
    ASSERT_FALSE(st.ok()) << "bit " << bit << " of byte " << n << " flipped unnoticed";
    chunk_named += HasSubstr(std::string(st.message()), "checksum mismatch") &&
                   HasSubstr(std::string(st.message()), ": chunk ");
  }
  EXPECT_GT(chunk_named, 0);
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(whole);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->header().version(), 2u);
}

// Reads path to the end, its chunks' checksums trusted as `crcs`: the
// error, or OK and the chunks' stored checksums.
absl::StatusOr<std::vector<uint32_t>> ReadTrusting(const std::string& path, std::vector<uint32_t> crcs) {
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(path);
  if (!r.ok()) return r.status();
  (*r)->TrustChunkCrcs(std::move(crcs));
  TraceEvent ev;
  for (;;) {
    absl::StatusOr<bool> more = (*r)->Next(&ev);
    if (!more.ok()) return more.status();
    if (!*more) return (*r)->chunk_crcs();
  }
}

// A second read trusts the first's checksums, and a file that is not the
// one first read (other chunks, fewer or more) is an error all the same.
TEST(TraceReaderErrors, TrustedChecksumsMustBeTheFirstReadsOnes) {
  TraceWriterOptions o;
  o.chunk_events = 16;
  const std::vector<Ev> all = TestEvents();
  const std::string a = TmpPath("trusted_a.trace");
  ASSERT_TRUE(Write(a, std::vector<Ev>(all.begin(), all.begin() + 48), o).ok());
  absl::StatusOr<std::unique_ptr<TraceReader>> first = TraceReader::Open(a);
  ASSERT_TRUE(first.ok());
  TraceEvent ev;
  for (absl::StatusOr<bool> more = true; *more;) {
    more = (*first)->Next(&ev);
    ASSERT_TRUE(more.ok()) << more.status();
  }
  const std::vector<uint32_t> crcs = (*first)->chunk_crcs();
  ASSERT_EQ(crcs.size(), 3u);  // 48 events, 16 a chunk

  absl::StatusOr<std::vector<uint32_t>> again = ReadTrusting(a, crcs);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, crcs);

  // Another trace: its first chunk differs.
  const std::string b = TmpPath("trusted_b.trace");
  std::vector<Ev> changed(all.begin(), all.begin() + 48);
  changed[0].time++;
  ASSERT_TRUE(Write(b, changed, o).ok());
  absl::StatusOr<std::vector<uint32_t>> other = ReadTrusting(b, crcs);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(HasSubstr(std::string(other.status().message()), "chunk 0: crc32"));
  EXPECT_TRUE(HasSubstr(std::string(other.status().message()), "the file changed while it was read"));

  // The same chunks and one more, or one fewer.
  ASSERT_TRUE(Write(b, std::vector<Ev>(all.begin(), all.begin() + 50), o).ok());
  other = ReadTrusting(b, crcs);
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(HasSubstr(std::string(other.status().message()), "chunk 3: crc32")) << other.status();
  EXPECT_TRUE(HasSubstr(std::string(other.status().message()), "no such chunk")) << other.status();
  ASSERT_TRUE(Write(b, std::vector<Ev>(all.begin(), all.begin() + 32), o).ok());
  other = ReadTrusting(b, crcs);
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(HasSubstr(std::string(other.status().message()), "footer after 2 chunks, 3 when first read"))
      << other.status();
}

TEST(TraceReaderErrors, CorruptChunksAndFooters) {
  // One chunk of one ALLOC, built by hand so its columns can be broken: a
  // version-1 file (no checksums), which readers still read.
  auto file = [](const v1::Chunk& chunk, const v1::Footer& footer) {
    std::string s(kTraceMagic);
    v1::Header h = TestHeader();
    h.set_version(1);
    for (const auto& [type, msg] : {std::pair<char, std::string>{'\x01', h.SerializeAsString()},
                                    {'\x02', chunk.SerializeAsString()},
                                    {'\x03', footer.SerializeAsString()}}) {
      s += type;
      s += static_cast<char>(msg.size());  // all under 128 bytes
      s += msg;
    }
    return s;
  };
  v1::Chunk chunk;
  chunk.add_kind(0);
  chunk.add_time_delta(10);
  chunk.add_p(0);
  chunk.add_g(1);
  chunk.add_size(8);
  chunk.add_type(2);
  v1::Footer footer;
  footer.set_events(1);
  footer.set_chunks(1);
  for (int k = 0; k < kNumEventKinds; k++) footer.add_events_by_kind(k == 0 ? 1 : 0);
  footer.set_alloc_bytes(8);
  footer.set_allocations_without_death(1);
  const std::string path = TmpPath("corrupt.trace");
  WriteBytes(path, file(chunk, footer));
  ASSERT_TRUE(ReadToEnd(path).ok()) << ReadToEnd(path);  // the unbroken file

  struct Case {
    const char* what;
    std::function<void(v1::Chunk*, v1::Footer*)> breakit;
  } cases[] = {
      {"column size has 0 entries, the events need 1", [](v1::Chunk* c, v1::Footer*) { c->clear_size(); }},
      {"column g has 2 entries", [](v1::Chunk* c, v1::Footer*) { c->add_g(2); }},
      {"unknown event kind 33", [](v1::Chunk* c, v1::Footer*) { c->set_kind(0, 33); }},
      {"unknown event kind 77", [](v1::Chunk* c, v1::Footer*) { c->set_kind(0, 77); }},
      {"type index 3 outside", [](v1::Chunk* c, v1::Footer*) { c->set_type(0, 3); }},
      {"first_event 5, want 0", [](v1::Chunk* c, v1::Footer*) { c->set_first_event(5); }},
      {"first_alloc 1, want 0", [](v1::Chunk* c, v1::Footer*) { c->set_first_alloc(1); }},
      {"no events", [](v1::Chunk* c, v1::Footer*) { c->Clear(); }},
      {"object id 1 but only 1 allocations",
       [](v1::Chunk* c, v1::Footer*) {
         c->add_kind(3);
         c->add_object_delta(1);
         c->add_earliest_delta(0);
       }},
      {"footer says 2 events, the file has 1", [](v1::Chunk*, v1::Footer* f) { f->set_events(2); }},
      {"footer says 9 allocated bytes", [](v1::Chunk*, v1::Footer* f) { f->set_alloc_bytes(9); }},
      {"footer says 0 ALLOC events", [](v1::Chunk*, v1::Footer* f) { f->set_events_by_kind(0, 0); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    v1::Chunk ch = chunk;
    v1::Footer f = footer;
    c.breakit(&ch, &f);
    WriteBytes(path, file(ch, f));
    ExpectError(ReadToEnd(path), absl::StatusCode::kDataLoss, path, c.what);
  }
}

}  // namespace
}  // namespace gogcsim::traces
