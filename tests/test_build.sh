#!/usr/bin/env bash
# test_build.sh - the build's own rules, checked cheaply (make -n and
# make print-VAR, no full builds): the build directory changes with
# everything that changes the objects (CC, CFLAGS, SAN, MPI) and stays put
# otherwise; which directory of links a build fills (bin/, bin-clang/,
# none for sanitizers); an MPI build's -mpi links survive the next plain
# build; a dependency file naming a source that has gone does not stop
# make, and other configurations' dependency files are not read. Also
# scripts/run-tests.sh's closing line with cmocka's and the shell suites'
# skipped checks counted, OMPK_TEST_FAILFAST and OMPK_TEST_FIRST.
# Prints "build: N passed, M failed, K skipped" last; exits non-zero on a failure.
. "$(dirname "$0")/lib.sh"
# make as a user types it: nothing inherited from the make running this
# suite (its command-line variables travel in MAKEFLAGS) or the environment.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CC -u CFLAGS -u CPPFLAGS -u LDFLAGS -u LDLIBS \
		-u SAN -u MPI make -s --no-print-directory -C "$root" "$@"
}
# plans PATTERN MAKE_ARGS...: make would run a command matching PATTERN.
plans() {
	local pat=$1
	shift
	mk -n -B V=1 "$@" | grep -q -e "$pat"
}

# --- the build directory --------------------------------------------------

gcc_dir=$(mk print-BUILD)
check "the default build directory names gcc and its major version" \
	grep -qE '^build/gcc-[0-9]+-[0-9a-f]{8}$' <<<"$gcc_dir"
check "the same settings give the same directory" test "$(mk print-BUILD)" = "$gcc_dir"
o1_dir=$(mk print-BUILD CFLAGS="-O1 -g")
check "CFLAGS changes the directory" bash -c "[ '$o1_dir' != '$gcc_dir' ] && [[ '$o1_dir' == build/gcc-* ]]"
check "CPPFLAGS changes the directory" test "$(mk print-BUILD CPPFLAGS=-DX=1)" != "$gcc_dir"
check "LDFLAGS changes the directory" test "$(mk print-BUILD LDFLAGS=-Wl,-O1)" != "$gcc_dir"
san_dir=$(mk print-BUILD SAN=address,undefined)
check "SAN changes the directory and is named in it" grep -qE '^build/gcc-[0-9]+-san-address-undefined-[0-9a-f]{8}$' <<<"$san_dir"
mpi_dir=$(mk print-BUILD MPI=1)
check "MPI=1 changes the directory and is named in it" grep -qE '^build/gcc-[0-9]+-mpi-[0-9a-f]{8}$' <<<"$mpi_dir"
if command -v clang >/dev/null 2>&1; then
	clang_dir=$(mk print-BUILD CC=clang)
	check "CC=clang builds elsewhere, named clang" grep -qE '^build/clang-[0-9]+-[0-9a-f]{8}$' <<<"$clang_dir"
	check "make after make CC=clang is gcc's directory again" test "$(mk print-BUILD)" = "$gcc_dir"
	check "CC=clang fills bin-clang/" test "$(mk print-LINKDIR CC=clang)" = bin-clang
	check "CC=clang plans clang's compile lines" \
		plans "^clang .* -c src/parse.c -o $clang_dir/src/parse.o" CC=clang "$clang_dir/src/parse.o"
else
	bad "clang is not installed (scripts/debian-packages.txt lists it)"
fi
check "the default build fills bin/" test "$(mk print-LINKDIR)" = bin
check "a sanitizer build fills no directory of links" test -z "$(mk print-LINKDIR SAN=address)"
check "--version's flags are the build's CFLAGS" \
	plans "-DOMPK_CFLAGS=.\"-O1 -g -fopenmp" CFLAGS="-O1 -g" "$o1_dir/src/build.o"

# --- bin/: links of every build with the default compiler -------------------

