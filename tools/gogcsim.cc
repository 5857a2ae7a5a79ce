// gogcsim: command line of the Go 1.10.2 allocator/GC simulator.
//
//   gogcsim run [SCENARIO] [--seed=N] [--gomaxprocs=N] [--allocations=N] [--json]
//   gogcsim replay --reference=FILE.rec.gz [--json] [--check_invariants]
//
// Flags and output formatting only; the work is in scenarios/ and model/.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "scenarios/reference_replay.h"
#include "scenarios/synthetic.h"

ABSL_FLAG(uint64_t, seed, 1, "root seed of every random stream");
ABSL_FLAG(int, gomaxprocs, 0, "number of Ps (0: the scenario's own)");
ABSL_FLAG(uint64_t, allocations, 0, "allocation requests (0: the scenario's own)");
ABSL_FLAG(bool, json, false, "print one JSON object instead of a table");
ABSL_FLAG(std::string, reference, "", "reference recording (.rec.gz) to replay");
ABSL_FLAG(bool, check_invariants, false, "check allocator invariants after every step (slow)");

namespace {

constexpr char kUsage[] = R"(gogcsim: a deterministic simulator of the Go 1.10.2 allocator and GC pacer.

Usage:
  gogcsim run [SCENARIO] [flags]
      Run a built-in scenario (default: alloc-mix) and print a summary.
      Scenarios: alloc-mix (lognormal sizes around 64 B, 60% with pointers,
      a 40-200 KiB object every ~5000 requests, GOMAXPROCS 1), alloc-mix-p4
      (the same on 4 Ps). The collector is not ported yet: runs show the
      allocator's heap without garbage collection.
      Flags: --seed=N --gomaxprocs=N --allocations=N --json

  gogcsim replay --reference=FILE.rec.gz [--json] [--check_invariants]
      Replay a recording of a real go1.10.2 run (../shared/reference/) up
      to its first GC through the ported allocator and report, per record
      type, how many of the runtime's decisions were reproduced exactly.
      Exit status 1 if any record diverges.

  gogcsim help | --help
)";

int Fail(const std::string& msg) {
  std::fprintf(stderr, "gogcsim: %s\n", msg.c_str());
  return 2;
}

std::string Bytes(uint64_t b) { return absl::StrFormat("%.2f MiB", static_cast<double>(b) / (1 << 20)); }

