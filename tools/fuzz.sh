#!/usr/bin/env bash
# Builds and runs one libFuzzer target under ASan + UBSan:
#
#   bash tools/fuzz.sh TARGET [SECONDS] [libFuzzer flags...]
#
# TARGET (the input kind; the fuzzer's source sits beside the code it
# feeds, its seed corpus in that package's testdata/fuzz/TARGET, which the
# fuzzer's *_corpus_test runs in the ordinary test suite):
#   scenario        scenario JSON               scenarios/scenario_fuzzer.cc
#   reference       reference recording (.rec)  traces/reference_reader_fuzzer.cc
#   recording       gogcsim recording (v2 .rec) traces/recording_v2_fuzzer.cc
#   spool           recorder spool              traces/recording_spool_fuzzer.cc
#   trace           gogcsim trace               traces/trace_reader_fuzzer.cc
#   allocfreetrace  GODEBUG=allocfreetrace=1    traces/allocfreetrace_import_fuzzer.cc
#   sweep_table     sweep.json                  traces/sweep_table_fuzzer.cc
#   decision_log    decisions.jsonl (JSON Lines) traces/decision_diff_fuzzer.cc
#
# SECONDS defaults to 600. Bazel's toolchain is gcc, which has no libFuzzer,
# so the target is compiled here with Debian's clang-14 (`tools/setup.sh
# fuzz` installs it and libfuzzer-14-dev) from the sources Bazel lists for its
# library; Bazel only generates trace.pb.cc and the embedded scenarios.
# Output in out/fuzz/TARGET/: the binary, the corpus grown from the seeds,
# and crash-*/leak-*/timeout-* files if it finds any (exit status non-zero).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: bash tools/fuzz.sh TARGET [SECONDS] [libFuzzer flags...]}"
seconds="${2:-600}"
shift $(($# >= 2 ? 2 : 1))
case "$target" in
  scenario)       src=scenarios/scenario_fuzzer.cc;            lib=//scenarios:scenario ;;
  reference)      src=traces/reference_reader_fuzzer.cc;       lib="//traces:reference_import + //traces:record_checker" ;;
  recording)      src=traces/recording_v2_fuzzer.cc;           lib="//traces:recording_v2 + //traces:recording_check + //traces:reference_import + //traces:record_checker" ;;
  spool)          src=traces/recording_spool_fuzzer.cc;        lib="//traces:recording_spool + //traces:recording_v2" ;;
  trace)          src=traces/trace_reader_fuzzer.cc;           lib="//traces:trace_reader + //traces:trace_record_source + //traces:record_checker" ;;
  allocfreetrace) src=traces/allocfreetrace_import_fuzzer.cc;  lib="//traces:allocfreetrace_import + //traces:trace_reader" ;;
  sweep_table)    src=traces/sweep_table_fuzzer.cc;            lib=//traces:sweep_table ;;
  decision_log)   src=traces/decision_diff_fuzzer.cc;          lib=//traces:decision_diff ;;
  *) echo "fuzz.sh: unknown target $target" >&2; exit 2 ;;
esac
bash tools/setup.sh fuzz
bazel build --noshow_progress //traces:trace_proto_gen //scenarios:shipped_scenarios_cc >&2
gen="$(bazel info bazel-bin 2>/dev/null)"
# The library's own sources (this workspace's .cc files, not @external
# ones), plus the generated ones.
mapfile -t srcs < <(bazel query --noshow_progress "kind('source file', deps($lib))" 2>/dev/null |
  sed -n 's|^//\([^:]*\):\(.*\.cc\)$|\1/\2|p' | sed 's|^/||')
srcs+=("$gen/traces/trace.pb.cc" "$gen/scenarios/shipped_scenarios.cc")
seeds="$PWD/$(dirname "$src")/testdata/fuzz/$target"
out="out/fuzz/$target"
mkdir -p "$out/corpus"
# shellcheck disable=SC2046
clang++-14 -std=c++20 -O1 -g -fno-omit-frame-pointer -ffp-contract=off \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I. -I"$gen" "$src" "${srcs[@]}" -o "$out/fuzzer" \
  $(pkg-config --libs absl_status absl_statusor absl_str_format absl_strings absl_flat_hash_map absl_time \
      absl_synchronization absl_cord) -lprotobuf -lz -lpthread
cd "$out"
# -max_len 65536: big enough for a chunk of a trace; -rss_limit_mb: a leak
# or a runaway allocation is a finding; -timeout: a hang is one too.
exec ./fuzzer -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=25 \
  -print_final_stats=1 "$@" corpus "$seeds"
