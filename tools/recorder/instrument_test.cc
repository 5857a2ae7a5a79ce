#include "tools/recorder/instrument.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace gogcsim::recorder {
namespace {

constexpr char kGo[] =
    "package runtime\n"
    "\n"
    "func a() {\n"
    "\tx := 1\n"
    "\tunlock(&h.lock)\n"
    "}\n"
    "\n"
    "func b() {\n"
    "\tunlock(&h.lock)\n"
    "}\n";

Hook One(std::string table) {
  absl::StatusOr<std::vector<Hook>> h = ParseHooks(table);
  EXPECT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->size(), 1u);
  return h->front();
}

TEST(ParseHooks, ReadsBlocksAndSkipsComments) {
  absl::StatusOr<std::vector<Hook>> h = ParseHooks(
      "# comment\n\nin mgc.go\nwithin func b() {\nbefore unlock(&h.lock)\ninsert f()\n\n"
      "in malloc.go\nreplace func x() {\nwith func x0() {\n");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].line, 3);
  EXPECT_EQ((*h)[0].file, "mgc.go");
  EXPECT_EQ((*h)[0].within, "func b() {");
  EXPECT_EQ((*h)[0].op, Hook::kBefore);
  EXPECT_EQ((*h)[0].text, "f()");
  EXPECT_EQ((*h)[1].op, Hook::kReplace);
  EXPECT_EQ((*h)[1].text, "func x0() {");
}

TEST(ParseHooks, ErrorsNameTheLine) {
  EXPECT_TRUE(absl::StrContains(ParseHooks("in a.go\nafter x\n").status().message(), "hooks.txt:1"));
  EXPECT_TRUE(absl::StrContains(ParseHooks("\nafter x\n").status().message(), "hooks.txt:2"));
  EXPECT_TRUE(absl::StrContains(ParseHooks("in a.go\nreplace x\ninsert y\n").status().message(), "hooks.txt:3"));
  EXPECT_TRUE(absl::StrContains(ParseHooks("in a.go\nfrobnicate x\n").status().message(), "unknown key"));
}

TEST(ApplyHook, WithinTakesTheFirstAnchorAfterTheFunction) {
  std::string src = kGo;
  ASSERT_TRUE(ApplyHook(One("in x.go\nwithin func b() {\nbefore unlock(&h.lock)\ninsert rec()\n"), &src).ok());
  EXPECT_TRUE(absl::StrContains(src, "func b() {\n\trec()\n\tunlock(&h.lock)\n}"));
  EXPECT_TRUE(absl::StrContains(src, "\tx := 1\n\tunlock(&h.lock)\n"));  // a() untouched
}

TEST(ApplyHook, AfterAnOpeningLineIndentsOneMore) {
  std::string src = kGo;
  ASSERT_TRUE(ApplyHook(One("in x.go\nafter func a() {\ninsert rec()\n"), &src).ok());
  EXPECT_TRUE(absl::StrContains(src, "func a() {\n\trec()\n\tx := 1\n"));
}

TEST(ApplyHook, ReplaceKeepsIndentation) {
  std::string src = kGo;
  ASSERT_TRUE(ApplyHook(One("in x.go\nreplace x := 1\nwith x := 2\n"), &src).ok());
  EXPECT_TRUE(absl::StrContains(src, "\tx := 2\n"));
  EXPECT_FALSE(absl::StrContains(src, "x := 1"));
}

TEST(ApplyHook, AnAnchorMustBeUniqueOrScoped) {
  std::string src = kGo;
  absl::Status st = ApplyHook(One("in x.go\nbefore unlock(&h.lock)\ninsert rec()\n"), &src);
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(absl::StrContains(st.message(), "occurs 2 times")) << st;
  st = ApplyHook(One("in x.go\nwithin func c() {\nbefore unlock(&h.lock)\ninsert rec()\n"), &src);
  EXPECT_TRUE(absl::StrContains(st.message(), "occurs 0 times")) << st;
  st = ApplyHook(One("in x.go\nwithin func b() {\nafter x := 1\ninsert rec()\n"), &src);
  EXPECT_TRUE(absl::StrContains(st.message(), "not found")) << st;
  EXPECT_EQ(src, kGo);  // failed hooks change nothing
}

TEST(Instrumentation, TheShippedTableParsesAndTheKeyIsStable) {
  std::string_view table;
  int go_files = 0;
  for (const EmbeddedFile& f : RecorderFiles()) {
    if (std::string_view(f.name) == "hooks.txt") table = f.text;
    if (absl::EndsWith(f.name, ".go")) go_files++;
  }
  EXPECT_EQ(go_files, 2);
  absl::StatusOr<std::vector<Hook>> h = ParseHooks(table);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_GT(h->size(), 40u);
  const std::string key = InstrumentationKey();
  EXPECT_EQ(key.size(), 16u);
  EXPECT_EQ(key, InstrumentationKey());
}

TEST(InstrumentTree, RefusesAnotherGoVersion) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/go";
  std::filesystem::create_directories(dir + "/src/runtime");
  std::ofstream(dir + "/VERSION") << "go1.11";
  absl::Status st = InstrumentTree(dir);
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(absl::StrContains(st.message(), "go1.10.2 only")) << st;
}

}  // namespace
}  // namespace gogcsim::recorder
