#!/usr/bin/env bash
# primes_vs_primesieve.sh - the fast primes variant against both peers,
# whole process, side by side:
#  - sieve rows: on the ranges of issue 12, `primesieve A B-1` (closed
#    interval) against the sieve alone (via "sieve": bench/sieve_count.c,
#    ompk_sieve_count) and against `bin/primes --variant fast --from A --to B`
#    (via "fast": the kernel, which counts [0, 1e10) by the combinatorial
#    pi instead; the method it picked is printed);
#  - pi rows: `bin/primes --variant fast --to X+1` (the primes <= X, where
#    the kernel picks the combinatorial count) against `primecount X`.
# For each row and thread count (THREADS, default "1 2") one run of ours and
# one of the peer alternate REPEATS times (default 3), so both see the same
# load; prints the median wall times (whole process, /usr/bin/time), our
# peak RSS, both counts and ours/peer. The load average is printed before
# and after: on a shared machine read the ratio, not the seconds.
# ROWS=sieve or ROWS=pi runs one table; PI_XS overrides the pi rows
# (default "1e11 1e13 1e15 1e16"); TOP=0 leaves out the sieve row
# [2^64-1e10-1, 2^64-1) (the long one: about 10 s a run for either
# program on 2 threads, sieve only); VIA=sieve or VIA=fast runs one of the
# two; OMPK_PRIMES names the binary (default bin/primes), OMPK_SIEVE the
# sieve_count program (default the build's). Exits 1 if any count differs.
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh # median
repeats=${REPEATS:-3}
threads=${THREADS:-1 2}
rows=${ROWS:-sieve pi}
pi_xs=${PI_XS:-1e11 1e13 1e15 1e16}
top=${TOP:-1}
via=${VIA:-sieve fast}
bin=${OMPK_PRIMES:-bin/primes}
[[ -x $bin ]] || make -j2 >/dev/null
sieve_bin=${OMPK_SIEVE:-$(make -s --no-print-directory print-BUILD)/bench/sieve_count}
[[ -x $sieve_bin ]] || make -j2 "$sieve_bin" >/dev/null
for peer in primesieve primecount; do
	command -v "$peer" >/dev/null || apt-get install -y "$peer" >/dev/null
done
num() { awk -v x="$1" 'BEGIN { printf "%.0f", x }'; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# timed CMD...: runs CMD, stdout to $tmp.out; prints "seconds peak_kib". The
# seconds are bash's microsecond clock around the run (time(1)'s %e has 10 ms
# steps, a fifth of the shortest row); the time(1) wrapper is in both sides' runs.
timed() {
	local t0=$EPOCHREALTIME t1
	/usr/bin/time -f '%M' -o "$tmp" "$@" >"$tmp.out"
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" -v m="$(tail -n 1 "$tmp")" 'BEGIN { printf "%.6f %s\n", b - a, m }'
}
trap 'rm -f "$tmp" "$tmp.out"' EXIT

echo "peers: $(primesieve --version | head -n 1); $(primecount --version | head -n 1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "repeats = $repeats (interleaved, medians)"
fail=0
printf '%-28s %-5s %3s %9s %9s %6s %9s %20s %20s\n' range via thr ours_s peer_s ratio ours_MiB \
	ours_count peer_count
row() { # LABEL VIA THREADS OURS_CMD... -- PEER_CMD...
	local label=$1 v=$2 t=$3 ours=() peer=() ot=() pt=() om=() oc='' pc='' r s c
	shift 3
	while [[ $1 != -- ]]; do ours+=("$1"); shift; done
	shift
	peer=("$@")
	for ((r = 0; r < repeats; r++)); do
		read -r s m < <(timed "${ours[@]}")
		ot+=("$s") om+=("$m")
		c=$(awk 'NR == 1 { print $1 }' "$tmp.out")
		[[ -z $oc || $c == "$oc" ]] || { echo "ours: counts differ: $c $oc" >&2; fail=1; }
		oc=$c
		read -r s m < <(timed "${peer[@]}")
		pt+=("$s")
		c=$(awk 'NF == 1 { print $1 }' "$tmp.out" | tail -n 1)
		[[ -z $pc || $c == "$pc" ]] || { echo "peer: counts differ: $c $pc" >&2; fail=1; }
		pc=$c
	done
	local mo mp mm
	mo=$(median_of "${ot[@]}")
	mp=$(median_of "${pt[@]}")
	mm=$(printf '%s\n' "${om[@]}" | sort -g | tail -n 1)
	printf '%-28s %-5s %3s %9.4f %9.4f %6.3f %9.1f %20s %20s\n' "$label" "$v" "$t" "$mo" "$mp" \
		"$(awk -v a="$mo" -v b="$mp" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
		"$(awk -v k="$mm" 'BEGIN { print k / 1024 }')" "$oc" "$pc"
	if [[ $oc != "$pc" ]]; then
		echo "count mismatch on $label: ours $oc, peer $pc" >&2
		fail=1
	fi
}
ours=("$bin" --variant fast --repeat 1 --warmup 0 --no-verify -q)
# method FROM TO: the method the fast variant picks on [FROM, TO), from its JSON report (one
# more run, untimed)
method() {
	"$bin" --variant fast --repeat 1 --warmup 0 --no-verify --format json --from "$1" --to "$2" |
		sed -n 's/.*"method": *"\([a-z]*\)".*/\1/p' | head -n 1
}
if [[ " $rows " == *" sieve "* ]]; then
	# Bash arithmetic is signed 64-bit: the row near 2^64 is written out.
	for r in "0 1e9" "0 1e10" "1e12 1e12+1e9" "1e14 1e14+1e9" "1e16 1e16+1e9" \
		"2^64-1e10-1 2^64-1"; do
		read -r a b <<<"$r"
		[[ $a == 2^64* && $top == 0 ]] && continue
		case $a in
		2^64*) lo=18446744063709551615 hi=18446744073709551615 last=18446744073709551614 ;;
		*)
			lo=$(num "$a")
			case $b in
			*+*) hi=$(($(num "${b%+*}") + $(num "${b#*+}"))) ;;
			*) hi=$(num "$b") ;;
			esac
			last=$((hi - 1))
			;;
		esac
		for t in $threads; do
			if [[ " $via " == *" sieve "* ]]; then
				row "[$a, $b)" sieve "$t" "$sieve_bin" "$lo" "$hi" "$t" -- \
					primesieve "$lo" "$last" -t "$t" -q
			fi
			# near 2^64 the kernel can only sieve: the same run as above
			if [[ " $via " == *" fast "* && $a != 2^64* ]]; then
				echo "  (fast picks: $(method "$lo" "$hi"))"
				row "[$a, $b)" fast "$t" "${ours[@]}" --threads "$t" --from "$lo" \
					--to "$hi" -- primesieve "$lo" "$last" -t "$t" -q
			fi
		done
	done
fi
if [[ " $rows " == *" pi "* ]]; then
	for x in $pi_xs; do
		for t in $threads; do
			row "pi($x)" fast "$t" "${ours[@]}" --threads "$t" --to $(($(num "$x") + 1)) -- \
				primecount "$x" -t "$t"
		done
	done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$fail"
