// Reads a RecordSource (a reference recording or a trace imported from one)
// on a thread of its own, a few thousand records ahead of the consumer, so
// that decompressing and parsing overlap with the consumer's work (faithful
// replay: issue 5). The consumer sees exactly the source's records, in its
// order, then its end or its error; only the timing differs.
//
// Records come in batches that stay in place until the consumer releases
// them (ReleaseBefore), so a consumer that keeps a window of records need
// not copy them.
#ifndef GOGCSIM_TRACES_RECORD_PREFETCHER_H_
#define GOGCSIM_TRACES_RECORD_PREFETCHER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "traces/record_source.h"
#include "traces/reference_reader.h"

namespace gogcsim::traces {

class RecordPrefetcher {
 public:
  // Records per batch, and batches read ahead of the consumer at most.
  static constexpr size_t kBatchRecords = 4096;
  static constexpr size_t kMaxAhead = 32;

  // Starts reading source on the prefetch thread.
  explicit RecordPrefetcher(std::unique_ptr<RecordSource> source);
  // Stops the prefetch thread (it finishes the record it is reading).
  ~RecordPrefetcher();
  RecordPrefetcher(const RecordPrefetcher&) = delete;
  RecordPrefetcher& operator=(const RecordPrefetcher&) = delete;

  // The source's next record, as RecordSource::Next gives it (true and *rec
  // pointing at it, false at the end, or the source's error, sticky), and
  // the number of its batch (counting from 0). The record and its text stay
  // in place until ReleaseBefore is called with a larger batch number.
  absl::StatusOr<bool> Next(const RefRecord** rec, uint64_t* batch) {
    if (next_ == end_) [[unlikely]] return NextBatch(rec, batch);
    *rec = next_++;
    *batch = batch_;
    lines_++;
    return true;
  }
  // Gives the batches numbered below `batch` back for reuse (except the
  // one Next reads from); their texts become invalid.
  void ReleaseBefore(uint64_t batch);

  const std::string& path() const { return path_; }
  // Records returned so far.
  uint64_t lines() const { return lines_; }

 private:
  struct Batch {
    std::unique_ptr<RefRecord[]> records = std::make_unique<RefRecord[]>(kBatchRecords);
    size_t size = 0;      // records[0, size) are filled; texts point into `text`
    std::string text;
    bool last = false;    // nothing follows: the source ended or failed
    absl::Status status;  // the source's error after these records
  };

  // The prefetch thread: fills batches until the source ends or fails, or
  // the prefetcher is destroyed.
  void Produce();
  // Reads up to kBatchRecords records into *b.
  void Fill(Batch* b);
  // Next, when the batch it reads from is used up.
  absl::StatusOr<bool> NextBatch(const RefRecord** rec, uint64_t* batch);

  const std::string path_;
  std::unique_ptr<RecordSource> source_;  // used only by the prefetch thread

  std::vector<size_t> offsets_;  // Fill's: where each record's text starts

  std::mutex mu_;
  std::condition_variable ready_cv_;  // a batch became ready
  std::condition_variable room_cv_;   // a ready batch was taken, or stop_
  std::deque<std::unique_ptr<Batch>> ready_;  // filled, not yet taken
  std::vector<std::unique_ptr<Batch>> free_;   // released, for reuse
  bool stop_ = false;

  // Consumer side: the batches taken and not yet released, oldest first;
  // the last is the one Next reads, from next_ to end_.
  std::deque<std::unique_ptr<Batch>> held_;
  uint64_t first_held_ = 0;  // number of held_.front()
  uint64_t batch_ = 0;       // number of held_.back()
  const RefRecord* next_ = nullptr;
  const RefRecord* end_ = nullptr;
  uint64_t lines_ = 0;

  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORD_PREFETCHER_H_
