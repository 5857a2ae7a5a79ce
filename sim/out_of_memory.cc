#include "sim/out_of_memory.h"

#include "absl/strings/cord.h"

namespace gogcsim::sim {
namespace {
constexpr char kPayload[] = "gogcsim/simulated-out-of-memory";
}  // namespace

OutOfMemory::OutOfMemory(const std::string& detail)
    : std::runtime_error(detail.empty() ? "fatal error: out of memory" : detail + "\nfatal error: out of memory") {}

void ThrowOutOfMemory(const std::string& detail) { throw OutOfMemory(detail); }

absl::Status OutOfMemoryStatus(const OutOfMemory& e) {
  absl::Status s = absl::ResourceExhaustedError(e.what());
  s.SetPayload(kPayload, absl::Cord("1"));
  return s;
}

bool IsOutOfMemory(const absl::Status& status) { return status.GetPayload(kPayload).has_value(); }

}  // namespace gogcsim::sim
