#!/usr/bin/env bash
# report.sh - one command, the whole study of this machine: what it does
# with CPU-bound and with I/O-bound work, as one page (DIR/index.html) a
# person would rather look at than read, with every run's own JSON report
# (DIR/results.json) and the CSV behind each plot beside it.
#
# Nothing is measured twice: the thread sweeps are scripts/sweep.sh's (its
# speedup, efficiency and Karp-Flatt, its plots as SVG, each run's JSON
# kept with --json), the memory read bandwidth is bench_fold's, and every
# other figure is a binary's own JSON report. The sections, one function
# each: scripts/report/cpu.sh (the machine, the kernels, algorithm beats
# cores, memory bandwidth), scripts/report/io.sh (overlap vs serial, the
# in-flight sweep, a pipeline's timeline, the heartbeat),
# scripts/report/peers.sh (primesieve, primecount, xxhsum, fio where
# installed); scripts/report/render.py writes the page and results.json,
# gnuplot draws the plots (scripts/report/*.gp).
#
# Every run must verify: one that fails or does not stops the report with
# that run's own error and exit 1, and no page is written. Everything is
# written into DIR/.partial-PID/ first and moved into DIR at the end,
# index.html last, so an index.html is always a complete report; SIGINT or
# SIGTERM stops the running step at once (exit 130 or 143).
#
# Needs bash, python3, gnuplot and the binaries (make); `make report`
# builds what it needs first. Exit status: 0 written, 1 a run failed or did
# not verify, 2 usage, 130/143 interrupted.
set -euo pipefail

prog=scripts/report.sh
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
here=$root/scripts/report
bindir=${OMPK_BIN_DIR:-$root/bin}
name=report

usage() {
	cat <<EOF
Usage: $prog [OPTION]...
Runs the whole study of this machine (every kernel seq, omp and fast at
1..P threads, memory bandwidth, the I/O pipeline, the heartbeat, the peer
programs) and writes one self-contained page, DIR/index.html, with
DIR/results.json (every run's own JSON report) and the CSV behind each plot.

  --out DIR         where the report goes (default: report-$(hostname -s 2>/dev/null || echo host))
  --quick           small sizes: under 3 minutes on 2 idle cores (same as
                    --sizes quick)
  --sizes S         tiny, quick or full (default: full, under 20 minutes on
                    2 idle cores; tiny is for tests: numbers, not a study)
  --threads LIST    thread counts of the kernel sweeps, e.g. 1,2,4 (default:
                    1, 2, 4, ... up to the CPUs, then 2x the CPUs)
  --kernels LIST    which kernels, e.g. primes,collatz (default: all)
  -h, --help        show this help

Environment: OMPK_BIN_DIR (the binaries, default bin/), OMPK_BENCH_FOLD
(the bench_fold binary, default the one beside the binaries' build); the
OMP_* variables reach every run (the sweeps set OMP_NUM_THREADS and
OMP_SCHEDULE themselves).
Example: $prog --quick --out /tmp/report
EOF
}

# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

args_given="$*"
out=""
out_given=0
sizes=full
threads_list=""
kernels_list=""
while [ $# -gt 0 ]; do
	case $1 in
	--out | --out=* | --sizes | --sizes=* | --threads | --threads=* | --kernels | --kernels=*)
		take "$@"
		case $flag in
		--out) out=$val out_given=1 ;;
		--sizes) sizes=$val ;;
		--threads) threads_list=$val ;;
		--kernels) kernels_list=$val ;;
		esac
		;;
	--quick)
		sizes=quick
		shift_by=1
		;;
	-h | --help)
		usage
		exit 0
		;;
	*) die_usage "$1: unknown option; accepted: --out DIR, --quick, --sizes S, --threads LIST, --kernels LIST, --help" ;;
	esac
	shift "$shift_by"
done

# --- validation ------------------------------------------------------------

case $sizes in tiny | quick | full) ;;
*) die_usage "--sizes: '$sizes' is not a size; accepted: tiny, quick, full" ;;
esac
[ "$out_given" = 0 ] || [ -n "$out" ] || die_usage "--out: empty directory name; accepted: a directory path"
out=${out:-report-$(hostname -s 2>/dev/null || echo host)}

mapfile -t all_kernels < <(sed -n 's/^OMPK_KERNEL(\([a-z0-9_]*\)).*/\1/p' "$root/include/ompkit/kernels.def")
accepted=$(printf '%s, ' "${all_kernels[@]}")
accepted=${accepted%, }
kernels=("${all_kernels[@]}")
if [ -n "$kernels_list" ]; then
	IFS=, read -r -a kernels <<<"$kernels_list"
	[ "${#kernels[@]}" -gt 0 ] || die_usage "--kernels: empty list; accepted: $accepted"
	seen=" "
	for k in "${kernels[@]}"; do
		[[ " ${all_kernels[*]} " == *" $k "* ]] || die_usage "--kernels: '$k' is not a kernel; accepted: $accepted"
		[[ $seen != *" $k "* ]] || die_usage "--kernels: '$k' is given twice; accepted: each kernel once"
		seen+="$k "
	done
