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
  // Timed kinds (ALLOC, GO_START, GO_EXIT): their time; others: the time of
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
    if (pos_ < chunk_events_) [[likely]] {
      Decode(ev);
      return true;
    }
    return NextSlow(ev);
  }

  // After Next() returned false: the footer (its counts were checked).
  const v1::Footer& footer() const { return footer_; }
  // Events returned so far.
  uint64_t events() const { return first_event_ + pos_; }

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

  void Decode(TraceEvent* ev) {
    const auto k = static_cast<EventKind>(kind_[pos_]);
    ev->kind = k;
    ev->index = first_event_ + pos_;
    pos_++;
    switch (k) {
      case EventKind::kAlloc:
        time_ += static_cast<uint64_t>(time_delta_[it_]);
        ev->p = p_[it_];
        ev->g = g_[it_];
        it_++;
        ev->size = size_[is_];
        ev->type = type_[is_];
        is_++;
        ev->object = alloc_++;
        break;
      case EventKind::kGoStart:
      case EventKind::kGoExit:
        time_ += static_cast<uint64_t>(time_delta_[it_]);
        ev->p = p_[it_];
        ev->g = g_[it_];
        it_++;
        break;
      case EventKind::kDeath: {
        object_ += static_cast<uint64_t>(object_delta_[io_++]);
        ev->object = object_;
        earliest1_ += static_cast<uint64_t>(earliest_delta_[ie_++]);
        ev->earliest = earliest1_ - 1;  // 0 - 1 == kNoEarliest
        break;
      }
      case EventKind::kEdge:
        object_ += static_cast<uint64_t>(object_delta_[io_++]);
        ev->object = object_;
        object_ += static_cast<uint64_t>(object_delta_[io_++]);
        ev->target = object_;
        break;
      default: {
        const int n = nargs_[static_cast<int>(k)];
        uint64_t* prev = prev_args_[static_cast<int>(k)].data();
        for (int j = 0; j < n; j++) prev[j] += static_cast<uint64_t>(arg_delta_[ia_++]);
        ev->nargs = n;
        ev->args = reinterpret_cast<const int64_t*>(prev);
        break;
      }
    }
    ev->time = static_cast<int64_t>(time_);
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
  absl::Status error_;
  bool done_ = false;

  v1::Header header_;
  v1::Footer footer_;
  DecodedChunk chunk_;  // reused: keeps the columns' storage
  std::array<uint8_t, kNumEventKinds> nargs_{};
  uint64_t chunks_ = 0;
  std::array<uint64_t, kNumEventKinds> by_kind_{};
  uint64_t alloc_bytes_ = 0;

  // The current chunk's columns and cursors.
  uint64_t first_event_ = 0;  // index of the chunk's first event
  uint32_t pos_ = 0;          // next event within the chunk
  uint32_t chunk_events_ = 0;
  const uint8_t* kind_ = nullptr;
  const int64_t* time_delta_ = nullptr;
  const int32_t* p_ = nullptr;
  const uint64_t* g_ = nullptr;
  const uint64_t* size_ = nullptr;
  const uint32_t* type_ = nullptr;
  const int64_t* object_delta_ = nullptr;
  const int64_t* earliest_delta_ = nullptr;
  const int64_t* arg_delta_ = nullptr;
  // Cursors: the timed kinds consume time_delta, p and g together, ALLOC
  // size and type together.
  uint32_t it_ = 0, is_ = 0, io_ = 0, ie_ = 0, ia_ = 0;
  uint64_t time_ = 0;    // running time (wrapping)
  uint64_t object_ = 0;  // running object id
  uint64_t earliest1_ = 0;  // running earliest + 1
  uint64_t alloc_ = 0;   // next alloc ordinal
  std::array<std::array<uint64_t, kMaxEventArgs>, kNumEventKinds> prev_args_{};
};

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_TRACE_READER_H_
