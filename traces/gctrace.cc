#include "traces/gctrace.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace gogcsim::traces {
namespace {

// Reads a decimal integer at the front of *s and removes it.
bool TakeInt(std::string_view* s, int64_t* v) {
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), *v);
  if (ec != std::errc() || p == s->data()) return false;
  s->remove_prefix(static_cast<size_t>(p - s->data()));
  return true;
}

bool TakeDouble(std::string_view* s, double* v) {
  // Go prints floats as +1.234e-001: strtod reads that, from_chars does not
  // take the '+'.
  std::string text(s->substr(0, s->find(' ')));
  char* end = nullptr;
  *v = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return false;
  s->remove_prefix(static_cast<size_t>(end - text.c_str()));
  return true;
}

bool Take(std::string_view* s, std::string_view lit) {
  if (s->substr(0, lit.size()) != lit) return false;
  s->remove_prefix(lit.size());
  return true;
}

// Skips to just after the next occurrence of lit.
bool SkipPast(std::string_view* s, std::string_view lit) {
  const size_t i = s->find(lit);
  if (i == std::string_view::npos) return false;
  s->remove_prefix(i + lit.size());
  return true;
}

// The value of "key=" in a pacer line.
bool PacerInt(std::string_view line, std::string_view key, int64_t* v) {
  const size_t i = line.find(" " + std::string(key) + "=");
  if (i == std::string_view::npos) return false;
  line.remove_prefix(i + key.size() + 2);
  return TakeInt(&line, v);
}

bool PacerDouble(std::string_view line, std::string_view key, double* v) {
  const size_t i = line.find(" " + std::string(key) + "=");
  if (i == std::string_view::npos) return false;
  line.remove_prefix(i + key.size() + 2);
  return TakeDouble(&line, v);
}

}  // namespace

bool ParseGcLine(std::string_view s, RealCycle* c) {
  *c = RealCycle();
  if (!Take(&s, "gc ") || !TakeInt(&s, &c->n) || !Take(&s, " @") || !TakeDouble(&s, &c->t_s) || !Take(&s, "s ") ||
      !TakeInt(&s, &c->cpu_pct) || !Take(&s, "%: ") || !SkipPast(&s, " ms cpu, ") || !TakeInt(&s, &c->heap0_mb) ||
      !Take(&s, "->") || !TakeInt(&s, &c->heap1_mb) || !Take(&s, "->") || !TakeInt(&s, &c->heap2_mb) ||
      !Take(&s, " MB, ") || !TakeInt(&s, &c->goal_mb) || !Take(&s, " MB goal, ") || !TakeInt(&s, &c->procs) ||
      !Take(&s, " P")) {
    return false;
  }
  c->forced = Take(&s, " (forced)");
  return s.empty();
}

absl::StatusOr<RealLog> ReadGcTrace(const std::string& path, bool allow_no_cycles) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  RealLog log;
  log.path = path;
  RealCycle pacer;
  bool have_pacer = false;
  uint64_t lineno = 0;
  std::string line;
  while (std::getline(in, line)) {
    lineno++;
    if (line.size() > (1 << 20)) return absl::InvalidArgumentError(absl::StrCat(path, ":", lineno, ": line over 1 MiB"));
    auto bad = [&](const char* what) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", lineno, ": ", what));
    };
    if (line.rfind("pacer: H_m_prev=", 0) == 0) {
      if (!PacerInt(line, "H_m_prev", &pacer.H_m_prev) || !PacerInt(line, "H_T", &pacer.H_T) ||
          !PacerInt(line, "H_a", &pacer.H_a) || !PacerInt(line, "H_g", &pacer.H_g) ||
          !PacerDouble(line, "u_a", &pacer.u_a)) {
        if (in.eof()) break;  // the program exited while the runtime printed it
        return bad("a pacer line without H_m_prev, H_T, H_a, H_g and u_a");
      }
      have_pacer = true;
      continue;
    }
    if (line.rfind("gc ", 0) == 0) {
      RealCycle c;
      if (!ParseGcLine(line, &c)) {
        if (in.eof()) break;  // the last line, without its newline: cut by the program's exit
        return bad("not a go1.10 gctrace line");
      }
      if (have_pacer) {
        c.has_pacer = true;
        c.H_m_prev = pacer.H_m_prev;
        c.H_T = pacer.H_T;
        c.H_a = pacer.H_a;
        c.H_g = pacer.H_g;
        c.u_a = pacer.u_a;
      }
      have_pacer = false;
      log.cycles.push_back(c);
      continue;
    }
    log.other_lines++;
  }
  if (log.cycles.empty() && !allow_no_cycles) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no \"gc N @...\" line: not the stderr of a run with GODEBUG=gctrace=1"));
  }
  return log;
}

}  // namespace gogcsim::traces
