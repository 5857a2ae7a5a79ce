// A FIFO queue in one power-of-two array that grows by doubling and never
// shrinks: after warm-up a push or pop allocates nothing. std::deque
// allocates a 512-byte block for every two or three of the replay's
// 136-180 byte records.
#ifndef GOGCSIM_SIM_RING_QUEUE_H_
#define GOGCSIM_SIM_RING_QUEUE_H_

#include <cstddef>
#include <memory>
#include <utility>

#include "sim/check.h"

namespace gogcsim::sim {

template <typename T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  T& front() {
    GOGCSIM_CHECK(size_ != 0);
    return buf_[head_];
  }
  const T& front() const {
    GOGCSIM_CHECK(size_ != 0);
    return buf_[head_];
  }
  // i-th element from the front.
  T& operator[](size_t i) {
    GOGCSIM_CHECK(i < size_);
    return buf_[(head_ + i) & (cap_ - 1)];
  }
  void push_back(T v) { push_slot() = std::move(v); }
  // The new last element's slot, as the element last there left it: for a
  // caller that overwrites only what it needs.
  T& push_slot() {
    if (size_ == cap_) Grow();
    size_++;
    return buf_[(head_ + size_ - 1) & (cap_ - 1)];
  }
  void pop_front() {
    GOGCSIM_CHECK(size_ != 0);
    head_ = (head_ + 1) & (cap_ - 1);
    size_--;
  }
  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  void Grow() {
    const size_t cap = cap_ == 0 ? 8 : cap_ * 2;
    std::unique_ptr<T[]> buf(new T[cap]);
    for (size_t i = 0; i < size_; i++) buf[i] = std::move(buf_[(head_ + i) & (cap_ - 1)]);
    buf_ = std::move(buf);
    cap_ = cap;
    head_ = 0;
  }

  std::unique_ptr<T[]> buf_;
  size_t cap_ = 0;  // a power of two, or 0
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace gogcsim::sim

#endif  // GOGCSIM_SIM_RING_QUEUE_H_
