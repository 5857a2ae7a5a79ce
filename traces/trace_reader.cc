#include "traces/trace_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "traces/gzip_file.h"

namespace gogcsim::traces {
namespace {

// Decompressed bytes per gzread; zlib reads straight into our buffer when a
// read asks for at least twice its own buffer (plain files included).
constexpr size_t kBlock = size_t{1} << 20;
constexpr unsigned kGzBuffer = 256 * 1024;

// A frame's stored crc32: 4 bytes, little-endian.
uint32_t LoadCrc(const char* stored) {
  uint32_t v = 0;
  for (int k = 0; k < 4; k++) v |= static_cast<uint32_t>(static_cast<uint8_t>(stored[k])) << (8 * k);
  return v;
}

}  // namespace

TraceReader::TraceReader(std::string path, void* gz) : path_(std::move(path)), gz_(gz) {
  for (int k = 0; k < kNumEventKinds; k++) nargs_[k] = LayoutOf(static_cast<EventKind>(k)).args;
}

TraceReader::~TraceReader() { gzclose_r(static_cast<gzFile>(gz_)); }

absl::StatusOr<std::unique_ptr<TraceReader>> TraceReader::Open(const std::string& path) {
  absl::StatusOr<gzFile> gz = OpenGzipForReading(path, kGzBuffer);
  if (!gz.ok()) return gz.status();
  auto r = std::unique_ptr<TraceReader>(new TraceReader(path, *gz));
  if (absl::Status st = r->ReadHeader(); !st.ok()) return st;
  return r;
}

absl::Status TraceReader::Fail(absl::Status status) {
  error_ = std::move(status);
  return error_;
}

absl::Status TraceReader::Corrupt(const std::string& what) const {
  return absl::DataLossError(absl::StrCat(path_, ": ", what, " (frame at byte ", frame_offset_, ")"));
}

absl::StatusOr<bool> TraceReader::Want(size_t n) {
  while (end_ - begin_ < n) {
    if (eof_) return false;
    if (begin_ > 0) {  // keep the unconsumed bytes, at the front
      std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (cap_ - end_ < std::max(n - end_, kBlock)) {  // room for the frame and a full read
      const size_t cap = std::max(n, end_) + kBlock;
      auto bigger = std::make_unique_for_overwrite<char[]>(cap);
      if (end_ > 0) std::memcpy(bigger.get(), buf_.get(), end_);
      buf_ = std::move(bigger);
      cap_ = cap;
    }
    gzFile gz = static_cast<gzFile>(gz_);
    const int got = gzread(gz, buf_.get() + end_, static_cast<unsigned>(cap_ - end_));
    int errnum = Z_OK;
    if (got < 0) {
      const char* msg = gzerror(gz, &errnum);
      if (errnum == Z_ERRNO) return absl::ErrnoToStatus(errno, absl::StrCat("read ", path_));
      return absl::DataLossError(absl::StrCat(path_, ": corrupt gzip: ", msg));
    }
    if (got == 0) {
      // zlib reports a gzip stream cut short as a clean end with Z_BUF_ERROR.
      const char* msg = gzerror(gz, &errnum);
      if (errnum != Z_OK) return absl::DataLossError(absl::StrCat(path_, ": truncated gzip: ", msg));
      eof_ = true;
    }
    end_ += static_cast<size_t>(got);
  }
  return true;
}

absl::StatusOr<bool> TraceReader::ReadFrame() {
  absl::StatusOr<bool> have = Want(1);
  if (!have.ok()) return have.status();
  if (!*have) return false;
  frame_offset_ = offset_;
  frame_type_ = static_cast<uint8_t>(buf_[begin_]);
  // The length: a varint of at most 10 bytes.
  uint64_t len = 0;
  size_t i = 1;
  for (int shift = 0;; shift += 7, i++) {
    have = Want(i + 1);
    if (!have.ok()) return have.status();
    if (!*have) return Corrupt("truncated: the file ends inside a frame's length");
    const auto b = static_cast<uint8_t>(buf_[begin_ + i]);
    if (shift == 63 && b > 1) return Corrupt("frame length overflows 64 bits");
    len |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  i++;
  if (len > kMaxFrameBytes) return Corrupt(absl::StrCat("frame length ", len, " is implausible"));
  const size_t crc_bytes = frame_crc_ ? kFrameCrcBytes : 0;
  have = Want(i + len + crc_bytes);
  if (!have.ok()) return have.status();
  if (!*have) {
    return Corrupt(absl::StrCat("truncated: the file ends inside a ", len, "-byte frame (", end_ - begin_ - i,
                                " bytes present)"));
  }
  if (frame_crc_) {
    const char* f = buf_.get() + begin_;
    const char* stored = f + i + len;
    if (frame_type_ == kFrameChunk && trust_crcs_) {
      if (absl::Status st = CheckTrustedCrc(stored); !st.ok()) return st;
    } else if (absl::Status st = CheckCrc(f, i + len, stored); !st.ok()) {
      return st;
    }
    if (frame_type_ == kFrameChunk) chunk_crcs_.push_back(LoadCrc(stored));
  }
  frame_ = buf_.get() + begin_ + i;
  frame_len_ = len;
  frame_bytes_ = i + len;
  begin_ += i + len + crc_bytes;
  offset_ += i + len + crc_bytes;
  return true;
}

absl::Status TraceReader::CheckTrustedCrc(const char* stored) const {
  const size_t k = chunk_crcs_.size();  // this chunk's index
  const uint32_t got = LoadCrc(stored);
  if (k < trusted_crcs_.size() && trusted_crcs_[k] == got) return absl::OkStatus();
  const std::string then =
      k < trusted_crcs_.size() ? absl::StrCat("crc32 ", absl::Hex(trusted_crcs_[k], absl::kZeroPad8)) : "no such chunk";
  return Corrupt(absl::StrCat("chunk ", k, ": crc32 ", absl::Hex(got, absl::kZeroPad8), " stored, ", then,
                              " when first read: the file changed while it was read"));
}

absl::Status TraceReader::CheckCrc(const char* bytes, size_t n, const char* stored) const {
  const uint32_t want = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(bytes), static_cast<uInt>(n)));
  const uint32_t got = LoadCrc(stored);
  if (got == want) return absl::OkStatus();
  const std::string which = frame_type_ == kFrameHeader  ? std::string("header")
                            : frame_type_ == kFrameChunk ? absl::StrCat("chunk ", chunks_)
                            : frame_type_ == kFrameFooter ? std::string("footer")
                                                          : absl::StrCat("frame of type ", static_cast<int>(frame_type_));
  return Corrupt(absl::StrCat(which, ": checksum mismatch (crc32 ", absl::Hex(got, absl::kZeroPad8), " stored, ",
                              absl::Hex(want, absl::kZeroPad8), " computed): the file is damaged"));
}

absl::Status TraceReader::ReadHeader() {
  absl::StatusOr<bool> have = Want(kTraceMagic.size());
  if (!have.ok()) return have.status();
  if (!*have || std::memcmp(buf_.get(), kTraceMagic.data(), kTraceMagic.size()) != 0) {
    const absl::string_view start(buf_.get(), std::min<size_t>(end_, kTraceMagic.size()));
    return absl::InvalidArgumentError(absl::StrCat(path_, ": not a gogcsim trace (starts with \"",
                                                   absl::CHexEscape(start), "\", want \"gogcsim-trace\\n\")"));
  }
  begin_ += kTraceMagic.size();
  offset_ += kTraceMagic.size();
  have = ReadFrame();
  if (!have.ok()) return have.status();
  if (!*have) return Corrupt("truncated: no header after the magic");
  if (frame_type_ != kFrameHeader) return Corrupt(absl::StrCat("first frame has type ", static_cast<int>(frame_type_), ", want a header"));
  if (!header_.ParseFromArray(frame_, static_cast<int>(frame_len_))) return Corrupt("header is not a valid Header message");
  if (header_.version() < kOldestTraceVersion || header_.version() > kTraceVersion) {
    return absl::FailedPreconditionError(absl::StrCat(path_, ": trace format version ", header_.version(),
                                                      " is not supported (this gogcsim reads versions ",
                                                      kOldestTraceVersion, " to ", kTraceVersion, ")"));
  }
  if (header_.version() >= kFirstCrcTraceVersion) {
    // The header's own checksum, now that the version says there is one;
    // its bytes are still in the buffer, before begin_.
    const char* f = buf_.get() + begin_ - frame_bytes_;
    const uint32_t want = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(f), static_cast<uInt>(frame_bytes_)));
    have = Want(kFrameCrcBytes);
    if (!have.ok()) return have.status();
    if (!*have) return Corrupt("truncated: the file ends inside the header's checksum");
    char stored[kFrameCrcBytes];
    std::memcpy(stored, buf_.get() + begin_, kFrameCrcBytes);
    begin_ += kFrameCrcBytes;
    offset_ += kFrameCrcBytes;
    uint32_t got = 0;
    for (int k = 0; k < 4; k++) got |= static_cast<uint32_t>(static_cast<uint8_t>(stored[k])) << (8 * k);
    if (got != want) {
      return Corrupt(absl::StrCat("header: checksum mismatch (crc32 ", absl::Hex(got, absl::kZeroPad8), " stored, ",
                                  absl::Hex(want, absl::kZeroPad8), " computed): the file is damaged"));
    }
    frame_crc_ = true;
  }
  return absl::OkStatus();
}

