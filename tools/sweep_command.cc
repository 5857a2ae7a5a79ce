#include "tools/sweep_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "scenarios/runner.h"
#include "scenarios/simulation.h"
#include "scenarios/sweep.h"
#include "tools/cli.h"

ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(int, gomaxprocs);
ABSL_DECLARE_FLAG(int, gogc);
ABSL_DECLARE_FLAG(uint64_t, records);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(bool, json);

ABSL_FLAG(std::string, gogc_list, "", "sweep: comma-separated GOGC values (default: --gogc, else the scenario's)");
ABSL_FLAG(std::string, gomaxprocs_list, "",
          "sweep: comma-separated GOMAXPROCS values (default: --gomaxprocs, else the scenario's)");
ABSL_FLAG(uint64_t, seeds, 1, "sweep: number of seeds per grid point, --seed, --seed+1, ...");
ABSL_FLAG(int, threads, 0, "sweep: runs at once (0: all cores)");
ABSL_FLAG(std::string, shard, "0/1", "sweep: run only shard i/N of the grid (0 <= i < N)");

namespace gogcsim::tools {

namespace {

namespace sc = ::gogcsim::scenarios;

std::string Mib(double b) { return absl::StrFormat("%.2f MiB", b / (1 << 20)); }

void PrintTable(const sc::SweepTable& t) {
  std::printf("sweep %s: %zu runs of %zu (GOGC %s x GOMAXPROCS %s x seeds %s)%s\n", t.scenario.c_str(),
              t.runs.size(), t.grid.size(), absl::StrJoin(t.grid.gogc, ",").c_str(),
              absl::StrJoin(t.grid.gomaxprocs, ",").c_str(), absl::StrJoin(t.grid.seeds, ",").c_str(),
              t.shard.count == 1 ? "" : absl::StrFormat(", shard %d/%d", t.shard.index, t.shard.count).c_str());
  std::printf("  %5s %3s %5s %6s %11s %11s %7s %7s %10s %10s %8s %11s\n", "GOGC", "P", "seed", "cycles",
              "peak live", "mean goal", "GC CPU", "assist", "mean mark", "pauses", "trigger", "alloc/s");
  for (const sc::SweepRow& r : t.runs) {
    std::printf("  %5d %3d %5llu %6llu %11s %11s %6.2f%% %6.1f%% %7.2f ms %7.2f ms %8.4f %7.1f MB/s\n", r.gogc,
                r.gomaxprocs, static_cast<unsigned long long>(r.seed), static_cast<unsigned long long>(r.cycles),
                Mib(static_cast<double>(r.peak_heap_live)).c_str(), Mib(r.mean_heap_goal).c_str(),
                100 * r.gc_cpu_fraction, 100 * r.assist_fraction, r.mean_mark_ns / 1e6,
                static_cast<double>(r.pause_total_ns) / 1e6, r.final_trigger_ratio, r.alloc_bytes_per_s / 1e6);
  }
}

// Writes the table where --out says, then prints it (as JSON with --json).
int Output(const sc::SweepTable& t) {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (!out.empty()) {
    if (absl::Status s = sc::WriteSweep(t, out); !s.ok()) return Fail(std::string(s.message()));
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::fputs(sc::SweepJson(t).c_str(), stdout);
    return 0;
  }
  PrintTable(t);
  if (!out.empty()) std::printf("  wrote %s/{sweep.json, sweep.csv}\n", out.c_str());
  return 0;
}

// A list flag if given, else the single-value flag if set, else the
// scenario's own value.
absl::StatusOr<std::vector<int32_t>> Values(const std::string& list, const char* list_name, int single,
                                            int scenario) {
  if (!list.empty()) return sc::ParseIntList(list, list_name);
  return std::vector<int32_t>{single != 0 ? single : scenario};
}

}  // namespace

int SweepCommand(const std::vector<char*>& args) {
  if (args.size() > 2) return Fail(absl::StrFormat("sweep takes one scenario, got \"%s\" too", args[2]));
  const std::string name = args.size() > 1 ? args[1] : "steady";
  // The scenario is loaded here and only here.
  auto cfg = sc::LoadRunnable(name);
  if (!cfg.ok()) return Fail(std::string(cfg.status().message()));
  if (absl::GetFlag(FLAGS_records) != 0) sc::SetRecords(&*cfg, absl::GetFlag(FLAGS_records));

  sc::SweepGrid grid;
  auto gogc = Values(absl::GetFlag(FLAGS_gogc_list), "gogc_list", absl::GetFlag(FLAGS_gogc), cfg->gogc);
  if (!gogc.ok()) return Fail(std::string(gogc.status().message()));
  grid.gogc = *gogc;
  auto procs = Values(absl::GetFlag(FLAGS_gomaxprocs_list), "gomaxprocs_list", absl::GetFlag(FLAGS_gomaxprocs),
                      cfg->gomaxprocs);
  if (!procs.ok()) return Fail(std::string(procs.status().message()));
  grid.gomaxprocs.assign(procs->begin(), procs->end());
  if (absl::GetFlag(FLAGS_seeds) == 0) return Fail("--seeds must be at least 1");
  grid.seeds = sc::SeedRange(absl::GetFlag(FLAGS_seed), absl::GetFlag(FLAGS_seeds));
  if (absl::Status s = sc::ValidateGrid(grid); !s.ok()) return Fail(std::string(s.message()));
  auto shard = sc::ParseShard(absl::GetFlag(FLAGS_shard));
  if (!shard.ok()) return Fail(std::string(shard.status().message()));
  if (absl::GetFlag(FLAGS_threads) < 0) return Fail("--threads must be >= 0 (0: all cores)");

  sc::SweepOptions opt;
  opt.threads = absl::GetFlag(FLAGS_threads);
  // On a terminal one line rewritten in place; in a batch log a line per
  // tenth of the runs.
  const bool tty = isatty(fileno(stderr)) != 0;
  opt.progress = [tty](size_t done, size_t total) {
    if (tty) {
      std::fprintf(stderr, "\r  sweep: %zu/%zu runs done", done, total);
    } else if (done * 10 / total != (done - 1) * 10 / total) {
      std::fprintf(stderr, "sweep: %zu/%zu runs done\n", done, total);
    }
  };
  const auto start = std::chrono::steady_clock::now();
  auto table = sc::RunSweep(*cfg, grid, *shard, opt);
  if (tty) std::fprintf(stderr, "\n");
  if (!table.ok()) return FailWith(table.status());
  // Wall time on stderr only: stdout and the files stay deterministic.
  const int threads = opt.threads > 0 ? opt.threads : static_cast<int>(std::thread::hardware_concurrency());
  std::fprintf(stderr, "sweep: %zu runs in %.2f s of wall time on up to %d threads\n", table->runs.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), threads);
  return Output(*table);
}

int MergeCommand(const std::vector<char*>& args) {
  if (args.size() < 2) return Fail("merge needs the shard outputs to join (directories or sweep.json files)");
  std::vector<sc::SweepPart> parts;
  for (size_t i = 1; i < args.size(); i++) {
    auto t = sc::ReadSweep(args[i]);
    if (!t.ok()) return Fail(std::string(t.status().message()));
    parts.push_back({args[i], *std::move(t)});
  }
  auto merged = sc::Merge(parts);
  if (!merged.ok()) return Fail(std::string(merged.status().message()));
  return Output(*merged);
}

}  // namespace gogcsim::tools
