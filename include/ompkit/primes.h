/*
 * primes.h - the primes kernel's public functions. Two exact fast counts:
 * ompk_sieve_count, a segmented sieve of Eratosthenes on a mod-30 wheel
 * (one byte holds the 8 numbers coprime to 30 of a block of 30), pre-sieved
 * by pattern copy, counted by popcount, with OpenMP threads over chunks of
 * cache-sized segments; and ompk_pi, the combinatorial pi(x) (about x^(2/3)
 * work instead of x), which the fast variant uses for wide ranges.
 *
 * The sieve is exact for every range below 2^64. Its segments are half of
 * the L2 cache the machine reports (sysfs); its base primes up to
 * min(sqrt(to), 2^24) are stored (4 bytes each), those above are
 * enumerated by a sieve at the start of each thread's chunk; primes larger
 * than two segments wait in buckets for the segment of their next multiple
 * (Oliveira e Silva's bucket sieve), 8 bytes for each with a multiple in
 * the thread's chunk: about 1.3 GiB per thread (2.0 GiB for 2 threads,
 * as primesieve) over [2^64 - 1e10, 2^64), 50 MiB per thread at 1e16.
 */
#ifndef OMPKIT_PRIMES_H
#define OMPKIT_PRIMES_H

#include <stdbool.h>
#include <stdint.h>

#include "ompkit/progress.h"

/*
 * Count the primes p with from <= p < to into *count, with an OpenMP team
 * of `threads` threads (threads >= 1). An empty range counts 0. prog may
 * be NULL; otherwise it is called from thread 0 at most every few
 * milliseconds with done/total in segments (windows above 2^48).
 * Returns 0, -EINVAL (from > to, threads < 1, count NULL) or -ENOMEM.
 */
int ompk_sieve_count(uint64_t from, uint64_t to, int threads, const struct ompk_progress *prog,
		     uint64_t *count);

/* The largest x ompk_pi accepts (a sieve covers the rest of the 64-bit range). */
#define OMPK_PI_MAX UINT64_C(10000000000000000000)

/*
 * pi(x), the number of primes p <= x, into *count, by the combinatorial
 * method of Lagarias-Miller-Odlyzko with Deleglise-Rivat's easy leaves
 * (kernels/primes/pi.c), with an OpenMP team of `threads` threads in its
 * sieving parts. Time about x^(2/3) / log x, memory about 4 y + sqrt(x)/10
 * bytes (y a few times cbrt(x)). Returns 0, -EINVAL (threads < 1, count
 * NULL), -ERANGE (x > OMPK_PI_MAX) or -ENOMEM.
 */
int ompk_pi(uint64_t x, int threads, uint64_t *count);

/* The oracle (kernels/primes/oracle.c), a method independent of the sieve above. */

/* Deterministic Miller-Rabin for all 64-bit n (bases 2..37). */
bool ompk_is_prime_mr(uint64_t n);

/*
 * Primes in [from, to) by a plain segmented sieve of Eratosthenes. For to
 * above 2^40 (where the base sieve would be large) it tests each number
 * with Miller-Rabin instead. Returns 0 or -ENOMEM.
 */
int ompk_oracle_prime_count(uint64_t from, uint64_t to, uint64_t *count);

/*
 * The primes in [from, to) when a published table has them (pi(10^k),
 * pi(2^k), windows [a, a + 1e11]): 0 and *count, or -ENOTSUP.
 */
int ompk_oracle_published(uint64_t from, uint64_t to, uint64_t *count);

#endif
