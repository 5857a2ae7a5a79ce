#include "traces/trace_writer.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/check.h"

namespace gogcsim::traces {
namespace {

constexpr unsigned kGzBuffer = 256 * 1024;

// A base-128 varint, as protobuf writes lengths.
void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

absl::StatusOr<std::unique_ptr<TraceWriter>> TraceWriter::Create(const std::string& path, v1::Header header,
                                                                 const TraceWriterOptions& options) {
  if (options.chunk_events == 0 || options.chunk_events > kMaxChunkEvents) {
    return absl::InvalidArgumentError(
        absl::StrCat("trace writer: chunk_events ", options.chunk_events, " is not in [1, ", kMaxChunkEvents, "]"));
  }
  // The rename below would replace a device (/dev/null) with a file.
  if (struct stat st; stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a regular file (a trace is written to a file)"));
  }
  // mkstemp in the destination's directory, so the rename stays on one file system.
  std::string tmp = absl::StrCat(path, ".tmp.XXXXXX");
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("create ", tmp));
  // mkstemp makes the file 0600; give it the mode a plain create would.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  gzFile gz = gzdopen(fd, options.gzip ? "wb6" : "wbT");
  if (gz == nullptr) {
    close(fd);
    unlink(tmp.c_str());
    return absl::ResourceExhaustedError(absl::StrCat("open ", tmp, ": out of memory"));
  }
  gzbuffer(gz, kGzBuffer);
  auto w = std::unique_ptr<TraceWriter>(new TraceWriter(path, std::move(tmp), gz, std::move(header), options));
  if (gzwrite(gz, kTraceMagic.data(), static_cast<unsigned>(kTraceMagic.size())) !=
      static_cast<int>(kTraceMagic.size())) {
    return absl::DataLossError(absl::StrCat("write ", w->tmp_path_));
  }
  w->WriteFrame(kFrameHeader, w->header_);
  if (!w->status_.ok()) return w->status_;
  return w;
}

TraceWriter::TraceWriter(std::string path, std::string tmp_path, void* gz, v1::Header header,
                         const TraceWriterOptions& options)
    : path_(std::move(path)), tmp_path_(std::move(tmp_path)), gz_(gz), header_(std::move(header)), options_(options) {
  header_.set_version(kTraceVersion);
  header_.set_max_chunk_events(options_.chunk_events);
}

TraceWriter::~TraceWriter() {
  if (finished_) return;
  gzclose_w(static_cast<gzFile>(gz_));
  unlink(tmp_path_.c_str());
}

void TraceWriter::WriteFrame(uint8_t type, const google::protobuf::MessageLite& msg) {
  if (!status_.ok()) return;
  frame_.clear();
  frame_.push_back(static_cast<char>(type));
  const size_t len = msg.ByteSizeLong();
  AppendVarint(&frame_, len);
  const size_t at = frame_.size();
  frame_.resize(at + len);
  msg.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(frame_.data() + at));
  // The frame's checksum (format version 2): type, length and message.
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(frame_.data()), static_cast<uInt>(frame_.size())));
  for (int k = 0; k < 4; k++) frame_.push_back(static_cast<char>((crc >> (8 * k)) & 0xff));
  if (gzwrite(static_cast<gzFile>(gz_), frame_.data(), static_cast<unsigned>(frame_.size())) !=
      static_cast<int>(frame_.size())) {
    int errnum = Z_OK;
    const char* msg_text = gzerror(static_cast<gzFile>(gz_), &errnum);
    status_ = errnum == Z_ERRNO ? absl::ErrnoToStatus(errno, absl::StrCat("write ", tmp_path_))
                                : absl::DataLossError(absl::StrCat("write ", tmp_path_, ": ", msg_text));
  }
}

void TraceWriter::FlushChunk() {
  if (chunk_size_ == 0) return;
  WriteFrame(kFrameChunk, chunk_);
  chunks_++;
  chunk_.Clear();  // keeps the columns' capacity
  chunk_size_ = 0;
}

void TraceWriter::Begin(EventKind kind) {
  GOGCSIM_CHECK(!finished_);
  if (chunk_size_ == options_.chunk_events) FlushChunk();
  if (chunk_size_ == 0) {
    chunk_.set_first_event(events_);
    chunk_.set_first_alloc(allocations_);
    chunk_.set_start_time(last_time_);
    last_object_ = 0;
    last_earliest1_ = 0;
    prev_args_ = {};
  }
  chunk_.add_kind(static_cast<uint32_t>(kind));
  chunk_size_++;
  events_++;
  by_kind_[static_cast<int>(kind)]++;
}

