# lib.sh - the helpers the bench scripts share, written once: the median
# (the mean of the two middle values for an even count, as the binaries
# compute it), a numeric field of a JSON report, and running a binary for a
# verified JSON report (a run that does not verify fails the benchmark).
# Sourced, never run; bash only.

# median: the median of the numbers on stdin, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# median_of X...: the median of the arguments.
median_of() { printf '%s\n' "$@" | median; }

# ratio A B [DECIMALS]: A / B with DECIMALS places (default 2); "-" when B is not positive.
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b > 0) printf "%.*f", d, a / b; else printf "-" }'; }

# json_num NAME...: the first of the named numeric fields found in the JSON
# on stdin (several names: a field that some versions spell differently).
json_num() {
	local json n v
	json=$(cat)
	for n in "$@"; do
		v=$(grep -o "\"$n\":[-0-9.e+]*" <<<"$json" | head -n 1 | cut -d: -f2)
		[ -z "$v" ] || { echo "$v"; return 0; }
	done
	echo "bench: no field $* in: ${json:0:200}" >&2
	return 1
}

# verified_json BIN ARGS...: BIN's JSON report of one invocation, or exit 1
# when the run failed or its result did not verify.
verified_json() {
	local out
	out=$("$@" --format json) || { echo "bench: $*: failed" >&2; exit 1; }
	grep -q '"verified":true' <<<"$out" || { echo "bench: $*: NOT VERIFIED" >&2; exit 1; }
	echo "$out"
}

# ms SECONDS: the same time in milliseconds, one decimal.
ms() { awk -v x="$1" 'BEGIN { printf "%.1f", x * 1e3 }'; }
