// Port of Go 1.10.2 src/runtime/mgcwork.go: the grey-object queues. Each P
// has a gcWork with two work buffers of 253 object pointers; full buffers go
// to a global list other Ps take from. Buffer memory comes from manual
// spans (workbufAlloc = 32 KiB) charged to memstats.gc_sys, as in Go.
#ifndef GOGCSIM_MODEL_MGCWORK_H_
#define GOGCSIM_MODEL_MGCWORK_H_

#include <cstdint>
#include <deque>
#include <vector>

#include "model/mheap.h"

namespace gogcsim::model {

inline constexpr uint64_t kWorkbufSize = 2048;  // bytes
inline constexpr uint64_t kWorkbufAlloc = 32 << 10;
// (2048 - workbufhdr{node 16, nobj 8}) / 8 pointers per buffer.
inline constexpr int kWorkbufObjs = (kWorkbufSize - 24) / 8;

struct Workbuf {
  int nobj = 0;
  uint64_t obj[kWorkbufObjs];
};

// work.full / work.empty and the buffer allocator.
class WorkbufPool {
 public:
  explicit WorkbufPool(MHeap* heap, uint64_t* gc_sys) : heap_(heap), gc_sys_(gc_sys) {}
  Workbuf* GetEmpty();
  void PutEmpty(Workbuf* b);
  void PutFull(Workbuf* b);
  Workbuf* TryGetFull();  // null when work.full is empty
  bool FullEmpty() const { return full_.empty(); }
  uint64_t spans_allocated() const { return spans_; }

 private:
  MHeap* heap_;
  uint64_t* gc_sys_;
  std::vector<Workbuf*> full_;   // lfstack: LIFO
  std::vector<Workbuf*> empty_;  // lfstack: LIFO
  std::deque<Workbuf> storage_;
  uint64_t spans_ = 0;
};

// gcWork: a P's local queue of grey objects plus its unflushed counters.
class GcWork {
 public:
  void set_pool(WorkbufPool* pool) { pool_ = pool; }
  WorkbufPool* pool() const { return pool_; }
  // put / putFast: queue a grey object. Returns true if a full buffer was
  // flushed to the global list during the mark phase (enlistWorker's cue).
  bool Put(uint64_t obj);
  // tryGetFast then tryGet: 0 when neither local nor global work is left.
  uint64_t TryGet();
  // balance: hand some local work to the global list when it is empty.
  bool Balance();
  // dispose: everything back to the global lists; counters returned.
  void Dispose(uint64_t* bytesMarked, int64_t* scanWork);
  bool Empty() const;

  uint64_t bytesMarked = 0;  // bytes marked (blackened) on this P
  int64_t scanWork = 0;      // scan-work units done on this P, unflushed

 private:
  void Init();
  WorkbufPool* pool_ = nullptr;
  Workbuf* wbuf1_ = nullptr;
  Workbuf* wbuf2_ = nullptr;
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MGCWORK_H_
