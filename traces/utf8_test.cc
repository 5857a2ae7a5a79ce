#include "traces/utf8.h"

#include "gtest/gtest.h"

namespace gogcsim::traces {
namespace {

TEST(Utf8Test, ValidAndInvalid) {
  EXPECT_TRUE(IsValidUtf8("main.node"));
  EXPECT_TRUE(IsValidUtf8("main.\xc3\xa9t\xc3\xa9"));       // é
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));              // U+1F600
  EXPECT_FALSE(IsValidUtf8("main.\xff\xfe"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));                     // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));                 // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));                     // cut short
  EXPECT_EQ(ValidUtf8("a\xff" "b\xc3\xa9"), "a?b\xc3\xa9");
}

}  // namespace
}  // namespace gogcsim::traces
