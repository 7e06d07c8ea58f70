/*
 * test_sieve.c - the segmented sieve's machinery (kernels/primes/sieve_int.h)
 * against independent counts: the segment size read from a fake sysfs cache
 * directory, the sieving primes (base.c) against the reference primes, and
 * the medium (medium.c) and large (bucket.c) primes on many windows, with
 * segments forced small (64 KiB .. 1 MiB) so that short windows cross
 * segment, chunk and bucket boundaries, and every thread count 1-4.
 *
 * Oracles: a plain interval sieve written here (a byte per number, base
 * primes up to 2^25, so windows below 2^50, which covers the stored base
 * primes and, above 2^44, the enumerated ones), the library's deterministic
 * Miller-Rabin near 2^64, and the combinatorial pi(x) for wide windows.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../kernels/primes/sieve_int.h"
#include "ompkit/primes.h"
#include "ref_sieve.h"
#include "test_rng.h"

/* Under sanitizers (several times slower) the sizes shrink. */
#if defined(__SANITIZE_ADDRESS__)
#define SIEVE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIEVE_SANITIZED 1
#endif
#endif
#ifdef SIEVE_SANITIZED
#define RANDOM_N 150
#define RANDOM_MAX_LEN (UINT64_C(1) << 22)
#else
#define RANDOM_N 600
#define RANDOM_MAX_LEN (UINT64_C(1) << 24)
#endif

#define KIB UINT64_C(1024)

/* ---- the segment size from a fake sysfs cache directory ---- */

static void put(const char *dir, const char *name, const char *text)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* dir/indexN with the given files (NULL: file absent). */
static void cache_entry(const char *dir, int n, const char *level, const char *type,
			const char *size)
{
	char sub[512];

	snprintf(sub, sizeof(sub), "%s/index%d", dir, n);
	assert_int_equal(mkdir(sub, 0700), 0);
	if (level)
		put(sub, "level", level);
	if (type)
		put(sub, "type", type);
	if (size)
		put(sub, "size", size);
}

static void remove_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_cache_read(void **state)
{
	char dir[] = "/tmp/ompk-sieve-cache-XXXXXX";
	struct sieve_cache c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* what this kind of machine reports (Sapphire Rapids: 48K L1d, 2 MiB L2) */
	cache_entry(dir, 0, "1\n", "Data\n", "48K\n");
	cache_entry(dir, 1, "1\n", "Instruction\n", "64K\n");
	cache_entry(dir, 2, "2\n", "Unified\n", "2048K\n");
	cache_entry(dir, 3, "3\n", "Unified\n", "491520K\n");
	assert_int_equal(sieve_cache_read(dir, &c), 0);
	assert_int_equal(c.l1d, 48 * KIB);
	assert_int_equal(c.l2, 2048 * KIB);
	assert_int_equal(sieve_segment_bytes(&c, 64 * KIB, 4096 * KIB), 1024 * KIB);
	assert_int_equal(sieve_block_bytes(&c), 32 * KIB);
	remove_tree(dir);

	/* a malformed L2 size and an entry without a type are skipped: L2 unknown */
	assert_non_null(mkdtemp(strcpy(dir, "/tmp/ompk-sieve-cache-XXXXXX")));
	cache_entry(dir, 0, "1", "Data", "32K");
	cache_entry(dir, 1, "2", "Unified", "12Q");
	cache_entry(dir, 2, "2", NULL, "4096K");
	cache_entry(dir, 3, "2", "Unified", "");
	assert_int_equal(sieve_cache_read(dir, &c), 0);
	assert_int_equal(c.l1d, 32 * KIB);
	assert_int_equal(c.l2, 0);
	assert_int_equal(sieve_segment_bytes(&c, 64 * KIB, 4096 * KIB), SIEVE_SEG_FALLBACK);
	assert_int_equal(sieve_block_bytes(&c), 32 * KIB);
	remove_tree(dir);

	/* sizes in M, a data-only L2 */
	assert_non_null(mkdtemp(strcpy(dir, "/tmp/ompk-sieve-cache-XXXXXX")));
	cache_entry(dir, 0, "2", "Data", "1M");
	assert_int_equal(sieve_cache_read(dir, &c), 0);
	assert_int_equal(c.l1d, 0);
	assert_int_equal(c.l2, 1024 * KIB);
	assert_int_equal(sieve_block_bytes(&c), SIEVE_BLOCK_FALLBACK);
	remove_tree(dir);

	/* an empty directory, a missing one */
	assert_non_null(mkdtemp(strcpy(dir, "/tmp/ompk-sieve-cache-XXXXXX")));
	assert_int_equal(sieve_cache_read(dir, &c), -ENOENT);
	remove_tree(dir);
	assert_int_equal(sieve_cache_read(dir, &c), -ENOENT);
	assert_int_equal(c.l1d, 0);
	assert_int_equal(c.l2, 0);
	assert_int_equal(sieve_segment_bytes(&c, 64 * KIB, 4096 * KIB), SIEVE_SEG_FALLBACK);
}

