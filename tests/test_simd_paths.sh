#!/usr/bin/env bash
# test_simd_paths.sh - every SIMD path this CPU has, not only the widest
# (issue 17). OMPK_SIMD=avx512vnni|avx512|avx2|scalar forces what the fast variants'
# run-time dispatch picks (the sumsq multiplies, the checksum fold, in the
# kernels and the pipeline), so an AVX-512 machine also runs the AVX2 and
# scalar code its dispatch never picks. For each path: the fast binaries
# verify against their oracles and agree with each other, and on each path
# but the widest (where make test runs them anyway) the fast suites
# (test_fast_simd, test_kernels: plain loops, closed forms, seq) run. A path the CPU lacks is refused as a usage error naming
# OMPK_SIMD, and skipped here with a note; an unknown value is refused by
# every tool. Prints "simd-paths: N passed, M failed, K skipped" last.
. "$(dirname "$0")/lib.sh"
# The suites of the build whose binaries are tested (bindir's links resolve into it).
testdir=$(dirname "$(readlink -f "$bindir/sumsq")")/../tests
detail() { echo "exit $rc; stdout: $(head -c 400 "$tmp/out"); stderr: $(head -c 600 "$tmp/err")"; }
run() {
	rc=0
	timeout 600 "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# Raw little-endian u64 values (a file for sumsq and checksum), 1 MiB + 8 bytes.
head -c $((1048576 + 8)) /dev/urandom >"$tmp/data.bin"

first=""
for path in avx512vnni avx512 avx2 scalar; do
	export OMPK_SIMD=$path
	run "$bindir/sumsq" --variant fast --to 10 -q
	if [ "$rc" -eq 2 ] && grep -q "^ompk: OMPK_SIMD: '$path' is not available on this CPU" "$tmp/err"; then
		skip "OMPK_SIMD=$path: this CPU lacks it; its code is not run here"
		continue
	fi
	result "OMPK_SIMD=$path: accepted" "$([ "$rc" -eq 0 ] && echo 1)" "$(detail)"
	# The widest path is what the suites run on without OMPK_SIMD (make test runs them).
	if [ -n "$first" ]; then
		for suite in test_fast_simd test_kernels; do
			run "$testdir/$suite"
			result "OMPK_SIMD=$path: $suite" "$([ "$rc" -eq 0 ] && echo 1)" \
				"$(grep -E 'FAIL|ERROR' "$tmp/out" | head -n 10)"
		done
	fi
	# The fast binaries: verified by their oracles (exit 0), the same bits on every path.
	: >"$tmp/values.$path"
	for cmd in "sumsq --to 3000017" "sumsq --from 18446744073709000000 --to 18446744073709551615" \
		"sumsq --file $tmp/data.bin" "checksum --buffers 5 --size 300007" \
		"checksum --file $tmp/data.bin"; do
		read -r -a argv <<<"$cmd"
		run "$bindir/${argv[0]}" "${argv[@]:1}" --variant fast -t 2
		result "OMPK_SIMD=$path: $cmd --variant fast verifies" \
			"$([ "$rc" -eq 0 ] && grep -q '^verified   = yes' "$tmp/out" && echo 1)" "$(detail)"
		grep '^result ' "$tmp/out" >>"$tmp/values.$path"
	done
	run "$bindir/pipeline" --kernel checksum --variant fast --shards 3 --shard-len 200003 \
		--latency-ms 1
	result "OMPK_SIMD=$path: pipeline --kernel checksum --variant fast verifies" \
		"$([ "$rc" -eq 0 ] && grep -q '^verified   = yes' "$tmp/out" && echo 1)" "$(detail)"
	grep '^result ' "$tmp/out" >>"$tmp/values.$path"
	if [ -z "$first" ]; then
		first=$path # the widest this CPU has: what AUTO picks unforced
	else
		check "OMPK_SIMD=$path: the same results as $first" diff "$tmp/values.$first" "$tmp/values.$path"
	fi
done

# A value that names no path is refused by every tool that runs a kernel, naming the variable.
export OMPK_SIMD=avx9
kernels=$(sed -n 's/^OMPK_KERNEL(\([a-z0-9_]*\)).*/\1/p' include/ompkit/kernels.def)
for b in $kernels pipeline demo; do
	run "$bindir/$b"
	result "OMPK_SIMD=avx9: $b refuses it (usage error naming OMPK_SIMD)" \
		"$([ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 2 ] &&
			grep -q "^ompk: OMPK_SIMD: 'avx9' is not a SIMD path; accepted: .*scalar" "$tmp/err" &&
			echo 1)" "$(detail)"
done
unset OMPK_SIMD
run "$bindir/sumsq" --help
result "--help names OMPK_SIMD" "$(grep -q 'OMPK_SIMD=avx512vnni|avx512|avx2|scalar' "$tmp/out" && echo 1)" "$(detail)"

finish simd-paths
