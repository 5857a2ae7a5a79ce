// Parsing JSON from files the user hands us (scenarios, run directories,
// sweep tables) without ever throwing: nlohmann throws more than
// parse_error (a number beyond a double is out_of_range), and it keeps the
// last of two equal keys, which would hide a hand-edit gone wrong.
#ifndef GOGCSIM_TRACES_STRICT_JSON_H_
#define GOGCSIM_TRACES_STRICT_JSON_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gogcsim::traces {

// What was wrong with a JSON text.
struct JsonProblem {
  enum class Kind { kNone, kMalformed, kDuplicateKey } kind = Kind::kNone;
  std::string line_column;  // kMalformed: "LINE:COLUMN" of the offending byte
  std::string what;         // kMalformed: nlohmann's words, without its prefix
  std::string pointer;      // kDuplicateKey: JSON pointer of the second key ("/a/0/b")
};

// Parses text into *out; false and *problem filled if the text is malformed
// (syntax, a number that overflows a double) or repeats a key in an object.
bool ParseStrictJson(std::string_view text, nlohmann::ordered_json* out, JsonProblem* problem);

// The same, as an InvalidArgument error naming source:
// "SOURCE:LINE:COLUMN: malformed JSON: WHAT" or "SOURCE: POINTER: duplicate key".
absl::StatusOr<nlohmann::ordered_json> ParseStrictJson(std::string_view text, const std::string& source);

// "LINE:COLUMN" (1-based) of the byte at 1-based offset `byte` of text.
std::string JsonLineColumn(std::string_view text, size_t byte);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_STRICT_JSON_H_
