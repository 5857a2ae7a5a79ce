// Readers of a format v2 recording (traces/recording_v2.h) run on one
// thread of their own, a few batches ahead of their caller: decoding then
// overlaps with what the caller does with the records. Each reader is a
// lane: a replay reads the file in full on lane 0 and a filtered second
// reader's records on lane 1 (scenarios/replay_gc.h), which it takes in
// bursts, each a GC cycle ahead of lane 0. So lane 0 comes first: the
// other lanes are filled only while lane 0 is full, further ahead, and in
// batches that decode at most kBatchDecoded of the file's records, so that
// one never keeps the thread from lane 0 long. The records, their order
// and the errors are each reader's own, whatever the threads' timing.
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
  // Records per batch; batches decoded ahead on lane 0 and on the others;
  // the file's records a batch of the others decodes at most (a filtered
  // reader's batch would else span much of the file).
  static constexpr size_t kBatch = 4096;
  static constexpr size_t kAhead = 4;
  static constexpr size_t kAheadOthers = 32;
  static constexpr uint64_t kBatchDecoded = 8192;

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
  // Records cross to the caller's thread packed (Pack): a header word,
  // the header fields that differ from the previous record's, and the
  // fields. Most records have a field or six of 16, and their header
  // repeats the last one's, so a batch is a quarter of the V2Records it
  // holds: less for the two cores to pass between their caches.
  struct Batch {
    // Touched as filled: most of it never is.
    std::unique_ptr<uint64_t[]> words{new uint64_t[kBatch * kMaxWords]};
    size_t used = 0;    // words
    bool last = false;  // nothing follows: the end, or `status`
    absl::Status status;
  };
  static constexpr size_t kMaxWords = 6 + 16;  // of one packed record
  struct Lane {
    std::unique_ptr<RecordingV2Reader> reader;  // the thread's only
    std::deque<std::unique_ptr<Batch>> full;    // decoded, in order (mu_)
    std::vector<std::unique_ptr<Batch>> free;   // to refill (mu_)
    bool done = false;                          // its last batch is made (the thread's)
    std::unique_ptr<Batch> current;             // the caller's
    size_t pos = 0;                             // word, in current
    V2Record record;                            // the caller's, unpacked
  };
  void Produce();
  // Fills b from lane's reader, with up to kBatch records, decoding up to
  // about max_decoded of the file's.
  static void Fill(RecordingV2Reader& reader, uint64_t max_decoded, Batch& b);
  // The header fields a packed record may take from the one before.
  struct Last {
    uint32_t m = 0;
    int32_t p = 0;
    int64_t g = 0;
    uint64_t offset = 0, index = 0, seq = 0;
  };
  // Appends r to b, packed against *last (the batch's previous record's;
  // nullptr for its first), and makes r's header *last. Unpack reads it
  // back into *r, which holds the previous record.
  static void Pack(const V2Record& r, Last* last, bool first, Batch& b);
  static void Unpack(const uint64_t*& w, V2Record* r);

  std::vector<Lane> lanes_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // the destructor's (mu_)
  std::thread thread_;
};

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORDING_V2_PREFETCH_H_
