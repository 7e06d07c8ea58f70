/*
 * test_primes.c - cmocka tests of ompk_sieve_count against values known
 * independently of it: published pi(x), a plain interval sieve written
 * here (byte per number, trial by every prime up to sqrt), and a
 * deterministic Miller-Rabin near 2^64; then of ompk_pi (the combinatorial
 * count) against that sieve and published tables.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ompkit/primes.h"
#include "ref_sieve.h"
#include "test_rng.h"

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
	return (uint64_t)((unsigned __int128)a * b % m);
}

static uint64_t powmod(uint64_t a, uint64_t e, uint64_t m)
{
	uint64_t r = 1;

	for (a %= m; e; e >>= 1, a = mulmod(a, a, m))
		if (e & 1)
			r = mulmod(r, a, m);
	return r;
}

/* Deterministic for n < 2^64 with the first twelve primes as bases. */
static int is_prime_mr(uint64_t n)
{
	static const uint64_t bases[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
	uint64_t d = n - 1;
	int s = 0;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < 12; i++)
		if (n % bases[i] == 0)
			return n == bases[i];
	while (!(d & 1)) {
		d >>= 1;
		s++;
	}
	for (size_t i = 0; i < 12; i++) {
		uint64_t x = powmod(bases[i], d, n);
		if (x == 1 || x == n - 1)
			continue;
		int r;
		for (r = 1; r < s; r++) {
			x = mulmod(x, x, n);
			if (x == n - 1)
				break;
		}
		if (r == s)
			return 0;
	}
	return 1;
}

static uint64_t mr_count(uint64_t a, uint64_t b)
{
	uint64_t n = 0;

	for (uint64_t x = a; x < b; x++)
		n += (uint64_t)is_prime_mr(x);
	return n;
}

static uint64_t count(uint64_t from, uint64_t to, int threads)
{
	uint64_t c = UINT64_MAX;

	assert_int_equal(ompk_sieve_count(from, to, threads, NULL, &c), 0);
	return c;
}

static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);
static uint64_t rnd(void)
{
	return ompk_test_rng(&rng_state);
}

static void test_published(void **state)
{
	static const uint64_t pi[] = { 0,     4,      25,      168,	 1229,	   9592,
				       78498, 664579, 5761455, 50847534, 455052511 };
	uint64_t x = 1;

	(void)state;
	for (int k = 0; k <= 10; k++, x *= 10)
		assert_int_equal(count(0, x, 2), pi[k]);
	/* pi(2^32) = 203280221; below 2^64 the largest prime is 2^64 - 59 */
	assert_int_equal(count(0, UINT64_C(1) << 32, 2), 203280221);
	assert_int_equal(count(UINT64_MAX - 58, UINT64_MAX, 2), 1);
	assert_int_equal(count(UINT64_MAX - 57, UINT64_MAX, 2), 0);
}

static void test_errors(void **state)
{
	uint64_t c = 7;

	(void)state;
	assert_int_equal(ompk_sieve_count(5, 4, 1, NULL, &c), -EINVAL);
	assert_int_equal(ompk_sieve_count(0, 100, 0, NULL, &c), -EINVAL);
	assert_int_equal(ompk_sieve_count(0, 100, -3, NULL, &c), -EINVAL);
	assert_int_equal(ompk_sieve_count(0, 100, 1, NULL, NULL), -EINVAL);
	assert_int_equal(ompk_sieve_count(UINT64_MAX, UINT64_MAX, 1, NULL, &c), 0);
	assert_int_equal(c, 0);
}

/* Every [from, to) inside [0, 130]: the special small numbers and a wheel period and more. */
static void test_all_tiny_ranges(void **state)
{
	(void)state;
	for (uint64_t a = 0; a <= 130; a++)
		for (uint64_t b = a; b <= 130; b++)
			assert_int_equal(count(a, b, 1 + (int)((a + b) % 3)), ref_count(a, b));
}

static void test_random_ranges(void **state)
{
	(void)state;
	for (int i = 0; i < 3000; i++) {
		uint64_t a = rnd() % (UINT64_C(1) << 26);
		uint64_t len = rnd() % (UINT64_C(1) << (rnd() % 20));
		int threads = 1 + (int)(rnd() % 4);
		assert_int_equal(count(a, a + len, threads), ref_count(a, a + len));
	}
}

/* Ranges starting or ending next to multiples of 30 * 2^j, which covers the
 * byte, word, block and segment boundaries for any power-of-two sizes. */
