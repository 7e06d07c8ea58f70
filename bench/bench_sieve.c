/*
 * bench_sieve.c - times ompk_sieve_count on [0, TO) for the side-by-side
 * comparison with primesieve (bench/primes_vs_primesieve.sh).
 *
 * Usage: bench_sieve TO THREADS REPEATS   (TO may be written 1e10)
 * One untimed warm-up on [0, TO/100) starts the OpenMP team and the
 * allocator; then REPEATS timed runs (ompk_now, a monotonic clock).
 * Prints aligned `key = value` lines; `count` and `median` are what the
 * script reads. Exit 0 on success, 1 on a runtime failure or runs that
 * disagree, 2 on usage errors.
 */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/parse.h"
#include "ompkit/primes.h"
#include "ompkit/stats.h"

static int arg(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	enum ompk_parse_err e = ompk_parse_u64(s, out);

	if (e != OMPK_PARSE_OK) {
		fprintf(stderr, "bench_sieve: %s: '%s' %s; accepted: an integer in [%llu, %llu]\n",
			name, s, ompk_parse_strerror(e), (unsigned long long)min,
			(unsigned long long)max);
		return -1;
	}
	if (*out < min || *out > max) {
		fprintf(stderr,
			"bench_sieve: %s: %s is out of range; accepted: an integer in [%llu, "
			"%llu]\n",
			name, s, (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t to, threads, repeats, count = 0, first = 0;
	struct ompk_summary sum;
	double *t;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_sieve TO THREADS REPEATS\n");
		return 2;
	}
	if (arg("TO", argv[1], 0, UINT64_MAX, &to) || arg("THREADS", argv[2], 1, 4096, &threads) ||
	    arg("REPEATS", argv[3], 1, 1000, &repeats))
		return 2;
	t = malloc(repeats * sizeof(*t));
	if (!t) {
		fprintf(stderr, "bench_sieve: %s\n", strerror(ENOMEM));
		return 1;
	}
	err = ompk_sieve_count(0, to / 100, (int)threads, NULL, &count);
	for (uint64_t r = 0; !err && r < repeats; r++) {
		double t0 = ompk_now();
		err = ompk_sieve_count(0, to, (int)threads, NULL, &count);
		t[r] = ompk_now() - t0;
		if (r == 0)
			first = count;
		else if (!err && count != first) {
			fprintf(stderr, "bench_sieve: runs disagree: %llu then %llu\n",
				(unsigned long long)first, (unsigned long long)count);
			free(t);
			return 1;
		}
	}
	if (err) {
		fprintf(stderr, "bench_sieve: ompk_sieve_count: %s\n", strerror(-err));
		free(t);
		return 1;
	}
	if (ompk_summarise(t, repeats, &sum)) {
		fprintf(stderr, "bench_sieve: %s\n", strerror(ENOMEM));
		free(t);
		return 1;
	}
	printf("to      = %llu\n", (unsigned long long)to);
	printf("threads = %llu\n", (unsigned long long)threads);
	printf("repeats = %llu\n", (unsigned long long)repeats);
	printf("count   = %llu\n", (unsigned long long)count);
	printf("median  = %.6f\n", sum.median);
	printf("min     = %.6f\n", sum.min);
	printf("max     = %.6f\n", sum.max);
	free(t);
	return 0;
}
