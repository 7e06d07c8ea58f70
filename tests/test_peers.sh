#!/usr/bin/env bash
# test_peers.sh - the Rust peers (bench/peers) print what ompkit prints:
# bench/peers.sh --quick runs every example of the comparison on small sizes
# against bin/ and must find every pair equal; a peer that prints a wrong
# value (a wrapper that changes one) must make it fail, for a number and for
# the heartbeat's verdict; the peer reads numbers as ompkit does and refuses
# bad usage with exit 2. Skipped with a note where Debian's cargo, rustc or
# the rayon/tokio/futures crates are not installed.
# Prints "test_peers: N passed, M failed, K skipped" last; exits non-zero when any check failed.
. "$(dirname "$0")/lib.sh"
detail_lines=30

missing=""
for f in /usr/bin/cargo /usr/bin/rustc; do [ -x $f ] || missing+=" ${f#/usr/bin/}"; done
for c in rayon tokio futures; do
	compgen -G "/usr/share/cargo/registry/$c-[0-9]*" >/dev/null || missing+=" librust-$c-dev"
done
if [ -n "$missing" ]; then
	skip "the Rust peers: not installed:$missing (scripts/debian-packages.txt lists them)"
	finish test_peers
fi

# bin/ is whatever configuration was built last: hand it to the script under its compiler.
cc=$(bin/lcg --version | sed -n 's/^build: \([a-z]*\) .*/\1/p')
case $cc in
gcc) export OMPK_GCC_BIN=bin OMPK_CLANG_BIN=none ;;
clang) export OMPK_GCC_BIN=none OMPK_CLANG_BIN=bin ;;
*) bad "bin/lcg --version names no compiler" "$(bin/lcg --version)"; finish ;;
esac

# Results do not depend on the wait policy; passive keeps the check quick on a busy machine.
export OMP_WAIT_POLICY=passive
rc=0
bench/peers.sh --quick >"$tmp/quick" 2>&1 || rc=$?
rows=$(grep -cE ' yes$' "$tmp/quick")
if [ $rc -eq 0 ] && [ "$rows" -eq 16 ] && grep -q '^results equal in every row$' "$tmp/quick"; then
	ok "peers.sh --quick: all 16 rows equal ($cc build against Rust)"
else
	bad "peers.sh --quick (exit $rc, $rows rows equal, want 0 and 16)" "$(cat "$tmp/quick")"
fi

peer=build/peers/release/ompk-peers
# A peer that is wrong on purpose: the first LCG final plus one, the heartbeat always on time.
cat >"$tmp/wrong-peer" <<EOF
#!/usr/bin/env bash
case \$1 in
lcg) "$root/$peer" "\$@" | awk 'NR == 1 { \$1 = \$1 + 1 } { print }' ;;
heartbeat) "$root/$peer" "\$@" >/dev/null; echo 0.0 ;;
*) exec "$root/$peer" "\$@" ;;
esac
EOF
chmod +x "$tmp/wrong-peer"
rc=0
OMPK_PEER=$tmp/wrong-peer bench/peers.sh --quick --only 'lcg_seq|hb_inline|sumsq_seq' >"$tmp/wrong" 2>&1 || rc=$?
if [ $rc -eq 1 ] && grep -qE '^lcg seq .* DIFFER$' "$tmp/wrong" &&
	grep -qE '^heartbeat inline.* DIFFER$' "$tmp/wrong" && grep -qE '^sumsq seq .* yes$' "$tmp/wrong" &&
	grep -q 'FAILED: results differ' "$tmp/wrong"; then
	ok "a wrong peer fails the benchmark (LCG value, heartbeat verdict), a right row stays equal"
else
	bad "wrong peer (exit $rc, want 1 with lcg and heartbeat DIFFER, sumsq yes)" "$(cat "$tmp/wrong")"
fi

# Numbers as ompkit reads them; the LCG chain checked against bin/lcg (verified by jump-ahead).
want=$(bin/lcg -q --seeds 3 --iters 2500)
got=$("$peer" lcg --seeds 3 --iters 2.5e3 2>/dev/null)
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	ok "ompk-peers lcg --iters 2.5e3 = bin/lcg --iters 2500"
else
	bad "ompk-peers lcg --iters 2.5e3" "want: $want"$'\n'"got:  $got"
fi
got=$("$peer" sumsq --to 1_000_000 2>/dev/null)
# (n-1)n(2n-1)/6 for n = 10^6
if [ "$got" = 333332833333500000 ]; then
	ok "ompk-peers sumsq --to 1_000_000 = (n-1)n(2n-1)/6"
else
	bad "ompk-peers sumsq --to 1_000_000: $got, want 333332833333500000"
fi
for args in "nosuch|unknown example" "lcg --iters 1.5|not a whole number" "lcg --variant omp|unknown variant" \
	"lcg --seeds|needs a value" "primes --bogus 1|unknown option"; do
	IFS='|' read -r cmd want <<<"$args"
	rc=0
	# shellcheck disable=SC2086 # the arguments are words on purpose
	"$peer" $cmd >/dev/null 2>"$tmp/err" || rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$want" "$tmp/err" && grep -q "^Try 'ompk-peers --help'" "$tmp/err"; then
		ok "ompk-peers $cmd: exit 2, $want"
	else
		bad "ompk-peers $cmd (exit $rc, want 2 and '$want')" "$(cat "$tmp/err")"
	fi
done
finish test_peers
