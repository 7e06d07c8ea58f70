#!/usr/bin/env bash
# run-tests.sh - runs each test program given (cmocka runners and shell test
# scripts), adds up the checks they report, and ends with one line
# "tests: N passed, M failed, K skipped". Exits non-zero when any program
# failed or could not run (a crash counts as a failure even if it reported
# none). A skipped check (cmocka's skip(), a shell suite's "skip") is neither
# passed nor failed: it is counted apart so that a suite which skips its
# real work cannot pass for a green one.
# TEST_WRAPPER, when set, is put before each program (e.g. valgrind and
# its options).
# OMPK_TEST_FAILFAST=1 stops at the first program that fails: the programs
# not run are named, and the closing line counts only what ran. The
# mutation run (scripts/mutate.py) sets it, since one failure is all it
# needs to know.
# OMPK_TEST_FIRST="test_a test_b.sh ...": those programs (by file name) run
# first, in that order, then the others in the order given; the same
# programs run either way. The mutation run names the suites nearest a planted bug.
set -u
read -r -a wrapper <<<"${TEST_WRAPPER:-}"
passed=0
failed=0
skipped=0
bad_programs=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The counts a program reported, as "passed failed skipped" (empty fields: 0).
#   cmocka: "[  PASSED  ] 5 test(s)." "[  FAILED  ] 1 test(s), listed below:"
#           "[  SKIPPED ] 2 test(s), listed below:" (passed excludes skipped)
#   shell suites: a last line "[<name>: ]N passed, M failed[, K skipped]"
counts() {
	awk '
	/^\[  PASSED  \] [0-9]+ test/ { p += $4; cm = 1 }
	/^\[  FAILED  \] [0-9]+ test\(s\)/ { f += $4; cm = 1 }
	/^\[  SKIPPED \] [0-9]+ test\(s\)/ { s += $4; cm = 1 }
	/^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed/ {
		line = $0; sub(/^[A-Za-z_-]+: /, "", line); n = split(line, w, /[ ,]+/)
		sp = w[1]; sf = w[3]; ss = (n >= 6 && w[6] ~ /^skipped/) ? w[5] : 0
	}
	END { if (cm) print p + 0, f + 0, s + 0; else print sp + 0, sf + 0, ss + 0 }' "$1"
}

if [ -n "${OMPK_TEST_FIRST:-}" ]; then
	ordered=()
	for name in $OMPK_TEST_FIRST; do
		for t in "$@"; do
			[ "$(basename "$t")" = "$name" ] && ordered+=("$t")
		done
	done
	for t in "$@"; do
		case " $OMPK_TEST_FIRST " in
		*" $(basename "$t") "*) ;;
		*) ordered+=("$t") ;;
		esac
	done
	set -- ${ordered[@]+"${ordered[@]}"}
fi

while [ $# -gt 0 ]; do
	t=$1
	echo "== $(basename "$t")"
	"${wrapper[@]}" "$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	read -r p f s < <(counts "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # it died or failed without saying which check
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	[ "$rc" -ne 0 ] && bad_programs+=("$(basename "$t") (exit $rc)")
	shift
	if { [ "$rc" -ne 0 ] || [ "$f" -gt 0 ]; } && [ "${OMPK_TEST_FAILFAST:-}" = 1 ] &&
		[ $# -gt 0 ]; then
		echo "failfast: stopped after $(basename "$t"); not run: $(for r in "$@"; do basename "$r"; done | xargs)"
		break
	fi
done
[ ${#bad_programs[@]} -gt 0 ] && echo "failing programs: ${bad_programs[*]}"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ ${#bad_programs[@]} -eq 0 ] && [ "$failed" -eq 0 ]
