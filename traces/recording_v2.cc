#include "traces/recording_v2.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/check.h"
#include "traces/reference_reader.h"

namespace gogcsim::traces {
namespace {

constexpr size_t kFileHeader = 16;
constexpr size_t kChunkHeader = 24;
constexpr uint32_t kEndM = 0xffffffff;
// The recorder's buffers are 64 KiB; anything past this is corruption.
constexpr uint32_t kMaxChunk = 1 << 20;
constexpr uint32_t kMaxM = 10000;
// An FB record's bitmap words: one bit per object, and a span holds at most
// 1024 (8 KiB of 8-byte objects).
constexpr int64_t kMaxFBWords = 16;

constexpr const char* kAN[kV2Shapes] = {"AN0", "AN1", "AN2", "AN3"};

struct SchemaTable {
  std::array<V2Schema, 128> s{};
  SchemaTable() {
    auto set = [this](int tag, const char* name, int fields, uint32_t time_mask = 0) {
      // 1..63 fit a record's tag byte; 64..127 are extended.
      GOGCSIM_CHECK(tag > 0 && tag < 128);
      s[tag] = {name, fields, time_mask};
    };
    // Format v1's tags, as tools/recorder/gogcsim_hooks.go writes them.
    set(1, "H", 6, 1u << 5);
    set(2, "A", 5, 1u << 4);  // size typsize ptrdata flags t (P and G in the header)
    set(3, "Z", 1);
    set(4, "L", 3);
    set(5, "CS", 5);
    set(6, "UC", 4);
    set(7, "MA", 2);
    set(8, "MF", 2);
    set(9, "SW", 7);
    set(10, "F", 1);
    set(11, "GS", 5, 1u << 4);
    set(12, "MS", 1, 1u << 0);
    set(13, "MT", 2, 1u << 0);
    set(14, "HM", 3);
    set(15, "W", 2);
    set(16, "C", 2);
    set(17, "AS", 2);
    set(18, "AE", 3);
    set(19, "CQ", 1);
    set(20, "AT", 1);
    set(21, "PT", 15);
    set(22, "PS", 11);
    set(23, "PR", 7);
    set(24, "PE", 10, (1u << 5) | (1u << 6));
    // v2's own.
    set(32, "HL", 2);
    set(33, "HS", 2);
    set(34, "SC", 2);
    set(35, "SP", 3);
    set(36, "CF", 4);
    set(37, "HA", 3);
    set(38, "HF", 2);
    set(39, "GB", 1, 1u << 0);
    set(40, "GE", 2, 1u << 1);
    set(41, "SY", 1, 1u << 0);
    set(42, "SR", 2);
    set(43, "WS", 1, 1u << 0);
    set(44, "WR", 1, 1u << 0);
    set(45, "MW", 3, 1u << 2);
    set(kV2TagAZ, "AZ", 6, 1u << 4);
    set(kV2TagFB, "FB", 3);  // base elemsize nwords, then nwords raw uvarint words
    set(48, "PP", 1);
    set(49, "CT", 3);
    set(50, "PW", 1);
    set(51, "RV", 2);
    set(56, "ZB", 1);
    set(57, "BU", 2);
    set(58, "BO", 1);
    set(59, "SE", 2);
    set(60, "FM", 1);
    set(61, "SF", 1);
    set(62, "SX", 1);
    set(63, "HR", 1);
    // Tags are 6 bits: v2's last ones take the two free below 32.
    set(25, "DR", 1);
    set(26, "DZ", 0);
    set(27, "SD", 1);
    set(28, "SN", 0);
    set(29, "CK", 1);
    set(kV2TagMB, "MB", 3);  // as FB
    set(31, "DM", 2);        // addr size
    set(kV2TagMO, "MO", 1);  // addr: what the reader makes of an MB, per slot
    // Extended tags (64..127: tag byte 0, then tag - 64 as a uvarint).
    set(65, "TP", 3);  // base priority mspan
    set(66, "BR", 1);  // index after
    set(kV2TagRT, "RT", 5, 1u << 0);  // t records words twice ncpu
    for (int k = 0; k < kV2Shapes; k++) set(kV2TagAN + k, kAN[k], 2, 1u << 0);  // t, address delta
  }
};

const SchemaTable& Schemas() {
  static const SchemaTable* t = new SchemaTable();
  return *t;
}

uint32_t Le32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// A uvarint at *p, advancing it; false if it runs past `end` or over 10
// bytes. Most are one byte: that test comes first. One of up to 8 bytes
// (56 bits: addresses, times) is read as one word, its 7-bit groups packed
// without a branch per byte.
inline bool Uvarint(const unsigned char*& p, const unsigned char* end, uint64_t* out) {
  if (p < end && *p < 0x80) {
    *out = *p++;
    return true;
  }
  if (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t ends = ~w & 0x8080808080808080u;  // little-endian: byte k's high bit is bit 8k+7
    if (ends != 0) {
      // The bytes up to the first that ends it, without their high bits.
      uint64_t x = w & (ends ^ (ends - 1)) & 0x7f7f7f7f7f7f7f7fu;
      x = ((x & 0x7f007f007f007f00u) >> 1) | (x & 0x007f007f007f007fu);  // 14 bits a pair
      x = ((x & 0x3fff00003fff0000u) >> 2) | (x & 0x00003fff00003fffu);  // 28 a quad
      x = ((x & 0x0fffffff00000000u) >> 4) | (x & 0x000000000fffffffu);  // 56
      *out = x;
      p += (std::countr_zero(ends) >> 3) + 1;
      return true;
    }
  }
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p >= end) return false;
    const unsigned c = *p++;
    v |= uint64_t{c & 0x7fu} << shift;
    if (c < 0x80) {
      *out = v;
      return true;
    }
  }
  return false;
}

