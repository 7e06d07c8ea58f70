/*
 * pi.c - pi(x), the number of primes <= x, without enumerating them:
 * the combinatorial method of Lagarias, Miller and Odlyzko ("Computing
 * pi(x): the Meissel-Lehmer method", Math. Comp. 44, 1985), with the easy
 * and trivial special leaves of Deleglise and Rivat ("Computing pi(x): the
 * Meissel, Lehmer, Lagarias, Miller, Odlyzko method", Math. Comp. 65,
 * 1996). A sieve of [0, x] costs x; this costs about x^(2/3) (sieving
 * [1, x/y]) plus y-sized tables, which is why the fast primes kernel
 * switches to it for wide ranges.
 *
 * With phi(x, b) the count of n in [1, x] with no prime factor among the
 * first b primes, y a split point with cbrt(x) < y <= sqrt(x) and a = pi(y):
 *   pi(x) = phi(x, a) + a - 1 - P2,
 *   P2 = sum over primes y < p <= sqrt(x) of pi(x/p) - pi(p) + 1
 * (the n <= x with two prime factors above y; three would exceed x).
 * Expanding phi(x, b) = phi(x, b-1) - phi(x/p_b, b-1) down to b = 6 while
 * the product n of the primes taken stays <= y gives
 *   phi(x, a) = S1 + S2,  S1 = sum over squarefree n <= y with lpf(n) > 13
 *   of mu(n) phi(x/n, 6) (ordinary leaves, a wheel formula), and S2 the
 * special leaves (pi_leaves.c).
 *
 * P2 needs pi(v) for sqrt(x) <= v <= x/y: read off the sieve of [1, x/y]
 * that the hard special leaves cross off (pi_leaves.c).
 *
 * Limits: x <= OMPK_PI_MAX. All intermediate values are below 2^64
 * (y < 2^31, products p*p and p*m of numbers <= y, x/p divided before any
 * further division, never multiplied); the sums S1, S2 and P2 are __int128.
 * Memory is O(y + sqrt(x)/8): the mu/lpf table (4 bytes per n <= y), the
 * primes up to y and their reciprocals (12 bytes each), the pi table (16
 * bytes per 128 numbers up to sqrt(x)) and per-thread segments.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/primes.h"
#include "pi_int.h"

/* Below this a plain sieve of [0, x] is cheaper than the tables. */
#define PI_SMALL 100000u

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* floor(sqrt(n)), exact for every n < 2^64. */
static uint64_t isqrt_u64(uint64_t n)
{
	uint64_t r = (uint64_t)sqrtl((long double)n);

	while (r > 0 && (r > UINT32_MAX || r * r > n))
		r--;
	while (r < UINT32_MAX && (r + 1) * (r + 1) <= n)
		r++;
	return r;
}

/* floor(cbrt(n)), exact for every n < 2^64. */
static uint64_t icbrt_u64(uint64_t n)
{
	uint64_t r = (uint64_t)cbrtl((long double)n);

	while (r > 0 && (unsigned __int128)r * r * r > n)
		r--;
	while ((unsigned __int128)(r + 1) * (r + 1) * (r + 1) <= n)
		r++;
	return r;
}

static int small_pi(uint64_t x, uint64_t *count)
{
	uint8_t *composite = calloc(x + 1, 1);
	uint64_t n = 0;

	if (!composite)
		return -ENOMEM;
	for (uint64_t i = 2; i <= x; i++) {
		if (composite[i])
			continue;
		n++;
		for (uint64_t j = i * i; j <= x; j += i)
			composite[j] = 1;
	}
	free(composite);
	*count = n;
	return 0;
}

/*
 * y = alpha * cbrt(x): a larger y shrinks the sieve of [1, x/y] (S2 hard
 * leaves, P2) and grows the tables and the easy leaves. alpha grows with
 * log x as in Deleglise-Rivat's analysis; the constant was measured on
 * the 2-core test machine: CPU seconds of pi(1e14) were 1.26, 1.13 and 1.21
 * at alpha 3, 6 and 12 (this gives 5.5), of pi(1e15) 4.84 and 5.52 at 6
 * and 12 (this gives 6.75).
 */
static uint64_t choose_y(uint64_t x, uint64_t x13, uint64_t sqrtx)
{
	double l = log10((double)x), alpha = l < 10 ? 1 : 0.002 * l * l * l;
	uint64_t y = (uint64_t)(alpha * (double)x13);

	return min_u64(max_u64(y, x13 + 1), sqrtx);
}

static __int128 s1(const struct pi_ctx *c)
{
	__int128 total = 0;
	const uint64_t y = c->y;

#pragma omp parallel num_threads(c->threads) default(none) shared(c, total, y)
	{
		__int128 sum = 0;

#pragma omp for schedule(static) nowait
		for (uint64_t n = 1; n <= y; n++) {
			int32_t v = c->mu_lpf[n];

			if (v > 13)
				sum += pi_phi_c(c, c->x / n);
			else if (v < -13)
				sum -= pi_phi_c(c, c->x / n);
		}
#pragma omp critical
		total += sum;
	}
	return total;
}

int ompk_pi(uint64_t x, int threads, uint64_t *count)
{
	struct pi_ctx c = { 0 };
	__int128 s2e = 0, s2h = 0, sum_p2 = 0, pi;
	uint64_t x13;
	int err;

	if (!count || threads < 1)
		return -EINVAL;
	if (x > OMPK_PI_MAX)
		return -ERANGE;
	if (x < PI_SMALL)
		return small_pi(x, count);
	c.x = x;
	c.threads = threads;
	c.sqrtx = isqrt_u64(x);
	x13 = icbrt_u64(x);
	c.y = choose_y(x, x13, c.sqrtx);
	c.zmax = x / c.y;
	err = pi_tables_init(&c);
	if (!err)
		err = pi_s2_easy(&c, &s2e);
	if (!err)
		err = pi_s2_hard(&c, &s2h, &sum_p2);
	if (err)
		goto out;
	pi = s1(&c) + s2e + s2h + (__int128)c.a - 1 - sum_p2;
	*count = (uint64_t)pi;
out:
	pi_tables_free(&c);
	return err;
}
