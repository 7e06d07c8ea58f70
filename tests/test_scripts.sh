#!/usr/bin/env bash
# test_scripts.sh - runs scripts/sweep.sh and scripts/profile.sh on tiny
# sizes and checks what they write: results.csv's columns, and its derived
# values recomputed here from the CSV's own medians (speedup against the
# 1-thread row of the same variant and schedule, efficiency = speedup /
# threads, Karp-Flatt e = (1/S - 1/p)/(1 - 1/p), speedup over seq); the
# plots when gnuplot is there; the environment each run gets; that seq and
# variants reporting one thread run once; that a failing run stops the
# sweep; that bad arguments, and binaries that are not kernels, fail with a
# message and exit 2; that --bind/--places take effect (the JSON report
# shows the binding from inside the region); and the profile's counters,
# outlined-function symbols (gcc's or clang's) and flame graph. The CSV is
# read here with Python's csv module, not the sweep's parser, on purpose:
# the test does not read results with the code under test.
# Runs the binaries in OMPK_BIN_DIR (make test sets it to its build's), else bin/.
# Prints "scripts: N passed, M failed, K skipped" last; exits non-zero when any check failed.
. "$(dirname "$0")/lib.sh"
chmod 755 "$tmp"
# usage_error NAME WANT_TEXT COMMAND...: exit 2 and a stderr line containing WANT_TEXT.
usage_error() {
	local name=$1 want=$2 rc=0
	shift 2
	"$@" >"$tmp/ue.out" 2>"$tmp/ue.err" || rc=$?
	if [ "$rc" -eq 2 ] && grep -q -F -- "$want" "$tmp/ue.err"; then
		ok "$name"
	else
		bad "$name (exit $rc, want 2 and '$want')" "$(cat "$tmp/ue.err")"
	fi
}

# results.csv as tab-separated fields, read by Python's csv module: not by
# the sweep's own CSV parser (the code under test).
csv_fields() {
	python3 -c 'import csv, sys
for row in csv.reader(open(sys.argv[1], newline="")):
    print("\t".join(row))' "$1"
}
# The value checks, by column name, on csv_fields' output. Prints one line per problem.
check_results_awk='
function abs(x) { return x < 0 ? -x : x }
function near(a, b) { return abs(a - b) <= 1e-5 * (abs(b) > 1 ? abs(b) : 1) }
NR == 1 { nh = split($0, h, "\t"); for (i = 1; i <= nh; i++) col[h[i]] = i; next }
{
	n = split($0, f, "\t")
	if (n != nh) { print "row " NR ": " n " fields, header " nh; next }
	key = f[col["variant"]] " " f[col["schedule"]]
	p = f[col["threads"]] + 0
	rows[key, p] = $0; ps[key] = ps[key] " " p
	if (p == 1) t1[key] = f[col["median_s"]]
	if (f[col["variant"]] == "seq") tseq = f[col["median_s"]]
	if (f[col["verified"]] != "yes") print "row " NR ": not verified"
}
END {
	for (k in ps) {
		if (!(k in t1)) { print k ": no 1-thread row"; continue }
		m = split(ps[k], pl, " ")
		for (j = 1; j <= m; j++) {
			p = pl[j] + 0
			split(rows[k, p], f, "\t")
			S = (weak ? p : 1) * t1[k] / f[col["median_s"]]
			s = f[col["speedup"]]; e = f[col["efficiency"]]; kf = f[col["karp_flatt"]]
			if (!near(s, S)) print k " p=" p ": speedup " s ", medians give " S
			if (p == 1 && s != "1.000000") print k " p=1: speedup " s ", want 1.000000"
			if (!near(e, s / p)) print k " p=" p ": efficiency " e " != speedup/threads " s / p
			if (p == 1 && kf != "") print k " p=1: karp_flatt " kf ", want empty"
			vs = f[col["speedup_vs_seq"]]
			if (tseq == "" && vs != "") print k " p=" p ": speedup_vs_seq " vs " without a seq run"
			if (tseq != "" && !near(vs, (weak ? p : 1) * tseq / f[col["median_s"]]))
				print k " p=" p ": speedup_vs_seq " vs ", want " (weak ? p : 1) * tseq / f[col["median_s"]]
			if (p > 1 && !near(kf, (1 / S - 1 / p) / (1 - 1 / p)))
				print k " p=" p ": karp_flatt " kf ", want " (1 / S - 1 / p) / (1 - 1 / p)
			if (f[col["min_s"]] > f[col["median_s"]] || f[col["median_s"]] > f[col["max_s"]])
				print k " p=" p ": min <= median <= max does not hold"
			nchecked++
		}
	}
	if (nchecked != want) print "checked " nchecked " rows, want " want
}'

