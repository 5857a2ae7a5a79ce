#include "tools/diff_command.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "traces/decision_diff.h"
#include "tools/cli.h"

ABSL_FLAG(double, tolerance, -1,
          "diff: relative tolerance |a-b|/max(|a|,|b|) per value (negative: exact, floats by bit pattern)");
ABSL_DECLARE_FLAG(bool, json);

namespace gogcsim::tools {
namespace {

using traces::DiffResult;
using traces::FileDiff;
using traces::RecordDifference;

std::string Rel(double r) { return std::isfinite(r) ? absl::StrFormat("%.3g", r) : "inf"; }

std::string Where(const RecordDifference& r) {
  auto line = [](uint64_t n) { return n == 0 ? std::string("absent") : absl::StrCat("line ", n); };
  return absl::StrFormat("record %d (A: %s, B: %s): %s %s", r.index, line(r.line_a), line(r.line_b), r.id, r.kind);
}

void PrintText(const DiffResult& res, const traces::DiffOptions& opts) {
  for (const FileDiff& d : res.files) {
    std::printf("A %s (%llu records)\nB %s (%llu records)\n", d.path_a.c_str(),
                static_cast<unsigned long long>(d.records_a), d.path_b.c_str(),
                static_cast<unsigned long long>(d.records_b));
    std::printf("  %llu record pairs compared (the n-th of each kind in A with the n-th in B), %llu differ%s\n", static_cast<unsigned long long>(d.compared),
                static_cast<unsigned long long>(d.differing),
                opts.exact() ? " (exact)" : absl::StrFormat(" (beyond relative tolerance %g)", opts.tolerance).c_str());
    if (d.records_a != d.records_b) {
      std::printf("  lengths differ: A has %llu records, B %llu\n", static_cast<unsigned long long>(d.records_a),
                  static_cast<unsigned long long>(d.records_b));
    }
    std::printf("  %-12s %10s %10s %10s %10s\n", "kind", "compared", "differing", "only in A", "only in B");
    for (const auto& [kind, c] : d.by_kind) {
      std::printf("  %-12s %10llu %10llu %10llu %10llu\n", kind.c_str(), static_cast<unsigned long long>(c.compared),
                  static_cast<unsigned long long>(c.differing), static_cast<unsigned long long>(c.only_a),
                  static_cast<unsigned long long>(c.only_b));
    }
    if (d.first) {
      std::printf("  first difference: %s\n", Where(*d.first).c_str());
      for (const auto& f : d.first->fields) {
        std::printf("    %s\n      A %s\n      B %s%s\n", f.field.c_str(), f.a.c_str(), f.b.c_str(),
                    f.numeric ? ("  (relative difference " + Rel(f.rel) + ")").c_str() : "");
      }
    }
    if (d.listed.size() > 1 || (d.first && d.listed.size() == 1 && d.listed[0].index != d.first->index)) {
      std::printf("  differences (first %d fields):\n", opts.max_listed);
      for (const RecordDifference& r : d.listed) {
        for (const auto& f : r.fields) {
          std::printf("    %s %s %s: A %s, B %s%s\n", r.id.c_str(), r.kind.c_str(), f.field.c_str(), f.a.c_str(),
                      f.b.c_str(), f.numeric ? (" (rel " + Rel(f.rel) + ")").c_str() : "");
        }
      }
    }
    if (!d.movement.empty() && (!d.same() || !opts.exact())) {
      std::printf("  pacer outputs, relative change:\n  %-18s %8s %8s %10s %10s\n", "output", "values", "changed",
                  "max", "mean");
      for (const auto& m : d.movement) {
        std::printf("  %-18s %8llu %8llu %10s %10s\n", m.quantity.c_str(), static_cast<unsigned long long>(m.n),
                    static_cast<unsigned long long>(m.changed), Rel(m.max_rel).c_str(), Rel(m.mean_rel).c_str());
      }
    }
    bool header = false;
    for (const auto& [key, fs] : d.fields) {
      if (fs.max_rel == 0 && fs.beyond == 0) continue;
      if (!header) {
        std::printf("  fields that moved, relative difference:\n  %-44s %10s %10s %8s\n", "kind field", "max", "mean",
                    "beyond");
        header = true;
      }
      std::printf("  %-44s %10s %10s %8llu\n", key.c_str(), Rel(fs.max_rel).c_str(),
                  Rel(fs.sum_rel / static_cast<double>(fs.n)).c_str(), static_cast<unsigned long long>(fs.beyond));
    }
  }
  std::printf("%s\n", res.same() ? (opts.exact() ? "identical" : "the same within the tolerance") : "A and B differ");
}

nlohmann::ordered_json RecordJson(const RecordDifference& r) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (const auto& f : r.fields) {
    nlohmann::ordered_json j = {{"field", f.field}, {"a", f.a}, {"b", f.b}};
    j["relative_difference"] = f.numeric && std::isfinite(f.rel) ? nlohmann::ordered_json(f.rel) : nullptr;
    fields.push_back(j);
  }
  return {{"index", r.index}, {"line_a", r.line_a}, {"line_b", r.line_b}, {"id", r.id}, {"kind", r.kind},
          {"fields", fields}};
}

void PrintJson(const DiffResult& res, const traces::DiffOptions& opts) {
  auto finite = [](double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr); };
  nlohmann::ordered_json j;
  j["same"] = res.same();
  j["mode"] = opts.exact() ? "exact" : "tolerance";
  j["tolerance"] = opts.exact() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(opts.tolerance);
  j["files"] = nlohmann::ordered_json::array();
  for (const FileDiff& d : res.files) {
    nlohmann::ordered_json f;
    f["a"] = d.path_a;
    f["b"] = d.path_b;
    f["records_a"] = d.records_a;
    f["records_b"] = d.records_b;
    f["compared"] = d.compared;
    f["differing"] = d.differing;
    f["same"] = d.same();
    f["by_kind"] = nlohmann::ordered_json::object();
    for (const auto& [kind, c] : d.by_kind) {
      f["by_kind"][kind] = {
          {"compared", c.compared}, {"differing", c.differing}, {"only_a", c.only_a}, {"only_b", c.only_b}};
    }
    f["first_difference"] = d.first ? RecordJson(*d.first) : nlohmann::ordered_json(nullptr);
    f["listed"] = nlohmann::ordered_json::array();
    for (const RecordDifference& r : d.listed) f["listed"].push_back(RecordJson(r));
    f["movement"] = nlohmann::ordered_json::object();
    for (const auto& m : d.movement) {
      f["movement"][m.quantity] = {{"values", m.n}, {"changed", m.changed}, {"max_relative", finite(m.max_rel)},
                                   {"mean_relative", finite(m.mean_rel)}};
    }
    f["fields"] = nlohmann::ordered_json::object();
    for (const auto& [key, fs] : d.fields) {
      if (fs.max_rel == 0 && fs.beyond == 0) continue;
      f["fields"][key] = {{"values", fs.n}, {"max_relative", finite(fs.max_rel)},
                          {"mean_relative", finite(fs.sum_rel / static_cast<double>(fs.n))}, {"beyond", fs.beyond}};
    }
    j["files"].push_back(f);
  }
  std::printf("%s\n", j.dump(2).c_str());
}

}  // namespace

int DiffCommand(const std::vector<char*>& args) {
  if (args.size() != 3) {
    return Fail("usage: gogcsim diff A B [--tolerance=REL] [--json]");
  }
  traces::DiffOptions opts;
  opts.tolerance = absl::GetFlag(FLAGS_tolerance);
  if (std::isnan(opts.tolerance)) {
    return Fail("--tolerance must be a number");
  }
  auto res = traces::Diff(args[1], args[2], opts);
  if (!res.ok()) {
    return Fail(std::string(res.status().message()));
  }
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(*res, opts);
  } else {
    PrintText(*res, opts);
  }
  return res->same() ? 0 : 1;
}

}  // namespace gogcsim::tools
