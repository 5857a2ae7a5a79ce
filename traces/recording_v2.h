// Reader of gogcsim's own recordings (format v2, traces/recording_v2.md),
// written by the instrumented go1.10.2 runtime that `gogcsim record` builds
// (tools/recorder/).
//
// Each M of the recorded program writes its records into a buffer of its
// own and appends it to the file as a checksummed chunk when full, so the
// file holds every M's records in order but the Ms' chunks interleave.
// Records of shared-state operations are global: they have dense global
// sequence numbers, in the order the operations took effect. The others are
// local (an allocation, a sweep's frees): only their M orders them. The
// reader merges the Ms' streams with a heap over each M's next global
// record, and puts an M's local records just before its next global one
// (those after an M's last global record come at the end, M by M): a valid
// order, since local records touch nothing another P sees.
// Anything that breaks the format (bad magic or version, a chunk whose
// checksum, length or record count is wrong, a varint that runs past its
// chunk, an unknown tag, a sequence number that repeats or never comes, a
// missing end chunk) is an InvalidArgument or DataLoss error naming the file
// and the byte offset of the chunk at fault.
#ifndef GOGCSIM_TRACES_RECORDING_V2_H_
#define GOGCSIM_TRACES_RECORDING_V2_H_

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/ring_queue.h"
#include "traces/record_source.h"
#include "traces/reference_reader.h"

namespace gogcsim::traces {

// The file's first 8 bytes; a version byte follows.
inline constexpr std::string_view kRecordingV2Magic = "GOGCSIMR";
// Version 4 added RT; a reader takes version 3 too (a file without RT).
inline constexpr int kRecordingV2Version = 4;
inline constexpr int kOldestRecordingV2Version = 3;

// Tags 1..24 are format v1's (RefTag + 1); 32.. are v2's own.
inline constexpr int kV2FirstOwnTag = 32;
// Written by the recorder but never returned: AZ comes out as its A and Z,
// FB as one F per object.
inline constexpr int kV2TagAZ = 46;
inline constexpr int kV2TagFB = 47;
// MB: a sweep's marked free slots, in FB's form; read as one MO per slot.
inline constexpr int kV2TagMB = 30;
inline constexpr int kV2TagMO = 64;  // above the 6 bits of a written tag
// What they come out as: A and Z (of an AZ or AN), F (of an FB).
inline constexpr int kV2TagA = 2, kV2TagZ = 3, kV2TagF = 10;
// FB and MB: base elemsize nwords, then nwords words of bits.
inline constexpr bool IsV2BitsTag(int tag) { return tag == kV2TagFB || tag == kV2TagMB; }
// The record one set bit of an FB or MB comes out as.
inline constexpr int V2BitsRecordTag(int tag) { return tag == kV2TagFB ? kV2TagF : kV2TagMO; }
// AN, tags 52..55: an AZ with the size, typsize, ptrdata and flags of its
// chunk's shape slot tag - 52 (each AZ takes the next slot, in turn): t,
// and its address minus the slot's last one.
inline constexpr int kV2TagAN = 52;
inline constexpr int kV2Shapes = 4;
// A goroutine begins running on its P (t) / stops (reason t).
inline constexpr int kV2TagGB = 39, kV2TagGE = 40;
// An M's cost window ends (traces/recorder_clock.h): t, its records and
// words, whether it wrote them twice, the machine's CPUs.
inline constexpr int kV2TagRT = 67;

struct V2Schema {
  const char* name = nullptr;  // nullptr: no such tag
  int fields = 0;
  uint32_t time_mask = 0;  // bit k: field k is a time, stored as a delta
};
// The schema of tag t (0 <= t < 128); name is nullptr for unknown tags.
const V2Schema& V2SchemaOf(int tag);
// The tag named `name`, or -1.
int V2TagOf(std::string_view name);

// Aligned, with the header first in 48 bytes, so that a record of up to
// two fields is one cache line and one of up to ten two: the readers and
// the replay copy records from slot to slot (Assign), and most have few
// fields.
struct alignas(64) V2Record {
  uint64_t index = 0;   // position in the merged order
  uint64_t seq = 0;     // global sequence number; for a local record, its M's next global one
  uint64_t offset = 0;  // byte offset of the record's chunk in the file
  int64_t g = 0;        // its goroutine (0: the M's system goroutine)
  uint32_t m = 0;       // the M (thread) that wrote it
  int32_t p = -1;       // its P, -1 for none
  uint8_t tag = 0;
  bool global = false;  // has a global sequence number (shared state)
  int n = 0;            // fields
  int64_t v[16] = {};   // fields; times are absolute
};
static_assert(offsetof(V2Record, v) == 48);

// The file's records r stands for: an AZ kept whole (KeepAZ) its A and
// Z, a word of bits (KeepBits) an F or MO per set bit, any other one.
inline uint64_t V2RecordsIn(const V2Record& r) {
  if (r.tag == kV2TagAZ) return 2;
  if (IsV2BitsTag(r.tag)) return static_cast<uint64_t>(std::popcount(static_cast<uint64_t>(r.v[2])));
  return 1;
}
// The address of a word of bits' lowest slot set (its word nonzero), and
// the word without it.
inline int64_t V2LowestSlot(const V2Record& word) {
  return word.v[0] + std::countr_zero(static_cast<uint64_t>(word.v[2])) * word.v[1];
}
inline void V2ClearLowestSlot(V2Record& word) {
  const uint64_t u = static_cast<uint64_t>(word.v[2]);
  word.v[2] = static_cast<int64_t>(u & (u - 1));
}

// Copies src into dst: its header and fields v[0, src.n), and zeroes dst's
// fields from there to dst.n. A record's fields past its n are zero (as a
// new V2Record's are) as long as it is only ever written by Assign: the
// reader copies each record several times, and most use few of the 16.
inline void Assign(V2Record& dst, const V2Record& src) {
  const int old_n = dst.n;
  dst.index = src.index;
  dst.global = src.global;
  dst.seq = src.seq;
  dst.m = src.m;
  dst.p = src.p;
  dst.g = src.g;
  dst.tag = src.tag;
  dst.n = src.n;
  dst.offset = src.offset;
  for (int k = 0; k < src.n; k++) dst.v[k] = src.v[k];
  for (int k = src.n; k < old_n; k++) dst.v[k] = 0;
}

class RecordingV2Reader {
 public:
  // NotFound for a missing file; InvalidArgument when it is not a v2
  // recording (magic, version).
  static absl::StatusOr<std::unique_ptr<RecordingV2Reader>> Open(const std::string& path);
  ~RecordingV2Reader();
  RecordingV2Reader(const RecordingV2Reader&) = delete;
  RecordingV2Reader& operator=(const RecordingV2Reader&) = delete;

