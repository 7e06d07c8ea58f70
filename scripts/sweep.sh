#!/usr/bin/env bash
# sweep.sh - a thread-count sweep of one kernel: runs bin/KERNEL for every
# variant x schedule x thread count, with OMP_NUM_THREADS and OMP_SCHEDULE
# set through the environment as a user would by hand (always both: the
# runtimes' default schedules differ), reads each run's `--format csv`
# output by its header, and writes DIR/results.csv (speedup against the
# 1-thread run of the same variant and schedule, parallel efficiency and
# the Karp-Flatt serial fraction, all with the thread count the binary
# reports it used; and the speedup over seq), an aligned table on stdout,
# and DIR/speedup.png, DIR/efficiency.png and DIR/karp_flatt.png drawn by
# gnuplot (--plot-format svg: the same as SVG, for pages that embed them).
#
# --json DIR keeps each run's own JSON report: the binaries are then run with
# `--format json` (each output saved as DIR/KERNEL-VARIANT-SCHEDULE-tP.json)
# and the same columns are read from the JSON by python3, with the numbers
# as the binary printed them; scripts/report.sh uses it to keep every run.
#
# Only what has a thread axis is swept: seq runs once, at 1 thread, as the
# baseline; a variant that reports 1 thread at OMP_NUM_THREADS > 1 (lcg's
# jump-ahead fast) is kept at its 1-thread run, with a notice. Binaries
# without variants or schedules (pipeline, heartbeat, demo) are refused.
#
# Only bash, awk (POSIX: mawk is enough) and coreutils are needed; gnuplot
# is optional (the plots are skipped with a notice without it); --json needs
# python3.
# Exit status: 0 done, 1 a kernel run or the plotting failed, 2 usage (the
# sweep's, or a kernel's own usage error on KERNEL_ARGS).
set -euo pipefail

prog=scripts/sweep.sh
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bindir=${OMPK_BIN_DIR:-$root/bin}

usage() {
	cat <<EOF
Usage: $prog KERNEL [OPTION]... [-- KERNEL_ARGS...]
Runs bin/KERNEL for every variant, schedule and thread count and reports
speedup, efficiency and the Karp-Flatt serial fraction.

  --threads LIST     thread counts, e.g. 1,2,4 (default: 1, 2, 4, ... up to
                     the CPUs, then 2x the CPUs, oversubscribed); 1 is always
                     run: it is the baseline
  --variants LIST    seq, omp, fast (default: seq,omp); seq runs once, at 1
                     thread, and so does a variant that reports 1 thread
                     when given more
  --schedules LIST   static, dynamic, guided, auto, each optionally with a
                     chunk: static,dynamic,64 means static and dynamic,64
                     (default: static,dynamic)
  --repeat N         timed runs per point; the median is used (default: 5)
  --weak[=PARAM]     weak scaling: multiply kernel parameter PARAM by the
                     thread count (default PARAM: primes jobs, lcg seeds,
                     collatz to, sumsq to, checksum buffers); efficiency is
                     then T(1)/T(p)
  --bind B           close, spread, master, false (the binaries' --bind)
  --places P         cores, threads, sockets (the binaries' --places)
  --out DIR          where results.csv and the plots go (default: sweep-KERNEL)
  --plot-format F    png or svg (default: png)
  --json DIR         also keep each run's own JSON report in DIR (needs python3)
  -h, --help         show this help

KERNEL_ARGS go to every run unchanged (e.g. -- --to 200000 --warmup 1).
Example: $prog primes --schedules static,dynamic -- --to 100000
EOF
}

name=sweep
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

kernel=""
threads_list=""
variants="seq,omp"
schedules="static,dynamic"
repeat=5
weak=0
weak_param=""
bind=""
places=""
out=""
plot_format=png
jsondir=""
kargs=()
while [ $# -gt 0 ]; do
	case $1 in
	--threads | --threads=* | --variants | --variants=* | --schedules | --schedules=* | \
		--repeat | --repeat=* | --bind | --bind=* | --places | --places=* | --out | --out=* | \
		--plot-format | --plot-format=* | --json | --json=*)
		take "$@"
		case $flag in
		--threads) threads_list=$val ;;
		--variants) variants=$val ;;
		--schedules) schedules=$val ;;
		--repeat) repeat=$val ;;
		--bind) bind=$val ;;
		--places) places=$val ;;
		--out) out=$val ;;
		--plot-format) plot_format=$val ;;
		--json) jsondir=$val ;;
		esac
		;;
	--weak)
		weak=1
		shift_by=1
		;;
	--weak=*)
		weak=1
		weak_param=${1#*=}
		[ -n "$weak_param" ] || die_usage "--weak=: empty parameter name; accepted: --weak or --weak=PARAM"
		shift_by=1
		;;
	*) common_arg "$@" ;;
	esac
	shift "$shift_by"
