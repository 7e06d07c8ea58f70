#!/usr/bin/env bash
# peers.sh - the tutorial's own comparison on this machine: each example run
# by ompkit built with gcc (libgomp), by ompkit built with clang (libomp)
# when such a build exists under build/, and by the Rust peer in
# bench/peers (rayon, Tokio), interleaved run by run, medians of 5. One
# table: example, each time, the ratios ours/Rust, and whether the results
# are equal. Any pair whose results differ, or an ompkit run that does not
# verify, fails the benchmark (exit 1); the floors of issue 15 are printed
# with ok/MISSED beside them.
#
# Times are each program's own measurement of the work (ompkit's median_s
# or wall, the peer's time_s), so process start and input generation are
# left out on both sides. The heartbeat rows show the maximum lateness in
# ms instead; their "result" is the verdict (late by at least half the job,
# or on time), since a lateness is a measurement, not a value to match.
#
# Usage: bench/peers.sh [--quick] [--runs N] [--only REGEX]
#   --quick   small sizes, one run: the check tests/test_peers.sh makes
#   --only    only the rows whose name matches (lcg_seq, lcg_par, primes_seq,
#             primes_thr, primes_par, collatz_*, sumsq_*, fold_*, fetch,
#             waits, image, hb_inline, hb_offload)
# Environment: OMPK_GCC_BIN, OMPK_CLANG_BIN: binary directories to use, or
#   none (default: found under build/ by what `lcg --version` says built
#   them); OMPK_PEER: the peer program (default: bench/peers, built here).
# The peer is built offline with Debian's cargo and rustc and the crates
# Debian ships (bench/peers/.cargo/config.toml); without them the Rust
# column is skipped with a note.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh # median, ratio

