#!/usr/bin/env bash
# The recorder, end to end, on programs recorded fresh on every run (run by
# tools/test.sh after `bazel build //tools:gogcsim`, outside Bazel's sandbox:
# it uses the toolchain cache, building the instrumented go1.10.2 toolchain
# first if it is missing).
#
# - GOMAXPROCS 1: two single-goroutine programs (one of ours, one of the
#   reference ones) and one of 64 goroutines that block and wake, recorded
#   and replayed: every record must match in replay v2 of the recording,
#   and every checkable one in the reference replay of the trace imported
#   from it (tests/replay_v2_test.sh replays at GOMAXPROCS 1 to 8).
# - GOMAXPROCS 2, 4 and 8: four programs whose goroutines move between Ps;
#   the file must be well-formed and consistent (`trace check`:
#   per-goroutine A/Z pairs, every object in a span its serving P's mcache
#   held), and replay v2 must match every record.
# - Bad input: a corrupt and a truncated recording, a program that does not
#   compile and one that panics: clear errors, documented statuses, no file.
set -uo pipefail
source "$(dirname "$0")/cli_lib.sh"
recorder_setup || { finish; exit 1; }

replays() {  # replays NAME FILE WANT: the replay's report ends in WANT
  "$BIN" replay --reference="$2" >"$1.replay" 2>&1; local rc=$?
  check "$1: replay exits 0" test $rc -eq 0
  check "$1: every record matches" grep -q "^$3" "$1.replay"
  check "$1: nothing set aside (the exit sweep recorded every mark)" test -z "$(grep '^not checkable' "$1.replay")"
  [ $rc -eq 0 ] || head -30 "$1.replay"
}

for spec in "maps 1 12" "steady 1 0" "blocking 1 20000" "pipeline 4 4000" "stacks 4 400" "pool 8 20000" "blocking 2 5000"; do
  set -- $spec
  name="$1-p$2"
  src="$PROGS/$1.go"
  [ -f "$src" ] || src="$REF/../programs/$1.go"  # the reference programs
  args=()
  [ "$3" = 0 ] || args=(-- "$3")
  "$BIN" record --gomaxprocs="$2" --out="$name.rec" "$src" "${args[@]}" >"$name.out" 2>"$name.err"; rc=$?
  check "$name: record exits 0" test $rc -eq 0
  check "$name: summary" grep -Eq "^recorded .*\(GOMAXPROCS $2, GOGC 100\): [0-9,]+ allocations" "$name.out"
  check "$name: no temporary file left" test -z "$(ls "$name".rec.tmp-* 2>/dev/null)"
  "$BIN" trace check "$name.rec" >"$name.check"; rc=$?
  check "$name: trace check exits 0" test $rc -eq 0
  check "$name: consistent" grep -q "^consistent$" "$name.check"
  "$BIN" trace info "$name.rec" >"$name.info"
  check "$name: trace info names the format" grep -q "gogcsim format v2, GOMAXPROCS $2, GOGC 100" "$name.info"
  check "$name: trace info on the recorder's own time" grep -Eq "^  recorder     ([0-9.]+ ms of the recorded clock|not measured \(too few window pairs\))" "$name.info"
  if [ "$name" = steady-p1 ]; then  # 1.1 M records: enough window pairs (27) for a measure
    check "$name: the recorder's own time measured" grep -Eq "^  recorder     [0-9]+\.[0-9] ms of the recorded clock \([0-9.]+ ns a word written, median of [0-9]+ window pairs\)" "$name.info"
  fi
  if [ "$2" = 1 ]; then
    replays "$name" "$name.rec" "every record matched"
    check "$name: replay v2 (the recording is the schedule)" grep -q "^replay v2 " "$name.replay"
    "$BIN" trace import --from=recording "$name.rec" "$name.trace" >/dev/null
    replays "$name.trace" "$name.trace" "every checkable record matched"
    # The same allocation requests, replayed by either engine.
    a=$(sed -n 's/^replay v2 .* records, \([0-9]*\) allocation requests.*/\1/p' "$name.replay")
    b=$(sed -n 's/^replay .* lines, \([0-9]*\) allocation requests.*/\1/p' "$name.trace.replay")
    check "$name: both replays take the same $a requests" test -n "$a" -a "$a" = "$b"
  else
    ps=$(grep -c "^    on P [0-7] " "$name.info")
    check "$name: allocations on more than one P" test "$ps" -gt 1
    # Replay v2 follows the recording's order at any GOMAXPROCS.
    replays "$name" "$name.rec" "every record matched"
  fi
done

