// A writer of format v2 recordings (traces/recording_v2.md) for tests,
// written from the spec, independent of the recorder's Go code.
#ifndef GOGCSIM_TRACES_RECORDING_V2_TEST_WRITER_H_
#define GOGCSIM_TRACES_RECORDING_V2_TEST_WRITER_H_

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "traces/recording_v2.h"

namespace gogcsim::traces {

// Records are given per M; chunks are written in the order asked.
class Writer {
 public:
  struct Rec {
    uint64_t seq;  // global records only
    int p;
    int64_t g;
    int tag;
    std::vector<int64_t> v;
    bool local = false;
  };
  // Encodes recs (one M's, increasing seq) as one chunk.
  std::string Chunk(uint32_t m, const std::vector<Rec>& recs) {
    std::string body;
    uint64_t first = 0, prev = 0;
    bool any_global = false;
    int64_t last_p = -2, last_g = -2, last_t = 0;
    for (const Rec& r : recs) {
      const bool same = r.p == last_p && r.g == last_g;
      body.push_back(static_cast<char>((r.tag < 64 ? r.tag : 0) | (same ? 0x80 : 0) | (r.local ? 0x40 : 0)));
      if (r.tag >= 64) U(&body, static_cast<uint64_t>(r.tag - 64));  // an extended tag
      if (!r.local) {
        if (!any_global) first = prev = r.seq;
        any_global = true;
        U(&body, r.seq - prev);
        prev = r.seq;
      }
      if (!same) {
        U(&body, static_cast<uint64_t>(r.p + 1));
        U(&body, static_cast<uint64_t>(r.g));
        last_p = r.p;
        last_g = r.g;
      }
      const V2Schema& s = V2SchemaOf(r.tag);
      for (size_t k = 0; k < r.v.size(); k++) {
        int64_t v = r.v[k];
        if (s.time_mask & (1u << k)) {
          // Wraps, as the reader's sum does (a time may be any int64).
          const auto d = static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(last_t));
          last_t = v;
          v = d;
        }
        U(&body, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
      }
    }
    return Head(static_cast<uint32_t>(body.size()),
                static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())), m,
                static_cast<uint32_t>(recs.size()), first) +
           body;
  }
  std::string End(uint64_t globals, uint64_t records) {
    std::string body;
    U(&body, globals);
    U(&body, records);
    return Head(static_cast<uint32_t>(body.size()),
                static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())), 0xffffffff,
                0, 0) +
           body;
  }
  static std::string FileHead() {
    return std::string(kRecordingV2Magic) + static_cast<char>(kRecordingV2Version) + std::string(7, '\0');
  }

 private:
  static void U(std::string* s, uint64_t v) {
    for (; v >= 0x80; v >>= 7) s->push_back(static_cast<char>((v & 0x7f) | 0x80));
    s->push_back(static_cast<char>(v));
  }
  static std::string Le32(uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; i++) s[static_cast<size_t>(i)] = static_cast<char>(v >> (8 * i));
    return s;
  }
  static std::string Head(uint32_t len, uint32_t crc, uint32_t m, uint32_t count, uint64_t first) {
    return Le32(len) + Le32(crc) + Le32(m) + Le32(count) + Le32(static_cast<uint32_t>(first)) +
           Le32(static_cast<uint32_t>(first >> 32));
  }
};

// Writes bytes to TEST_TMPDIR/name; returns the path.
inline std::string Write(const std::string& name, const std::string& bytes) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORDING_V2_TEST_WRITER_H_
