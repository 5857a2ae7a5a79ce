#include "traces/chunk_decoder.h"

#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"

namespace gogcsim::traces {
namespace {

// Reads the varint at p; nullptr if it runs past `end` or over 10 bytes.
inline const uint8_t* ReadVarint(const uint8_t* p, const uint8_t* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p == end) return nullptr;
    const uint64_t b = *p++;
    r |= (b & 0x7f) << shift;
    if (b < 0x80) {
      *v = r;
      return p;
    }
  }
  return nullptr;
}

// Protobuf's value conversions for each column's field type.
struct AsUint64 {
  uint64_t operator()(uint64_t v) const { return v; }
};
struct AsUint32 {  // uint32: the low 32 bits
  uint32_t operator()(uint64_t v) const { return static_cast<uint32_t>(v); }
};
struct AsKind {  // uint32, clamped to a byte (255 is never a valid kind)
  uint8_t operator()(uint64_t v) const { return static_cast<uint8_t>(v < 255 ? v : 255); }
};
struct AsSint64 {  // zigzag
  int64_t operator()(uint64_t v) const { return static_cast<int64_t>((v >> 1) ^ (0 - (v & 1))); }
};
struct AsSint32 {  // zigzag of the low 32 bits
  int32_t operator()(uint64_t v) const {
    const auto u = static_cast<uint32_t>(v);
    return static_cast<int32_t>((u >> 1) ^ (0u - (u & 1)));
  }
};

// A varint of 2..10 bytes at p, with at least 10 bytes readable (no bounds
// checks); nullptr if it has more than 10 bytes.
inline const uint8_t* ReadLongVarint(const uint8_t* p, uint64_t* v) {
  uint64_t r = p[0] & 0x7f;
  for (int i = 1; i < 10; i++) {
    const uint64_t b = p[i];
    r |= (b & 0x7f) << (7 * i);
    if (b < 0x80) {
      *v = r;
      return p + i + 1;
    }
  }
  return nullptr;
}

// Appends the packed varints in [p, end) to col.
template <typename T, typename Conv>
bool DecodePacked(const uint8_t* p, const uint8_t* end, Column<T>* col, Conv conv) {
  T* const start = col->Reserve(static_cast<size_t>(end - p));  // at most one value per byte
  T* d = start;
  // Away from the end, multi-byte varints need no bounds checks, and runs
  // of eight one-byte varints (most of most columns) go eight at a time.
  const uint8_t* const safe_end = end - p >= 10 ? end - 10 : p;
  while (p < safe_end) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if ((word & 0x8080808080808080u) == 0) {
      for (int j = 0; j < 8; j++) d[j] = conv(p[j]);
      d += 8;
      p += 8;
      continue;
    }
    uint64_t v = p[0];
    if (v < 0x80) {
      ++p;
    } else if (p[1] < 0x80) {
      v = (v & 0x7f) | (uint64_t{p[1]} << 7);
      p += 2;
    } else if (p[2] < 0x80) {
      v = (v & 0x7f) | (uint64_t{p[1] & 0x7fu} << 7) | (uint64_t{p[2]} << 14);
      p += 3;
    } else {
      p = ReadLongVarint(p, &v);
      if (p == nullptr) return false;
    }
    *d++ = conv(v);
  }
  while (p < end) {
    uint64_t v;
    p = ReadVarint(p, end, &v);
    if (p == nullptr) return false;
    *d++ = conv(v);
  }
  col->Commit(static_cast<size_t>(d - start));
  return true;
}

// The kind column: every valid kind is below 128, so its packed bytes are
// usually the values themselves.
bool DecodeKinds(const uint8_t* p, const uint8_t* end, Column<uint8_t>* col) {
  const size_t n = static_cast<size_t>(end - p);
  uint8_t high = 0;
  for (size_t i = 0; i < n; i++) high |= p[i];
  if (high >= 0x80) return DecodePacked(p, end, col, AsKind());
  std::memcpy(col->Reserve(n), p, n);
  col->Commit(n);
  return true;
}

