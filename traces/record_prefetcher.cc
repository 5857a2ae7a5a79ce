#include "traces/record_prefetcher.h"

#include <algorithm>
#include <utility>

namespace gogcsim::traces {

RecordPrefetcher::RecordPrefetcher(std::unique_ptr<RecordSource> source)
    : path_(source->path()), source_(std::move(source)), offsets_(kBatchRecords), thread_([this] { Produce(); }) {}

RecordPrefetcher::~RecordPrefetcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  room_cv_.notify_all();
  thread_.join();
}

void RecordPrefetcher::Produce() {
  for (bool last = false; !last;) {
    std::unique_ptr<Batch> b;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        b = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (b == nullptr) b = std::make_unique<Batch>();
    Fill(b.get());
    last = b->last;
    std::unique_lock<std::mutex> lock(mu_);
    room_cv_.wait(lock, [this] { return stop_ || ready_.size() < kMaxAhead; });
    if (stop_) return;
    ready_.push_back(std::move(b));
    ready_cv_.notify_one();
  }
}

void RecordPrefetcher::Fill(Batch* b) {
  b->size = 0;
  b->text.clear();
  b->last = false;
  b->status = absl::OkStatus();
  for (size_t i = 0; i < kBatchRecords; i++) {
    RefRecord& rec = b->records[i];
    absl::StatusOr<bool> more = source_->Next(&rec);
    if (!more.ok() || !*more) {
      if (!more.ok()) b->status = more.status();
      b->last = true;
      break;
    }
    offsets_[i] = b->text.size();
    b->text.append(rec.text);
    b->size = i + 1;
  }
  // Now that `text` no longer grows, point the records at their copies.
  for (size_t i = 0; i < b->size; i++) {
    RefRecord& rec = b->records[i];
    rec.text = std::string_view(b->text.data() + offsets_[i], rec.text.size());
  }
}

absl::StatusOr<bool> RecordPrefetcher::NextBatch(const RefRecord** rec, uint64_t* batch) {
  while (next_ == end_) {
    if (!held_.empty() && held_.back()->last) {
      if (!held_.back()->status.ok()) return held_.back()->status;
      return false;
    }
    std::unique_ptr<Batch> next;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_cv_.wait(lock, [this] { return !ready_.empty(); });
      next = std::move(ready_.front());
      ready_.pop_front();
    }
    room_cv_.notify_one();
    next_ = next->records.get();
    end_ = next_ + next->size;
    if (!held_.empty()) batch_++;
    held_.push_back(std::move(next));
  }
  return Next(rec, batch);
}

void RecordPrefetcher::ReleaseBefore(uint64_t batch) {
  const uint64_t upto = std::min(batch, batch_);  // never the one Next reads
  if (first_held_ >= upto) return;                // the usual case: no lock
  std::lock_guard<std::mutex> lock(mu_);
  while (first_held_ < upto) {
    free_.push_back(std::move(held_.front()));
    held_.pop_front();
    first_held_++;
  }
}

}  // namespace gogcsim::traces