# --- sweep: strong scaling --------------------------------------------------

s=$tmp/strong
rc=0
scripts/sweep.sh primes --threads 2,1 --variants seq,omp --schedules static,dynamic,4 --repeat 3 \
	--out "$s" -- --to 3000 >"$tmp/sweep.out" 2>"$tmp/sweep.err" || rc=$?
if [ "$rc" -eq 0 ]; then ok "sweep runs"; else bad "sweep runs (exit $rc)" "$(cat "$tmp/sweep.err")"; fi
want_header="kernel,variant,schedule,threads,threads_used,bind,places,from,to,jobs,repeats,median_s,min_s,max_s,rate,rate_unit,speedup,efficiency,karp_flatt,speedup_vs_seq,verified"
check "results.csv header" test "$(head -n 1 "$s/results.csv" 2>/dev/null)" = "$want_header"
check "results.csv has seq once and 2 series x 2 thread counts" test "$(tail -n +2 "$s/results.csv" 2>/dev/null | wc -l)" -eq 5
check "seq ran once, at 1 thread" test "$(grep -c '^primes,seq,' "$s/results.csv")" -eq 1
check "results.csv keeps the chunk of dynamic,4 (quoted)" grep -q '^primes,omp,"dynamic,4",2,2,' "$s/results.csv"
check "results.csv carries the kernel's size parameters" grep -q '^primes,seq,none,1,1,default,default,0,3000,1,3,' "$s/results.csv"
problems=$( (csv_fields "$s/results.csv" | awk -v weak=0 -v want=5 "$check_results_awk") 2>&1)
if [ -z "$problems" ]; then ok "speedup, efficiency and Karp-Flatt recomputed from the medians"; else bad "derived values" "$problems"; fi
check "the table on stdout has the header and 5 rows" test "$(grep -c -E '^primes +(seq|omp) ' "$tmp/sweep.out")" -eq 5
check "the table is aligned (rate_unit column)" \
	test "$(awk 'NR == 1 { print index($0, "rate_unit") } NR > 1 { print index($0, "numbers/s") }' "$tmp/sweep.out" | sort -u | wc -l)" -eq 1
check "no progress lines when stderr is not a terminal" bash -c "! grep -q '^\[1/' '$tmp/sweep.err'"
if command -v gnuplot >/dev/null 2>&1; then
	for png in speedup efficiency karp_flatt; do
		check "$png.png is a PNG" bash -c "head -c 8 '$s/$png.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
	done
	check "plot.gp has one series per variant and schedule in each of its 3 plots, and the ideal line" \
		bash -c "grep -c \"title 'omp dynamic,4'\" '$s/plot.gp' | grep -qx 3 && grep -q \"title 'ideal'\" '$s/plot.gp'"
else
	skip "plots (gnuplot not installed)"
fi

# --- sweep: each run's JSON kept, SVG plots ---------------------------------

j=$tmp/json
rc=0
scripts/sweep.sh primes --threads 1,2 --variants seq,omp --schedules static --repeat 2 --json "$j/runs" \
	--plot-format svg --out "$j" -- --to 3000 >/dev/null 2>"$tmp/json.err" || rc=$?
if [ "$rc" -eq 0 ]; then ok "sweep --json runs"; else bad "sweep --json runs (exit $rc)" "$(cat "$tmp/json.err")"; fi
check "--json keeps one JSON report per run, named by variant, schedule and threads" \
	test "$(cd "$j/runs" 2>/dev/null && ls | tr '\n' ' ')" = "primes-omp-static-t1.json primes-omp-static-t2.json primes-seq-none-t1.json "
