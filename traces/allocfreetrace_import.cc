#include "traces/allocfreetrace_import.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "traces/gzip_file.h"
#include "traces/read_file.h"
#include "traces/trace_writer.h"
#include "traces/utf8.h"

namespace gogcsim::traces {
namespace {

constexpr uint64_t kNone = ~uint64_t{0};

// Lines of a plain or gzip text file (zlib reads both).
class LineReader {
 public:
  static absl::StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path) {
    absl::StatusOr<gzFile> gz = OpenGzipForReading(path);
    if (!gz.ok()) return gz.status();
    return std::unique_ptr<LineReader>(new LineReader(*gz));
  }
  ~LineReader() { gzclose_r(gz_); }

  // The next line without its newline: true, false at the end, or an error.
  absl::StatusOr<bool> Next(std::string_view* line) {
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(buf_.data() + begin_, '\n', buf_.size() - begin_));
      if (nl != nullptr) {
        *line = std::string_view(buf_.data() + begin_, static_cast<size_t>(nl - buf_.data()) - begin_);
        begin_ = static_cast<size_t>(nl - buf_.data()) + 1;
        return true;
      }
      if (eof_) {
        if (begin_ == buf_.size()) return false;
        *line = std::string_view(buf_.data() + begin_, buf_.size() - begin_);
        begin_ = buf_.size();
        return true;
      }
      buf_.erase(0, begin_);
      begin_ = 0;
      // A line has no end in sight: /dev/zero, or not text at all.
      if (buf_.size() > kMaxLineBytes) {
        return absl::InvalidArgumentError(absl::StrCat("line longer than ", kMaxLineBytes, " bytes"));
      }
      const size_t have = buf_.size();
      buf_.resize(have + kBlock);
      const int n = gzread(gz_, buf_.data() + have, kBlock);
      if (n < 0) {
        int errnum = Z_OK;
        const char* msg = gzerror(gz_, &errnum);
        return errnum == Z_ERRNO ? absl::ErrnoToStatus(errno, "read") : absl::DataLossError(absl::StrCat("gzip: ", msg));
      }
      buf_.resize(have + static_cast<size_t>(n));
      if (n == 0) {
        int errnum = Z_OK;
        const char* msg = gzerror(gz_, &errnum);
        if (errnum != Z_OK) return absl::DataLossError(absl::StrCat("truncated gzip: ", msg));
        eof_ = true;
      }
    }
  }

 private:
  static constexpr unsigned kBlock = 1 << 20;
  explicit LineReader(gzFile gz) : gz_(gz) {}
  gzFile gz_;
  std::string buf_;
  size_t begin_ = 0;
  bool eof_ = false;
};

// A line quoted for a message (this Abseil's string_view is not std's).
std::string Quote(std::string_view s) {
  return absl::StrCat("\"", absl::CHexEscape(absl::string_view(s.data(), s.size())), "\"");
}

// "0x1f" -> 31. Go's print of a pointer or hex(): "0x" and lowercase digits.
bool ParseHex(std::string_view s, uint64_t* v) {
  if (s.size() < 3 || s.size() > 18 || s[0] != '0' || s[1] != 'x') return false;
  const auto [p, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), *v, 16);
  return ec == std::errc() && p == s.data() + s.size();
}

// "goroutine 18 [running]:" (newer runtimes may print more before the '[').
bool ParseGoroutineHeader(std::string_view line, uint64_t* g) {
  constexpr std::string_view kPrefix = "goroutine ";
  if (line.substr(0, kPrefix.size()) != kPrefix || line.empty() || line.back() != ':') return false;
  const char* b = line.data() + kPrefix.size();
  const char* e = line.data() + line.size();
  const auto [p, ec] = std::from_chars(b, e, *g);
  return ec == std::errc() && p != b && p < e && *p == ' ' && line.find('[') != std::string_view::npos;
}

// Sizes of Go's predeclared pointer-free types, by typ.string().
uint64_t BasicSize(std::string_view name) {
  static constexpr std::pair<std::string_view, uint64_t> kBasic[] = {
      {"bool", 1},    {"int8", 1},    {"uint8", 1},    {"int16", 2},     {"uint16", 2},
      {"int32", 4},   {"uint32", 4},  {"float32", 4},  {"int", 8},       {"uint", 8},
      {"int64", 8},   {"uint64", 8},  {"uintptr", 8},  {"float64", 8},   {"complex64", 8},
      {"complex128", 16},
  };
  for (const auto& [n, size] : kBasic) {
    if (n == name) return size;
  }
  return 0;
}

// typ.size of a pointer-free type name ("uint8", "[16]int64", "[4][2]bool"),
// or 0 if the name is not one.
uint64_t NoscanTypeSize(std::string_view name) {
  if (name.empty() || name[0] != '[') return BasicSize(name);
  const size_t close = name.find(']');
  if (close == std::string_view::npos || close == 1) return 0;
  uint64_t n = 0;
  const auto [p, ec] = std::from_chars(name.data() + 1, name.data() + close, n);
  if (ec != std::errc() || p != name.data() + close) return 0;
  const uint64_t elem = NoscanTypeSize(name.substr(close + 1));
  if (elem == 0 || n > (uint64_t{1} << 40) / elem) return 0;
  return n * elem;
}

