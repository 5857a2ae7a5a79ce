// Constants of gogcsim's trace format (traces/trace.proto, which documents
// the layout): the magic, the version, the event kinds and which chunk
// columns each kind consumes. Shared by the writer and the reader.
#ifndef GOGCSIM_TRACES_TRACE_FORMAT_H_
#define GOGCSIM_TRACES_TRACE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "traces/reference_reader.h"

namespace gogcsim::traces {

inline constexpr std::string_view kTraceMagic = "gogcsim-trace\n";
// Version 2 adds a crc32 after every frame (trace.proto); readers still
// read version 1 (kOldestTraceVersion), without one.
inline constexpr uint32_t kTraceVersion = 2;
inline constexpr uint32_t kOldestTraceVersion = 1;
inline constexpr uint32_t kFirstCrcTraceVersion = 2;
inline constexpr size_t kFrameCrcBytes = 4;
// Events per chunk unless a writer asks otherwise: big enough that the
// per-chunk costs vanish, small enough that a chunk's columns stay in cache.
inline constexpr uint32_t kDefaultChunkEvents = 65536;
inline constexpr uint32_t kMaxChunkEvents = uint32_t{1} << 20;
// A frame longer than this is corrupt: a chunk of kMaxChunkEvents of the
// widest events (PT: 15 args of up to 10 bytes) is about 160 MiB.
inline constexpr uint64_t kMaxFrameBytes = uint64_t{1} << 28;

// trace.proto's FrameType: the byte before each frame's length.
inline constexpr uint8_t kFrameHeader = 1;
inline constexpr uint8_t kFrameChunk = 2;
inline constexpr uint8_t kFrameFooter = 3;

// trace.proto's EventKind (static_asserts in trace_format.cc keep them equal).
enum class EventKind : uint8_t {
  kAlloc = 0,
  kGoStart = 1,
  kGoExit = 2,
  kDeath = 3,
  kEdge = 4,
  kGc = 5,
  kGoRun = 6,   // GB: begins running on its P
  kGoStop = 7,  // GE: stops; args[0] is the reason (kStop*)
  kRefBase = 32,  // + RefTag: a reference record (never RefTag::kA)
};
inline constexpr int kNumEventKinds = 32 + kNumRefTags;

// GO_STOP's reason (a v2 recording's GE).
inline constexpr int64_t kStopBlocked = 1, kStopGosched = 2, kStopPreempted = 3, kStopExit = 4, kStopSyscall = 5;

inline constexpr EventKind RefKind(RefTag tag) {
  return static_cast<EventKind>(static_cast<int>(EventKind::kRefBase) + static_cast<int>(tag));
}
inline constexpr bool IsRefKind(EventKind k) { return static_cast<int>(k) >= static_cast<int>(EventKind::kRefBase); }
inline constexpr RefTag RefTagOf(EventKind k) {
  return static_cast<RefTag>(static_cast<int>(k) - static_cast<int>(EventKind::kRefBase));
}

// The columns an event of a kind consumes (counts of entries).
struct KindLayout {
  bool valid = false;  // a kind a file may contain
  uint8_t time = 0;    // time_delta
  uint8_t p = 0;
  uint8_t g = 0;
  uint8_t size = 0;
  uint8_t type = 0;
  uint8_t object = 0;  // object_delta
  uint8_t earliest = 0;
  uint8_t args = 0;    // arg_delta
};
const KindLayout& LayoutOf(EventKind kind);
inline constexpr int kMaxEventArgs = kMaxRefFields;

// "ALLOC", "DEATH", "Z", "PE", ...; "?" for a kind no file may contain.
const char* EventKindName(EventKind kind);

// TypeInfo.flags bits (trace.proto's TypeFlag).
inline constexpr uint32_t kTypeNoscan = 1;
inline constexpr uint32_t kTypeNilType = 2;
inline constexpr uint32_t kTypeNeedzero = 4;
inline constexpr uint32_t kTypePtrdataUnknown = 8;
inline constexpr uint32_t kTypeSizeUnknown = 16;
// The bits a reference A record's flags field holds.
inline constexpr uint32_t kRefAllocFlags = kTypeNoscan | kTypeNilType | kTypeNeedzero;

// TraceEvent::earliest when the source gives no bound.
inline constexpr uint64_t kNoEarliest = std::numeric_limits<uint64_t>::max();

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_TRACE_FORMAT_H_