// Skips a uvarint that is not needed.
inline bool SkipUvarint(const unsigned char*& p, const unsigned char* end) {
  for (int k = 0; k < 10; k++) {
    if (p >= end) return false;
    if (*p++ < 0x80) return true;
  }
  return false;
}

// Skips n uvarints, eight bytes at a time: each ends at a byte with its
// high bit clear. Unlike SkipUvarint it does not catch one over 10 bytes:
// for a second reader, whose file the first checks in full.
inline bool SkipUvarints(const unsigned char*& p, const unsigned char* end, int n) {
  while (n > 0 && end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t ends = ~w & 0x8080808080808080u;  // little-endian: byte k's high bit is bit 8k+7
    // How many: the bytes' sum in the top byte (std::popcount is a library
    // call on baseline x86-64).
    const int c = static_cast<int>(((ends >> 7) * 0x0101010101010101u) >> 56);
    if (c < n) {
      p += 8;
      n -= c;
      continue;
    }
    for (int k = 1; k < n; k++) ends &= ends - 1;
    p += (std::countr_zero(ends) >> 3) + 1;
    return true;
  }
  for (; n > 0; n--) {
    if (!SkipUvarint(p, end)) return false;
  }
  return true;
}

bool Uvarint(std::string_view data, size_t* pos, uint64_t* out) {
  const auto* b = reinterpret_cast<const unsigned char*>(data.data());
  const unsigned char* p = b + *pos;
  const bool ok = Uvarint(p, b + data.size(), out);
  *pos = static_cast<size_t>(p - b);
  return ok;
}

}  // namespace

const V2Schema& V2SchemaOf(int tag) {
  static const V2Schema kNone{};
  return tag >= 0 && tag < 128 ? Schemas().s[static_cast<size_t>(tag)] : kNone;
}

int V2TagOf(std::string_view name) {
  for (int t = 0; t < 128; t++) {
    if (Schemas().s[static_cast<size_t>(t)].name != nullptr && name == Schemas().s[static_cast<size_t>(t)].name) {
      return t;
    }
  }
  return -1;
}

