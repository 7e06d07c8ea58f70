#!/usr/bin/env bash
# test_progress.sh - the progress line: every run longer than a second on a
# terminal shows one on stderr (with the fraction when the kernel reports
# it, the elapsed time when it does not: the plain seq and omp loops),
# erases it at the end, and leaves stdout alone; quick runs and runs whose
# stderr is not a terminal never show it. The terminal is a pty made by
# script(1) (util-linux); without it the checks are skipped with a note.
# Prints "progress: N passed, M failed, K skipped" last; exits non-zero on a failure.
. "$(dirname "$0")/lib.sh"
detail_lines=10

# on_tty OUT COMMAND: runs COMMAND with stdin, stdout and stderr on a pty;
# stdout goes to OUT.stdout (a file), the pty's bytes to OUT.
on_tty() {
	local out=$1
	shift
	script -qec "$* > $out.stdout" /dev/null >"$out" 2>&1 </dev/null
}

if ! command -v script >/dev/null; then
	echo "skip progress checks: script(1) (util-linux) is not installed"
	skipped=5
	finish progress
fi

# Runs of 2-3 s on an idle 2-core machine (longer under load, never shorter).
for v in seq omp; do
	on_tty "$tmp/$v" bin/primes --variant "$v" --to 2e5 --repeat 1 --warmup 0 -t 1 -q
	ok=1
	grep -aq 'primes: running, [0-9]* s elapsed' "$tmp/$v" || ok=0
	# erased at the end: the last thing on the terminal line is the erase sequence
	grep -aq $'\r\033\[K' "$tmp/$v" || ok=0
	[ "$(paste -sd" " "$tmp/$v.stdout" | tr -d "\r")" = "17984 17984" ] || ok=0
	result "primes --variant $v for 2 s shows and erases the elapsed time" "$ok" \
		"$(cat -v "$tmp/$v"; echo "stdout: $(cat "$tmp/$v.stdout")")"
done

# A kernel that reports its fraction: the percentage and the time left.
on_tty "$tmp/lcg" bin/lcg --variant seq --iters 2e8 --seeds 8 --repeat 1 --warmup 0 -q
ok=1
grep -aq -E 'lcg: +[0-9.]+% done, [0-9]+ s elapsed, about [0-9]+ s left|lcg: running' "$tmp/lcg" || ok=0
result "lcg for 2 s (8 chains of 2e8 steps) shows a progress line" "$ok" "$(cat -v "$tmp/lcg")"

on_tty "$tmp/quick" bin/sumsq --to 1000 --repeat 1 -q
ok=1
grep -aq 'elapsed' "$tmp/quick" && ok=0
result "a quick run shows no progress line" "$ok" "$(cat -v "$tmp/quick")"

bin/primes --variant seq --to 2e5 --repeat 1 --warmup 0 -t 1 -q >"$tmp/pipe.out" 2>"$tmp/pipe.err"
ok=1
[ -s "$tmp/pipe.err" ] && ok=0
result "stderr not a terminal: nothing on it" "$ok" "$(cat -v "$tmp/pipe.err")"

finish progress