  // The next record in sequence order: true, false after the last one, or an
  // error naming the file and offset. Errors are sticky. *rec is written
  // by Assign: its fields past rec->n stay zero if they were.
  absl::StatusOr<bool> Next(V2Record* rec);
  // The same without the copy: the next record, valid until the next call;
  // nullptr after the last one.
  absl::StatusOr<const V2Record*> NextRecord();

  // From now on returns only records of these tags (as Next returns them:
  // the A and Z of an AZ, the F of an FB), and checks less of the others:
  // for a second reader of a file that a first reads in full. Their index
  // then counts the records returned.
  // Without `times`, no time is decoded: those of the records returned
  // are 0 (the scout of a replay reads only addresses).
  void KeepOnly(std::initializer_list<int> tags, bool times = true);
  // From now on returns an AZ (and an AN) as one record, tag kV2TagAZ with
  // an AZ's six fields, not as its A and Z: an allocation its M recorded
  // nothing inside. Its index is its A's; its Z's is one more.
  void KeepAZ() { whole_az_ = true; }
  // From now on returns an FB (MB) as one record per nonzero word of its
  // bitmap, tag kV2TagFB (kV2TagMB) with three fields: the address of the
  // word's first slot, the element size, and the word (bit k: the slot at
  // the address plus k element sizes). Not as one F (MO) per set bit. Its
  // index is its first F's; they count one each.
  void KeepBits() { whole_bits_ = true; }
  // Two readers of the same file (a replay's two lanes) check each chunk's
  // CRC once between them: each skips the chunks the other has checked.
  // Either may run ahead; they may be on different threads.
  static void ShareChecks(RecordingV2Reader& a, RecordingV2Reader& b) { b.checked_ = a.checked_; }

  const std::string& path() const { return path_; }
  uint64_t records() const { return index_; }  // returned so far
  uint64_t bytes() const { return offset_; }   // read so far
  uint64_t chunks() const { return chunks_; }
  // Records decoded so far, as written (an AZ or FB once; kept or not).
  uint64_t decoded() const { return decoded_; }
  // The Ms seen so far.
  size_t threads() const { return streams_.size(); }

 private:
  // One M's records: its current chunk, being decoded, and those read ahead.
  struct Stream {
    uint32_t m = 0;
    std::string_view chunk;  // in the file's mapping
    size_t pos = 0;
    uint32_t left = 0;  // records left in `chunk`
    uint64_t offset = 0;
    bool seen_global = false;
    uint64_t seq = 0;  // of the last global record decoded
    int32_t p = -1;
    int64_t g = 0;
    int64_t last_t = 0;
    // The chunk's shape slots: size typsize ptrdata flags, the last
    // address; and the slot of the next AZ.
    bool has_shape[kV2Shapes] = {};
    int64_t shape[kV2Shapes][4] = {};
    uint64_t shape_addr[kV2Shapes] = {};
    int slot = 0;
    bool chunk_first = true;
    sim::RingQueue<V2Record> pre;  // local records before `head`
    bool has_head = false;
    V2Record head;  // the next global record, decoded
    struct Pending {
      std::string_view data;
      uint32_t count;
      uint64_t first;
      uint64_t offset;
    };
    std::deque<Pending> ahead;
  };
  struct HeapEntry {
    uint64_t seq;
    size_t stream;
    bool operator>(const HeapEntry& o) const { return seq > o.seq; }
  };

