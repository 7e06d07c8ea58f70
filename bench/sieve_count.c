/*
 * sieve_count.c - the segmented sieve alone (ompk_sieve_count), for
 * bench/primes_vs_primesieve.sh: `bin/primes --variant fast` picks the
 * combinatorial count where it is cheaper (pi(1e10) instead of sieving
 * [0, 1e10)), so a sieve-against-sieve row needs the sieve called directly.
 * Whole process, like the primesieve command it is timed against.
 *
 * Usage: sieve_count FROM TO THREADS   prints the primes in [FROM, TO)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ompkit/parse.h"
#include "ompkit/primes.h"

static const char usage[] = "usage: sieve_count FROM TO THREADS (FROM <= TO, THREADS >= 1)\n";

int main(int argc, char **argv)
{
	static const char *const names[] = { "FROM", "TO", "THREADS" };
	uint64_t v[3], count;
	int err;

	if (argc != 4) {
		fputs(usage, stderr);
		return 2;
	}
	for (int i = 0; i < 3; i++) {
		enum ompk_parse_err e = ompk_parse_u64(argv[i + 1], &v[i]);
		if (e) {
			fprintf(stderr, "sieve_count: %s: '%s' %s\n%s", names[i], argv[i + 1],
				ompk_parse_strerror(e), usage);
			return 2;
		}
	}
	if (v[0] > v[1] || v[2] < 1 || v[2] > 4096) {
		fputs(usage, stderr);
		return 2;
	}
	err = ompk_sieve_count(v[0], v[1], (int)v[2], NULL, &count);
	if (err) {
		fprintf(stderr, "sieve_count: %s\n", strerror(-err));
		return 1;
	}
	printf("%llu\n", (unsigned long long)count);
	return 0;
}
