#!/usr/bin/env bash
# test-mpi.sh BINDIR - every kernel's -mpi binary under mpirun -np 2 and
# -np 3 (uneven splits, and more ranks than units of work) must print
# exactly what the single-process binary prints, and verify (exit 0).
# Also: the JSON report's ranks/rank_times_s/imbalance, and that one
# failing rank stops every rank with a message (under a timeout: a hang
# fails). Prints "N passed, M failed" and exits non-zero on any failure.
set -u
bin=${1:?usage: test-mpi.sh BINDIR}
# Open MPI refuses to run as root without these (CI runs as root).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# No progress meters, no fighting over two cores: one thread per rank unless a case says.
export OMP_NUM_THREADS=1
mpirun=(timeout 120 mpirun --oversubscribe --bind-to none)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }

# A file of pseudo-random bytes, not a multiple of any rank count.
head -c 1000003 /dev/urandom >"$tmp/bytes"
head -c 80000 /dev/urandom >"$tmp/u64s"

# kernel|arguments: each case runs with -np 2 and -np 3, variants seq and omp.
cases=(
	"lcg|--seeds 7 --iters 100000"
	"lcg|--seeds 2 --iters 1000"
	"lcg|--seeds 0"
	"primes|--to 30000"
	"primes|--from 1000 --to 1002 --jobs 3"
	"primes|--from 5 --to 5"
	"collatz|--to 100000"
	"collatz|--from 1 --to 3"
	"collatz|--from 27 --to 28"
	"sumsq|--from 4000000000 --to 4001000001"
	"sumsq|--to 1"
	"sumsq|--file $tmp/u64s"
	"checksum|--buffers 7 --size 1001"
	"checksum|--buffers 2 --size 5"
	"checksum|--file $tmp/bytes"
	"checksum|--buffers 1 --size 2"
)

for c in "${cases[@]}"; do
	k=${c%%|*}
	args=${c#*|}
	for v in seq omp; do
		# shellcheck disable=SC2086
		if ! want=$("$bin/$k" -q --variant $v $args 2>&1); then
			bad "$k $args --variant $v: the single-process binary failed: $want"
			continue
		fi
		for np in 2 3; do
			threads=1
			[ "$v" = omp ] && [ "$np" = 2 ] && threads=2
			# shellcheck disable=SC2086
			got=$("${mpirun[@]}" -np $np "$bin/$k-mpi" -q --variant $v --threads $threads $args 2>"$tmp/err")
			rc=$?
			if [ $rc -ne 0 ] || [ "$got" != "$want" ]; then
				bad "$k-mpi -np $np --variant $v $args: exit $rc, got '$got', want '$want': $(head -3 "$tmp/err")"
			else
				ok
			fi
		done
	done
done

# The JSON report of a distributed run.
json=$("${mpirun[@]}" -np 3 "$bin/primes-mpi" --to 20000 --format json -r 3 2>"$tmp/err")
if [ $? -eq 0 ] && [ "$(grep -c '' <<<"$json")" = 1 ] &&
	grep -q '"ranks":3,"rank_times_s":\[[0-9.e-]*,[0-9.e-]*,[0-9.e-]*\],"imbalance":[0-9.]' <<<"$json" &&
	grep -q '"verified":true' <<<"$json" && grep -q '"count":2262' <<<"$json"; then
	ok
else
	bad "primes-mpi --format json: $json $(head -3 "$tmp/err")"
fi

# One failing rank stops all, exit 1, and rank 0 names it; no hang (timeout 120 s).
OMPK_MPI_FAIL_RANK=1 "${mpirun[@]}" -np 3 "$bin/collatz-mpi" --to 100000 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q '^ompk: rank 1 of 3: collatz: run failed' "$tmp/err" && [ ! -s "$tmp/out" ]; then
	ok
else
	bad "a failing rank 1: exit $rc (want 1), stderr: $(head -3 "$tmp/err")"
fi
# A file no rank can read: one message, exit 1.
"${mpirun[@]}" -np 2 "$bin/checksum-mpi" --file "$tmp/missing" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(grep -c "^ompk: .*missing: No such file" "$tmp/err")" = 1 ]; then
	ok
else
	bad "a missing file: exit $rc (want 1), stderr: $(head -3 "$tmp/err")"
fi
# A usage error: exit 2, said once.
"${mpirun[@]}" -np 3 "$bin/lcg-mpi" --seeds x >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && [ "$(grep -c '^ompk: --seeds' "$tmp/err")" = 1 ]; then
	ok
else
	bad "a usage error: exit $rc (want 2), stderr: $(head -3 "$tmp/err")"
fi

echo "test-mpi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
