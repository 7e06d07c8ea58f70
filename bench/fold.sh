#!/usr/bin/env bash
# fold.sh - run bench_fold, and beside it xxhsum's own benchmark of XXH64
# and XXH3, so our checksum rates can be read against well-known fast hashes.
#
# Uses ${BUILD_DIR:-build}/bench_fold if it exists (e.g. built by make);
# otherwise builds it there with ${CC:-gcc} and ${BENCH_CFLAGS:--O3 -march=native}.
# Installs the xxhash package with apt-get if xxhsum is missing (skipped,
# with a note, when that is not possible). Arguments go to bench_fold
# ([fold_MiB [sumsq_MiB]]). Exit status is bench_fold's.
#
# xxhsum -b hashes a 100 KB sample (in cache) on one thread and reports
# MB/s with MB = 2^20; it is shown here in GB/s (1e9 B/s), next to
# bench_fold's "64 KiB in cache, 1 thread" rows, which are the comparable ones.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-build}
bin=$build/bench_fold

if [[ ! -x $bin ]]; then
	mkdir -p "$build"
	# shellcheck disable=SC2086 # BENCH_CFLAGS is a list of flags
	"${CC:-gcc}" -std=c11 ${BENCH_CFLAGS:--O3 -march=native} -fopenmp -I"$root/include" \
		"$root/bench/bench_fold.c" "$root/src/fold_fast.c" "$root/src/sumsq_fast.c" \
		"$root/src/membw.c" -o "$bin"
fi

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
