// Decodes a trace Chunk message (traces/trace.proto) into reusable column
// arrays. The generated protobuf parser appends packed values one at a time
// with a capacity check each; this decoder sizes each column once per field
// and decodes one-byte varints on a fast path, which roughly halves the cost
// of reading a trace. It follows the protobuf wire format: fields in any
// order, packed or unpacked repeated values, repeated segments concatenated,
// unknown fields skipped (chunk_decoder_test checks it against the
// generated parser).
#ifndef GOGCSIM_TRACES_CHUNK_DECODER_H_
#define GOGCSIM_TRACES_CHUNK_DECODER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/status/status.h"

namespace gogcsim::traces {

// A growable array that keeps its storage across chunks and never
// value-initializes (decoding overwrites every element it exposes).
template <typename T>
class Column {
 public:
  const T* data() const { return buf_.get(); }
  size_t size() const { return size_; }
  const T& operator[](size_t i) const { return buf_[i]; }
  void clear() { size_ = 0; }
  // Room for n more elements; returns where the next one goes.
  T* Reserve(size_t n) {
    if (cap_ - size_ < n) {
      const size_t cap = std::max(size_ + n, 2 * cap_);
      auto bigger = std::make_unique_for_overwrite<T[]>(cap);
      if (size_ > 0) std::memcpy(bigger.get(), buf_.get(), size_ * sizeof(T));
      buf_ = std::move(bigger);
      cap_ = cap;
    }
    return buf_.get() + size_;
  }
  // Adds the n elements written at Reserve()'s pointer.
  void Commit(size_t n) { size_ += n; }

 private:
  std::unique_ptr<T[]> buf_;
  size_t size_ = 0;
  size_t cap_ = 0;
};

struct DecodedChunk {
  uint64_t first_event = 0;
  uint64_t first_alloc = 0;
  int64_t start_time = 0;
  // EventKind values; a value >= 255 is stored as 255 (never a valid kind).
  Column<uint8_t> kind;
  Column<int64_t> time_delta;
  Column<int32_t> p;
  Column<uint64_t> g;
  Column<uint64_t> size;
  Column<uint32_t> type;
  Column<int64_t> object_delta;
  Column<int64_t> earliest_delta;
  Column<int64_t> arg_delta;
};

// Replaces *out with the chunk encoded in [data, data + len). Errors
// (InvalidArgument) give the reason and byte offset.
absl::Status DecodeChunk(const uint8_t* data, size_t len, DecodedChunk* out);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_CHUNK_DECODER_H_
