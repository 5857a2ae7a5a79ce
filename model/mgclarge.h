// Port of Go 1.10.2 src/runtime/mgclarge.go: the treap of free spans of at
// least 128 pages (mheap.freelarge).
//
// Keys are (npages, span order). Go orders equal-sized spans by the address
// of their mspan structure; gcsim passes MSpan::fixaddr, the order in which
// the simulated spanalloc fixalloc handed the structure out. Node priorities
// come from a seeded stream (Go uses fastrand, seeded from the CPU clock).
//
// Remove(npages) is Go's: it walks down and returns the first node whose
// left child is too small. That is best fit only when the treap's shape
// allows; with few large free spans (the usual case) it is exact best fit.
#ifndef GOGCSIM_MODEL_MGCLARGE_H_
#define GOGCSIM_MODEL_MGCLARGE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "sim/rng.h"

namespace gogcsim::model {

struct MSpan;

struct TreapNode {
  TreapNode* right = nullptr;   // all nodes > this one
  TreapNode* left = nullptr;    // all nodes < this one
  TreapNode* parent = nullptr;  // nullptr at the root
  uint64_t npagesKey = 0;       // primary key
  uint64_t orderKey = 0;        // secondary key (mspan address in Go)
  MSpan* spanKey = nullptr;
  uint32_t priority = 0;  // min-heap on priority
};

class MTreap {
 public:
  explicit MTreap(uint64_t seed) : rng_(sim::Rng::Stream(seed, "mheap.treap")) {}
  MTreap(const MTreap&) = delete;
  MTreap& operator=(const MTreap&) = delete;

  void Insert(MSpan* span, uint64_t npages, uint64_t order) { Insert(span, npages, order, DrawPriority()); }
  // With the priority given (insert's fastrand(), which a replay takes
  // from the recording).
  void Insert(MSpan* span, uint64_t npages, uint64_t order, uint32_t priority);
  uint32_t DrawPriority() { return static_cast<uint32_t>(rng_.Next() >> 32); }
  // Removes and returns a span with at least npages pages, or nullptr.
  MSpan* Remove(uint64_t npages);
  // The span Remove(npages) would return, without removing it.
  MSpan* Peek(uint64_t npages) const;
  // Removes a span known to be in the treap with the given keys.
  void RemoveSpan(MSpan* span, uint64_t npages, uint64_t order);

  bool empty() const { return root_ == nullptr; }
  const TreapNode* root() const { return root_; }
  size_t size() const { return size_; }

  // Visits nodes in Go's scavengetreap order (pre-order: node, left, right).
  void Walk(const std::function<void(const TreapNode&)>& fn) const { Walk(root_, fn); }
  // Checks key order, heap order on priority and parent links; throws.
  void CheckInvariants() const;

 private:
  static void Walk(const TreapNode* t, const std::function<void(const TreapNode&)>& fn);
  static bool Less(uint64_t np1, uint64_t o1, uint64_t np2, uint64_t o2) { return np1 != np2 ? np1 < np2 : o1 < o2; }
  void RemoveNode(TreapNode* t);
  void RotateLeft(TreapNode* x);
  void RotateRight(TreapNode* y);
  TreapNode* NewNode();

  TreapNode* root_ = nullptr;
  size_t size_ = 0;
  sim::Rng rng_;
  std::deque<TreapNode> pool_;    // treapalloc
  std::vector<TreapNode*> free_;  // LIFO free list, as fixalloc's
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MGCLARGE_H_
