# lib.sh - what every shell suite (tests/test_*.sh) needs, written once
# rather than copied into each (issue 11): the tree's root as the working
# directory, the binaries under test, a scratch directory removed on exit,
# the counts of passed, failed and skipped checks, one way to report a
# check, and the closing line scripts/run-tests.sh adds up.
# Sourced, never run; bash only:   . "$(dirname "$0")/lib.sh"
#
# It sets:
#   root     the top of the tree (and cd's there)
#   bindir   the binaries under test: OMPK_BIN_DIR (make test passes its
#            build's), else bin/
#   tmp      a scratch directory (mktemp -d), removed on exit; a suite that
#            replaces the EXIT trap must keep removing it
#   passed, failed, skipped   the counts
# shellcheck shell=bash disable=SC2034 # the suites use what it sets
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
bindir=${OMPK_BIN_DIR:-$root/bin}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ompk-$(basename "$0" .sh).XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
skipped=0
# How many lines of a failed check's DETAIL are shown.
detail_lines=20

# result NAME OK DETAIL: one check; OK is 1 when it passed (anything else,
# empty included, is a failure, shown with DETAIL when there is one).
result() {
	if [ "$2" = 1 ]; then
		passed=$((passed + 1))
		echo "ok   $1"
	else
		failed=$((failed + 1))
		echo "FAIL $1"
		[ -z "${3:-}" ] || sed 's/^/     | /' <<<"$3" | head -n "$detail_lines"
	fi
}
ok() { result "$1" 1; }            # ok NAME
bad() { result "$1" 0 "${2:-}"; }  # bad NAME [DETAIL]
skip() {                           # skip NAME: a check that could not run here
	skipped=$((skipped + 1))
	echo "skip $1"
}
# check NAME COMMAND...: passes when COMMAND succeeds (its output is the detail).
check() {
	local name=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then ok "$name"; else bad "$name" "$(cat "$tmp/check.out")"; fi
}
# finish NAME: the closing line "NAME: N passed, M failed, K skipped" (the
# shape scripts/run-tests.sh reads), then exits, non-zero after a failure.
finish() {
	echo "$1: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}