int Run(const std::vector<char*>& args) {
  std::string name = args.size() > 1 ? args[1] : "alloc-mix";
  auto cfg = gogcsim::scenarios::BuiltinScenario(name);
  if (!cfg.ok()) return Fail(std::string(cfg.status().message()));
  cfg->seed = absl::GetFlag(FLAGS_seed);
  if (absl::GetFlag(FLAGS_gomaxprocs) != 0) cfg->gomaxprocs = absl::GetFlag(FLAGS_gomaxprocs);
  if (absl::GetFlag(FLAGS_allocations) != 0) cfg->allocations = absl::GetFlag(FLAGS_allocations);
  auto r = gogcsim::scenarios::RunSynthetic(*cfg);
  if (!r.ok()) return Fail(std::string(r.status().message()));
  if (absl::GetFlag(FLAGS_json)) {
    nlohmann::ordered_json j;
    j["scenario"] = cfg->name;
    j["seed"] = cfg->seed;
    j["gomaxprocs"] = cfg->gomaxprocs;
    j["allocations"] = r->allocations;
    j["bytes_requested"] = r->bytes_requested;
    j["tiny_combined"] = r->tiny_combined;
    j["large_objects"] = r->large;
    j["heap_live"] = r->heap_live;
    j["heap_scan"] = r->heap_scan;
    j["heap_inuse"] = r->heap_inuse;
    j["heap_idle"] = r->heap_idle;
    j["heap_sys"] = r->heap_sys;
    j["pages_in_use"] = r->spans_in_use;
    j["rss"] = r->rss;
    j["virtual_ns"] = r->virtual_ns;
    nlohmann::ordered_json byc = nlohmann::ordered_json::object();
    for (const auto& [cls, n] : r->objects_by_class) byc[std::to_string(cls)] = n;
    j["objects_by_size_class"] = byc;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("scenario %s (seed %llu, GOMAXPROCS %d): allocator only, no GC yet\n", cfg->name.c_str(),
              static_cast<unsigned long long>(cfg->seed), cfg->gomaxprocs);
  std::printf("  allocations        %llu (%llu combined into tiny blocks, %llu large)\n",
              static_cast<unsigned long long>(r->allocations), static_cast<unsigned long long>(r->tiny_combined),
              static_cast<unsigned long long>(r->large));
  std::printf("  bytes requested    %s\n", Bytes(r->bytes_requested).c_str());
  std::printf("  heap_live          %s   (what the pacer would see)\n", Bytes(r->heap_live).c_str());
  std::printf("  heap_scan          %s\n", Bytes(r->heap_scan).c_str());
  std::printf("  heap in use / idle %s / %s of %s obtained from the OS\n", Bytes(r->heap_inuse).c_str(),
              Bytes(r->heap_idle).c_str(), Bytes(r->heap_sys).c_str());
  std::printf("  simulated RSS      %s\n", Bytes(r->rss).c_str());
  std::printf("  virtual time       %.3f ms\n", static_cast<double>(r->virtual_ns) / 1e6);
  return 0;
}

int Replay() {
  const std::string path = absl::GetFlag(FLAGS_reference);
  if (path.empty()) return Fail("replay needs --reference=FILE.rec.gz");
  gogcsim::scenarios::ReplayOptions opts;
  opts.stop_at_first_gc = true;  // the collector replay is not ported yet
  opts.check_invariants = absl::GetFlag(FLAGS_check_invariants);
  opts.seed = absl::GetFlag(FLAGS_seed);
  auto rep = gogcsim::scenarios::ReplayReference(path, opts);
  if (!rep.ok()) return Fail(std::string(rep.status().message()));
  if (absl::GetFlag(FLAGS_json)) {
    nlohmann::ordered_json j;
    j["recording"] = rep->path;
    j["lines"] = rep->lines;
    j["allocs"] = rep->allocs;
    j["stopped_at_first_gc"] = rep->stopped_at_first_gc;
    nlohmann::ordered_json recs = nlohmann::ordered_json::object();
    for (const auto& [tag, c] : rep->records) recs[tag] = {{"matched", c.matched}, {"total", c.total}};
    j["records"] = recs;
    if (rep->first_divergence) {
      const auto& d = *rep->first_divergence;
      j["first_divergence"] = {{"line", d.line}, {"expected", d.expected}, {"simulated", d.simulated},
                               {"state", d.state}};
    } else {
      j["first_divergence"] = nullptr;
    }
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("replay %s: %llu lines, %llu allocation requests%s\n", rep->path.c_str(),
                static_cast<unsigned long long>(rep->lines), static_cast<unsigned long long>(rep->allocs),
                rep->stopped_at_first_gc ? " (allocator only: stopped at the first GC)" : "");
    std::printf("  %-4s %10s %10s\n", "tag", "matched", "total");
    for (const auto& [tag, c] : rep->records) {
      std::printf("  %-4s %10llu %10llu%s\n", tag.c_str(), static_cast<unsigned long long>(c.matched),
                  static_cast<unsigned long long>(c.total), c.matched == c.total ? "" : "  <-");
    }
    if (rep->first_divergence) {
      const auto& d = *rep->first_divergence;
      std::printf("first divergence at line %llu\n  recorded:  %s\n  simulated: %s\n  state:     %s\n",
                  static_cast<unsigned long long>(d.line), d.expected.c_str(), d.simulated.c_str(),
                  d.state.c_str());
    } else {
      std::printf("every record matched\n");
    }
  }
  return rep->ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h" || a == "help" || a == "--helpfull") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string cmd = args[1];
  std::vector<char*> rest(args.begin() + 1, args.end());
  if (cmd == "run") return Run(rest);
  if (cmd == "replay") return Replay();
  return Fail("unknown command \"" + cmd + "\" (try gogcsim --help)");
}