# The link commands make would run for `bin`, run in a scratch directory:
# first an MPI build's, then a plain build's.
links() {
	mk -n "$@" bin | grep -E '^(if \[ -L bin \]|for b in)'
}
mkdir -p "$tmp/tree"
links MPI=1 >"$tmp/mpi.sh"
links >"$tmp/plain.sh"
check "the MPI build links its -mpi binaries into bin/" grep -q 'primes-mpi' "$tmp/mpi.sh"
check "a plain build links no -mpi binary" bash -c "! grep -q -- '-mpi ' '$tmp/plain.sh'"
ln -s "$root/build" "$tmp/tree/ignored"
(cd "$tmp/tree" && ln -s build-was-here bin && bash "$tmp/mpi.sh" && bash "$tmp/plain.sh") >"$tmp/links.out" 2>&1
check "bin, once a link to a build, becomes a directory" bash -c "[ -d '$tmp/tree/bin' ] && [ ! -L '$tmp/tree/bin' ]"
check "after MPI=1 then a plain make, bin/primes-mpi still points at the MPI build" \
	test "$(readlink "$tmp/tree/bin/primes-mpi")" = "../$mpi_dir/bin/primes-mpi"
check "and bin/primes at the plain build" test "$(readlink "$tmp/tree/bin/primes")" = "../$gcc_dir/bin/primes"

# --- dependency files --------------------------------------------------------

# A scratch configuration of its own (a define nothing reads), removed after.
scratch_flags="-O0 -DOMPK_TEST_BUILD_SCRATCH=$$"
scratch=$(mk print-BUILD CFLAGS="$scratch_flags")
if [ -e "$root/$scratch" ]; then
	bad "scratch build directory $scratch exists already"
else
	trap 'rm -rf "$tmp" "${root:?}/$scratch"' EXIT
	mk CFLAGS="$scratch_flags" "$scratch/src/parse.o" >"$tmp/dep.out" 2>&1
	check "a compiled object's .d names its source as a target of its own" grep -qx 'src/parse.c:' "$root/$scratch/src/parse.d"
	# As if parse.o had been compiled from a source since moved away.
	sed -i 's#src/parse\.c#src/gone-since.c#g' "$root/$scratch/src/parse.d"
	check "a .d naming a deleted source does not stop make" mk -n CFLAGS="$scratch_flags" "$scratch/src/parse.o"
	touch "$root/$scratch/src/parse.o"
	check "and the object's recipe still compiles its real source" \
		plans "-c src/parse.c -o $scratch/src/parse.o" CFLAGS="$scratch_flags" "$scratch/src/parse.o"

	mkdir -p "$root/$scratch-other"
	trap 'rm -rf "$tmp" "${root:?}/$scratch" "${root:?}/$scratch-other"' EXIT
	echo 'this is not a makefile' >"$root/$scratch-other/junk.d"
	check "other configurations' .d files are not read" mk -n CFLAGS="$scratch_flags" "$scratch/src/parse.o"
fi

# --- what git ignores ---------------------------------------------------------

ignored() { # ignored PATH...: every PATH is ignored
	local f
	for f in "$@"; do git -C "$root" check-ignore -q --no-index "$f" || { echo "$f: not ignored"; return 1; }; done
}
check "git ignores the build, the link directories and the scripts' output folders" \
	ignored build/x.o bin/primes bin-clang/primes sweep-primes/results.csv profile-primes/perf.data report-x/y
check "and no source" bash -c "! git -C '$root' check-ignore --no-index scripts/sweep.sh bench/lib.sh Makefile"
check "no link directory is tracked" test -z "$(git -C "$root" ls-files bin bin-clang)"

# --- scripts/run-tests.sh ------------------------------------------------------

