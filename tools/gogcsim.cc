// gogcsim: command line of the Go 1.10.2 allocator/GC simulator.
//
//   gogcsim run [SCENARIO|FILE.json] [--seed=N] [--gomaxprocs=N] [--gogc=N] [--records=N] [--out=DIR] [--json]
//   gogcsim run alloc-mix|alloc-mix-p4 [--seed=N] [--gomaxprocs=N] [--allocations=N] [--json]
//   gogcsim replay --reference=FILE.rec.gz [--json] [--check_invariants]
//
// Flags and output formatting only; the work is in scenarios/ and model/.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "scenarios/reference_replay.h"
#include "traces/recording_v2.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "scenarios/simulation.h"
#include "scenarios/synthetic.h"
#include "tools/cli.h"
#include "tools/compare_command.h"
#include "tools/diff_command.h"
#include "tools/record_command.h"
#include "tools/replay_v2_command.h"
#include "tools/report_command.h"
#include "tools/sweep_command.h"
#include "tools/trace_command.h"
#include "tools/validate_command.h"
#include "traces/atomic_file.h"
#include "traces/decision_log.h"

ABSL_FLAG(uint64_t, seed, 1, "root seed of every random stream");
ABSL_FLAG(int, gomaxprocs, 0, "number of Ps (0: the scenario's own; sweep: a list, 1,4)");
ABSL_FLAG(int, ncpu, -1,
          "CPUs the Ps' threads share, as Linux shares them (-1: the scenario's own; 0: one per P); the real "
          "runtime stalls when GOMAXPROCS exceeds the cores");
ABSL_FLAG(std::string, lifetimes, "",
          "run of a trace: a lifetime run of the same program (recorded at a low GOGC, e.g. --gogc=5) whose "
          "object lifetimes replace the trace's estimates");
ABSL_FLAG(bool, keep_recorder_time, false,
          "run of a recording: follow its clock as recorded, the recorder's own time (its RT records) included");
ABSL_FLAG(uint64_t, allocations, 0, "allocation requests (0: the scenario's own)");
ABSL_FLAG(int, gogc, 0, "GOGC (0: the scenario's own; -1 or off: no GC; sweep: a list, 25,50,off)");
ABSL_FLAG(uint64_t, records, 0, "records each mutator goroutine allocates (0: the scenario's own)");
ABSL_FLAG(std::string, out, "", "directory for decisions.jsonl, cycles.jsonl, gctrace.txt, summary.json");
ABSL_FLAG(bool, check_marks, false, "verify at every mark termination that all reachable objects are marked");
ABSL_FLAG(bool, json, false, "print one JSON object instead of a table");
ABSL_FLAG(std::vector<std::string>, real, {},
          "report: real go1.10.2 runs' stderr (GODEBUG=gctrace=1,gcpacertrace=1), comma-separated, to overlay");
ABSL_FLAG(std::string, reference, "", "reference recording (.rec.gz) to replay");
ABSL_FLAG(bool, check_invariants, false, "check allocator invariants after every step (slow)");
ABSL_FLAG(std::string, engine, "auto",
          "replay: v2 (a gogcsim recording as the schedule), v1 (the reference replay), or auto: v2 for "
          "gogcsim recordings, v1 for the rest");
ABSL_FLAG(bool, first_gc_only, false, "replay: stop at the first GC (the allocator-only part of the run)");

namespace {

using gogcsim::tools::Fail;

constexpr char kUsage[] = R"(gogcsim: a deterministic simulator of the Go 1.10.2 allocator and GC pacer.

Usage:
  gogcsim run [SCENARIO|FILE.json|FILE.trace] [flags]
      Run a scenario with the ported collector (default: steady) and print
      a summary. SCENARIO is a shipped scenario (listed below) or a scenario
      file (README.md, "Scenario format"). A trace file is a what-if run of
      the recorded program: its allocations and deaths, the simulator's own
      marking and pacing, at the recorded GOMAXPROCS and GOGC unless the
      flags say otherwise. With --out=DIR it writes
      decisions.jsonl (every pacer call), cycles.jsonl, gctrace.txt and
      summary.json.
      Flags: --seed=N --gomaxprocs=N --ncpu=N --gogc=N --records=N
             --out=DIR --check_marks --json
      Flags given override the scenario's values; --records sets the
      records of every mutator goroutine. --ncpu=N runs the Ps' threads
      on N CPUs shared as Linux's CFS shares them (default: a CPU per P):
      give the recorded machine's cores when GOMAXPROCS exceeds them.
      --lifetimes=LIFE.rec (a trace or recording): a second recording of
      the same program at a low GOGC (gogcsim record --gogc=5); its
      object lifetimes, finer than the trace's, replace the trace's
      estimates where the two runs' allocations pair up. A recording's
      times lose the recorder's own time (it times itself: RT records)
      unless --keep_recorder_time.
  gogcsim run alloc-mix|alloc-mix-p4 [--seed=N] [--gomaxprocs=N] [--allocations=N] [--json]
      The allocator alone (no GC): lognormal sizes around 64 B, 60% with
      pointers, a 40-200 KiB object every ~5000 requests.

