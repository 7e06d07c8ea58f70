#!/usr/bin/env bash
# test_layers.sh - the library's files call one way (issue 11): runs
# scripts/check-layers.sh over this build's objects, after checking on a
# small made-up tree that the checker does catch a pair of objects using
# each other's symbols (and ignores a one-way use and a stale object).
# Prints "layers: N passed, M failed, K skipped" last; exits non-zero on a failure.
. "$(dirname "$0")/lib.sh"
cc=${CC:-cc}

# A made-up library: a.c and b.c call each other, c.c calls a.c only,
# d.o is left from a source that is gone and calls a.c, as a.c calls it.
mkdir -p "$tmp/tree/src" "$tmp/build/src"
cat >"$tmp/tree/src/a.c" <<'C'
int b_one(void);
int d_gone(void);
int a_one(void) { return b_one() + d_gone(); }
C
cat >"$tmp/tree/src/b.c" <<'C'
int a_one(void);
int b_one(void) { return 1; }
int b_two(void) { return a_one(); }
C
cat >"$tmp/tree/src/c.c" <<'C'
int a_one(void);
int c_one(void) { return a_one(); }
C
cat >"$tmp/d.c" <<'C'
int a_one(void);
int d_gone(void) { return a_one(); }
C
for f in a b c; do
	$cc -c "$tmp/tree/src/$f.c" -o "$tmp/build/src/$f.o" || exit 1
done
$cc -c "$tmp/d.c" -o "$tmp/build/src/d.o" || exit 1

out=$(scripts/check-layers.sh "$tmp/build" "$tmp/tree" 2>&1)
rc=$?
ok=0
[ $rc -eq 1 ] && grep -qx 'cycle: src/a.o <-> src/b.o' <<<"$out" &&
	grep -q 'src/a.o uses b_one' <<<"$out" && grep -q 'src/b.o uses a_one' <<<"$out" &&
	[ "$(grep -c '^cycle:' <<<"$out")" = 1 ] && ok=1
result "a pair calling each other fails, named with its symbols (rc $rc)" $ok "$out"

rm "$tmp/tree/src/b.c"
cp "$tmp/d.c" "$tmp/tree/src/d.c"
rm "$tmp/build/src/b.o"
out=$(scripts/check-layers.sh "$tmp/build" "$tmp/tree" 2>&1)
rc=$?
ok=0
[ $rc -eq 1 ] && grep -qx 'cycle: src/a.o <-> src/d.o' <<<"$out" && ok=1
result "a pair with a file that exists again is caught (rc $rc)" $ok "$out"

rm "$tmp/tree/src/d.c"
out=$(scripts/check-layers.sh "$tmp/build" "$tmp/tree" 2>&1)
rc=$?
ok=0
[ $rc -eq 0 ] && ok=1
result "one-way calls pass; a stale object (no source) is not part of the library (rc $rc)" \
	$ok "$out"

out=$(scripts/check-layers.sh 2>&1)
rc=$?
ok=0
[ $rc -eq 0 ] && ok=1
result "this build: no two objects of the library reference each other (rc $rc)" $ok "$out"
echo "$out" | tail -n 1

finish layers