cat >"$tmp/skips.c" <<'EOF'
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
static void passes(void **state) { (void)state; }
static void skips(void **state) { (void)state; skip(); }
static void fails(void **state) { (void)state; assert_int_equal(1, 2); }
int main(int argc, char **argv)
{
	const struct CMUnitTest ok[] = { cmocka_unit_test(passes), cmocka_unit_test(skips),
					 cmocka_unit_test(skips) };
	const struct CMUnitTest bad[] = { cmocka_unit_test(passes), cmocka_unit_test(skips),
					  cmocka_unit_test(fails) };
	(void)argv;
	return argc > 1 ? cmocka_run_group_tests(bad, NULL, NULL) : cmocka_run_group_tests(ok, NULL, NULL);
}
EOF
# shellcheck disable=SC2046
if ! cc $(pkg-config --cflags cmocka 2>/dev/null) "$tmp/skips.c" -o "$tmp/skips" \
	$(pkg-config --libs cmocka 2>/dev/null || echo -lcmocka) >"$tmp/cc.out" 2>&1; then
	bad "compiling a cmocka runner" "$(cat "$tmp/cc.out")"
else
	printf '#!/bin/sh\nexec "%s" fail\n' "$tmp/skips" >"$tmp/skips-fail"
	printf '#!/bin/sh\necho "ok   one"\necho "stand-in: 3 passed, 0 failed, 2 skipped"\n' >"$tmp/suite.sh"
	chmod +x "$tmp/skips-fail" "$tmp/suite.sh"
	rc=0
	# The stand-in's failing check must be reported, not abort (as the mutation run has it).
	unset CMOCKA_TEST_ABORT
	env -u OMPK_TEST_FAILFAST scripts/run-tests.sh "$tmp/skips" "$tmp/suite.sh" >"$tmp/rt.out" 2>&1 || rc=$?
	check "run-tests: cmocka's and a shell suite's skips counted" \
		test "$(tail -n 1 "$tmp/rt.out")" = "tests: 4 passed, 0 failed, 4 skipped"
	check "run-tests: skips alone do not fail the run" test "$rc" -eq 0
	rc=0
	scripts/run-tests.sh "$tmp/skips-fail" >"$tmp/rt2.out" 2>&1 || rc=$?
	check "run-tests: a failing cmocka check with a skip beside it" \
		test "$(tail -n 1 "$tmp/rt2.out")" = "tests: 1 passed, 1 failed, 1 skipped"
	check "run-tests: a failure fails the run" test "$rc" -ne 0
	rc=0
	env -u OMPK_TEST_FAILFAST scripts/run-tests.sh "$tmp/skips-fail" "$tmp/suite.sh" \
		>"$tmp/rt3.out" 2>&1 || rc=$?
	check "run-tests: without OMPK_TEST_FAILFAST every program runs after a failure" \
		bash -c "[ $rc -ne 0 ] && grep -qx '== suite.sh' '$tmp/rt3.out' &&
			[ \"\$(tail -n 1 '$tmp/rt3.out')\" = 'tests: 4 passed, 1 failed, 3 skipped' ]"
	rc=0
	OMPK_TEST_FAILFAST=1 scripts/run-tests.sh "$tmp/skips-fail" "$tmp/suite.sh" "$tmp/skips" \
		>"$tmp/rt4.out" 2>&1 || rc=$?
	check "run-tests: OMPK_TEST_FAILFAST=1 stops at the first failing program and names the rest" \
		bash -c "[ $rc -ne 0 ] && ! grep -q '^== suite.sh' '$tmp/rt4.out' &&
			grep -qx 'failfast: stopped after skips-fail; not run: suite.sh skips' '$tmp/rt4.out' &&
			[ \"\$(tail -n 1 '$tmp/rt4.out')\" = 'tests: 1 passed, 1 failed, 1 skipped' ]"
	env -u OMPK_TEST_FAILFAST OMPK_TEST_FIRST="suite.sh skips-fail" scripts/run-tests.sh \
		"$tmp/skips" "$tmp/skips-fail" "$tmp/suite.sh" >"$tmp/rt5.out" 2>&1
	check "run-tests: OMPK_TEST_FIRST runs the programs it names first, in its order, then the rest" \
		test "$(grep '^== ' "$tmp/rt5.out" | xargs)" = "== suite.sh == skips-fail == skips"
fi

finish build
