#include "traces/recording_v2_prefetch.h"

#include <utility>

#include "sim/check.h"

namespace gogcsim::traces {

RecordingV2Prefetch::RecordingV2Prefetch(std::vector<std::unique_ptr<RecordingV2Reader>> readers) {
  lanes_.resize(readers.size());
  for (size_t i = 0; i < readers.size(); i++) {
    lanes_[i].reader = std::move(readers[i]);
    for (size_t k = 0; k < kAhead; k++) lanes_[i].free.push_back(std::make_unique<Batch>());
  }
  thread_ = std::thread([this] { Produce(); });
}

RecordingV2Prefetch::~RecordingV2Prefetch() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void RecordingV2Prefetch::Fill(RecordingV2Reader& reader, Batch& b) {
  b.size = 0;
  b.last = false;
  while (b.size < kBatch) {
    absl::StatusOr<const V2Record*> r = reader.NextRecord();
    if (!r.ok() || *r == nullptr) {
      b.last = true;
      b.status = r.ok() ? absl::OkStatus() : r.status();
      return;
    }
    Assign(b.records[b.size++], **r);
  }
}

// Fills a free batch of whichever lane has the fewest decoded ahead, until
// every lane has made its last.
void RecordingV2Prefetch::Produce() {
  for (;;) {
    size_t lane = lanes_.size();
    std::unique_ptr<Batch> b;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] {
        if (stop_) return true;
        bool any = false;
        for (size_t i = 0; i < lanes_.size(); i++) {
          const Lane& ln = lanes_[i];
          if (ln.done || ln.free.empty()) continue;
          if (!any || ln.full.size() < lanes_[lane].full.size()) lane = i;
          any = true;
        }
        return any;
      });
      if (stop_) return;
      b = std::move(lanes_[lane].free.back());
      lanes_[lane].free.pop_back();
    }
    Fill(*lanes_[lane].reader, *b);
    lanes_[lane].done = b->last;
    bool all_done = true;
    for (const Lane& ln : lanes_) all_done = all_done && ln.done;
    {
      std::lock_guard<std::mutex> l(mu_);
      lanes_[lane].full.push_back(std::move(b));
    }
    cv_.notify_all();
    if (all_done) return;
  }
}

absl::StatusOr<const V2Record*> RecordingV2Prefetch::NextRecord(size_t lane) {
  GOGCSIM_CHECK(lane < lanes_.size());
  Lane& ln = lanes_[lane];
  for (;;) {
    if (ln.current != nullptr) {
      if (ln.pos < ln.current->size) return &ln.current->records[ln.pos++];
      if (ln.current->last) {
        if (!ln.current->status.ok()) return ln.current->status;
        return nullptr;
      }
      {
        std::lock_guard<std::mutex> l(mu_);
        ln.free.push_back(std::move(ln.current));
      }
      cv_.notify_all();
    }
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !ln.full.empty(); });
    ln.current = std::move(ln.full.front());
    ln.full.pop_front();
    ln.pos = 0;
  }
}

absl::StatusOr<bool> RecordingV2Prefetch::Next(V2Record* rec, size_t lane) {
  absl::StatusOr<const V2Record*> r = NextRecord(lane);
  if (!r.ok()) return r.status();
  if (*r == nullptr) return false;
  Assign(*rec, **r);
  return true;
}

}  // namespace gogcsim::traces
