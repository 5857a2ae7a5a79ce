#include "traces/recording_spool.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "traces/recording_v2.h"

namespace gogcsim::traces {
namespace {

// The spool's raw words (tools/recorder/gogcsim_record.go, gsrecRaw).
constexpr uint32_t kRawWords = 32 << 10;  // a buffer: 256 KiB
constexpr uint64_t kGlobal = 1 << 8;      // general header: has a sequence number
constexpr uint64_t kCompact = 1 << 9;     // an allocation's A or AZ, compact
constexpr uint64_t kNeedzero = 1 << 12;
constexpr uint64_t kTimed = 1 << 13;  // compact: the time word follows the type
constexpr int kTagA = 2, kTagZ = 3;
// A doubled cost window's second copy of a record (gsrecTagCopy): local,
// its fields the record's words. Measured, then dropped.
constexpr int kTagCopy = 127;

constexpr uint32_t kFrameBuf = 1, kFrameTypes = 2, kFrameEnd = 3;

// Format v2's chunks: records are added while the body is under 64 KiB,
// and one record takes at most 256 bytes.
constexpr uint32_t kChunkBytes = 64 << 10;
constexpr uint32_t kMaxRecord = 256;
constexpr uint32_t kEndM = 0xffffffff;
// A chunk also closes before a global record this many numbers past its
// first: an M that records seldom (sysmon) then leaves chunks a reader
// finishes within that span, not one it holds from the start to the end.
constexpr uint64_t kChunkSpan = 1 << 16;

uint32_t Le32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void Put32(unsigned char* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

// Arithmetic on recorded values wraps, as Go's does (a corrupt spool must
// not make it undefined).
int64_t Sub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
int64_t Add(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
int64_t Mul(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b)); }

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }

struct TypeInfo {
  uint64_t size, ptrdata, flags;  // flags: noscan 1, nil type 2
};

// Where a chunk the encoder wrote lies, and where it belongs.
struct ChunkAt {
  uint64_t offset;  // in the encoder's output
  uint32_t bytes;   // with its header
  uint32_t m;
  bool global;     // it holds a global record
  uint64_t first;  // its first one's number
};

// The encoder: one raw buffer at a time, as chunks of format v2, in the
// order the spool gives them (Sorted says the order to copy them in).
class Encoder {
 public:
  Encoder(std::FILE* out, const std::string& spool) : out_(out), spool_(spool) {}

  absl::Status Types(const uint64_t* w, uint32_t words, uint64_t offset);
  absl::Status Buffer(uint32_t m, const uint64_t* w, uint32_t words, uint64_t offset);
  absl::Status End(uint64_t globals);

  uint64_t written() const { return written_; }
  uint64_t bytes() const { return bytes_; }
  size_t types() const { return types_.size(); }
  // The chunks in the order a reader wants them: by the number of the
  // global record each one's first record comes just before (its own
  // first global's, or for one with none its M's next chunk's with one),
  // the end chunk last. An M's chunks keep their order.
  std::vector<ChunkAt> Sorted() const;

 private:
  absl::Status Error(uint64_t offset, const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat(spool_, ": frame at byte ", offset, ": ", what));
  }
  // Each allocation's time, by its index in the buffer: those that did not
  // read the clock (the recorder reads it every 16th) by linear
  // interpolation, by position, between the timed ones around them.
  absl::Status FillTimes(const uint64_t* w, uint32_t words, uint64_t offset);
  void PutU(uint64_t v) {
    for (; v >= 0x80; v >>= 7) body_[n_++] = static_cast<unsigned char>(v | 0x80);
    body_[n_++] = static_cast<unsigned char>(v);
  }
  // `global`: the chunk holds a global record, the first numbered `first`.
  absl::Status WriteChunk(uint32_t m, uint32_t count, bool global, uint64_t first);
  absl::Status Write(const void* p, size_t n);

  std::FILE* out_;
  const std::string& spool_;
  absl::flat_hash_map<uint64_t, TypeInfo> types_;
  std::vector<int64_t> times_;
  int64_t last_time_ = 0;  // the last time read, for a buffer without one
  unsigned char body_[kChunkBytes + kMaxRecord];
  uint32_t n_ = 0;
  uint64_t written_ = 0, bytes_ = 0;
  std::vector<ChunkAt> chunks_;
};