done

# --- validation ---------------------------------------------------------

find_kernel "$kernel"

is_uint "$repeat" && [ "$repeat" -ge 1 ] && [ "$repeat" -le 100000 ] ||
	die_usage "--repeat: '$repeat' is not a whole number from 1 to 100000"

ncpu=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
if [ -z "$threads_list" ]; then
	threads=()
	for ((p = 1; p <= ncpu; p *= 2)); do threads+=("$p"); done
	[ "${threads[-1]}" -eq "$ncpu" ] || threads+=("$ncpu")
	threads+=($((2 * ncpu)))
else
	raw=$(thread_list "$threads_list") || exit 2
	mapfile -t threads < <(printf '%d\n' 1 $raw | sort -n -u)
fi

IFS=, read -r -a vlist <<<"$variants"
[ "${#vlist[@]}" -gt 0 ] || die_usage "--variants: empty list; accepted: seq, omp, fast"
for v in "${vlist[@]}"; do
	case $v in seq | omp | fast) ;; *) die_usage "--variants: '$v' is not a variant; accepted: seq, omp, fast" ;; esac
done

# "static,dynamic,64" is static and dynamic,64: a bare number is a chunk.
slist=()
IFS=, read -r -a raw <<<"$schedules"
for s in "${raw[@]}"; do
	if [[ $s =~ ^[0-9]+$ ]] && [ "${#slist[@]}" -gt 0 ] && [[ ${slist[-1]} != *,* ]]; then
		[ "${#s}" -le 9 ] && [ "$s" -ge 1 ] ||
			die_usage "--schedules: chunk '$s' is out of range; accepted: 1 to 999999999"
		slist[-1]+=",$s"
	elif [[ $s =~ ^(static|dynamic|guided|auto)$ ]]; then
		slist+=("$s")
	else
		die_usage "--schedules: '$s' is not a schedule; accepted: static, dynamic, guided, auto, each optionally followed by ,CHUNK (e.g. static,dynamic,64)"
	fi
done
[ "${#slist[@]}" -gt 0 ] || die_usage "--schedules: empty list; accepted: static, dynamic, guided, auto"

case $bind in "" | close | spread | master | false) ;;
*) die_usage "--bind: '$bind' is not a binding; accepted: close, spread, master, false" ;;
esac
case $places in "" | cores | threads | sockets) ;;
*) die_usage "--places: '$places' is not a place list; accepted: cores, threads, sockets" ;;
esac
case $plot_format in png | svg) ;;
*) die_usage "--plot-format: '$plot_format' is not a plot format; accepted: png, svg" ;;
esac
fmt=csv
if [ -n "$jsondir" ]; then
	fmt=json
	command -v python3 >/dev/null 2>&1 || die "--json: python3 not found (Debian: apt-get install python3)"
	mkdir -p "$jsondir" || die "$jsondir: cannot create the JSON directory"
fi

# The sweep owns the thread count, variant, schedule and output format.
for a in "${kargs[@]}"; do
	case $a in
	-t* | --threads | --threads=* | --variant | --variant=* | --schedule | --schedule=* | \
		--format | --format=* | -q | --quiet | -r* | --repeat | --repeat=* | --bind | --bind=* | \
		--places | --places=*)
		die_usage "$a after '--': the sweep sets it; use the sweep's own option before '--'"
		;;
	esac
done

