#!/usr/bin/env bash
# profile.sh - profiles one kernel run with perf: counters (perf stat),
# then sampled call graphs (perf record) with the top symbols, the hottest
# OpenMP outlined function (gcc's `<fn>._omp_fn.N`, clang's
# `.omp_outlined.`) annotated with its source, and a flame graph as one
# self-contained HTML file.
#
# Call graphs use DWARF unwinding: libgomp is built without frame pointers,
# so frame-pointer chains stop inside it, while `--call-graph dwarf` copies
# the user stack with each sample and unwinds it afterwards with the
# libraries' .eh_frame, giving whole stacks (kernel loop <- libgomp <-
# start_thread). LBR call stacks exist only on some Intel CPUs and need
# hardware counters. The flame graph is drawn by d3-flame-graph (npm, the
# renderer perf's own flamegraph report uses), installed once into
# build/npm; the stacks are also left in Brendan Gregg's folded format.
#
# Exit status: 0 done, 1 perf or the kernel failed (perf_event_paranoid is
# explained when that is why), 2 usage.
set -euo pipefail

prog=scripts/profile.sh
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bindir=${OMPK_BIN_DIR:-$root/bin}
npmdir=${OMPK_NPM_DIR:-$root/build/npm}

usage() {
	cat <<EOF
Usage: $prog KERNEL [OPTION]... [-- KERNEL_ARGS...]
Profiles one run of bin/KERNEL with perf stat and perf record.

  --threads N        OpenMP threads (OMP_NUM_THREADS and --threads; default:
                     the CPUs)
  --out DIR          where the profile goes (default: profile-KERNEL)
  --freq HZ          samples per second and thread (default: 499)
  --call-graph MODE  dwarf (default), lbr or fp, as perf record takes it
  --no-flamegraph    skip the flame graph
  -h, --help         show this help

Writes DIR/stat.txt, perf.data, top.txt, srcline.txt, annotate.txt,
stacks.folded and flamegraph.html.
Example: $prog primes --threads 2 -- --to 100000
EOF
}

name=profile
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

kernel=""
threads=""
out=""
freq=499
cg=dwarf
flame=1
kargs=()
while [ $# -gt 0 ]; do
	case $1 in
	--threads | --threads=* | --out | --out=* | --freq | --freq=* | --call-graph | --call-graph=*)
		take "$@"
		case $flag in
		--threads) threads=$val ;;
		--out) out=$val ;;
		--freq) freq=$val ;;
		--call-graph) cg=$val ;;
		esac
		;;
	--no-flamegraph)
		flame=0
		shift_by=1
		;;
	*) common_arg "$@" ;;
	esac
	shift "$shift_by"
done

find_kernel "$kernel"
[ -n "$threads" ] || threads=$(nproc)
[[ $threads =~ ^[0-9]{1,5}$ ]] && [ "$threads" -ge 1 ] && [ "$threads" -le 65536 ] ||
	die_usage "--threads: '$threads' is not a thread count; accepted: a whole number from 1 to 65536"
[[ $freq =~ ^[0-9]{1,6}$ ]] && [ "$freq" -ge 1 ] && [ "$freq" -le 100000 ] ||
	die_usage "--freq: '$freq' is not a sampling rate; accepted: a whole number of Hz from 1 to 100000"
[[ $cg =~ ^(dwarf(,[0-9]+)?|lbr|fp)$ ]] ||
	die_usage "--call-graph: '$cg' is not a call-graph mode; accepted: dwarf, dwarf,SIZE, lbr, fp"
[ "$cg" = dwarf ] && cg=dwarf,16384
for a in "${kargs[@]}"; do
	case $a in
	-t* | --threads | --threads=* | --format | --format=*)
		die_usage "$a after '--': the profile sets it; use $prog --threads" ;;
	esac
done

command -v perf >/dev/null 2>&1 || die "perf not found; Debian: apt-get install linux-perf"
out=${out:-profile-$kernel}
mkdir -p "$out" || die "$out: cannot create the output directory"

paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo unknown)
explain_paranoid() {
	cat >&2 <<EOF
profile: perf was refused access to performance events. kernel.perf_event_paranoid
  is $paranoid here and you are $(id -un) (uid $(id -u)). For users who are not root:
  -1 everything, 0 no raw tracepoints, 1 user and kernel samples of your own
  processes, 2 user space only of your own processes (the upstream default, enough
  for this script), 3 or more: nothing (Debian's kernels accept 3 to lock perf).
  Fix, as root: sysctl kernel.perf_event_paranoid=2 (1 to see kernel frames), or
  run this as root, or give perf CAP_PERFMON (setcap cap_perfmon+ep \$(which perf)).
EOF
}

# Runs perf, and explains perf_event_paranoid when that is why it failed.
run_perf() {
	local log=$1 rc=0
	shift
	perf "$@" 2>"$log" || rc=$?
	if [ "$rc" -ne 0 ]; then
		if grep -q -i -e paranoid -e 'permission' -e 'access to performance' "$log"; then
			explain_paranoid
		else
			cat "$log" >&2
		fi
		die "perf $1 failed (exit $rc); log in $log"
	fi
}

cmd=(env OMP_NUM_THREADS="$threads" "$bin" --threads "$threads" "${kargs[@]}")

# --- counters -------------------------------------------------------------

hw=1
probe=$(perf stat -x, -e cycles,instructions -- true 2>&1) || hw=0
case $probe in *"not supported"* | *"not counted"* | *"<not"*) hw=0 ;; esac
if [ "$hw" -eq 1 ]; then
	events=cycles,instructions,branches,branch-misses,cache-references,cache-misses,task-clock,context-switches,cpu-migrations,page-faults
	sample_event=cycles
else
	echo "profile: no hardware counters here (a VM or a PMU perf does not know): software events only (task-clock, context switches, migrations, page faults), sampling on cpu-clock" >&2
	events=task-clock,context-switches,cpu-migrations,page-faults
	sample_event=cpu-clock
fi
[ "$cg" != lbr ] || [ "$hw" -eq 1 ] || die_usage "--call-graph lbr: needs hardware counters and an Intel CPU with LBR; accepted here: dwarf, fp"

run_perf "$out/stat.log" stat -o "$out/stat.txt" -e "$events" -- "${cmd[@]}" >"$out/run.txt" ||
	die "the kernel run failed"
grep -v -e '^#' -e '^$' "$out/stat.txt"
echo

# --- call graphs ----------------------------------------------------------

run_perf "$out/record.log" record -q -o "$out/perf.data" -e "$sample_event" -F "$freq" --call-graph "$cg" \
	-- "${cmd[@]}" >/dev/null
perf report -i "$out/perf.data" --stdio --no-children --sort dso,sym -g none --percent-limit 1 \
	2>/dev/null >"$out/top.txt"
perf report -i "$out/perf.data" --stdio --no-children --sort sym,srcline -g none --percent-limit 2 \
	2>/dev/null >"$out/srcline.txt"
echo "Top symbols ($sample_event samples, call graphs: $cg; all in $out/top.txt):"
grep -v -e '^#' -e '^$' "$out/top.txt" | head -n 12
echo
echo "Hottest source lines ($out/srcline.txt):"
grep -v -e '^#' -e '^$' "$out/srcline.txt" | head -n 8
echo

# gcc names the body of a parallel region <fn>._omp_fn.N, clang .omp_outlined.[.N]
hot=$(grep -o -E '[A-Za-z0-9_.]*_omp_fn\.[0-9]+|\.omp_outlined\.[.0-9]*' "$out/top.txt" | head -n 1 || true)
if [ -n "$hot" ]; then
	perf annotate -i "$out/perf.data" --stdio -s "$hot" 2>/dev/null >"$out/annotate.txt" || true
	echo "The OpenMP outlined function $hot, annotated with its source: $out/annotate.txt"
	grep -E '^ +[0-9]+\.[0-9]+ ' "$out/annotate.txt" | sort -rn | head -n 5 || true
else
	echo "No OpenMP outlined function (*._omp_fn.N, .omp_outlined.) among the top symbols (a seq variant?)"
fi

# --- flame graph ----------------------------------------------------------

[ "$flame" -eq 1 ] || exit 0
perf script -i "$out/perf.data" -F comm,tid,period,event,ip,sym,dso 2>/dev/null >"$out/perf.script"
# Folded stacks: "comm;outermost;...;innermost period", one line per stack.
awk '
function flush(   s, i) {
	if (n == 0) return
	s = comm
	for (i = n; i >= 1; i--) s = s ";" fr[i]
	w[s] += period
	n = 0
}
/^[^ \t]/ { flush(); comm = $1; period = 0
	for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/ && $(i + 1) ~ /:$/) period = $i
	if (period == 0) period = 1
	next }
