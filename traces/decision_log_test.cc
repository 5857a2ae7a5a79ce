#include "traces/decision_log.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

// IEEE-754: 0.5 is 0x3fe0000000000000; 0.1 is 0x3fb999999999999a and
// prints back as 0.1 (shortest round trip).
TEST(FloatJson, BitsAndShortestDecimal) {
  EXPECT_EQ(FloatJson(0.5), "{\"bits\":\"3fe0000000000000\",\"value\":0.5}");
  EXPECT_EQ(FloatJson(0.1), "{\"bits\":\"3fb999999999999a\",\"value\":0.1}");
}

void Feed(DecisionLog* log, int n) {
  for (int i = 0; i < n; i++) {
    model::ReviseDecision r{};
    r.t = i;
    r.gcpercent = 100;
    r.heap_live = 4 << 20;
    r.assistWorkPerByte = 0.5;
    r.assistBytesPerWork = 2;
    log->OnRevise(r);
    model::SetTriggerDecision s{};
    s.t = i;
    s.triggerRatio = 0.7;
    log->OnSetTrigger(s);
  }
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DecisionLog, StreamedBytesAreTheKeptBytes) {
  DecisionLog kept;
  Feed(&kept, 5000);  // about 2.5 MiB: the stream writes in several pieces
  ASSERT_GT(kept.text().size(), 2u << 20);
  const std::string path = testing::TempDir() + "/decisions.jsonl";
  DecisionLog streamed;
  ASSERT_TRUE(streamed.StreamTo(path).ok());
  Feed(&streamed, 5000);
  EXPECT_LT(streamed.text().size(), 1u << 21);  // never the whole log
  ASSERT_TRUE(streamed.Close().ok());
  EXPECT_EQ(Slurp(path), kept.text());
  EXPECT_EQ(streamed.records(), 10000u);
  EXPECT_THAT(kept.text(), testing::StartsWith("{\"seq\":0,\"t\":0,\"kind\":\"revise\","));
}

TEST(DecisionLog, CountingKeepsNoText) {
  DecisionLog counted(DecisionLog::Mode::kCount);
  Feed(&counted, 100);
  EXPECT_EQ(counted.records(), 200u);
  EXPECT_TRUE(counted.text().empty());
  EXPECT_TRUE(counted.Close().ok());
}

TEST(DecisionLog, AnUnwritableStreamIsAnError) {
  DecisionLog log;
  absl::Status st = log.StreamTo("/nonexistent-dir/decisions.jsonl");
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), testing::HasSubstr("/nonexistent-dir/decisions.jsonl"));
}

}  // namespace
}  // namespace gogcsim::traces
