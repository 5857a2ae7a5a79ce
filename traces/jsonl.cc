#include "traces/jsonl.h"

#include <bit>
#include <charconv>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gogcsim::traces {

absl::Status LineError(const std::string& path, uint64_t line, absl::string_view msg) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", msg));
}

absl::Status JsonLinesReader::Open(const std::string& path) {
  path_ = path;
  line_ = 0;
  in_.open(path, std::ios::binary);
  if (!in_) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  return absl::OkStatus();
}

absl::StatusOr<bool> JsonLinesReader::Next(Json* out) {
  while (std::getline(in_, text_)) {
    line_++;
    if (text_.find_first_not_of(" \t\r") == std::string::npos) continue;
    *out = Json::parse(text_, nullptr, /*allow_exceptions=*/false);
    if (out->is_discarded()) return LineError(path_, line_, "not valid JSON");
    if (!out->is_object()) return LineError(path_, line_, "not a JSON object");
    return true;
  }
  if (in_.bad()) return absl::DataLossError(absl::StrCat("error reading ", path_));
  return false;
}

absl::StatusOr<Json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream text;
  text << in.rdbuf();
  Json j = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, ": not valid JSON"));
  return j;
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
