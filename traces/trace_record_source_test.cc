#include "traces/trace_record_source.h"

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "traces/record_source.h"
#include "traces/reference_files.h"
#include "traces/reference_import.h"
#include "traces/reference_reader.h"
#include "traces/test_util.h"
#include "traces/trace_writer.h"

namespace gogcsim::traces {
namespace {

// Imports the recording (its first max_records records; 0: all), then reads
// the recording with ReferenceReader and the trace with TraceRecordSource,
// both through RecordSource, and compares them record for record.
void ExpectSameRecords(const std::string& name, uint64_t max_records) {
  absl::StatusOr<std::string> path = ReferenceFile(name + ".rec.gz");
  ASSERT_TRUE(path.ok()) << path.status();
  const std::string trace = TmpPath(name + ".trace");
  ReferenceImportOptions options;
  options.max_records = max_records;
  absl::StatusOr<ReferenceImportStats> stats = ImportReference(*path, trace, options);
  ASSERT_TRUE(stats.ok()) << stats.status();

  absl::StatusOr<std::unique_ptr<ReferenceReader>> ref = ReferenceReader::Open(*path);
  ASSERT_TRUE(ref.ok()) << ref.status();
  absl::StatusOr<std::unique_ptr<TraceRecordSource>> src = TraceRecordSource::Open(trace);
  ASSERT_TRUE(src.ok()) << src.status();
  RecordSource* want_src = ref->get();
  RecordSource* got_src = src->get();
  EXPECT_EQ(got_src->path(), trace);
  RefRecord want, got;
  uint64_t n = 0;
  for (;;) {
    absl::StatusOr<bool> got_more = got_src->Next(&got);
    ASSERT_TRUE(got_more.ok()) << got_more.status();
    if (max_records != 0 && n == max_records) {
      EXPECT_FALSE(*got_more) << "the trace has more than the " << max_records << " records imported";
      break;
    }
    absl::StatusOr<bool> want_more = want_src->Next(&want);
    ASSERT_TRUE(want_more.ok()) << want_more.status();
    ASSERT_EQ(*got_more, *want_more) << name << ": streams end at different records, after " << n;
    if (!*want_more) break;
    n++;
    // One ASSERT per record: the first difference stops the test.
    bool same = got.tag == want.tag && got.n == want.n && got.bar == want.bar && got.line == want.line &&
                got.text == want.text;
    for (int k = 0; same && k < want.n; k++) same = got.v[k] == want.v[k];
    ASSERT_TRUE(same) << name << " record " << n << ": recording line " << want.line << " \"" << want.text
                      << "\", trace gives line " << got.line << " \"" << got.text << "\" (tag "
                      << RefTagName(got.tag) << ", " << got.n << " fields)";
    ASSERT_EQ(got_src->lines(), want_src->lines());
  }
  EXPECT_EQ(n, stats->records);
  if (max_records != 0) {
    EXPECT_EQ(n, max_records);
  }
}

// Two whole recordings: one P (tiny blocks, large objects, 76 cycles) and two
// Ps (interleaved records, a recording that ends inside a sweep).
TEST(TraceRecordSource, ChurnP1WholeRecordingIsReproduced) { ExpectSameRecords("churn-p1", 0); }
TEST(TraceRecordSource, WorkersP2WholeRecordingIsReproduced) { ExpectSameRecords("workers-p2", 0); }

// The others: a prefix that spans several GC cycles (the first GS of each is
// before record 60,000).
TEST(TraceRecordSource, OtherRecordingsPrefixesAreReproduced) {
  for (const char* name : {"churn-p1-gogc200", "trees-p1", "phase-p1-gogc50"}) {
    SCOPED_TRACE(name);
    ExpectSameRecords(name, 400000);
  }
}

// Lines as the recordings have them: negative numbers, F64 fields, who
// letters, the '|'.
TEST(FormatRefLine, ReformatsParsedLinesExactly) {
  for (const char* line : {
           "A -1 0 376 376 360 4 1826978379821",
           "Z 842350460928",
           "C S -1232",
           "AE 1 2232 -4",
           "W N 2232",
           "MT 1826991519484 3fe1b9c9c0a91dd6",
           "PR 100 4259840 5308416 217736 0 | 3fba944000000000 40234364a702cb26",
           "PS 4194304 4194304 2236962 3fec000000000000 4259840 100 1 | 2236962 5308416 0 3fd0000000000000",
           "PT 3fec000000000000 100 0 0 4194304 1 0 0 0 | 3fec000000000000 4194304 4194304 0000000000000000 0 0",
           "SW 66 842350505984 5 1 340 0 0",
           "H 1 100 4194304 842350460928 842354655232 1826991000000",
       }) {
    RefRecord rec;
    ASSERT_TRUE(ParseReferenceLine(line, &rec).ok()) << line;
    char buf[kMaxRefFields * 21 + 16];
    EXPECT_EQ(std::string(buf, FormatRefLine(rec, buf)), line);
  }
}

// RecordText::kIfFree: a trace's records come without text (the same
// fields), a recording's with their lines all the same.
TEST(OpenRecordSource, TextOnlyIfFree) {
  absl::StatusOr<std::string> path = ReferenceFile("churn-p1.rec.gz");
  ASSERT_TRUE(path.ok()) << path.status();
  const std::string trace = TmpPath("churn-p1-text.trace");
  ReferenceImportOptions options;
  options.max_records = 2000;
  ASSERT_TRUE(ImportReference(*path, trace, options).ok());
  auto lines = OpenRecordSource(trace);
  auto bare = OpenRecordSource(trace, RecordText::kIfFree);
  auto recorded = OpenRecordSource(*path, RecordText::kIfFree);
  ASSERT_TRUE(lines.ok() && bare.ok() && recorded.ok());
  RefRecord want, got, rec;
  for (int i = 0; i < 2000; i++) {
    ASSERT_TRUE(*(*lines)->Next(&want));
    ASSERT_TRUE(*(*bare)->Next(&got));
    ASSERT_TRUE(*(*recorded)->Next(&rec));
    ASSERT_EQ(got.tag, want.tag);
    ASSERT_EQ(got.line, want.line);
    ASSERT_EQ(got.n, want.n);
    for (int k = 0; k < want.n; k++) ASSERT_EQ(got.v[k], want.v[k]) << "line " << want.line;
    ASSERT_TRUE(got.text.empty()) << "line " << want.line;
    ASSERT_EQ(rec.text, want.text);
  }
}

TEST(TraceRecordSource, RejectsTracesNotImportedFromReferenceRecordings) {
  const std::string path = TmpPath("afl.trace");
  v1::Header header;
  header.set_source("allocfreetrace");
  absl::StatusOr<std::unique_ptr<TraceWriter>> w = TraceWriter::Create(path, header);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->Finish().ok());
  absl::StatusOr<std::unique_ptr<TraceRecordSource>> src = TraceRecordSource::Open(path);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(HasSubstr(std::string(src.status().message()), path));
  EXPECT_TRUE(HasSubstr(std::string(src.status().message()), "allocfreetrace"));
}

}  // namespace
}  // namespace gogcsim::traces