  gogcsim replay --reference=FILE.rec|FILE.rec.gz|FILE.trace [--engine=auto|v1|v2] [--json]
                 [--first_gc_only] [--check_invariants]
      Faithful replay of a recording of a real go1.10.2 run: one made by
      gogcsim record, a reference recording (../shared/reference/), or a
      trace imported from either. The
      recording supplies allocation requests, background-sweeper steps,
      which objects each cycle left unmarked, where mark termination
      began, scan work, assist time and clock readings; the ported
      allocator, sweeper and pacer compute the rest.
      A gogcsim recording replays with engine v2 (the default, auto): each
      thread of the program runs its runtime calls on a fiber and waits at
      each operation on shared state until the recording's next record of
      that thread comes up, so the replay follows the recording's order at
      any GOMAXPROCS. Fields that are the recording's inputs (clocks,
      which trigger or sweeper, random draws) are not compared. What a
      thread did after the recorder closed at exit is counted as cut, not
      compared. --engine=v1 is the reference replay (reference recordings,
      traces); at GOMAXPROCS > 1 it follows the file's order, which a v1
      recording does not keep, so it diverges early and stops there
      (README).
      Reports per record type how many of the runtime's records were
      reproduced exactly, and the first divergence (with v2: its thread, P
      and goroutine, and where each thread waits).
      Exit status 1 if any record diverges.

  gogcsim report RUN_DIR|SWEEP_DIR [--real=REAL.stderr,...] [--out=FILE.html]
      One self-contained HTML file (inline SVG charts, no network needed):
      heap, goal and trigger over time, trigger ratio, assist and GC CPU
      share per cycle; for a sweep, peak heap and GC CPU against GOGC.
      --real overlays real go1.10.2 runs of the program (their stderr with
      GODEBUG=gctrace=1,gcpacertrace=1) on a run's heap chart: each real
      cycle's heap at mark termination and goal at its start time; adds
      both per cycle against the run's, and the measures of `compare`.
      Default output: DIR/report.html.

  gogcsim diff A B [--tolerance=REL] [--json]
      Compare two decision logs or two run directories (decisions.jsonl,
      and cycles.jsonl when both have it) record by record: exactly (floats
      by bit pattern; the first differing record and field) or within a
      relative tolerance (how far triggerRatio, gc_trigger, next_gc and
      assistWorkPerByte moved). Exit status 0 same, 1 different, 2 bad input.

  gogcsim sweep [SCENARIO|FILE.json|FILE.trace] --gogc_list=25,50,100,200,400 [--gomaxprocs_list=1,4]
                [--seeds=N] [--seed=BASE] [--records=N] [--threads=N] [--shard=i/N]
                [--out=DIR] [--json]
      Run SCENARIO (default steady) once per grid point, GOGC x GOMAXPROCS
      x seed (seeds BASE..BASE+N-1), on --threads threads (default: all
      cores), and print one row per run. --out=DIR writes DIR/sweep.json
      and DIR/sweep.csv; --json prints sweep.json. Same bytes whatever the
      thread count. --shard=i/N runs only grid indices k with k % N == i
      (shards numbered from 0); merge joins the shards.
  gogcsim merge [--out=DIR] [--json] SHARD_DIR_OR_JSON...
      Join shard tables (sweep.json files, or directories holding one) into
      the table one unsharded sweep writes. Exit status 2 if a shard is
      missing or given twice, or the tables are of different sweeps.

  gogcsim record [--gomaxprocs=N] [--gogc=N] [--out=FILE] [--go_src=TARBALL]
                 PROGRAM.go|DIR [-- ARGS]
      Build a Go program with gogcsim's instrumented go1.10.2 toolchain and
      run it, writing a recording (format v2, traces/recording_v2.md):
      every allocation, span hand-out, sweep, pacer call and scheduler
      event, in the order the runtime's operations took effect. The
      toolchain is built the first time (3-8 minutes, with progress) from
      the go1.10.2 source tarball (--go_src or $GOGCSIM_GO_SRC) and cached
      in $GOGCSIM_CACHE (default ~/.cache/gogcsim). --gogc=-1 is GOGC=off;
      0 leaves GOGC unset. Default output: PROGRAM.rec. Exit status 0; 2 bad
      usage or a program that does not build; 5 the toolchain cannot be
      built; 6 the program failed (exit status or signal); 7 the recording
      is not valid or cannot be written. Nothing is written on failure.
  gogcsim compare RUN_DIR REAL.stderr... [--json]
      A run (run --out=RUN_DIR) against real go1.10.2 runs of the program:
      their stderr with GODEBUG=gctrace=1,gcpacertrace=1. Prints cycles,
      peak heap at mark termination, mean marked heap and final GC CPU,
      simulated against the real runs' min and max (inside if within them
      widened by 2%), then cycle by cycle against the first real run:
      trigger, heap at mark termination, goal and marked heap.
  gogcsim validate GRID_DIR [--json]
      A grid of what-if predictions against real runs, as
      tools/validation_grid.sh makes it: GRID_DIR/cells/PROGRAM-pP-gG, each
      with run/ (gogcsim run --out) and real-*.stderr. Prints each cell's
      cycles, peak heap at mark termination and mean marked heap against
      the real min-max, the mean |error| of each measure against the real
      mean and the cells inside the min-max widened by 2%; writes
      GRID_DIR/validation.{csv,json,html}.
  gogcsim toolchain [--plain] [--go_src=TARBALL]
      Build (or find in the cache) the instrumented, or with --plain the
      plain, go1.10.2 toolchain and print its GOROOT. Exit status 5 if it
      cannot be built.

  gogcsim trace info FILE [--json]
      Summary of a gogcsim trace: events by kind, goroutines, Ps,
      allocations and bytes, a size histogram by powers of two, time span.
      Of a recording: records by kind, threads, allocations per P, GC
      cycles, time span.
  gogcsim trace check FILE
      The recording's own consistency: each goroutine's requests and
      results pair up, and every object lies in a span that the mcache of
      the P that served it held. Exit status 0 consistent, 1 not, 2 bad file.
  gogcsim trace dump FILE [FROM [COUNT]]
      A recording's records in merged order, one per line: position, global
      sequence number (- for a record only its thread orders), thread, P,
      goroutine, kind, fields.
  gogcsim trace import --from=recording|reference|allocfreetrace IN OUT [--gzip]
                       [--gomaxprocs=N] [--gogc=N]
      Convert a recording (gogcsim record's, or a reference .rec.gz; both
      --from=recording and --from=reference take either) or
      GODEBUG=allocfreetrace=1 output into a gogcsim trace (--gzip
      compresses it). --gomaxprocs and
      --gogc record what allocfreetrace output does not say.

  gogcsim help | --help

