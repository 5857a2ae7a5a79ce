#include "traces/strict_json.h"

#include <string>

#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

TEST(StrictJsonTest, ParsesValidJsonKeepingKeyOrder) {
  auto j = ParseStrictJson(R"({"b": 1, "a": [2, {"c": 1e3}]})", "x.json");
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ(j->dump(), R"({"b":1,"a":[2,{"c":1000.0}]})");
}

// nlohmann throws out_of_range, not parse_error, for these: the uncaught
// exception used to abort with exit 134.
TEST(StrictJsonTest, NumberOverflowingADoubleIsMalformedWithItsPosition) {
  auto j = ParseStrictJson("{\n  \"seed\": 1e999}", "s.json");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().message(), "s.json:2:11: malformed JSON: number overflow parsing '1e999'");
  EXPECT_FALSE(ParseStrictJson("[-1e400]", "s.json").ok());
}

TEST(StrictJsonTest, SyntaxErrorNamesLineAndColumn) {
  auto j = ParseStrictJson("{\"a\": 1,\n}", "s.json");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(std::string(j.status().message()).rfind("s.json:2:1: malformed JSON: syntax error", 0), 0u) << j.status();
}

TEST(StrictJsonTest, DuplicateKeyNamedByItsPointer) {
  auto j = ParseStrictJson(R"({"runs": [{"x": 1}, {"a/b": 1, "a/b": 2}]})", "sweep.json");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().message(), "sweep.json: /runs/1/a~1b: duplicate key");
  // The same key in two objects is not a duplicate.
  EXPECT_TRUE(ParseStrictJson(R"([{"a": 1}, {"a": 2}])", "s").ok());
}

TEST(StrictJsonTest, ProblemKinds) {
  nlohmann::ordered_json j;
  JsonProblem p;
  EXPECT_TRUE(ParseStrictJson("{}", &j, &p));
  EXPECT_EQ(p.kind, JsonProblem::Kind::kNone);
  EXPECT_FALSE(ParseStrictJson(R"({"a":1,"a":1})", &j, &p));
  EXPECT_EQ(p.kind, JsonProblem::Kind::kDuplicateKey);
  EXPECT_EQ(p.pointer, "/a");
  EXPECT_FALSE(ParseStrictJson("", &j, &p));
  EXPECT_EQ(p.kind, JsonProblem::Kind::kMalformed);
}

}  // namespace
}  // namespace gogcsim::traces
