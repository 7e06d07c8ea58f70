#!/usr/bin/env bash
# pipeline.sh - the I/O half (bin/pipeline, src/io/loader*.c), medians of
# repeated runs through the binary users run, every run verified:
#   1. the tutorial's pipeline, overlap vs serial wall (floor: ratio <= 0.30)
#   2. 10,000 synthetic shards of 100 ms, --inflight 10000 (floor: <= 125 ms)
#   3. reading 1 GiB of shard files against fio --ioengine=io_uring on the
#      same files, same block size and depth, like with like (floor: within
#      10% of fio's throughput, warm). fio drops the files' pages before it
#      reads unless told --invalidate=0, so each side runs twice:
#        warm: the files read once beforehand, fio --invalidate=0;
#        cold: before each run the files' pages are dropped with
#              posix_fadvise(DONTNEED) (dd iflag=nocache), which is what
#              fio's default --invalidate=1 does for its own runs.
#      The loader has no O_DIRECT mode, so neither side bypasses the page
#      cache: "cold" is a dropped cache, read through it, on both sides.
#      fio is installed if missing.
#
# Usage: bench/pipeline.sh [BINDIR]   (default bin)
set -euo pipefail
cd "$(dirname "$0")/.."
bindir=${1:-bin}
p=$bindir/pipeline
work=$(mktemp -d "${TMPDIR:-/tmp}/ompk-bench-pipeline.XXXXXX")
trap 'rm -rf "$work"' EXIT
. bench/lib.sh

# a numeric field of one verified run: field NAME ARGS... (the wall time is
# median_s in the one schema, wall_s before it)
field() {
	local f=$1
	shift
	if [ "$f" = wall_s ]; then
		verified_json "$p" "$@" | json_num median_s wall_s
	else
		verified_json "$p" "$@" | json_num "$f"
	fi
}
verdict() { awk -v v="$1" -v f="$2" -v op="$3" 'BEGIN { ok = op == "<=" ? v <= f : v >= f; print ok ? "ok" : "MISSED" }'; }

echo "== pipeline: the tutorial's 4 shards x 250,000 values, 50 ms (medians of 5, interleaved)"
ov=() se=()
for _ in 1 2 3 4 5; do
	ov+=("$(field median_s)")
	se+=("$(field median_s --mode serial)")
done
o=$(median_of "${ov[@]}")
s=$(median_of "${se[@]}")
r=$(ratio "$o" "$s" 3)
printf '  overlap %s ms, serial %s ms, ratio %s (floor <= 0.30, ideal 0.25): %s\n' \
	"$(ms "$o")" "$(ms "$s")" "$r" "$(verdict "$r" 0.30 "<=")"

echo "== pipeline: 10,000 synthetic shards of 100 values, 100 ms each, --inflight 10000 (median of 5)"
w=$(for _ in 1 2 3 4 5; do field median_s --shards 10000 --shard-len 100 --latency-ms 100 --inflight 10000; done | median)
echo "  wall $(ms "$w") ms (floor <= 125 ms): $(verdict "$(ms "$w")" 125 "<=")"

echo "== pipeline: many fetches in flight, 100 ms each, --shard-len 8, --inflight = --shards (medians of 3)"
# The pipeline's own wall (median_s) and the process's peak RSS
# (/usr/bin/time %M, KiB), both backends; floor at 1e6 with io_uring:
# <= 400 ms and <= 128 MB (goal 150 ms).
printf '  %-8s %-8s %10s %12s\n' shards backend "wall [ms]" "peak RSS [MB]"
for s in 10000 100000 1000000; do
	for b in uring threads; do
		ws=() rs=()
		for _ in 1 2 3; do
			verified_json /usr/bin/time -f %M -o "$work/rss" "$p" --shards $s --shard-len 8 \
				--latency-ms 100 --inflight $s --backend $b >"$work/out"
			ws+=("$(json_num median_s <"$work/out")")
			rs+=("$(tail -n 1 "$work/rss")")
		done
		w=$(median_of "${ws[@]}")
		r=$(awk -v k="$(median_of "${rs[@]}")" 'BEGIN { printf "%.0f", k / 1024 }')
		printf '  %-8s %-8s %10s %12s' $s $b "$(ms "$w")" "$r"
		if [ $s = 1000000 ] && [ $b = uring ]; then
			echo " (floors <= 400 ms, <= 128 MB): $(verdict "$(ms "$w")" 400 "<=") $(verdict "$r" 128 "<=")"
		else
			echo
		fi
	done
