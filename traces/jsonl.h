// Reading the JSON Lines files a run writes (decisions.jsonl, cycles.jsonl)
// and the JSON files beside them: one object per line, read line by line so
// a long log never sits in memory whole. Every error names "path:line:" and,
// for a field, its dotted path ("in.heap_live"), so a hand-edited or
// truncated file is easy to fix.
#ifndef GOGCSIM_TRACES_JSONL_H_
#define GOGCSIM_TRACES_JSONL_H_

#include <cstdint>
#include <fstream>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gogcsim::traces {

// Keeps the fields in file order (the order a reader of a diff expects).
using Json = nlohmann::ordered_json;

// InvalidArgumentError("path:line: msg").
absl::Status LineError(const std::string& path, uint64_t line, absl::string_view msg);

class JsonLinesReader {
 public:
  // NotFoundError naming the path when it cannot be opened.
  absl::Status Open(const std::string& path);
  // The next object: true, false at the end of the file, or an error naming
  // path:line for a line that is not one JSON object. Blank lines are skipped.
  absl::StatusOr<bool> Next(Json* out);
  // Line number (1-based) of the object Next() returned last.
  uint64_t line() const { return line_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream in_;
  std::string text_;
  uint64_t line_ = 0;
};

// Reads a whole JSON file (summary.json, sweep.json); errors name the path.
absl::StatusOr<Json> ReadJsonFile(const std::string& path);

// A float as traces::FloatJson writes it: {"bits": 16 hex digits, "value": ...}.
bool IsFloatJson(const Json& j);
// The double its bits encode; an error message (no location) if malformed.
absl::StatusOr<double> FloatJsonValue(const Json& j);

// The value at a dotted path ("out.next_gc") of obj. The errors say which
// field is missing or has the wrong type but not where (callers add
// path:line with LineError).
absl::StatusOr<const Json*> Field(const Json& obj, const std::string& dotted);
absl::StatusOr<uint64_t> UintField(const Json& obj, const std::string& dotted);
absl::StatusOr<int64_t> IntField(const Json& obj, const std::string& dotted);
// A FloatJson object or a plain JSON number.
absl::StatusOr<double> FloatField(const Json& obj, const std::string& dotted);
absl::StatusOr<std::string> StringField(const Json& obj, const std::string& dotted);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_JSONL_H_
