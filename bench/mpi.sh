#!/usr/bin/env bash
# mpi.sh BINDIR - MPI overhead on one machine: for primes and collatz,
# `mpirun -np 2 <kernel>-mpi --threads 1` against the single-process
# binary at --threads 2, run alternately (side by side, so noise hits
# both), each kernel's reported median_s taken as the median of RUNS
# invocations. Prints a table and the ratio; flags a ratio above 1.10.
set -euo pipefail
bin=${1:?usage: mpi.sh BINDIR}
runs=${RUNS:-5}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset OMP_NUM_THREADS

. "$(dirname "$0")/lib.sh"

printf '%-8s %-28s %12s %12s %8s %10s\n' kernel args "1x2 thr (s)" "2x1 rank (s)" ratio imbalance
status=0
for c in "primes|--to 120000" "collatz|--to 3000000"; do
	k=${c%%|*}
	args=${c#*|}
	single=()
	multi=()
	imb=()
	for ((i = 0; i < runs; i++)); do
		# shellcheck disable=SC2086
		single+=("$("$bin/$k" --threads 2 $args --format json | json_num median_s)")
		# shellcheck disable=SC2086
		out=$(mpirun -np 2 --bind-to core "$bin/$k-mpi" --threads 1 $args --format json)
		multi+=("$(json_num median_s <<<"$out")")
		imb+=("$(json_num imbalance <<<"$out")")
	done
	s=$(median_of "${single[@]}")
	m=$(median_of "${multi[@]}")
	b=$(median_of "${imb[@]}")
	r=$(ratio "$m" "$s" 3)
	printf '%-8s %-28s %12.4f %12.4f %8s %10.3f\n' "$k" "$args" "$s" "$m" "$r" "$b"
	awk -v r="$r" 'BEGIN {exit !(r > 1.10)}' && { echo "bench-mpi: $k: MPI run is more than 10% slower" >&2; status=1; }
done
exit $status
