#!/usr/bin/env bash
# Inputs that once crashed, hung or were taken as good (issue 19): each must
# now end in a message and its documented exit status (README, "Exit
# status"), never a signal.
set -uo pipefail

source "$TEST_SRCDIR/$TEST_WORKSPACE/tests/cli_lib.sh"

# expect_exit NAME STATUS PATTERN CMD...: CMD exits STATUS and its stderr
# matches PATTERN (grep -E).
expect_exit() {
  local name="$1" want="$2" pattern="$3"; shift 3
  timeout 120 "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  check "$name: exit $want (got $rc)" test "$rc" -eq "$want"
  check "$name: message /$pattern/" grep -qE -- "$pattern" "$TMP/err"
  [ "$rc" -eq "$want" ] || { echo "  stderr:"; head -c 600 "$TMP/err"; echo; }
}

# --- JSON numbers beyond a double (exit 134 before) ---
echo '{"seed": 1e999}' >"$TMP/big.json"
expect_exit "scenario 1e999" 2 "big.json:1:10: malformed JSON: number overflow parsing '1e999'" "$BIN" run "$TMP/big.json"

"$BIN" sweep steady --gogc_list=50,100 --records=2000 --threads=1 --out="$TMP/sw" >/dev/null 2>&1
check "small sweep written" test -s "$TMP/sw/sweep.json"
mkdir -p "$TMP/sw-big"
sed 's/"gc_cpu_fraction": [0-9.e+-]*/"gc_cpu_fraction": 1e999/' "$TMP/sw/sweep.json" >"$TMP/sw-big/sweep.json"
expect_exit "merge of sweep.json with 1e999" 2 "malformed JSON: number overflow" "$BIN" merge "$TMP/sw-big"
expect_exit "report of sweep.json with 1e999" 2 "malformed JSON: number overflow" "$BIN" report "$TMP/sw-big" --out="$TMP/r.html"

# --- merge: negative values are not copied into the table ---
mkdir -p "$TMP/sw-neg" "$TMP/sw-neg2"
sed '0,/"gc_cpu_fraction": [0-9.e+-]*/s//"gc_cpu_fraction": -0.5/' "$TMP/sw/sweep.json" >"$TMP/sw-neg/sweep.json"
expect_exit "merge of gc_cpu_fraction -0.5" 2 'runs\[0\]\.gc_cpu_fraction: -0.5 is negative' "$BIN" merge "$TMP/sw-neg"
sed '0,/"pause_max_ns": [0-9]*/s//"pause_max_ns": -2147483649/' "$TMP/sw/sweep.json" >"$TMP/sw-neg2/sweep.json"
expect_exit "merge of pause_max_ns -2147483649" 2 'pause_max_ns: -2147483649 is negative' "$BIN" merge "$TMP/sw-neg2"

# --- duplicate keys ---
mkdir -p "$TMP/sw-dup"
sed '0,/"cycles": /s//"cycles": 1, "cycles": /' "$TMP/sw/sweep.json" >"$TMP/sw-dup/sweep.json"
expect_exit "merge of a duplicate key" 2 'sweep.json: /runs/0/cycles: duplicate key' "$BIN" merge "$TMP/sw-dup"
"$BIN" run steady --records=2000 --out="$TMP/run" >/dev/null 2>&1
check "small run written" test -s "$TMP/run/summary.json"
cp -r "$TMP/run" "$TMP/run-dup"
sed '0,/"seed": /s//"seed": 7, "seed": /' "$TMP/run/summary.json" >"$TMP/run-dup/summary.json"
expect_exit "report of a run dir with a duplicate key" 2 'summary.json: /seed: duplicate key' "$BIN" report "$TMP/run-dup" --out="$TMP/r.html"
cp -r "$TMP/run" "$TMP/run-dup2"
sed '1s/^{/{"kind": "x", /' "$TMP/run/decisions.jsonl" >"$TMP/run-dup2/decisions.jsonl"
expect_exit "diff of a decision log with a duplicate key" 2 'decisions.jsonl:1: /kind: duplicate key' "$BIN" diff "$TMP/run" "$TMP/run-dup2"

