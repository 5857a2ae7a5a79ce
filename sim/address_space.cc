#include "sim/address_space.h"

#include <iterator>

#include "absl/strings/str_format.h"

namespace gogcsim::sim {

const char* StateName(AddressSpace::State s) {
  switch (s) {
    case AddressSpace::State::kUnreserved: return "unreserved";
    case AddressSpace::State::kReserved: return "reserved";
    case AddressSpace::State::kMapped: return "mapped";
    case AddressSpace::State::kResident: return "resident";
  }
  return "?";
}

absl::Status AddressSpace::CheckRange(const char* op, uint64_t addr, uint64_t len) const {
  if (len == 0 || addr % kPageSize != 0 || len % kPageSize != 0 || addr + len < addr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s(0x%x, %d): range must be non-empty, %d-byte aligned and not wrap", op, addr, len,
        kPageSize));
  }
  return absl::OkStatus();
}

absl::Status AddressSpace::CheckCovered(const char* op, uint64_t addr, uint64_t end,
                                        bool allow_reserved, bool allow_mapped) const {
  uint64_t at = addr;
  auto it = runs_.upper_bound(addr);
  if (it != runs_.begin()) --it;
  for (; at < end; ++it) {
    if (it == runs_.end() || it->first > at || it->second.end <= at) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s(0x%x, %d): 0x%x is not reserved", op, addr, end - addr, at));
    }
    const State s = it->second.state;
    const bool ok = s == State::kReserved ? allow_reserved : allow_mapped;
    if (!ok) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s(0x%x, %d): 0x%x is already %s", op, addr, end - addr, at, StateName(s)));
    }
    at = it->second.end;
  }
  return absl::OkStatus();
}

absl::Status AddressSpace::Reserve(uint64_t addr, uint64_t len) {
  if (auto st = CheckRange("Reserve", addr, len); !st.ok()) return st;
  const uint64_t end = addr + len;
  auto it = runs_.lower_bound(addr);
  if (it != runs_.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end > addr) it = prev;
  }
  if (it != runs_.end() && it->first < end) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "Reserve(0x%x, %d): overlaps the %s range at 0x%x", addr, len,
        StateName(it->second.state), std::max(addr, it->first)));
  }
  SetState(addr, end, State::kReserved);
  return absl::OkStatus();
}

absl::Status AddressSpace::Map(uint64_t addr, uint64_t len) {
  if (auto st = CheckRange("Map", addr, len); !st.ok()) return st;
  if (auto st = CheckCovered("Map", addr, addr + len, true, false); !st.ok()) return st;
  SetState(addr, addr + len, State::kMapped);
  return absl::OkStatus();
}

absl::Status AddressSpace::SetMappedState(const char* op, uint64_t addr, uint64_t len, State state) {
  if (auto st = CheckRange(op, addr, len); !st.ok()) return st;
  if (auto st = CheckCovered(op, addr, addr + len, false, true); !st.ok()) {
    // Reserved-but-unmapped memory would fault in a real process.
    return absl::FailedPreconditionError(std::string(st.message()) + " (not mapped)");
  }
  SetState(addr, addr + len, state);
  return absl::OkStatus();
}

absl::Status AddressSpace::Touch(uint64_t addr, uint64_t len) {
  return SetMappedState("Touch", addr, len, State::kResident);
}

absl::Status AddressSpace::Release(uint64_t addr, uint64_t len) {
  return SetMappedState("Release", addr, len, State::kMapped);
}

absl::Status AddressSpace::Unmap(uint64_t addr, uint64_t len) {
  if (auto st = CheckRange("Unmap", addr, len); !st.ok()) return st;
  if (auto st = CheckCovered("Unmap", addr, addr + len, true, true); !st.ok()) return st;
  SetState(addr, addr + len, State::kUnreserved);
  return absl::OkStatus();
}

AddressSpace::State AddressSpace::StateAt(uint64_t addr) const {
  auto it = runs_.upper_bound(addr);
  if (it == runs_.begin()) return State::kUnreserved;
  --it;
  return addr < it->second.end ? it->second.state : State::kUnreserved;
}

void AddressSpace::Account(State s, uint64_t bytes, int sign) {
  auto add = [&](uint64_t& v) { v = sign > 0 ? v + bytes : v - bytes; };
  if (s != State::kUnreserved) add(reserved_);
  if (s == State::kMapped || s == State::kResident) add(mapped_);
  if (s == State::kResident) add(resident_);
}

void AddressSpace::Split(uint64_t at) {
  auto it = runs_.upper_bound(at);
  if (it == runs_.begin()) return;
  --it;
  if (it->first == at || it->second.end <= at) return;
  runs_[at] = Run{it->second.end, it->second.state};
  it->second.end = at;
}

void AddressSpace::SetState(uint64_t addr, uint64_t end, State state) {
  Split(addr);
  Split(end);
  // Remove every run inside [addr, end), un-accounting it.
  auto it = runs_.lower_bound(addr);
  while (it != runs_.end() && it->first < end) {
    Account(it->second.state, it->second.end - it->first, -1);
    it = runs_.erase(it);
  }
  if (state == State::kUnreserved) return;
  Account(state, end - addr, +1);
  it = runs_.emplace(addr, Run{end, state}).first;
  // Merge with neighbours of the same state.
  auto next = std::next(it);
  if (next != runs_.end() && next->first == it->second.end && next->second.state == state) {
    it->second.end = next->second.end;
    runs_.erase(next);
  }
  if (it != runs_.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end == it->first && prev->second.state == state) {
      prev->second.end = it->second.end;
      runs_.erase(it);
    }
  }
}

}  // namespace gogcsim::sim