static void test_boundaries(void **state)
{
	static const int64_t d[] = { -31, -30, -29, -1, 0, 1, 29, 30, 31 };

	(void)state;
	for (int j = 3; j <= 21; j++) {
		for (uint64_t k = 1; k <= 3; k++) {
			uint64_t m = 30 * (UINT64_C(1) << j) * k;
			for (size_t u = 0; u < sizeof(d) / sizeof(d[0]); u++) {
				uint64_t a = m + (uint64_t)d[u], b = a + 1000;
				uint64_t c = m > 5000 ? m - 5000 : 0;
				assert_int_equal(count(a, b, 2), ref_count(a, b));
				assert_int_equal(count(c, a, 3), ref_count(c, a));
			}
		}
	}
}

/* Large base primes (multi-block segments, several chunks per thread) against the
 * reference, for every thread count. */
static void test_large_and_threads(void **state)
{
	static const uint64_t at[][2] = {
		{ 10000000000ull, 10000000000ull + 40000000 },
		{ 999999000000ull, 999999000000ull + 30000000 },
		{ 100000000000000ull - 7000000, 100000000000000ull + 3000000 },
		{ (UINT64_C(1) << 48) - 1000000,
		  (UINT64_C(1) << 48) + 1000000 }, /* stored/streamed edge */
		{ (UINT64_C(1) << 50) - 1000000,
		  (UINT64_C(1) << 50) }, /* streamed, 2^25 base primes */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		uint64_t want = ref_count(at[i][0], at[i][1]);
		for (int t = 1; t <= 4; t++)
			assert_int_equal(count(at[i][0], at[i][1], t), want);
	}
	/* a big range: thread counts agree with each other and with pi() differences */
	uint64_t c1 = count(123456789, 3000000017ull, 1);
	assert_int_equal(count(123456789, 3000000017ull, 2), c1);
	assert_int_equal(count(123456789, 3000000017ull, 3), c1);
	assert_int_equal(count(0, 3000000017ull, 4), c1 + count(0, 123456789, 1));
}

/* Near 2^64: the streamed base primes up to 2^32, against Miller-Rabin. */
static void test_near_2_64(void **state)
{
	const uint64_t top = UINT64_MAX; /* 2^64 - 1, the largest allowed `to` */

	(void)state;
	assert_int_equal(count(top - 1000, top, 2), mr_count(top - 1000, top));
	assert_int_equal(count(top - 3000000, top - 2700000, 1),
			 mr_count(top - 3000000, top - 2700000));
	assert_int_equal(count((UINT64_C(1) << 63) - 5000, (UINT64_C(1) << 63) + 5000, 3),
			 mr_count((UINT64_C(1) << 63) - 5000, (UINT64_C(1) << 63) + 5000));
}

/*
 * The oracle's Miller-Rabin path (every `to` above 2^40 is counted by it,
 * the whole range): windows against the reference sieve, near 2^64
 * against the published primes 2^64 - k (k = 59, 83, 95, 179, 189, 257,
 * 279, 323, 353, 363: the ten largest below 2^64) and this file's own
 * Miller-Rabin; strong pseudoprimes to small bases are composite.
 */
static void test_oracle_miller_rabin(void **state)
{
	static const struct {
		uint64_t from, to;
	} windows[] = {
		{ (UINT64_C(1) << 40) - 3000, (UINT64_C(1) << 40) + 3000 },
		{ UINT64_C(1000000000000), UINT64_C(1000000010000) },
		{ UINT64_C(10000000000000), UINT64_C(10000000008000) },
		{ (UINT64_C(1) << 46) + 12345, (UINT64_C(1) << 46) + 20000 },
		{ UINT64_C(1000000000000000), UINT64_C(1000000000005000) },
	};
	static const uint64_t below_2_64[] = { 59, 83, 95, 179, 189, 257, 279, 323, 353, 363 };
	/* Strong pseudoprimes: to bases 2, 3, 5, 7 (3215031751); to 2..23 (the other). */
	static const uint64_t spsp[] = { UINT64_C(3215031751), UINT64_C(3825123056546413051) };
	const uint64_t top = UINT64_MAX; /* 2^64 - 1 */
	uint64_t c;

	(void)state;
	for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		uint64_t want = ref_count(windows[i].from, windows[i].to);

		assert_int_equal(ompk_oracle_prime_count(windows[i].from, windows[i].to, &c), 0);
		if (c != want)
			fail_msg("oracle: %llu primes in [%llu, %llu), the sieve says %llu",
				 (unsigned long long)c, (unsigned long long)windows[i].from,
				 (unsigned long long)windows[i].to, (unsigned long long)want);
	}
	for (size_t i = 0; i < sizeof(below_2_64) / sizeof(below_2_64[0]); i++) {
		assert_true(ompk_is_prime_mr(top - below_2_64[i] + 1));
		assert_int_equal(ompk_oracle_prime_count(top - below_2_64[i] + 1, top, &c), 0);
		assert_int_equal(c, i + 1);
	}
	assert_int_equal(ompk_oracle_prime_count(top - 20000, top, &c), 0);
	assert_int_equal(c, mr_count(top - 20000, top));
	for (size_t i = 0; i < sizeof(spsp) / sizeof(spsp[0]); i++)
		assert_false(ompk_is_prime_mr(spsp[i]));
}