GOGC and GOMAXPROCS are written as Go users write them: --gogc=off (or -1)
turns the collector off; sweep takes lists, --gogc=25,50,off
--gomaxprocs=1,4 (also --gogc_list, --gomaxprocs_list).

Exit status:
  0  success
  1  replay found a record the simulator did not reproduce; diff found a
     difference; trace check found an inconsistent recording
  2  bad usage (an unknown flag, a flag value that does not parse, an empty
     --out=) or unreadable input (the message names the file, and the line,
     JSON pointer or record)
  3  the simulated program ran out of memory (Go's "fatal error: out of
     memory", with the runtime's line and the heap figures)
  4  writing to standard output failed (a full disk, a closed pipe); an
     output file that cannot be written is status 2, naming it
  5  record, toolchain: the instrumented go1.10.2 could not be built
  6  record: the recorded program failed (nothing is written)
  7  record: the recording is not valid or cannot be written
)";

// The usage text, then the shipped scenarios with the first sentence of
// each one's description, wrapped at 79 columns.
void PrintScenarios(FILE* f) {
  std::fputs("\nShipped scenarios (gogcsim run NAME; default steady):\n", f);
  for (const std::string& name : gogcsim::scenarios::ShippedScenarioNames()) {
    auto cfg = gogcsim::scenarios::BuiltinRun(name);
    std::string about = cfg.ok() ? cfg->description : std::string(cfg.status().message());
    if (size_t dot = about.find(". "); dot != std::string::npos) about.resize(dot + 1);
    std::string line = absl::StrFormat("  %-16s", name);
    for (const absl::string_view word : absl::StrSplit(about, ' ', absl::SkipEmpty())) {
      if (line.size() + 1 + word.size() > 79 && line.size() > 19) {
        std::fprintf(f, "%s\n", line.c_str());
        line = std::string(18, ' ');
      }
      absl::StrAppend(&line, " ", word);
    }
    std::fprintf(f, "%s\n", line.c_str());
  }
}

