#include "traces/jsonl.h"

#include <bit>
#include <charconv>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "traces/read_file.h"
#include "traces/strict_json.h"

namespace gogcsim::traces {

absl::Status LineError(const std::string& path, uint64_t line, absl::string_view msg) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", msg));
}

absl::Status JsonLinesReader::Open(const std::string& path) {
  path_ = path;
  line_ = 0;
  in_.close();
  in_.clear();
  in_.open(path, std::ios::binary);
  if (!in_) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  return absl::OkStatus();
}

absl::StatusOr<bool> JsonLinesReader::Next(Json* out) {
  for (;;) {
    // A line of at most kMaxLineBytes: /dev/zero has no newline.
    text_.resize(kMaxLineBytes + 1);
    in_.getline(text_.data(), static_cast<std::streamsize>(text_.size()));
    const size_t n = static_cast<size_t>(in_.gcount());
    if (in_.fail() && !in_.eof() && !in_.bad()) {
      return LineError(path_, line_ + 1, absl::StrCat("line longer than ", kMaxLineBytes, " bytes"));
    }
    if (n == 0 && in_.eof()) break;
    if (in_.bad()) break;
    // gcount counts the newline getline consumed (none at the end of file).
    text_.resize(in_.eof() ? n : n - 1);
    line_++;
    if (text_.find_first_not_of(" \t\r") == std::string::npos) {
      if (in_.eof()) break;
      continue;
    }
    JsonProblem problem;
    if (!ParseStrictJson(text_, out, &problem)) {
      if (problem.kind == JsonProblem::Kind::kDuplicateKey) {
        return LineError(path_, line_, absl::StrCat(problem.pointer, ": duplicate key"));
      }
      return LineError(path_, line_, absl::StrCat("not valid JSON: ", problem.what));
    }
    if (!out->is_object()) return LineError(path_, line_, "not a JSON object");
    return true;
  }
  if (in_.bad()) return absl::DataLossError(absl::StrCat("error reading ", path_));
  return false;
}

absl::StatusOr<Json> ReadJsonFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileCapped(path, kMaxJsonFileBytes);
  if (!text.ok()) return text.status();
  return ParseStrictJson(*text, path);
}

bool IsFloatJson(const Json& j) {
  return j.is_object() && j.size() == 2 && j.contains("bits") && j.contains("value");
}

absl::StatusOr<double> FloatJsonValue(const Json& j) {
  if (!IsFloatJson(j) || !j["bits"].is_string()) {
    return absl::InvalidArgumentError("expected {\"bits\": \"<16 hex digits>\", \"value\": ...}");
  }
  const std::string& bits = j["bits"].get_ref<const std::string&>();
  uint64_t u = 0;
  auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), u, 16);
  if (bits.size() != 16 || ec != std::errc() || end != bits.data() + bits.size()) {
    return absl::InvalidArgumentError(absl::StrCat("bits \"", bits, "\" is not 16 hex digits"));
  }
  return std::bit_cast<double>(u);
}

absl::StatusOr<const Json*> Field(const Json& obj, const std::string& dotted) {
  const Json* j = &obj;
  for (absl::string_view key : absl::StrSplit(dotted, '.')) {
    if (!j->is_object()) return absl::InvalidArgumentError(absl::StrCat("field \"", dotted, "\": not an object"));
    auto it = j->find(std::string(key));
    if (it == j->end()) return absl::InvalidArgumentError(absl::StrCat("field \"", dotted, "\" missing"));
    j = &*it;
  }
  return j;
}

absl::StatusOr<uint64_t> UintField(const Json& obj, const std::string& dotted) {
  auto j = Field(obj, dotted);
  if (!j.ok()) return j.status();
  if (!(*j)->is_number_unsigned()) {
    return absl::InvalidArgumentError(absl::StrCat("field \"", dotted, "\": expected an unsigned integer"));
  }
  return (*j)->get<uint64_t>();
}

absl::StatusOr<int64_t> IntField(const Json& obj, const std::string& dotted) {
  auto j = Field(obj, dotted);
  if (!j.ok()) return j.status();
  if (!(*j)->is_number_integer()) {
    return absl::InvalidArgumentError(absl::StrCat("field \"", dotted, "\": expected an integer"));
  }
  if ((*j)->is_number_unsigned() && (*j)->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat("field \"", dotted, "\": out of range"));
  }
  return (*j)->get<int64_t>();
}

absl::StatusOr<double> FloatField(const Json& obj, const std::string& dotted) {
  auto j = Field(obj, dotted);
  if (!j.ok()) return j.status();
  if ((*j)->is_number()) return (*j)->get<double>();
  auto v = FloatJsonValue(**j);
  if (!v.ok()) return absl::InvalidArgumentError(absl::StrCat("field \"", dotted, "\": ", v.status().message()));
  return *v;
}

absl::StatusOr<std::string> StringField(const Json& obj, const std::string& dotted) {
  auto j = Field(obj, dotted);
  if (!j.ok()) return j.status();
  if (!(*j)->is_string()) return absl::InvalidArgumentError(absl::StrCat("field \"", dotted, "\": expected a string"));
  return (*j)->get<std::string>();
}

}  // namespace gogcsim::traces