// A repeated field's value(s): packed (wire type 2) or one unpacked varint (0).
template <typename T, typename Conv>
const uint8_t* Repeated(const uint8_t* p, const uint8_t* end, int wire, Column<T>* col, Conv conv) {
  uint64_t v;
  if (wire == 0) {
    p = ReadVarint(p, end, &v);
    if (p == nullptr) return nullptr;
    *col->Reserve(1) = conv(v);
    col->Commit(1);
    return p;
  }
  if (wire != 2) return nullptr;
  p = ReadVarint(p, end, &v);
  if (p == nullptr || v > static_cast<uint64_t>(end - p)) return nullptr;
  bool ok;
  if constexpr (std::is_same_v<Conv, AsKind>) {
    ok = DecodeKinds(p, p + v, col);
  } else {
    ok = DecodePacked(p, p + v, col, conv);
  }
  return ok ? p + v : nullptr;
}

// Skips a field this decoder does not know.
const uint8_t* Skip(const uint8_t* p, const uint8_t* end, int wire) {
  uint64_t v;
  switch (wire) {
    case 0:
      return ReadVarint(p, end, &v);
    case 1:
      return end - p >= 8 ? p + 8 : nullptr;
    case 2:
      p = ReadVarint(p, end, &v);
      return p != nullptr && v <= static_cast<uint64_t>(end - p) ? p + v : nullptr;
    case 5:
      return end - p >= 4 ? p + 4 : nullptr;
    default:
      return nullptr;  // groups (3, 4) and invalid wire types
  }
}

}  // namespace

absl::Status DecodeChunk(const uint8_t* data, size_t len, DecodedChunk* out) {
  out->first_event = out->first_alloc = 0;
  out->start_time = 0;
  out->kind.clear();
  out->time_delta.clear();
  out->p.clear();
  out->g.clear();
  out->size.clear();
  out->type.clear();
  out->object_delta.clear();
  out->earliest_delta.clear();
  out->arg_delta.clear();
  const uint8_t* p = data;
  const uint8_t* const end = data + len;
  while (p < end) {
    const uint8_t* const field_start = p;
    uint64_t tag;
    p = ReadVarint(p, end, &tag);
    if (p == nullptr) return absl::InvalidArgumentError(absl::StrCat("bad field tag at byte ", field_start - data));
    const uint64_t field = tag >> 3;
    const int wire = static_cast<int>(tag & 7);
    uint64_t v = 0;
    switch (field) {
      case 1:
      case 2:
      case 3:
        p = wire == 0 ? ReadVarint(p, end, &v) : nullptr;
        if (field == 1) out->first_event = v;
        if (field == 2) out->first_alloc = v;
        if (field == 3) out->start_time = static_cast<int64_t>(v);
        break;
      case 4:
        p = Repeated(p, end, wire, &out->kind, AsKind());
        break;
      case 5:
        p = Repeated(p, end, wire, &out->time_delta, AsSint64());
        break;
      case 6:
        p = Repeated(p, end, wire, &out->p, AsSint32());
        break;
      case 7:
        p = Repeated(p, end, wire, &out->g, AsUint64());
        break;
      case 8:
        p = Repeated(p, end, wire, &out->size, AsUint64());
        break;
      case 9:
        p = Repeated(p, end, wire, &out->type, AsUint32());
        break;
      case 10:
        p = Repeated(p, end, wire, &out->object_delta, AsSint64());
        break;
      case 11:
        p = Repeated(p, end, wire, &out->earliest_delta, AsSint64());
        break;
      case 12:
        p = Repeated(p, end, wire, &out->arg_delta, AsSint64());
        break;
      default:
        if (field == 0) return absl::InvalidArgumentError(absl::StrCat("field number 0 at byte ", field_start - data));
        p = Skip(p, end, wire);
        break;
    }
    if (p == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed field ", field, " (wire type ", wire, ") at byte ", field_start - data));
    }
  }
  return absl::OkStatus();
}

}  // namespace gogcsim::traces