void PrintUsage(FILE* f) {
  std::fputs(kUsage, f);
  PrintScenarios(f);
}

// Whether -NAME or --NAME, with or without =VALUE, is among the arguments
// (a scenario's own value holds unless the flag is given, even at its
// default).
bool FlagGiven(int argc, char** argv, std::string_view name) {
  for (int i = 1; i < argc; i++) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (!a.starts_with("-")) continue;
    a.remove_prefix(a.starts_with("--") ? 2 : 1);
    if (a.substr(0, a.find('=')) == name) return true;
  }
  return false;
}

std::string Bytes(uint64_t b) { return absl::StrFormat("%.2f MiB", static_cast<double>(b) / (1 << 20)); }


class CycleLog : public gogcsim::model::CycleObserver {
 public:
  void OnCycle(const gogcsim::model::CycleStats& c) override {
    jsonl += gogcsim::traces::CycleJson(c);
    gctrace += gogcsim::traces::GctraceLine(c);
  }
  std::string jsonl, gctrace;
};

int RunGc(const std::string& name, bool seed_given) {
  auto cfg = gogcsim::scenarios::LoadRunnable(name);
  if (!cfg.ok()) return Fail(std::string(cfg.status().message()));
  // Flags given on the command line override the scenario.
  if (seed_given) cfg->seed = absl::GetFlag(FLAGS_seed);
  if (absl::GetFlag(FLAGS_gomaxprocs) != 0) cfg->gomaxprocs = absl::GetFlag(FLAGS_gomaxprocs);
  if (const int ncpu = absl::GetFlag(FLAGS_ncpu); ncpu < -1 || ncpu > 256) {
    return Fail(absl::StrCat("--ncpu=", ncpu, ": must be 0 (a CPU per P) to 256"));
  } else if (ncpu >= 0) {
    cfg->ncpu = ncpu;
  }
  if (absl::GetFlag(FLAGS_gogc) != 0) cfg->gogc = absl::GetFlag(FLAGS_gogc);
  if (absl::GetFlag(FLAGS_records) != 0) gogcsim::scenarios::SetRecords(&*cfg, absl::GetFlag(FLAGS_records));
  if (const std::string life = absl::GetFlag(FLAGS_lifetimes); !life.empty()) {
    if (cfg->workload.trace.empty()) return Fail("--lifetimes: only for a run of a trace or recording");
    cfg->workload.lifetimes = life;
  }
  if (absl::GetFlag(FLAGS_keep_recorder_time)) {
    if (cfg->workload.trace.empty()) return Fail("--keep_recorder_time: only for a run of a trace or recording");
    cfg->workload.keep_recorder_time = true;
  }
  cfg->check_marks = absl::GetFlag(FLAGS_check_marks);
  const std::string out = absl::GetFlag(FLAGS_out);
  // The decision log grows with the run (a few bytes an allocation): it is
  // streamed to a file beside the output directory, and moved into it
  // once the run has succeeded; without --out it is only counted.
  gogcsim::traces::DecisionLog decisions(gogcsim::traces::DecisionLog::Mode::kCount);
  std::string decisions_tmp;
  if (!out.empty()) {
    const std::filesystem::path dir = std::filesystem::absolute(out);
    std::error_code ec;
    std::filesystem::create_directories(dir.parent_path(), ec);
    decisions_tmp = (dir.parent_path() / ("." + dir.filename().string() + ".decisions.tmp-" +
                                          std::to_string(getpid())))
                        .string();
    if (absl::Status st = decisions.StreamTo(decisions_tmp); !st.ok()) return Fail(std::string(st.message()));
  }
  auto drop_tmp = [&] {
    if (decisions_tmp.empty()) return;
    std::error_code ec;
    std::filesystem::remove(decisions_tmp, ec);
  };
  CycleLog cycles;
  auto progress = [&](int64_t t) {
    std::fprintf(stderr, "\r  simulated %.1f s ...", static_cast<double>(t) / 1e9);
  };
  auto r = gogcsim::scenarios::RunScenario(*cfg, &decisions, &cycles, progress);
  std::fprintf(stderr, "\r");
  if (!r.ok()) {
    drop_tmp();
    return gogcsim::tools::FailWith(r.status());
  }
  if (absl::Status st = decisions.Close(); !st.ok()) {
    drop_tmp();
    return Fail(std::string(st.message()));
  }
  nlohmann::ordered_json j;
  j["scenario"] = cfg->name;
  j["seed"] = cfg->seed;
  j["gomaxprocs"] = cfg->gomaxprocs;
  if (cfg->ncpu != 0) j["ncpu"] = cfg->ncpu;  // fewer CPUs than Ps
  j["gogc"] = cfg->gogc;
  j["cycles"] = r->cycles.size();
  j["records"] = r->records;
  j["allocations"] = r->allocations;
  j["bytes_allocated"] = r->bytes_allocated;
  j["objects_freed"] = r->objects_freed;
  j["peak_heap_live"] = r->peak_heap_live;
  j["peak_heap_inuse"] = r->peak_heap_inuse;
  j["virtual_ns"] = r->virtual_ns;
  j["mutator_cpu_ns"] = r->mutator_ns;
  j["gc_cpu_fraction"] = r->cycles.empty() ? 0.0 : r->cycles.back().gc_cpu_fraction;
  j["final_trigger_ratio"] = r->cycles.empty() ? 0.0 : r->cycles.back().triggerRatio;
  j["decision_records"] = decisions.records();
  if (!out.empty()) {
    // Created only now: a run that fails leaves no empty directory behind.
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec) {
      drop_tmp();
      return Fail("cannot create output directory " + out + ": " + ec.message());
    }
    std::filesystem::rename(decisions_tmp, std::filesystem::path(out) / "decisions.jsonl", ec);
    if (ec) {
      drop_tmp();
      return Fail("cannot write " + (std::filesystem::path(out) / "decisions.jsonl").string() + ": " + ec.message());
    }
    for (const auto& [file, text] : {std::pair<std::string, const std::string*>{"cycles.jsonl", &cycles.jsonl},
                                     {"gctrace.txt", &cycles.gctrace}}) {
      const std::string path = (std::filesystem::path(out) / file).string();
      if (absl::Status st = gogcsim::traces::WriteFileAtomically(path, *text); !st.ok()) {
        return Fail(std::string(st.message()));
      }
    }
    const std::string summary = (std::filesystem::path(out) / "summary.json").string();
    if (absl::Status st = gogcsim::traces::WriteFileAtomically(summary, j.dump(2) + "\n"); !st.ok()) {
      return Fail(std::string(st.message()));
    }
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("scenario %s (seed %llu, GOMAXPROCS %d, GOGC %d): %zu GC cycles in %.3f s of virtual time\n",
              cfg->name.c_str(), static_cast<unsigned long long>(cfg->seed), cfg->gomaxprocs, cfg->gogc,
              r->cycles.size(), static_cast<double>(r->virtual_ns) / 1e9);
  const size_t n = r->cycles.size();
  for (size_t i = 0; i < n; i++) {
    if (n > 8 && i == 3) std::printf("  ...\n");
    if (n > 8 && i >= 3 && i < n - 4) continue;
    std::printf("  %s", gogcsim::traces::GctraceLine(r->cycles[i]).c_str());
  }
  std::printf("  allocations %llu (%s), peak heap_live %s, final trigger ratio %.4f, GC CPU %.1f%%\n",
              static_cast<unsigned long long>(r->allocations), Bytes(r->bytes_allocated).c_str(),
              Bytes(r->peak_heap_live).c_str(), n == 0 ? 0.0 : r->cycles.back().triggerRatio,
              n == 0 ? 0.0 : 100 * r->cycles.back().gc_cpu_fraction);
  if (!out.empty()) {
    std::printf("  wrote %s/{decisions.jsonl (%llu records), cycles.jsonl, gctrace.txt, summary.json}\n", out.c_str(),
                static_cast<unsigned long long>(decisions.records()));
  }
  return 0;
}

