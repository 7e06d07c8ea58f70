/*
 * bench_collatz.c - times one run of ompk_collatz_fast over [1, TO).
 *
 * Usage: bench_collatz TO THREADS. Prints the longest chain's start, its
 * step count and the wall time (ompk_now, CLOCK_MONOTONIC) of the call, tables
 * included. Exit 0 on success, 1 if the kernel failed, 2 on bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/collatz.h"
#include "ompkit/parse.h"
#include "ompkit/stats.h"

static int usage(const char *bin, const char *what)
{
	fprintf(stderr, "ompk: %s\nUsage: %s TO THREADS  (TO >= 2, e.g. 1e9; THREADS >= 1)\n", what,
		bin);
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t to, threads, n, steps;
	enum ompk_parse_err pe;
	double t0, t1;
	int err;

	if (argc != 3)
		return usage(argv[0], "expected two arguments");
	pe = ompk_parse_u64(argv[1], &to);
	if (pe != OMPK_PARSE_OK || to < 2)
		return usage(argv[0], "TO: not an integer >= 2");
	pe = ompk_parse_u64(argv[2], &threads);
	if (pe != OMPK_PARSE_OK || threads < 1 || threads > 4096)
		return usage(argv[0], "THREADS: not an integer in [1, 4096]");
	t0 = ompk_now();
	err = ompk_collatz_fast(1, to, (int)threads, NULL, &n, &steps);
	t1 = ompk_now();
	if (err) {
		fprintf(stderr, "ompk: collatz_fast: %s\n", strerror(-err));
		return 1;
	}
	printf("to      = %" PRIu64 "\nthreads = %" PRIu64 "\nbest_n  = %" PRIu64
	       "\nsteps   = %" PRIu64 "\nseconds = %.3f\n",
	       to, threads, n, steps, t1 - t0);
	return 0;
}
