#include "scenarios/run_config.h"

#include <algorithm>

namespace gogcsim::scenarios {

uint64_t SizeDist::Min() const {
  switch (kind) {
    case Kind::kFixed:
      return fixed;
    case Kind::kTable: {
      uint64_t m = UINT64_MAX;
      for (const auto& [bytes, weight] : table) m = std::min(m, bytes);
      return m;
    }
    case Kind::kLogNormal:
      return min;
  }
  return 0;
}

uint64_t SizeDist::Max() const {
  switch (kind) {
    case Kind::kFixed:
      return fixed;
    case Kind::kTable: {
      uint64_t m = 0;
      for (const auto& [bytes, weight] : table) m = std::max(m, bytes);
      return m;
    }
    case Kind::kLogNormal:
      return max;
  }
  return 0;
}

double MaxLive(const Phase& ph) {
  switch (ph.kind) {
    case Phase::Kind::kSteady:
      return ph.live_from;
    case Phase::Kind::kRamp:
    case Phase::Kind::kStep:
      return std::max(ph.live_from, ph.live_to);
    case Phase::Kind::kOscillation:
      return ph.live_from * (1 + ph.live_amplitude);
  }
  return 1;
}

std::vector<RecordKind> DefaultKinds() {
  auto kind = [](uint64_t size, uint64_t ptrdata, uint64_t child, double weight) {
    RecordKind k;
    k.size = SizeDist::Fixed(size);
    k.ptrdata = ptrdata;
    k.child = SizeDist::Fixed(child);
    k.weight = weight;
    return k;
  };
  return {
      kind(48, 24, 0, 4),        // small pointerful structs
      kind(32, 8, 64, 3),        // a header pointing to a 64-byte buffer
      kind(96, 48, 512, 1),      // a message with a 512-byte body
      kind(16, 8, 8, 2),         // a node pointing to a tiny string
      kind(2048, 2048, 0, 0.2),  // a slice of pointers
  };
}

void SetRecords(RunConfig* cfg, uint64_t records) {
  for (MutatorGroup& g : cfg->workload.groups) g.records = records;
}

}  // namespace gogcsim::scenarios