int Run(const std::vector<char*>& args, bool seed_given) {
  std::string name = args.size() > 1 ? args[1] : "steady";
  if (name.rfind("alloc-mix", 0) != 0) return RunGc(name, seed_given);
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
  std::string engine = absl::GetFlag(FLAGS_engine);
  if (engine != "v1" && engine != "v2" && engine != "auto") return Fail("--engine must be auto, v1 or v2, not " + engine);
  if (engine == "auto") engine = gogcsim::traces::IsRecordingV2(path) ? "v2" : "v1";
  if (engine == "v2") {
    if (!gogcsim::traces::IsRecordingV2(path)) return Fail(path + ": --engine=v2 replays gogcsim recordings only");
    return gogcsim::tools::ReplayV2Command(path, absl::GetFlag(FLAGS_first_gc_only), absl::GetFlag(FLAGS_seed),
                                           absl::GetFlag(FLAGS_json));
  }
  gogcsim::scenarios::ReplayOptions opts;
  opts.stop_at_first_gc = absl::GetFlag(FLAGS_first_gc_only);
  opts.check_invariants = absl::GetFlag(FLAGS_check_invariants);
  opts.seed = absl::GetFlag(FLAGS_seed);
  auto rep = gogcsim::scenarios::ReplayReference(path, opts);
  if (!rep.ok()) return gogcsim::tools::FailWith(rep.status());
  const auto& required = gogcsim::scenarios::kRequiredTags;
  auto is_required = [&](const std::string& tag) {
    return std::find(std::begin(required), std::end(required), tag) != std::end(required);
  };
  auto counts = [](const std::map<std::string, gogcsim::scenarios::TagCount>& m, const std::string& tag) {
    auto it = m.find(tag);
    return it == m.end() ? gogcsim::scenarios::TagCount{} : it->second;
  };
  auto count_json = [](const gogcsim::scenarios::TagCount& c) {
    return nlohmann::ordered_json{{"matched", c.matched}, {"total", c.total}, {"extra", c.extra}};
  };
  if (absl::GetFlag(FLAGS_json)) {
    nlohmann::ordered_json j;
    j["recording"] = rep->path;
    j["lines"] = rep->lines;
    j["allocs"] = rep->allocs;
    j["cycles"] = rep->cycles;
    j["stopped_at_first_gc"] = rep->stopped_at_first_gc;
    j["stopped_at_divergence"] = rep->stopped_at_divergence;
    nlohmann::ordered_json recs = nlohmann::ordered_json::object(), checks = nlohmann::ordered_json::object();
    for (const char* tag : required) {
      recs[tag] = count_json(counts(rep->records, tag));
    }
    for (const auto& [tag, c] : rep->records) {
      if (!is_required(tag)) checks[tag] = count_json(c);
    }
    j["records"] = recs;
    j["checks"] = checks;
    if (rep->first_divergence) {
      const auto& d = *rep->first_divergence;
      j["first_divergence"] = {{"line", d.line}, {"expected", d.expected}, {"simulated", d.simulated},
                               {"state", d.state}};
    } else {
      j["first_divergence"] = nullptr;
    }
    if (!rep->unverifiable_reason.empty()) {
      nlohmann::ordered_json u = nlohmann::ordered_json::object();
      for (const auto& [tag, c] : rep->unverifiable) u[tag] = count_json(c);
      j["unverifiable"] = {{"from_line", rep->unverifiable_from_line}, {"reason", rep->unverifiable_reason},
                           {"records", u}};
    } else {
      j["unverifiable"] = nullptr;
    }
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("replay %s: %llu lines, %llu allocation requests, %u GC cycles%s\n", rep->path.c_str(),
                static_cast<unsigned long long>(rep->lines), static_cast<unsigned long long>(rep->allocs),
                rep->cycles, rep->stopped_at_first_gc ? " (allocator only: stopped at the first GC)" : "");
    if (rep->stopped_at_divergence) {
      std::printf("  stopped at the first divergence: with several Ps, a format v1 file's order is not the order "
                  "the Ps acted in past it\n");
    }
    std::printf("  %-5s %10s %10s\n", "tag", "matched", "total");
    auto row = [](const std::string& tag, const gogcsim::scenarios::TagCount& c) {
      std::string extra = c.extra == 0 ? "" : absl::StrFormat("  (+%d simulated, not recorded)", c.extra);
      std::printf("  %-5s %10llu %10llu%s%s\n", tag.c_str(), static_cast<unsigned long long>(c.matched),
                  static_cast<unsigned long long>(c.total), extra.c_str(),
                  c.matched == c.total && c.extra == 0 ? "" : "  <-");
    };
    for (const char* tag : required) row(tag, counts(rep->records, tag));
    std::printf("  checks of the recording's own inputs:\n");
    for (const auto& [tag, c] : rep->records) {
      if (!is_required(tag)) row(tag, c);
    }
    if (!rep->unverifiable_reason.empty()) {
      std::printf("not checkable: %s\n", rep->unverifiable_reason.c_str());
      uint64_t n = 0;
      for (const auto& [tag, c] : rep->unverifiable) n += c.total;
      std::printf("  (%llu records set aside)\n", static_cast<unsigned long long>(n));
    }
    if (rep->first_divergence) {
      const auto& d = *rep->first_divergence;
      std::printf("first divergence at line %llu\n  recorded:  %s\n  simulated: %s\n  state:     %s\n",
                  static_cast<unsigned long long>(d.line), d.expected.c_str(), d.simulated.c_str(),
                  d.state.c_str());
    }
    if (rep->ok()) std::printf("every checkable record matched\n");
  }
  return rep->ok() ? 0 : 1;
}

}  // namespace

