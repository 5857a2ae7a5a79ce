#!/usr/bin/env bash
# The what-if validation grid (issue: what-if accuracy). Each program is
# recorded once at GOGC 100 at each GOMAXPROCS, then predicted from that
# recording (gogcsim run --gogc) at every GOGC; each cell is compared with
# RUNS runs of the program built with the plain go1.10.2 toolchain, with
# GODEBUG=gctrace=1,gcpacertrace=1. gogcsim validate then writes
# OUT/validation.{csv,json,html} and prints the mean errors and the cells
# inside the real runs' spread.
#
#   bash tools/validation_grid.sh [OUT_DIR]        (default out/validation)
#
# Environment, for smaller grids (tests/validation_grid_test.sh):
#   GRID_PROGRAMS  "name[:arg,arg]..." of tests/programs or the reference
#                  programs (default: all eleven, at their own sizes)
#   GRID_GOGC      GOGC values (default "25 50 100 200 400")
#   GRID_PROCS     GOMAXPROCS values (default "1 4")
#   GRID_RUNS      real runs per cell (default 5)
#   GRID_CPUS      a CPU list (taskset -c) for the recordings and the real
#                  runs (default: every CPU); the predictions share as many
#                  CPUs among the Ps (gogcsim run --ncpu)
#   GRID_LIFETIMES a GOGC (default 1; empty: none): each program is also
#                  recorded at it, and the predictions take their object
#                  lifetimes from that recording (gogcsim run --lifetimes;
#                  a cell whose lifetime recording does not import runs
#                  without, with a warning)
# A cell's directory is OUT/cells/PROGRAM-pP-gG; an existing OUT is
# replaced. The toolchains are built first if missing (minutes, once).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$(mkdir -p "${1:-$repo/out/validation}" && cd "${1:-$repo/out/validation}" && pwd)"
PROGRAMS="${GRID_PROGRAMS:-churn trees phase steady workers bigbuf blocking maps pipeline pool stacks}"
GOGCS="${GRID_GOGC:-25 50 100 200 400}"
PROCS="${GRID_PROCS:-1 4}"
RUNS="${GRID_RUNS:-5}"
LIFETIMES="${GRID_LIFETIMES-1}"
PIN=()
if [ -n "${GRID_CPUS:-}" ]; then PIN=(taskset -c "$GRID_CPUS"); fi
NCPU=$("${PIN[@]}" nproc)
: "${GOGCSIM_GO_SRC:=$repo/../shared/go/go1.10.2-src.tar.xz}"
export GOGCSIM_GO_SRC
if [ -z "${GOGCSIM_BIN:-}" ]; then
  (cd "$repo" && bash tools/setup.sh && bazel build //tools:gogcsim >&2)
  GOGCSIM_BIN="$repo/bazel-bin/tools/gogcsim"
fi
BIN="$GOGCSIM_BIN"
PLAIN=$("$BIN" toolchain --plain)
rm -rf "$OUT/cells" "$OUT/recordings" "$OUT/bin"
mkdir -p "$OUT/cells" "$OUT/recordings" "$OUT/bin"

for spec in $PROGRAMS; do
  name="${spec%%:*}"
  args=()
  [ "$spec" = "$name" ] || IFS=, read -r -a args <<<"${spec#*:}"
  src="$repo/tests/programs/$name.go"
  [ -f "$src" ] || src="$repo/../shared/reference/programs/$name.go"
  [ -f "$src" ] || { echo "validation_grid: no program $name" >&2; exit 2; }
  (cd "$(dirname "$src")" && GOROOT="$PLAIN" GO111MODULE=off "$PLAIN/bin/go" build -o "$OUT/bin/$name" "$(basename "$src")")
  for p in $PROCS; do
    rec="$OUT/recordings/$name-p$p.rec"
    "${PIN[@]}" "$BIN" record --gomaxprocs="$p" --gogc=100 --out="$rec" "$src" ${args[@]+-- "${args[@]}"} >"$rec.out"
    life=()
    if [ -n "$LIFETIMES" ]; then
      "${PIN[@]}" "$BIN" record --gomaxprocs="$p" --gogc="$LIFETIMES" --out="$rec.life" "$src" \
        ${args[@]+-- "${args[@]}"} >"$rec.life.out"
      life=(--lifetimes="$rec.life")
    fi
    for g in $GOGCS; do
      cell="$OUT/cells/$name-p$p-g$g"
      mkdir -p "$cell"
      if ! "$BIN" run "$rec" --gogc="$g" --gomaxprocs="$p" --ncpu="$NCPU" ${life[@]+"${life[@]}"} \
        --out="$cell/run" >"$cell/run.out" 2>"$cell/run.err"; then
        [ ${#life[@]} -gt 0 ] || { cat "$cell/run.err" >&2; exit 1; }
        echo "validation_grid: $name-p$p-g$g: without lifetimes: $(tr '\r' '\n' <"$cell/run.err" | tail -1)" >&2
        "$BIN" run "$rec" --gogc="$g" --gomaxprocs="$p" --ncpu="$NCPU" --out="$cell/run" >"$cell/run.out"
      fi
      for ((k = 1; k <= RUNS; k++)); do
        GOGC=$g GOMAXPROCS=$p GODEBUG=gctrace=1,gcpacertrace=1 "${PIN[@]}" "$OUT/bin/$name" ${args[@]+"${args[@]}"} \
          >/dev/null 2>"$cell/real-$k.stderr"
      done
      echo "validation_grid: $name-p$p-g$g done" >&2
    done
  done
done
"$BIN" validate "$OUT"
