#include "tools/record_command.h"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/cli.h"
#include "tools/recorder/toolchain.h"
#include "traces/recording_spool.h"
#include "traces/recording_v2.h"

ABSL_FLAG(std::string, go_src, "",
          "record, toolchain: the go1.10.2 source tarball to build the toolchain from (default: $GOGCSIM_GO_SRC)");
ABSL_FLAG(bool, plain, false, "toolchain: the plain (uninstrumented) go1.10.2 toolchain");
ABSL_DECLARE_FLAG(int, gomaxprocs);
ABSL_DECLARE_FLAG(int, gogc);
ABSL_DECLARE_FLAG(std::string, out);

namespace gogcsim::tools {
namespace {

namespace fs = std::filesystem;
namespace rec = ::gogcsim::recorder;

rec::ToolchainOptions Options(bool plain) {
  rec::ToolchainOptions o;
  o.plain = plain;
  o.go_src = absl::GetFlag(FLAGS_go_src);
  if (o.go_src.empty()) {
    if (const char* e = std::getenv("GOGCSIM_GO_SRC"); e != nullptr) o.go_src = e;
  }
  o.progress = [](const std::string& s) { std::fprintf(stderr, "record: %s\n", s.c_str()); };
  return o;
}

// 1234567 -> "1,234,567".
std::string WithCommas(uint64_t v) {
  const std::string digits = absl::StrCat(v);
  std::string s;
  for (size_t i = 0; i < digits.size(); i++) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
    s.push_back(digits[i]);
  }
  return s;
}

struct Counts {
  uint64_t records = 0, allocs = 0, cycles = 0, bytes = 0;
  int64_t gomaxprocs = 0, gogc = 0;
};

// Reads the whole recording back: it must be well-formed.
absl::StatusOr<Counts> Check(const std::string& path) {
  absl::StatusOr<std::unique_ptr<traces::RecordingV2Reader>> r = traces::RecordingV2Reader::Open(path);
  if (!r.ok()) return r.status();
  Counts c;
  traces::V2Record v;
  for (;;) {
    absl::StatusOr<bool> more = (*r)->Next(&v);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (v.tag == 2) c.allocs++;  // A
    if (v.tag == 11) c.cycles++;  // GS
    if (v.tag == 1) {  // H
      c.gomaxprocs = v.v[0];
      c.gogc = v.v[1];
    }
  }
  c.records = (*r)->records();
  c.bytes = (*r)->bytes();
  return c;
}

}  // namespace

int ToolchainCommand(const std::vector<char*>& args) {
  if (args.size() != 1) return Fail("usage: gogcsim toolchain [--plain] [--go_src=FILE]");
  absl::StatusOr<std::string> goroot = rec::EnsureToolchain(Options(absl::GetFlag(FLAGS_plain)));
  if (!goroot.ok()) {
    std::fprintf(stderr, "gogcsim: %s\n", std::string(goroot.status().message()).c_str());
    return kExitToolchain;
  }
  std::printf("%s\n", goroot->c_str());
  return 0;
}