if [ "$weak" -eq 1 ] && [ -z "$weak_param" ]; then
	case $kernel in
	primes) weak_param=jobs ;;
	lcg) weak_param=seeds ;;
	collatz | sumsq) weak_param=to ;;
	checksum) weak_param=buffers ;;
	*) die_usage "--weak: no default size parameter for $kernel; accepted: --weak=PARAM with one of its parameters" ;;
	esac
fi

out=${out:-sweep-$kernel}
mkdir -p "$out" || die "$out: cannot create the output directory"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ompk-sweep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- the runs -------------------------------------------------------------

# Reads one run's CSV (header and one row) and prints "name<TAB>value" per
# column, then "@params<TAB>names" (the columns between schedule and file:
# the kernel's parameters). Quoted fields may hold commas and quotes.
read_csv_awk='
function csvsplit(line, out,    n, i, c, f, q) {
	n = 0; f = ""; q = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c == "\"") {
				if (substr(line, i + 1, 1) == "\"") { f = f "\""; i++ } else q = 0
			} else f = f c
		} else if (c == "\"") q = 1
		else if (c == ",") { out[++n] = f; f = "" }
		else f = f c
	}
	out[++n] = f
	return n
}
{ sub(/\r$/, ""); lines[NR] = $0 }
END {
	if (NR != 2) { print "@error\texpected a CSV header and one row, got " NR " lines"; exit }
	nh = csvsplit(lines[1], h); nr = csvsplit(lines[2], r)
	if (nh != nr) { print "@error\theader has " nh " columns, row " nr; exit }
	params = ""; inp = 0
	for (i = 1; i <= nh; i++) {
		print h[i] "\t" r[i]
		if (h[i] == "file") inp = 0
		if (inp) params = params (params == "" ? "" : " ") h[i]
		if (h[i] == "schedule") inp = 1
	}
	print "@params\t" params
}'

# Reads one run's JSON and prints what read_csv_awk prints for its CSV: the
# emitter's CSV columns (params and result members under their own names,
# other objects' members as object.member, arrays space-separated, booleans
# yes/no, null empty), numbers as the binary printed them.
read_json_py='
import json, sys
try:
    doc = json.load(open(sys.argv[1]), parse_float=str, parse_int=str)
except ValueError as e:
    print("@error\tnot one JSON object: %s" % e); sys.exit()
def cell(v):
    if isinstance(v, list): return " ".join(cell(x) for x in v)
    return {True: "yes", False: "no", None: ""}.get(v, v) if not isinstance(v, str) else v
for k, v in doc.items():
    if isinstance(v, dict):
        for m, x in v.items(): print("%s\t%s" % (m if k in ("params", "result") else k + "." + m, cell(x)))
    else: print("%s\t%s" % (k, cell(v)))
print("@params\t" + " ".join(doc.get("params", {})))'

declare -A rec
# parse_run FILE: fills rec[] from a run's CSV output (its JSON with
# --json), or dies.
parse_run() {
	local k v
	rec=()
	if [ -n "$jsondir" ]; then
		while IFS=$'\t' read -r k v; do rec[$k]=$v; done < <(python3 -c "$read_json_py" "$1")
	else
		while IFS=$'\t' read -r k v; do rec[$k]=$v; done < <(awk "$read_csv_awk" "$1")
	fi
	[ -z "${rec[@error]:-}" ] || die "$bin: unreadable --format $fmt output: ${rec[@error]}"
	for k in kernel variant threads schedule file verified repeats median_s min_s max_s rate rate_unit; do
		[ -n "${rec[$k]+x}" ] || die "$bin: its CSV output has no '$k' column"
	done
}

series=()
for v in "${vlist[@]}"; do
	if [ "$v" = seq ]; then
		series+=("seq none")
	else
		for s in "${slist[@]}"; do series+=("$v $s"); done
	fi
