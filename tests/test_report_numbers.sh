#!/usr/bin/env bash
# test_report_numbers.sh - scripts/report.sh end to end on tiny sizes, and
# what it must refuse:
#   - bad arguments: exit 2, one line naming the flag, nothing written;
#   - a tiny report: every number the page shows from a run (each cell that
#     names its run and key) equals that run's value in results.json; each
#     run in results.json is valid against the schema and equal to the JSON
#     file the binary printed; the speedups, efficiencies and Karp-Flatt
#     fractions on the page, the fast-vs-seq factors and the ideal lines are
#     recomputed here from results.json's medians; two runs (a kernel, the
#     pipeline) are run again from their recorded command and give the same
#     result; progress lines and the terminal summary;
#   - a run that fails, or that does not verify, stops the report with the
#     run's own error, exit 1 and no index.html;
#   - SIGINT stops it promptly: exit 130, no index.html, no partial
#     directory, no process of it left.
# The page is parsed here with Python's html.parser and results.json with
# json, not with the report's own code.
# Prints "report_numbers: N passed, M failed, K skipped" last.
. "$(dirname "$0")/lib.sh"
export OMPK_BIN_DIR=$bindir

# usage_error NAME WANT_TEXT ARGS...: exit 2, WANT_TEXT on stderr, no directory made.
usage_error() {
	local name=$1 want=$2 rc=0
	shift 2
	(cd "$tmp" && "$root/scripts/report.sh" "$@") >"$tmp/ue.out" 2>"$tmp/ue.err" || rc=$?
	if [ "$rc" -eq 2 ] && grep -q -F -- "$want" "$tmp/ue.err" && [ "$(ls "$tmp" | grep -c '^report-')" = 0 ]; then
		ok "usage: $name"
	else
		bad "usage: $name (exit $rc, want 2 and '$want', nothing written)" "$(cat "$tmp/ue.err")"
	fi
}
usage_error "an unknown option" "report: --bogus: unknown option; accepted: --out DIR" --bogus
usage_error "--sizes huge" "report: --sizes: 'huge' is not a size; accepted: tiny, quick, full" --sizes huge
usage_error "--threads 0" "report: --threads: '0' is not a thread count" --threads 0
usage_error "--threads 1,x" "report: --threads: 'x' is not a thread count" --threads=1,x
usage_error "--kernels nope" "report: --kernels: 'nope' is not a kernel; accepted: lcg, primes" --kernels primes,nope
usage_error "--out without its value" "report: --out: missing value" --out
usage_error "--out ''" "report: --out: empty directory name" --out ''
usage_error "--kernels primes,primes" "report: --kernels: 'primes' is given twice" --kernels primes,primes
usage_error "a stray argument" "report: extra: unknown option" extra
scripts/report.sh --help >"$tmp/help" 2>&1 && rc=0 || rc=$?
for o in --out --quick --sizes --threads --kernels --help; do
	check "--help exits 0 and explains $o" bash -c "[ $rc = 0 ] && grep -q -E '^  (-h, )?$o' '$tmp/help'"
done

# --- a tiny report ------------------------------------------------------
r=$tmp/r
rc=0
scripts/report.sh --sizes tiny --threads 1,2 --out "$r" >"$tmp/out" 2>"$tmp/err" || rc=$?
if [ "$rc" -ne 0 ]; then
	bad "the tiny report runs (exit $rc)" "$(tail -n 20 "$tmp/err")"
	finish report_numbers
fi
ok "the tiny report runs"
check "index.html and results.json written" test -s "$r/index.html" -a -s "$r/results.json"
check "no partial directory left" bash -c "! ls -d '$r'/.partial-* 2>/dev/null"
check "progress: 'step k of n: what, ~time left' for every step" \
	bash -c "n=\$(grep -c -E '^report: step [0-9]+ of [0-9]+: .*, ~[0-9]+( min [0-9]+)? s left$' '$tmp/err'); [ \"\$n\" -ge 10 ] && grep -q \"step \$n of \$n:\" '$tmp/err'"
