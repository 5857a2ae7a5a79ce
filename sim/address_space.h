// The simulated operating system's virtual address space.
//
// Page ranges move between four states, as they do under Linux for the Go
// runtime's mem_linux.go calls:
//   unreserved --Reserve (mmap PROT_NONE, sysReserve)--> reserved
//   reserved   --Map (mmap MAP_FIXED rw, sysMap)--> mapped (not resident)
//   mapped     --Touch (first write after sysUsed)--> resident
//   resident   --Release (madvise DONTNEED, sysUnused)--> mapped
//   any        --Unmap (munmap, sysFree)--> unreserved
// Resident bytes are the simulated RSS. Misuse (double reservation, mapping
// what is not reserved or already mapped, releasing what is not mapped,
// unaligned ranges) is reported as an error Status and changes nothing.
#ifndef GOGCSIM_SIM_ADDRESS_SPACE_H_
#define GOGCSIM_SIM_ADDRESS_SPACE_H_

#include <cstdint>
#include <map>

#include "absl/status/status.h"

namespace gogcsim::sim {

// Where Go 1.10 reserves its heap on linux/amd64 (mallocinit): spans array
// (512 MiB) and heap bitmap (16 GiB) first, then the 512 GiB arena.
inline constexpr uint64_t kGoHeapReserveStart = 0xc000000000ULL;
inline constexpr uint64_t kGoSpansBytes = 512ULL << 20;
inline constexpr uint64_t kGoBitmapBytes = 16ULL << 30;
inline constexpr uint64_t kGoArenaBytes = 512ULL << 30;
inline constexpr uint64_t kGoArenaStart = kGoHeapReserveStart + kGoSpansBytes + kGoBitmapBytes;
static_assert(kGoArenaStart == 842350460928ULL, "0xc420000000, as in every reference recording");

class AddressSpace {
 public:
  enum class State { kUnreserved, kReserved, kMapped, kResident };
  static constexpr uint64_t kPageSize = 4096;  // OS page (physPageSize)

  absl::Status Reserve(uint64_t addr, uint64_t len);
  absl::Status Map(uint64_t addr, uint64_t len);
  absl::Status Touch(uint64_t addr, uint64_t len);
  absl::Status Release(uint64_t addr, uint64_t len);
  absl::Status Unmap(uint64_t addr, uint64_t len);

  State StateAt(uint64_t addr) const;

  uint64_t reserved_bytes() const { return reserved_; }  // every state but unreserved
  uint64_t mapped_bytes() const { return mapped_; }      // mapped + resident
  uint64_t resident_bytes() const { return resident_; }  // RSS

 private:
  struct Run {
    uint64_t end;  // exclusive
    State state;
  };
  absl::Status CheckRange(const char* op, uint64_t addr, uint64_t len) const;
  // Fails unless [addr, addr+len) is covered by runs whose state is allowed.
  absl::Status CheckCovered(const char* op, uint64_t addr, uint64_t end, bool allow_reserved,
                            bool allow_mapped) const;
  // Touch/Release: the range must be mapped; it becomes `state`.
  absl::Status SetMappedState(const char* op, uint64_t addr, uint64_t len, State state);
  void SetState(uint64_t addr, uint64_t end, State state);
  void Split(uint64_t at);
  void Account(State s, uint64_t bytes, int sign);

  std::map<uint64_t, Run> runs_;  // by start; adjacent runs of one state merged
  uint64_t reserved_ = 0, mapped_ = 0, resident_ = 0;
};

const char* StateName(AddressSpace::State s);

}  // namespace gogcsim::sim

#endif  // GOGCSIM_SIM_ADDRESS_SPACE_H_