bool IsRecordingV2(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[kRecordingV2Magic.size()];
  const size_t got = std::fread(magic, 1, sizeof magic, f);
  std::fclose(f);
  // A recorder spool (GOGCSIMS) goes to Open too, which says what to do.
  return got == sizeof magic && (std::memcmp(magic, kRecordingV2Magic.data(), sizeof magic) == 0 ||
                                 std::memcmp(magic, "GOGCSIMS", sizeof magic) == 0);
}

absl::StatusOr<std::unique_ptr<RecordingV2Reader>> RecordingV2Reader::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a regular file"));
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* map = size == 0 ? nullptr : ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot map: ", std::strerror(errno)));
  auto r = std::unique_ptr<RecordingV2Reader>(new RecordingV2Reader(path, static_cast<const char*>(map), size));
  const auto* head = reinterpret_cast<const unsigned char*>(r->map_);
  if (size >= 8 && std::memcmp(head, "GOGCSIMS", 8) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": a recorder spool (the raw records a recorded program writes), not a recording: "
                           "record through `gogcsim record`, which encodes the spool when the program exits"));
  }
  if (size < kFileHeader || std::memcmp(head, kRecordingV2Magic.data(), kRecordingV2Magic.size()) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": offset 0: not a gogcsim recording (format v2)"));
  }
  if (head[8] < kOldestRecordingV2Version || head[8] > kRecordingV2Version) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": offset 8: recording format version ", head[8], ", this gogcsim reads versions ",
        kOldestRecordingV2Version, " to ", kRecordingV2Version,
        head[8] < kOldestRecordingV2Version ? " (recorded by an older gogcsim: record the program again)" : ""));
  }
  r->offset_ = kFileHeader;
  return r;
}

RecordingV2Reader::~RecordingV2Reader() {
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), size_);
}

absl::Status RecordingV2Reader::Fail(absl::Status st) {
  error_ = st;
  return st;
}

absl::Status RecordingV2Reader::Error(uint64_t offset, const std::string& what) {
  return Fail(absl::InvalidArgumentError(absl::StrCat(path_, ": offset ", offset, ": ", what)));
}

absl::StatusOr<bool> RecordingV2Reader::ReadChunk() {
  if (end_seen_) return false;
  const uint64_t at = offset_;
  if (at == size_) {
    return Fail(absl::DataLossError(absl::StrCat(path_, ": offset ", at,
                                                 ": the recording ends without its end chunk (truncated, or the "
                                                 "program did not exit through main or os.Exit)")));
  }
  if (size_ - at < kChunkHeader) {
    return Fail(absl::DataLossError(absl::StrCat(path_, ": offset ", at, ": truncated chunk header")));
  }
  const auto* h = reinterpret_cast<const unsigned char*>(map_ + at);
  const uint32_t len = Le32(h), crc = Le32(h + 4), m = Le32(h + 8), count = Le32(h + 12);
  const uint64_t first = uint64_t{Le32(h + 16)} | uint64_t{Le32(h + 20)} << 32;
  if (len > kMaxChunk) return Error(at, absl::StrCat("chunk length ", len, " is over ", kMaxChunk));
  if (size_ - at - kChunkHeader < len) {
    return Fail(absl::DataLossError(absl::StrCat(path_, ": offset ", at, ": truncated chunk (", len, " bytes)")));
  }
  const std::string_view data(map_ + at + kChunkHeader, len);
  offset_ += kChunkHeader + len;
  chunks_++;
  if (at >= checked_->load(std::memory_order_acquire)) {
    if (crc32(0, reinterpret_cast<const Bytef*>(data.data()), len) != crc) {
      return Error(at, "chunk checksum mismatch (corrupt data)");
    }
    uint64_t was = checked_->load(std::memory_order_relaxed);
    while (was < offset_ && !checked_->compare_exchange_weak(was, offset_, std::memory_order_release)) {
    }
  }
  if (m == kEndM) {
    size_t pos = 0;
    if (!Uvarint(data, &pos, &total_globals_) || !Uvarint(data, &pos, &total_records_) || pos != data.size()) {
      return Error(at, "malformed end chunk");
    }
    if (offset_ != size_) return Error(offset_, "data after the end chunk");
    end_seen_ = true;
    return true;
  }
  if (m >= kMaxM) return Error(at, absl::StrCat("M id ", m, " is out of range"));
  if (count == 0 || len == 0) return Error(at, "empty chunk");
  chunk_records_ += count;
  if (m >= stream_of_m_.size()) stream_of_m_.resize(m + 1, 0);
  if (stream_of_m_[m] == 0) {
    streams_.emplace_back().m = m;
    stream_of_m_[m] = streams_.size();
  }
  const size_t s = stream_of_m_[m] - 1;
  streams_[s].ahead.push_back({data, count, first, at});
  if (absl::Status st = Advance(s); !st.ok()) return st;
  return true;
}

