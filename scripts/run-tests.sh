#!/usr/bin/env bash
# run-tests.sh - runs each cmocka test program given, prints a summary line,
# and exits non-zero when any of them failed or could not run.
set -u
failed=0
total=0
for t in "$@"; do
	total=$((total + 1))
	echo "== $(basename "$t")"
	if ! "$t"; then
		failed=$((failed + 1))
		echo "FAILED: $t"
	fi
done
echo "test programs: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
