#include "traces/strict_json.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gogcsim::traces {
namespace {

using Json = nlohmann::ordered_json;

// A JSON pointer token: '~' and '/' escaped (RFC 6901).
std::string PointerToken(std::string_view key) {
  std::string t;
  for (char c : key) {
    if (c == '~') {
      t += "~0";
    } else if (c == '/') {
      t += "~1";
    } else {
      t += c;
    }
  }
  return t;
}

// Finds where a malformed text went wrong: nlohmann's DOM parser throws
// out_of_range (no position) for a number overflow, its SAX interface
// reports the position of every error.
struct PositionSax : nlohmann::json_sax<Json> {
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception& ex) override {
    byte = position;
    token = last_token.size();
    what = ex.what();
    return false;
  }
  size_t byte = 0;   // bytes read when the error was seen
  size_t token = 0;  // the length of the token read last
  std::string what;
};

// nlohmann's what(): "[json.exception.KIND.N] WHAT" and for a parse_error
// "... parse error at line L, column C: WHAT"; keep the last WHAT.
std::string Words(std::string what) {
  if (size_t colon = what.find(": "); colon != std::string::npos && what.starts_with("[json.exception.parse_error")) {
    return what.substr(colon + 2);
  }
  if (size_t close = what.find("] "); close != std::string::npos) return what.substr(close + 2);
  return what;
}

}  // namespace

std::string JsonLineColumn(std::string_view text, size_t byte) {
  const size_t at = std::min(byte == 0 ? 0 : byte - 1, text.size());
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < at; i++) {
    if (text[i] == '\n') {
      line++;
      line_start = i + 1;
    }
  }
  return absl::StrCat(line, ":", at - line_start + 1);
}

bool ParseStrictJson(std::string_view text, Json* out, JsonProblem* problem) {
  // Where the parser is, to name a duplicate key by its JSON pointer.
  struct Frame {
    bool object;
    std::string key;
    size_t index = 0;
    std::set<std::string> keys;
  };
  std::vector<Frame> stack;
  std::string duplicate;  // pointer of the first duplicate key
  auto element_done = [&stack] {
    if (!stack.empty() && !stack.back().object) stack.back().index++;
  };
  Json::parser_callback_t cb = [&](int, Json::parse_event_t ev, Json& parsed) {
    using E = Json::parse_event_t;
    switch (ev) {
      case E::object_start:
        stack.push_back({true, "", 0, {}});
        break;
      case E::array_start:
        stack.push_back({false, "", 0, {}});
        break;
      case E::key:
        stack.back().key = parsed.get<std::string>();
        if (!stack.back().keys.insert(stack.back().key).second && duplicate.empty()) {
          for (const Frame& f : stack) duplicate += f.object ? "/" + PointerToken(f.key) : absl::StrCat("/", f.index);
        }
        break;
      case E::object_end:
      case E::array_end:
        stack.pop_back();
        element_done();
        break;
      case E::value:
        element_done();
        break;
    }
    return true;
  };
  *problem = JsonProblem{};
  try {
    *out = Json::parse(text.begin(), text.end(), cb);
  } catch (const Json::exception& e) {
    PositionSax sax;
    Json::sax_parse(text.begin(), text.end(), &sax);
    problem->kind = JsonProblem::Kind::kMalformed;
    // A number too large: point at its start (a syntax error keeps the
    // byte nlohmann names).
    const bool overflow = dynamic_cast<const Json::out_of_range*>(&e) != nullptr;
    problem->line_column =
        JsonLineColumn(text, overflow && sax.byte > sax.token ? sax.byte - sax.token + 1 : sax.byte);
    problem->what = Words(sax.what.empty() ? e.what() : sax.what);
    return false;
  }
  if (!duplicate.empty()) {
    problem->kind = JsonProblem::Kind::kDuplicateKey;
    problem->pointer = duplicate;
    return false;
  }
  return true;
}

absl::StatusOr<Json> ParseStrictJson(std::string_view text, const std::string& source) {
  Json j;
  JsonProblem problem;
  if (ParseStrictJson(text, &j, &problem)) return j;
  if (problem.kind == JsonProblem::Kind::kDuplicateKey) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", problem.pointer, ": duplicate key"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(source, ":", problem.line_column, ": malformed JSON: ", problem.what));
}

}  // namespace gogcsim::traces