# Each results.csv row carries its run's JSON numbers digit for digit (read here by Python's json).
problems=$(python3 - "$j" <<'PY2'
import csv, json, sys
d = sys.argv[1]
for row in csv.DictReader(open(d + "/results.csv", newline="")):
    raw = open("%s/runs/primes-%s-%s-t%s.json" % (d, row["variant"], row["schedule"], row["threads"])).read()
    doc = json.loads(raw, parse_float=str, parse_int=str)
    for k in ("median_s", "min_s", "max_s", "rate", "threads"):
        want = doc[k if k != "threads" else "threads"]
        got = row[k if k != "threads" else "threads_used"]
        if got != want:
            print("%s %s %s: results.csv %s, JSON %s" % (row["variant"], row["threads"], k, got, want))
    if row["verified"] != ("yes" if doc["verified"] == True else "no"):
        print("verified differs")
PY2
)
if [ -z "$problems" ]; then ok "--json: results.csv has each run's JSON numbers as printed"; else bad "--json values" "$problems"; fi
if command -v gnuplot >/dev/null 2>&1; then
	for svg in speedup efficiency karp_flatt; do
		check "--plot-format svg: $svg.svg is an SVG" grep -q '<svg' "$j/$svg.svg"
	done
	check "the Karp-Flatt plot has the serial fraction at 2 threads" bash -c "grep -q '^2 .* [-0-9.]*\$' '$j/plot/1.dat' && ! grep -q '^2 .*NaN' '$j/plot/1.dat'"
else
	skip "svg plots (gnuplot not installed)"
fi
usage_error "--plot-format jpeg is refused" "--plot-format: 'jpeg' is not a plot format; accepted: png, svg" \
	scripts/sweep.sh primes --plot-format jpeg

# --- sweep: weak scaling ----------------------------------------------------

w=$tmp/weak
rc=0
scripts/sweep.sh primes --weak --threads 1,2 --variants omp --schedules dynamic --repeat 3 --out "$w" \
	-- --to 2000 >/dev/null 2>"$tmp/weak.err" || rc=$?
if [ "$rc" -eq 0 ]; then ok "weak sweep runs"; else bad "weak sweep runs (exit $rc)" "$(cat "$tmp/weak.err")"; fi
check "weak sweep scales --jobs with the threads" \
	bash -c "cut -d, -f4,10 '$w/results.csv' | tail -n +2 | tr '\n' ' ' | grep -qx '1,1 2,2 '"
problems=$( (csv_fields "$w/results.csv" | awk -v weak=1 -v want=2 "$check_results_awk") 2>&1)
if [ -z "$problems" ]; then ok "weak efficiency = T(1)/T(p)"; else bad "weak derived values" "$problems"; fi

# --- sweep: what each run gets, and a failing run --------------------------

fake=$tmp/fakebin
mkdir -p "$fake"
cat >"$fake/fake" <<EOF
#!/usr/bin/env bash
echo "\$OMP_NUM_THREADS \${OMP_SCHEDULE-unset} \$*" >>"$tmp/fake.log"
if [ "\${FAKE_FAIL_AT:-0}" = "\$OMP_NUM_THREADS" ]; then echo "ompk: fake: boom" >&2; exit 1; fi
# Like the real binaries: seq runs on 1 thread, and so does this fake's fast
# (as lcg's jump-ahead does); omp on OMP_NUM_THREADS.
v=\$2 used=\$OMP_NUM_THREADS
case \$v in seq | fast) used=1 ;; esac
echo 'kernel,variant,threads,schedule,n,file,x,verified,repeats,median_s,min_s,max_s,rate,rate_unit'
echo "fake,\$v,\$used,\"\$OMP_SCHEDULE\",5,,7,yes,1,0.5,0.4,0.6,10,things/s"
EOF
chmod +x "$fake/fake"
rc=0
OMP_SCHEDULE=guided OMPK_BIN_DIR=$fake scripts/sweep.sh fake --threads 1,3 --variants omp --schedules static,dynamic,8 \
	--repeat 1 --out "$tmp/f" >/dev/null 2>"$tmp/fake.err" || rc=$?
check "sweep with a stand-in kernel" test "$rc" -eq 0
check "OMP_NUM_THREADS and OMP_SCHEDULE set explicitly for every run" \
	test "$(cut -d' ' -f1,2 "$tmp/fake.log" | tr '\n' '|')" = "1 static|1 dynamic,8|3 static|3 dynamic,8|"
check "the sweep asks for CSV and the variant" grep -q -- '--variant omp --repeat 1 --format csv' "$tmp/fake.log"
rm -f "$tmp/fake.log"
rc=0
FAKE_FAIL_AT=3 OMPK_BIN_DIR=$fake scripts/sweep.sh fake --threads 1,3,4 --variants omp --schedules static \
	--out "$tmp/g" >/dev/null 2>"$tmp/fail.err" || rc=$?
