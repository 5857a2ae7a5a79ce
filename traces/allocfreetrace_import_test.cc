#include "traces/allocfreetrace_import.h"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "traces/test_util.h"
#include "traces/trace_format.h"
#include "traces/trace_reader.h"

namespace gogcsim::traces {
namespace {

// The sample in the runfiles (bazel test runs in the runfiles root).
constexpr char kSample[] = "traces/testdata/allocfreetrace_sample.txt";

// Expected values: traces/testdata/README.md works them out from the sample.
TEST(ImportAllocFreeTrace, Sample) {
  const std::string out = TmpPath("sample.trace");
  absl::StatusOr<AllocFreeTraceImportStats> st = ImportAllocFreeTrace(kSample, out);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->allocations, 8u);
  EXPECT_EQ(st->frees, 6u);
  EXPECT_EQ(st->unknown_frees, 1u);
  EXPECT_EQ(st->deaths, 5u);
  EXPECT_EQ(st->cycles, 3u);
  EXPECT_EQ(st->goroutines, 2u);
  EXPECT_EQ(st->types, 5u);
  EXPECT_EQ(st->skipped_lines, 1u);
  EXPECT_EQ(st->events, 18u);

  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(out);
  ASSERT_TRUE(r.ok()) << r.status();
  const v1::Header& h = (*r)->header();
  EXPECT_EQ(h.source(), "allocfreetrace");
  EXPECT_EQ(h.source_file(), "allocfreetrace_sample.txt");
  EXPECT_EQ(h.clock_unit_ns(), 0.0);
  EXPECT_FALSE(h.has_gomaxprocs());
  EXPECT_FALSE(h.has_gogc());
  EXPECT_FALSE(h.notes().empty());
  struct Type {
    const char* name;
    uint64_t size;
    uint32_t flags;
  };
  const Type types[] = {
      {"main.node", 0, kTypeNeedzero | kTypePtrdataUnknown | kTypeSizeUnknown},
      {"uint8", 1, kTypeNoscan | kTypeNeedzero},
      {"", 0, kTypeNoscan | kTypeNilType},
      {"int64", 8, kTypeNoscan | kTypeNeedzero},
      {"[4]uint64", 32, kTypeNoscan | kTypeNeedzero},
  };
  ASSERT_EQ(h.types_size(), 5);
  for (int t = 0; t < 5; t++) {
    EXPECT_EQ(h.types(t).name(), types[t].name) << t;
    EXPECT_EQ(h.types(t).size(), types[t].size) << t;
    EXPECT_EQ(h.types(t).ptrdata(), 0u) << t;
    EXPECT_EQ(h.types(t).flags(), types[t].flags) << t;
  }