static void test_segment_bytes(void **state)
{
	static const struct {
		uint64_t l2, seg;
	} t[] = {
		{ 0, SIEVE_SEG_FALLBACK },  { 32 * KIB, 64 * KIB },	 { 64 * KIB, 64 * KIB },
		{ 256 * KIB, 128 * KIB },   { 1024 * KIB, 512 * KIB },	 { 1280 * KIB, 512 * KIB },
		{ 2048 * KIB, 1024 * KIB }, { 65536 * KIB, 4096 * KIB },
	};
	static const struct {
		uint64_t l1d, block;
	} u[] = {
		{ 0, SIEVE_BLOCK_FALLBACK }, { 8 * KIB, 16 * KIB },  { 32 * KIB, 32 * KIB },
		{ 48 * KIB, 32 * KIB },	     { 64 * KIB, 64 * KIB }, { 1024 * KIB, 64 * KIB },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sieve_cache c = { 48 * KIB, t[i].l2 };
		assert_int_equal(sieve_segment_bytes(&c, 64 * KIB, 4096 * KIB), t[i].seg);
	}
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		struct sieve_cache c = { u[i].l1d, 2048 * KIB };
		assert_int_equal(sieve_block_bytes(&c), u[i].block);
	}
}

/* ---- the sieve against independent counts ---- */

static uint64_t mr_count(uint64_t a, uint64_t b)
{
	uint64_t n = 0;

	for (uint64_t x = a; x < b; x++)
		n += ompk_is_prime_mr(x);
	return n;
}

/* L1 blocks of 16, 32 or 64 KiB, picked by the other parameters (at most segmax). */
static uint64_t block_for(int threads, uint64_t segmax)
{
	const uint64_t b = (UINT64_C(16) << ((segmax / KIB + (uint64_t)threads) % 3)) * KIB;

	return b < segmax ? b : segmax;
}

static uint64_t sieve_of(uint64_t a, uint64_t b, int threads, uint64_t segmax)
{
	uint64_t c = UINT64_MAX;

	assert_int_equal(sieve_count(a, b, threads, NULL, block_for(threads, segmax), segmax, &c),
			 0);
	return c;
}

static void check(uint64_t a, uint64_t b, int threads, uint64_t segmax, uint64_t want)
{
	uint64_t got = sieve_of(a, b, threads, segmax);

	if (got != want)
		fail_msg("[%llu, %llu) threads %d block %llu KiB segment %llu KiB: sieve %llu, "
			 "oracle %llu",
			 (unsigned long long)a, (unsigned long long)b, threads,
			 (unsigned long long)(block_for(threads, segmax) / KIB),
			 (unsigned long long)(segmax / KIB), (unsigned long long)got,
			 (unsigned long long)want);
}

static uint64_t rng_state = UINT64_C(0x2545f4914f6cdd1d);
static uint64_t rnd(void)
{
	return ompk_test_rng(&rng_state);
}

/* Log-uniform in [1, 2^bits). */
static uint64_t rnd_log(unsigned bits)
{
	const double u = (double)(rnd() >> 11) / 9007199254740992.0;

	return (uint64_t)exp(u * log(ldexp(1, (int)bits) - 1));
}

static const uint64_t segs[] = { 64 * KIB, 128 * KIB, 256 * KIB, 1024 * KIB };

/*
 * Random windows below 2^50: starts log-uniform (every size of base prime), lengths
 * log-uniform up to RANDOM_MAX_LEN (up to 8 segments of 64 KiB, 30 numbers a byte).
 */
static void test_random_windows(void **state)
{
	(void)state;
	for (int i = 0; i < RANDOM_N; i++) {
		const uint64_t len = rnd_log(24) % RANDOM_MAX_LEN;
		const uint64_t a = rnd_log(50) % ((UINT64_C(1) << 50) - len);
		const int threads = 1 + (int)(rnd() % 4);
		const uint64_t seg = segs[rnd() % 4];
		check(a, a + len, threads, seg, ref_count(a, a + len));
	}
}

