#include "traces/reference_reader.h"

#include <zlib.h>

#include <array>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "traces/gzip_file.h"

namespace gogcsim::traces {
namespace {

// Decompressed bytes per gzread. zlib inflates straight into our buffer when
// a read asks for at least twice its own buffer (kGzBuffer), saving a copy.
constexpr size_t kBlock = size_t{1} << 20;
constexpr unsigned kGzBuffer = 256 * 1024;

constexpr uint32_t Bit(int k) { return uint32_t{1} << k; }

// The README's table. Field k is bit k of the masks, counting inputs then
// outputs, so PT's output 0 is field 9.
constexpr RefSchema kSchemas[kNumRefTags] = {
    /* H  */ {6, 0, false, 0, 0, ""},
    /* A  */ {7, 0, false, 0, 0, ""},
    /* Z  */ {1, 0, false, 0, 0, ""},
    /* L  */ {3, 0, false, 0, 0, ""},
    /* CS */ {5, 0, false, 0, 0, ""},
    /* UC */ {4, 0, false, 0, 0, ""},
    /* MA */ {2, 0, false, 0, 0, ""},
    /* MF */ {2, 0, false, 0, 0, ""},
    /* SW */ {7, 0, false, 0, 0, ""},  // who is numeric here: 66 or 0
    /* F  */ {1, 0, false, 0, 0, ""},
    /* GS */ {5, 0, false, 0, 0, ""},
    /* MS */ {1, 0, false, 0, 0, ""},
    /* MT */ {2, 0, false, Bit(1), 0, ""},
    /* HM */ {3, 0, false, 0, 0, ""},
    /* W  */ {2, 0, false, 0, Bit(0), "DNX"},
    /* C  */ {2, 0, false, 0, Bit(0), "SFE"},
    /* AS */ {2, 0, false, 0, 0, ""},
    /* AE */ {3, 0, false, 0, 0, ""},
    /* CQ */ {1, 0, false, 0, 0, ""},
    /* AT */ {1, 0, false, 0, 0, ""},
    /* PT */ {9, 6, true, Bit(0) | Bit(9 + 0) | Bit(9 + 3), 0, ""},
    /* PS */ {7, 4, true, Bit(3) | Bit(7 + 3), 0, ""},
    /* PR */ {5, 2, true, Bit(5 + 0) | Bit(5 + 1), 0, ""},
    /* PE */ {9, 1, true, Bit(1) | Bit(9 + 0), 0, ""},
};

constexpr const char* kTagNames[kNumRefTags] = {
    "H", "A", "Z", "L", "CS", "UC", "MA", "MF", "SW", "F", "GS", "MS",
    "MT", "HM", "W", "C", "AS", "AE", "CQ", "AT", "PT", "PS", "PR", "PE",
};

// Letters allowed in a tag's who fields, as a bitmask over 'A'..'Z'.
constexpr uint32_t LetterMask(const char* s) {
  uint32_t m = 0;
  for (; *s != '\0'; ++s) m |= Bit(*s - 'A');
  return m;
}
constexpr std::array<uint32_t, kNumRefTags> kWhoLetterMasks = [] {
  std::array<uint32_t, kNumRefTags> a{};
  for (int t = 0; t < kNumRefTags; t++) a[t] = LetterMask(kSchemas[t].who_letters);
  return a;
}();

static_assert(kSchemas[static_cast<int>(RefTag::kPE)].inputs == 9);
static_assert(kSchemas[static_cast<int>(RefTag::kPT)].inputs + kSchemas[static_cast<int>(RefTag::kPT)].outputs <=
              kMaxRefFields);

// Tag lookup by its one or two ASCII characters: index c0 << 7 | c1 (c1 = 0
// for one-letter tags). One load instead of a chain of string compares.
constexpr uint8_t kNoTag = 0xff;
constexpr std::array<uint8_t, 128 * 128> kTagIndex = [] {
  std::array<uint8_t, 128 * 128> a{};
  for (auto& x : a) x = kNoTag;
  for (int t = 0; t < kNumRefTags; t++) {
    const char* s = kTagNames[t];
    a[(static_cast<unsigned>(s[0]) << 7) | static_cast<unsigned>(s[1])] = static_cast<uint8_t>(t);
  }
  return a;
}();

// Lowercase hex digit values; 0x10 marks anything else.
constexpr std::array<uint8_t, 256> kHexValue = [] {
  std::array<uint8_t, 256> a{};
  for (auto& x : a) x = 0x10;
  for (int c = '0'; c <= '9'; c++) a[c] = static_cast<uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; c++) a[c] = static_cast<uint8_t>(c - 'a' + 10);
  return a;
}();

enum class Err : uint8_t {
  kNone,
  kEmptyLine,
  kUnknownTag,
  kTooFew,
  kTooMany,
  kBadInt,
  kIntRange,
  kBadHex,
  kBadWho,
  kMissingBar,
  kTrailingBar,
};

// Where parsing stopped: the field index and the start of its token.
struct Failure {
  int field = -1;
  const char* at = nullptr;
};

// Parses the decimal integer at p (up to a ' ' or e) into *out; p moves past it.
inline Err ParseInt(const char*& p, const char* const e, int64_t* out) {
  const bool neg = *p == '-';
  const char* const digits = p + neg;
  const char* q = digits;
  uint64_t x = 0;
  for (unsigned d; (d = static_cast<unsigned char>(*q) - '0') < 10; ++q) x = x * 10 + d;
  const ptrdiff_t nd = q - digits;
  // 19 digits cannot overflow uint64; the int64 range is checked after.
  if (nd == 0 || nd > 19) return nd == 0 ? Err::kBadInt : Err::kIntRange;
  if (x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + neg) return Err::kIntRange;
  *out = static_cast<int64_t>(neg ? 0 - x : x);
  p = q;
  if (*p != ' ' && p != e) return Err::kBadInt;
  return Err::kNone;
}

// Parses the line [p, e). Requires *e to be readable and not a digit, letter
// or space (the reader's '\n'), so digit loops need no bounds checks.
// kWhere: fill in *f (where parsing stopped), for the error message; lines
// are parsed without it first, and again with it if they fail.
template <bool kWhere>
inline Err ParseLine(const char* p, const char* const e, RefRecord* rec, Failure* f) {
  if constexpr (kWhere) f->at = p;
  if (p == e) return Err::kEmptyLine;
  const unsigned c0 = static_cast<unsigned char>(p[0]);
  unsigned c1 = static_cast<unsigned char>(p[1]);  // p + 1 <= e
  if (c1 == ' ' || p + 1 == e) {
    c1 = 0;
    p += 1;
  } else if (p[2] == ' ' || p + 2 == e) {  // p + 2 <= e here
    p += 2;
  } else {
    return Err::kUnknownTag;
  }
  if ((c0 | c1) >= 128) return Err::kUnknownTag;
  const uint8_t t = kTagIndex[(c0 << 7) | c1];
  if (t == kNoTag) return Err::kUnknownTag;

  const RefSchema& s = kSchemas[t];
  const int n = s.inputs + s.outputs;
  const int bar = s.has_bar ? s.inputs : -1;
  rec->tag = static_cast<RefTag>(t);
  rec->n = n;
  rec->bar = bar;
  const uint32_t special = s.f64_mask | s.who_mask;
  if (!kWhere && special == 0 && bar < 0) {
    // Integers only (A, Z, F, ... most lines): no per-field dispatch. A
    // line this rejects is parsed again below, with kWhere, for the message.
    for (int k = 0; k < n; k++) {
      if (p == e) return Err::kTooFew;
      ++p;
      if (const Err err = ParseInt(p, e, &rec->v[k]); err != Err::kNone) return err;
    }
    return p != e ? Err::kTooMany : Err::kNone;
  }
  for (int k = 0; k < n; k++) {
    if constexpr (kWhere) f->field = k;
    if constexpr (kWhere) f->at = p;
    if (p == e) return Err::kTooFew;
    ++p;  // the ' ' every field token ends on (checked below) or the tag did
    if (k == bar) {
      if constexpr (kWhere) f->at = p;
      if (p[0] != '|') return Err::kMissingBar;
      if (p + 1 == e) return Err::kTooFew;
      if (p[1] != ' ') return Err::kMissingBar;
      p += 2;
    }
    if constexpr (kWhere) f->at = p;
    if ((special & Bit(k)) == 0) [[likely]] {
      if (const Err err = ParseInt(p, e, &rec->v[k]); err != Err::kNone) return err;
    } else if (s.f64_mask & Bit(k)) {
      if (e - p < 16) return Err::kBadHex;
      uint64_t x = 0;
      unsigned bad = 0;
      for (int i = 0; i < 16; i++) {
        const unsigned d = kHexValue[static_cast<unsigned char>(p[i])];
        bad |= d;
        x = (x << 4) | (d & 0xf);
      }
      if (bad & 0x10) return Err::kBadHex;
      rec->v[k] = static_cast<int64_t>(x);
      p += 16;
      if (*p != ' ' && p != e) return Err::kBadHex;
    } else {
      const unsigned l = static_cast<unsigned char>(*p) - 'A';
      if (l >= 26 || (kWhoLetterMasks[t] & Bit(static_cast<int>(l))) == 0) return Err::kBadWho;
      rec->v[k] = static_cast<int64_t>(*p);
      ++p;
      if (*p != ' ' && p != e) return Err::kBadWho;
    }
  }
  if (p != e) {
    if constexpr (kWhere) f->field = n;
    if constexpr (kWhere) f->at = p + 1;
    return p[1] == '|' ? Err::kTrailingBar : Err::kTooMany;
  }
  return Err::kNone;
}

// The token starting at `at`, up to the next space, escaped for a message.
std::string Token(const char* at, const char* e) {
  const char* q = at;
  while (q < e && *q != ' ') ++q;
  // absl::string_view, which this (Debian) Abseil keeps distinct from std's.
  const absl::string_view tok(at, static_cast<size_t>(q - at));
  if (tok.size() > 40) return absl::StrCat("\"", absl::CHexEscape(tok.substr(0, 40)), "\"...");
  return absl::StrCat("\"", absl::CHexEscape(tok), "\"");
}

// Value fields actually present: tokens after the tag other than "|".
int CountFields(const char* line, const char* e) {
  int count = 0;
  bool first = true;
  for (absl::string_view tok : absl::StrSplit(absl::string_view(line, static_cast<size_t>(e - line)), ' ')) {
    if (first) {
      first = false;
    } else if (tok != "|") {
      count++;
    }
  }
  return count;
}

std::string Want(const RefSchema& s) {
  if (!s.has_bar) return absl::StrCat(s.inputs);
  return absl::StrCat(s.fields(), " (", s.inputs, " | ", s.outputs, ")");
}

// Only on the error path: turns a parse failure into words.
std::string Describe(Err err, const Failure& f, const char* line, const char* e, RefTag tag) {
  if (err == Err::kEmptyLine) return "empty line";
  if (err == Err::kUnknownTag) return absl::StrCat("unknown tag ", Token(line, e));
  const RefSchema& s = RefSchemaOf(tag);
  const std::string name = RefTagName(tag);
  const std::string tok = Token(f.at, e);
  const std::string where = absl::StrCat(name, " field ", f.field, ": ");
  // A '|' where a value belongs says more than "bad integer".
  if (tok == "\"|\"" && (err == Err::kBadInt || err == Err::kBadHex || err == Err::kBadWho)) {
    return s.has_bar ? absl::StrCat(where, "misplaced '|' (", name, " has ", s.inputs, " inputs | ",
                                    s.outputs, " outputs)")
                     : absl::StrCat(where, "misplaced '|' (", name, " has no '|')");
  }
  if (tok == "\"\"" && err != Err::kTooFew) {
    return absl::StrCat(where, "empty field (double or trailing space)");
  }
  switch (err) {
    case Err::kTooFew:
      return absl::StrCat(name, ": too few fields: got ", CountFields(line, e), ", want ", Want(s));
    case Err::kTooMany:
      return absl::StrCat(name, ": too many fields: got ", CountFields(line, e), ", want ", Want(s));
    case Err::kBadInt:
      return absl::StrCat(where, "bad integer ", tok);
    case Err::kIntRange:
      return absl::StrCat(where, "integer out of int64 range ", tok);
    case Err::kBadHex:
      return absl::StrCat(where, "bad hex F64 ", tok, " (want 16 lowercase hex digits)");
    case Err::kBadWho:
      return absl::StrCat(where, "bad who letter ", tok, " (want one of ",
                          absl::StrJoin(std::string_view(s.who_letters), ", ",
                                        [](std::string* out, char c) { out->push_back(c); }),
                          ")");
    case Err::kMissingBar:
      return absl::StrCat(name, ": expected '|' after ", s.inputs, " input fields, got ", tok);
    case Err::kTrailingBar:
      return s.has_bar ? absl::StrCat(name, ": misplaced '|' after ", s.fields(), " fields")
                       : absl::StrCat(name, ": misplaced '|' (", name, " has no '|')");
    default:
      return "malformed line";
  }
}

}  // namespace

