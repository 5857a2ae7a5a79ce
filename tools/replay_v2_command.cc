#include "tools/replay_v2_command.h"

#include <cstdio>

#include "nlohmann/json.hpp"
#include "scenarios/replay_v2.h"
#include "tools/cli.h"

namespace gogcsim::tools {

int ReplayV2Command(const std::string& path, bool first_gc_only, uint64_t seed, bool json) {
  scenarios::ReplayV2Options opts;
  opts.stop_at_first_gc = first_gc_only;
  opts.seed = seed;
  absl::StatusOr<scenarios::ReplayV2Report> rep = scenarios::ReplayV2(path, opts);
  if (!rep.ok()) return FailWith(rep.status());
  if (json) {
    nlohmann::ordered_json j;
    j["recording"] = rep->path;
    j["engine"] = "v2";
    j["gomaxprocs"] = rep->gomaxprocs;
    j["records"] = rep->records;
    j["allocs"] = rep->allocs;
    j["cycles"] = rep->cycles;
    j["stopped_at_first_gc"] = rep->stopped_at_first_gc;
    j["cut"] = rep->cut;
    nlohmann::ordered_json counts = nlohmann::ordered_json::object();
    for (const auto& [tag, c] : rep->counts) counts[tag] = {{"matched", c.matched}, {"total", c.total}};
    j["counts"] = counts;
    if (rep->divergence) {
      const auto& d = *rep->divergence;
      j["divergence"] = {
          {"index", d.index},       {"offset", d.offset},       {"m", d.m},     {"p", d.p},         {"g", d.g},
          {"expected", d.expected}, {"simulated", d.simulated}, {"why", d.why}, {"waits", d.waits}, {"state", d.state}};
    } else {
      j["divergence"] = nullptr;
    }
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("replay v2 %s: GOMAXPROCS %d, %llu records, %llu allocation requests, %u GC cycles%s\n",
                rep->path.c_str(), rep->gomaxprocs, static_cast<unsigned long long>(rep->records),
                static_cast<unsigned long long>(rep->allocs), rep->cycles,
                rep->stopped_at_first_gc ? " (allocator only: stopped at the first GC)" : "");
    std::printf("  %-5s %10s %10s\n", "tag", "matched", "total");
    for (const auto& [tag, c] : rep->counts) {
      std::printf("  %-5s %10llu %10llu%s\n", tag.c_str(), static_cast<unsigned long long>(c.matched),
                  static_cast<unsigned long long>(c.total), c.matched == c.total ? "" : "  <-");
    }
    if (rep->divergence) {
      const auto& d = *rep->divergence;
      std::printf("diverged at record %llu (chunk at byte %llu), M%u P%d g%lld: %s\n",
                  static_cast<unsigned long long>(d.index), static_cast<unsigned long long>(d.offset), d.m, d.p,
                  static_cast<long long>(d.g), d.why.c_str());
      std::printf("  recorded:  %s\n  simulated: %s\n", d.expected.empty() ? "(nothing)" : d.expected.c_str(),
                  d.simulated.empty() ? "(nothing)" : d.simulated.c_str());
      for (const std::string& w : d.waits) std::printf("  %s\n", w.c_str());
      std::printf("  state: %s\n", d.state.c_str());
    } else {
      std::printf("every record matched\n");
    }
    if (rep->cut != 0) {
      std::printf(
          "  (%llu records the replay made after the last of their M's in the file: made after the\n"
          "   recorder closed, which does not stop the program's threads; not compared)\n",
          static_cast<unsigned long long>(rep->cut));
    }
  }
  return rep->ok() ? 0 : kExitDifferent;
}

}  // namespace gogcsim::tools