quick=0 runs=5 only=.
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 runs=1 ;;
	--only)
		[ -n "${2:-}" ] || { echo "ompk: --only: needs a pattern; accepted: an extended regex of row names (lcg, waits, ...)" >&2; echo "Try 'bench/peers.sh --help'" >&2; exit 2; }
		only=$2
		shift
		;;
	--runs)
		[[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "ompk: --runs: '${2:-}' is not a count; accepted: 1, 2, ..." >&2; echo "Try 'bench/peers.sh --help'" >&2; exit 2; }
		runs=$2
		shift
		;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "ompk: $1: unknown option; accepted: --quick, --runs N" >&2; echo "Try 'bench/peers.sh --help'" >&2; exit 2 ;;
	esac
	shift
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ompk-peers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- the implementations -------------------------------------------------

# compiler_of DIR: gcc or clang, from the build line of DIR/lcg --version.
compiler_of() { "$1/lcg" --version 2>/dev/null | sed -n 's/^build: \([a-z]*\) .*/\1/p'; }

find_bin() {
	local want=$1 d
	for d in build/release/bin build/*/bin; do
		case $d in *san-* | *mpi* | *fuzz*) continue ;; esac
		[ -x "$d/lcg" ] && [ -x "$d/pipeline" ] && [ -x "$d/heartbeat" ] || continue
		[ "$(compiler_of "$d")" = "$want" ] && { echo "$d"; return; }
	done
	return 0
}
gcc_bin=${OMPK_GCC_BIN:-$(find_bin gcc)}
clang_bin=${OMPK_CLANG_BIN:-$(find_bin clang)}
[ "$gcc_bin" != none ] || gcc_bin=""
[ "$clang_bin" != none ] || clang_bin=""
impls=() names=()
[ -n "$gcc_bin" ] && impls+=("$gcc_bin") && names+=("ours gcc")
[ -n "$clang_bin" ] && impls+=("$clang_bin") && names+=("ours clang")
[ ${#impls[@]} -gt 0 ] || { echo "peers: no ompkit build found under build/; run make first" >&2; exit 1; }
[ -n "$clang_bin" ] || echo "note: no clang build under build/ (make CC=clang): its column is skipped"

peer=""
if [ -n "${OMPK_PEER:-}" ]; then
	peer=$OMPK_PEER
	impls+=(rust) names+=("Rust")
elif [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] &&
	compgen -G "/usr/share/cargo/registry/rayon-[0-9]*" >/dev/null &&
	compgen -G "/usr/share/cargo/registry/tokio-[0-9]*" >/dev/null &&
	compgen -G "/usr/share/cargo/registry/futures-[0-9]*" >/dev/null; then
	# Debian's rustc, not whatever rustc is first on PATH (a rustup toolchain).
	(cd bench/peers && RUSTC=/usr/bin/rustc /usr/bin/cargo build --release --quiet) ||
		{ echo "peers: the Rust peer did not build" >&2; exit 1; }
	peer=build/peers/release/ompk-peers
	impls+=(rust) names+=("Rust")
else
	echo "note: Debian's cargo, rustc, librust-rayon-dev, librust-tokio-dev or librust-futures-dev missing: the Rust column is skipped"
fi
has_time=0
[ -x /usr/bin/time ] && has_time=1

# --- one run ---------------------------------------------------------------
# run IMPL KIND OURS_ARGS -- PEER_ARGS: sets R (the result, one line of
# numbers), T (seconds, or ms late for heartbeat) and M (max RSS in KiB, or -).

words() { tr ',\n' '  ' | tr -s ' ' | sed 's/^ //; s/ $//'; }

run() {
	local impl=$1 kind=$2 ours=() rust=() out
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do ours+=("$1"); shift; done
	shift
	rust=("$@")
	local cmd=()
	if [ "$impl" = rust ]; then
		cmd=("$peer" "${rust[@]}")
	elif [ "$kind" = kernel ]; then
		cmd=("$impl/${ours[0]}" "${ours[@]:1}" --format json)
	elif [ "$kind" = pipeline ]; then
		cmd=("$impl/pipeline" "${ours[@]}" --format json)
	else
		cmd=("$impl/heartbeat" "${ours[@]}" -q)
	fi
	if [ $has_time = 1 ]; then
		/usr/bin/time -f %M -o "$tmp/rss" "${cmd[@]}" >"$tmp/out" 2>"$tmp/err" || { echo "peers: ${cmd[*]} failed:" >&2; cat "$tmp/err" >&2; exit 1; }
		M=$(tail -n 1 "$tmp/rss")
	else
		"${cmd[@]}" >"$tmp/out" 2>"$tmp/err" || { echo "peers: ${cmd[*]} failed:" >&2; cat "$tmp/err" >&2; exit 1; }
		M=-
	fi
	out=$(cat "$tmp/out")
	if [ "$impl" = rust ]; then
		R=$(words <<<"$out")
		T=$(sed -n 's/^time_s = //p' "$tmp/err")
		[ "$kind" = heartbeat ] && T=$R
	elif [ "$kind" = kernel ] || [ "$kind" = pipeline ]; then
		# the one JSON schema: the same keys from a kernel binary and the pipeline
		grep -q '"verified":true' <<<"$out" || { echo "peers: ${cmd[*]}: NOT VERIFIED" >&2; exit 1; }
		R=$(sed -E 's/.*"result":\{([^}]*)\}.*/\1/; s/"[a-z_]*"://g; s/[][]//g' <<<"$out" | words)
		T=$(sed -E 's/.*"median_s":([-0-9.e+]+).*/\1/' <<<"$out")
	else
		R=$(words <<<"$out")
		T=$R
	fi
	if [ "$kind" = heartbeat ]; then
		R=$(awk -v l="$R" -v b="$block_ms" 'BEGIN { print (l >= b / 2 ? "late" : "on time") }')
	fi
}


# --- the table -------------------------------------------------------------
failed=0
declare -A MED RSS
fmt_row() {
	printf '%-34s' "$1"
	shift
	printf ' %11s' "$@"
	printf '\n'
}

# row KEY LABEL KIND OURS_ARGS -- PEER_ARGS: runs every implementation
# $runs times, interleaved, and prints the row.
row() {
	local key=$1 label=$2 kind=$3 i r unit=ms
	shift 3
	[[ $key =~ $only ]] || return 0
	local -a times results rss
	local k n=${#impls[@]}
	for ((r = 0; r < runs; r++)); do
		# Each run starts with the next implementation, so none always runs
		# right after another's load (the VM's CPUs remember it).
		for ((k = 0; k < n; k++)); do
			i=$(((r + k) % n))
			run "${impls[$i]}" "$kind" "$@"
			times[$i]+="$T "
			rss[$i]+="$M "
			if [ $r -eq 0 ]; then
				results[$i]=$R
			elif [ "${results[$i]}" != "$R" ]; then
				results[$i]="$R (changed between runs)"
			fi
		done
	done
	local cells=() equal=yes
	for i in "${!impls[@]}"; do
		MED[$key,$i]=$(tr ' ' '\n' <<<"${times[$i]}" | grep . | median)
		RSS[$key,$i]=$(tr ' ' '\n' <<<"${rss[$i]}" | grep . | median)
		if [ "$kind" = heartbeat ]; then
			cells+=("$(printf '%.4g %s' "${MED[$key,$i]}" "$unit")")
		else
			cells+=("$(awk -v s="${MED[$key,$i]}" 'BEGIN { printf "%.4g ms", s * 1e3 }')")
		fi
		[ "${results[$i]}" = "${results[0]}" ] || equal=DIFFER
	done
	local last=$((${#impls[@]} - 1))
	if [ "$kind" != heartbeat ]; then
		for ((i = 0; i < last; i++)); do cells+=("$(ratio "${MED[$key,$i]}" "${MED[$key,$last]}")"); done
	else
		for ((i = 0; i < last; i++)); do cells+=("-"); done
	fi
	fmt_row "$label" "${cells[@]}" "$equal"
	if [ $equal != yes ]; then
		failed=1
		for i in "${!impls[@]}"; do echo "    ${names[$i]}: ${results[$i]}" | cut -c 1-160; done
	fi
}

header=()
for n in "${names[@]}"; do header+=("$n"); done
last=$((${#impls[@]} - 1))
for ((i = 0; i < last; i++)); do header+=("${names[$i]#ours }/${names[$last]#ours }"); done
header+=("equal")

if [ $quick = 1 ]; then
	lcg=(--seeds 8 --iters 1e5) primes=(--to 3000 --jobs 4) collatz=(--to 1e5) sumsq=(--to 1e6)
	checksum=(--buffers 8 --size 1e5) fetch=(--shards 100 --shard-len 100 --latency-ms 10)
	waits=(--shards 10000 --shard-len 1 --latency-ms 10) image=(--shards 4 --shard-len 1e5 --latency-ms 10)
	hb=(--tick-ms 20 --ticks 3 --block-ms 200)
	block_ms=200
else
	lcg=(--seeds 8 --iters 5e7) primes=(--to 50000 --jobs 4) collatz=(--to 3e6) sumsq=(--to 1e8)
	checksum=(--buffers 8 --size 2.5e7) fetch=(--shards 10000 --shard-len 100 --latency-ms 100)
	waits=(--shards 1e6 --shard-len 1 --latency-ms 100) image=(--shards 4 --shard-len 1e6 --latency-ms 80)
	hb=(--tick-ms 50 --ticks 3 --block-ms 300)
	block_ms=300
fi

echo "ompkit against its Rust peers: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), medians of $runs, interleaved"
for i in "${!impls[@]}"; do
	if [ "${impls[$i]}" = rust ]; then
		echo "  ${names[$i]}: $peer ($(/usr/bin/rustc --version); rayon, tokio, futures from /usr/share/cargo/registry)"
	else
		echo "  ${names[$i]}: ${impls[$i]} ($("${impls[$i]}/lcg" --version | sed -n 's/^build: //p'))"
	fi
done
echo "  ours: schedule(runtime) as each runtime defaults it (libgomp dynamic,1, libomp static), except"
echo "  lcg omp: --schedule dynamic,1 on both, as rayon steals whole chains (8 chains on $(nproc) threads)"
echo "sizes: lcg ${lcg[*]}; primes ${primes[*]}; collatz ${collatz[*]}; sumsq ${sumsq[*]};"
echo "  checksum ${checksum[*]}; fetch ${fetch[*]}; waits ${waits[*]} (pipeline: --inflight = --shards);"
echo "  image: --kernel checksum ${image[*]}; heartbeat ${hb[*]} (lateness in ms)"
awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" 'BEGIN { if (l > n) printf "note: load average %s on %d cores: other work shares them, so read the ratios, not the times\n", l, n }'
fmt_row example "${header[@]}"
row lcg_seq "lcg seq" kernel lcg "${lcg[@]}" --variant seq -- lcg "${lcg[@]}" --variant seq
row lcg_par "lcg omp | rayon" kernel lcg "${lcg[@]}" --variant omp --schedule dynamic,1 -- lcg "${lcg[@]}" --variant rayon
row primes_seq "primes seq" kernel primes "${primes[@]}" --variant seq -- primes "${primes[@]}" --variant seq
row primes_thr "primes omp | a thread per job" kernel primes "${primes[@]}" --variant omp -- primes "${primes[@]}" --variant threads
row primes_par "primes omp | rayon" kernel primes "${primes[@]}" --variant omp -- primes "${primes[@]}" --variant rayon
row collatz_seq "collatz seq" kernel collatz "${collatz[@]}" --variant seq -- collatz "${collatz[@]}" --variant seq
row collatz_par "collatz omp | rayon" kernel collatz "${collatz[@]}" --variant omp -- collatz "${collatz[@]}" --variant rayon
row sumsq_seq "sumsq seq" kernel sumsq "${sumsq[@]}" --variant seq -- sumsq "${sumsq[@]}" --variant seq
row sumsq_par "sumsq omp | rayon" kernel sumsq "${sumsq[@]}" --variant omp -- sumsq "${sumsq[@]}" --variant rayon
row fold_seq "checksum seq" kernel checksum "${checksum[@]}" --variant seq -- checksum "${checksum[@]}" --variant seq
row fold_par "checksum omp | rayon" kernel checksum "${checksum[@]}" --variant omp -- checksum "${checksum[@]}" --variant rayon
row fetch "fetch: pipeline | join_all" pipeline "${fetch[@]}" --inflight "${fetch[1]}" -- fetch "${fetch[@]}"
row waits "waits: pipeline | tokio::spawn" pipeline "${waits[@]}" --inflight "${waits[1]}" -- waits "${waits[@]}"
row image "image: pipeline | JoinSet" pipeline --kernel checksum "${image[@]}" -- image "${image[@]}"
row hb_inline "heartbeat inline, ms late" heartbeat "${hb[@]}" --mode inline -- heartbeat "${hb[@]}" --variant inline
row hb_offload "  offload | spawn_blocking, ms late" heartbeat "${hb[@]}" --mode offload -- heartbeat "${hb[@]}" --variant offload

if [ $has_time = 1 ] && [ -n "${RSS[waits,0]:-}" ]; then
	printf '%-34s' "waits: max RSS"
	for i in "${!impls[@]}"; do printf ' %11s' "$(awk -v k="${RSS[waits,$i]}" 'BEGIN { printf "%.0f MB", k / 1024 }')"; done
	printf '\n'
fi

# The floors (issue 15), for the full sizes.
if [ "${impls[$last]}" = rust ] && [ $quick = 0 ] && [ "$only" = . ]; then
	verdict() { awk -v v="$1" -v f="$2" -v op="$3" 'BEGIN { ok = op == "<=" ? v <= f : v >= f; print ok ? "ok" : "MISSED" }'; }
	echo "floors:"
	if [ -n "$clang_bin" ]; then
		c=$((last - 1))
		for k in lcg_seq lcg_par primes_seq primes_par collatz_seq collatz_par sumsq_seq sumsq_par fold_seq fold_par; do
			r=$(ratio "${MED[$k,$c]}" "${MED[$k,$last]}")
			echo "  clang $k: ours/Rust $r (floor <= 1.05): $(verdict "$r" 1.05 "<=")"
		done
	else
		echo "  clang rows: no clang build, not judged"
	fi
	r=$(ratio "${MED[waits,$last]}" "${MED[waits,0]}")
	echo "  waits: Rust/ours time $r (floor >= 3): $(verdict "$r" 3 ">=")"
	if [ $has_time = 1 ]; then
		r=$(ratio "${RSS[waits,$last]}" "${RSS[waits,0]}")
		echo "  waits: Rust/ours memory $r (floor >= 10): $(verdict "$r" 10 ">=")"
	fi
fi
if [ $failed = 1 ]; then
	echo "peers: FAILED: results differ (above)"
	exit 1
fi
echo "results equal in every row"