/*
 * Windows of three 64 KiB segments and more whose large primes fill dozens of buckets
 * per segment (2^40: the primes from 2^17 to 2^20 hit a 64 KiB segment about 85000
 * times), with the ends on multiples of 30 * 2^16 and a number either side, every
 * thread count (chunks of one to three segments).
 */
static void test_segment_edges(void **state)
{
	static const uint64_t at[] = { UINT64_C(1) << 36, UINT64_C(1) << 40, UINT64_C(1) << 44,
				       (UINT64_C(1) << 48) + (UINT64_C(30) << 21),
				       (UINT64_C(1) << 50) - (UINT64_C(30) << 22) };
	static const int64_t d[] = { -1, 0, 1 };

	(void)state;
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		const uint64_t m = at[i] / (30 * 64 * KIB) * (30 * 64 * KIB);
		for (size_t u = 0; u < 3; u++) {
			const uint64_t a = m - 30 * 64 * KIB + (uint64_t)d[u];
			const uint64_t b = m + 30 * 128 * KIB + (uint64_t)d[2 - u];
			const uint64_t want = ref_count(a, b);
			for (int t = 1; t <= 4; t++)
				check(a, b, t, segs[(i + u + (size_t)t) % 4], want);
		}
	}
}

/* Primes exactly at the window's ends: [p, q), [p, q+1), [p+1, q), [p+1, q+1). */
static void test_prime_ends(void **state)
{
	(void)state;
	for (int i = 0; i < 40; i++) {
		uint64_t p = rnd_log(50) % ((UINT64_C(1) << 50) - 10000000), q;
		while (!ompk_is_prime_mr(p))
			p++;
		q = p + 1 + rnd() % 6000000;
		while (!ompk_is_prime_mr(q))
			q++;
		for (int e = 0; e < 4; e++) {
			const uint64_t a = p + (e & 1), b = q + (e >> 1);
			check(a, b, 1 + (i + e) % 4, segs[(size_t)(i + e) % 4], ref_count(a, b));
		}
	}
}

/*
 * Windows touching 2^64 - 1 (the largest `to`), against Miller-Rabin: base primes up to
 * 2^32 enumerated per chunk, offsets and multiples at the top of the 64-bit range. The
 * largest prime below 2^64 is 2^64 - 59 (top - 58), the one before it 2^64 - 83.
 */
static void test_near_2_64(void **state)
{
	const uint64_t top = UINT64_MAX;
#ifdef SIEVE_SANITIZED
	const uint64_t len = 600000;
#else
	const uint64_t len = 4200000; /* 140000 bytes: three segments of 64 KiB */
#endif

	(void)state;
	const uint64_t want = mr_count(top - len, top);
	check(top - len, top, 1, 64 * KIB, want);
	check(top - len, top, 2, 64 * KIB, want);
	check(top - 58, top, 1, 64 * KIB, 1);
	check(top - 57, top, 1, 64 * KIB, 0);
	check(top - 82, top - 57, 3, 64 * KIB, 2);
	check(top - 81, top - 58, 4, 128 * KIB, 0);
}

/* Windows near 2^56 (base primes to 2^28, enumerated per chunk) against Miller-Rabin. */
static void test_near_2_56(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++) {
		const uint64_t len = 100000 + rnd() % 3000000;
		const uint64_t a = (UINT64_C(1) << 56) - 2000000 + rnd() % 4000000;
		check(a, a + len, 1 + i, segs[i], mr_count(a, a + len));
	}
}

/*
 * Wide windows with the machine's own segment size, against the combinatorial count
 * pi(b - 1) - pi(a - 1), every thread count.
 */
static void test_wide_vs_pi(void **state)
{
	static const uint64_t at[][2] = {
#ifdef SIEVE_SANITIZED
		{ UINT64_C(10000000000000), UINT64_C(10000000000000) + 30000000 },
#else
		{ UINT64_C(10000000000000) - 12345, UINT64_C(10000000000000) + 300000000 },
		{ UINT64_C(100000000000000), UINT64_C(100000000000000) + 400000001 },
#endif
	};

	(void)state;
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		uint64_t hi, lo, c;
		assert_int_equal(ompk_pi(at[i][1] - 1, 2, &hi), 0);
		assert_int_equal(ompk_pi(at[i][0] - 1, 2, &lo), 0);
		for (int t = 1; t <= 4; t++) {
			assert_int_equal(ompk_sieve_count(at[i][0], at[i][1], t, NULL, &c), 0);
			assert_int_equal(c, hi - lo);
		}
	}
}