fi

if [ -n "$threads_list" ]; then
	thread_list "$threads_list" >/dev/null || exit 2
fi

for b in "${kernels[@]}" pipeline heartbeat; do
	[ -x "$bindir/$b" ] || die "$bindir/$b: not built (run 'make', or 'make report')"
done
for tool in python3 gnuplot; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian: apt-get install ${tool/gnuplot/gnuplot-nox}); the report needs it"
done
# shellcheck disable=SC2034 # used by scripts/report/cpu.sh
bench_fold=${OMPK_BENCH_FOLD:-$(dirname "$(readlink -f "$bindir/pipeline")")/../bench/bench_fold}

ncpu=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
mkdir -p "$out" || die "$out: cannot create the output directory"
work=$out/.partial-$$
rm -rf "$work"
mkdir -p "$work" || die "$work: cannot create it"
finished=0
trap '[ "$finished" = 1 ] || rm -rf "$work"' EXIT

# shellcheck source=scripts/report/run.sh
. "$here/run.sh"
# shellcheck source=scripts/report/sizes.sh
. "$here/sizes.sh"
# shellcheck source=scripts/report/cpu.sh
. "$here/cpu.sh"
# shellcheck source=scripts/report/io.sh
. "$here/io.sh"
# shellcheck source=scripts/report/peers.sh
. "$here/peers.sh"
set_sizes "$sizes"

# --- the plan --------------------------------------------------------------

threads_shown=${threads_list:-default}
plan machine_step "$est_machine" "the machine (CPU, caches, memory, kernel, io_uring, build)"
for k in "${kernels[@]}"; do
	plan "kernel_step $k" "${est[$k]}" "$k: seq, omp ($(schedules_of "$k")) and fast at threads ${threads_list:-1..$((2 * ncpu))}, median of $repeat"
done
plan fast_step 1 "algorithm beats cores: fast vs seq vs omp (from the sweeps)"
plan bandwidth_step "$est_bandwidth" "memory bandwidth: bench_fold's read rate beside sumsq and checksum on a ${membw_mib} MiB file"
plan overlap_step "$est_overlap" "the pipeline overlapped vs serial"
plan inflight_step "$est_inflight" "the in-flight sweep, K = 1, 2, 4 .. $inflight_shards shards, and a timeline"
plan heartbeat_step "$est_heartbeat" "the heartbeat, inline vs offloaded"
plan peers_step "$est_peers" "the peers where installed (primesieve, primecount, xxhsum, fio)"

echo "$name: $sizes sizes, ${#step_fn[@]} steps, into $out/ (loadavg $(cut -d' ' -f1-3 /proc/loadavg))" >&2
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
run_plan
loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the page, then everything into place ----------------------------------

{
	printf 'sizes\t%s\n' "$sizes"
	printf 'repeat\t%s\n' "$repeat"
	printf 'kernels\t%s\n' "${kernels[*]}"
	printf 'threads\t%s\n' "$threads_shown"
	printf 'seconds\t%s\n' "$report_seconds"
	printf 'loadavg_start\t%s\n' "$loadavg_start"
	printf 'loadavg_end\t%s\n' "$loadavg_end"
	printf 'loadavg_steps\t%s\n' "$step_loads"
	printf 'command\t%s\n' "$prog${args_given:+ $args_given}"
} >>"$work/machine.tsv"
rm -rf "$work/data" "$work/runs/last.err" "$work/peer.out" "$work/peer.err" "$work/gnuplot.err"
spawn "$work/summary.txt" "$work/render.err" python3 -B "$here/render.py" "$work" "$root/src/schema/ompkit.schema.json" ||
	{ cat "$work/render.err" >&2; die "the page could not be written (scripts/report/render.py)"; }
rm -f "$work/render.err"
# Into place: an earlier report's files go first (the names it listed in
# .report-files, never anything else in DIR), then this one's, index.html
# last, so DIR never holds a page beside another report's data.
trap '' INT TERM HUP # the move is quick and must not be cut in half
rm -f "$out/index.html"
if [ -f "$out/.report-files" ]; then
	while read -r b; do
		[[ $b =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] && rm -rf "${out:?}/$b"
	done <"$out/.report-files"
fi
: >"$work/.report-files"
for f in "$work"/*; do
	b=$(basename "$f")
	echo "$b" >>"$work/.report-files"
	[ "$b" = index.html ] && continue
	rm -rf "${out:?}/$b"
	mv "$f" "$out/$b"
done
mv "$work/.report-files" "$out/.report-files"
mv "$work/index.html" "$out/index.html"
rmdir "$work"
finished=1
cat "$out/summary.txt"
echo "$name: wrote $out/index.html, $out/results.json and the CSVs behind each plot ($report_seconds s)" >&2
