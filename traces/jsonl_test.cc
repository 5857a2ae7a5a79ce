#include "traces/jsonl.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

std::string WriteTmp(const std::string& name, const std::string& text) {
  const std::string p = (std::filesystem::path(::testing::TempDir()) / name).string();
  std::ofstream(p) << text;
  return p;
}

TEST(JsonLinesReaderTest, ReadsObjectsSkippingBlankLinesAndCountsLines) {
  const std::string p = WriteTmp("ok.jsonl", "{\"a\":1}\n\n{\"b\":2,\"a\":3}\n");
  JsonLinesReader r;
  ASSERT_TRUE(r.Open(p).ok());
  Json j;
  auto n = r.Next(&j);
  ASSERT_TRUE(n.ok() && *n);
  EXPECT_EQ(r.line(), 1u);
  EXPECT_EQ(j["a"], 1);
  n = r.Next(&j);
  ASSERT_TRUE(n.ok() && *n);
  EXPECT_EQ(r.line(), 3u);
  EXPECT_EQ(j.begin().key(), "b");  // file order kept
  n = r.Next(&j);
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(*n);
}

TEST(JsonLinesReaderTest, ErrorsNameFileAndLine) {
  const std::string p = WriteTmp("bad.jsonl", "{\"a\":1}\n{\"a\":\n");
  JsonLinesReader r;
  ASSERT_TRUE(r.Open(p).ok());
  Json j;
  ASSERT_TRUE(r.Next(&j).ok());
  auto n = r.Next(&j);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(), p + ":2: not valid JSON: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal");
  EXPECT_FALSE(r.Open(p + ".missing").ok());
}

// Issue 19: a duplicate key, a number beyond a double and an endless line
// are errors naming the line (the first was taken, the second aborted, the
// third read until memory ran out).
TEST(JsonLinesReaderTest, DuplicateKeysOverflowsAndLongLines) {
  const std::string p = WriteTmp("dup.jsonl", "{\"a\":1}\n\n{\"a\":1,\"b\":{\"c\":1,\"c\":2}}\n");
  JsonLinesReader r;
  ASSERT_TRUE(r.Open(p).ok());
  Json j;
  ASSERT_TRUE(*r.Next(&j));
  auto n = r.Next(&j);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(), p + ":3: /b/c: duplicate key");

  const std::string big = WriteTmp("big.jsonl", "{\"a\":1e999}\n");
  ASSERT_TRUE(r.Open(big).ok());
  n = r.Next(&j);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(), big + ":1: not valid JSON: number overflow parsing '1e999'");

  ASSERT_TRUE(r.Open("/dev/zero").ok());
  n = r.Next(&j);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(), "/dev/zero:1: line longer than 1048576 bytes");

  // The last line may lack its newline.
  const std::string last = WriteTmp("last.jsonl", "{\"a\":1}\n{\"a\":2}");
  ASSERT_TRUE(r.Open(last).ok());
  ASSERT_TRUE(*r.Next(&j));
  ASSERT_TRUE(*r.Next(&j));
  EXPECT_EQ(j["a"], 2);
  EXPECT_FALSE(*r.Next(&j));
}

TEST(ReadJsonFileTest, DuplicateKeyIsAnError) {
  const std::string p = WriteTmp("summary.json", "{\"seed\": 1, \"seed\": 2}");
  auto j = ReadJsonFile(p);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().message(), p + ": /seed: duplicate key");
}

TEST(JsonFieldsTest, TypedDottedFields) {
  // 0x3ff8000000000000 is 1.5.
  const Json j = Json::parse(
      R"({"in":{"n":5,"neg":-2,"f":{"bits":"3ff8000000000000","value":1.5},"bad":{"bits":"3ff8","value":1},"s":"x"},"d":0.25})");
  EXPECT_EQ(*UintField(j, "in.n"), 5u);
  EXPECT_EQ(*IntField(j, "in.neg"), -2);
  EXPECT_FALSE(UintField(j, "in.neg").ok());
  EXPECT_EQ(*FloatField(j, "in.f"), 1.5);
  EXPECT_EQ(*FloatField(j, "d"), 0.25);
  EXPECT_EQ(*StringField(j, "in.s"), "x");
  EXPECT_EQ(FloatField(j, "in.bad").status().message(), "field \"in.bad\": bits \"3ff8\" is not 16 hex digits");
  EXPECT_EQ(UintField(j, "in.missing").status().message(), "field \"in.missing\" missing");
  EXPECT_EQ(UintField(j, "in.s").status().message(), "field \"in.s\": expected an unsigned integer");
  EXPECT_TRUE(IsFloatJson(j["in"]["f"]));
  EXPECT_FALSE(IsFloatJson(j["in"]));
}

}  // namespace
}  // namespace gogcsim::traces
