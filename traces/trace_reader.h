// Streaming reader of gogcsim trace files (traces/trace.proto), plain or
// gzip-compressed (detected from the gzip magic). It holds one chunk at a
// time, decodes its columns in place and allocates nothing per event, so a
// trace of any length reads in constant memory.
//
// Every chunk is checked when it is loaded (event and alloc numbering, kinds,
// column lengths against what the kinds consume, type indices), and the
// footer's counts are checked at the end; a file without a footer was cut
// short. Errors name the file: DataLoss for truncated or corrupt files,
// InvalidArgument for something that is not a trace, FailedPrecondition for a
// version this build does not read.
#ifndef GOGCSIM_TRACES_TRACE_READER_H_
#define GOGCSIM_TRACES_TRACE_READER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "traces/chunk_decoder.h"
#include "traces/trace.pb.h"
#include "traces/trace_format.h"

namespace gogcsim::traces {

// One decoded event. Fields a kind does not have keep the values of earlier
// events (not cleared, to keep decoding cheap).
struct TraceEvent {
  EventKind kind = EventKind::kAlloc;
  uint64_t index = 0;  // position in the file's event stream, from 0
  // Timed kinds (ALLOC, GO_START, GO_EXIT, GO_RUN, GO_STOP): their time; others: the time of
  // the last timed event before them. Header clock units.
  int64_t time = 0;
  int32_t p = -1;      // ALLOC, GO_*: P, -1 none or unknown
  uint64_t g = 0;      // ALLOC, GO_*: goroutine
  uint64_t size = 0;   // ALLOC: bytes
  uint32_t type = 0;   // ALLOC: index into header().types()
  uint64_t object = 0; // ALLOC: its own id (alloc ordinal); DEATH: the dead object; EDGE: from
  uint64_t target = 0; // EDGE: to
  uint64_t earliest = kNoEarliest;  // DEATH: event index it was still reachable at
  int nargs = 0;                    // GC, REF_*: number of args
  const int64_t* args = nullptr;    // valid until the next Next()
};

class TraceReader {
 public:
  // Opens a trace and reads its header. NotFound for a missing file.
  static absl::StatusOr<std::unique_ptr<TraceReader>> Open(const std::string& path);
  ~TraceReader();
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  const v1::Header& header() const { return header_; }
  const std::string& path() const { return path_; }

  // The next event: true and *ev filled, false at the end of a complete
  // trace, or an error naming the file. Errors are sticky.
  absl::StatusOr<bool> Next(TraceEvent* ev) {
    if (cur_.pos < cur_.events) [[likely]] {
      Decode(cur_, ev);
      return true;
    }
    return NextSlow(ev);
  }

  // Calls f(const TraceEvent&) for each remaining event, in order: the fast
  // way through a whole trace, since the decoding state stays in registers
  // within a chunk (Next() keeps it in the reader). OK at the end of a
  // complete trace, else the first error.
  template <typename F>
  absl::Status ForEach(F&& f) {
    TraceEvent ev;
    for (;;) {
      Cursor c = cur_;
      while (c.pos < c.events) {
        Decode(c, &ev);
        f(static_cast<const TraceEvent&>(ev));
      }
      cur_ = c;
      absl::StatusOr<bool> more = NextSlow(&ev);
      if (!more.ok()) return more.status();
      if (!*more) return absl::OkStatus();
      f(static_cast<const TraceEvent&>(ev));
    }
  }

  // Each chunk frame's stored crc32 so far, in order (none before version 2).
  const std::vector<uint32_t>& chunk_crcs() const { return chunk_crcs_; }
  // For a second read of a file whose chunks an earlier reader verified
  // (its chunk_crcs()): each chunk's stored crc32 is compared with the
  // earlier one instead of computed again (crc32 was ~4% of a what-if
  // run's instructions). A different file, or a chunk rewritten since,
  // is DataLoss. Call before the first Next().
  void TrustChunkCrcs(std::vector<uint32_t> crcs) {
    trusted_crcs_ = std::move(crcs);
    trust_crcs_ = true;
  }

  // After Next() returned false: the footer (its counts were checked).
  const v1::Footer& footer() const { return footer_; }
  // Events returned so far.
  uint64_t events() const { return cur_.first_event + cur_.pos; }

 private:
  TraceReader(std::string path, void* gz);
  absl::Status ReadHeader();
  absl::StatusOr<bool> NextSlow(TraceEvent* ev);
  // Reads the next frame into frame_type_/frame_: true, or false at a clean
  // end of file before any byte of a frame.
  absl::StatusOr<bool> ReadFrame();
  // Ensures buf_ holds at least n unconsumed bytes; false if the file ends first.
  absl::StatusOr<bool> Want(size_t n);
  absl::Status LoadChunk();
  absl::Status CheckFooter();
  absl::Status Fail(absl::Status status);
  absl::Status Corrupt(const std::string& what) const;
  // OK if the 4 bytes at stored are the crc32 of bytes[0, n); else an error
  // naming the frame being read.
  absl::Status CheckCrc(const char* bytes, size_t n, const char* stored) const;
  // OK if the chunk crc32 stored at `stored` is the trusted one.
  absl::Status CheckTrustedCrc(const char* stored) const;

