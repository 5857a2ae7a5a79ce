// Writes gogcsim trace files (traces/trace.proto): a header with the type
// table, the events in chunks of columns, and a footer with counts. The file
// is written under a temporary name beside the destination and renamed by
// Finish(), so it appears complete or not at all.
//
// Event methods buffer into the current chunk and never fail: an I/O error is
// kept and returned by Finish(). Misuse (a type index outside the table, a
// death of an object never allocated or already dead, a reference A record)
// is a bug in the producer and stops the program (sim/check.h).
#ifndef GOGCSIM_TRACES_TRACE_WRITER_H_
#define GOGCSIM_TRACES_TRACE_WRITER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "traces/reference_reader.h"
#include "traces/trace.pb.h"
#include "traces/trace_format.h"

namespace gogcsim::traces {

struct TraceWriterOptions {
  bool gzip = false;
  uint32_t chunk_events = kDefaultChunkEvents;  // events per chunk, 1..kMaxChunkEvents
};

class TraceWriter {
 public:
  // `header` supplies everything but version and max_chunk_events, which the
  // writer sets. Its type table must list every type the ALLOCs will use.
  static absl::StatusOr<std::unique_ptr<TraceWriter>> Create(const std::string& path, v1::Header header,
                                                             const TraceWriterOptions& options = {});
  // Without a successful Finish() the temporary file is removed.
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // time: in the header's clock units (0 when the source has no clock).
  // Returns the allocation's object id (its alloc ordinal).
  uint64_t Alloc(int32_t p, uint64_t g, uint64_t size, uint32_t type, int64_t time);
  void GoStart(int32_t p, uint64_t g, int64_t time);
  void GoExit(int32_t p, uint64_t g, int64_t time);
  void GoRun(int32_t p, uint64_t g, int64_t time);
  void GoStop(int32_t p, uint64_t g, int64_t time, int64_t reason);
  // The object is unreachable after the preceding event; it was reachable at
  // event index `earliest` (< events()), or kNoEarliest if unknown.
  void Death(uint64_t object, uint64_t earliest = kNoEarliest);
  void Edge(uint64_t from, uint64_t to);
  // A GC cycle's mark termination, for sources that give nothing more.
  void Gc(uint64_t cycle);
  // A reference record (not A): RefSchemaOf(tag).fields() values, as
  // RefRecord::v holds them.
  void Ref(RefTag tag, const int64_t* fields);

  // Events written so far: the index the next event gets.
  uint64_t events() const { return events_; }
  uint64_t allocations() const { return allocations_; }

  // Writes the last chunk and the footer, closes and renames the file.
  absl::Status Finish();

 private:
  TraceWriter(std::string path, std::string tmp_path, void* gz, v1::Header header, const TraceWriterOptions& options);
  void Begin(EventKind kind);  // appends the kind; flushes a full chunk first
  void Timed(EventKind kind, int32_t p, uint64_t g, int64_t time);
  void Object(uint64_t id);
  void Args(EventKind kind, const int64_t* v, int n);
  void FlushChunk();
  void WriteFrame(uint8_t type, const google::protobuf::MessageLite& msg);

  std::string path_;
  std::string tmp_path_;
  void* gz_;  // gzFile; void* keeps zlib.h out of this header
  v1::Header header_;
  TraceWriterOptions options_;
  absl::Status status_;
  bool finished_ = false;

  v1::Chunk chunk_;
  uint32_t chunk_size_ = 0;
  int64_t last_time_ = 0;      // time of the last timed event
  uint64_t last_object_ = 0;   // last object_delta entry's value in this chunk
  uint64_t last_earliest1_ = 0;  // last earliest_delta entry's value (earliest + 1)
  std::array<std::array<int64_t, kMaxEventArgs>, kNumEventKinds> prev_args_{};
  std::string frame_;  // serialization buffer, reused

  uint64_t events_ = 0;
  uint64_t allocations_ = 0;
  uint64_t chunks_ = 0;
  uint64_t alloc_bytes_ = 0;
  uint64_t deaths_ = 0;
  std::array<uint64_t, kNumEventKinds> by_kind_{};
  std::vector<bool> dead_;  // by object id
};

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_TRACE_WRITER_H_