  RecordingV2Reader(std::string path, const char* map, size_t size) : path_(std::move(path)), map_(map), size_(size) {}
  absl::Status Fail(absl::Status st);
  absl::Status Error(uint64_t offset, const std::string& what);
  // Reads one chunk into its M's stream; false at the end of the file.
  absl::StatusOr<bool> ReadChunk();
  // Decodes stream s up to its next head record, starting its next pending
  // chunk if need be, and puts that head in the heap unless `push` is false.
  absl::Status Advance(size_t s, bool push = true);
  // Gives back the mapped pages no stream needs again.
  void ReleaseDone();
  // Decodes one record of s's chunk into s.pre or s.head.
  absl::Status DecodeOne(Stream& s);
  // r's header: the stream's M, P, goroutine, last number and chunk.
  static void SetHeader(V2Record& r, const Stream& s, bool global, int tag, int n);
  // An AZ's six fields (v) fill the chunk's next shape slot; an AN's two
  // (time, address delta) become the AZ's six from its slot, which holds
  // a shape.
  static void ShapeAZ(Stream& s, int tag, int64_t* v);
  // DecodeOne's fast path: the fields at p of an AZ or AN (tag) into a
  // whole AZ in s.pre, advancing p; false, with nothing changed, for one
  // that is not well-formed.
  bool DecodeAZ(Stream& s, int tag, const unsigned char*& p, const unsigned char* end);

  std::string path_;
  const char* map_;  // the whole file, mapped read-only
  size_t size_;
  uint64_t released_ = 0;  // bytes of the mapping given back (ReleaseDone)
  static constexpr uint64_t kReleaseStep = 1 << 20;
  uint64_t offset_ = 0;
  uint64_t chunks_ = 0;
  uint64_t next_seq_ = 0;  // of the next global record
  uint64_t index_ = 0;
  bool end_seen_ = false;
  bool tails_done_ = false;
  uint64_t total_globals_ = 0, total_records_ = 0;
  uint64_t chunk_records_ = 0;  // records as written (AZ and FB count once), in the chunks read
  uint64_t decoded_ = 0;        // of those, the ones decoded so far
  static constexpr size_t kNoStream = ~size_t{0};
  size_t drain_ = kNoStream;    // the stream whose records are being returned
  size_t advance_ = kNoStream;  // the stream whose head was returned last
  size_t tail_next_ = 0;        // at the end: the next M id whose tail to return
  V2Record scratch_;            // the local record being decoded
  bool filtered_ = false;       // KeepOnly was called
  bool times_ = true;           // and asked for times
  bool whole_az_ = false;       // KeepAZ was called
  bool whole_bits_ = false;     // KeepBits was called
  bool keep_[128] = {};         // by tag, when filtered_
  std::vector<Stream> streams_;
  std::vector<size_t> stream_of_m_;  // index + 1, 0 for none
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<>> heap_;
  absl::Status error_;
  // The end of the chunks checked so far, by this reader or one it shares
  // checks with (ShareChecks): both read the chunks in file order.
  std::shared_ptr<std::atomic<uint64_t>> checked_ = std::make_shared<std::atomic<uint64_t>>(0);
};

// Whether the file starts with kRecordingV2Magic (gzip or plain: no; v2
// recordings are written plain), or is a recorder spool (which Open
// rejects, saying how to make a recording of it).
bool IsRecordingV2(const std::string& path);

// A v2 recording seen as format v1's records (RecordSource), for the replay
// and the importer: v1's tags only, in sequence order, with A's P and G
// taken from the record's header; line numbers count the records returned.
class V2RecordSource final : public RecordSource {
 public:
  static absl::StatusOr<std::unique_ptr<V2RecordSource>> Open(const std::string& path, bool with_text);
  absl::StatusOr<bool> Next(RefRecord* rec) override;
  const std::string& path() const override { return reader_->path(); }
  uint64_t lines() const override { return line_; }
  // Called with each GB, GE and RT record (v2's own, which Next skips) as
  // Next passes it, so in file order among the records Next returns.
  void set_on_timing(std::function<void(const V2Record&)> f) { on_timing_ = std::move(f); }
  // The v2 record the last Next converted (its P and goroutine, which a
  // v1 Z does not have).
  const V2Record& last() const { return v2_; }

 private:
  V2RecordSource(std::unique_ptr<RecordingV2Reader> r, bool with_text) : reader_(std::move(r)), with_text_(with_text) {}
  std::unique_ptr<RecordingV2Reader> reader_;
  bool with_text_;
  std::function<void(const V2Record&)> on_timing_;
  V2Record v2_;
  uint64_t line_ = 0;
  char text_[kMaxRefFields * 21 + 16];
};

// Converts a v2 record with a v1 tag into *out (line and text left alone);
// false for v2's own tags.
bool ToRefRecord(const V2Record& r, RefRecord* out);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_RECORDING_V2_H_
