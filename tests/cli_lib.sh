# Sourced by the command-line tests: the gogcsim binary, a scratch
# directory, check/finish, and where the reference recordings are. Under
# `bazel test` from the runfiles; sourced by a script that tools/test.sh
# runs itself (tests/record_test.sh), from the workspace's bazel-bin.
if [ -n "${TEST_SRCDIR:-}" ]; then
  BIN="$TEST_SRCDIR/$TEST_WORKSPACE/tools/gogcsim"
  LIB_SRC="$(readlink -f "$TEST_SRCDIR/$TEST_WORKSPACE/tests/cli_lib.sh")"
else
  LIB_SRC="$(readlink -f "${BASH_SOURCE[0]}")"
  BIN="$(dirname "$(dirname "$LIB_SRC")")/bazel-bin/tools/gogcsim"
fi
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
# The recordings live beside the source tree: follow this file's runfiles
# symlink back to the workspace, whose sibling is shared/.
REF="${GOGCSIM_REFERENCE_DIR:-$(dirname "$(dirname "$(dirname "$LIB_SRC")")")/shared/reference/go1.10.2}"
fails=0
passes=0
check() {  # check NAME CONDITION...
  local name="$1"; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
finish() {  # the summary line; the status is the test's
  echo "$passes passed, $fails failed"
  [ $fails -eq 0 ]
}
# For the scripts that record (tools/test.sh runs them outside Bazel):
# ROOT, PROGS (tests/programs), GOGCSIM_GO_SRC, and the instrumented
# toolchain built or found in the cache; the working directory is TMP.
# Returns non-zero, after the failed check, if the toolchain cannot be had.
recorder_setup() {
  ROOT="$(dirname "$(dirname "$LIB_SRC")")"
  PROGS="$ROOT/tests/programs"
  : "${GOGCSIM_GO_SRC:=$ROOT/../shared/go/go1.10.2-src.tar.xz}"
  export GOGCSIM_GO_SRC
  cd "$TMP" || return 1
  "$BIN" toolchain >toolchain.txt; local rc=$?  # progress on stderr when it builds
  check "the instrumented toolchain builds (or is cached)" test $rc -eq 0
  return $rc
}