const char* RefTagName(RefTag tag) {
  const auto t = static_cast<unsigned>(tag);
  return t < kNumRefTags ? kTagNames[t] : "?";
}

const RefSchema& RefSchemaOf(RefTag tag) { return kSchemas[static_cast<unsigned>(tag) % kNumRefTags]; }

absl::Status ParseReferenceLine(std::string_view text, RefRecord* rec) {
  if (text.find('\n') != std::string_view::npos) return absl::InvalidArgumentError("embedded newline");
  // The parser wants a '\n' after the line; lines are ~30 bytes, so copy.
  std::string copy;
  char local[512];
  char* b = local;
  if (text.size() >= sizeof(local)) {
    copy.resize(text.size() + 1);
    b = copy.data();
  }
  std::memcpy(b, text.data(), text.size());
  b[text.size()] = '\n';
  Failure f;
  Err err = ParseLine<false>(b, b + text.size(), rec, &f);
  if (err != Err::kNone) err = ParseLine<true>(b, b + text.size(), rec, &f);
  rec->text = text;
  if (err != Err::kNone) return absl::InvalidArgumentError(Describe(err, f, b, b + text.size(), rec->tag));
  return absl::OkStatus();
}

ReferenceReader::ReferenceReader(std::string path, void* gz)
    : path_(std::move(path)), gz_(gz), buf_(std::make_unique_for_overwrite<char[]>(kBlock + 1)) {}

