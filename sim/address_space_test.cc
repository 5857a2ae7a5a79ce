#include "sim/address_space.h"

#include "gtest/gtest.h"

namespace gogcsim::sim {
namespace {

using State = AddressSpace::State;
constexpr uint64_t P = AddressSpace::kPageSize;
constexpr uint64_t kBase = 0x100000;

TEST(AddressSpace, GoHeapLayoutConstants) {
  // mallocinit on linux/amd64: spansSize = 512 GiB / 8 KiB * 8 bytes,
  // bitmapSize = 512 GiB / (8*8/2).
  EXPECT_EQ(kGoSpansBytes, (512ULL << 30) / 8192 * 8);
  EXPECT_EQ(kGoBitmapBytes, (512ULL << 30) / 32);
  EXPECT_EQ(kGoArenaStart, 0xc420000000ULL);
}

TEST(AddressSpace, LifecycleAndAccounting) {
  AddressSpace as;
  ASSERT_TRUE(as.Reserve(kBase, 16 * P).ok());
  EXPECT_EQ(as.reserved_bytes(), 16 * P);
  EXPECT_EQ(as.mapped_bytes(), 0u);
  ASSERT_TRUE(as.Map(kBase + 4 * P, 8 * P).ok());
  EXPECT_EQ(as.mapped_bytes(), 8 * P);
  EXPECT_EQ(as.resident_bytes(), 0u);  // mapping alone does not fault pages in
  ASSERT_TRUE(as.Touch(kBase + 4 * P, 3 * P).ok());
  EXPECT_EQ(as.resident_bytes(), 3 * P);
  ASSERT_TRUE(as.Touch(kBase + 5 * P, 4 * P).ok());  // overlaps resident: fine
  EXPECT_EQ(as.resident_bytes(), 5 * P);
  ASSERT_TRUE(as.Release(kBase + 6 * P, 6 * P).ok());  // madvise part of it
  EXPECT_EQ(as.resident_bytes(), 2 * P);
  EXPECT_EQ(as.mapped_bytes(), 8 * P);
  EXPECT_EQ(as.StateAt(kBase), State::kReserved);
  EXPECT_EQ(as.StateAt(kBase + 5 * P), State::kResident);
  EXPECT_EQ(as.StateAt(kBase + 6 * P + 100), State::kMapped);
  EXPECT_EQ(as.StateAt(kBase + 16 * P), State::kUnreserved);
  // Reuse released memory.
  ASSERT_TRUE(as.Touch(kBase + 6 * P, 2 * P).ok());
  EXPECT_EQ(as.resident_bytes(), 4 * P);
  ASSERT_TRUE(as.Unmap(kBase, 16 * P).ok());
  EXPECT_EQ(as.reserved_bytes(), 0u);
  EXPECT_EQ(as.mapped_bytes(), 0u);
  EXPECT_EQ(as.resident_bytes(), 0u);
  EXPECT_EQ(as.StateAt(kBase + 5 * P), State::kUnreserved);
}

TEST(AddressSpace, MisuseIsAnErrorAndChangesNothing) {
  AddressSpace as;
  ASSERT_TRUE(as.Reserve(kBase, 8 * P).ok());
  ASSERT_TRUE(as.Map(kBase, 2 * P).ok());

  absl::Status st = as.Map(kBase + P, 2 * P);  // double map
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("already mapped"), std::string::npos) << st;
  EXPECT_EQ(as.mapped_bytes(), 2 * P);

  st = as.Reserve(kBase + 7 * P, 2 * P);  // overlapping reservation
  EXPECT_NE(st.message().find("overlaps"), std::string::npos) << st;
  EXPECT_EQ(as.reserved_bytes(), 8 * P);

  st = as.Unmap(kBase + 6 * P, 4 * P);  // runs past the reservation
  EXPECT_NE(st.message().find("is not reserved"), std::string::npos) << st;
  EXPECT_EQ(as.reserved_bytes(), 8 * P);

  st = as.Release(kBase + 2 * P, P);  // reserved, never mapped
  EXPECT_NE(st.message().find("not mapped"), std::string::npos) << st;

  st = as.Touch(kBase + 3 * P, P);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(as.resident_bytes(), 0u);

  st = as.Map(kBase + 100, P);  // unaligned
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(as.Map(kBase, 0).ok());
  EXPECT_FALSE(as.Reserve(~0ULL - P + 1, 2 * P).ok());  // wraps
}

TEST(AddressSpace, GoArenaReservationLikeMallocinit) {
  // Go reserves spans + bitmap + arena + one page at 0xc000000000.
  AddressSpace as;
  const uint64_t size = kGoSpansBytes + kGoBitmapBytes + kGoArenaBytes + 8192;
  ASSERT_TRUE(as.Reserve(kGoHeapReserveStart, size).ok());
  // The heap grows in 64 KiB steps from arena_start.
  ASSERT_TRUE(as.Map(kGoArenaStart, 1 << 20).ok());
  ASSERT_TRUE(as.Map(kGoArenaStart + (1 << 20), 64 << 10).ok());
  EXPECT_EQ(as.mapped_bytes(), (1u << 20) + (64u << 10));
  EXPECT_EQ(as.reserved_bytes(), size);
  EXPECT_EQ(as.StateAt(kGoArenaStart - 1), State::kReserved);
}

}  // namespace
}  // namespace gogcsim::sim
