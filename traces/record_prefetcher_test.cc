#include "traces/record_prefetcher.h"

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "traces/reference_reader.h"
#include "traces/test_util.h"

namespace gogcsim::traces {
namespace {

// A plain-text recording of n records: an A record then its Z, over and
// over, with the record's line number in a field so each text differs.
std::string WriteRecording(const std::string& name, uint64_t n, const std::string& bad_line = "",
                           uint64_t bad_at = 0) {
  const std::string path = TmpPath(name);
  std::ofstream out(path);
  for (uint64_t line = 1; line <= n; line++) {
    if (line == bad_at) {
      out << bad_line << "\n";
    } else if (line % 2 == 1) {
      out << "A 0 1 " << line << " 16 0 1 " << 1000 + line << "\n";
    } else {
      out << "Z " << 842350000000 + line << "\n";
    }
  }
  return path;
}

std::unique_ptr<RecordPrefetcher> Prefetch(const std::string& path) {
  absl::StatusOr<std::unique_ptr<ReferenceReader>> r = ReferenceReader::Open(path);
  EXPECT_TRUE(r.ok()) << r.status();
  return std::make_unique<RecordPrefetcher>(std::move(*r));
}

// Over several batches, the prefetcher gives exactly the reader's records,
// and texts stay valid until their batch is released.
TEST(RecordPrefetcherTest, GivesTheSourcesRecordsInOrder) {
  const uint64_t n = 3 * RecordPrefetcher::kBatchRecords + 17;
  const std::string path = WriteRecording("prefetch.rec", n);
  std::unique_ptr<RecordPrefetcher> got = Prefetch(path);
  absl::StatusOr<std::unique_ptr<ReferenceReader>> want = ReferenceReader::Open(path);
  ASSERT_TRUE(want.ok()) << want.status();
  EXPECT_EQ(got->path(), path);
  std::vector<const RefRecord*> kept;  // every record, unreleased
  std::vector<std::string> texts;
  const RefRecord* gp = nullptr;
  RefRecord w;
  uint64_t batch = 0, last_batch = 0;
  for (;;) {
    absl::StatusOr<bool> gm = got->Next(&gp, &batch);
    absl::StatusOr<bool> wm = (*want)->Next(&w);
    ASSERT_TRUE(gm.ok() && wm.ok());
    ASSERT_EQ(*gm, *wm) << "after " << texts.size() << " records";
    if (!*wm) break;
    const RefRecord& g = *gp;
    ASSERT_EQ(g.tag, w.tag);
    ASSERT_EQ(g.line, w.line);
    ASSERT_EQ(g.n, w.n);
    for (int k = 0; k < w.n; k++) ASSERT_EQ(g.v[k], w.v[k]) << "line " << w.line << " field " << k;
    ASSERT_EQ(g.text, w.text);
    // Batches are numbered in order, kBatchRecords records each.
    EXPECT_EQ(batch, (g.line - 1) / RecordPrefetcher::kBatchRecords);
    EXPECT_GE(batch, last_batch);
    last_batch = batch;
    kept.push_back(gp);
    texts.emplace_back(w.text);
    EXPECT_EQ(got->lines(), w.line);
  }
  EXPECT_EQ(kept.size(), n);
  EXPECT_EQ(last_batch, 3u);
  // Nothing released yet: every record is still there.
  for (size_t i = 0; i < kept.size(); i++) {
    ASSERT_EQ(kept[i]->line, i + 1);
    ASSERT_EQ(kept[i]->text, texts[i]) << "record " << i;
  }
  // The end is sticky.
  absl::StatusOr<bool> more = got->Next(&gp, &batch);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

// Released batches are reused; the records of batches still held stay.
TEST(RecordPrefetcherTest, ReleasedBatchesComeBackWithNewRecords) {
  const uint64_t n = 12 * RecordPrefetcher::kBatchRecords;
  const std::string path = WriteRecording("prefetch-release.rec", n);
  std::unique_ptr<RecordPrefetcher> got = Prefetch(path);
  const RefRecord* rec = nullptr;
  uint64_t batch = 0;
  std::vector<const RefRecord*> window;  // the last kBatchRecords records
  for (uint64_t line = 1; line <= n; line++) {
    absl::StatusOr<bool> more = got->Next(&rec, &batch);
    ASSERT_TRUE(more.ok() && *more);
    ASSERT_EQ(rec->line, line);
    window.push_back(rec);
    if (window.size() > RecordPrefetcher::kBatchRecords) window.erase(window.begin());
    got->ReleaseBefore(batch > 0 ? batch - 1 : 0);
    if (line % 1000 == 0) {
      for (const RefRecord* r : window) {
        const std::string want = r->line % 2 == 1
                                     ? absl::StrCat("A 0 1 ", r->line, " 16 0 1 ", 1000 + r->line)
                                     : absl::StrCat("Z ", 842350000000 + r->line);
        ASSERT_EQ(r->text, want);
        ASSERT_EQ(r->v[r->line % 2 == 1 ? 2 : 0], static_cast<int64_t>(r->line % 2 == 1 ? r->line : 842350000000 + r->line));
      }
    }
  }
}

// The source's error comes after the records before it, and stays.
TEST(RecordPrefetcherTest, GivesTheSourcesErrorAfterItsRecords) {
  const uint64_t bad_at = RecordPrefetcher::kBatchRecords + 5;
  const std::string path = WriteRecording("prefetch-bad.rec", 2 * RecordPrefetcher::kBatchRecords, "Z x", bad_at);
  std::unique_ptr<RecordPrefetcher> got = Prefetch(path);
  const RefRecord* rec = nullptr;
  uint64_t batch = 0, records = 0;
  absl::StatusOr<bool> more = true;
  while ((more = got->Next(&rec, &batch)).ok() && *more) records++;
  EXPECT_EQ(records, bad_at - 1);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasSubstr(std::string(more.status().message()), absl::StrCat(path, ":", bad_at, ": Z field 0")));
  absl::StatusOr<bool> again = got->Next(&rec, &batch);
  EXPECT_EQ(again.status(), more.status());
}

// Destroying the prefetcher early stops its thread (the test would hang
// otherwise).
TEST(RecordPrefetcherTest, StopsWhenDestroyedEarly) {
  const std::string path = WriteRecording("prefetch-early.rec", 10 * RecordPrefetcher::kBatchRecords);
  for (int reads : {0, 1, 5000}) {
    std::unique_ptr<RecordPrefetcher> got = Prefetch(path);
    const RefRecord* rec = nullptr;
    uint64_t batch = 0;
    for (int i = 0; i < reads; i++) ASSERT_TRUE(got->Next(&rec, &batch).ok());
    got.reset();
  }
}

}  // namespace
}  // namespace gogcsim::traces
