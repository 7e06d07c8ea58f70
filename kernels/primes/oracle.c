/*
 * oracle.c - counting primes without trial division, to check the
 * primes kernel: a segmented sieve of Eratosthenes, and deterministic
 * Miller-Rabin for numbers too large to sieve cheaply.
 *
 * Miller-Rabin with the first twelve prime bases (2..37) is exact for all
 * n < 3.3e24 (Sorenson and Webster, 2015), hence for every 64-bit n.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/primes.h"

#define SEGMENT (1u << 18)
#define E(k) UINT64_C(1##k)

/*
 * Published counts of the primes in [lo, hi]: pi(10^k) (OEIS A006880),
 * pi(2^k) (OEIS A007053) and the windows [a, a + 1e11] of primesieve's and
 * LingSieve's tables. Every hi is even and every window's lo even, so the
 * closed and the half-open interval hold the same primes.
 */
static const struct {
	uint64_t lo, hi, count;
} published[] = {
	{ 0, E(0000), 1229 },
	{ 0, E(00000), 9592 },
	{ 0, E(000000), 78498 },
	{ 0, E(0000000), 664579 },
	{ 0, E(00000000), 5761455 },
	{ 0, E(000000000), 50847534 },
	{ 0, E(0000000000), 455052511 },
	{ 0, E(00000000000), 4118054813 },
	{ 0, E(000000000000), 37607912018 },
	{ 0, E(0000000000000), 346065536839 },
	{ 0, E(00000000000000), 3204941750802 },
	{ 0, E(000000000000000), 29844570422669 },
	{ 0, E(0000000000000000), 279238341033925 },
	{ 0, E(00000000000000000), 2623557157654233 },
	{ 0, E(000000000000000000), 24739954287740860 },
	{ 0, E(0000000000000000000), 234057667276344607 },
	{ E(000000000000), E(000000000000) + E(00000000000), 3612791400 },
	{ E(0000000000000), E(0000000000000) + E(00000000000), 3340141707 },
	{ E(00000000000000), E(00000000000000) + E(00000000000), 3102063927 },
	{ E(000000000000000), E(000000000000000) + E(00000000000), 2895317534 },
	{ E(0000000000000000), E(0000000000000000) + E(00000000000), 2714336584 },
	{ E(000000000000000000), E(000000000000000000) + E(00000000000), 2412731214 },
	{ UINT64_C(18000000000000000000), UINT64_C(18000000100000000000), 2255482326 },
	{ 0, UINT64_C(1) << 10, 172 },
	{ 0, UINT64_C(1) << 16, 6542 },
	{ 0, UINT64_C(1) << 20, 82025 },
	{ 0, UINT64_C(1) << 24, 1077871 },
	{ 0, UINT64_C(1) << 30, 54400028 },
	{ 0, UINT64_C(1) << 32, 203280221 },
	{ 0, UINT64_C(1) << 36, 2874398515 },
	{ 0, UINT64_C(1) << 40, 41203088796 },
	{ 0, UINT64_C(1) << 44, 597116381732 },
	{ 0, UINT64_C(1) << 48, 8731188863470 },
	{ 0, UINT64_C(1) << 50, 33483379603407 },
};

int ompk_oracle_published(uint64_t from, uint64_t to, uint64_t *count)
{
	for (size_t i = 0; i < sizeof(published) / sizeof(published[0]); i++) {
		uint64_t lo = published[i].lo, hi = published[i].hi;

		if ((from == lo || from == lo + 1 || (lo == 0 && from <= 2)) &&
		    (to == hi || to == hi + 1)) {
			*count = published[i].count;
			return 0;
		}
	}
	return -ENOTSUP;
}
#define SIEVE_LIMIT (UINT64_C(1) << 40)

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
	return (uint64_t)((unsigned __int128)a * b % m);
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
	uint64_t r = 1;

	b %= m;
	while (e) {
		if (e & 1)
			r = mulmod(r, b, m);
		b = mulmod(b, b, m);
		e >>= 1;
	}
	return r;
}

bool ompk_is_prime_mr(uint64_t n)
{
	static const uint64_t bases[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
	uint64_t d = n - 1;
	int s = 0;

	if (n < 2)
		return false;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (n == bases[i])
			return true;
		if (n % bases[i] == 0)
			return false;
	}
	while (!(d & 1)) {
		d >>= 1;
		s++;
	}
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		uint64_t x = powmod(bases[i], d, n);

		if (x == 1 || x == n - 1)
			continue;
		for (int r = 1; r < s && x != n - 1; r++)
			x = mulmod(x, x, n);
		if (x != n - 1)
			return false;
	}
	return true;
}

/* floor(sqrt(n)) exactly. */
static uint64_t isqrt(uint64_t n)
{
	uint64_t r = 0;

	for (uint64_t bit = UINT64_C(1) << 62; bit; bit >>= 2) {
		if (n >= r + bit) {
			n -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

int ompk_oracle_prime_count(uint64_t from, uint64_t to, uint64_t *count)
{
	uint64_t total = 0, limit;
	uint8_t *base = NULL;
	int err = 0;

	if (to <= from) {
		*count = 0;
		return 0;
	}
	if (to > SIEVE_LIMIT) {
		for (uint64_t x = from; x < to; x++)
			total += ompk_is_prime_mr(x);
		*count = total;
		return 0;
	}
	/* Base primes: every p <= sqrt(to - 1). */
	limit = isqrt(to - 1);
	base = calloc(limit + 1, 1); /* base[i] != 0: i is composite */
	if (!base) {
		err = -ENOMEM;
		goto out;
	}
	for (uint64_t i = 2; i * i <= limit; i++)
		if (!base[i])
			for (uint64_t j = i * i; j <= limit; j += i)
				base[j] = 1;
	const uint64_t nseg = (to - from) / SEGMENT + ((to - from) % SEGMENT != 0);

	/* Segments are independent: each thread sieves its own with its own buffer. */
#pragma omp parallel default(none) shared(from, to, nseg, limit, base, err) reduction(+ : total)
	{
		uint8_t *seg = malloc(SEGMENT);

		if (!seg) {
#pragma omp atomic write
			err = -ENOMEM;
		}
#pragma omp for schedule(dynamic, 4)
		for (uint64_t k = 0; k < nseg; k++) {
			uint64_t lo = from + k * SEGMENT,
				 hi = to - lo < SEGMENT ? to : lo + SEGMENT;

			if (!seg)
				continue;
			memset(seg, 0, (size_t)(hi - lo));
			for (uint64_t p = 2; p <= limit && p * p < hi; p++) {
				if (base[p])
					continue;
				/* First multiple of p in [lo, hi) that is not p itself. */
				uint64_t m = lo % p ? lo + (p - lo % p) : lo;

				if (m < p * p)
					m = p * p;
				for (; m < hi; m += p)
					seg[m - lo] = 1;
			}
			for (uint64_t x = lo; x < hi; x++)
				total += x >= 2 && !seg[x - lo];
		}
		free(seg);
	}
	if (err)
		goto out;
	*count = total;
out:
	free(base);
	return err;
}
