#include "traces/chunk_decoder.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/rng.h"
#include "traces/trace.pb.h"

namespace gogcsim::traces {
namespace {

// Values of every varint length, both signs, and the extremes.
int64_t Value(sim::Rng& rng) {
  const int bits = static_cast<int>(rng.UniformInt(65));
  const uint64_t v = bits == 0 ? 0 : rng.Next() >> (64 - bits);
  return rng.Bernoulli(0.5) ? static_cast<int64_t>(v) : static_cast<int64_t>(0 - v);
}

v1::Chunk RandomChunk(sim::Rng& rng) {
  v1::Chunk c;
  c.set_first_event(static_cast<uint64_t>(Value(rng)));
  c.set_first_alloc(static_cast<uint64_t>(Value(rng)));
  c.set_start_time(Value(rng));
  const int n = static_cast<int>(rng.UniformInt(300));
  for (int i = 0; i < n; i++) {
    // Kinds mostly valid (one byte), sometimes any uint32.
    c.add_kind(rng.Bernoulli(0.9) ? static_cast<uint32_t>(rng.UniformInt(56)) : static_cast<uint32_t>(Value(rng)));
    c.add_time_delta(Value(rng));
    c.add_p(static_cast<int32_t>(Value(rng)));
    c.add_g(static_cast<uint64_t>(Value(rng)));
    c.add_size(static_cast<uint64_t>(Value(rng)));
    c.add_type(static_cast<uint32_t>(Value(rng)));
    c.add_object_delta(Value(rng));
    c.add_earliest_delta(Value(rng));
    c.add_arg_delta(Value(rng));
  }
  return c;
}

// The decoder against protobuf's own parser: same columns, same values.
void ExpectSame(const v1::Chunk& want, const DecodedChunk& got) {
  EXPECT_EQ(got.first_event, want.first_event());
  EXPECT_EQ(got.first_alloc, want.first_alloc());
  EXPECT_EQ(got.start_time, want.start_time());
  ASSERT_EQ(got.kind.size(), static_cast<size_t>(want.kind_size()));
  for (int i = 0; i < want.kind_size(); i++) {
    EXPECT_EQ(got.kind[i], want.kind(i) < 255 ? want.kind(i) : 255u) << i;
  }
  auto same = [](const auto& col, const auto& field, const char* name) {
    ASSERT_EQ(col.size(), static_cast<size_t>(field.size())) << name;
    for (int i = 0; i < field.size(); i++) ASSERT_EQ(col[i], field.Get(i)) << name << " " << i;
  };
  same(got.time_delta, want.time_delta(), "time_delta");
  same(got.p, want.p(), "p");
  same(got.g, want.g(), "g");
  same(got.size, want.size(), "size");
  same(got.type, want.type(), "type");
  same(got.object_delta, want.object_delta(), "object_delta");
  same(got.earliest_delta, want.earliest_delta(), "earliest_delta");
  same(got.arg_delta, want.arg_delta(), "arg_delta");
}

TEST(DecodeChunk, AgreesWithProtobufOnRandomChunks) {
  sim::Rng rng = sim::Rng::Stream(1, "chunk_decoder_test");
  DecodedChunk got;  // reused, as the reader does
  for (int round = 0; round < 300; round++) {
    const v1::Chunk c = RandomChunk(rng);
    const std::string bytes = c.SerializeAsString();
    v1::Chunk parsed;
    ASSERT_TRUE(parsed.ParseFromString(bytes));
    ASSERT_TRUE(DecodeChunk(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &got).ok());
    ExpectSame(parsed, got);
  }
}

// Appends a varint (the wire format's base-128 encoding).
void Varint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Valid encodings other than our writer's: repeated values unpacked, a
// column in two packed runs, fields out of order, unknown fields of every
// wire type. Protobuf's parser is the referee.
TEST(DecodeChunk, AcceptsEveryValidEncoding) {
  std::string b;
  Varint(&b, 4 << 3 | 0);  // kind 0, unpacked
  Varint(&b, 0);
  Varint(&b, 99 << 3 | 0);  // unknown varint field
  Varint(&b, 300);
  Varint(&b, 5 << 3 | 2);  // time_delta packed: zigzag 3 -> -2, 300 -> 150
  Varint(&b, 3);
  Varint(&b, 3);
  Varint(&b, 300);
  Varint(&b, 1 << 3 | 0);  // first_event after the columns
  Varint(&b, 7);
  Varint(&b, 100 << 3 | 1);  // unknown fixed64
  b.append(8, '\x01');
  Varint(&b, 101 << 3 | 5);  // unknown fixed32
  b.append(4, '\x02');
  Varint(&b, 102 << 3 | 2);  // unknown length-delimited
  Varint(&b, 2);
  b.append("xy");
  Varint(&b, 5 << 3 | 0);  // time_delta again, unpacked: zigzag 1 -> -1
  Varint(&b, 1);
  Varint(&b, 4 << 3 | 2);  // kind, a second packed run
  Varint(&b, 1);
  Varint(&b, 34);
  v1::Chunk parsed;
  ASSERT_TRUE(parsed.ParseFromString(b));
  ASSERT_EQ(parsed.kind_size(), 2);
  ASSERT_EQ(parsed.time_delta_size(), 3);
  DecodedChunk got;
  ASSERT_TRUE(DecodeChunk(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &got).ok());
  ExpectSame(parsed, got);
  EXPECT_EQ(got.first_event, 7u);
  EXPECT_EQ(got.time_delta[0], -2);
  EXPECT_EQ(got.time_delta[1], 150);
  EXPECT_EQ(got.time_delta[2], -1);
}

TEST(DecodeChunk, RejectsMalformedBytes) {
  v1::Chunk c;
  for (int i = 0; i < 20; i++) {
    c.add_kind(0);
    c.add_g(uint64_t{1} << 40);  // 6-byte varints
  }
  const std::string bytes = c.SerializeAsString();
  DecodedChunk got;
  // Every cut inside a field, other than at a field boundary, is an error.
  int errors = 0;
  for (size_t cut = 1; cut < bytes.size(); cut++) {
    if (!DecodeChunk(reinterpret_cast<const uint8_t*>(bytes.data()), cut, &got).ok()) errors++;
    v1::Chunk parsed;
    EXPECT_EQ(parsed.ParseFromArray(bytes.data(), static_cast<int>(cut)),
              DecodeChunk(reinterpret_cast<const uint8_t*>(bytes.data()), cut, &got).ok())
        << "cut at " << cut;
  }
  EXPECT_GT(errors, 0);
  // A varint longer than 10 bytes.
  std::string bad;
  Varint(&bad, 7 << 3 | 0);
  bad.append(10, '\x80');
  bad.push_back('\x01');
  EXPECT_FALSE(DecodeChunk(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), &got).ok());
  // Field number 0.
  const std::string zero = std::string("\x00\x01", 2);
  EXPECT_FALSE(DecodeChunk(reinterpret_cast<const uint8_t*>(zero.data()), zero.size(), &got).ok());
}

}  // namespace
}  // namespace gogcsim::traces
