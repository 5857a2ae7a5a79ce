#include "traces/trace_format.h"

#include <array>

#include "traces/trace.pb.h"

namespace gogcsim::traces {
namespace {

namespace pb = ::gogcsim::traces::v1;

static_assert(static_cast<int>(EventKind::kAlloc) == pb::EVENT_KIND_ALLOC);
static_assert(static_cast<int>(EventKind::kGoStart) == pb::EVENT_KIND_GO_START);
static_assert(static_cast<int>(EventKind::kGoExit) == pb::EVENT_KIND_GO_EXIT);
static_assert(static_cast<int>(EventKind::kDeath) == pb::EVENT_KIND_DEATH);
static_assert(static_cast<int>(EventKind::kEdge) == pb::EVENT_KIND_EDGE);
static_assert(static_cast<int>(EventKind::kGc) == pb::EVENT_KIND_GC);
static_assert(static_cast<int>(EventKind::kGoRun) == pb::EVENT_KIND_GO_RUN);
static_assert(static_cast<int>(EventKind::kGoStop) == pb::EVENT_KIND_GO_STOP);
static_assert(static_cast<int>(RefKind(RefTag::kH)) == pb::EVENT_KIND_REF_H);
static_assert(static_cast<int>(RefKind(RefTag::kZ)) == pb::EVENT_KIND_REF_Z);
static_assert(static_cast<int>(RefKind(RefTag::kF)) == pb::EVENT_KIND_REF_F);
static_assert(static_cast<int>(RefKind(RefTag::kPE)) == pb::EVENT_KIND_REF_PE);
static_assert(kNumEventKinds == pb::EVENT_KIND_REF_PE + 1);
static_assert(kTypeNoscan == pb::TYPE_FLAG_NOSCAN && kTypeNilType == pb::TYPE_FLAG_NIL_TYPE &&
              kTypeNeedzero == pb::TYPE_FLAG_NEEDZERO && kTypePtrdataUnknown == pb::TYPE_FLAG_PTRDATA_UNKNOWN &&
              kTypeSizeUnknown == pb::TYPE_FLAG_SIZE_UNKNOWN);
static_assert(pb::FRAME_TYPE_HEADER == kFrameHeader && pb::FRAME_TYPE_CHUNK == kFrameChunk &&
              pb::FRAME_TYPE_FOOTER == kFrameFooter);

// Built at first use: RefSchemaOf is not constexpr.
std::array<KindLayout, kNumEventKinds> MakeLayouts() {
  std::array<KindLayout, kNumEventKinds> a{};
  auto timed = [](KindLayout& l) {
    l.valid = true;
    l.time = l.p = l.g = 1;
  };
  KindLayout& alloc = a[static_cast<int>(EventKind::kAlloc)];
  timed(alloc);
  alloc.size = alloc.type = 1;
  timed(a[static_cast<int>(EventKind::kGoStart)]);
  timed(a[static_cast<int>(EventKind::kGoExit)]);
  timed(a[static_cast<int>(EventKind::kGoRun)]);
  KindLayout& stop = a[static_cast<int>(EventKind::kGoStop)];
  timed(stop);
  stop.args = 1;
  KindLayout& death = a[static_cast<int>(EventKind::kDeath)];
  death.valid = true;
  death.object = death.earliest = 1;
  KindLayout& edge = a[static_cast<int>(EventKind::kEdge)];
  edge.valid = true;
  edge.object = 2;
  KindLayout& gc = a[static_cast<int>(EventKind::kGc)];
  gc.valid = true;
  gc.args = 1;
  for (int t = 0; t < kNumRefTags; t++) {
    const RefTag tag = static_cast<RefTag>(t);
    if (tag == RefTag::kA) continue;  // A records are ALLOC events
    KindLayout& l = a[static_cast<int>(RefKind(tag))];
    l.valid = true;
    l.args = static_cast<uint8_t>(RefSchemaOf(tag).fields());
  }
  return a;
}

constexpr KindLayout kInvalid{};

}  // namespace

const KindLayout& LayoutOf(EventKind kind) {
  static const std::array<KindLayout, kNumEventKinds> layouts = MakeLayouts();
  const auto k = static_cast<unsigned>(kind);
  return k < kNumEventKinds ? layouts[k] : kInvalid;
}

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kAlloc:
      return "ALLOC";
    case EventKind::kGoStart:
      return "GO_START";
    case EventKind::kGoExit:
      return "GO_EXIT";
    case EventKind::kGoRun:
      return "GO_RUN";
    case EventKind::kGoStop:
      return "GO_STOP";
    case EventKind::kDeath:
      return "DEATH";
    case EventKind::kEdge:
      return "EDGE";
    case EventKind::kGc:
      return "GC";
    default:
      break;
  }
  if (!LayoutOf(kind).valid) return "?";
  return RefTagName(RefTagOf(kind));
}

}  // namespace gogcsim::traces
