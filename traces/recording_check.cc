#include "traces/recording_check.h"

#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "model/sizeclasses.h"
#include "traces/recording_v2.h"

namespace gogcsim::traces {
namespace {

constexpr uint64_t kMaxSmallSize = 32 << 10;
constexpr uint64_t kPageSize = 8192;

struct Open {
  uint64_t size;
  int32_t p;  // the serving P: A is written after acquirem
  uint64_t index;  // of the A
};

struct Retired {
  uint64_t end;
  uint64_t index;  // of the UC that took the span back
};

}  // namespace

absl::StatusOr<RecordingCheck> CheckRecording(const std::string& path) {
  absl::StatusOr<std::unique_ptr<RecordingV2Reader>> r = RecordingV2Reader::Open(path);
  if (!r.ok()) return r.status();
  const int kA = V2TagOf("A"), kZ = V2TagOf("Z"), kCS = V2TagOf("CS"), kUC = V2TagOf("UC"), kL = V2TagOf("L"),
            kH = V2TagOf("H"), kGS = V2TagOf("GS");
  RecordingCheck c;
  absl::flat_hash_map<int64_t, std::vector<Open>> open;  // by goroutine
  // Per P (P -1 is P 0: the bootstrap mcache becomes P 0's): cached spans,
  // base -> end.
  std::vector<absl::flat_hash_map<uint64_t, uint64_t>> cached;
  absl::flat_hash_map<int64_t, uint64_t> last_large;  // by goroutine: its last L
  // Per P, by base: spans a UC took back from its mcache.
  std::vector<absl::flat_hash_map<uint64_t, Retired>> retired;
  auto slot = [&](int32_t p) -> size_t {
    const size_t i = p < 0 ? 0 : static_cast<size_t>(p);
    if (i >= cached.size()) {
      cached.resize(i + 1);
      retired.resize(i + 1);
    }
    return i;
  };
  V2Record v;
  for (;;) {
    absl::StatusOr<bool> more = (*r)->Next(&v);
    if (!more.ok()) return more.status();
    if (!*more) break;
    auto violate = [&](const std::string& what) {
      if (c.violation.empty()) {
        c.violation = absl::StrCat("record ", v.index, " (chunk at offset ", v.offset, ", M ", v.m, ", P ", v.p,
                                   ", goroutine ", v.g, "): ", what);
      }
    };
    if (v.tag == kH) c.gomaxprocs = static_cast<int>(v.v[0]);
    if (v.tag == kGS) c.cycles++;
    if (v.tag == kA) {
      c.allocations++;
      c.allocations_by_p[v.p]++;
      auto [it, fresh] = open.try_emplace(v.g);
      if (fresh) c.goroutines++;
      it->second.push_back({static_cast<uint64_t>(v.v[0]), v.p, v.index});
    } else if (v.tag == kCS) {
      // A span class indexes the size class tables: no runtime writes any
      // other (the recording is malformed, not inconsistent).
      if (v.v[0] < 2 || v.v[0] >= 2 * model::kNumSizeClasses) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": offset ", v.offset, ": record ", v.index, " (M ", v.m, "): CS span class ", v.v[0],
            " is not that of a small size class (2..", 2 * model::kNumSizeClasses - 1, ")"));
      }
      const uint64_t spc = static_cast<uint64_t>(v.v[0]);
      const uint64_t npages = model::kClassToAllocNPages[spc >> 1];
      cached[slot(v.p)][static_cast<uint64_t>(v.v[1])] = static_cast<uint64_t>(v.v[1]) + npages * kPageSize;
    } else if (v.tag == kUC) {
      const uint64_t base = static_cast<uint64_t>(v.v[1]);
      for (size_t p = 0; p < cached.size(); p++) {
        if (auto it = cached[p].find(base); it != cached[p].end()) {
          retired[p][base] = {it->second, v.index};
          cached[p].erase(it);
        }
      }
    } else if (v.tag == kL) {
      last_large[v.g] = static_cast<uint64_t>(v.v[1]);
    } else if (v.tag == kZ) {
      auto it = open.find(v.g);
      if (it == open.end() || it->second.empty()) {
        violate("a Z with no open A of its goroutine");
        continue;
      }
      const Open a = it->second.back();
      it->second.pop_back();
      const uint64_t x = static_cast<uint64_t>(v.v[0]);
      if (a.size == 0) continue;  // zerobase
      const size_t p = slot(a.p);
      if (a.size > kMaxSmallSize) {
        if (last_large[v.g] != x) violate(absl::StrCat("large object at ", x, " is not its goroutine's last L"));
        c.large++;
        continue;
      }
      bool found = false;
      for (const auto& [base, end] : cached[p]) {
        if (x >= base && x < end) {
          found = true;
          break;
        }
      }
      for (const auto& [base, ret] : retired[p]) {
        if (found) break;
        found = a.index < ret.index && x >= base && x < ret.end;
      }
      if (!found) {
        violate(absl::StrCat("object at ", x, " is in no span the mcache of P ", a.p,
                             " (which served the request) held"));
      }
      c.in_cached_span++;
    }
  }
  for (const auto& [g, list] : open) c.open_at_end += list.size();
  c.records = (*r)->records();
  return c;
}

}  // namespace gogcsim::traces
