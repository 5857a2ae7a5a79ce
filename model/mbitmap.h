// The part of Go 1.10.2 src/runtime/mbitmap.go the collector reads when it
// scans an object: where the object's pointers are and what they point to.
// Go keeps a 2-bit-per-word heap bitmap and the pointers live in the object
// itself; objects here have no payload, so each allocated block carries its
// scannable extent and the list of blocks it points to (the object graph the
// mutator builds). The mark and alloc bits themselves are on mspan (mheap.h).
#ifndef GOGCSIM_MODEL_MBITMAP_H_
#define GOGCSIM_MODEL_MBITMAP_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/mheap.h"

namespace gogcsim::model {

inline constexpr uint64_t kMaxObletBytes = 128 << 10;  // large objects are scanned in oblets

// Scan work scanobject charges for the piece of an object starting `offset`
// bytes in, `n` bytes long, when the object's pointers end at `scanSize`:
// scanning stops at the first word past the pointers, except that word 1's
// scan bit doubles as the checkmark bit and is never tested, so a piece with
// any pointers costs at least two words.
inline uint64_t ScanWorkFor(uint64_t n, uint64_t scanSize, uint64_t offset) {
  if (scanSize <= offset) return 0;  // word 0's scan bit is clear
  uint64_t i = scanSize - offset;
  if (i < 16) i = 16;
  return i < n ? i : n;
}

struct HeapObject {
  uint64_t scanSize = 0;       // bytes from the start that hold pointers (0: noscan)
  std::vector<uint64_t> refs;  // addresses this object points to
};

// Block base address -> contents, kept per span by object index, as Go
// keeps an object's pointers in the span's memory: a span's table is made
// at its first Add and dropped at its last Free. Callers name the span
// that holds the block; no caller keeps a HeapObject* across an Add or a
// Free.
class ObjectGraph {
 public:
  // A block of span s was allocated (or a tiny block got another object:
  // no-op).
  void Add(const MSpan& s, uint64_t base, uint64_t scanSize);
  // The block `from` of span s now holds a pointer to `to`.
  void AddRef(const MSpan& s, uint64_t from, uint64_t to);
  // The block at base in span s, or nullptr if there is none.
  const HeapObject* Find(const MSpan& s, uint64_t base) const;
  // The sweeper freed the block (a no-op if the graph never had it).
  void Free(const MSpan& s, uint64_t base);
  uint64_t size() const { return live_; }

 private:
  struct Slot {
    HeapObject obj;
    bool used = false;
  };
  struct SpanObjects {
    std::vector<Slot> slots;  // by object index
    uint64_t live = 0;
  };
  Slot* SlotOf(const MSpan& s, uint64_t base);

  absl::flat_hash_map<const MSpan*, SpanObjects> spans_;
  uint64_t live_ = 0;
};

}  // namespace gogcsim::model

#endif  // GOGCSIM_MODEL_MBITMAP_H_
