#!/usr/bin/env bash
# run-tests.sh - runs each test program given (cmocka runners and shell test
# scripts), adds up the checks they report, and ends with one line
# "tests: N passed, M failed". Exits non-zero when any program failed or
# could not run (a crash counts as a failure even if it reported none).
# TEST_WRAPPER, when set, is put before each program (e.g. valgrind and
# its options).
set -u
read -r -a wrapper <<<"${TEST_WRAPPER:-}"
passed=0
failed=0
bad_programs=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	echo "== $(basename "$t")"
	"${wrapper[@]}" "$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# cmocka: "[  PASSED  ] 5 test(s)." / "[  FAILED  ] 1 test(s), listed below:"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
	# shell suites: "<name>: N passed, M failed[, K skipped]"
	if [ -z "$p$f" ]; then
		line=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		p=$(sed -E 's/^([A-Za-z_-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
		f=$(sed -E 's/^([A-Za-z_-]+: )?[0-9]+ passed, ([0-9]+) failed.*/\2/' <<<"$line")
	fi
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # it died or failed without saying which check
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$rc" -ne 0 ] && bad_programs+=("$(basename "$t") (exit $rc)")
done
[ ${#bad_programs[@]} -gt 0 ] && echo "failing programs: ${bad_programs[*]}"
echo "tests: $passed passed, $failed failed"
[ ${#bad_programs[@]} -eq 0 ] && [ "$failed" -eq 0 ]
