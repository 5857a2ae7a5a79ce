#include "traces/trace_record_source.h"

#include <zlib.h>

#include <charconv>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "traces/gzip_file.h"
#include "traces/recording_v2.h"

namespace gogcsim::traces {

absl::StatusOr<std::unique_ptr<TraceRecordSource>> TraceRecordSource::Open(const std::string& path,
                                                                         RecordText text) {
  absl::StatusOr<std::unique_ptr<TraceReader>> r = TraceReader::Open(path);
  if (!r.ok()) return r.status();
  if ((*r)->header().source() != kReferenceSource) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": the trace was imported from \"",
                                                      (*r)->header().source(),
                                                      "\", not from a reference recording, so it has no "
                                                      "reference records to replay"));
  }
  return std::unique_ptr<TraceRecordSource>(new TraceRecordSource(std::move(*r), text));
}

absl::StatusOr<bool> TraceRecordSource::Next(RefRecord* rec) {
  for (;;) {
    absl::StatusOr<bool> more = reader_->Next(&ev_);
    if (!more.ok()) return more.status();
    if (!*more) return false;
    if (ev_.kind == EventKind::kAlloc) {
      const v1::TypeInfo& t = reader_->header().types(static_cast<int>(ev_.type));
      rec->tag = RefTag::kA;
      rec->n = 7;
      rec->bar = -1;
      rec->v[0] = ev_.p;
      rec->v[1] = static_cast<int64_t>(ev_.g);
      rec->v[2] = static_cast<int64_t>(ev_.size);
      rec->v[3] = static_cast<int64_t>(t.size());
      rec->v[4] = static_cast<int64_t>(t.ptrdata());
      rec->v[5] = static_cast<int64_t>(t.flags() & kRefAllocFlags);
      rec->v[6] = ev_.time;
      break;
    }
    if (IsRefKind(ev_.kind)) {
      const RefTag tag = RefTagOf(ev_.kind);
      const RefSchema& s = RefSchemaOf(tag);
      rec->tag = tag;
      rec->n = ev_.nargs;
      rec->bar = s.has_bar ? s.inputs : -1;
      std::memcpy(rec->v, ev_.args, sizeof(int64_t) * static_cast<size_t>(ev_.nargs));
      break;
    }
    // GO_START, DEATH, ...: what the importer added, not a record.
  }
  rec->line = ++line_;
  rec->text = text_kind_ == RecordText::kLine ? std::string_view(text_, FormatRefLine(*rec, text_)) : std::string_view();
  return true;
}

absl::StatusOr<std::unique_ptr<RecordSource>> OpenRecordSource(const std::string& path, RecordText text) {
  absl::StatusOr<gzFile> gz = OpenGzipForReading(path);
  if (!gz.ok()) return gz.status();
  char magic[kTraceMagic.size()];
  const int got = gzread(*gz, magic, static_cast<unsigned>(sizeof magic));
  gzclose_r(*gz);
  if (got == static_cast<int>(sizeof magic) && std::memcmp(magic, kTraceMagic.data(), sizeof magic) == 0) {
    auto t = TraceRecordSource::Open(path, text);
    if (!t.ok()) return t.status();
    return std::unique_ptr<RecordSource>(std::move(*t));
  }
  return OpenRecording(path, text);
}

absl::StatusOr<std::unique_ptr<RecordSource>> OpenRecording(const std::string& path, RecordText text) {
  if (IsRecordingV2(path)) {
    auto v2 = V2RecordSource::Open(path, text == RecordText::kLine);
    if (!v2.ok()) return v2.status();
    return std::unique_ptr<RecordSource>(std::move(*v2));
  }
  auto r = ReferenceReader::Open(path);
  if (!r.ok()) return r.status();
  return std::unique_ptr<RecordSource>(std::move(*r));
}

}  // namespace gogcsim::traces