# --- reference recordings out of range: checked by the reader, for replay and import ---
zcat "$REF/churn-p1.rec.gz" | head -n 151 >"$TMP/ok.rec"
check "line 5 is an A record, line 4 an MA" test "$(sed -n '4s/ .*//p;5s/ .*//p' "$TMP/ok.rec" | tr '\n' ' ')" = "MA A "
# bad NAME LINE FIELD VALUE: ok.rec with field FIELD (0 = the tag) of LINE set to VALUE.
bad() { awk -v l="$2" -v f="$3" -v v="$4" 'NR == l { $(f + 1) = v } 1' "$TMP/ok.rec" >"$TMP/$1.rec"; }
bad a-size-2p41 5 3 2199023255552
bad a-p-2p31 5 1 2147483648
bad a-p-2p62 5 1 4611686018427387904
bad a-p-1e6 5 1 1000000
bad ma-npages-minus1 4 2 -1
bad ma-npages-0 4 2 0
bad ma-npages-1e9 4 2 1000000000
bad a-time-2p62 5 7 4611686018427387904
for c in a-size-2p41:"A field 2 \(size\): 2199023255552 outside" a-p-2p31:"A field 0 \(p\): 2147483648 outside" \
         a-p-2p62:"A field 0 \(p\): 4611686018427387904 outside" a-p-1e6:"A field 0 \(p\): 1000000 outside" \
         ma-npages-minus1:"MA field 1 \(npages\): -1 outside" ma-npages-0:"MA field 1 \(npages\): 0 outside" \
         ma-npages-1e9:"MA field 1 \(npages\): 1000000000 outside" a-time-2p62:"A field 6 \(time\): 4611686018427387904 is more than 24 h"; do
  name="${c%%:*}"; msg="${c#*:}"
  line=$(awk -v n="$name" 'BEGIN { print (n ~ /^ma/) ? 4 : 5 }')
  expect_exit "replay $name" 2 "$name.rec:$line: $msg" "$BIN" replay --reference="$TMP/$name.rec"
  expect_exit "trace import $name" 2 "$name.rec:$line: $msg" "$BIN" trace import --from=reference "$TMP/$name.rec" "$TMP/$name.trace"
  check "trace import $name wrote no trace" test ! -e "$TMP/$name.trace"
done
: >"$TMP/empty.rec"
expect_exit "trace import of an empty file" 2 "empty.rec: empty recording" "$BIN" trace import --from=reference "$TMP/empty.rec" "$TMP/e.trace"
grep -v '^H ' "$TMP/ok.rec" >"$TMP/no-h.rec"
expect_exit "trace import without an H record" 2 "no-h.rec: no H record" "$BIN" trace import --from=reference "$TMP/no-h.rec" "$TMP/e.trace"
expect_exit "replay without an H record" 2 "no-h.rec: no H record" "$BIN" replay --reference="$TMP/no-h.rec"

# --- phase rates that made a run endless or 0 s long ---
for r in 1e-12 1e-20; do
  echo '{"workload": {"synthetic": {"mutator": {"phases": [{"kind": "steady", "records": 1000, "rate": '$r'}]}}}}' >"$TMP/rate.json"
  expect_exit "phase rate $r" 2 "rate.json: /workload/synthetic/mutator/phases/0/rate: must be in \[0.001, " "$BIN" run "$TMP/rate.json"
done

# --- endless inputs: read up to a cap ---
expect_exit "/dev/zero as a scenario" 2 "/dev/zero: larger than 16777216 bytes" "$BIN" run /dev/zero
expect_exit "/dev/zero into the allocfreetrace importer" 2 "/dev/zero:1: line longer than 1048576 bytes" \
  "$BIN" trace import --from=allocfreetrace /dev/zero "$TMP/z.trace"
perl -e 'srand(19); print map { chr(int(rand(256))) } 1 .. 65536' >"$TMP/random.bin"
expect_exit "random bytes into the allocfreetrace importer" 2 "random.bin: no tracealloc, tracefree or tracegc\(\) record" \
  "$BIN" trace import --from=allocfreetrace "$TMP/random.bin" "$TMP/z.trace"

# --- a simulated out-of-memory ends as Go's does, with exit status 3 ---
cat >"$TMP/oom.json" <<'JSON'
{"gogc": "off",
 "workload": {"synthetic": {"mutator": {"kinds": [{"size": 1073741824, "ptrdata": 0}],
                                        "lifetime": {"live_set": 100000}, "records": 100000}}}}
JSON
expect_exit "GOGC off, 1 GiB objects" 3 "^fatal error: out of memory$" "$BIN" run "$TMP/oom.json"
check "the runtime's line with the heap figures" \
  grep -qE 'runtime: out of memory: cannot allocate [0-9]+-byte block \([0-9]+ in use\)$' "$TMP/err"
expect_exit "the same with --out" 3 "^fatal error: out of memory$" "$BIN" run "$TMP/oom.json" --out="$TMP/oom-out"
check "a failed run leaves no output directory" test ! -e "$TMP/oom-out"
check "nor its streamed decision log" test -z "$(ls -A "$TMP" | grep 'decisions.tmp')"

finish