absl::Status RecordingV2Reader::Advance(size_t si, bool push) {
  Stream& s = streams_[si];
  if (s.has_head) return absl::OkStatus();  // already in the heap
  while (!s.has_head) {
    if (s.left == 0) {
      if (s.pos != s.chunk.size()) return Error(s.offset, "bytes left over after the chunk's last record");
      if (s.ahead.empty()) return absl::OkStatus();  // more may come, or these are its last
      Stream::Pending& c = s.ahead.front();
      s.chunk = c.data;
      s.left = c.count;
      s.offset = c.offset;
      s.pos = 0;
      s.chunk_first = true;
      s.p = -2;
      s.g = -2;
      s.last_t = 0;
      for (bool& h : s.has_shape) h = false;
      s.slot = 0;
      if (s.seen_global && c.first <= s.seq && c.first != 0) {
        return Error(c.offset, absl::StrCat("M ", s.m, "'s chunk starts at sequence number ", c.first,
                                            ", not after its previous global record's ", s.seq));
      }
      s.head.seq = c.first;  // the chunk's first global record has delta 0
      s.ahead.pop_front();
      ReleaseDone();
    }
    if (absl::Status st = DecodeOne(s); !st.ok()) return st;
  }
  if (push) heap_.push({s.head.seq, si});
  return absl::OkStatus();
}

void RecordingV2Reader::ReleaseDone() {
  // The file's pages below every chunk still held: given back, so that the
  // mapping's resident part is the Ms' current chunks, not all that was read.
  uint64_t low = offset_;
  for (const Stream& s : streams_) {
    if (s.left != 0) low = std::min<uint64_t>(low, s.offset);
    if (!s.ahead.empty()) low = std::min<uint64_t>(low, s.ahead.front().offset);
  }
  static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t upto = low / page * page;
  if (upto < released_ + kReleaseStep) return;
  ::madvise(const_cast<char*>(map_) + released_, upto - released_, MADV_DONTNEED);
  released_ = upto;
}

void RecordingV2Reader::SetHeader(V2Record& r, const Stream& s, bool global, int tag, int n) {
  r.global = global;
  r.seq = s.seq;
  r.m = s.m;
  r.p = s.p;
  r.g = s.g;
  r.tag = static_cast<uint8_t>(tag);
  r.n = n;
  r.offset = s.offset;
}

void RecordingV2Reader::ShapeAZ(Stream& s, int tag, int64_t* v) {
  if (tag != kV2TagAZ) {  // an AN: time, address delta
    const int slot = tag - kV2TagAN;
    const int64_t t = v[0];
    s.shape_addr[slot] += static_cast<uint64_t>(v[1]);
    for (int k = 0; k < 4; k++) v[k] = s.shape[slot][k];
    v[4] = t;
    v[5] = static_cast<int64_t>(s.shape_addr[slot]);
    return;
  }
  for (int k = 0; k < 4; k++) s.shape[s.slot][k] = v[k];
  s.shape_addr[s.slot] = static_cast<uint64_t>(v[5]);
  s.has_shape[s.slot] = true;
  s.slot = (s.slot + 1) % kV2Shapes;
}