check "a summary on the terminal" grep -q '^ompkit report: tiny sizes, ' "$tmp/out"
for f in fast bandwidth overlap inflight gantt heartbeat peers sweep-primes/results.csv; do
	[ "${f%.csv}" != "$f" ] || f=$f.csv
	check "$f has a header and rows" bash -c "[ \$(wc -l <'$r/$f') -ge 2 ]"
done

python3 - "$r" src/schema/ompkit.schema.json >"$tmp/py" 2>&1 <<'PY'
import csv, html.parser, json, math, os, sys
import jsonschema

r, schema = sys.argv[1], json.load(open(sys.argv[2]))
val = jsonschema.Draft202012Validator(schema)
doc = json.load(open(os.path.join(r, "results.json")))
runs = {x["file"]: x for x in doc["runs"]}


def check(name, ok, detail=""):
    print("ok|%s" % name if ok else "bad|%s|%s" % (name, str(detail).replace("\n", " ")[:600]))


def near(a, b, rel=1e-5):
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-12)


# results.json: every run valid, equal to the JSON the binary printed, verified
invalid = [(f, e.message) for f, x in runs.items() for e in val.iter_errors(x["report"])]
check("every run in results.json (%d) is valid against the schema" % len(runs), not invalid, invalid[:3])
differ = [f for f, x in runs.items() if json.load(open(os.path.join(r, f))) != x["report"]]
check("every run in results.json equals the JSON file its binary printed", not differ, differ[:3])
unverified = [f for f, x in runs.items()
              if x["report"]["verified"] is not True and x["report"]["tool"] != "heartbeat"]
check("every run verified (the heartbeat has no oracle)", not unverified, unverified[:3])
sections = {x["section"] for x in runs.values()}
check("runs of every section", {"machine", "kernels", "bandwidth", "overlap", "inflight", "gantt",
                                "heartbeat"} <= sections, sorted(sections))


