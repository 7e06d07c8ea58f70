/*
 * pi_tables.c - the tables of the combinatorial prime count (pi.c): the
 * primes up to y, mu(n) and the least prime factor of n <= y (which decide
 * the special leaves), phi(n, 6) by the wheel of 30030, the pre-sieve
 * pattern of odd multiples of 3..13, and a pi(n) lookup table up to
 * max(sqrt(x), y) for the easy leaves and P2.
 *
 * They are built once per call and freed by pi_tables_free; nothing is
 * global, so calls may run concurrently.
 */
#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "pi_int.h"

/*
 * Marks the primes of the odd numbers in [low, low + 128 * nwords) (low a
 * multiple of 128): the pattern, then every prime of c->primes from 17 with
 * p * p below the end. Numbers below 17 come out as the pattern leaves them
 * (1 set, 3..13 cleared); the table's builder fixes them up.
 */
static void pi_sieve_segment(const struct pi_ctx *c, uint64_t *bits, uint64_t low, uint64_t nwords)
{
	const uint64_t end = low + 128 * nwords, nbits = 64 * nwords;
	uint64_t w0 = (low >> 7) % PI_PATTERN_WORDS;

	for (uint64_t w = 0; w < nwords; w++) {
		bits[w] = c->pattern[w0];
		if (++w0 == PI_PATTERN_WORDS)
			w0 = 0;
	}
	for (uint64_t b = PI_C + 1; b <= c->a; b++) {
		const uint64_t p = c->primes[b];
		uint64_t n;

		if (p * p >= end)
			break;
		n = (low + p - 1) / p * p;
		if (!(n & 1))
			n += p;
		if (n < p * p)
			n = p * p;
		/* Bit index of the odd number n; one step of p bits is 2p numbers. */
		for (uint64_t i = (n - low) >> 1; i < nbits; i += p)
			bits[i >> 6] &= ~(UINT64_C(1) << (i & 63));
	}
}

uint64_t pi_prev_prime(const struct pi_table *t, uint64_t n)
{
	uint64_t i = (n - 1) >> 1, w = i >> 6;
	uint64_t word = t->e[w].bits & (~UINT64_C(0) >> (63 - (i & 63)));

	while (!word)
		word = t->e[--w].bits;
	return 128 * w + 2 * (uint64_t)(63 - __builtin_clzll(word)) + 1;
}

/* Primes up to y into c->primes, mu * lpf into c->mu_lpf. */
static int small_tables(struct pi_ctx *c)
{
	const uint64_t y = c->y;
	uint8_t *composite = calloc(y + 1, 1);
	int8_t *mu = NULL;
	uint64_t n = 0;
	int err = -ENOMEM;

	c->mu_lpf = calloc(y + 1, sizeof(*c->mu_lpf));
	mu = malloc(y + 1);
	if (!composite || !c->mu_lpf || !mu)
		goto out;
	for (uint64_t i = 2; i * i <= y; i++)
		if (!composite[i])
			for (uint64_t j = i * i; j <= y; j += i)
				composite[j] = 1;
	for (uint64_t i = 2; i <= y; i++)
		n += !composite[i];
	c->primes = malloc((n + 1) * sizeof(*c->primes));
	c->inv = malloc((n + 1) * sizeof(*c->inv));
	if (!c->primes || !c->inv)
		goto out;
	c->a = n;
	c->primes[0] = 0;
	c->inv[0] = 0;
	n = 0;
	memset(mu, 1, y + 1);
	for (uint64_t p = 2; p <= y; p++) {
		if (composite[p])
			continue;
		c->primes[++n] = (uint32_t)p;
		c->inv[n] = UINT64_MAX / p;
		for (uint64_t j = p; j <= y; j += p) {
			if (!c->mu_lpf[j])
				c->mu_lpf[j] = (int32_t)p;
			mu[j] = (int8_t)-mu[j];
		}
		if (p <= y / p)
			for (uint64_t j = p * p; j <= y; j += p * p)
				mu[j] = 0;
	}
	c->mu_lpf[1] = INT32_MAX;
	for (uint64_t i = 1; i <= y; i++)
		c->mu_lpf[i] *= mu[i];
	err = 0;
out:
	free(composite);
	free(mu);
	return err;
}

static int wheel_tables(struct pi_ctx *c)
{
	static const unsigned small[] = { 3, 5, 7, 11, 13 };

	c->phi_c = malloc(PI_PRIMORIAL * sizeof(*c->phi_c));
	c->pattern = malloc(PI_PATTERN_WORDS * sizeof(*c->pattern));
	if (!c->phi_c || !c->pattern)
		return -ENOMEM;
	for (unsigned r = 0, k = 0; r < PI_PRIMORIAL; r++) {
		k += r % 2 && r % 3 && r % 5 && r % 7 && r % 11 && r % 13;
		c->phi_c[r] = (uint16_t)k;
	}
	memset(c->pattern, 0xff, PI_PATTERN_WORDS * sizeof(*c->pattern));
	for (unsigned k = 0; k < 5; k++) {
		const uint64_t q = small[k];

		for (uint64_t i = (q - 1) / 2; i < 64 * (uint64_t)PI_PATTERN_WORDS; i += q)
			c->pattern[i >> 6] &= ~(UINT64_C(1) << (i & 63));
	}
	return 0;
}

/* The pi table up to max(sqrtx, y), sieved in parallel segments. */
static int pi_table_build(struct pi_ctx *c)
{
	struct pi_table *t = &c->pt;
	const uint64_t nwords = (t->limit >> 7) + 1;
	const uint64_t nseg = (nwords + PI_SEG_WORDS - 1) / PI_SEG_WORDS;
	uint64_t sum = 0;
	int err = 0;

	t->e = malloc(nwords * sizeof(*t->e));
	if (!t->e)
		return -ENOMEM;
#pragma omp parallel num_threads(c->threads) default(none) shared(c, t, nwords, nseg, err)
	{
		uint64_t *bits = malloc(PI_SEG_WORDS * sizeof(*bits));

		if (!bits) {
#pragma omp atomic write
			err = -ENOMEM;
		}
#pragma omp for schedule(dynamic, 1)
		for (uint64_t s = 0; s < nseg; s++) {
			uint64_t w = s * PI_SEG_WORDS;
			uint64_t n = nwords - w < PI_SEG_WORDS ? nwords - w : PI_SEG_WORDS;

			if (!bits)
				continue;
			pi_sieve_segment(c, bits, 128 * w, n);
			for (uint64_t k = 0; k < n; k++)
				t->e[w + k].bits = bits[k];
		}
		free(bits);
	}
	if (err)
		return err;
	/* 1 stands for 2; 3..13 were cleared by the pattern. */
	t->e[0].bits |= 1 | 1 << 1 | 1 << 2 | 1 << 3 | 1 << 5 | 1 << 6;
	for (uint64_t w = 0; w < nwords; w++) {
		t->e[w].count = sum;
		sum += (uint64_t)__builtin_popcountll(t->e[w].bits);
	}
	return 0;
}

int pi_tables_init(struct pi_ctx *c)
{
	int err = small_tables(c);

	if (!err)
		err = wheel_tables(c);
	if (!err) {
		c->pt.limit = c->sqrtx > c->y ? c->sqrtx : c->y;
		err = pi_table_build(c);
	}
	return err;
}

void pi_tables_free(struct pi_ctx *c)
{
	free(c->primes);
	free(c->inv);
	free(c->mu_lpf);
	free(c->phi_c);
	free(c->pattern);
	free(c->pt.e);
}