bool RecordingV2Reader::DecodeAZ(Stream& s, int tag, const unsigned char*& p, const unsigned char* end) {
  const bool an = tag != kV2TagAZ;
  if (an && !s.has_shape[tag - kV2TagAN]) return false;
  int64_t v[6];
  for (int k = 0; k < (an ? 2 : 6); k++) {
    uint64_t u;
    if (!Uvarint(p, end, &u)) return false;
    v[k] = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  }
  // The time, a delta from the chunk's last one.
  int64_t& t = v[an ? 0 : 4];
  t = static_cast<int64_t>(static_cast<uint64_t>(t) + static_cast<uint64_t>(s.last_t));
  s.last_t = t;
  ShapeAZ(s, tag, v);
  V2Record& r = s.pre.push_slot();
  const int old_n = r.n;
  SetHeader(r, s, false, kV2TagAZ, 6);
  for (int k = 0; k < 6; k++) r.v[k] = v[k];
  for (int k = 6; k < old_n; k++) r.v[k] = 0;  // as Assign leaves them
  return true;
}

absl::Status RecordingV2Reader::DecodeOne(Stream& s) {
  // Out of line: the message is built only on an error, and the hot path
  // keeps a small frame.
  auto bad = [&](const auto&... what) __attribute__((cold, noinline)) {
    return Error(s.offset, absl::StrCat("M ", s.m, ": ", what...));
  };
  const auto* begin = reinterpret_cast<const unsigned char*>(s.chunk.data());
  const unsigned char* p = begin + s.pos;
  const unsigned char* const end = begin + s.chunk.size();
  if (p >= end) return bad("the chunk ends before its record count");
  decoded_++;
  const unsigned byte = *p++;
  // Most records are an allocation (AZ, or AN) of the last record's P and
  // goroutine: read whole by a replay, skipped by its scout. Anything
  // amiss is left to the general path below, which says what.
  if ((byte & 0xc0) == 0xc0 && s.p != -2) {
    const int t0 = static_cast<int>(byte & 0x3f);
    const bool an = t0 >= kV2TagAN && t0 < kV2TagAN + kV2Shapes;
    const unsigned char* q = p;
    const bool whole = whole_az_ && !filtered_;                                    // a replay's reader
    const bool skip = filtered_ && !times_ && !keep_[kV2TagA] && !keep_[kV2TagZ];  // its scout
    if ((an || t0 == kV2TagAZ) && ((whole && DecodeAZ(s, t0, q, end)) || (skip && SkipUvarints(q, end, an ? 2 : 6)))) {
      s.left--;
      s.pos = static_cast<size_t>(q - begin);
      return absl::OkStatus();
    }
  }
  int tag = static_cast<int>(byte & 0x3f);  // an AN becomes the AZ it stands for
  const bool global = (byte & 0x40) == 0;
  uint64_t u;
  if (tag == 0) {  // an extended tag: 64 + the uvarint that follows
    if (!Uvarint(p, end, &u) || u >= 64) return bad("malformed extended tag");
    tag = 64 + static_cast<int>(u);
  }
  if (tag == kV2TagMO) return bad("MO is what a reader makes of an MB: never written");
  const V2Schema& sc = V2SchemaOf(tag);
  if (sc.name == nullptr) return bad("unknown record tag ", tag);
  if (global) {
    const uint64_t chunk_first_seq = s.head.seq;
    uint64_t delta;
    if (!Uvarint(p, end, &delta)) return bad("malformed sequence number");
    const bool first_global = s.chunk_first;
    if (first_global ? delta != 0 : delta == 0) return bad("sequence numbers not increasing");
    s.seq = first_global ? chunk_first_seq : s.seq + delta;
    s.chunk_first = false;
    s.seen_global = true;
  }
  if ((byte & 0x80) != 0) {
    if (s.p == -2) return bad("the chunk's first record omits its P and goroutine");
  } else {
    uint64_t g;
    if (!Uvarint(p, end, &u) || !Uvarint(p, end, &g)) return bad("malformed P or goroutine");
    if (u > 1u << 20) return bad("P ", static_cast<int64_t>(u) - 1, " out of range");
    s.p = static_cast<int32_t>(u) - 1;
    s.g = static_cast<int64_t>(g);
  }
  const bool an = tag >= kV2TagAN && tag < kV2TagAN + kV2Shapes;
  const bool bits = IsV2BitsTag(tag);
  if (global && (tag == kV2TagAZ || bits || an)) return bad(sc.name, " is always local");
  // A second reader's record of a tag it does not keep: only its times
  // (which later deltas build on) and an FB's or MB's word count are
  // decoded, if any; without them it is skipped whole.
  bool keep = true;
  if (filtered_) {
    keep = tag == kV2TagAZ || an ? keep_[kV2TagA] || keep_[kV2TagZ] : bits ? keep_[V2BitsRecordTag(tag)] : keep_[tag];
  }
  // A local record that comes out as it is decoded is decoded in its slot
  // (fields past n zeroed at the end); one that comes out as several (an
  // FB's Fs, an AZ's A and Z) in scratch_, whose fields past r.n are stale:
  // Assign copies r.v[0, r.n).
  const bool in_slot = !global && keep && !bits && (whole_az_ || !(tag == kV2TagAZ || an));
  V2Record& r = global ? s.head : in_slot ? s.pre.push_slot() : scratch_;
  const int old_n = r.n;
  SetHeader(r, s, global, tag, sc.fields);
  if (!keep && !times_ && !bits) {  // nothing of it is needed
    if (!SkipUvarints(p, end, sc.fields)) return bad("malformed fields of ", sc.name);
  }
  for (int k = 0; k < sc.fields && (keep || times_ || bits); k++) {
    const bool time = (sc.time_mask >> k & 1) != 0;
    if (!keep && !(time && times_) && !(bits && k == 2)) {
      if (!SkipUvarint(p, end)) return bad("malformed field ", k + 1, " of ", sc.name);
      continue;
    }
    if (!Uvarint(p, end, &u)) return bad("malformed field ", k + 1, " of ", sc.name);
    int64_t v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
    if (time) {  // a delta from the last time; 0 when times are not decoded
      v = times_ ? static_cast<int64_t>(static_cast<uint64_t>(v) + static_cast<uint64_t>(s.last_t)) : 0;
      s.last_t = v;
    }
    r.v[k] = v;
  }
  s.left--;
  if (global) {
    for (int k = r.n; k < old_n; k++) r.v[k] = 0;  // as Assign leaves them
    s.has_head = true;
    s.pos = static_cast<size_t>(p - begin);
    return absl::OkStatus();
  }
  if (!keep) {
    for (int64_t w = 0; bits && w < r.v[2]; w++) {
      if (!SkipUvarint(p, end)) return bad("malformed ", sc.name, " word");
    }
    s.pos = static_cast<size_t>(p - begin);
    return absl::OkStatus();
  }
  if (an && !s.has_shape[tag - kV2TagAN]) {
    return bad(sc.name, " names shape slot ", tag - kV2TagAN, ", which no AZ of its chunk filled");
  }
  if (an || tag == kV2TagAZ) {  // an AN: the AZ it abbreviates
    ShapeAZ(s, tag, r.v);
    tag = kV2TagAZ;
  }
  if (in_slot) {
    if (tag == kV2TagAZ) {  // whole
      r.tag = kV2TagAZ;
      r.n = 6;
    }
    for (int k = r.n; k < old_n; k++) r.v[k] = 0;  // as Assign leaves them
  } else if (tag == kV2TagAZ) {  // its A, then its Z; an AN's fields are now an AZ's
    r.n = 6;
    if (!filtered_ || keep_[kV2TagA]) {
      V2Record& a = s.pre.push_slot();
      Assign(a, r);
      a.tag = kV2TagA;
      a.n = 5;
      a.v[5] = 0;
    }
    if (!filtered_ || keep_[kV2TagZ]) {
      r.tag = kV2TagZ;
      r.n = 1;
      r.v[0] = r.v[5];
      Assign(s.pre.push_slot(), r);
    }
  } else if (bits) {  // one F (MO) per set bit
    const uint64_t base = static_cast<uint64_t>(r.v[0]), elemsize = static_cast<uint64_t>(r.v[1]);
    const int64_t nwords = r.v[2];
    // One bit per object of the span, as the recorder writes them: more
    // words come only from a corrupt record, each one up to 64 F records.
    if (nwords < 0 || nwords > kMaxFBWords) {
      return bad(sc.name, " with ", nwords, " words (a span's objects take at most ", kMaxFBWords, ")");
    }
    r.tag = static_cast<uint8_t>(whole_bits_ ? tag : V2BitsRecordTag(tag));
    r.n = whole_bits_ ? 3 : 1;
    for (int64_t w = 0; w < nwords; w++) {
      if (!Uvarint(p, end, &u)) return bad("malformed ", sc.name, " word");
      if (whole_bits_ && u != 0) {
        r.v[0] = static_cast<int64_t>(base + static_cast<uint64_t>(w) * 64 * elemsize);
        r.v[2] = static_cast<int64_t>(u);
        Assign(s.pre.push_slot(), r);
        continue;
      }
      for (; u != 0; u &= u - 1) {
        r.v[0] = static_cast<int64_t>(base + (static_cast<uint64_t>(w) * 64 + std::countr_zero(u)) * elemsize);
        Assign(s.pre.push_slot(), r);
      }
    }
  }
  s.pos = static_cast<size_t>(p - begin);
  return absl::OkStatus();
}