/* ---- the sieving primes (base.c) ---- */

/* Index of the first reference prime >= x. */
static size_t ref_lower(uint64_t x)
{
	size_t lo = 0, hi = ref_nprimes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ref_primes[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* sieve_base_primes(first, lim) is exactly the reference primes in [first, lim]. */
static void check_base(uint32_t first, uint32_t lim, int threads)
{
	const size_t a = ref_lower(first), b = ref_lower((uint64_t)lim + 1);
	uint32_t *p = NULL;
	uint64_t n = UINT64_MAX;

	assert_int_equal(sieve_base_primes(first, lim, threads, &p, &n), 0);
	assert_int_equal(n, b > a ? b - a : 0);
	if (n)
		assert_memory_equal(p, ref_primes + a, n * sizeof(*p));
	free(p);
}

/*
 * Limits at every edge the sieve has: below first, at small primes, at squares of
 * its root primes and either side (where a root prime starts crossing), at window
 * (32768 odd numbers) and part boundaries, at SIEVE_BASE_MAX, and random ones; first
 * a prime, an odd composite, 3 (a root prime itself) and above the root primes; 1 to 4
 * threads (parts of whole windows, joined in order).
 */
static void test_base_primes(void **state)
{
	static const uint32_t firsts[] = { 3, 163, 165, 4099 };
	static const uint32_t lims[] = { 0,
					 2,
					 3,
					 162,
					 163,
					 164,
					 167,
					 1000,
					 65535,
					 65537,
					 131072,
					 262145,
					 4157521,
					 4157520,
					 4157522,
					 1048583,
					 3999999,
					 SIEVE_BASE_MAX - 1,
					 SIEVE_BASE_MAX };
	uint32_t *p = NULL;
	uint64_t n;

	(void)state;
	for (size_t f = 0; f < sizeof(firsts) / sizeof(firsts[0]); f++)
		for (size_t l = 0; l < sizeof(lims) / sizeof(lims[0]); l++)
			check_base(firsts[f], lims[l], 1 + (int)((f + l) % 4));
	for (int i = 0; i < 12; i++) {
		const uint32_t lim = (uint32_t)(rnd() % SIEVE_BASE_MAX);
		check_base(2 * (uint32_t)(rnd() % 5000) + 3, lim, 1 + i % 4);
	}
	/* first even, first 1, lim past the stored range */
	assert_int_equal(sieve_base_primes(164, 1000, 1, &p, &n), -EINVAL);
	assert_int_equal(sieve_base_primes(1, 1000, 1, &p, &n), -EINVAL);
	assert_int_equal(sieve_base_primes(163, SIEVE_BASE_MAX + 1, 1, &p, &n), -EINVAL);
	assert_null(p);
}

static void test_bad_segment(void **state)
{
	uint64_t c;

	(void)state;
	assert_int_equal(sieve_count(0, 100, 1, NULL, 32 * KIB, 16 * KIB, &c), -EINVAL);
	assert_int_equal(sieve_count(0, 100, 1, NULL, 32 * KIB, 96 * KIB, &c), -EINVAL);
	assert_int_equal(sieve_count(0, 100, 1, NULL, 8 * KIB, 64 * KIB, &c), -EINVAL);
	assert_int_equal(sieve_count(0, 100, 1, NULL, 128 * KIB, 128 * KIB, &c), -EINVAL);
	assert_int_equal(sieve_count(0, 100, 1, NULL, 48 * KIB, 64 * KIB, &c), -EINVAL);
	assert_int_equal(sieve_count(0, 100, 1, NULL, 32 * KIB, 2 * SIEVE_SEG_MAX, &c), -EINVAL);
	assert_int_equal(sieve_count(0, 100, 1, NULL, 16 * KIB, 64 * KIB, &c), 0);
	assert_int_equal(c, 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_read),     cmocka_unit_test(test_segment_bytes),
		cmocka_unit_test(test_bad_segment),    cmocka_unit_test(test_base_primes),
		cmocka_unit_test(test_random_windows), cmocka_unit_test(test_segment_edges),
		cmocka_unit_test(test_prime_ends),     cmocka_unit_test(test_near_2_56),
		cmocka_unit_test(test_near_2_64),      cmocka_unit_test(test_wide_vs_pi),
	};

	return cmocka_run_group_tests(tests, ref_sieve_setup, ref_sieve_teardown);
}