absl::Status TraceReader::LoadChunk() {
  const uint64_t index = chunks_;
  auto bad = [&](const std::string& what) { return Corrupt(absl::StrCat("chunk ", index, ": ", what)); };
  if (absl::Status st = DecodeChunk(reinterpret_cast<const uint8_t*>(frame_), frame_len_, &chunk_); !st.ok()) {
    return bad(absl::StrCat("not a valid Chunk message: ", st.message()));
  }
  const uint64_t expected_first = cur_.first_event + cur_.events;
  if (chunk_.first_event != expected_first) {
    return bad(absl::StrCat("first_event ", chunk_.first_event, ", want ", expected_first));
  }
  if (chunk_.first_alloc != cur_.alloc) {
    return bad(absl::StrCat("first_alloc ", chunk_.first_alloc, ", want ", cur_.alloc));
  }
  const size_t n = chunk_.kind.size();
  if (n == 0) return bad("no events");
  if (header_.max_chunk_events() != 0 && n > header_.max_chunk_events()) {
    return bad(absl::StrCat(n, " events, more than the header's max_chunk_events ", header_.max_chunk_events()));
  }

  // Count kinds (one pass, no branches), then check every column's length
  // against what the kinds consume, so decoding needs no bounds checks.
  // Four histograms, so consecutive equal kinds do not wait on one counter.
  std::array<std::array<uint32_t, 256>, 4> part{};
  const uint8_t* kinds = chunk_.kind.data();
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    part[0][kinds[i]]++;
    part[1][kinds[i + 1]]++;
    part[2][kinds[i + 2]]++;
    part[3][kinds[i + 3]]++;
  }
  for (; i < n; i++) part[0][kinds[i]]++;
  std::array<uint64_t, 256> count{};
  for (int k = 0; k < 256; k++) count[k] = uint64_t{part[0][k]} + part[1][k] + part[2][k] + part[3][k];
  uint64_t want_time = 0, want_size = 0, want_object = 0, want_earliest = 0, want_args = 0;
  for (int k = 0; k < 256; k++) {
    if (count[k] == 0) continue;
    const KindLayout& l = LayoutOf(static_cast<EventKind>(k));
    if (!l.valid) return bad(absl::StrCat("unknown event kind ", k == 255 ? std::string(">= 255") : absl::StrCat(k)));
    want_time += count[k] * l.time;
    want_size += count[k] * l.size;
    want_object += count[k] * l.object;
    want_earliest += count[k] * l.earliest;
    want_args += count[k] * l.args;
  }
  auto column = [&](const char* name, size_t have, uint64_t want) -> absl::Status {
    if (have == want) return absl::OkStatus();
    return bad(absl::StrCat("column ", name, " has ", have, " entries, the events need ", want));
  };
  for (const absl::Status& st :
       {column("time_delta", chunk_.time_delta.size(), want_time), column("p", chunk_.p.size(), want_time),
        column("g", chunk_.g.size(), want_time), column("size", chunk_.size.size(), want_size),
        column("type", chunk_.type.size(), want_size),
        column("object_delta", chunk_.object_delta.size(), want_object),
        column("earliest_delta", chunk_.earliest_delta.size(), want_earliest),
        column("arg_delta", chunk_.arg_delta.size(), want_args)}) {
    if (!st.ok()) return st;
  }
  const uint32_t ntypes = static_cast<uint32_t>(header_.types_size());
  uint32_t max_type = 0;
  uint64_t bytes = 0;
  const uint32_t* types = chunk_.type.data();
  const uint64_t* sizes = chunk_.size.data();
  for (size_t j = 0; j < chunk_.type.size(); j++) {
    max_type = std::max(max_type, types[j]);
    bytes += sizes[j];
  }
  if (chunk_.type.size() > 0 && max_type >= ntypes) {
    return bad(absl::StrCat("type index ", max_type, " outside the header's table of ", ntypes));
  }
  // Object ids must name allocations made by the end of this chunk.
  const uint64_t allocs_end = cur_.alloc + count[static_cast<int>(EventKind::kAlloc)];
  uint64_t object = 0, max_object = 0;
  const int64_t* deltas = chunk_.object_delta.data();
  for (size_t j = 0; j < chunk_.object_delta.size(); j++) {
    object += static_cast<uint64_t>(deltas[j]);
    max_object = std::max(max_object, object);
  }
  if (chunk_.object_delta.size() > 0 && max_object >= allocs_end) {
    return bad(absl::StrCat("object id ", max_object, " but only ", allocs_end, " allocations"));
  }

  for (int k = 0; k < kNumEventKinds; k++) by_kind_[k] += count[k];
  alloc_bytes_ += bytes;
  chunks_++;
  Cursor c;
  c.first_event = chunk_.first_event;
  c.events = static_cast<uint32_t>(n);
  c.kind = kinds;
  c.time_delta = chunk_.time_delta.data();
  c.p = chunk_.p.data();
  c.g = chunk_.g.data();
  c.size = chunk_.size.data();
  c.type = chunk_.type.data();
  c.object_delta = chunk_.object_delta.data();
  c.earliest_delta = chunk_.earliest_delta.data();
  c.arg_delta = chunk_.arg_delta.data();
  c.time = static_cast<uint64_t>(chunk_.start_time);
  c.alloc = cur_.alloc;
  cur_ = c;
  prev_args_ = {};
  return absl::OkStatus();
}

