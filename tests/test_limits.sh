#!/usr/bin/env bash
# test_limits.sh - the limits every binary keeps: thread counts far above
# the cores run, with exactly one warning line (and none at 4x the cores);
# sizes that cannot fit in memory are refused up front (exit 2, one line
# with the size asked and the memory there) rather than left to the OOM
# killer; the sizes are derived from this machine's MemTotal, so the
# checks mean the same on any machine.
# Prints "limits: N passed, M failed, K skipped" last; exits non-zero on a failure.
. "$(dirname "$0")/lib.sh"
detail_lines=10
# run NAME WANT_RC WANT_STDERR_LINES GREP COMMAND...
run() {
	local name=$1 want_rc=$2 want_lines=$3 pat=$4 rc=0 lines good=1
	shift 4
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	lines=$(wc -l <"$tmp/err")
	[ "$rc" -eq "$want_rc" ] || good=0
	[ "$lines" -eq "$want_lines" ] || good=0
	[ -z "$pat" ] || grep -q -E -- "$pat" "$tmp/err" || good=0
	result "$name" "$good" "exit $rc (want $want_rc), $lines stderr lines (want $want_lines): $(cat "$tmp/err")"
}

cores=$(nproc)
many=$((cores * 4 + 1))
run "primes --threads $many: runs, one warning" 0 1 "^ompk: --threads: $many threads on $cores cores oversubscribes" \
	"$bindir"/primes --threads "$many" --to 20000 --repeat 1 --warmup 0
run "primes --threads $((cores * 4)): no warning" 0 0 "" "$bindir"/primes --threads $((cores * 4)) --to 20000 --repeat 1 --warmup 0
run "pipeline --threads $many: runs, one warning" 0 1 "oversubscribes" \
	"$bindir"/pipeline --threads "$many" --shards 3 --shard-len 1000 --latency-ms 1
run "pipeline --threads $many --repeat 3: still one warning" 0 1 "oversubscribes" \
	"$bindir"/pipeline --threads "$many" --shards 3 --shard-len 1000 --latency-ms 1 --repeat 3

mem=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024))
# 4 shards in flight of MemTotal/2 bytes each (sumsq: 8 bytes a value): twice the memory.
len=$((mem / 16 + 1))
run "pipeline: shards that cannot fit are refused up front" 2 2 \
	"^ompk: --shard-len: 4 shards of [0-9]+ bytes at once \(--inflight 4\) need [0-9]+ bytes, more than the $mem bytes of memory here" \
	"$bindir"/pipeline --shards 4 --shard-len "$len"
run "pipeline --make-shards: refused the same way" 2 2 "bytes of memory here" \
	"$bindir"/pipeline --shards 4 --shard-len "$len" --make-shards "$tmp/never"
result "pipeline --make-shards: nothing written" "$([ ! -e "$tmp/never" ] && echo 1)" "$tmp/never exists"
run "pipeline --mode serial: one shard of twice the memory is refused" 2 2 "^ompk: --shard-len: 1 shards of" \
	"$bindir"/pipeline --shards 4 --shard-len $((mem / 4)) --mode serial
run "checksum: buffers that cannot fit are refused up front" 2 2 "bytes of memory here" \
	"$bindir"/checksum --buffers 4 --size $((mem / 2 + 1))

finish limits
