// Port of Go 1.10.2 src/runtime/mgclarge.go.
#include "model/mgclarge.h"

#include "sim/check.h"

namespace gogcsim::model {

TreapNode* MTreap::NewNode() {
  TreapNode* t;
  if (!free_.empty()) {
    t = free_.back();
    free_.pop_back();
  } else {
    t = &pool_.emplace_back();
  }
  *t = TreapNode{};
  return t;
}

void MTreap::Insert(MSpan* span, uint64_t npages, uint64_t order, uint32_t priority) {
  TreapNode* last = nullptr;
  TreapNode** pt = &root_;
  for (TreapNode* t = *pt; t != nullptr; t = *pt) {
    last = t;
    if (t->npagesKey < npages) {
      pt = &t->right;
    } else if (t->npagesKey > npages) {
      pt = &t->left;
    } else if (t->orderKey < order) {
      pt = &t->right;
    } else if (t->orderKey > order) {
      pt = &t->left;
    } else {
      GOGCSIM_THROW("inserting span already in treap");
    }
  }
  TreapNode* t = NewNode();
  t->npagesKey = npages;
  t->orderKey = order;
  t->priority = priority;
  t->spanKey = span;
  t->parent = last;
  *pt = t;
  size_++;
  // Rotate up until the heap order on priority holds.
  while (t->parent != nullptr && t->parent->priority > t->priority) {
    if (t->parent->left == t) {
      RotateRight(t->parent);
    } else {
      if (t->parent->right != t) GOGCSIM_THROW("treap insert finds a broken treap");
      RotateLeft(t->parent);
    }
  }
}

void MTreap::RemoveNode(TreapNode* t) {
  // Rotate t down to a leaf, keeping the heap order, then cut it off.
  while (t->right != nullptr || t->left != nullptr) {
    if (t->right == nullptr || (t->left != nullptr && t->left->priority < t->right->priority)) {
      RotateRight(t);
    } else {
      RotateLeft(t);
    }
  }
  if (t->parent != nullptr) {
    if (t->parent->left == t) {
      t->parent->left = nullptr;
    } else {
      t->parent->right = nullptr;
    }
  } else {
    root_ = nullptr;
  }
  t->spanKey = nullptr;
  t->npagesKey = 0;
  free_.push_back(t);
  size_--;
}

// The node Remove takes: walk right past nodes that are too small, left
// while the left child is big enough, and stop at the first node whose left
// child is too small.
static TreapNode* FindFit(TreapNode* t, uint64_t npages) {
  while (t != nullptr) {
    if (t->spanKey == nullptr) GOGCSIM_THROW("treap node with nil spanKey found");
    if (t->npagesKey < npages) {
      t = t->right;
    } else if (t->left != nullptr && t->left->npagesKey >= npages) {
      t = t->left;
    } else {
      return t;
    }
  }
  return nullptr;
}

MSpan* MTreap::Remove(uint64_t npages) {
  TreapNode* t = FindFit(root_, npages);
  if (t == nullptr) return nullptr;
  MSpan* result = t->spanKey;
  RemoveNode(t);
  return result;
}

MSpan* MTreap::Peek(uint64_t npages) const {
  TreapNode* t = FindFit(root_, npages);
  return t == nullptr ? nullptr : t->spanKey;
}

void MTreap::RemoveSpan(MSpan* span, uint64_t npages, uint64_t order) {
  TreapNode* t = root_;
  while (t != nullptr && t->spanKey != span) {
    if (t->npagesKey < npages || (t->npagesKey == npages && t->orderKey < order)) {
      t = t->right;
    } else {
      t = t->left;
    }
  }
  if (t == nullptr) GOGCSIM_THROW("removeSpan: span not in treap");
  RemoveNode(t);
}

void MTreap::RotateLeft(TreapNode* x) {
  // x and y are nodes, a, b, c subtrees:  x(a, y(b, c)) -> y(x(a, b), c)
  TreapNode* p = x->parent;
  TreapNode *a = x->left, *y = x->right;
  TreapNode *b = y->left, *c = y->right;
  y->left = x;
  x->parent = y;
  y->right = c;
  if (c != nullptr) c->parent = y;
  x->left = a;
  if (a != nullptr) a->parent = x;
  x->right = b;
  if (b != nullptr) b->parent = x;
  y->parent = p;
  if (p == nullptr) {
    root_ = y;
  } else if (p->left == x) {
    p->left = y;
  } else {
    if (p->right != x) GOGCSIM_THROW("large span treap rotateLeft");
    p->right = y;
  }
}

void MTreap::RotateRight(TreapNode* y) {
  // y(x(a, b), c) -> x(a, y(b, c))
  TreapNode* p = y->parent;
  TreapNode *x = y->left, *c = y->right;
  TreapNode *a = x->left, *b = x->right;
  x->left = a;
  if (a != nullptr) a->parent = x;
  x->right = y;
  y->parent = x;
  y->left = b;
  if (b != nullptr) b->parent = y;
  y->right = c;
  if (c != nullptr) c->parent = y;
  x->parent = p;
  if (p == nullptr) {
    root_ = x;
  } else if (p->left == y) {
    p->left = x;
  } else {
    if (p->right != y) GOGCSIM_THROW("large span treap rotateRight");
    p->right = x;
  }
}

void MTreap::Walk(const TreapNode* t, const std::function<void(const TreapNode&)>& fn) {
  if (t == nullptr) return;
  fn(*t);
  Walk(t->left, fn);
  Walk(t->right, fn);
}

void MTreap::CheckInvariants() const {
  size_t n = 0;
  std::function<void(const TreapNode*)> check = [&](const TreapNode* t) {
    if (t == nullptr) return;
    n++;
    GOGCSIM_CHECK(t->spanKey != nullptr);
    if (t->left != nullptr) {
      GOGCSIM_CHECK(t->left->parent == t);
      GOGCSIM_CHECK(Less(t->left->npagesKey, t->left->orderKey, t->npagesKey, t->orderKey));
      GOGCSIM_CHECK(t->left->priority >= t->priority);
    }
    if (t->right != nullptr) {
      GOGCSIM_CHECK(t->right->parent == t);
      GOGCSIM_CHECK(Less(t->npagesKey, t->orderKey, t->right->npagesKey, t->right->orderKey));
      GOGCSIM_CHECK(t->right->priority >= t->priority);
    }
    check(t->left);
    check(t->right);
  };
  GOGCSIM_CHECK(root_ == nullptr || root_->parent == nullptr);
  check(root_);
  GOGCSIM_CHECK(n == size_);
}

}  // namespace gogcsim::model