check "a failing run stops the sweep with exit 1" test "$rc" -eq 1
check "the failing run's own error is shown" grep -q 'ompk: fake: boom' "$tmp/fail.err"
check "and which run it was" grep -q 'run 2/3 (fake omp static threads=3' "$tmp/fail.err"
check "no run after the failing one" test "$(wc -l <"$tmp/fake.log")" -eq 2
check "no results.csv from a stopped sweep" test ! -e "$tmp/g/results.csv"

# Only what has a thread axis is swept: seq once at 1 thread, a variant
# that reports 1 thread at OMP_NUM_THREADS=2 kept at its 1-thread run.
rm -f "$tmp/fake.log"
rc=0
OMPK_BIN_DIR=$fake scripts/sweep.sh fake --threads 1,2,4 --variants seq,omp,fast --schedules static \
	--repeat 1 --out "$tmp/n" >/dev/null 2>"$tmp/n.err" || rc=$?
check "sweep of seq, omp and a single-thread fast" test "$rc" -eq 0
check "seq runs once, at OMP_NUM_THREADS=1" test "$(grep -c -- '--variant seq' "$tmp/fake.log")" = 1
check "seq's one run is at 1 thread" grep -q -- '^1 static --variant seq' "$tmp/fake.log"
check "omp runs at every thread count" test "$(grep -c -- '--variant omp' "$tmp/fake.log")" = 3
check "fast stops after reporting 1 thread at 2" \
	test "$(grep -- '--variant fast' "$tmp/fake.log" | cut -d' ' -f1 | tr '\n' ' ')" = "1 2 "
check "and the sweep says so" grep -q 'fake fast ran on 1 thread at OMP_NUM_THREADS=2: it has no thread axis' "$tmp/n.err"
check "results.csv: seq, omp x 3, fast once" \
	test "$(tail -n +2 "$tmp/n/results.csv" | cut -d, -f2,4,5 | tr '\n' ' ')" = "seq,1,1 omp,1,1 omp,2,2 omp,4,4 fast,1,1 "
if command -v gnuplot >/dev/null 2>&1; then
	check "the plots draw omp only (seq and fast have one point)" \
		bash -c "grep -c \"title 'omp static'\" '$tmp/n/plot.gp' | grep -qx 3 && ! grep -q \"title 'seq\\|title 'fast\" '$tmp/n/plot.gp'"
	check "the ideal line is drawn through the thread counts used, not past them" \
		test "$(cut -d' ' -f1,2 "$tmp/n/plot/ideal.dat" | tr '\n' '|')" = "1 1|2 2|4 4|"
	check "the speedup plot is log-log (the ideal line straight)" \
		bash -c "grep -q '^set logscale x 2' '$tmp/n/plot.gp' && grep -q '^set logscale y 2' '$tmp/n/plot.gp'"
	check "the legend is outside the plot area" grep -q '^set key outside' "$tmp/n/plot.gp"
fi

# --- bad arguments --------------------------------------------------------

usage_error "sweep without a kernel" "missing KERNEL" scripts/sweep.sh
usage_error "sweep of an unknown kernel" "nosuch: no such kernel binary" scripts/sweep.sh nosuch
for b in pipeline heartbeat demo; do
	usage_error "sweep $b: refused, kernels accepted" "$b: not a kernel binary (no variants or schedules to run); accepted: " \
		scripts/sweep.sh $b
done
check "the accepted list names kernels only" \
	bash -c "scripts/sweep.sh nosuch 2>&1 | grep 'accepted:' | grep -q 'primes' && ! scripts/sweep.sh nosuch 2>&1 | grep -q 'pipeline\\|heartbeat\\|demo'"
usage_error "sweep --threads 0" "--threads: '0' is not a thread count" scripts/sweep.sh primes --threads 0
usage_error "sweep --threads 1,x" "--threads: 'x'" scripts/sweep.sh primes --threads 1,x
usage_error "sweep --variants bogus" "--variants: 'bogus' is not a variant" scripts/sweep.sh primes --variants omp,bogus
usage_error "sweep --schedules fair" "--schedules: 'fair' is not a schedule" scripts/sweep.sh primes --schedules fair
usage_error "sweep --repeat 0" "--repeat: '0'" scripts/sweep.sh primes --repeat 0
usage_error "sweep --bind sideways" "--bind: 'sideways'" scripts/sweep.sh primes --bind sideways
usage_error "sweep --places numa" "--places: 'numa'" scripts/sweep.sh primes --places numa
usage_error "sweep --out without a value" "--out: missing value" scripts/sweep.sh primes --out
usage_error "sweep: --threads after --" "the sweep sets it" scripts/sweep.sh primes -- --threads 2
usage_error "sweep --weak=nosuch" "--weak=nosuch: primes has no such parameter" \
	scripts/sweep.sh primes --weak=nosuch --threads 1 --variants omp --schedules static --repeat 1 --out "$tmp/h" -- --to 10
