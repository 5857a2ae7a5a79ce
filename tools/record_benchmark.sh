#!/usr/bin/env bash
# The recorder's cost: each program built with the plain and with the
# instrumented go1.10.2 toolchain (both from tools/recorder's cache, built
# first if missing), run RUNS times each, alternating, in one run of this
# script. Reports per program the median wall time of each, their ratio,
# the ratio of the fastest runs (load on a VM only adds time: the
# steadier figure when the machine is shared), and the GC cycles of every
# run (GODEBUG=gctrace=1), with whether the recorded runs' cycles fall
# inside the plain runs' min-max.
#
#   bash tools/record_benchmark.sh [RUNS] [--csv FILE]   (default RUNS 5)
#
# Targets (issue: recorder): wall time at most 1.3x plain; cycle counts
# within the plain runtime's run-to-run spread. Needs a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
CSV=""
if [ "${2:-}" = "--csv" ]; then CSV="$3"; fi
: "${GOGCSIM_GO_SRC:=$PWD/../shared/go/go1.10.2-src.tar.xz}"
export GOGCSIM_GO_SRC
bash tools/setup.sh
bazel build //tools:gogcsim >&2
BIN="$PWD/bazel-bin/tools/gogcsim"
PLAIN=$("$BIN" toolchain --plain)
REC=$("$BIN" toolchain)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
REFPROGS="$PWD/../shared/reference/programs"

# name  source  GOMAXPROCS  args
PROGRAMS=(
  "churn $REFPROGS/churn.go 1"
  "trees $REFPROGS/trees.go 1"
  "phase $REFPROGS/phase.go 1"
  "steady $REFPROGS/steady.go 1"
  "workers $REFPROGS/workers.go 2"
  "pipeline tests/programs/pipeline.go 4"
  "pool tests/programs/pool.go 4"
  "maps tests/programs/maps.go 1"
  "bigbuf tests/programs/bigbuf.go 1"
  "stacks tests/programs/stacks.go 4"
  "blocking tests/programs/blocking.go 4"
)

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '%-9s %3s %10s %10s %6s %9s  %-22s %-22s %s\n' program P plain_ms rec_ms ratio ratio_min plain_cycles rec_cycles inside
[ -z "$CSV" ] || echo "program,gomaxprocs,plain_ms_median,rec_ms_median,ratio,ratio_min,plain_cycles,rec_cycles,cycles_inside" >"$CSV"
for spec in "${PROGRAMS[@]}"; do
  set -- $spec
  name="$1"; src="$2"; procs="$3"
  (cd "$(dirname "$src")" && GOROOT="$PLAIN" GO111MODULE=off "$PLAIN/bin/go" build -o "$WORK/$name.plain" "$(basename "$src")")
  (cd "$(dirname "$src")" && GOROOT="$REC" GO111MODULE=off "$REC/bin/go" build -o "$WORK/$name.rec" "$(basename "$src")")
  pt=""; rt=""; pc=""; rc=""
  for ((i = 0; i < RUNS; i++)); do
    t=$(date +%s%N)
    c=$(GOMAXPROCS=$procs GODEBUG=gctrace=1 "$WORK/$name.plain" 2>&1 >/dev/null | grep -c '^gc ' || true)
    pt="$pt $(ms "$t")"; pc="$pc $c"
    rm -f "$WORK/r.rec"
    t=$(date +%s%N)
    c=$(GOGCSIM_RECORD="$WORK/r.rec" GOMAXPROCS=$procs GODEBUG=gctrace=1 "$WORK/$name.rec" 2>&1 >/dev/null | grep -c '^gc ' || true)
    rt="$rt $(ms "$t")"; rc="$rc $c"
  done
  pm=$(echo "$pt" | median); rm_=$(echo "$rt" | median)
  ratio=$(awk -v a="$rm_" -v b="$pm" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}')
  pmin=$(echo "$pt" | tr ' ' '\n' | grep . | sort -n | head -1); rmin=$(echo "$rt" | tr ' ' '\n' | grep . | sort -n | head -1)
  rmin_ratio=$(awk -v a="$rmin" -v b="$pmin" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}')
  lo=$(echo "$pc" | tr ' ' '\n' | grep . | sort -n | head -1); hi=$(echo "$pc" | tr ' ' '\n' | grep . | sort -n | tail -1)
  inside=yes
  for c in $rc; do if [ "$c" -lt "$lo" ] || [ "$c" -gt "$hi" ]; then inside=no; fi; done
  printf '%-9s %3s %10s %10s %6s %9s  %-22s %-22s %s\n' "$name" "$procs" "$pm" "$rm_" "$ratio" "$rmin_ratio" "$(echo $pc)" "$(echo $rc)" "$inside"
  [ -z "$CSV" ] || echo "$name,$procs,$pm,$rm_,$ratio,$rmin_ratio,$(echo $pc | tr ' ' ';'),$(echo $rc | tr ' ' ';'),$inside" >>"$CSV"
done