void RecordingV2Reader::KeepOnly(std::initializer_list<int> tags, bool times) {
  filtered_ = true;
  times_ = times;
  for (bool& k : keep_) k = false;
  for (const int t : tags) {
    GOGCSIM_CHECK(t >= 0 && t < 128);
    keep_[t] = true;
  }
}

absl::StatusOr<bool> RecordingV2Reader::Next(V2Record* rec) {
  absl::StatusOr<const V2Record*> r = NextRecord();
  if (!r.ok()) return r.status();
  if (*r == nullptr) return false;
  Assign(*rec, **r);
  return true;
}

absl::StatusOr<const V2Record*> RecordingV2Reader::NextRecord() {
  if (!error_.ok()) return error_;
  for (;;) {
    if (drain_ != kNoStream) {  // the stream whose head is next: its local records, then the head
      Stream& s = streams_[drain_];
      if (!s.pre.empty()) {
        // Its slot stays as it is until the stream decodes again, in a
        // later call.
        V2Record& r = s.pre.front();
        s.pre.pop_front();
        r.seq = next_seq_;
        r.index = index_;
        index_ += V2RecordsIn(r);
        return &r;
      }
      const size_t si = drain_;
      drain_ = kNoStream;
      if (tails_done_) continue;
      advance_ = si;  // after the caller is done with the head
      next_seq_++;
      if (!filtered_ || keep_[s.head.tag]) {
        s.head.index = index_++;
        return &s.head;
      }
      continue;
    }
    if (advance_ != kNoStream) {
      const size_t si = advance_;
      advance_ = kNoStream;
      Stream& s = streams_[si];
      s.has_head = false;
      if (absl::Status st = Advance(si, /*push=*/false); !st.ok()) return st;
      if (s.has_head) {
        // An M often writes several global records in a row: its next
        // head, if it is the next number and no other stream holds one
        // as low, is drained without a round through the heap.
        if (s.head.seq == next_seq_ && (heap_.empty() || heap_.top().seq > next_seq_)) {
          drain_ = si;
          continue;
        }
        heap_.push({s.head.seq, si});
      }
    }
    if (tails_done_) {
      // What each M wrote after its last global record, by M id.
      while (tail_next_ < stream_of_m_.size() && stream_of_m_[tail_next_] == 0) tail_next_++;
      if (tail_next_ == stream_of_m_.size()) return nullptr;
      drain_ = stream_of_m_[tail_next_++] - 1;
      continue;
    }
    if (!heap_.empty() && heap_.top().seq == next_seq_) {
      const size_t si = heap_.top().stream;
      heap_.pop();
      if (!heap_.empty() && heap_.top().seq == next_seq_) {
        return Error(streams_[si].offset, absl::StrCat("sequence number ", next_seq_, " appears twice"));
      }
      drain_ = si;
      continue;
    }
    if (!heap_.empty() && heap_.top().seq < next_seq_) {
      return Error(streams_[heap_.top().stream].offset,
                   absl::StrCat("sequence number ", heap_.top().seq, " appears twice"));
    }
    if (end_seen_) {
      if (!heap_.empty() || next_seq_ != total_globals_) {
        return Error(offset_, absl::StrCat("global record ", next_seq_, " of ", total_globals_,
                                           " is missing (a chunk was lost or the counts disagree)"));
      }
      if (chunk_records_ != total_records_) {
        return Error(offset_, absl::StrCat("the chunks hold ", chunk_records_, " records, the end chunk says ",
                                           total_records_));
      }
      tails_done_ = true;
      continue;
    }
    absl::StatusOr<bool> more = ReadChunk();
    if (!more.ok()) return more.status();
  }
}

