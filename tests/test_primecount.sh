#!/usr/bin/env bash
# test_primecount.sh - the fast primes variant (sieve or combinatorial
# pi(x), whichever it picks) against primecount, a peer program, on random
# ranges [a, b) with b up to 1e15 (log-uniform, so most are quick):
# primecount's pi(b-1) - pi(a-1) must equal our count. Skipped with a note
# when primecount is not installed (Debian package primecount). The seed is
# printed; OMPK_SEED=N repeats a run, OMPK_RANGES=N sets how many ranges.
# Prints "primecount: N passed, M failed, K skipped" last.
. "$(dirname "$0")/lib.sh"

if ! command -v primecount >/dev/null; then
	skip "peer checks: primecount not installed (apt-get install primecount)"
	finish primecount
fi
seed=${OMPK_SEED:-$RANDOM}
n=${OMPK_RANGES:-6}
echo "seed = $seed, ranges = $n, $(primecount --version | head -n 1)"
# Ranges from awk's seeded generator: b = 10^u, u uniform in [3, 15]; a uniform in [0, b).
ranges=$(awk -v seed="$seed" -v n="$n" 'BEGIN {
	srand(seed)
	for (i = 0; i < n; i++) {
		b = int(10 ^ (3 + 12 * rand())); a = int(b * rand())
		printf "%.0f %.0f\n", a, b
	}
}')
pc() { # pi(x), 0 for x < 2
	if [ "$1" -lt 2 ]; then echo 0; else primecount "$1"; fi
}
while read -r a b; do
	ours=$(bin/primes --variant fast --from "$a" --to "$b" --repeat 1 --warmup 0 \
		--no-verify -q | head -n 1)
	peer=$(($(pc $((b - 1))) - $(pc $((a > 0 ? a - 1 : 0)))))
	if [ "$ours" = "$peer" ]; then
		ok "[$a, $b): $ours"
	else
		bad "[$a, $b): ours $ours, primecount $peer"
	fi
done <<<"$ranges"
finish primecount