struct prog_seen {
	uint64_t calls, last_done, total;
	int bad;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct prog_seen *s = ctx;

	if (done > total || (s->calls && total != s->total))
		s->bad = 1;
	s->calls++;
	s->last_done = done;
	s->total = total;
}

static void test_progress(void **state)
{
	struct prog_seen seen = { 0, 0, 0, 0 };
	struct ompk_progress prog = { on_progress, &seen };
	uint64_t c = 0;

	(void)state;
	assert_int_equal(ompk_sieve_count(0, 2000000000, 2, &prog, &c), 0);
	assert_int_equal(c, 98222287); /* pi(2e9), published */
	assert_true(seen.calls >= 1);
	assert_false(seen.bad);
	assert_true(seen.total > 0);
	assert_int_equal(seen.last_done, seen.total);
}

/*
 * ompk_pi, the combinatorial count, against the sieve above and published
 * tables. Under sanitizers (about 10x slower) the sizes shrink.
 */
#if defined(__SANITIZE_ADDRESS__)
#define PI_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PI_SANITIZED 1
#endif
#endif
#ifdef PI_SANITIZED
#define PI_RANDOM_MAX 1e8
#define PI_RANDOM_N 300
#else
#define PI_RANDOM_MAX 1e10
#define PI_RANDOM_N 2000
#endif