ReferenceReader::~ReferenceReader() { gzclose_r(static_cast<gzFile>(gz_)); }

size_t FormatRefLine(const RefRecord& rec, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  char* p = out;
  const char* name = RefTagName(rec.tag);
  while (*name != '\0') *p++ = *name++;
  const RefSchema& s = RefSchemaOf(rec.tag);
  for (int k = 0; k < rec.n; k++) {
    if (k == rec.bar) {
      *p++ = ' ';
      *p++ = '|';
    }
    *p++ = ' ';
    const uint64_t u = static_cast<uint64_t>(rec.v[k]);
    if (s.f64_mask & (uint32_t{1} << k)) {
      for (int i = 15; i >= 0; i--) p[15 - i] = kHex[(u >> (4 * i)) & 0xf];
      p += 16;
    } else if (s.who_mask & (uint32_t{1} << k)) {
      *p++ = static_cast<char>(rec.v[k]);
    } else {
      p = std::to_chars(p, p + 20, rec.v[k]).ptr;
    }
  }
  return static_cast<size_t>(p - out);
}

absl::StatusOr<std::unique_ptr<ReferenceReader>> ReferenceReader::Open(const std::string& path) {
  absl::StatusOr<gzFile> gz = OpenGzipForReading(path, kGzBuffer);
  if (!gz.ok()) return gz.status();
  return std::unique_ptr<ReferenceReader>(new ReferenceReader(path, *gz));
}

