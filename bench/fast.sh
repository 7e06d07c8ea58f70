#!/usr/bin/env bash
# fast.sh - the `fast` variants against the plain ones and the floors of
# the "algorithm beats cores" study, through the binaries users run
# (bin/<kernel> --variant ... --format json), medians of repeated runs, all
# verified (a run that does not verify fails the benchmark).
#
# Usage: bench/fast.sh [BINDIR]   (default bin); BENCH_COLLATZ_1E12=1 adds the
# collatz row below 1e12 (minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
bindir=${1:-bin}
threads=$(nproc)
. bench/lib.sh

# median_s of one verified invocation: bin/KERNEL ARGS...
median_s() {
	local k=$1
	shift
	verified_json "$bindir/$k" "$@" | json_num median_s
}

row() { printf '%-9s %-34s %-8s %7s %12s\n' "$@"; }

echo "fast variants vs plain, $threads threads unless said, medians"
row kernel parameters variant threads "median [s]"
t_omp=$(median_s collatz --to 1e7 --variant omp -t "$threads" -r 3)
t_fast=$(median_s collatz --to 1e7 --variant fast -t "$threads" -r 5)
row collatz "--to 1e7" omp "$threads" "$t_omp"
row collatz "--to 1e7" fast "$threads" "$t_fast"
echo "  collatz fast/omp speedup at 1e7: $(awk -v a="$t_omp" -v b="$t_fast" 'BEGIN { printf "%.0fx (floor 50x)", a / b }')"
t=$(median_s collatz --to 1e9 --variant fast -t "$threads" -r 3)
row collatz "--to 1e9 (670617279, 986)" fast "$threads" "$t"
echo "  floor: <= 3 s on 2 threads"
t=$(median_s collatz --to 1e10 --variant fast -t "$threads" -r 3)
row collatz "--to 1e10 (9780657630, 1132)" fast "$threads" "$t"
echo "  floor: <= 40 s on 2 threads"
t=$(median_s collatz --to 1e11 --variant fast -t "$threads" -r 1)
row collatz "--to 1e11 (75128138247, 1228)" fast "$threads" "$t"
echo "  floor: <= 45 s on 2 threads (goal 30 s)"
# minutes: only when asked (BENCH_COLLATZ_1E12=1)
if [[ ${BENCH_COLLATZ_1E12:-0} == 1 ]]; then
	t=$(median_s collatz --to 1e12 --variant fast -t "$threads" -r 1)
	row collatz "--to 1e12 (989345275647, 1348)" fast "$threads" "$t"
	echo "  floor: <= 480 s on 2 threads (goal 300 s)"
fi
t_seq=$(median_s lcg --variant seq -r 3)
t_fast=$(median_s lcg --variant fast -r 5)
row lcg "8 seeds x 5e7 (default)" seq 1 "$t_seq"
row lcg "8 seeds x 5e7 (default)" fast "$threads" "$t_fast"
echo "  floor: fast under 1 ms, equal to seq (both verified)"
for t in 1 "$threads"; do
	row primes "--to 1e9" fast "$t" "$(median_s primes --to 1e9 --variant fast -t "$t" -r 5)"
done
echo
echo "== primes fast vs primesieve (bench/primes_vs_primesieve.sh)"