// `gogcsim CMD --help`: the usage blocks of CMD (those whose first line is
// "  gogcsim CMD ..."); false if there are none.
bool PrintCommandUsage(const std::string& cmd) {
  const std::string text = kUsage;
  const std::string head = "  gogcsim " + cmd + " ";
  std::string out;
  for (size_t pos = text.find(head); pos != std::string::npos; pos = text.find(head, pos + 1)) {
    if (pos != 0 && text[pos - 1] != '\n') continue;
    // The block runs to the next line that starts a command or the blank line.
    size_t end = text.find("\n\n", pos);
    const size_t next = text.find("\n  gogcsim ", pos + 1);
    if (next != std::string::npos && next < end) end = next;
    out += text.substr(pos, end == std::string::npos ? std::string::npos : end - pos + 1);
  }
  if (out.empty()) return false;
  std::fputs(out.c_str(), stdout);
  if (cmd == "run" || cmd == "sweep") PrintScenarios(stdout);
  return true;
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h" || a == "help" || a == "--helpfull") {
      // After a command name: that command's usage.
      if (i > 1 && argv[1][0] != '-' && std::string(argv[1]) != "help" && PrintCommandUsage(argv[1])) return 0;
      PrintUsage(stdout);
      return 0;
    }
  }
  // Usage errors are status 2 (absl would exit 1); GOGC=off and lists.
  int status = 0;
  std::vector<std::string> natural = gogcsim::tools::NaturalFlags(argc, argv, &status);
  if (status != 0) return status;
  std::vector<char*> nargv;
  for (std::string& a : natural) nargv.push_back(a.data());
  nargv.push_back(nullptr);
  argc = static_cast<int>(natural.size());
  argv = nargv.data();
  if (int rc = gogcsim::tools::CheckFlags(argc, argv); rc != 0) return rc;
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    PrintUsage(stderr);
    return 2;
  }
  const std::string cmd = args[1];
  std::vector<char*> rest(args.begin() + 1, args.end());
  auto dispatch = [&]() -> int {
    if (cmd == "run") return Run(rest, FlagGiven(argc, argv, "seed"));
    if (cmd == "replay") return Replay();
    if (cmd == "report") return gogcsim::tools::ReportCommand(rest);
    if (cmd == "diff") return gogcsim::tools::DiffCommand(rest);
    if (cmd == "sweep") return gogcsim::tools::SweepCommand(rest);
    if (cmd == "merge") return gogcsim::tools::MergeCommand(rest);
    if (cmd == "trace") return gogcsim::tools::TraceCommand(rest);
    if (cmd == "record") return gogcsim::tools::RecordCommand(rest);
    if (cmd == "compare") return gogcsim::tools::CompareCommand(rest);
    if (cmd == "validate") return gogcsim::tools::ValidateCommand(rest);
    if (cmd == "toolchain") return gogcsim::tools::ToolchainCommand(rest);
    return Fail("unknown command \"" + cmd + "\" (try gogcsim --help)");
  };
  // A full disk or a closed pipe on stdout is an error too.
  return gogcsim::tools::FinishStdout(dispatch());
}