# the page: every cell that names its run and key shows that run's value
class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.cells, self.rows, self.row, self.article = [], [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self.article = a.get("id")
        if tag == "tr":
            self.row = []
        if tag in ("td", "span"):
            self.stack.append([a.get("data-run"), a.get("data-key"), ""])

    def handle_endtag(self, tag):
        if tag in ("td", "span") and self.stack:
            c = self.stack.pop()
            if c[0]:
                self.cells.append(c)
            if tag == "td" and self.row is not None:
                self.row.append(c)
        if tag == "tr" and self.row:
            self.rows.append((self.article, self.row))
            self.row = None

    def handle_data(self, data):
        for c in self.stack:
            c[2] += data


p = Cells()
p.feed(open(os.path.join(r, "index.html")).read())


def value(rep, key):
    v = rep
    for part in key.split("."):
        v = v[int(part)] if isinstance(v, list) else v[part]
    return v


bad = []
for run, key, text in p.cells:
    if run not in runs:
        bad.append("%s: no such run" % run)
        continue
    want = value(runs[run]["report"], key)
    if isinstance(want, bool) or not isinstance(want, (int, float)):
        same = text == str(want)
    else:  # the digits the binary printed: the same number exactly
        same = (int(text) if isinstance(want, int) else float(text)) == want
    if not same:
        bad.append("%s %s: page %r, results.json %r" % (run, key, text, want))
check("every number the page takes from a run (%d cells) equals results.json" % len(p.cells),
      len(p.cells) > 150 and not bad, bad[:5])


def med(f):
    return runs[f]["report"]["median_s"]


# the sweeps' derived columns, recomputed from results.json's medians
kernels = doc["ompkit_report"]["kernels"]
bad, n = [], 0
for k in kernels:
    rows = list(csv.DictReader(open(os.path.join(r, "sweep-%s" % k, "results.csv"))))
    seq = "sweep-%s/json/%s-seq-none-t1.json" % (k, k)
    for row in rows:
        f = "sweep-%s/json/%s-%s-%s-t%s.json" % (k, k, row["variant"], row["schedule"].replace(",", "_"), row["threads"])
        f1 = "sweep-%s/json/%s-%s-%s-t1.json" % (k, k, row["variant"], row["schedule"].replace(",", "_"))
        p_used = runs[f]["report"]["threads"]
        S = med(f1) / med(f)
        want = {"speedup": S, "efficiency": S / p_used, "speedup_vs_seq": med(seq) / med(f)}
        if p_used > 1:
            want["karp_flatt"] = (1 / S - 1 / p_used) / (1 - 1 / p_used)
        for col, w in want.items():
            n += 1
            if not math.isclose(float(row[col]), w, rel_tol=2e-5, abs_tol=2e-6):
                bad.append("%s %s: %s, medians give %s" % (f, col, row[col], w))
check("speedup, efficiency, Karp-Flatt and vs-seq (%d values) recomputed from results.json" % n,
      n > 20 and not bad, bad[:5])

# the same values as the page shows them (the kernels' tables)
shown = {(art, row[0][2], row[1][2], row[2][2]): [c[2] for c in row]
         for art, row in p.rows if len(row) == 14}
bad = []
for k in kernels:
    for row in csv.DictReader(open(os.path.join(r, "sweep-%s" % k, "results.csv"))):
        cells = shown.get(("kernel-" + k, row["variant"], row["schedule"], row["threads"]))
        if not cells or cells[9:13] != [row["speedup"], row["efficiency"], row["karp_flatt"], row["speedup_vs_seq"]]:
            bad.append("%s %s %s: page %s" % (k, row["variant"], row["threads"], cells and cells[9:13]))
check("the page's speedup columns are the sweeps' results.csv", not bad, bad[:3])

# algorithm beats cores: the factors from results.json's medians
bad = []
for row in csv.DictReader(open(os.path.join(r, "fast.csv"))):
    k = row["kernel"]
    ts = med("sweep-%s/json/%s-seq-none-t1.json" % (k, k))
    tf = med("sweep-%s/json/%s-fast-%s-t%s.json" % (k, k, row["fast_schedule"], row["fast_threads_asked"]))
    to = med("sweep-%s/json/%s-omp-%s-t%s.json" % (k, k, row["omp_schedule"], row["omp_threads"]))
    for col, w in (("fast_speedup_vs_seq", ts / tf), ("omp_speedup_vs_seq", ts / to), ("fast_speedup_vs_omp", to / tf)):
        if not near(row[col], w, 1e-5):
            bad.append("%s %s: %s, medians give %s" % (k, col, row[col], w))
check("fast/seq, omp/seq and fast/omp recomputed from results.json", not bad, bad[:3])

# the ideal lines and the heartbeat's due times
bad = []
for row in csv.DictReader(open(os.path.join(r, "inflight.csv"))):
    p_ = runs[row["run"]]["report"]["params"]
    if float(row["ideal_ms"]) != -(-p_["shards"] // p_["inflight"]) * p_["latency_ms"]:
        bad.append(row)
    if not near(row["median_ms"], runs[row["run"]]["report"]["median_s"] * 1e3):
        bad.append(row)
check("in-flight sweep: ideal ceil(S/K) x latency and ms from the runs", not bad, bad[:2])
bad = [row for row in csv.DictReader(open(os.path.join(r, "heartbeat.csv")))
       if not near(row["due_ms"], runs[row["run"]]["report"]["params"]["tick_ms"] * int(row["tick"]))]
check("heartbeat: due time = tick x period", not bad, bad[:2])

# the runs to repeat: a kernel and the pipeline, from their recorded commands
for want in ("kernels", "overlap"):
    x = next(x for x in doc["runs"] if x["section"] == want)
    print("rerun|%s|%s|%s" % (want, x["file"], x["command"]))
PY
while IFS='|' read -r verdict name detail rest; do
	case $verdict in
	ok) ok "$name" ;;
	bad) bad "$name" "$detail" ;;
	rerun)
		# rerun SECTION FILE COMMAND: the same command gives the same result
		rc=0
		bash -c "$rest" >"$tmp/rerun.json" 2>"$tmp/rerun.err" || rc=$?
		same=$(python3 -c 'import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
keys = ("tool", "kernel", "variant", "threads", "params", "result", "verified", "verify_method")
print(all(a.get(k) == b.get(k) for k in keys))' "$r/$detail" "$tmp/rerun.json" 2>&1)
		if [ "$rc" -eq 0 ] && [ "$same" = True ]; then
			ok "$name run again ($rest): the same result as in results.json"
		else
			bad "$name run again (exit $rc)" "$rest: $same $(cat "$tmp/rerun.err")"
		fi
		;;
	*) bad "python checks" "$verdict $name $detail" ;;
	esac