usage_error "sweep: a kernel option the kernel rejects" "--to: 'x'" \
	scripts/sweep.sh primes --threads 1 --repeat 1 --out "$tmp/i" -- --to x
usage_error "profile without a kernel" "missing KERNEL" scripts/profile.sh
usage_error "profile --threads x" "--threads: 'x'" scripts/profile.sh primes --threads x
usage_error "profile --call-graph magic" "--call-graph: 'magic'" scripts/profile.sh primes --call-graph magic
usage_error "binary --bind bogus" "--bind: 'bogus' is not a binding" "$bindir"/primes --bind bogus
usage_error "binary --places bogus" "--places: 'bogus' is not a place list" "$bindir"/primes --places bogus

# --- --bind / --places take effect ----------------------------------------

json=$(env -u OMP_PROC_BIND -u OMP_PLACES "$bindir"/primes --to 2000 -t 2 --bind spread --places cores --format json 2>&1)
check "--bind spread: the runtime reports spread" grep -q '"binding":{"proc_bind":"spread","num_places":[1-9]' <<<"$json"
check "--bind spread: every thread is on a place" grep -q '"thread_place":\[[0-9]*,[0-9]*\]' <<<"$json"
check "--bind spread: OMP_PROC_BIND/OMP_PLACES are in the environment" \
	grep -q '"OMP_PROC_BIND":"spread","OMP_PLACES":"cores"' <<<"$json"
json=$(env -u OMP_PROC_BIND -u OMP_PLACES "$bindir"/primes --to 2000 -t 2 --format json 2>&1)
# Unbound as each runtime says it: libgomp has no place list, LLVM's libomp
# one place holding the whole machine.
if "$bindir"/primes --version | grep -q 'clang'; then
	check "without --bind: one place, the whole machine (libomp)" \
		grep -q '"proc_bind":"false","num_places":1,"thread_place":\[0,0\]' <<<"$json"
else
	check "without --bind: no place list, threads unbound (libgomp)" \
		grep -q '"proc_bind":"false","num_places":0,"thread_place":\[-1,-1\]' <<<"$json"
fi
json=$(env -u OMP_PROC_BIND -u OMP_PLACES "$bindir"/primes --to 2000 -t 2 --bind false --places threads --format json 2>&1)
check "--bind false: the runtime reports false" grep -q '"proc_bind":"false"' <<<"$json"
rc=0
OMPK_REEXEC=1 "$bindir"/primes --to 10 --bind close -q >/dev/null 2>"$tmp/loop.err" || rc=$?
check "a second start that still lacks the binding is an error, not a loop" \
	bash -c "[ $rc -eq 1 ] && grep -q 'still differ after re-executing' '$tmp/loop.err'"
rc=0
scripts/sweep.sh primes --threads 1,2 --variants omp --schedules static --repeat 1 --bind close --places cores \
	--out "$tmp/b" -- --to 2000 >/dev/null 2>"$tmp/b.err" || rc=$?
check "the sweep passes --bind/--places through" \
	bash -c "[ $rc -eq 0 ] && grep -q '^primes,omp,static,2,2,close,cores,' '$tmp/b/results.csv'"

# --- profile ----------------------------------------------------------------

if ! command -v perf >/dev/null 2>&1 || ! perf stat -e task-clock true >/dev/null 2>&1; then
	skip "profile (perf missing or refused here)"