void TraceWriter::Timed(EventKind kind, int32_t p, uint64_t g, int64_t time) {
  Begin(kind);
  // Wrapping subtraction: times near both ends of int64 still round-trip.
  chunk_.add_time_delta(static_cast<int64_t>(static_cast<uint64_t>(time) - static_cast<uint64_t>(last_time_)));
  last_time_ = time;
  chunk_.add_p(p);
  chunk_.add_g(g);
}

void TraceWriter::Object(uint64_t id) {
  chunk_.add_object_delta(static_cast<int64_t>(id - last_object_));
  last_object_ = id;
}

void TraceWriter::Args(EventKind kind, const int64_t* v, int n) {
  std::array<int64_t, kMaxEventArgs>& prev = prev_args_[static_cast<int>(kind)];
  for (int k = 0; k < n; k++) {
    chunk_.add_arg_delta(static_cast<int64_t>(static_cast<uint64_t>(v[k]) - static_cast<uint64_t>(prev[k])));
    prev[k] = v[k];
  }
}

uint64_t TraceWriter::Alloc(int32_t p, uint64_t g, uint64_t size, uint32_t type, int64_t time) {
  GOGCSIM_CHECK(type < static_cast<uint32_t>(header_.types_size()));
  Timed(EventKind::kAlloc, p, g, time);
  chunk_.add_size(size);
  chunk_.add_type(type);
  alloc_bytes_ += size;
  dead_.push_back(false);
  return allocations_++;
}

void TraceWriter::GoStart(int32_t p, uint64_t g, int64_t time) { Timed(EventKind::kGoStart, p, g, time); }

void TraceWriter::GoExit(int32_t p, uint64_t g, int64_t time) { Timed(EventKind::kGoExit, p, g, time); }

void TraceWriter::GoRun(int32_t p, uint64_t g, int64_t time) { Timed(EventKind::kGoRun, p, g, time); }

void TraceWriter::GoStop(int32_t p, uint64_t g, int64_t time, int64_t reason) {
  Timed(EventKind::kGoStop, p, g, time);
  Args(EventKind::kGoStop, &reason, 1);
}

void TraceWriter::Death(uint64_t object, uint64_t earliest) {
  GOGCSIM_CHECK(object < allocations_);
  GOGCSIM_CHECK(!dead_[object]);
  GOGCSIM_CHECK(earliest == kNoEarliest || earliest < events_);
  dead_[object] = true;
  deaths_++;
  Begin(EventKind::kDeath);
  Object(object);
  const uint64_t e1 = earliest + 1;  // kNoEarliest + 1 == 0: no bound
  chunk_.add_earliest_delta(static_cast<int64_t>(e1 - last_earliest1_));
  last_earliest1_ = e1;
}

void TraceWriter::Edge(uint64_t from, uint64_t to) {
  GOGCSIM_CHECK(from < allocations_ && to < allocations_);
  Begin(EventKind::kEdge);
  Object(from);
  Object(to);
}

void TraceWriter::Gc(uint64_t cycle) {
  Begin(EventKind::kGc);
  const int64_t v = static_cast<int64_t>(cycle);
  Args(EventKind::kGc, &v, 1);
}

void TraceWriter::Ref(RefTag tag, const int64_t* fields) {
  GOGCSIM_CHECK(tag != RefTag::kA && static_cast<int>(tag) < kNumRefTags);
  const EventKind kind = RefKind(tag);
  Begin(kind);
  Args(kind, fields, RefSchemaOf(tag).fields());
}

absl::Status TraceWriter::Finish() {
  GOGCSIM_CHECK(!finished_);
  FlushChunk();
  v1::Footer footer;
  footer.set_events(events_);
  footer.set_chunks(chunks_);
  for (uint64_t n : by_kind_) footer.add_events_by_kind(n);
  footer.set_alloc_bytes(alloc_bytes_);
  footer.set_allocations_without_death(allocations_ - deaths_);
  WriteFrame(kFrameFooter, footer);
  finished_ = true;
  const int rc = gzclose_w(static_cast<gzFile>(gz_));
  if (status_.ok() && rc != Z_OK) status_ = absl::DataLossError(absl::StrCat("close ", tmp_path_));
  if (status_.ok() && std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    status_ = absl::ErrnoToStatus(errno, absl::StrCat("rename ", tmp_path_, " to ", path_));
  }
  if (!status_.ok()) unlink(tmp_path_.c_str());
  return status_;
}

}  // namespace gogcsim::traces
