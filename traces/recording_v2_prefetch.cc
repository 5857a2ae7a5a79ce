#include "traces/recording_v2_prefetch.h"

#include <utility>

#include "sim/check.h"

namespace gogcsim::traces {

RecordingV2Prefetch::RecordingV2Prefetch(std::vector<std::unique_ptr<RecordingV2Reader>> readers) {
  lanes_.resize(readers.size());
  for (size_t i = 0; i < readers.size(); i++) {
    lanes_[i].reader = std::move(readers[i]);
    for (size_t k = 0; k < (i == 0 ? kAhead : kAheadOthers); k++) lanes_[i].free.push_back(std::make_unique<Batch>());
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

namespace {

// A packed record's header word: tag, n, global, and which header fields
// follow it (those not taken from the previous record).
constexpr uint64_t kGlobal = 1 << 16;
constexpr uint64_t kNewMP = 1 << 17;      // m and p follow, in one word
constexpr uint64_t kNewG = 1 << 18;       // g follows
constexpr uint64_t kNewOffset = 1 << 19;  // offset follows
constexpr uint64_t kNewIndex = 1 << 20;   // index follows; else the last one's plus 1 or 2
constexpr uint64_t kIndexPlus2 = 1 << 21;
constexpr uint64_t kNewSeq = 1 << 22;  // seq follows; else the last one's plus 0 or 1
constexpr uint64_t kSeqPlus1 = 1 << 23;

}  // namespace

void RecordingV2Prefetch::Pack(const V2Record& r, Last* last, bool first, Batch& b) {
  const Last* prev = first ? nullptr : last;
  uint64_t* w = b.words.get() + b.used;
  uint64_t& head = *w++;
  head = uint64_t{r.tag} | uint64_t(r.n) << 8 | (r.global ? kGlobal : 0);
  if (prev == nullptr || r.m != prev->m || r.p != prev->p) {
    head |= kNewMP;
    *w++ = uint64_t{r.m} << 32 | static_cast<uint32_t>(r.p);
  }
  if (prev == nullptr || r.g != prev->g) {
    head |= kNewG;
    *w++ = static_cast<uint64_t>(r.g);
  }
  if (prev == nullptr || r.offset != prev->offset) {
    head |= kNewOffset;
    *w++ = r.offset;
  }
  const uint64_t index_step = prev == nullptr ? 0 : r.index - prev->index;
  if (index_step == 2) {
    head |= kIndexPlus2;
  } else if (index_step != 1) {
    head |= kNewIndex;
    *w++ = r.index;
  }
  const uint64_t seq_step = prev == nullptr ? ~uint64_t{0} : r.seq - prev->seq;
  if (seq_step == 1) {
    head |= kSeqPlus1;
  } else if (seq_step != 0) {
    head |= kNewSeq;
    *w++ = r.seq;
  }
  for (int k = 0; k < r.n; k++) *w++ = static_cast<uint64_t>(r.v[k]);
  b.used = static_cast<size_t>(w - b.words.get());
  *last = Last{r.m, r.p, r.g, r.offset, r.index, r.seq};
}

void RecordingV2Prefetch::Unpack(const uint64_t*& w, V2Record* r) {
  const uint64_t head = *w++;
  const int old_n = r->n;
  r->tag = static_cast<uint8_t>(head);
  r->n = static_cast<int>(head >> 8 & 0xff);
  r->global = (head & kGlobal) != 0;
  if ((head & kNewMP) != 0) {
    r->m = static_cast<uint32_t>(*w >> 32);
    r->p = static_cast<int32_t>(static_cast<uint32_t>(*w++));
  }
  if ((head & kNewG) != 0) r->g = static_cast<int64_t>(*w++);
  if ((head & kNewOffset) != 0) r->offset = *w++;
  r->index = (head & kNewIndex) != 0 ? *w++ : r->index + ((head & kIndexPlus2) != 0 ? 2 : 1);
  r->seq = (head & kNewSeq) != 0 ? *w++ : r->seq + ((head & kSeqPlus1) != 0 ? 1 : 0);
  for (int k = 0; k < r->n; k++) r->v[k] = static_cast<int64_t>(*w++);
  for (int k = r->n; k < old_n; k++) r->v[k] = 0;  // as Assign leaves them
}

void RecordingV2Prefetch::Fill(RecordingV2Reader& reader, uint64_t max_decoded, Batch& b) {
  b.used = 0;
  b.last = false;
  Last last;
  const uint64_t start = reader.decoded();
  for (size_t k = 0; k < kBatch && (k == 0 || reader.decoded() - start < max_decoded); k++) {
    absl::StatusOr<const V2Record*> r = reader.NextRecord();
    if (!r.ok() || *r == nullptr) {
      b.last = true;
      b.status = r.ok() ? absl::OkStatus() : r.status();
      return;
    }
    Pack(**r, &last, k == 0, b);
  }
}

// Fills a free batch of the first lane that has one, until every lane
// has made its last.
void RecordingV2Prefetch::Produce() {
  for (;;) {
    size_t lane = lanes_.size();
    std::unique_ptr<Batch> b;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] {
        if (stop_) return true;
        for (lane = 0; lane < lanes_.size(); lane++) {
          if (!lanes_[lane].done && !lanes_[lane].free.empty()) return true;
        }
        return false;
      });
      if (stop_) return;
      b = std::move(lanes_[lane].free.back());
      lanes_[lane].free.pop_back();
    }
    Fill(*lanes_[lane].reader, lane == 0 ? ~uint64_t{0} : kBatchDecoded, *b);
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
      if (ln.pos < ln.current->used) {
        const uint64_t* w = ln.current->words.get() + ln.pos;
        Unpack(w, &ln.record);
        ln.pos = static_cast<size_t>(w - ln.current->words.get());
        return &ln.record;
      }
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