# run and sweep take a recording directly (imported once, then reused).
"$BIN" run maps-p1.rec --gogc=200 >run.out 2>run.err; rc=$?
check "run takes a recording" test $rc -eq 0
"$BIN" run maps-p1.rec --gogc=200 --keep_recorder_time >keep.out 2>keep.err; rc=$?
check "run --keep_recorder_time takes a recording" test $rc -eq 0
"$BIN" run steady --keep_recorder_time >keep-scenario.out 2>keep-scenario.err; rc=$?
check "run --keep_recorder_time on a scenario exits 2" test $rc -eq 2
check "run --keep_recorder_time on a scenario says why" grep -q "only for a run of a trace or recording" keep-scenario.err
check "run: what-if at GOGC 200" grep -q "^scenario maps-p1.rec (seed 1, GOMAXPROCS 1, GOGC 200): [0-9]* GC cycles" run.out
"$BIN" sweep maps-p1.rec --gogc_list=50,100 --threads=1 >sweep.out 2>&1; rc=$?
check "sweep takes a recording" test $rc -eq 0
# The import keeps when each goroutine ran (GB and GE: GO_RUN, GO_STOP).
"$BIN" trace import --from=recording pipeline-p4.rec pipeline-p4.trace >import.out 2>&1
"$BIN" trace info pipeline-p4.trace >import.info 2>&1
check "import: GO_RUN events" grep -Eq "^    GO_RUN +[1-9]" import.info
check "import: GO_STOP events" grep -Eq "^    GO_STOP +[1-9]" import.info

# Exits: main returns while a goroutine spins in a loop without calls (Go
# 1.10 cannot stop the world then: the recorder must not need to), and
# os.Exit from a goroutine while four others allocate.
cat >spin.go <<'GO'
package main

import "time"

var counter int

func main() {
	go func() {
		for {
			counter++
		}
	}()
	time.Sleep(10 * time.Millisecond)
	_ = make([]int, 100)
}
GO
cat >osexit.go <<'GO'
package main

import (
	"os"
	"time"
)

var sink [4][][]byte

func main() {
	for i := 0; i < 4; i++ {
		go func(i int) {
			for {
				sink[i] = append(sink[i], make([]byte, 64))
				if len(sink[i]) > 10000 {
					sink[i] = nil
				}
			}
		}(i)
	}
	time.Sleep(20 * time.Millisecond)
	os.Exit(0)
}
GO
for prog in spin osexit; do
  timeout 120 "$BIN" record --gomaxprocs=2 --out="$prog.rec" "$prog.go" >"$prog.out" 2>&1; rc=$?
  check "$prog: recorded (exit $rc)" test $rc -eq 0
  "$BIN" trace check "$prog.rec" >"$prog.check" 2>&1
  check "$prog: consistent" grep -q "^consistent$" "$prog.check"
done

# compare: a what-if run against real runs' gctrace (three runs of maps
# built with the toolchain and not recording: its hooks return at once).
GOROOT_REC=$(cat toolchain.txt)
(cd "$PROGS" && GOROOT="$GOROOT_REC" GO111MODULE=off "$GOROOT_REC/bin/go" build -o "$TMP/maps.bin" maps.go)
for i in 1 2 3; do
  GOMAXPROCS=1 GODEBUG=gctrace=1,gcpacertrace=1 ./maps.bin 12 >/dev/null 2>"real$i.stderr"
done
"$BIN" run maps-p1.rec --out=whatif >/dev/null 2>&1
"$BIN" compare whatif real1.stderr real2.stderr real3.stderr >compare.out 2>&1; rc=$?
check "compare exits 0" test $rc -eq 0
check "compare: 3 real runs" grep -q "^compare whatif with 3 real runs" compare.out
check "compare: the four measures" test "$(grep -cE '^  (GC cycles|peak heap|mean marked|GC CPU)' compare.out)" -eq 4
check "compare: cycle by cycle" grep -Eq "^ +1 +[-0-9./]+ +[0-9.]+/[0-9.]+ " compare.out
"$BIN" compare whatif maps-p1.rec >bad.out 2>&1; rc=$?
check "compare: a file that is not a gctrace log exits 2" test $rc -eq 2

# A corrupt byte inside the first chunk, and a cut file.
cp maps-p1.rec bad.rec
printf "\x55" | dd of=bad.rec bs=1 seek=45 conv=notrunc 2>/dev/null
"$BIN" replay --reference=bad.rec >bad.out 2>&1; rc=$?
check "corrupt: replay exits 2" test $rc -eq 2
check "corrupt: names the file, offset and checksum" grep -q "bad.rec: offset 16: chunk checksum mismatch" bad.out
head -c 100000 maps-p1.rec >cut.rec
"$BIN" trace check cut.rec >cut.out 2>&1; rc=$?
check "truncated: trace check exits 2" test $rc -eq 2
check "truncated: says so" grep -Eq "cut.rec: offset [0-9]+: truncated chunk" cut.out

printf 'package main\n\nfunc main() { x := 1 }\n' >nobuild.go
"$BIN" record --out=nobuild.rec nobuild.go >nobuild.out 2>&1; rc=$?
check "no build: exit 2" test $rc -eq 2
check "no build: the compiler's message" grep -q "nobuild.go:3:15: x declared and not used" nobuild.out
check "no build: no file" test ! -e nobuild.rec

printf 'package main\n\nfunc main() {\n\tvar m map[int]int\n\tm[1] = 2\n}\n' >panics.go
"$BIN" record --out=panics.rec panics.go >panics.out 2>&1; rc=$?
check "panic: exit 6" test $rc -eq 6
check "panic: says how it ended" grep -q "exited with status 2 (a Go panic or fatal error exits 2); no recording written" panics.out
check "panic: no file" test -z "$(ls panics.rec* 2>/dev/null)"

[ $fails -eq 0 ] || { echo "scratch files kept in $TMP"; }
finish