int RecordCommand(const std::vector<char*>& args) {
  if (args.size() < 2) return Fail("usage: gogcsim record [--gomaxprocs=N] [--gogc=N] [--out=FILE] PROGRAM.go|DIR [-- ARGS]");
  const std::string program = args[1];
  const int procs = absl::GetFlag(FLAGS_gomaxprocs), gogc = absl::GetFlag(FLAGS_gogc);
  if (procs < 0) return Fail(absl::StrCat("--gomaxprocs=", procs, ": must be at least 1 (0: the machine's cores)"));
  if (!fs::exists(program)) return Fail(absl::StrCat(program, ": no such file or directory"));
  std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::string stem = fs::path(program).stem().string();
    if (fs::is_directory(program)) stem = fs::absolute(program).lexically_normal().filename().string();
    if (stem.empty()) stem = "program";
    out = stem + ".rec";
  }
  if (fs::is_directory(out)) return Fail(absl::StrCat("--out=", out, ": is a directory"));
  const fs::path out_dir = fs::absolute(out).parent_path();
  if (!fs::is_directory(out_dir)) return Fail(absl::StrCat("--out=", out, ": no directory ", out_dir.string()));

  absl::StatusOr<std::string> goroot = rec::EnsureToolchain(Options(false));
  if (!goroot.ok()) {
    std::fprintf(stderr, "gogcsim: %s\n", std::string(goroot.status().message()).c_str());
    return kExitToolchain;
  }
  char tmpl[] = "/tmp/gogcsim-record-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Fail("cannot create a directory in /tmp");
  const std::string work = tmpl;
  auto cleanup = [&] {
    std::error_code ec;
    fs::remove_all(work, ec);
  };
  const std::string bin = work + "/" + fs::path(program).stem().string();
  if (absl::Status st = rec::BuildProgram(*goroot, program, bin); !st.ok()) {
    cleanup();
    return Fail(std::string(st.message()));
  }
  // The program spools its raw records beside the output (the spool takes
  // about 50 bytes per allocation, three times the recording); they are
  // encoded after it exits.
  const std::string tmp = absl::StrCat(fs::absolute(out).string(), ".tmp-", getpid());
  const std::string spool = absl::StrCat(fs::absolute(out).string(), ".spool-", getpid());
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::remove(spool, ec);
  std::vector<std::string> argv = {bin};
  for (size_t i = 2; i < args.size(); i++) argv.emplace_back(args[i]);
  std::vector<std::string> env = {"GOGCSIM_RECORD=" + spool};
  if (procs > 0) env.push_back(absl::StrCat("GOMAXPROCS=", procs));
  if (gogc != 0) env.push_back(gogc < 0 ? std::string("GOGC=off") : absl::StrCat("GOGC=", gogc));
  absl::StatusOr<rec::ExitInfo> ran = rec::RunProgram(argv, env);
  cleanup();
  auto program_failed = [&](const std::string& why) {
    fs::remove(spool, ec);
    std::fprintf(stderr, "gogcsim: %s: %s; no recording written\n", program.c_str(), why.c_str());
    return kExitProgram;
  };
  if (!ran.ok()) return program_failed(std::string(ran.status().message()));
  if (ran->signal != 0) return program_failed(absl::StrCat("killed by signal ", ran->signal));
  if (ran->status != 0) {
    return program_failed(absl::StrCat("exited with status ", ran->status,
                              ran->status == 2 ? " (a Go panic or fatal error exits 2)" : ""));
  }
  const auto encode_start = std::chrono::steady_clock::now();
  absl::StatusOr<traces::SpoolStats> encoded = traces::ConvertSpool(spool, tmp);
  fs::remove(spool, ec);
  if (!encoded.ok()) {
    fs::remove(tmp, ec);
    // ConvertSpool: Internal for the output it could not write, else the spool at fault.
    std::fprintf(stderr, "gogcsim: %s: %s\n",
                 absl::IsInternal(encoded.status()) ? "cannot write the recording" : "the recording is not valid",
                 std::string(encoded.status().message()).c_str());
    return kExitRecording;
  }
  const double encode_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - encode_start).count();
  absl::StatusOr<Counts> c = Check(tmp);
  if (!c.ok()) {
    fs::remove(tmp, ec);
    std::fprintf(stderr, "gogcsim: the recording is not valid: %s\n", std::string(c.status().message()).c_str());
    return kExitRecording;
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    fs::remove(tmp, ec);
    std::fprintf(stderr, "gogcsim: cannot write %s: %s\n", out.c_str(), ec.message().c_str());
    return kExitRecording;
  }
  std::printf(
      "recorded %s (GOMAXPROCS %lld, GOGC %lld): %s allocations, %s GC cycles, %s records, %.1f MB, %.2f s "
      "(encoded in %.2f s) -> %s\n",
      program.c_str(), static_cast<long long>(c->gomaxprocs), static_cast<long long>(c->gogc),
      WithCommas(c->allocs).c_str(), WithCommas(c->cycles).c_str(), WithCommas(c->records).c_str(),
      static_cast<double>(c->bytes) / 1e6, ran->seconds, encode_seconds, out.c_str());
  return 0;
}

}  // namespace gogcsim::tools
