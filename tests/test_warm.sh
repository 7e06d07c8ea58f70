#!/usr/bin/env bash
# test_warm.sh - no timed region pays for starting OpenMP threads. The
# pipeline's compute thread is new each run, and libgomp keeps one team
# per thread that starts parallel regions, so its team must be started
# before the run's clock starts (the first io_uring submission): under
# strace, every thread is created before the first io_uring_enter. Before
# the fix the team's threads were created when the first shard landed (a
# shard of 0 values took 32-55 ms). Needs strace (ptrace); skipped with a
# note where it cannot attach, or where io_uring is refused.
# Prints "warm: N passed, M failed, K skipped" last.
. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null || ! strace -f -o /dev/null true 2>/dev/null; then
	skip "strace missing or not allowed to attach here"
	finish warm
fi
for mode in overlap serial; do
	for shards in 1 3; do
		name="pipeline --mode $mode --shards $shards: threads made before the first submission"
		rc=0
		# LeakSanitizer cannot run under ptrace (make check-san): leaks are its own run's job.
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -o "$tmp/trace" -e trace=clone,clone3,io_uring_enter \
			bin/pipeline --backend uring --mode "$mode" --shards "$shards" --shard-len 0 \
			--latency-ms 0 --threads 2 -q >/dev/null 2>"$tmp/err" || rc=$?
		if [ "$rc" -ne 0 ] && grep -q 'io_uring' "$tmp/err"; then
			skip "$name (io_uring refused here)"
			continue
		fi
		# The line numbers of the first io_uring_enter and of the last thread creation
		# (CLONE_THREAD: a sanitizer's own helper task is not a thread of the process).
		first_enter=$(grep -n 'io_uring_enter(' "$tmp/trace" | head -n 1 | cut -d: -f1)
		last_clone=$(grep -n 'clone3\?(.*CLONE_THREAD' "$tmp/trace" | tail -n 1 | cut -d: -f1)
		if [ "$rc" -eq 0 ] && [ -n "$first_enter" ] && [ -n "$last_clone" ] &&
			[ "$last_clone" -lt "$first_enter" ]; then
			ok "$name"
		else
			bad "$name" "exit $rc; last clone at line ${last_clone:-none}, first io_uring_enter at line ${first_enter:-none}
$(grep -E 'clone|io_uring_enter' "$tmp/trace" | cut -c1-100 | head -n 8)"
		fi
	done
done
finish warm