else
	p=$tmp/prof
	# What the compiler names the parallel region's body and how the runtime
	# reaches it: gcc + libgomp, or clang + LLVM's libomp.
	if "$bindir"/primes --version | grep -q 'clang'; then
		fn=.omp_outlined. fn_re='\.omp_outlined\.' rt=libomp fork=__kmpc_fork_call
		worker_re='(^|;)start_thread;(\[libomp[^;]*\];)+__kmp_invoke_microtask;\.omp_outlined\.'
		main_re=';run;__kmpc_fork_call;(.*;)?__kmp_invoke_microtask;\.omp_outlined\.'
	else
		fn=run._omp_fn.0 fn_re='run\._omp_fn\.0' rt=libgomp fork=GOMP_parallel
		worker_re='(^|;)start_thread;\[libgomp[^;]*\];run\._omp_fn\.0'
		main_re=';run;GOMP_parallel;run\._omp_fn\.0'
	fi
	rc=0
	scripts/profile.sh primes --threads 2 --out "$p" -- --to 20000 >"$tmp/prof.out" 2>"$tmp/prof.err" || rc=$?
	if [ "$rc" -eq 0 ]; then ok "profile runs"; else bad "profile runs (exit $rc)" "$(cat "$tmp/prof.err")"; fi
	check "perf stat counted task-clock" grep -q 'task-clock' "$p/stat.txt"
	if grep -q 'software events only' "$tmp/prof.err"; then
		check "no hardware counters: one notice, no <not supported> wall" \
			bash -c "[ \$(grep -c 'software events only' '$tmp/prof.err') -eq 1 ] && ! grep -q 'not supported' '$p/stat.txt'"
	fi
	check "the outlined function $fn is a top symbol" grep -q -F -- "$fn" "$p/top.txt"
	check "with its source lines" grep -q -E -- "$fn_re *primes.c:[0-9]" "$p/srcline.txt"
	check "and annotated" grep -q 'Percent' "$p/annotate.txt"
	# The thread's own root is start_thread; whether perf also unwinds one
	# frame further into glibc's clone3 stub varies from run to run.
	check "whole stacks of worker threads through $rt" grep -qE -- "$worker_re" "$p/stacks.folded"
	check "and of the main thread through $fork" grep -qE -- "$main_re" "$p/stacks.folded"
	if [ -e "$p/flamegraph.html" ]; then
		check "flame graph HTML holds the stacks" grep -q -F -- "\"name\":\"$fn\"" "$p/flamegraph.html"
		check "flame graph HTML is self-contained" bash -c "! grep -q '<script src\|<link ' '$p/flamegraph.html'"
	elif command -v npm >/dev/null 2>&1; then
		bad "flame graph not written although npm is there" "$(cat "$tmp/prof.err")"
	else
		skip "flame graph (npm not installed)"
	fi

	# An unprivileged user: works at perf_event_paranoid <= 2, explained above it.
	if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null 2>&1 &&
		runuser -u nobody -- test -x "$bindir/primes"; then
		mkdir -p "$tmp/nobody" && chown nobody "$tmp/nobody"
		rc=0
		runuser -u nobody -- env HOME="$tmp/nobody" "$root/scripts/profile.sh" primes --threads 2 --no-flamegraph \
			--out "$tmp/nobody/p" -- --to 20000 >"$tmp/nb.out" 2>"$tmp/nb.err" || rc=$?
		if [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 2 ]; then
			check "profile as user nobody" bash -c "[ $rc -eq 0 ] && grep -q -F -- '$fn' '$tmp/nobody/p/top.txt'"
		else
			check "profile as user nobody explains perf_event_paranoid" \
				bash -c "[ $rc -eq 1 ] && grep -q 'kernel.perf_event_paranoid' '$tmp/nb.err'"
		fi
	else
		skip "profile as an unprivileged user (not root, or nobody cannot reach bin/)"
	fi
fi

# perf refusing, as it does at perf_event_paranoid 3: a stand-in perf says so.
mkdir -p "$tmp/fakeperf"
cat >"$tmp/fakeperf/perf" <<'EOF'
#!/bin/sh
echo "Error: Access to performance monitoring and observability operations is limited." >&2
echo "Consider adjusting /proc/sys/kernel/perf_event_paranoid setting" >&2
exit 255
EOF
chmod +x "$tmp/fakeperf/perf"
rc=0
PATH=$tmp/fakeperf:$PATH scripts/profile.sh primes --out "$tmp/fp" -- --to 10 >/dev/null 2>"$tmp/fp.err" || rc=$?
check "perf refused: exit 1 and perf_event_paranoid explained" \
	bash -c "[ $rc -eq 1 ] && grep -q 'kernel.perf_event_paranoid' '$tmp/fp.err' && grep -q 'sysctl kernel.perf_event_paranoid=2' '$tmp/fp.err'"

finish scripts
