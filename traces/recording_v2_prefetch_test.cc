#include "traces/recording_v2_prefetch.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "traces/recording_v2_test_writer.h"

namespace gogcsim::traces {
namespace {

std::vector<std::unique_ptr<RecordingV2Reader>> Readers(std::unique_ptr<RecordingV2Reader> a,
                                                        std::unique_ptr<RecordingV2Reader> b = nullptr) {
  std::vector<std::unique_ptr<RecordingV2Reader>> v;
  v.push_back(std::move(a));
  if (b != nullptr) v.push_back(std::move(b));
  return v;
}

struct Read {
  std::vector<V2Record> records;
  absl::Status status;
};

// Every record of path, from the reader itself or through a prefetch;
// `whole`: with AZ records and FB words kept whole (whose indexes jump).
Read ReadAll(const std::string& path, bool prefetch, bool whole = false) {
  Read out;
  absl::StatusOr<std::unique_ptr<RecordingV2Reader>> r = RecordingV2Reader::Open(path);
  if (!r.ok()) {
    out.status = r.status();
    return out;
  }
  if (whole) {
    (*r)->KeepAZ();
    (*r)->KeepBits();
  }
  std::unique_ptr<RecordingV2Prefetch> pf;
  if (prefetch) pf = std::make_unique<RecordingV2Prefetch>(Readers(std::move(*r)));
  for (V2Record v;;) {
    absl::StatusOr<bool> more = prefetch ? pf->Next(&v) : (*r)->Next(&v);
    if (!more.ok()) {
      out.status = more.status();
      return out;
    }
    if (!*more) return out;
    out.records.push_back(v);
  }
}

void ExpectSame(const Read& want, const Read& got, const std::string& what) {
  EXPECT_EQ(got.status, want.status) << what;
  ASSERT_EQ(got.records.size(), want.records.size()) << what;
  for (size_t i = 0; i < got.records.size(); i++) {
    const V2Record &a = want.records[i], &b = got.records[i];
    EXPECT_EQ(b.index, a.index) << what << " " << i;
    EXPECT_EQ(b.tag, a.tag) << what << " " << i;
    EXPECT_EQ(b.m, a.m) << what << " " << i;
    EXPECT_EQ(b.seq, a.seq) << what << " " << i;
    EXPECT_EQ(b.offset, a.offset) << what << " " << i;
    EXPECT_EQ(b.global, a.global) << what << " " << i;
    EXPECT_EQ(b.p, a.p) << what << " " << i;
    EXPECT_EQ(b.g, a.g) << what << " " << i;
    EXPECT_EQ(b.n, a.n) << what << " " << i;
    EXPECT_EQ(std::vector<int64_t>(b.v, b.v + 16), std::vector<int64_t>(a.v, a.v + 16)) << what << " " << i;
  }
}

// The fuzz corpus, valid and invalid files alike: the same records and the
// same error as the reader gives.
TEST(RecordingV2Prefetch, GivesTheReadersRecordsAndErrors) {
  int files = 0, errors = 0;
  for (const auto& e : std::filesystem::directory_iterator("traces/testdata/fuzz/recording")) {
    const std::string path = e.path().string();
    const Read want = ReadAll(path, false);
    ExpectSame(want, ReadAll(path, true), path);
    ExpectSame(ReadAll(path, false, true), ReadAll(path, true, true), path + " (whole)");
    files++;
    errors += want.status.ok() ? 0 : 1;
  }
  EXPECT_GT(files, 5);
  EXPECT_GT(errors, 0);
}

// Enough records for several batches, and a file that fails after them.
TEST(RecordingV2Prefetch, ManyBatches) {
  Writer w;
  const int kZ = V2TagOf("Z");
  std::string body = Writer::FileHead();
  constexpr int kChunks = 12, kPer = 1000;
  uint64_t seq = 0;
  for (int c = 0; c < kChunks; c++) {
    std::vector<Writer::Rec> recs;
    for (int k = 0; k < kPer; k++) recs.push_back({seq++, c % 3, c, kZ, {int64_t{4096} * k + c}});
    body += w.Chunk(static_cast<uint32_t>(c % 3), recs);
  }
  const std::string good = Write("many.rec", body + w.End(seq, seq));
  const Read want = ReadAll(good, false);
  ASSERT_TRUE(want.status.ok()) << want.status;
  ASSERT_EQ(want.records.size(), size_t{kChunks * kPer});
  ASSERT_GT(want.records.size(), 2 * RecordingV2Prefetch::kBatch);
  ExpectSame(want, ReadAll(good, true), "many");

  const std::string cut = Write("many-cut.rec", body);  // no end chunk
  const Read cut_want = ReadAll(cut, false);
  EXPECT_FALSE(cut_want.status.ok());
  EXPECT_EQ(cut_want.records.size(), size_t{kChunks * kPer});
  ExpectSame(cut_want, ReadAll(cut, true), "cut");
}

// Two lanes, a full reader and a filtered one of the same file, read in
// turn as a replay reads them: each gives its own reader's records.
TEST(RecordingV2Prefetch, LanesAreTheirReaders) {
  const int kMT = V2TagOf("MT"), kZ = V2TagOf("Z");
  // Many batches of each: every 10th record an MT, the rest Z and F.
  Writer w;
  std::string body = Writer::FileHead();
  uint64_t seq = 0, records = 0;
  for (int c = 0; c < 12; c++) {
    std::vector<Writer::Rec> recs;
    for (int k = 0; k < 1000; k++) {
      const int64_t v = int64_t{8192} * c + 8 * k;
      if (k % 10 == 0) {
        recs.push_back({seq++, c % 2, 1, kMT, {v, 1}});
      } else {
        recs.push_back({0, c % 2, 1, k % 2 == 0 ? kZ : kV2TagF, {v}, true});
      }
    }
    records += recs.size();
    body += w.Chunk(static_cast<uint32_t>(c % 2), recs);
  }
  const std::string many = Write("lanes.rec", body + w.End(seq, records));
  for (const std::string& path : {std::string("traces/testdata/fuzz/recording/two-ms-every-tag.rec"),
                                  std::string("traces/testdata/fuzz/recording/konep.rec"), many}) {
    auto full = RecordingV2Reader::Open(path);
    auto scout = RecordingV2Reader::Open(path);
    ASSERT_TRUE(full.ok() && scout.ok());
    (*scout)->KeepOnly({kMT, kV2TagF, kV2TagMO});
    RecordingV2Prefetch pf(Readers(std::move(*full), std::move(*scout)));
    Read got[2];
    for (bool more[2] = {true, true}; more[0] || more[1];) {
      for (size_t lane = 0; lane < 2; lane++) {
        for (int k = 0; k < (lane == 0 ? 7 : 1) && more[lane]; k++) {
          V2Record v;
          absl::StatusOr<bool> m = pf.Next(&v, lane);
          ASSERT_TRUE(m.ok()) << m.status();
          more[lane] = *m;
          if (*m) got[lane].records.push_back(v);
        }
      }
    }
    const Read want = ReadAll(path, false);
    ExpectSame(want, got[0], path);
    Read want_scout;
    for (const V2Record& r : want.records) {
      if (r.tag == kMT || r.tag == kV2TagF || r.tag == kV2TagMO) want_scout.records.push_back(r);
    }
    ASSERT_EQ(got[1].records.size(), want_scout.records.size()) << path;
    EXPECT_GT(got[1].records.size(), 0u) << path;
    for (size_t i = 0; i < got[1].records.size(); i++) {
      EXPECT_EQ(got[1].records[i].tag, want_scout.records[i].tag);
      EXPECT_EQ(got[1].records[i].v[0], want_scout.records[i].v[0]);
    }
  }
}

// A caller that stops early: the thread stops too (the test would hang).
TEST(RecordingV2Prefetch, StopsWhenDestroyedEarly) {
  Writer w;
  const int kZ = V2TagOf("Z");
  std::vector<Writer::Rec> recs;
  for (uint64_t k = 0; k < 3 * RecordingV2Prefetch::kBatch * RecordingV2Prefetch::kAhead; k++) {
    recs.push_back({k, 0, 1, kZ, {static_cast<int64_t>(k)}});
  }
  const std::string path = Write("early.rec", Writer::FileHead() + w.Chunk(0, recs) + w.End(recs.size(), recs.size()));
  auto r = RecordingV2Reader::Open(path);
  ASSERT_TRUE(r.ok());
  RecordingV2Prefetch pf(Readers(std::move(*r)));
  absl::StatusOr<const V2Record*> first = pf.NextRecord();
  ASSERT_TRUE(first.ok());
  ASSERT_NE(*first, nullptr);
  EXPECT_EQ((*first)->v[0], 0);
}

}  // namespace
}  // namespace gogcsim::traces