  struct Want {
    EventKind kind;
    uint64_t a = 0, b = 0;  // ALLOC: g, size; GO_START: g; DEATH: object, earliest; GC: cycle
    uint32_t type = 0;
  };
  const std::vector<Want> want = {
      {EventKind::kGoStart, 1},         {EventKind::kAlloc, 1, 16, 0},    {EventKind::kAlloc, 1, 16, 0},
      {EventKind::kAlloc, 1, 112, 1},   {EventKind::kAlloc, 1, 16, 2},    {EventKind::kAlloc, 1, 40960, 3},
      {EventKind::kGoStart, 5},         {EventKind::kAlloc, 5, 16, 0},    {EventKind::kAlloc, 5, 32, 4},
      {EventKind::kDeath, 0, 1},        {EventKind::kDeath, 3, 4},        {EventKind::kGc, 1},
      {EventKind::kAlloc, 1, 16, 0},    {EventKind::kDeath, 4, 5},        {EventKind::kDeath, 5, 7},
      {EventKind::kGc, 2},              {EventKind::kDeath, 6, 11},       {EventKind::kGc, 3},
  };
  TraceEvent ev;
  for (size_t i = 0; i < want.size(); i++) {
    absl::StatusOr<bool> more = (*r)->Next(&ev);
    ASSERT_TRUE(more.ok() && *more) << i;
    const Want& w = want[i];
    ASSERT_EQ(ev.kind, w.kind) << i;
    switch (w.kind) {
      case EventKind::kAlloc:
        EXPECT_EQ(ev.size, w.b) << i;
        EXPECT_EQ(ev.type, w.type) << i;
        [[fallthrough]];
      case EventKind::kGoStart:
        EXPECT_EQ(ev.g, w.a) << i;
        EXPECT_EQ(ev.p, -1) << i;
        EXPECT_EQ(ev.time, 0) << i;
        break;
      case EventKind::kDeath:
        EXPECT_EQ(ev.object, w.a) << i;
        EXPECT_EQ(ev.earliest, w.b) << i;
        break;
      default:
        ASSERT_EQ(ev.nargs, 1) << i;
        EXPECT_EQ(ev.args[0], static_cast<int64_t>(w.a)) << i;
        break;
    }
  }
  absl::StatusOr<bool> more = (*r)->Next(&ev);
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_FALSE(*more);
  EXPECT_EQ((*r)->footer().allocations_without_death(), 3u);
}

TEST(ImportAllocFreeTrace, ErrorsNameTheFileAndLine) {
  struct Case {
    const char* text;
    const char* where;
    const char* what;
  } cases[] = {
      {"tracealloc(0xc420010000, 0x10, main.node)\nruntime.mallocgc(0x10)\n", ":2: ",
       "expected \"goroutine N [status]:\" after the tracealloc on line 1"},
      {"hello\ntracealloc(0xc42001zz00, 0x10)\n", ":2: ", "malformed"},
      {"tracefree(0xc420010000, 0x10, main.node)\n", ":1: ", "malformed"},
      {"tracealloc(0xc420010000, 0x10\n", ":1: ", "no closing ')'"},
      {"tracefree(0xc420010000, 0x10)\ngoroutine 3 [running]:\n", ":1: ", "tracefree before the first tracegc()"},
      {"tracealloc(0xc420010000, 0x10)\ngoroutine 1 [running]:\n\ntracealloc(0xc420010000, 0x10)\n"
       "goroutine 1 [running]:\n",
       ":4: ", "never freed"},
      {"tracegc()\ngoroutine 1 [running]:\n", ":2: ", "ends inside a tracegc()"},
      {"tracealloc(0xc420010000, 0x10)\n", ":1: ", "ends before the goroutine header"},
      // Found by the allocfreetrace fuzzer: a Death before its object's
      // ALLOC made the trace writer's check abort.
      {"tracegc()\nend tracegc\ntracealloc(0xc420010000, 0x10)\ngoroutine 1 [running]:\n\n"
       "tracefree(0xc420010000, 0x10)\ngoroutine 3 [running]:\n",
       ":6: ", "tracefree of the object at 0xc420010000 allocated after the last tracegc() (line 3)"},
      // Found by the fuzzer: a type name that is not UTF-8 made a trace
      // protobuf would not parse back.
      {"tracealloc(0xc420010000, 0x10, main.\xff\xfe)\ngoroutine 1 [running]:\n", ":1: ",
       "type name \"main.\\xff\\xfe\" is not valid UTF-8"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string in = TmpPath("bad.txt");
    std::ofstream(in, std::ios::trunc) << c.text;
    const std::string out = TmpPath("bad.trace");
    absl::StatusOr<AllocFreeTraceImportStats> st = ImportAllocFreeTrace(in, out);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(HasSubstr(std::string(st.status().message()), in + c.where));
    EXPECT_TRUE(HasSubstr(std::string(st.status().message()), c.what));
    EXPECT_FALSE(std::ifstream(out).good());
  }
  absl::StatusOr<AllocFreeTraceImportStats> st = ImportAllocFreeTrace(TmpPath("missing.txt"), TmpPath("m.trace"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(HasSubstr(std::string(st.status().message()), "missing.txt"));
  // Issue 19: text with no record at all (another program's output, random
  // bytes) used to import as an empty trace; /dev/zero was read forever.
  const std::string other = TmpPath("other.txt");
  std::ofstream(other, std::ios::trunc) << "hello\nworld\n\x01\xfe\x80 binary\n";
  absl::StatusOr<AllocFreeTraceImportStats> none = ImportAllocFreeTrace(other, TmpPath("o.trace"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(),
            other + ": no tracealloc, tracefree or tracegc() record (not GODEBUG=allocfreetrace=1 output)");
  none = ImportAllocFreeTrace("/dev/zero", TmpPath("z.trace"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(), "/dev/zero:1: line longer than 1048576 bytes");
}

}  // namespace
}  // namespace gogcsim::traces
