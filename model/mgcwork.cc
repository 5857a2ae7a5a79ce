// Port of Go 1.10.2 src/runtime/mgcwork.go.
#include "model/mgcwork.h"

#include "sim/check.h"

namespace gogcsim::model {

Workbuf* WorkbufPool::GetEmpty() {
  if (!empty_.empty()) {
    Workbuf* b = empty_.back();
    empty_.pop_back();
    return b;
  }
  // Carve a fresh 32 KiB manual span into buffers.
  MSpan* s = heap_->AllocManual(kWorkbufAlloc / kPageSize, gc_sys_);
  if (s == nullptr) GOGCSIM_THROW("out of memory allocating work buffers");
  spans_++;
  for (uint64_t i = 0; i + kWorkbufSize <= kWorkbufAlloc; i += kWorkbufSize) {
    storage_.emplace_back();
    empty_.push_back(&storage_.back());
  }
  Workbuf* b = empty_.back();
  empty_.pop_back();
  return b;
}

void WorkbufPool::PutEmpty(Workbuf* b) {
  GOGCSIM_CHECK(b->nobj == 0);
  empty_.push_back(b);
}

void WorkbufPool::PutFull(Workbuf* b) {
  GOGCSIM_CHECK(b->nobj > 0);
  full_.push_back(b);
}

Workbuf* WorkbufPool::TryGetFull() {
  if (full_.empty()) return nullptr;
  Workbuf* b = full_.back();
  full_.pop_back();
  return b;
}

void GcWork::Init() {
  wbuf1_ = pool_->GetEmpty();
  wbuf2_ = pool_->TryGetFull();
  if (wbuf2_ == nullptr) wbuf2_ = pool_->GetEmpty();
}

bool GcWork::Put(uint64_t obj) {
  bool flushed = false;
  if (wbuf1_ == nullptr) {
    Init();
  } else if (wbuf1_->nobj == kWorkbufObjs) {
    std::swap(wbuf1_, wbuf2_);
    if (wbuf1_->nobj == kWorkbufObjs) {
      pool_->PutFull(wbuf1_);
      wbuf1_ = pool_->GetEmpty();
      flushed = true;
    }
  }
  wbuf1_->obj[wbuf1_->nobj++] = obj;
  return flushed;
}

uint64_t GcWork::TryGet() {
  if (wbuf1_ == nullptr) Init();
  if (wbuf1_->nobj == 0) {
    std::swap(wbuf1_, wbuf2_);
    if (wbuf1_->nobj == 0) {
      Workbuf* full = pool_->TryGetFull();
      if (full == nullptr) return 0;
      pool_->PutEmpty(wbuf1_);
      wbuf1_ = full;
    }
  }
  return wbuf1_->obj[--wbuf1_->nobj];
}

bool GcWork::Balance() {
  if (wbuf1_ == nullptr) return false;
  if (wbuf2_->nobj != 0) {
    pool_->PutFull(wbuf2_);
    wbuf2_ = pool_->GetEmpty();
    return true;
  }
  if (wbuf1_->nobj > 4) {
    // handoff: move half of wbuf1 to a new buffer, publish the old one.
    Workbuf* b = pool_->GetEmpty();
    const int n = wbuf1_->nobj / 2;
    wbuf1_->nobj -= n;
    for (int i = 0; i < n; i++) b->obj[i] = wbuf1_->obj[wbuf1_->nobj + i];
    b->nobj = n;
    pool_->PutFull(wbuf1_);
    wbuf1_ = b;
    return true;
  }
  return false;
}

void GcWork::Dispose(uint64_t* bytes, int64_t* work) {
  if (wbuf1_ != nullptr) {
    for (Workbuf* b : {wbuf1_, wbuf2_}) {
      if (b->nobj == 0) {
        pool_->PutEmpty(b);
      } else {
        pool_->PutFull(b);
      }
    }
    wbuf1_ = wbuf2_ = nullptr;
  }
  *bytes += bytesMarked;
  bytesMarked = 0;
  *work += scanWork;
  scanWork = 0;
}

bool GcWork::Empty() const { return wbuf1_ == nullptr || (wbuf1_->nobj == 0 && wbuf2_->nobj == 0); }

}  // namespace gogcsim::model