struct Item {  // what pass 2 writes, in order
  bool gc;     // a tracegc (else an allocation)
  uint64_t g;
  uint64_t size;
  uint32_t type;
};

}  // namespace

absl::StatusOr<AllocFreeTraceImportStats> ImportAllocFreeTrace(const std::string& in, const std::string& out,
                                                               const AllocFreeTraceImportOptions& options) {
  absl::StatusOr<std::unique_ptr<LineReader>> rd = LineReader::Open(in);
  if (!rd.ok()) return rd.status();
  AllocFreeTraceImportStats stats;
  auto error = [&](const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat(in, ":", stats.lines, ": ", what));
  };

  v1::Header header;
  header.set_source(kAllocFreeTraceSource);
  const size_t slash = in.find_last_of('/');
  header.set_source_file(ValidUtf8(slash == std::string::npos ? in : in.substr(slash + 1)));
  header.set_go_version(options.go_version);
  if (options.gomaxprocs) header.set_gomaxprocs(*options.gomaxprocs);
  if (options.gogc) header.set_gogc(*options.gogc);
  header.set_clock_unit_ns(0);
  header.add_notes("no clock: allocfreetrace prints no times (all times are 0)");
  header.add_notes("no P: allocfreetrace does not say which P allocated (p = -1)");
  header.add_notes("sizes are the block sizes mallocgc charged (size class, 16 for a tiny block, whole pages), "
                   "not the requested sizes");
  header.add_notes("types: pointer extent (ptrdata) and size unknown except for pointer-free basic types and "
                   "their arrays; treat PTRDATA_UNKNOWN types as pointers throughout the object");
  header.add_notes("tiny allocations that fit into the current tiny block are not traced; zero-size "
                   "allocations are not traced");

  // Pass 1: parse, build the type table, and find each cycle's deaths.
  absl::flat_hash_map<std::string, uint32_t> types;  // "" = no type; else "=" + name
  std::vector<Item> items;
  absl::flat_hash_map<uint64_t, uint64_t> live;  // address -> object id
  std::vector<uint64_t> alloc_cycle;             // by object id: tracegc()s before its tracealloc
  std::vector<uint64_t> alloc_line;              // by object id: its tracealloc's line
  std::vector<std::vector<uint64_t>> deaths(1);  // by cycle, from 1
  uint64_t allocs = 0;
  enum class State { kTop, kHeader, kFrames, kGc };
  State state = State::kTop;
  struct Pending {
    bool alloc;
    uint64_t addr, size;
    uint32_t type;
    uint64_t line;
  } pending{};
  std::string_view line;
  for (;;) {
    absl::StatusOr<bool> more = (*rd)->Next(&line);
    if (!more.ok()) {
      return absl::Status(more.status().code(), absl::StrCat(in, ":", stats.lines + 1, ": ", more.status().message()));
    }
    if (!*more) break;
    stats.lines++;
    switch (state) {
      case State::kTop: {
        constexpr std::string_view kAlloc = "tracealloc(", kFree = "tracefree(";
        const bool is_alloc = line.substr(0, kAlloc.size()) == kAlloc;
        const bool is_free = line.substr(0, kFree.size()) == kFree;
        if (line == "tracegc()") {
          stats.cycles++;
          deaths.emplace_back();
          items.push_back(Item{true, 0, 0, 0});
          state = State::kGc;
          break;
        }
        if (!is_alloc && !is_free) {
          if (!line.empty()) stats.skipped_lines++;
          break;
        }
        if (line.back() != ')') return error(absl::StrCat("no closing ')' in ", Quote(line)));
        // "ADDR, SIZE" or "ADDR, SIZE, TYPE"; a type name may hold ", " itself.
        const std::string_view args = line.substr(is_alloc ? kAlloc.size() : kFree.size(),
                                                  line.size() - 1 - (is_alloc ? kAlloc.size() : kFree.size()));
        const size_t c1 = args.find(", ");
        const size_t c2 = c1 == std::string_view::npos ? c1 : args.find(", ", c1 + 2);
        pending = Pending{is_alloc, 0, 0, 0, stats.lines};
        if (c1 == std::string_view::npos || !ParseHex(args.substr(0, c1), &pending.addr) ||
            !ParseHex(args.substr(c1 + 2, c2 == std::string_view::npos ? c2 : c2 - c1 - 2), &pending.size) ||
            (is_free && c2 != std::string_view::npos)) {
          return error(absl::StrCat("malformed ", Quote(line), " (want ", is_alloc ? "tracealloc" : "tracefree",
                                    "(0xADDR, 0xSIZE", is_alloc ? "[, TYPE]" : "", "))"));
        }
        if (is_alloc) {
          const bool typed = c2 != std::string_view::npos;
          const std::string_view name = typed ? args.substr(c2 + 2) : std::string_view();
          if (typed && name.empty()) return error("tracealloc with an empty type name");
          // Go prints type names in UTF-8; the trace's strings must be.
          if (!IsValidUtf8(name)) return error(absl::StrCat("type name ", Quote(name), " is not valid UTF-8"));
          std::string key = typed ? "=" + std::string(name) : std::string();
          auto [it, added] = types.try_emplace(std::move(key), static_cast<uint32_t>(header.types_size()));
          if (added) {
            v1::TypeInfo* t = header.add_types();
            if (!typed) {
              t->set_flags(kTypeNoscan | kTypeNilType);
            } else if (const uint64_t size = NoscanTypeSize(name); size > 0) {
              t->set_name(std::string(name));
              t->set_size(size);
              t->set_flags(kTypeNoscan | kTypeNeedzero);
            } else {
              t->set_name(std::string(name));
              t->set_flags(kTypeNeedzero | kTypePtrdataUnknown | kTypeSizeUnknown);
            }
          }
          pending.type = it->second;
        }
        state = State::kHeader;
        break;
      }
      case State::kHeader: {
        uint64_t g = 0;
        if (!ParseGoroutineHeader(line, &g)) {
          return error(absl::StrCat("expected \"goroutine N [status]:\" after the ", pending.alloc ? "tracealloc" : "tracefree",
                                    " on line ", pending.line, ", got ", Quote(line)));
        }
        if (pending.alloc) {
          auto [it, added] = live.try_emplace(pending.addr, allocs);
          if (!added) {
            return absl::InvalidArgumentError(absl::StrCat(
                in, ":", pending.line, ": tracealloc at 0x", absl::Hex(pending.addr),
                ", where an object of an earlier tracealloc was never freed (tracefree)"));
          }
          items.push_back(Item{false, g, pending.size, pending.type});
          alloc_cycle.push_back(stats.cycles);
          alloc_line.push_back(pending.line);
          allocs++;
        } else {
          stats.frees++;
          if (stats.cycles == 0) {
            return absl::InvalidArgumentError(
                absl::StrCat(in, ":", pending.line, ": tracefree before the first tracegc() (sweeps follow a GC)"));
          }
          auto it = live.find(pending.addr);
          if (it == live.end()) {
            stats.unknown_frees++;
          } else if (alloc_cycle[it->second] >= stats.cycles) {
            // The sweep after the c-th tracegc() frees what cycle c left
            // unmarked, so never an object allocated after that tracegc().
            return absl::InvalidArgumentError(absl::StrCat(
                in, ":", pending.line, ": tracefree of the object at 0x", absl::Hex(pending.addr),
                " allocated after the last tracegc() (line ", alloc_line[it->second],
                "): a sweep frees only what an earlier cycle left unmarked"));
          } else {
            deaths[stats.cycles].push_back(it->second);
            live.erase(it);
          }
        }
        state = State::kFrames;
        break;
      }
      case State::kFrames:
        if (line.empty()) state = State::kTop;
        break;
      case State::kGc:
        if (line == "end tracegc") state = State::kTop;
        break;
    }
  }
  if (state == State::kHeader) return error("the file ends before the goroutine header of the last record");
  if (state == State::kGc) return error("the file ends inside a tracegc() record (no \"end tracegc\")");
  // Random bytes or another program's output hold none of the records.
  if (items.empty() && stats.frees == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        in, ": no tracealloc, tracefree or tracegc() record (not GODEBUG=allocfreetrace=1 output)"));
  }
  for (std::vector<uint64_t>& d : deaths) std::sort(d.begin(), d.end());

  // Pass 2: write the events.
  stats.types = static_cast<uint64_t>(header.types_size());
  TraceWriterOptions wopts;
  wopts.gzip = options.gzip;
  wopts.chunk_events = options.chunk_events;
  absl::StatusOr<std::unique_ptr<TraceWriter>> w = TraceWriter::Create(out, std::move(header), wopts);
  if (!w.ok()) return w.status();
  TraceWriter& tw = **w;
  std::vector<uint64_t> alloc_event;
  std::vector<uint64_t> gc_event;
  absl::flat_hash_set<uint64_t> goroutines;  // only looked up, never iterated
  alloc_event.reserve(allocs);
  for (const Item& it : items) {
    if (!it.gc) {
      if (goroutines.insert(it.g).second) tw.GoStart(-1, it.g, 0);
      alloc_event.push_back(tw.events());
      tw.Alloc(-1, it.g, it.size, it.type, 0);
      continue;
    }
    const size_t cycle = gc_event.size() + 1;
    for (uint64_t o : deaths[cycle]) {
      tw.Death(o, cycle >= 3 ? std::max(alloc_event[o], gc_event[cycle - 3]) : alloc_event[o]);
      stats.deaths++;
    }
    gc_event.push_back(tw.events());
    tw.Gc(cycle);
  }
  stats.allocations = tw.allocations();
  stats.goroutines = goroutines.size();
  stats.events = tw.events();
  if (absl::Status st = tw.Finish(); !st.ok()) return st;
  return stats;
}

}  // namespace gogcsim::traces
