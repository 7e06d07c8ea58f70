#!/usr/bin/env bash
# test_mutate.sh - the mutation run's machinery (scripts/mutate.py, issue
# 17), cheaply: every planted bug of tests/mutants/ still applies to the
# code as it is (a change that moves a mutant's code fails here, at once,
# never counts as caught later); and scripts/mutate.py run on a toy
# repository whose `make test` checks one number, with one mutant of each
# outcome: caught (named with the program and check that failed),
# survived, a timeout (counted as caught, and said so), stale and one that
# breaks the build (both fail the run whatever the score); the score and the
# exit code against --threshold; the real tree never touched; a kept
# scratch clone (--scratch) follows a new commit. The whole
# mutation run is `make mutate` (minutes per mutant; not run here).
# Prints "mutate: N passed, M failed, K skipped" last.
. "$(dirname "$0")/lib.sh"

out=$(scripts/mutate.py --check 2>&1)
check "every planted bug of tests/mutants applies exactly once to the current code" \
	test $? -eq 0
grep -q "^mutate: \([0-9]*\) of \1 mutants apply$" <<<"$out" || bad "--check's summary line" "$out"
n=$(scripts/mutate.py --list | wc -l)
check "at least 45 planted bugs ($n)" test "$n" -ge 45
check "every row of issue 17's table is a planted bug" bash -c "for m in \
	collatz_omp_block_one_short collatz_oracle_overflow_guard_off_by_two \
	primes_oracle_mr_one_round_short sumsq_oracle_copies_measured \
	parse_overflow_unchecked_for_digit_0 result_compare_low_byte_only \
	median_even_upper_middle json_csv_median_is_min stdout_write_error_exit_0; do
	scripts/mutate.py --list | grep -q \"^\$m \" || { echo missing \$m; exit 1; }; done"

# --- a toy repository ----------------------------------------------------
toy=$tmp/toy
mkdir -p "$toy/scripts" "$toy/src" "$toy/tests/mutants"
cp scripts/mutate.py scripts/run-tests.sh "$toy/scripts/"
printf '# the answer\necho 42\n' >"$toy/src/code.sh"
printf 'test:\n\t@! grep -q BROKEN src/code.sh\n\t@scripts/run-tests.sh tests/test_a.sh tests/test_b.sh\n' \
	>"$toy/Makefile"
# test_a checks the number; test_b passes always (failfast must not run it after test_a fails).
printf '#!/bin/sh\nif [ "$(sh src/code.sh)" = 42 ]; then echo "ok   answer"; echo "a: 1 passed, 0 failed"\nelse echo "FAIL answer is 42"; echo "a: 0 passed, 1 failed"; exit 1; fi\n' \
	>"$toy/tests/test_a.sh"
printf '#!/bin/sh\necho "b: 1 passed, 0 failed"\n' >"$toy/tests/test_b.sh"
chmod +x "$toy/tests/"*.sh
cat >"$toy/tests/mutants/toy.txt" <<'MUT'
@ off_by_one src/code.sh
# the answer one too high
< echo 42
> echo 43

@ comment_only src/code.sh
# changes a comment: the tests cannot see it
< # the answer
> # an answer

@ hangs src/code.sh
< echo 42
> sleep 30; echo 42

@ moved src/code.sh
< echo 41
> echo 40

@ breaks_build src/code.sh
< # the answer
> # BROKEN
MUT
git -C "$toy" init -q && git -C "$toy" add -A &&
	git -C "$toy" -c user.name=t -c user.email=t@t commit -qm toy || bad "making the toy repository"

rc=0
"$toy/scripts/mutate.py" --timeout 5 >"$tmp/m1.out" 2>&1 || rc=$?
check "a mutant the tests see is caught, named with the failing program and check" \
	grep -q '^\[1/5\] off_by_one: caught by test_a.sh: answer is 42 ' "$tmp/m1.out"
check "the table names the program and check that caught each mutant" \
	grep -q '^| off_by_one | src/code.sh | caught | test_a.sh: answer is 42 |' "$tmp/m1.out"
