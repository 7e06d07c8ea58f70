#!/usr/bin/env bash
# primes_vs_primesieve.sh - ompk_sieve_count against primesieve, side by side.
#
# For TO in 1e9 1e10 and 1 and 2 threads, alternates one run of ours
# (bench_sieve TO THREADS 1) with one of `primesieve TO -t THREADS -q --time`,
# REPEATS times (default 5), so both see the same machine load; prints the
# medians of both tools' own timings (each times its sieve only, not process
# start), both counts and ours/primesieve. Exits 1 if any count differs.
#
# Usage: bench/primes_vs_primesieve.sh BENCH_SIEVE: the bench_sieve binary
# make builds (`make bench` passes its own). Missing primesieve is installed
# with apt-get.
set -euo pipefail

cd "$(dirname "$0")/.."
repeats=${REPEATS:-5}
bin=${1:-}
[[ -n $bin && -x $bin ]] || {
	echo "primes_vs_primesieve: '${bin}': not a bench_sieve binary; accepted: the one make builds (make bench runs this)" >&2
	exit 2
}
. bench/lib.sh
command -v primesieve >/dev/null || apt-get install -y primesieve
echo "peer: $(primesieve --version | head -n 1)"
echo "ours: $bin"
echo "repeats = $repeats (interleaved, medians)"

fail=0
printf '%-6s %7s %12s %12s %9s %13s %13s\n' to threads ours_s peer_s ratio ours_count peer_count
for to in 1e9 1e10; do
	for t in 1 2; do
		ours_t=() peer_t=() ours_c='' peer_c=''
		for ((r = 0; r < repeats; r++)); do
			out=$("$bin" "$to" "$t" 1)
			ours_t+=("$(awk '$1 == "median" { print $3 }' <<<"$out")")
			c=$(awk '$1 == "count" { print $3 }' <<<"$out")
			[[ -z $ours_c || $c == "$ours_c" ]] || { echo "ours: counts differ: $c $ours_c" >&2; fail=1; }
			ours_c=$c
			out=$(primesieve "$to" -t "$t" -q --time)
			peer_t+=("$(awk '$1 == "Seconds:" { print $2 }' <<<"$out")")
			c=$(awk 'NF == 1 { print $1 }' <<<"$out")
			[[ -z $peer_c || $c == "$peer_c" ]] || { echo "primesieve: counts differ: $c $peer_c" >&2; fail=1; }
			peer_c=$c
		done
		mo=$(median_of "${ours_t[@]}")
		mp=$(median_of "${peer_t[@]}")
		printf '%-6s %7s %12.4f %12.4f %9s %13s %13s\n' "$to" "$t" "$mo" "$mp" "$(ratio "$mo" "$mp")" "$ours_c" "$peer_c"
		if [[ $ours_c != "$peer_c" ]]; then
			echo "count mismatch at $to: ours $ours_c, primesieve $peer_c" >&2
			fail=1
		fi
	done
done
exit "$fail"
