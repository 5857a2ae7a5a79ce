#include "traces/reference_import.h"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/malloc.h"
#include "model/sizeclasses.h"
#include "sim/check.h"
#include "traces/record_checker.h"
#include "traces/recorder_clock.h"
#include "traces/recording_v2.h"
#include "traces/reference_reader.h"
#include "traces/trace_record_source.h"
#include "traces/trace_writer.h"
#include "traces/utf8.h"

namespace gogcsim::traces {
namespace {

constexpr uint64_t kNone = ~uint64_t{0};

// What a request or a Z's span is: a span class (>= 0), or one of these.
constexpr int kZeroClass = -2;    // size 0: zerobase, outside the heap
constexpr int kLargeClass = -1;   // a large object, alone in its span
constexpr int kManualClass = -3;  // a manual span (stacks, GC work buffers)

struct Request {  // an A record
  uint64_t pos;   // record index, from 0 (line - 1)
  int32_t p;      // P, with -1 (the bootstrap mcache, later P 0's) as 0
  int16_t cls;
  bool tiny;      // combined into a 16-byte tiny block
  uint32_t type;
  uint64_t g;
};

struct ZRecord {
  uint64_t pos;
  uint64_t addr;
  uint32_t unit;  // the span (or large object, or zero-size request) it lies in
  int16_t cls;
  uint64_t g = kNone;  // its goroutine, in a v2 recording (v1's Z does not say)
};

struct FRecord {
  uint64_t pos;
  uint64_t addr;
};

struct Span {
  uint64_t end;
  int16_t cls;
  uint32_t unit;
};

// Pass 1's findings.
struct Recording {
  std::string path;
  uint64_t records = 0;
  std::vector<Request> requests;  // by alloc ordinal
  std::vector<ZRecord> zs;
  std::vector<FRecord> fs;
  std::vector<uint64_t> gs_pos;
  std::vector<int16_t> unit_cls;
  v1::Header header;
  // A v2 recording's RT records, and its first allocation's time.
  std::vector<RecorderWindow> rt;
  int64_t first_time = 0;
};

absl::Status LineError(const std::string& path, uint64_t pos, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", pos + 1, ": ", what));
}

// Adds a span, dropping the spans it overlaps (their memory was freed and
// handed out again).
void InsertSpan(std::map<uint64_t, Span>* spans, uint64_t base, const Span& s) {
  auto it = spans->lower_bound(base);
  if (it != spans->begin()) {
    auto prev = std::prev(it);
    if (prev->second.end > base) spans->erase(prev);
  }
  while (it != spans->end() && it->first < s.end) it = spans->erase(it);
  spans->emplace(base, s);
}

absl::Status ReadPass1(const std::string& path, uint64_t max_records, Recording* r) {
  absl::StatusOr<std::unique_ptr<RecordSource>> opened = OpenRecording(path, RecordText::kIfFree);
  if (!opened.ok()) return opened.status();
  auto* v2 = dynamic_cast<V2RecordSource*>(opened->get());
  if (v2 != nullptr) {
    v2->set_on_timing([r](const V2Record& x) {
      if (x.tag == kV2TagRT) r->rt.push_back(RecorderWindowOf(x));
    });
  }
  // Records out of range stop the import, as they stop a replay.
  std::unique_ptr<RecordSource> rd = CheckRecords(*std::move(opened));
  r->path = path;
  std::map<uint64_t, Span> spans;
  absl::flat_hash_map<std::tuple<uint64_t, uint64_t, uint32_t>, uint32_t> types;
  RefRecord rec;
  uint64_t pos = 0;
  bool saw_header = false;
  auto new_unit = [r](int cls) {
    r->unit_cls.push_back(static_cast<int16_t>(cls));
    return static_cast<uint32_t>(r->unit_cls.size() - 1);
  };
  for (; max_records == 0 || pos < max_records; pos++) {
    absl::StatusOr<bool> more = rd->Next(&rec);
    if (!more.ok()) return more.status();
    if (!*more) break;
    switch (rec.tag) {
      case RefTag::kH:
        saw_header = true;
        r->header.set_gomaxprocs(static_cast<int32_t>(rec.v[0]));
        r->header.set_gogc(rec.v[1]);
        r->header.set_heapminimum(rec.U64(2));
        break;
      case RefTag::kA: {
        const int64_t p = rec.v[0];
        const uint64_t size = rec.U64(2);
        const int64_t flags = rec.v[5];
        if (p < -1 || p > 1 << 20) return LineError(path, pos, absl::StrCat("A: implausible P ", p));
        if (flags < 0 || (flags & ~int64_t{kRefAllocFlags}) != 0) {
          return LineError(path, pos, absl::StrCat("A: flags ", flags, " has bits other than noscan, nil type, needzero"));
        }
        const bool noscan = (flags & kTypeNoscan) != 0;
        if (r->requests.empty()) r->first_time = rec.v[6];
        const auto key = std::make_tuple(rec.U64(3), rec.U64(4), static_cast<uint32_t>(flags));
        auto [it, added] = types.try_emplace(key, static_cast<uint32_t>(r->header.types_size()));
        if (added) {
          v1::TypeInfo* t = r->header.add_types();
          t->set_size(std::get<0>(key));
          t->set_ptrdata(std::get<1>(key));
          t->set_flags(std::get<2>(key));
        }
        Request q;
        q.pos = pos;
        q.p = static_cast<int32_t>(std::max<int64_t>(p, 0));
        q.tiny = noscan && size > 0 && size < model::kMaxTinySize;
        q.type = it->second;
        q.g = rec.U64(1);
        if (size == 0) {
          q.cls = kZeroClass;
        } else if (size > model::kMaxSmallSize) {
          q.cls = kLargeClass;
        } else {
          model::AllocRequest req;
          req.size = size;
          req.noscan = noscan;
          q.cls = model::SmallSpanClass(req);
        }
        r->requests.push_back(q);
        break;
      }
      case RefTag::kZ: {
        ZRecord z;
        z.pos = pos;
        z.addr = rec.U64(0);
        if (v2 != nullptr) z.g = static_cast<uint64_t>(v2->last().g);
        auto it = spans.upper_bound(z.addr);
        if (it == spans.begin() || z.addr >= std::prev(it)->second.end) {
          z.cls = kZeroClass;  // zerobase lies in the program's data, not the heap
          z.unit = new_unit(kZeroClass);
        } else {
          --it;
          z.cls = it->second.cls;
          z.unit = it->second.unit;
          if (z.cls == kManualClass) {
            return LineError(path, pos, absl::StrCat("Z ", z.addr, " lies in a manual span (MA at ", it->first, ")"));
          }
          if (z.cls == kLargeClass && z.addr != it->first) {
            return LineError(path, pos,
                             absl::StrCat("Z ", z.addr, " lies inside the large span at ", it->first, ", not at its base"));
          }
        }
        r->zs.push_back(z);
        break;
      }
      case RefTag::kCS: {
        const int64_t sc = rec.v[0];
        if (sc < 2 || sc >= model::kNumSpanClasses) return LineError(path, pos, absl::StrCat("CS: bad span class ", sc));
        const uint64_t bytes = uint64_t{model::kClassToAllocNPages[sc >> 1]} * model::kPageSize;
        InsertSpan(&spans, rec.U64(1), Span{rec.U64(1) + bytes, static_cast<int16_t>(sc), new_unit(static_cast<int>(sc))});
        break;
      }
      case RefTag::kL:
        InsertSpan(&spans, rec.U64(1), Span{rec.U64(1) + rec.U64(0) * model::kPageSize, kLargeClass, new_unit(kLargeClass)});
        break;
      case RefTag::kMA:
        InsertSpan(&spans, rec.U64(0), Span{rec.U64(0) + rec.U64(1) * model::kPageSize, kManualClass, 0});
        break;
      case RefTag::kF:
        r->fs.push_back(FRecord{pos, rec.U64(0)});
        break;
      case RefTag::kGS:
        r->gs_pos.push_back(pos);
        break;
      default:
        break;
    }
  }
  r->records = pos;
  // As replay does: without the header there is no GOMAXPROCS or GOGC.
  if (pos == 0) return absl::InvalidArgumentError(absl::StrCat(path, ": empty recording (no records)"));
  if (!saw_header) return absl::InvalidArgumentError(absl::StrCat(path, ": no H record"));
  return absl::OkStatus();
}

// Pairs each Z with the request (A) it answers: an unanswered request of
// some goroutine whose size class is that of the span the Z lies in. With one
// P there is (in the reference recordings) only ever one. With several, the
// recorder interleaves the Ps' records, a goroutine's next A may come before
// the Z of its previous one, and two goroutines may wait for the same class
// at once. Then: a goroutine's oldest matching request (its Zs come in
// order), and among goroutines the one on the P that took the span's
// previous slot (a span is cached by one P at a time), else the latest. A
// v2 recording's Z names its goroutine: its oldest matching request.
void Pair(const Recording& r, std::vector<uint64_t>* z_alloc, ReferenceImportStats* stats) {
  absl::flat_hash_map<uint64_t, std::vector<uint64_t>> pending;  // by goroutine, oldest first; looked up only
  std::vector<uint64_t> busy;  // goroutines with pending requests
  std::vector<int32_t> owner(r.unit_cls.size(), -1);  // P of each span's latest slot
  size_t next = 0;
  for (size_t i = 0; i < r.zs.size(); i++) {
    const ZRecord& z = r.zs[i];
    for (; next < r.requests.size() && r.requests[next].pos < z.pos; next++) {
      std::vector<uint64_t>& reqs = pending[r.requests[next].g];
      if (reqs.empty()) busy.push_back(r.requests[next].g);
      reqs.push_back(next);
    }
    // A goroutine's oldest request of the Z's class (its Zs come in order).
    auto oldest = [&](const std::vector<uint64_t>& reqs) {
      for (uint64_t q : reqs) {
        if (r.requests[q].cls == z.cls) return q;
      }
      return kNone;
    };
    uint64_t best = kNone, best_g = 0;
    bool best_owner = false, ambiguous = false;
    // A v2 Z names its goroutine.
    if (auto it = z.g != kNone ? pending.find(z.g) : pending.end(); it != pending.end()) {
      best = oldest(it->second);
      best_g = z.g;
    }
    // Else, or if it has none of this class: the rule above.
    if (best == kNone) {
      for (uint64_t g : busy) {
        const uint64_t o = oldest(pending[g]);
        if (o == kNone) continue;
        const bool is_owner = r.requests[o].p == owner[z.unit];
        if (best != kNone) ambiguous = true;  // two goroutines wait for this class
        if (best == kNone || (is_owner && !best_owner) || (is_owner == best_owner && o > best)) {
          best = o;
          best_g = g;
          best_owner = is_owner;
        }
      }
    }
    if (best == kNone) {
      stats->unpaired++;
      continue;
    }
    if (ambiguous) {
      stats->ambiguous++;
      if (best_owner) stats->owner_decided++;
    }
    (*z_alloc)[i] = best;
    owner[z.unit] = r.requests[best].p;
    std::vector<uint64_t>& reqs = pending[best_g];
    reqs.erase(std::find(reqs.begin(), reqs.end(), best));
    if (reqs.empty()) busy.erase(std::find(busy.begin(), busy.end(), best_g));
  }
  for (uint64_t g : busy) stats->unanswered += pending[g].size();
  stats->unanswered += r.requests.size() - next;
}

// Objects paired with a request made after their cycle's GS record (a wrong
// guess with several Ps) are left out and counted in *dropped.
absl::StatusOr<std::vector<std::vector<uint64_t>>> Deaths(const Recording& r, const std::vector<uint64_t>& z_alloc,
                                                          uint64_t* dropped) {
  std::vector<std::vector<uint64_t>> deaths(r.gs_pos.size() + 1);
  // The live objects by address (a tiny block's by its base): the latest
  // object's id; older objects of the same tiny block chain through `older`.
  // kNone marks a Z no request was paired with.
  absl::flat_hash_map<uint64_t, uint64_t> live;
  std::vector<uint64_t> older(r.requests.size(), kNone);
  size_t zi = 0, cycle = 0;
  // Registers the Zs before record `pos`.
  auto zs_before = [&](uint64_t pos) -> absl::Status {
    for (; zi < r.zs.size() && r.zs[zi].pos < pos; zi++) {
      const ZRecord& z = r.zs[zi];
      if (z.cls == kZeroClass) continue;
      const uint64_t o = z_alloc[zi];
      const bool tiny = o != kNone && r.requests[o].tiny;
      const uint64_t key = tiny ? z.addr & ~(model::kMaxTinySize - 1) : z.addr;
      auto [it, added] = live.try_emplace(key, o);
      if (added) continue;
      if (it->second == kNone) {  // only an unpaired Z was there: nothing to keep
        it->second = o;
      } else if (tiny) {
        older[o] = it->second;
        it->second = o;
      } else if (o != kNone) {
        return LineError(r.path, z.pos,
                         absl::StrCat("Z ", z.addr, ", but the object allocated there on line ",
                                      r.requests[it->second].pos + 1, " was never freed (no F)"));
      }
    }
    return absl::OkStatus();
  };
  for (const FRecord& f : r.fs) {
    if (absl::Status st = zs_before(f.pos); !st.ok()) return st;
    while (cycle < r.gs_pos.size() && r.gs_pos[cycle] < f.pos) cycle++;
    if (cycle == 0) return LineError(r.path, f.pos, "F before the first GC cycle's GS record");
    auto it = live.find(f.addr);
    if (it == live.end()) {
      return LineError(r.path, f.pos, absl::StrCat("F ", f.addr, " frees no object allocated there (no Z)"));
    }
    for (uint64_t o = it->second; o != kNone; o = older[o]) {
      if (r.requests[o].pos < r.gs_pos[cycle - 1]) {
        deaths[cycle].push_back(o);
      } else {
        (*dropped)++;
      }
    }
    live.erase(it);
  }
  if (absl::Status st = zs_before(kNone); !st.ok()) return st;  // the rest, for the same checks
  for (std::vector<uint64_t>& d : deaths) std::sort(d.begin(), d.end());
  return deaths;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

absl::StatusOr<ReferenceImportStats> ImportReference(const std::string& in, const std::string& out,
                                                     const ReferenceImportOptions& options) {
  Recording r;
  if (absl::Status st = ReadPass1(in, options.max_records, &r); !st.ok()) return st;
  ReferenceImportStats stats;
  std::vector<uint64_t> z_alloc(r.zs.size(), kNone);
  Pair(r, &z_alloc, &stats);
  absl::StatusOr<std::vector<std::vector<uint64_t>>> deaths = Deaths(r, z_alloc, &stats.deaths_dropped);
  if (!deaths.ok()) return deaths.status();

  stats.types = static_cast<uint64_t>(r.header.types_size());
  v1::Header header = std::move(r.header);
  header.set_source(kReferenceSource);
  header.set_source_file(ValidUtf8(BaseName(in)));
  header.set_go_version("go1.10.2");  // the instrumented runtime of every reference recording
  header.set_clock_unit_ns(1);        // nanotime()
  const RecorderClock clock = RecorderClock::FromWindows(r.rt, r.first_time);
  if (!clock.empty()) {
    clock.ToKnots(header.mutable_recorder_clock());
    header.add_notes(absl::StrFormat(
        "the recorder's own time is in recorder_clock: %.1f ms of the recorded clock, at %.2f ns per word "
        "written (the median of %d window pairs); a what-if run takes it out of the times",
        clock.total_ns() / 1e6, clock.ns_per_word(), clock.pairs()));
  }
  if (stats.ambiguous > stats.owner_decided) {
    header.add_notes(absl::StrCat(
        "the recording does not say which request a Z answers; for ", stats.ambiguous - stats.owner_decided,
        " Zs two goroutines waited for the same size class and the span's owner did not decide, so such "
        "objects' identities (and deaths) may be swapped"));
  }
  if (stats.deaths_dropped > 0) {
    header.add_notes(absl::StrCat(stats.deaths_dropped, " objects freed in a cycle were paired with requests made "
                                  "after that cycle began; their deaths were dropped"));
  }
  if (stats.unpaired > 0) {
    header.add_notes(absl::StrCat(stats.unpaired, " Zs matched no waiting request; their objects have no DEATH"));
  }
  header.add_notes("objects live at the end of the recording, or in spans it did not sweep before it ended, have no DEATH");
  TraceWriterOptions wopts;
  wopts.gzip = options.gzip;
  wopts.chunk_events = options.chunk_events;
  absl::StatusOr<std::unique_ptr<TraceWriter>> w = TraceWriter::Create(out, std::move(header), wopts);
  if (!w.ok()) return w.status();
  TraceWriter& tw = **w;

  // Pass 2: the records again, with GO_START and DEATH events added.
  absl::StatusOr<std::unique_ptr<RecordSource>> opened = OpenRecording(in, RecordText::kIfFree);
  if (!opened.ok()) return opened.status();
  // A v2 recording says when each goroutine ran: GO_RUN and GO_STOP, so
  // that a what-if run blocks a goroutine where it blocked.
  if (auto* v2 = dynamic_cast<V2RecordSource*>(opened->get()); v2 != nullptr) {
    v2->set_on_timing([&tw, &stats](const V2Record& r) {
      if (r.tag == kV2TagRT) return;  // pass 1 has them
      const uint64_t g = static_cast<uint64_t>(r.g);
      if (r.tag == kV2TagGB) {
        tw.GoRun(r.p, g, r.v[0]);
      } else {
        tw.GoStop(r.p, g, r.v[1], r.v[0]);
      }
      stats.schedule_events++;
    });
  }
  // Records out of range stop the import, as they stop a replay.
  std::unique_ptr<RecordSource> rd = CheckRecords(*std::move(opened));
  std::vector<uint64_t> alloc_event(r.requests.size(), kNone);
  std::vector<uint64_t> gs_event;
  absl::flat_hash_set<uint64_t> goroutines;
  RefRecord rec;
  uint64_t ordinal = 0;
  for (uint64_t pos = 0; pos < r.records; pos++) {
    absl::StatusOr<bool> more = rd->Next(&rec);
    if (!more.ok()) return more.status();
    if (!*more) return LineError(in, pos, "the recording changed between the importer's two reads");
    if (rec.tag == RefTag::kA) {
      const uint64_t g = rec.U64(1);
      const auto p = static_cast<int32_t>(rec.v[0]);
      if (goroutines.insert(g).second) tw.GoStart(p, g, rec.v[6]);
      alloc_event[ordinal] = tw.events();
      tw.Alloc(p, g, rec.U64(2), r.requests[ordinal].type, rec.v[6]);
      ordinal++;
      continue;
    }
    if (rec.tag == RefTag::kGS) {
      const size_t cycle = gs_event.size() + 1;
      for (uint64_t o : (*deaths)[cycle]) {
        GOGCSIM_CHECK(alloc_event[o] != kNone);  // Deaths() kept only requests before this GS
        const uint64_t since = cycle >= 2 ? std::max(alloc_event[o], gs_event[cycle - 2]) : alloc_event[o];
        tw.Death(o, since);
        stats.deaths++;
      }
      gs_event.push_back(tw.events());
    }
    tw.Ref(rec.tag, rec.v);
  }
  stats.records = r.records;
  stats.events = tw.events();
  stats.allocations = tw.allocations();
  stats.goroutines = goroutines.size();
  stats.cycles = gs_event.size();
  if (absl::Status st = tw.Finish(); !st.ok()) return st;
  return stats;
}

}  // namespace gogcsim::traces