done

echo "== pipeline: 1 GiB of shard files (256 x 4 MiB) vs fio --ioengine=io_uring, warm and cold (medians of 5, interleaved)"
if ! command -v fio >/dev/null; then
	echo "  installing fio (Debian package)"
	apt-get install -y -qq fio >/dev/null 2>&1 || { echo "  fio unavailable: skipped"; exit 0; }
fi
shards=256 len=$((512 << 10)) bs=$((1 << 20)) depth=16 # 256 x 4 MiB of u64 values
"$p" --make-shards "$work" --shards $shards --shard-len $len -q
sync "$work"/shard-*.bin # dirty pages cannot be dropped
bytes=$((shards * (len * 8 + 16)))
warm() { cat "$work"/shard-*.bin >/dev/null; }
# posix_fadvise(POSIX_FADV_DONTNEED) on every file, as fio --invalidate=1 does
cold() { for f in "$work"/shard-*.bin; do dd if="$f" iflag=nocache count=0 status=none; done; }
# The loader's read throughput: bytes over the time the last fetch landed
# (sumsq fast on one thread keeps up with reading and leaves it a core).
ours() {
	local out last
	out=$(verified_json "$p" --source "$work" --shards $shards --shard-len $len --latency-ms 0 \
		--inflight $depth --read-block $bs --variant fast -t 1)
	last=$(grep -o '"fetch_done_ms":\[[0-9.e,+-]*\]' <<<"$out" | cut -d'[' -f2 | tr -d ']' |
		tr ',' '\n' | sort -g | tail -n 1)
	awk -v ms="$last" -v b=$bytes 'BEGIN { printf "%.0f", b / (ms / 1e3) }'
}
# fio's read bandwidth in B/s (terse v3: field 7 is KiB/s); fio ARGS...
fio_bw() {
	local fout
	fout=$(fio --name=shards --ioengine=io_uring --rw=read --bs=$bs --iodepth=$depth --opendir="$work" \
		--file_service_type=roundrobin --numjobs=1 --thread --output-format=terse --terse-version=3 "$@" \
		2>/dev/null) || return 1
	awk -F';' '{ printf "%.0f", $7 * 1024 }' <<<"$fout"
}
ow=() fw=() oc=() fc=()
for _ in 1 2 3 4 5; do
	warm
	ow+=("$(ours)")
	warm
	fw+=("$(fio_bw --invalidate=0)") || { echo "  fio failed: skipped"; exit 0; }
	cold
	oc+=("$(ours)")
	fc+=("$(fio_bw --invalidate=1)") || { echo "  fio failed: skipped"; exit 0; }
done
gbs() { awk -v x="$1" 'BEGIN { printf "%.2f", x / 1e9 }'; }
printf '  %-6s %12s %12s %9s\n' cache "loader GB/s" "fio GB/s" loader/fio
for row in "warm ow fw" "cold oc fc"; do
	read -r name o f <<<"$row"
	declare -n oa=$o fa=$f
	a=$(median_of "${oa[@]}")
	b=$(median_of "${fa[@]}")
	rel=$(ratio "$a" "$b")
	printf '  %-6s %12s %12s %9s' "$name" "$(gbs "$a")" "$(gbs "$b")" "$rel"
	if [ "$name" = warm ]; then echo " (floor >= 0.90): $(verdict "$rel" 0.90 ">=")"; else echo; fi
	unset -n oa fa
done
echo "  bs 1 MiB, depth $depth; warm: read beforehand, fio --invalidate=0; cold: pages dropped before each run"
echo "  (posix_fadvise DONTNEED, fio --invalidate=1); no O_DIRECT on either side: the loader has no such mode"
