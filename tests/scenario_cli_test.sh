#!/usr/bin/env bash
# End-to-end checks of `gogcsim run SCENARIO`: shipped scenarios by name from
# any directory, scenario files by path, flags overriding the file, and
# errors naming the file and the JSON path.
set -uo pipefail

source "$TEST_SRCDIR/$TEST_WORKSPACE/tests/cli_lib.sh"
SCEN="$TEST_SRCDIR/$TEST_WORKSPACE/scenarios"

"$BIN" run --help >"$TMP/help" 2>&1; rc=$?
check "run --help exits 0" test $rc -eq 0
for s in steady steady-p4 ramp step phase-change high-gogc many-goroutines large-objects; do
  check "help lists $s" grep -qE "^  $s +[A-Z0-9]" "$TMP/help"
done

# Shipped scenarios are built in: they run from any directory.
mkdir -p "$TMP/elsewhere"
(cd "$TMP/elsewhere" && "$BIN" run ramp --records=20000 --json) >"$TMP/ramp.json"; rc=$?
check "shipped scenario runs from another directory" test $rc -eq 0
check "summary names the scenario" grep -q '"scenario": "ramp"' "$TMP/ramp.json"
check "summary has the scenario's GOMAXPROCS" grep -q '"gomaxprocs": 2' "$TMP/ramp.json"

# The shipped file run by path gives the same bytes as the name.
"$BIN" run "$SCEN/steady.json" --records=30000 --out="$TMP/by_path" >/dev/null; rc=$?
"$BIN" run steady --records=30000 --out="$TMP/by_name" >/dev/null
check "scenario file by path exits 0" test $rc -eq 0
check "file and name give the same decision log" cmp -s "$TMP/by_path/decisions.jsonl" "$TMP/by_name/decisions.jsonl"

# A scenario of one's own; flags override its values, even at their defaults.
cat >"$TMP/mine.json" <<'JSON'
{"name": "mine", "seed": 7, "gogc": 50,
 "workload": {"synthetic": {"mutator": {"records": 20000, "lifetime": {"live_set": 5000}}}}}
JSON
"$BIN" run "$TMP/mine.json" --json >"$TMP/mine.out"; rc=$?
check "own scenario exits 0" test $rc -eq 0
check "own scenario's name" grep -q '"scenario": "mine"' "$TMP/mine.out"
check "own scenario's seed" grep -q '"seed": 7,' "$TMP/mine.out"
check "own scenario's GOGC" grep -q '"gogc": 50,' "$TMP/mine.out"
check "own scenario's records" grep -q '"records": 20000,' "$TMP/mine.out"
"$BIN" run "$TMP/mine.json" --json --seed=1 --gogc=200 --records=10000 >"$TMP/over.out"
check "--seed=1 overrides the file's seed" grep -q '"seed": 1,' "$TMP/over.out"
check "--gogc overrides" grep -q '"gogc": 200,' "$TMP/over.out"
check "--records overrides" grep -q '"records": 10000,' "$TMP/over.out"

# Bad files: exit 2, the message names the file and the JSON path.
cat >"$TMP/bad.json" <<'JSON'
{"workload": {"synthetic": {"mutator": {"sise": 8}}}}
JSON
"$BIN" run "$TMP/bad.json" >/dev/null 2>"$TMP/err"; rc=$?
check "unknown key exits 2" test $rc -eq 2
check "unknown key names file and path" grep -q "bad.json: /workload/synthetic/mutator/sise: unknown key \"sise\" (allowed: " "$TMP/err"
printf '{\n  "gogc": 100,\n  "seed": }\n' >"$TMP/broken.json"
"$BIN" run "$TMP/broken.json" >/dev/null 2>"$TMP/err"; rc=$?
check "malformed JSON exits 2" test $rc -eq 2
check "malformed JSON names file:line:column" grep -q "broken.json:3:11: malformed JSON" "$TMP/err"
echo '{"gomaxprocs": 300}' >"$TMP/range.json"
"$BIN" run "$TMP/range.json" >/dev/null 2>"$TMP/err"; rc=$?
check "out of range exits 2" test $rc -eq 2
check "out of range is explained" grep -q "range.json: /gomaxprocs: must be an integer in \[1, 256\], got 300" "$TMP/err"
"$BIN" run "$TMP/absent.json" >/dev/null 2>"$TMP/err"; rc=$?
check "missing file exits 2" test $rc -eq 2
check "missing file is named" grep -q "absent.json: cannot open" "$TMP/err"
echo '{"workload": {"trace": "t.trace"}}' >"$TMP/traced.json"
"$BIN" run "$TMP/traced.json" >/dev/null 2>"$TMP/err"; rc=$?
check "a missing trace exits 2" test $rc -eq 2
check "a missing trace is named, beside its scenario" grep -q "$TMP/t.trace" "$TMP/err"

finish
