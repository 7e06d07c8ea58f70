#!/usr/bin/env bash
# fold.sh - run bench_fold, and beside it xxhsum's own benchmark of XXH64
# and XXH3, so our checksum rates can be read against well-known fast hashes.
#
# Usage: bench/fold.sh BENCH_FOLD [fold_MiB [sumsq_MiB]]: BENCH_FOLD is the
# bench_fold binary make builds (`make bench` passes its own; by hand:
# bench/fold.sh "$(make -s print-BUILD)/bench/bench_fold"); the other
# arguments go to it. Installs the xxhash package with apt-get if xxhsum is
# missing (skipped, with a note, when that is not possible). Exit status is
# bench_fold's.
#
# xxhsum -b hashes a 100 KB sample (in cache) on one thread and reports
# MB/s with MB = 2^20; it is shown here in GB/s (1e9 B/s), next to
# bench_fold's "64 KiB in cache, 1 thread" rows, which are the comparable ones.
set -euo pipefail

bin=${1:-}
[[ -n $bin && -x $bin ]] || {
	echo "fold: '${bin}': not a bench_fold binary; accepted: the one make builds (make bench runs this)" >&2
	exit 2
}
shift

status=0
"$bin" "$@" || status=$?

if ! command -v xxhsum >/dev/null 2>&1; then
	sudo=
	[[ $(id -u) -ne 0 ]] && sudo=sudo
	$sudo apt-get install -y -qq xxhash >/dev/null 2>&1 || true
fi

echo
if command -v xxhsum >/dev/null 2>&1; then
	printf '  %-36s %7s %9s\n' "xxhsum -b (100 KB in cache)" "threads" "GB/s"
	# -b3 is XXH64, -b5 is XXH3_64b in xxhsum 0.8's numbering
	for id in 3 5; do
		# progress lines end in \r; the last "#" line is the final result
		line=$(xxhsum -q -b"$id" -i3 2>&1 | tr '\r' '\n' | grep '#' | tail -n 1 || true)
		name=$(sed -E 's/^ *[0-9]+#([A-Za-z0-9_]+).*/\1/' <<<"$line")
		mbs=$(sed -E 's/.*\(([0-9.]+) MB\/s\).*/\1/' <<<"$line")
		if [[ -n $line && $mbs =~ ^[0-9.]+$ ]]; then
			printf '  %-36s %7d %9.2f\n' "$name" 1 "$(awk -v m="$mbs" 'BEGIN { print m * 1048576 / 1e9 }')"
		else
			echo "  xxhsum -b$id: could not read its output"
		fi
	done
else
	echo "  xxhsum: not installed and could not be installed; XXH64/XXH3 figures skipped"
fi
exit "$status"