done
# Runs planned: seq once, every other series at every thread count (less
# when a series turns out not to use threads).
total=0
for sv in "${series[@]}"; do
	if [ "${sv%% *}" = seq ]; then total=$((total + 1)); else total=$((total + ${#threads[@]})); fi
done
progress=0
[ -t 2 ] && progress=1

raw=$tmp/raw.csv
: >"$raw"
weak_base=""
i=0
param_names=""
declare -A single # series that ran on 1 thread at OMP_NUM_THREADS > 1
# p outermost: every series sees the machine in the same state at each p.
for p in "${threads[@]}"; do
	for sv in "${series[@]}"; do
		v=${sv%% *}
		s=${sv#* }
		# No thread axis: seq, and what ran on one thread when given more.
		if [ "$p" -gt 1 ] && { [ "$v" = seq ] || [ -n "${single[$sv]:-}" ]; }; then
			continue
		fi
		i=$((i + 1))
		# seq ignores the schedule, but OMP_SCHEDULE is still set explicitly.
		env_sched=$s
		[ "$s" = none ] && env_sched=${slist[0]}
		args=(--variant "$v" --repeat "$repeat" --format "$fmt")
		[ -z "$bind" ] || args+=(--bind "$bind")
		[ -z "$places" ] || args+=(--places "$places")
		args+=("${kargs[@]}")
		if [ "$weak" -eq 1 ] && [ "$p" -gt 1 ]; then
			[ "${#weak_base}" -le 18 ] && [ "$weak_base" -le $((999999999999999999 / p)) ] ||
				die "--weak: $weak_param = $weak_base x $p does not fit in 63 bits"
			args+=("--$weak_param=$((weak_base * p))")
		fi
		label="$kernel $v $s threads=$p"
		[ "$progress" -eq 0 ] || printf '[%d/%d] %s ...' "$i" "$total" "$label" >&2
		rc=0
		OMP_NUM_THREADS=$p OMP_SCHEDULE=$env_sched "$bin" "${args[@]}" >"$tmp/out" 2>"$tmp/err" || rc=$?
		if [ "$rc" -ne 0 ]; then
			[ "$progress" -eq 0 ] || echo " failed" >&2
			cat "$tmp/err" >&2
			echo "sweep: run $i/$total ($label: OMP_NUM_THREADS=$p OMP_SCHEDULE=$env_sched $bin ${args[*]}) failed with exit $rc; sweep stopped" >&2
			# The kernel's usage errors (exit 2) are the sweep's usage errors.
			[ "$rc" -eq 2 ] && exit 2
			exit 1
		fi
		parse_run "$tmp/out"
		[ -z "$jsondir" ] || cp "$tmp/out" "$jsondir/$kernel-$v-${s//,/_}-t$p.json"
		[ "$progress" -eq 0 ] || printf ' %s s\n' "${rec[median_s]}" >&2
		used=${rec[threads]}
		is_uint "$used" && [ "$used" -ge 1 ] ||
			die "run $i/$total ($label): '$used' in the threads column is not a thread count"
		if [ "$p" -gt 1 ] && [ "$used" -eq 1 ] && [ "$v" != omp ]; then
			single[$sv]=1
			left=0
			for q in "${threads[@]}"; do [ "$q" -le "$p" ] || left=$((left + 1)); done
			total=$((total - left))
			echo "sweep: $kernel $v ran on 1 thread at OMP_NUM_THREADS=$p: it has no thread axis; its 1-thread run is kept" >&2
			continue
		fi
		if [ "$v" = omp ] && [ "$used" != "$p" ]; then
			die "run $i/$total ($label): the runtime gave $used threads for OMP_NUM_THREADS=$p (OMP_DYNAMIC or OMP_THREAD_LIMIT set?); sweep stopped"
		fi
		if [ -z "$param_names" ]; then
			param_names=${rec[@params]}
			if [ "$weak" -eq 1 ]; then
				[[ " $param_names " == *" $weak_param "* ]] ||
					die_usage "--weak=$weak_param: $kernel has no such parameter; accepted: ${param_names// /, }"
				weak_base=${rec[$weak_param]}
			fi
		fi
		row="${rec[kernel]},$v,\"$s\",$p,$used,${bind:-default},${places:-default}"
		for n in $param_names; do row+=",${rec[$n]}"; done
		row+=",${rec[repeats]},${rec[median_s]},${rec[min_s]},${rec[max_s]},${rec[rate]},${rec[rate_unit]},${rec[verified]}"
		echo "$row" >>"$raw"
	done
done

# --- results.csv, the table, the plot data -------------------------------

header="kernel,variant,schedule,threads,threads_used,bind,places"
for n in $param_names; do header+=",$n"; done
header+=",repeats,median_s,min_s,max_s,rate,rate_unit,speedup,efficiency,karp_flatt,speedup_vs_seq,verified"
nparams=$(wc -w <<<"$param_names")
mkdir -p "$out/plot"
rm -f "$out"/plot/*.dat
# With p the threads the run used: speedup S = T(1)/T(p) with the medians
# (weak scaling: S = p T(1)/T(p), so efficiency S/p = T(1)/T(p));
# Karp-Flatt e = (1/S - 1/p)/(1 - 1/p), p > 1; speedup_vs_seq = T(seq)/T(p)
# (weak: p T(seq)/T(p)), empty without a seq run. Rows come out grouped by
# series (variant and schedule), threads ascending; plot/N.dat holds the
# threaded series only (a lone point has no line to draw): threads used,
# speedup (median, min, max), efficiency (the same) and Karp-Flatt (NaN at
# 1 thread); plot/ideal.dat the thread counts used and the ideal speedup,
# efficiency and serial fraction.
awk -v np="$nparams" -v weak="$weak" -v header="$header" -v plotdir="$out/plot" "
$(sed -n '/^function csvsplit/,/^}$/p' <<<"$read_csv_awk")"'
function q(s) { return s ~ /[",]/ ? "\"" s "\"" : s }
{
	n = csvsplit($0, f)
	key = f[2] " " f[3]
	if (!(key in seen)) { seen[key] = ++ns; sname[ns] = key }
	p = f[4] + 0
	if (!(p in pseen)) { pseen[p] = 1; plist[++npl] = p }
	row[key, p] = $0
	used[key, p] = f[5] + 0
	med[key, p] = f[9 + np]
	mn[key, p] = f[10 + np]
	mx[key, p] = f[11 + np]
	cnt[key]++
	if (f[2] == "seq") tseq = f[9 + np]
}
END {
	print header
	nplot = 0
	for (s = 1; s <= ns; s++) {
		key = sname[s]
		t1 = med[key, 1]
		if (cnt[key] > 1) { dat = plotdir "/" ++nplot ".dat"; print "# " key > dat } else dat = ""
		for (j = 1; j <= npl; j++) {
			p = plist[j]
			if (!((key, p) in row)) continue
			u = used[key, p]
			n = csvsplit(row[key, p], f)
			scale = weak ? u : 1
			S = scale * t1 / med[key, p]
			E = S / u
			kf = u > 1 ? sprintf("%.6f", (1 / S - 1 / u) / (1 - 1 / u)) : ""
			vs = tseq != "" ? sprintf("%.6f", scale * tseq / med[key, p]) : ""
			line = ""
			for (i = 1; i < n; i++) line = line (i > 1 ? "," : "") q(f[i])
			printf "%s,%.6f,%.6f,%s,%s,%s\n", line, S, E, kf, vs, f[n]
			if (dat == "") continue
			uu[u] = 1
			slo = scale * t1 / mx[key, p]; shi = scale * t1 / mn[key, p]
			printf "%d %.6f %.6f %.6f %.6f %.6f %.6f %s\n", u, S, slo, shi, E, slo / u, shi / u, kf == "" ? "NaN" : kf > dat
		}
		if (dat != "") close(dat)
	}
	for (u in uu) print u, u, 1, 0 > plotdir "/ideal.unsorted"
}' "$raw" >"$out/results.csv"
if [ -e "$out/plot/ideal.unsorted" ]; then
	sort -n "$out/plot/ideal.unsorted" >"$out/plot/ideal.dat"
	rm -f "$out/plot/ideal.unsorted"
fi
# The series drawn, in the order of their plot/N.dat files.
plotted=()
for ((k = 1; ; k++)); do
	[ -e "$out/plot/$k.dat" ] || break
	plotted+=("$(head -n 1 "$out/plot/$k.dat" | cut -c3-)")
done

# The aligned table: numbers right-aligned, text left-aligned.
awk "$(sed -n '/^function csvsplit/,/^}$/p' <<<"$read_csv_awk")"'
{ n[NR] = csvsplit($0, f); for (i = 1; i <= n[NR]; i++) { c[NR, i] = f[i]; if (length(f[i]) > w[i]) w[i] = length(f[i]) } }
END {
	for (r = 1; r <= NR; r++) {
		line = ""
		for (i = 1; i <= n[r]; i++) {
			num = r > 1 && c[r, i] ~ /^-?[0-9.][0-9.e+-]*$/
			line = line (i > 1 ? "  " : "") sprintf(num ? "%" w[i] "s" : "%-" w[i] "s", c[r, i])
		}
		sub(/ +$/, "", line)
		print line
	}
}' "$out/results.csv"

# --- plots ------------------------------------------------------------------

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "sweep: gnuplot not found: plots skipped (Debian: apt-get install gnuplot-nox); data in $out/results.csv" >&2
	exit 0
fi

if [ "${#plotted[@]}" -eq 0 ]; then
	echo "sweep: no series with a thread axis (seq, or variants that ran on 1 thread): no plots" >&2
	exit 0
fi
maxp=$(tail -n 1 "$out/plot/ideal.dat" | cut -d' ' -f1)
if [ "$plot_format" = svg ]; then
	term="set terminal svg size 800,480 noenhanced font 'sans,12' background '#ffffff'"
else
	term="set terminal pngcairo size 1000,600 noenhanced font ',11'"
fi
if [ "$weak" -eq 1 ]; then
	mode="weak scaling ($weak_param x threads)"
	sylabel="scaled speedup p T(1)/T(p)"
	eylabel="efficiency T(1)/T(p)"
else
	mode="strong scaling"
	sylabel="speedup T(1)/T(p)"
	eylabel="efficiency T(1)/(p T(p))"
fi
# Both axes of the speedup plot are log2, so the ideal S = p is a straight
# diagonal; it is drawn through the thread counts used, not past them. The
# legend sits outside the plot, where no series can run under it.
{
	cat <<EOF
# Written by scripts/sweep.sh; run 'gnuplot plot.gp' in this directory to redraw.
$term
set datafile commentschars '#'
set logscale x 2
set xrange [0.8:$maxp * 1.25]
set xtics ($(cut -d' ' -f1 "$out/plot/ideal.dat" | paste -sd,))
set xlabel 'threads used; dotted line: $ncpu CPUs'
set grid
set key outside right top box Left reverse width 1
set arrow 1 from $ncpu, graph 0 to $ncpu, graph 1 nohead dt 3 lc 'gray40'
EOF
	plot_cmd() { # plot_cmd COLUMNS IDEAL_COLUMN [STYLE]
		local cmd="plot 'plot/ideal.dat' using 1:$2 with lines dt 2 lc 'black' title 'ideal'" k
		for ((k = 1; k <= ${#plotted[@]}; k++)); do
			cmd+=", 'plot/$k.dat' using 1:$1 with ${3:-yerrorlines} lw 2 pt 7 title '${plotted[k - 1]}'"
		done
		echo "$cmd"
	}
	cat <<EOF
set output 'speedup.$plot_format'
set title '$kernel: speedup, $mode; median of $repeat runs, bars min..max'
set ylabel '$sylabel (log scale)'
set logscale y 2
set autoscale y
$(plot_cmd 2:3:4 2)
set output 'efficiency.$plot_format'
set title '$kernel: parallel efficiency, $mode; median of $repeat runs, bars min..max'
set ylabel '$eylabel'
unset logscale y
set yrange [0:1.3]
$(plot_cmd 5:6:7 3)
set output 'karp_flatt.$plot_format'
set title '$kernel: Karp-Flatt serial fraction e = (1/S - 1/p)/(1 - 1/p), $mode; medians'
set ylabel 'experimentally determined serial fraction e'
set autoscale y
$(plot_cmd 8 4 linespoints)
EOF
} >"$out/plot.gp"
if ! (cd "$out" && gnuplot plot.gp) 2>"$tmp/gp"; then
	cat "$tmp/gp" >&2
	die "gnuplot failed on $out/plot.gp"
fi
echo "sweep: wrote $out/results.csv, $out/speedup.$plot_format, $out/efficiency.$plot_format, $out/karp_flatt.$plot_format" >&2
