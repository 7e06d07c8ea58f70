# run.sh - how scripts/report.sh runs things, written once: the plan of
# steps and the progress line ("step k of n: what runs, ~time left"), each
# child in its own process group so that SIGINT stops the whole step at
# once (bash would otherwise wait for a foreground child before running
# its trap), each run's JSON kept and checked (a run that fails or does not
# verify stops the report with that run's own error), and the manifest of
# runs that results.json is made from. Sourced by scripts/report.sh, never
# run; bash only.
#
# The sourcing script sets, before calling any of these:
#   name, prog   as scripts/lib.sh wants them (die, die_usage)
#   work         the directory being written (renamed into --out at the end)

# Job control: every background job gets a process group of its own, whose
# id is its pid, so on_signal can signal the step's whole tree.
set -m
child=0

# on_signal SIG CODE: stops the running step's processes, removes what was
# being written and exits with CODE (128 + the signal's number, as a shell
# reports a process killed by it).
on_signal() {
	trap '' INT TERM HUP
	if [ "$child" -gt 0 ]; then
		kill "-$1" -- "-$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	[ -z "${work:-}" ] || rm -rf "$work"
	echo >&2
	echo "$name: interrupted by SIG$1; nothing written to $out (no index.html)" >&2
	exit "$2"
}
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

# spawn OUT ERR CMD...: runs CMD with its stdout in OUT and its stderr in
# ERR, in its own process group; returns its exit status.
spawn() {
	local o=$1 e=$2 rc=0
	shift 2
	"$@" >"$o" 2>"$e" </dev/null &
	child=$!
	wait "$child" || rc=$?
	child=0
	return "$rc"
}

# --- the plan and the progress line ---------------------------------------

step_fn=() step_est=() step_what=() step_loads=""
# plan FN EST_SECONDS WHAT: adds a step; FN runs it.
plan() {
	step_fn+=("$1")
	step_est+=("$2")
	step_what+=("$3")
}

# "1 min 05 s" or "12 s".
human_s() { awk -v s="$1" 'BEGIN { s = int(s + 0.5); if (s >= 60) printf "%d min %02d s", s / 60, s % 60; else printf "%d s", s }'; }

now_s() { echo "${EPOCHREALTIME/,/.}"; }

# run_plan: runs the steps in order, each after its progress line (and the
# 1-minute load average then, in step_loads, for the page). The time
# left is the estimate of the steps still to run, scaled by how the steps
# done so far compared with their own estimates. A step is a function and
# its arguments, as one string of words.
run_plan() {
	local n=${#step_fn[@]} k total=0 done_est=0 done_real=0 left t0 t1 cmd
	report_t0=$(now_s)
	for ((k = 0; k < n; k++)); do total=$((total + step_est[k])); done
	for ((k = 0; k < n; k++)); do
		left=$((total - done_est))
		# Scaled once a tenth of the estimate is done: one short step says little.
		left=$(awk -v l="$left" -v e="$done_est" -v r="$done_real" -v t="$total" \
			'BEGIN { print (e * 10 >= t ? l * r / e : l) }')
		echo "$name: step $((k + 1)) of $n: ${step_what[k]}, ~$(human_s "$left") left" >&2
		step_loads+="${step_loads:+ }$(cut -d' ' -f1 /proc/loadavg)"
		t0=$(now_s)
		read -r -a cmd <<<"${step_fn[k]}"
		"${cmd[@]}"
		t1=$(now_s)
		done_est=$((done_est + step_est[k]))
		done_real=$(awk -v a="$done_real" -v b="$t0" -v c="$t1" 'BEGIN { print a + c - b }')
	done
	report_seconds=$(awk -v a="$report_t0" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }')
}

# --- runs and their JSON ---------------------------------------------------

nrun=0
manifest() { echo "$work/manifest.tsv"; }

# record SECTION LABEL JSON_FILE ARGV...: adds one run to the manifest
# (tab-separated: section, label, the JSON's path under $work, the command).
record() {
	local section=$1 label=$2 file=$3
	shift 3
	printf '%s\t%s\t%s\t%s\n' "$section" "$label" "${file#"$work"/}" "$*" >>"$(manifest)"
}

# fail_run LABEL ERRFILE RC CMD...: stops the report after a run that failed
# or did not verify: its own error first, then which run it was.
fail_run() {
	local label=$1 err=$2 rc=$3
	shift 3
	echo >&2
	sed 's/^/  /' "$err" >&2
	die "$label failed (exit $rc: $*); report stopped, nothing written to $out"
}

# run_json SECTION LABEL CMD...: runs CMD --format json, keeps its output as
# $work/runs/NNN.json and records it; sets JSON to that path. A run that
# fails, prints anything but one JSON object, or has verified other than
# true (the heartbeat, a timing experiment, has no oracle: null) stops the
# report.
run_json() {
	local section=$1 label=$2 rc=0 v
	shift 2
	nrun=$((nrun + 1))
	mkdir -p "$work/runs"
	JSON=$(printf '%s/runs/%03d.json' "$work" "$nrun")
	spawn "$JSON" "$work/runs/last.err" "$@" --format json || rc=$?
	[ "$rc" -eq 0 ] || fail_run "$label" "$work/runs/last.err" "$rc" "$@" --format json
	v=$(json_get "$JSON" verified) || fail_run "$label" "$work/runs/last.err" "bad JSON" "$@"
	case $v:$(json_get "$JSON" tool) in
	true:* | null:heartbeat) ;;
	*)
		echo "verified: $v ($(json_get "$JSON" verify_method))" >>"$work/runs/last.err"
		fail_run "$label" "$work/runs/last.err" "$rc, not verified" "$@" --format json
		;;
	esac
	record "$section" "$label" "$JSON" "$@" --format json
}

# json_get FILE KEY[.MEMBER[.INDEX]]...: one value of a JSON file as the
# binary printed it (numbers untouched; true/false/null as such; arrays
# space-separated); fails when the file is not JSON or the key is missing.
json_get() {
	python3 - "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]), parse_float=str, parse_int=str)
def text(v):
    if isinstance(v, list): return " ".join(text(x) for x in v)
    if isinstance(v, str): return v
    return json.dumps(v)
out = []
for key in sys.argv[2:]:
    v = doc
    for part in key.split("."):
        v = v[int(part)] if isinstance(v, list) else v[part]
    out.append(text(v))
print("\t".join(out))
PY
}

# wall_of CMD...: runs CMD (stdout to $work/peer.out) and sets WALL to its
# wall time in seconds, whole process, as a peer program is measured; a
# failure stops the report. (It sets a variable rather than printing: a
# step run inside $(...) could not be stopped by on_signal.)
wall_of() {
	local t0 t1 rc=0
	t0=$(now_s)
	spawn "$work/peer.out" "$work/peer.err" "$@" || rc=$?
	t1=$(now_s)
	[ "$rc" -eq 0 ] || fail_run "$1" "$work/peer.err" "$rc" "$@"
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
}

# plot GP_SCRIPT OUT.svg VAR=VALUE...: draws one plot by gnuplot from a
# script in scripts/report/, with the variables set (strings quoted here).
plot() {
	local gp=$1 svg=$2 e="" kv
	shift 2
	for kv in "$@"; do e+="${kv%%=*}='${kv#*=}'; "; done
	e+="out='$svg'; here='$here'"
	spawn /dev/null "$work/gnuplot.err" gnuplot -e "$e" "$here/$gp" ||
		{ cat "$work/gnuplot.err" >&2; die "gnuplot failed on $here/$gp"; }
}