std::vector<ChunkAt> Encoder::Sorted() const {
  std::vector<std::pair<uint64_t, size_t>> key(chunks_.size());  // (number, position)
  absl::flat_hash_map<uint32_t, uint64_t> next;                  // by M: its next chunk's number
  for (size_t k = chunks_.size(); k-- > 0;) {
    const ChunkAt& c = chunks_[k];
    auto it = next.try_emplace(c.m, ~uint64_t{0}).first;  // none after: its tail, at the end
    if (c.global) it->second = c.first;
    key[k] = {c.m == kEndM ? ~uint64_t{0} : it->second, k};
  }
  std::stable_sort(key.begin(), key.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ChunkAt> out;
  out.reserve(key.size());
  for (const auto& [number, k] : key) out.push_back(chunks_[k]);
  return out;
}

absl::Status Encoder::Write(const void* p, size_t n) {
  if (std::fwrite(p, 1, n, out_) != n) return absl::InternalError(absl::StrCat("write: ", std::strerror(errno)));
  bytes_ += n;
  return absl::OkStatus();
}

absl::Status Encoder::WriteChunk(uint32_t m, uint32_t count, bool global, uint64_t first) {
  unsigned char head[24] = {};
  Put32(head, n_);
  Put32(head + 4, static_cast<uint32_t>(crc32(0, body_, n_)));
  Put32(head + 8, m);
  Put32(head + 12, count);
  Put32(head + 16, static_cast<uint32_t>(first));
  Put32(head + 20, static_cast<uint32_t>(first >> 32));
  chunks_.push_back({bytes_, static_cast<uint32_t>(sizeof head + n_), m, global, first});
  if (absl::Status st = Write(head, sizeof head); !st.ok()) return st;
  if (absl::Status st = Write(body_, n_); !st.ok()) return st;
  n_ = 0;
  return absl::OkStatus();
}

absl::Status Encoder::Types(const uint64_t* w, uint32_t words, uint64_t offset) {
  if (words % 4 != 0) return Error(offset, absl::StrCat("a types frame of ", words, " words, not 4 per type"));
  for (uint32_t i = 0; i < words; i += 4) {
    if (w[i] == 0 || w[i + 3] > 1 || w[i + 2] > w[i + 1]) {
      return Error(offset, absl::StrCat("type ", i / 4, " is malformed"));
    }
    types_[w[i]] = {w[i + 1], w[i + 2], w[i + 3]};
  }
  return absl::OkStatus();
}

absl::Status Encoder::FillTimes(const uint64_t* w, uint32_t words, uint64_t offset) {
  times_.clear();
  for (uint32_t i = 0; i < words;) {
    const uint64_t h = w[i];
    const int tag = static_cast<uint8_t>(h);
    if (h & kCompact) {
      if (tag != kTagA && tag != kV2TagAZ) {
        return Error(offset, absl::StrCat("compact record of tag ", tag, " at word ", i));
      }
      const uint32_t len = 3 + ((h & kTimed) ? 1 : 0) + (tag == kV2TagAZ ? 1 : 0);
      if (words - i < len) return Error(offset, absl::StrCat("the record at word ", i, " runs past the buffer"));
      times_.push_back((h & kTimed) ? static_cast<int64_t>(w[i + 3]) : -1);
      i += len;
      continue;
    }
    const uint32_t nf = static_cast<uint32_t>(h >> 16) & 0xffff;
    const uint32_t head = 2 + ((h & kGlobal) ? 1 : 0);
    if (tag == kTagCopy) {
      if ((h & kGlobal) != 0 || nf == 0) return Error(offset, absl::StrCat("malformed copy record at word ", i));
      if (words - i < head + nf) return Error(offset, absl::StrCat("the record at word ", i, " runs past the buffer"));
      i += head + nf;
      continue;
    }
    const V2Schema& sc = V2SchemaOf(tag);
    // An FB: base, elemsize, nwords, and at most 16 words of bits (one bit
    // per object, at most 1,024 a span), as the reader also checks.
    if (sc.name == nullptr || (IsV2BitsTag(tag) ? nf < 3 || nf > 3 + 16 : static_cast<int>(nf) != sc.fields)) {
      return Error(offset, absl::StrCat("record of tag ", tag, " with ", nf, " fields at word ", i));
    }
    if (words - i < head + nf) return Error(offset, absl::StrCat("the record at word ", i, " runs past the buffer"));
    if (IsV2BitsTag(tag) && w[i + head + 2] != nf - 3) {
      return Error(offset, absl::StrCat(sc.name, " at word ", i, " says ", w[i + head + 2], " words of bits, has ",
                                        nf - 3));
    }
    if (tag == kTagA || tag == kV2TagAZ) times_.push_back(static_cast<int64_t>(w[i + head + 4]));
    i += head + nf;
  }
  const int n = static_cast<int>(times_.size());
  int64_t* t = times_.data();
  int last = -1;  // the last timed allocation
  for (int k = 0; k < n; k++) {
    if (t[k] == -1) continue;
    if (last >= 0 && k - last > 1) {
      const int64_t t0 = t[last], t1 = t[k];
      for (int j = last + 1; j < k; j++) t[j] = Add(t0, Mul(Sub(t1, t0), j - last) / (k - last));
    }
    last = k;
  }
  for (int j = last + 1; last >= 0 && j < n; j++) t[j] = t[last];
  for (int j = 0; j < n && t[j] == -1; j++) {
    if (last < 0) {  // no allocation of the buffer read the clock
      t[j] = last_time_;
      continue;
    }
    int first = j;
    while (t[first] == -1) first++;
    t[j] = t[first];
  }
  if (n > 0) last_time_ = t[n - 1];
  return absl::OkStatus();
}

absl::Status Encoder::Buffer(uint32_t m, const uint64_t* w, uint32_t words, uint64_t offset) {
  if (absl::Status st = FillTimes(w, words, offset); !st.ok()) return st;
  uint32_t count = 0, nalloc = 0;
  uint64_t first_g = 0, prev_g = 0;
  bool has_g = false;
  int64_t last_p = -2, last_g = -2, last_t = 0;
  // The chunk's last few AZ shapes (size and needzero, never 0; the
  // *_type), taken in turn, and the address of the last allocation of each:
  // an AZ of one of them is written as an AN of that slot.
  uint64_t shape[kV2Shapes] = {}, shape_typ[kV2Shapes] = {}, shape_addr[kV2Shapes] = {};
  int slot = 0;
  for (uint32_t i = 0; i < words;) {
    const uint64_t h = w[i];
    if ((h & kCompact) == 0 && static_cast<uint8_t>(h) == kTagCopy) {  // FillTimes checked it
      i += 2 + (static_cast<uint32_t>(h >> 16) & 0xffff);
      continue;
    }
    const bool far = has_g && (h & (kCompact | kGlobal)) == kGlobal && w[i + 2] - first_g > kChunkSpan;
    if (n_ + kMaxRecord > kChunkBytes || far) {
      if (absl::Status st = WriteChunk(m, count, has_g, has_g ? first_g : 0); !st.ok()) return st;
      count = 0;
    }
    if (count == 0) {  // a chunk decodes on its own
      has_g = false;
      last_p = last_g = -2;
      last_t = 0;
      for (uint64_t& s : shape) s = 0;
      slot = 0;
    }
    int tag = static_cast<uint8_t>(h);
    if (h & kCompact) {
      const uint32_t at = i;
      const int64_t p = static_cast<int64_t>(h >> 16 & 0xffff) - 1;
      const auto g = static_cast<int64_t>(w[i + 1]);
      const uint64_t typw = w[i + 2];
      i += 3 + ((h & kTimed) ? 1 : 0);
      const int64_t t = times_[nalloc++];
      const int64_t d = Sub(t, last_t);
      last_t = t;
      const uint64_t hs = h >> 32 << 32 | uint64_t{1} << 31 | (h & kNeedzero);
      int k = 0;
      while (tag == kV2TagAZ && k < kV2Shapes && (hs != shape[k] || typw != shape_typ[k])) k++;
      uint64_t vals[6];
      int nv;
      if (tag == kV2TagAZ && k < kV2Shapes) {
        tag = kV2TagAN + k;
        const int64_t a = static_cast<int64_t>(w[i] - shape_addr[k]);
        shape_addr[k] = w[i++];
        vals[0] = ZigZag(d);
        vals[1] = ZigZag(a);
        nv = 2;
      } else {
        TypeInfo ti = {0, 0, 3};
        if (typw != 0) {
          auto it = types_.find(typw);
          if (it == types_.end()) {
            return Error(offset, absl::StrCat("an allocation at word ", at, " names *_type 0x", absl::Hex(typw),
                                              ", which no types frame before it described"));
          }
          ti = it->second;
        }
        const uint64_t flags = ti.flags | ((h & kNeedzero) ? 4 : 0);
        vals[0] = h >> 32 << 1;
        vals[1] = ti.size << 1;
        vals[2] = ti.ptrdata << 1;
        vals[3] = flags << 1;
        vals[4] = ZigZag(d);
        nv = 5;
        if (tag == kV2TagAZ) {
          shape[slot] = hs;
          shape_typ[slot] = typw;
          shape_addr[slot] = w[i];
          slot = (slot + 1) % kV2Shapes;
          vals[5] = w[i++] << 1;
          nv = 6;
        }
      }
      const unsigned char b = static_cast<unsigned char>(tag | 0x40);
      if (p == last_p && g == last_g) {
        body_[n_++] = b | 0x80;
      } else {
        body_[n_++] = b;
        PutU(static_cast<uint64_t>(p + 1));
        PutU(static_cast<uint64_t>(g));
        last_p = p;
        last_g = g;
      }
      for (int v = 0; v < nv; v++) PutU(vals[v]);
      count++;
      written_++;
      continue;
    }
    const bool global = (h & kGlobal) != 0;
    const uint32_t nf = static_cast<uint32_t>(h >> 16) & 0xffff;
    if (tag == kV2TagAZ) {  // the reader gives this AZ a slot: the encoder, none
      shape[slot] = 0;
      slot = (slot + 1) % kV2Shapes;
    }
    const int64_t p = static_cast<int64_t>(h >> 32) - 1;
    const auto g = static_cast<int64_t>(w[i + 1]);
    i += 2;
    const bool same = p == last_p && g == last_g;
    // Tags past 63 are extended: 0 in the tag byte, then tag - 64.
    body_[n_++] = static_cast<unsigned char>((tag < 64 ? tag : 0) | (same ? 0x80 : 0) | (global ? 0 : 0x40));
    if (tag >= 64) PutU(static_cast<uint64_t>(tag - 64));
    if (global) {
      const uint64_t seq = w[i++];
      if (!has_g) first_g = prev_g = seq, has_g = true;
      PutU(seq - prev_g);
      prev_g = seq;
    }
    if (!same) {
      PutU(static_cast<uint64_t>(p + 1));
      PutU(static_cast<uint64_t>(g));
      last_p = p;
      last_g = g;
    }
    const uint32_t time_at = (tag == kTagA || tag == kV2TagAZ) ? 4 : 99;
    const uint32_t tf = V2SchemaOf(tag).time_mask;
    for (uint32_t k = 0; k < nf; k++) {
      auto x = static_cast<int64_t>(w[i + k]);
      if (k == time_at) x = times_[nalloc++];
      if (IsV2BitsTag(tag) && k >= 3) {
        PutU(static_cast<uint64_t>(x));  // the words of bits
        continue;
      }
      if (tf & (1u << k)) {
        const int64_t delta = Sub(x, last_t);
        last_t = x;
        x = delta;
      }
      PutU(ZigZag(x));
    }
    i += nf;
    count++;
    written_++;
  }
  if (count == 0) return absl::OkStatus();
  return WriteChunk(m, count, has_g, has_g ? first_g : 0);
}

absl::Status Encoder::End(uint64_t globals) {
  n_ = 0;
  PutU(globals);
  PutU(written_);
  return WriteChunk(kEndM, 0, false, 0);
}

// Copies the chunks at `order` in `from` (named `staged`) to `to` (`out`).
absl::Status CopyChunks(std::FILE* from, const std::vector<ChunkAt>& order, std::FILE* to, const std::string& staged,
                        const std::string& out) {
  if (std::fflush(from) != 0) return absl::InternalError(absl::StrCat(staged, ": write: ", std::strerror(errno)));
  std::vector<char> b(kChunkBytes + kMaxRecord + 24);
  for (const ChunkAt& k : order) {
    if (std::fseek(from, static_cast<long>(k.offset), SEEK_SET) != 0 ||
        std::fread(b.data(), 1, k.bytes, from) != k.bytes) {
      return absl::InternalError(absl::StrCat(staged, ": read: ", std::strerror(errno)));
    }
    if (std::fwrite(b.data(), 1, k.bytes, to) != k.bytes) {
      return absl::InternalError(absl::StrCat(out, ": write: ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsSpool(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[8];
  const bool yes = std::fread(magic, 1, 8, f) == 8 && std::string_view(magic, 8) == kSpoolMagic;
  std::fclose(f);
  return yes;
}

absl::StatusOr<SpoolStats> ConvertSpool(const std::string& spool, const std::string& out) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(spool.c_str(), "rb"), &std::fclose);
  if (in == nullptr) return absl::NotFoundError(absl::StrCat(spool, ": ", std::strerror(errno)));
  unsigned char head[16];
  if (std::fread(head, 1, 16, in.get()) != 16 || std::string_view(reinterpret_cast<char*>(head), 8) != kSpoolMagic) {
    return absl::InvalidArgumentError(absl::StrCat(spool, ": not a gogcsim recorder spool (magic)"));
  }
  if (head[8] != kSpoolVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat(spool, ": spool version ", head[8], ", this gogcsim reads ", kSpoolVersion));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> o(std::fopen(out.c_str(), "wb"), &std::fclose);
  if (o == nullptr) return absl::InternalError(absl::StrCat(out, ": ", std::strerror(errno)));
  std::vector<char> obuf(1 << 20);
  std::setvbuf(o.get(), obuf.data(), _IOFBF, obuf.size());
  // The chunks as encoded, beside `out` and unlinked at once (nothing is
  // left behind, whatever happens), then copied into it in order.
  const std::string staged = out + ".chunks";
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> c(std::fopen(staged.c_str(), "w+b"), &std::fclose);
  if (c == nullptr) return absl::InternalError(absl::StrCat(staged, ": ", std::strerror(errno)));
  std::remove(staged.c_str());
  std::vector<char> cbuf(1 << 20);
  std::setvbuf(c.get(), cbuf.data(), _IOFBF, cbuf.size());
  auto enc = std::make_unique<Encoder>(c.get(), spool);
  const std::string v2_head =
      std::string(kRecordingV2Magic) + static_cast<char>(kRecordingV2Version) + std::string(7, '\0');
  if (std::fwrite(v2_head.data(), 1, v2_head.size(), o.get()) != v2_head.size()) {
    return absl::InternalError(absl::StrCat(out, ": write: ", std::strerror(errno)));
  }
  SpoolStats stats;
  uint64_t offset = 16;
  std::vector<uint64_t> words(kRawWords);
  bool ended = false;
  for (;;) {
    unsigned char fh[16];
    const size_t got = std::fread(fh, 1, 16, in.get());
    if (got == 0 && std::feof(in.get())) break;
    auto bad = [&](const std::string& what) {
      return absl::InvalidArgumentError(absl::StrCat(spool, ": frame at byte ", offset, ": ", what));
    };
    if (got != 16) return bad("cut short in its head");
    if (ended) return bad("after the end frame");
    const uint32_t kind = Le32(fh), m = Le32(fh + 4), n = Le32(fh + 8);
    if (Le32(fh + 12) != 0) return bad("head bytes 12-15 are not zero");
    const uint32_t max = kind == kFrameEnd ? 1 : kRawWords;
    if (kind < kFrameBuf || kind > kFrameEnd) return bad(absl::StrCat("unknown frame kind ", kind));
    if (n == 0 || n > max || (kind == kFrameEnd && n != 1)) return bad(absl::StrCat("a frame of ", n, " words"));
    if (std::fread(words.data(), 8, n, in.get()) != n) return bad("cut short");
    absl::Status st;
    if (kind == kFrameBuf) {
      st = enc->Buffer(m, words.data(), n, offset);
      stats.buffers++;
    } else if (kind == kFrameTypes) {
      st = enc->Types(words.data(), n, offset);
    } else {
      stats.globals = words[0];
      st = enc->End(words[0]);
      ended = true;
    }
    if (!st.ok()) {
      if (absl::IsInternal(st)) return absl::InternalError(absl::StrCat(staged, ": ", st.message()));
      return st;
    }
    offset += 16 + uint64_t{n} * 8;
  }
  if (!ended) {
    return absl::InvalidArgumentError(
        absl::StrCat(spool, ": no end frame after byte ", offset, ": the recorded program was cut short"));
  }
  if (absl::Status st = CopyChunks(c.get(), enc->Sorted(), o.get(), staged, out); !st.ok()) return st;
  if (std::fflush(o.get()) != 0) return absl::InternalError(absl::StrCat(out, ": write: ", std::strerror(errno)));
  stats.types = enc->types();
  stats.records = enc->written();
  stats.bytes_in = offset;
  stats.bytes_out = v2_head.size() + enc->bytes();
  return stats;
}

}  // namespace gogcsim::traces