done <"$tmp/py"

# --- a second report into the same directory -----------------------------
echo "a file of the user's" >"$r/mine.txt"
rc=0
scripts/report.sh --sizes tiny --kernels sumsq --threads 1,2 --out "$r" >/dev/null 2>"$tmp/again.err" || rc=$?
check "a second report into the same directory runs" test "$rc" -eq 0
check "it replaces the first: the other kernels' sweeps are gone, its own is there" \
	bash -c "[ ! -e '$r/sweep-primes' ] && [ -e '$r/sweep-sumsq/results.csv' ]"
check "results.json is the second report's" \
	python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["ompkit_report"]["kernels"] != ["sumsq"])' "$r/results.json"
check "and a file the report did not write stays" test -e "$r/mine.txt"

# --- a run that fails, a run that does not verify -----------------------
fake=$tmp/fakebin
mkdir -p "$fake"
for b in "$bindir"/*; do ln -s "$(readlink -f "$b")" "$fake/$(basename "$b")"; done
rm "$fake/collatz"
printf '#!/bin/sh\necho "ompk: collatz: result n=1 does not match the oracle (n=77031); NOT VERIFIED" >&2\nexit 1\n' >"$fake/collatz"
chmod +x "$fake/collatz"
rc=0
OMPK_BIN_DIR=$fake scripts/report.sh --sizes tiny --kernels collatz --threads 1,2 --out "$tmp/f" >/dev/null 2>"$tmp/f.err" || rc=$?
check "a failing run stops the report with exit 1" test "$rc" -eq 1
check "and shows the run's own error" grep -q 'ompk: collatz: result n=1 does not match the oracle' "$tmp/f.err"
check "and writes no index.html and no partial directory" \
	bash -c "[ ! -e '$tmp/f/index.html' ] && ! ls -d '$tmp/f'/.partial-* 2>/dev/null"
real_collatz=$(readlink -f "$bindir/collatz")
printf '#!/bin/sh\nexec "%s" "$@" --no-verify\n' "$real_collatz" >"$fake/collatz"
rc=0
OMPK_BIN_DIR=$fake scripts/report.sh --sizes tiny --kernels collatz --threads 1,2 --out "$tmp/n" >/dev/null 2>"$tmp/n.err" || rc=$?
check "a run that is not verified (exit 0, verified null) stops the report with exit 1" test "$rc" -eq 1
check "naming it and why" grep -q 'not verified (not checked (--no-verify))' "$tmp/n.err"
check "and writes no index.html" test ! -e "$tmp/n/index.html"

# --- SIGINT -------------------------------------------------------------
s=$tmp/s
set -m # the report in its own process group, as from a terminal (SIGINT not ignored)
scripts/report.sh --sizes quick --kernels primes --threads 1,2 --out "$s" >/dev/null 2>"$tmp/s.err" &
pid=$!
set +m
for ((i = 0; i < 600; i++)); do
	grep -q 'step 2 of' "$tmp/s.err" 2>/dev/null && break
	sleep 0.1
done
sleep 1 # inside the primes sweep
t0=$EPOCHREALTIME
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
check "SIGINT: exit 130" test "$rc" -eq 130
# a bound far above the second asked for, so a loaded machine cannot fail it
check "SIGINT: stopped promptly (${took} s; bound 5 s)" awk -v t="$took" 'BEGIN { exit !(t < 5) }'
check "SIGINT: says so" grep -q 'report: interrupted by SIGINT' "$tmp/s.err"
check "SIGINT: no index.html, no partial directory" \
	bash -c "[ ! -e '$s/index.html' ] && ! ls -d '$s'/.partial-* 2>/dev/null"
sleep 0.2
check "SIGINT: no process of the report left (sweep, kernel)" \
	bash -c "! ps -eo args | grep -v grep | grep -q -e '$s/' -e '--to 40000 --jobs 2'"
finish report_numbers