  // Where decoding stands in the current chunk: its columns and a cursor in
  // each (the timed kinds consume time_delta, p and g together, ALLOC size
  // and type together), and the running values of the delta chains.
  struct Cursor {
    uint64_t first_event = 0;  // index of the chunk's first event
    uint32_t pos = 0;          // next event within the chunk
    uint32_t events = 0;       // events in the chunk
    const uint8_t* kind = nullptr;
    const int64_t* time_delta = nullptr;
    const int32_t* p = nullptr;
    const uint64_t* g = nullptr;
    const uint64_t* size = nullptr;
    const uint32_t* type = nullptr;
    const int64_t* object_delta = nullptr;
    const int64_t* earliest_delta = nullptr;
    const int64_t* arg_delta = nullptr;
    uint32_t it = 0, is = 0, io = 0, ie = 0, ia = 0;
    uint64_t time = 0;       // wrapping
    uint64_t object = 0;
    uint64_t earliest1 = 0;  // earliest + 1
    uint64_t alloc = 0;      // next alloc ordinal
  };

  void Decode(Cursor& c, TraceEvent* ev) {
    const auto k = static_cast<EventKind>(c.kind[c.pos]);
    ev->kind = k;
    ev->index = c.first_event + c.pos;
    c.pos++;
    switch (k) {
      case EventKind::kAlloc:
        c.time += static_cast<uint64_t>(c.time_delta[c.it]);
        ev->p = c.p[c.it];
        ev->g = c.g[c.it];
        c.it++;
        ev->size = c.size[c.is];
        ev->type = c.type[c.is];
        c.is++;
        ev->object = c.alloc++;
        break;
      case EventKind::kGoStart:
      case EventKind::kGoExit:
      case EventKind::kGoRun:
        c.time += static_cast<uint64_t>(c.time_delta[c.it]);
        ev->p = c.p[c.it];
        ev->g = c.g[c.it];
        c.it++;
        break;
      case EventKind::kGoStop: {
        c.time += static_cast<uint64_t>(c.time_delta[c.it]);
        ev->p = c.p[c.it];
        ev->g = c.g[c.it];
        c.it++;
        uint64_t* prev = prev_args_[static_cast<int>(k)].data();
        prev[0] += static_cast<uint64_t>(c.arg_delta[c.ia++]);
        ev->nargs = 1;
        ev->args = reinterpret_cast<const int64_t*>(prev);
        break;
      }
      case EventKind::kDeath:
        c.object += static_cast<uint64_t>(c.object_delta[c.io++]);
        ev->object = c.object;
        c.earliest1 += static_cast<uint64_t>(c.earliest_delta[c.ie++]);
        ev->earliest = c.earliest1 - 1;  // 0 - 1 == kNoEarliest
        break;
      case EventKind::kEdge:
        c.object += static_cast<uint64_t>(c.object_delta[c.io++]);
        ev->object = c.object;
        c.object += static_cast<uint64_t>(c.object_delta[c.io++]);
        ev->target = c.object;
        break;
      default: {
        const int n = nargs_[static_cast<int>(k)];
        uint64_t* prev = prev_args_[static_cast<int>(k)].data();
        for (int j = 0; j < n; j++) prev[j] += static_cast<uint64_t>(c.arg_delta[c.ia++]);
        ev->nargs = n;
        ev->args = reinterpret_cast<const int64_t*>(prev);
        break;
      }
    }
    ev->time = static_cast<int64_t>(c.time);
  }

  std::string path_;
  void* gz_;  // gzFile
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;    // bytes allocated in buf_
  size_t begin_ = 0;  // unconsumed bytes are buf_[begin_, end_)
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t offset_ = 0;  // file offset (decompressed) of buf_[begin_]
  uint64_t frame_offset_ = 0;
  uint8_t frame_type_ = 0;
  const char* frame_ = nullptr;
  size_t frame_len_ = 0;
  size_t frame_bytes_ = 0;   // type, length and message (the checksum's input)
  bool frame_crc_ = false;   // frames end in a crc32 (version 2 on)
  std::vector<uint32_t> chunk_crcs_;
  std::vector<uint32_t> trusted_crcs_;
  bool trust_crcs_ = false;
  absl::Status error_;
  bool done_ = false;

  v1::Header header_;
  v1::Footer footer_;
  DecodedChunk chunk_;  // reused: keeps the columns' storage
  std::array<uint8_t, kNumEventKinds> nargs_{};
  uint64_t chunks_ = 0;
  std::array<uint64_t, kNumEventKinds> by_kind_{};
  uint64_t alloc_bytes_ = 0;

  Cursor cur_;
  std::array<std::array<uint64_t, kMaxEventArgs>, kNumEventKinds> prev_args_{};
};

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_TRACE_READER_H_