absl::Status TraceReader::CheckFooter() {
  if (!footer_.ParseFromArray(frame_, static_cast<int>(frame_len_))) return Corrupt("footer is not a valid Footer message");
  const uint64_t events = cur_.first_event + cur_.events;
  auto mismatch = [&](const std::string& what, uint64_t footer, uint64_t read) {
    return Corrupt(absl::StrCat("footer says ", footer, " ", what, ", the file has ", read));
  };
  if (footer_.events() != events) return mismatch("events", footer_.events(), events);
  if (footer_.chunks() != chunks_) return mismatch("chunks", footer_.chunks(), chunks_);
  if (footer_.alloc_bytes() != alloc_bytes_) return mismatch("allocated bytes", footer_.alloc_bytes(), alloc_bytes_);
  if (footer_.events_by_kind_size() != kNumEventKinds) {
    return Corrupt(absl::StrCat("footer has ", footer_.events_by_kind_size(), " per-kind counts, want ", kNumEventKinds));
  }
  for (int k = 0; k < kNumEventKinds; k++) {
    if (footer_.events_by_kind(k) != by_kind_[k]) {
      return mismatch(absl::StrCat(EventKindName(static_cast<EventKind>(k)), " events"), footer_.events_by_kind(k),
                      by_kind_[k]);
    }
  }
  absl::StatusOr<bool> more = Want(1);
  if (!more.ok()) return more.status();
  if (*more) return Corrupt(absl::StrCat("data after the footer, at byte ", offset_));
  return absl::OkStatus();
}

absl::StatusOr<bool> TraceReader::NextSlow(TraceEvent* ev) {
  if (!error_.ok()) return error_;
  if (done_) return false;
  absl::StatusOr<bool> have = ReadFrame();
  if (!have.ok()) return Fail(have.status());
  if (!*have) {
    return Fail(absl::DataLossError(absl::StrCat(path_, ": truncated: no footer after ", events(), " events in ",
                                                 chunks_, " chunks (the writer did not finish)")));
  }
  if (frame_type_ == kFrameChunk) {
    if (absl::Status st = LoadChunk(); !st.ok()) return Fail(st);
    Decode(cur_, ev);
    return true;
  }
  if (frame_type_ == kFrameFooter) {
    if (trust_crcs_ && chunk_crcs_.size() != trusted_crcs_.size()) {
      return Fail(Corrupt(absl::StrCat("footer after ", chunk_crcs_.size(), " chunks, ", trusted_crcs_.size(),
                                       " when first read: the file changed while it was read")));
    }
    if (absl::Status st = CheckFooter(); !st.ok()) return Fail(st);
    done_ = true;
    return false;
  }
  return Fail(Corrupt(absl::StrCat("unexpected frame type ", static_cast<int>(frame_type_))));
}

}  // namespace gogcsim::traces