/^[ \t]+[0-9a-f]+ / {
	line = $0; sub(/^[ \t]+[0-9a-f]+ /, "", line)
	dso = line; sub(/.*\(/, "", dso); sub(/\)$/, "", dso); sub(/.*\//, "", dso)
	sym = line; sub(/ \([^()]*\)$/, "", sym); sub(/\+0x[0-9a-f]+$/, "", sym)
	if (sym == "[unknown]") sym = "[" dso "]"
	gsub(/;/, ":", sym)
	fr[++n] = sym
	next }
/^$/ { flush() }
END { flush(); for (s in w) print s, w[s] }' "$out/perf.script" | LC_ALL=C sort >"$out/stacks.folded"
[ -s "$out/stacks.folded" ] || die "perf script gave no stacks; see $out/perf.script"

if [ ! -f "$npmdir/node_modules/d3-flame-graph/dist/d3-flamegraph.umd.min.js" ] ||
	[ ! -f "$npmdir/node_modules/d3/dist/d3.min.js" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "profile: npm not found: flame graph skipped (Debian: apt-get install npm); stacks in $out/stacks.folded" >&2
		exit 0
	fi
	echo "profile: installing d3 and d3-flame-graph into $npmdir (once)" >&2
	mkdir -p "$npmdir"
	if ! npm install --prefix "$npmdir" --no-audit --no-fund --loglevel=error d3@7 d3-flame-graph@5 >"$out/npm.log" 2>&1; then
		echo "profile: npm install failed (see $out/npm.log): flame graph skipped; stacks in $out/stacks.folded" >&2
		exit 0
	fi
fi

# The folded stacks as d3-flame-graph's tree: {name, value (total), children}.
# Sorted with frames joined by \001 so that siblings are adjacent.
json=$(sed 's/;/\x01/g' "$out/stacks.folded" | LC_ALL=C sort | awk '
function js(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/</, "\\u003c", s); return "\"" s "\"" }
{ c = $NF; p = $0; sub(/ [0-9]+$/, "", p); path[NR] = p; cnt[NR] = c; total += c
  k = split(p, fr, "\001"); key = ""
  for (i = 1; i <= k; i++) { key = key (i > 1 ? "\001" : "") fr[i]; tot[key] += c } }
END {
	printf "{\"name\":\"all\",\"value\":%d,\"children\":[", total
	pd = 0; has[1] = 0
	for (r = 1; r <= NR; r++) {
		n = split(path[r], fr, "\001")
		common = 0
		while (common < pd && common < n && pf[common + 1] == fr[common + 1]) common++
		for (d = pd; d > common; d--) printf "]}"
		key = ""
		for (d = 1; d <= common; d++) key = key (d > 1 ? "\001" : "") fr[d]
		for (d = common + 1; d <= n; d++) {
			key = key (d > 1 ? "\001" : "") fr[d]
			printf "%s{\"name\":%s,\"value\":%d,\"children\":[", has[d] ? "," : "", js(fr[d]), tot[key]
			has[d] = 1; has[d + 1] = 0
		}
		for (d = 1; d <= n; d++) pf[d] = fr[d]
		pd = n
	}
	for (d = pd; d > 0; d--) printf "]}"
	print "]}"
}')

title="$kernel ${kargs[*]} - $threads threads, $sample_event, call graphs: $cg"
{
	cat <<EOF
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ompkit flame graph: ${title//</&lt;}</title>
<style>
body { font-family: sans-serif; margin: 1em; }
$(cat "$npmdir/node_modules/d3-flame-graph/dist/d3-flamegraph.css")
</style></head>
<body>
<h3>${title//</&lt;}</h3>
<p>Click a frame to zoom, click the root to zoom out; width is the share of samples.</p>
<div id="chart"></div><div id="details"></div>
<script>
EOF
	cat "$npmdir/node_modules/d3/dist/d3.min.js"
	echo
	echo "</script><script>"
	cat "$npmdir/node_modules/d3-flame-graph/dist/d3-flamegraph.umd.min.js"
	echo
	echo "</script><script>"
	echo "var data = $json;"
	cat <<'EOF'
var chart = (flamegraph.default || flamegraph)().width(Math.max(960, window.innerWidth - 40)).cellHeight(18)
	.minFrameSize(2).setDetailsElement(document.getElementById("details"));
d3.select("#chart").datum(data).call(chart);
</script></body></html>
EOF
} >"$out/flamegraph.html"
echo
echo "Flame graph: $out/flamegraph.html (stacks: $out/stacks.folded)"