check "a mutant the tests cannot see survives" grep -q '^\[2/5\] comment_only: SURVIVED' "$tmp/m1.out"
check "a hang is a timeout, counted as caught only with a note saying why" \
	bash -c "grep -q '^\[3/5\] hangs: timeout' '$tmp/m1.out' &&
		grep -q 'counts as caught only because a hung suite fails CI' '$tmp/m1.out'"
check "a mutant whose text has moved is STALE" grep -q '^\[4/5\] moved: STALE' "$tmp/m1.out"
check "a mutant that breaks the build is BUILD-FAILED, not caught" \
	grep -q '^\[5/5\] breaks_build: BUILD-FAILED' "$tmp/m1.out"
check "the score counts caught and timeouts over the mutants that ran" \
	grep -q '^mutate: 2 of 3 caught (66.7%, threshold 90%), 1 survived, 2 stale or not building$' \
	"$tmp/m1.out"
check "a run below the threshold, or with a stale mutant, exits 1" test "$rc" -eq 1
check "the tree itself is never mutated" bash -c "[ -z \"\$(git -C '$toy' status --porcelain)\" ] &&
	grep -qx 'echo 42' '$toy/src/code.sh'"
rc=0
"$toy/scripts/mutate.py" --only off_by_one,comment_only --threshold 50 >"$tmp/m2.out" 2>&1 || rc=$?
check "at the threshold with nothing stale the run exits 0" test "$rc" -eq 0
rc=0
"$toy/scripts/mutate.py" --only moved,off_by_one --threshold 0 >"$tmp/m3.out" 2>&1 || rc=$?
check "a stale mutant fails the run whatever the score" test "$rc" -eq 1
rc=0
"$toy/scripts/mutate.py" --only nothing_called_so >"$tmp/m4.out" 2>&1 || rc=$?
check "an unknown --only name is a usage error (exit 2)" test "$rc" -eq 2
"$toy/scripts/mutate.py" --only off_by_one --scratch "$tmp/s" >"$tmp/m6.out" 2>&1
sed -i 's/^# the answer$/# The answer/' "$toy/src/code.sh"
git -C "$toy" -c user.name=t -c user.email=t@t commit -qam again
rc=0
"$toy/scripts/mutate.py" --only off_by_one,comment_only --scratch "$tmp/s" --skip-base \
	>"$tmp/m7.out" 2>&1 || rc=$?
check "--scratch DIR keeps the clone; a later run there moves it to the new HEAD" \
	bash -c "grep -qx '# The answer' '$tmp/s/tree/src/code.sh' &&
		grep -q '^\[1/2\] off_by_one: caught' '$tmp/m7.out' &&
		grep -q '^\[2/2\] comment_only: STALE' '$tmp/m7.out' && [ $rc -eq 1 ]"
# A planted bug in the tree: --check sees it as stale, except inside the mutation run.
sed -i 's/^echo 42$/echo 43/' "$toy/src/code.sh"
"$toy/scripts/mutate.py" --check >"$tmp/m8.out" 2>&1
OMPK_MUTANT=off_by_one "$toy/scripts/mutate.py" --check >"$tmp/m9.out" 2>&1
check "inside a mutation run (OMPK_MUTANT) --check reads the committed files, not the planted bug" \
	bash -c "grep -q ': off_by_one: STALE' '$tmp/m8.out' && ! grep -q ': off_by_one: STALE' '$tmp/m9.out'"
git -C "$toy" checkout -q src/code.sh
rc=0
"$toy/scripts/mutate.py" --check >"$tmp/m5.out" 2>&1 || rc=$?
check "--check names the stale mutant and exits 1" \
	bash -c "[ $rc -eq 1 ] && grep -q 'toy.txt:.*: moved: STALE' '$tmp/m5.out'"
[ "$failed" -eq 0 ] || sed "s/^/     | /" "$tmp/m1.out" | head -n 40
finish mutate
