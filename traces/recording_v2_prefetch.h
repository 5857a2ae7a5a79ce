// Readers of a format v2 recording (traces/recording_v2.h) run on one
// thread of their own, a few batches ahead of their caller: decoding then
// overlaps with what the caller does with the records. Each reader is a
// lane: a replay reads the file in full on one and a filtered second
// reader's records on another (scenarios/replay_gc.h). The records, their
// order and the errors are each reader's own, whatever the threads' timing.
#ifndef GOGCSIM_TRACES_RECORDING_V2_PREFETCH_H_
#define GOGCSIM_TRACES_RECORDING_V2_PREFETCH_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "traces/recording_v2.h"

namespace gogcsim::traces {

class RecordingV2Prefetch {
 public:
  // Records per batch, and batches decoded ahead per lane: with 184-byte
  // records about 3 MB a lane.
  static constexpr size_t kBatch = 4096;
  static constexpr size_t kAhead = 4;

  // Starts reading the readers, lanes 0, 1, ..., on a new thread; nothing
  // else may use them.
  explicit RecordingV2Prefetch(std::vector<std::unique_ptr<RecordingV2Reader>> readers);
  // Stops the thread, though records are left.
  ~RecordingV2Prefetch();
  RecordingV2Prefetch(const RecordingV2Prefetch&) = delete;
  RecordingV2Prefetch& operator=(const RecordingV2Prefetch&) = delete;

  // As RecordingV2Reader::NextRecord, of lane's reader: the next record,
  // valid until the lane's next call; nullptr after the last; the reader's
  // error, sticky.
  absl::StatusOr<const V2Record*> NextRecord(size_t lane = 0);
  // As RecordingV2Reader::Next.
  absl::StatusOr<bool> Next(V2Record* rec, size_t lane = 0);

 private:
  struct Batch {
    std::vector<V2Record> records = std::vector<V2Record>(kBatch);
    size_t size = 0;
    bool last = false;  // nothing follows: the end, or `status`
    absl::Status status;
  };
  struct Lane {
    std::unique_ptr<RecordingV2Reader> reader;  // the thread's only
    std::deque<std::unique_ptr<Batch>> full;    // decoded, in order (mu_)
    std::vector<std::unique_ptr<Batch>> free;   // to refill (mu_)
    bool done = false;                          // its last batch is made (the thread's)
    std::unique_ptr<Batch> current;             // the caller's
    size_t pos = 0;                             // in current
  };
  void Produce();
  // Fills b from lane's reader.
  static void Fill(RecordingV2Reader& reader, Batch& b);

  std::vector<Lane> lanes_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // the destructor's (mu_)
  std::thread thread_;
};

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORDING_V2_PREFETCH_H_
