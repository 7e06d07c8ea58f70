#!/usr/bin/env bash
# pipeline.sh - the I/O half (bin/pipeline, src/io/loader*.c), medians of
# repeated runs through the binary users run, every run verified:
#   1. the tutorial's pipeline, overlap vs serial wall (floor: ratio <= 0.30)
#   2. 10,000 synthetic shards of 100 ms, --inflight 10000 (floor: <= 125 ms)
#   3. reading 1 GiB of shard files (page cache warm) against fio
#      --ioengine=io_uring on the same files, same block size and depth
#      (floor: within 10% of fio's throughput). fio is installed if missing.
#
# Usage: bench/pipeline.sh [BINDIR]   (default bin)
set -euo pipefail
cd "$(dirname "$0")/.."
bindir=${1:-bin}
p=$bindir/pipeline
work=${TMPDIR:-/tmp}/ompk-bench-pipeline
trap 'rm -rf "$work"' EXIT

# value of a numeric JSON field of one run: field ARGS...
field() {
	local f=$1 out
	shift
	out=$("$p" "$@" --format json)
	grep -q '"verified":true' <<<"$out" || { echo "bench: pipeline $*: NOT VERIFIED" >&2; exit 1; }
	sed -E "s/.*\"$f\":([-0-9.e+]+).*/\1/" <<<"$out"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
verdict() { awk -v v="$1" -v f="$2" -v op="$3" 'BEGIN { ok = op == "<=" ? v <= f : v >= f; print ok ? "ok" : "MISSED" }'; }

echo "== pipeline: the tutorial's 4 shards x 250,000 values, 50 ms (medians of 5, interleaved)"
ov=() se=()
for _ in 1 2 3 4 5; do
	ov+=("$(field median_s)")
	se+=("$(field median_s --mode serial)")
done
o=$(printf '%s\n' "${ov[@]}" | median)
s=$(printf '%s\n' "${se[@]}" | median)
r=$(awk -v o="$o" -v s="$s" 'BEGIN { printf "%.3f", o / s }')
printf '  overlap %.1f ms, serial %.1f ms, ratio %s (floor <= 0.30, ideal 0.25): %s\n' \
	"$(awk -v x="$o" 'BEGIN { print x * 1e3 }')" "$(awk -v x="$s" 'BEGIN { print x * 1e3 }')" "$r" "$(verdict "$r" 0.30 "<=")"

echo "== pipeline: 10,000 synthetic shards of 100 values, 100 ms each, --inflight 10000 (median of 5)"
w=$(for _ in 1 2 3 4 5; do field median_s --shards 10000 --shard-len 100 --latency-ms 100 --inflight 10000; done | median)
ms=$(awk -v x="$w" 'BEGIN { printf "%.1f", x * 1e3 }')
echo "  wall $ms ms (floor <= 125 ms): $(verdict "$ms" 125 "<=")"

echo "== pipeline: 1 GiB of shard files (256 x 4 MiB, page cache warm) vs fio --ioengine=io_uring"
if ! command -v fio >/dev/null; then
	echo "  installing fio (Debian package)"
	apt-get install -y -qq fio >/dev/null 2>&1 || { echo "  fio unavailable: skipped"; exit 0; }
fi
shards=256 len=$((512 << 10)) bs=$((1 << 20)) depth=16 # 256 x 4 MiB of u64 values
"$p" --make-shards "$work" --shards $shards --shard-len $len -q
cat "$work"/shard-*.bin >/dev/null
# The loader's read throughput: bytes over the time the last fetch landed
# (sumsq fast on one thread keeps up with reading and leaves it a core).
ours=() theirs=()
for _ in 1 2 3 4 5; do
	out=$("$p" --source "$work" --shards $shards --shard-len $len --latency-ms 0 \
		--inflight $depth --read-block $bs --variant fast -t 1 --format json)
	grep -q '"verified":true' <<<"$out" || { echo "bench: shard files: NOT VERIFIED" >&2; exit 1; }
	last=$(grep -o '"fetch_done_ms":\[[0-9.e,+-]*\]' <<<"$out" | cut -d'[' -f2 | tr -d ']' | tr ',' '\n' | sort -g | tail -n 1)
	ours+=("$(awk -v ms="$last" -v b=$((shards * (len * 8 + 16))) 'BEGIN { printf "%.0f", b / (ms / 1e3) }')")
	fout=$(fio --name=shards --ioengine=io_uring --rw=read --bs=$bs --iodepth=$depth --opendir="$work" \
		--file_service_type=roundrobin --numjobs=1 --thread --output-format=terse --terse-version=3 2>/dev/null) || { echo "  fio failed: skipped"; exit 0; }
	# terse v3: field 7 is the read bandwidth in KiB/s
	theirs+=("$(awk -F';' '{ printf "%.0f", $7 * 1024 }' <<<"$fout")")
done
a=$(printf '%s\n' "${ours[@]}" | median)
b=$(printf '%s\n' "${theirs[@]}" | median)
rel=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
printf '  loader %.2f GB/s, fio %.2f GB/s (bs 1 MiB, depth %d), loader/fio %s (floor >= 0.90): %s\n' \
	"$(awk -v x="$a" 'BEGIN { print x / 1e9 }')" "$(awk -v x="$b" 'BEGIN { print x / 1e9 }')" $depth "$rel" "$(verdict "$rel" 0.90 ">=")"