bool ToRefRecord(const V2Record& r, RefRecord* out) {
  if (r.tag < 1 || r.tag > kNumRefTags) return false;
  out->tag = static_cast<RefTag>(r.tag - 1);
  const RefSchema& s = RefSchemaOf(out->tag);
  out->bar = s.has_bar ? s.inputs : -1;
  if (out->tag == RefTag::kA) {
    out->n = 7;
    out->v[0] = r.p;
    out->v[1] = r.g;
    std::memcpy(out->v + 2, r.v, sizeof(int64_t) * 5);
    return true;
  }
  out->n = r.n;
  std::memcpy(out->v, r.v, sizeof(int64_t) * static_cast<size_t>(r.n));
  // The sweeps the recorder made at exit (who 67) are, to a replay, what
  // background-sweeper steps are: sweepone calls the program did not
  // pace, which it follows span by span.
  if (out->tag == RefTag::kSW && out->v[0] == 67) out->v[0] = 66;
  return true;
}

absl::StatusOr<std::unique_ptr<V2RecordSource>> V2RecordSource::Open(const std::string& path, bool with_text) {
  absl::StatusOr<std::unique_ptr<RecordingV2Reader>> r = RecordingV2Reader::Open(path);
  if (!r.ok()) return r.status();
  return std::unique_ptr<V2RecordSource>(new V2RecordSource(std::move(*r), with_text));
}

absl::StatusOr<bool> V2RecordSource::Next(RefRecord* rec) {
  for (;;) {
    absl::StatusOr<bool> more = reader_->Next(&v2_);
    if (!more.ok() || !*more) return more;
    if (ToRefRecord(v2_, rec)) break;
    if (on_timing_ && (v2_.tag == kV2TagGB || v2_.tag == kV2TagGE || v2_.tag == kV2TagRT)) on_timing_(v2_);
  }
  rec->line = ++line_;
  rec->text = with_text_ ? std::string_view(text_, FormatRefLine(*rec, text_)) : std::string_view();
  return true;
}

}  // namespace gogcsim::traces
