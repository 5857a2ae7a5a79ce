#include "tools/recorder/instrument.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace gogcsim::recorder {
namespace {

absl::string_view Trim(absl::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view FileText(absl::string_view name) {
  for (const EmbeddedFile& f : RecorderFiles()) {
    if (name == f.name) return f.text;
  }
  return {};
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

absl::Status WriteFile(const std::string& path, absl::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat(path, ": cannot write"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Hook>> ParseHooks(std::string_view table_in) {
  const absl::string_view table(table_in.data(), table_in.size());
  std::vector<Hook> hooks;
  Hook cur;
  bool open = false, has_op = false, has_text = false;
  int lineno = 0;
  auto finish = [&]() -> absl::Status {
    if (!open) return absl::OkStatus();
    if (!has_op || !has_text) {
      return absl::InvalidArgumentError(
          absl::StrCat("hooks.txt:", cur.line, ": a block needs an operation and its text"));
    }
    hooks.push_back(cur);
    cur = Hook();
    open = has_op = has_text = false;
    return absl::OkStatus();
  };
  for (absl::string_view raw : absl::StrSplit(table, '\n')) {
    lineno++;
    const absl::string_view line = Trim(raw);
    if (line.empty()) {
      if (absl::Status st = finish(); !st.ok()) return st;
      continue;
    }
    if (line.front() == '#') continue;
    const size_t sp = line.find(' ');
    const absl::string_view key = line.substr(0, sp);
    const absl::string_view val = sp == absl::string_view::npos ? "" : Trim(line.substr(sp + 1));
    auto bad = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("hooks.txt:", lineno, ": ", what));
    };
    if (val.empty()) return bad(absl::StrCat("\"", key, "\" needs a value"));
    if (key == "in") {
      if (open) return bad("\"in\" inside a block (blocks are separated by a blank line)");
      open = true;
      cur.line = lineno;
      cur.file = std::string(val);
      continue;
    }
    if (!open) return bad("a block starts with \"in FILE\"");
    if (key == "within") {
      cur.within = std::string(val);
    } else if (key == "replace" || key == "after" || key == "before") {
      if (has_op) return bad("one operation per block");
      cur.op = key == "replace" ? Hook::kReplace : key == "after" ? Hook::kAfter : Hook::kBefore;
      cur.anchor = std::string(val);
      has_op = true;
    } else if (key == "with" || key == "insert") {
      if (!has_op || (key == "with") != (cur.op == Hook::kReplace)) {
        return bad("\"with\" follows \"replace\", \"insert\" follows \"after\" or \"before\"");
      }
      cur.text = std::string(val);
      has_text = true;
    } else {
      return bad(absl::StrCat("unknown key \"", key, "\""));
    }
  }
  if (absl::Status st = finish(); !st.ok()) return st;
  return hooks;
}

absl::Status ApplyHook(const Hook& hook, std::string* source) {
  std::vector<std::string> lines = absl::StrSplit(*source, '\n');
  auto fail = [&](absl::string_view what) {
    return absl::FailedPreconditionError(absl::StrCat("hooks.txt:", hook.line, ": ", hook.file, ": ", what,
                                                      " (is this a pristine go1.10.2 tree?)"));
  };
  auto matches = [&](size_t i, absl::string_view want) { return Trim(lines[i]) == want; };
  size_t from = 0, at = lines.size();
  if (!hook.within.empty()) {
    size_t n = 0;
    for (size_t i = 0; i < lines.size(); i++) {
      if (matches(i, hook.within)) {
        from = i;
        n++;
      }
    }
    if (n != 1) return fail(absl::StrCat("\"", hook.within, "\" occurs ", n, " times, not once"));
    for (size_t i = from; i < lines.size(); i++) {
      if (matches(i, hook.anchor)) {
        at = i;
        break;
      }
    }
    if (at == lines.size()) return fail(absl::StrCat("\"", hook.anchor, "\" not found in \"", hook.within, "\""));
  } else {
    size_t n = 0;
    for (size_t i = 0; i < lines.size(); i++) {
      if (matches(i, hook.anchor)) {
        at = i;
        n++;
      }
    }
    if (n != 1) return fail(absl::StrCat("\"", hook.anchor, "\" occurs ", n, " times, not once"));
  }
  const std::string& a = lines[at];
  std::string indent = a.substr(0, a.find_first_not_of(" \t"));
  if (hook.op == Hook::kReplace) {
    lines[at] = indent + hook.text;
  } else {
    if (hook.op == Hook::kAfter && !Trim(a).empty() && Trim(a).back() == '{') indent += '\t';
    lines.insert(lines.begin() + static_cast<long>(hook.op == Hook::kAfter ? at + 1 : at), indent + hook.text);
  }
  *source = absl::StrJoin(lines, "\n");
  return absl::OkStatus();
}

absl::Status InstrumentTree(const std::string& goroot) {
  absl::StatusOr<std::string> version = ReadFile(goroot + "/VERSION");
  if (!version.ok()) return version.status();
  if (!absl::StartsWith(*version, "go1.10.2")) {
    return absl::FailedPreconditionError(absl::StrCat(goroot, "/VERSION says \"", Trim(version->substr(0, 40)),
                                                      "\": the recorder instruments go1.10.2 only"));
  }
  absl::StatusOr<std::vector<Hook>> hooks = ParseHooks(FileText("hooks.txt"));
  if (!hooks.ok()) return hooks.status();
  const std::string rt = goroot + "/src/runtime/";
  for (const Hook& h : *hooks) {
    absl::StatusOr<std::string> src = ReadFile(rt + h.file);
    if (!src.ok()) return src.status();
    if (absl::Status st = ApplyHook(h, &*src); !st.ok()) return st;
    if (absl::Status st = WriteFile(rt + h.file, *src); !st.ok()) return st;
  }
  for (const EmbeddedFile& f : RecorderFiles()) {
    if (absl::EndsWith(f.name, ".go")) {
      if (absl::Status st = WriteFile(rt + f.name, absl::string_view(f.text.data(), f.text.size())); !st.ok()) {
        return st;
      }
    }
  }
  return absl::OkStatus();
}

std::string InstrumentationKey() {
  uint64_t h = 14695981039346656037ull;
  for (const EmbeddedFile& f : RecorderFiles()) {
    for (std::string_view part : {std::string_view(f.name), std::string_view("\0", 1), f.text}) {
      for (unsigned char c : part) {
        h ^= c;
        h *= 1099511628211ull;
      }
    }
  }
  return absl::StrFormat("%016x", h);
}

}  // namespace gogcsim::recorder