absl::Status ReferenceReader::Fail(absl::Status status) {
  error_ = std::move(status);
  return error_;
}

absl::StatusOr<size_t> ReferenceReader::Fill() {
  char* const b = buf_.get();
  if (begin_ > 0) {  // keep the partial line, at the front
    std::memmove(b, b + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == kBlock) {
    return absl::InvalidArgumentError(absl::StrCat(path_, ":", line_ + 1, ": line longer than ", kBlock, " bytes"));
  }
  gzFile gz = static_cast<gzFile>(gz_);
  const int n = gzread(gz, b + end_, static_cast<unsigned>(kBlock - end_));
  int errnum = Z_OK;
  if (n < 0) {
    const char* msg = gzerror(gz, &errnum);
    if (errnum == Z_ERRNO) {
      return absl::ErrnoToStatus(errno, absl::StrCat(path_, ":", line_ + 1, ": read"));
    }
    return absl::DataLossError(absl::StrCat(path_, ":", line_ + 1, ": corrupt gzip: ", msg));
  }
  if (n == 0) {
    // zlib reports a stream cut short as a clean end with Z_BUF_ERROR.
    const char* msg = gzerror(gz, &errnum);
    if (errnum == Z_BUF_ERROR) {
      return absl::DataLossError(absl::StrCat(path_, ":", line_ + 1, ": truncated gzip: ", msg));
    }
    if (errnum != Z_OK) return absl::DataLossError(absl::StrCat(path_, ":", line_ + 1, ": gzip: ", msg));
    eof_ = true;
  }
  end_ += static_cast<size_t>(n);
  return static_cast<size_t>(n);
}

absl::StatusOr<bool> ReferenceReader::Next(RefRecord* rec) {
  if (!error_.ok()) return error_;
  char* const b = buf_.get();
  const char* nl;
  for (;;) {
    nl = static_cast<const char*>(std::memchr(b + begin_, '\n', end_ - begin_));
    if (nl != nullptr) break;
    if (eof_) {
      if (begin_ == end_) return false;
      b[end_] = '\n';  // a last line without newline; buf_ has the byte spare
      nl = b + end_;
      end_++;
      break;
    }
    absl::StatusOr<size_t> n = Fill();
    if (!n.ok()) return Fail(n.status());
  }
  const char* const line = b + begin_;
  begin_ = static_cast<size_t>(nl - b) + 1;
  ++line_;
  Failure f;
  Err err = ParseLine<false>(line, nl, rec, &f);
  if (err != Err::kNone) [[unlikely]] err = ParseLine<true>(line, nl, rec, &f);
  rec->line = line_;
  rec->text = std::string_view(line, static_cast<size_t>(nl - line));
  if (err != Err::kNone) [[unlikely]] {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat(path_, ":", line_, ": ", Describe(err, f, line, nl, rec->tag))));
  }
  return true;
}

}  // namespace gogcsim::traces