static uint64_t pi_of(uint64_t x, int threads)
{
	uint64_t c = UINT64_MAX;

	assert_int_equal(ompk_pi(x, threads, &c), 0);
	return c;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* pi(x[i]) for every i against one sweep of the sieve over [0, max x]; threads cycle 1..4. */
static void pi_check_many(uint64_t *x, size_t n)
{
	uint64_t below = 0, done = 0; /* below: primes < done */

	qsort(x, n, sizeof(*x), cmp_u64);
	for (size_t i = 0; i < n; i++) {
		below += count(done, x[i] + 1, 2);
		done = x[i] + 1;
		if (pi_of(x[i], 1 + (int)(i % 4)) != below)
			fail_msg("pi(%llu): ompk_pi %llu, sieve %llu", (unsigned long long)x[i],
				 (unsigned long long)pi_of(x[i], 1), (unsigned long long)below);
	}
}

/* Thousands of x, log-uniform below PI_RANDOM_MAX (every phase's sizes get hit). */
static void test_pi_random(void **state)
{
	uint64_t *x = malloc(PI_RANDOM_N * sizeof(*x));

	(void)state;
	assert_non_null(x);
	for (size_t i = 0; i < PI_RANDOM_N; i++)
		x[i] = (uint64_t)exp((double)(rnd() >> 11) / 9007199254740992.0 *
				     log(PI_RANDOM_MAX));
	pi_check_many(x, PI_RANDOM_N);
	free(x);
}

static void test_pi_published(void **state)
{
	static const uint64_t pi10[] = { 0,	    4,		25,	     168,	  1229,
					 9592,	    78498,	664579,	     5761455,	  50847534,
					 455052511, 4118054813, 37607912018, 346065536839 };
	static const struct {
		int k;
		uint64_t pi;
	} pi2[] = { { 16, 6542 },      { 20, 82025 },	   { 24, 1077871 },    { 30, 54400028 },
		    { 32, 203280221 }, { 36, 2874398515 }, { 40, 41203088796 } };
	uint64_t x = 1;
#ifdef PI_SANITIZED
	const int kmax = 11, k2max = 36;
#else
	const int kmax = 13, k2max = 40;
#endif

	(void)state;
	for (int k = 0; k <= kmax; k++, x *= 10)
		assert_int_equal(pi_of(x, 2), pi10[k]);
	for (size_t i = 0; i < sizeof(pi2) / sizeof(pi2[0]) && pi2[i].k <= k2max; i++)
		assert_int_equal(pi_of(UINT64_C(1) << pi2[i].k, 1 + (int)(i % 4)), pi2[i].pi);
	/* The table the oracle uses says the same. */
	assert_int_equal(ompk_oracle_published(0, UINT64_C(1000000000000), &x), 0);
	assert_int_equal(x, 37607912018);
	assert_int_equal(ompk_oracle_published(2, UINT64_C(1) << 40, &x), 0);
	assert_int_equal(x, 41203088796);
	assert_int_equal(ompk_oracle_published(3, UINT64_C(1) << 40, &x), -ENOTSUP);
	/* Thread counts agree on a phase-heavy x. */
	for (int t = 1; t <= 4; t++)
		assert_int_equal(pi_of(UINT64_C(1000000000000), t), 37607912018);
}

static void test_pi_errors(void **state)
{
	uint64_t c = 7;

	(void)state;
	assert_int_equal(ompk_pi(100, 0, &c), -EINVAL);
	assert_int_equal(ompk_pi(100, -1, &c), -EINVAL);
	assert_int_equal(ompk_pi(100, 1, NULL), -EINVAL);
	assert_int_equal(ompk_pi(OMPK_PI_MAX + 1, 1, &c), -ERANGE);
	assert_int_equal(ompk_pi(UINT64_MAX, 1, &c), -ERANGE);
	assert_int_equal(c, 7);
	for (uint64_t x = 0; x < 200; x++)
		assert_int_equal(pi_of(x, 1), ref_count(0, x + 1));
}

/*
 * x = p - 1, p, p + 1 for primes p of every size; squares and cubes of
 * primes and x = p^3 q (a leaf with x/(p q) = p^2 exactly: the easy/hard
 * border) and their neighbours; x next to the small-x cut (1e5), the alpha
 * switch (1e10) and the segment size of the leaf sieve (x / y near
 * multiples of 2^19).
 */
static void test_pi_boundaries(void **state)
{
	uint64_t x[4000];
	size_t n = 0;

	(void)state;
	for (int e = 3; e <= 9; e++) {
		uint64_t p = (uint64_t)pow(10, e) + rnd() % 1000;

		while (!is_prime_mr(p))
			p++;
		for (int d = -1; d <= 1; d++)
			x[n++] = p + (uint64_t)(int64_t)d;
	}
	for (size_t i = 0; i < ref_nprimes && ref_primes[i] < 2200; i += 7) {
		uint64_t p = ref_primes[i];

		for (int d = -1; d <= 1; d++) {
			x[n++] = p * p + (uint64_t)(int64_t)d;
			x[n++] = p * p * p + (uint64_t)(int64_t)d;
		}
	}
	for (size_t i = 6; i < 40; i += 3)
		for (size_t j = i + 1; j < 400; j += 37) {
			uint64_t p = ref_primes[i], q = ref_primes[j];

			if (p * p * p * q < UINT64_C(10000000000))
				for (int d = -1; d <= 1; d++)
					x[n++] = p * p * p * q + (uint64_t)(int64_t)d;
		}
	for (int d = -3; d <= 3; d++) {
		x[n++] = 100000 + (uint64_t)(int64_t)d;
		x[n++] = UINT64_C(10000000000) + (uint64_t)(int64_t)d;
	}
	/*
	 * x / y = k 2^19 + {-1, 0, 1}: below 1e10, y = cbrt(x) + 1 = r + 1, so
	 * x = T (r + 1) with r^3 <= x < (r + 1)^3 for r near (k 2^19)^(1/2).
	 */
	for (uint64_t k = 1; k <= 8; k++) {
		uint64_t r = (uint64_t)sqrt((double)(k << 19));

		for (uint64_t t = (k << 19) - 1; t <= (k << 19) + 1; t++)
			for (uint64_t rr = r - 2; rr <= r + 2; rr++) {
				uint64_t v = t * (rr + 1);

				if (rr * rr * rr <= v && v < (rr + 1) * (rr + 1) * (rr + 1) &&
				    v < UINT64_C(10000000000))
					x[n++] = v;
			}
	}
	assert_true(n <= sizeof(x) / sizeof(x[0]));
	pi_check_many(x, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_all_tiny_ranges),
		cmocka_unit_test(test_random_ranges),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_large_and_threads),
		cmocka_unit_test(test_near_2_64),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_oracle_miller_rabin),
		cmocka_unit_test(test_pi_errors),
		cmocka_unit_test(test_pi_published),
		cmocka_unit_test(test_pi_boundaries),
		cmocka_unit_test(test_pi_random),
	};

	return cmocka_run_group_tests(tests, ref_sieve_setup, ref_sieve_teardown);
}
