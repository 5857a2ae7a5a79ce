#include "traces/record_checker.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "traces/reference_reader.h"

namespace gogcsim::traces {
namespace {

// What the checker says about each line in turn (one checker for all).
std::vector<std::string> CheckLines(const std::vector<std::string>& lines) {
  RecordChecker checker;
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    RefRecord rec;
    const absl::Status st = ParseReferenceLine(line, &rec);
    EXPECT_TRUE(st.ok()) << line << ": " << st;
    out.push_back(checker.Check(rec));
  }
  return out;
}

std::string CheckLine(const std::string& line) { return CheckLines({line}).back(); }

constexpr char kHeader[] = "H 1 100 4194304 842350460928 842351509504 1826980060894";

TEST(RecordCheckerTest, RecordsOfARealRecordingPass) {
  for (const std::string& s : CheckLines({"A -1 0 376 376 360 4 1826978379821", "MA 842350469120 4", kHeader,
                                          "A 0 1 104 8 0 5 1826981054971", "GS 1 0 0 4194304 1826981054971",
                                          "W D 4096", "C S -4096", "AT 1000", "MF 842350469120 4"})) {
    EXPECT_EQ(s, "");
  }
}

// The crashes: each of these used to reach the simulated heap.
TEST(RecordCheckerTest, AllocationSizeBeyondMaxMem) {
  EXPECT_EQ(CheckLine("A 0 1 2199023255552 0 0 3 1826981054971"),
            "A field 2 (size): 2199023255552 outside [0, 549755813887] (Go 1.10's _MaxMem)");
  EXPECT_EQ(CheckLine("A 0 1 549755813887 0 0 3 1826981054971"), "");
}

TEST(RecordCheckerTest, PBeyondGomaxprocs) {
  EXPECT_EQ(CheckLine("A 2147483648 1 8 8 0 5 1"), "A field 0 (p): 2147483648 outside [-1, 255] (-1: no P; else below GOMAXPROCS)");
  EXPECT_NE(CheckLine("A 4611686018427387904 1 8 8 0 5 1"), "");
  EXPECT_NE(CheckLine("A 1000000 1 8 8 0 5 1"), "");
  EXPECT_NE(CheckLine("A -2 1 8 8 0 5 1"), "");
  // After the header, below its GOMAXPROCS (1 here).
  EXPECT_EQ(CheckLines({kHeader, "A 1 1 8 8 0 5 1826980060894"}).back(),
            "A field 0 (p): 1 outside [-1, 0] (-1: no P; else below GOMAXPROCS)");
}

TEST(RecordCheckerTest, ManualSpanPages) {
  EXPECT_EQ(CheckLine("MA 842350469120 -1"), "MA field 1 (npages): -1 outside [1, 131072] (a 1 GB stack)");
  EXPECT_EQ(CheckLine("MA 842350469120 0"), "MA field 1 (npages): 0 outside [1, 131072] (a 1 GB stack)");
  EXPECT_NE(CheckLine("MA 842350469120 1000000000"), "");
  EXPECT_NE(CheckLine("MF 842350469120 0"), "");
}

TEST(RecordCheckerTest, TimesWithinADayOfTheFirst) {
  const std::vector<std::string> r =
      CheckLines({"A -1 0 8 8 0 5 1826978379821", "A -1 0 8 8 0 5 4611686018427387904"});
  EXPECT_EQ(r[0], "");
  EXPECT_EQ(r[1],
            "A field 6 (time): 4611686018427387904 is more than 24 h (86400000000000 ns) from the first time of "
            "the file, 1826978379821");
  EXPECT_NE(CheckLine("A -1 0 8 8 0 5 -1"), "");
}

TEST(RecordCheckerTest, HeaderRanges) {
  EXPECT_NE(CheckLine("H 0 100 4194304 1 2 3"), "");
  EXPECT_NE(CheckLine("H 257 100 4194304 1 2 3"), "");
  EXPECT_NE(CheckLine("H 1 4294967296 4194304 1 2 3"), "");
  EXPECT_EQ(CheckLine("H 1 -1 4194304 1 2 3"), "");
}

// A source whose records are out of range stops with the file and line.
class VectorSource final : public RecordSource {
 public:
  explicit VectorSource(std::vector<std::string> lines) : lines_(std::move(lines)) {}
  absl::StatusOr<bool> Next(RefRecord* rec) override {
    if (next_ == lines_.size()) return false;
    if (absl::Status st = ParseReferenceLine(lines_[next_], rec); !st.ok()) return st;
    rec->line = ++next_;
    return true;
  }
  const std::string& path() const override { return path_; }
  uint64_t lines() const override { return next_; }

 private:
  std::vector<std::string> lines_;
  size_t next_ = 0;
  std::string path_ = "x.trace";
};

TEST(RecordCheckerTest, CheckRecordsNamesFileAndLine) {
  auto src = CheckRecords(std::make_unique<VectorSource>(
      std::vector<std::string>{"MA 842350469120 4", "MA 842350469120 0", "MA 842350469120 4"}));
  RefRecord rec;
  ASSERT_TRUE(*src->Next(&rec));
  absl::StatusOr<bool> bad = src->Next(&rec);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "x.trace:2: MA field 1 (npages): 0 outside [1, 131072] (a 1 GB stack)");
  EXPECT_FALSE(src->Next(&rec).ok());  // sticky
}

}  // namespace
}  // namespace gogcsim::traces
