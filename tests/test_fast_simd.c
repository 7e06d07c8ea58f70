/*
 * test_fast_simd.c - the fast checksum and sum-of-squares kernels against
 * plain loops, published reference values and closed forms.
 *
 * Every SIMD kernel the CPU runs (scalar, AVX2, AVX-512) is checked, not
 * only the one picked automatically, with 1..4 threads. Inputs come from a
 * fixed-seed generator so a failure reproduces. Lengths cover the lane and
 * group widths (8, 16, 32, 128 bytes), the 256-byte block rounding and the
 * 64 KiB-per-thread minimum at which the thread split begins, and buffers
 * start at random (unaligned) offsets. The superblock kernels (VNNI: 2048
 * bytes in rows of 64; AVX2: 1024 in rows of 16; folded in pairs, the last
 * one short) get every length up to three VNNI superblocks, on random bytes
 * and on all-0xFF bytes, whose digit sums are the largest a superblock can
 * produce.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_rng.h"

#include "ompkit/checksum.h"
#include "ompkit/sumsq.h"
#include "plain_loops.h"

#define POOL_BYTES ((size_t)3 << 20)
#define FOLD_BLOCK ((size_t)64 * 1024)	/* kernels/checksum/fast.c's MIN_BLOCK */
#define SUMSQ_BLOCK ((size_t)16 * 1024) /* kernels/sumsq/fast.c's MIN_BLOCK */
#define VNNI_SB ((size_t)2048)		/* kernels/checksum/fast.c's SB_BYTES */

/* AUTO is covered by the plain entry points (ompk_fold_fast, ...). */
static const int kernels[] = { OMPK_SIMD_SCALAR, OMPK_SIMD_AVX2, OMPK_SIMD_AVX512,
			       OMPK_SIMD_AVX512VNNI };
#define NKERNELS (sizeof kernels / sizeof kernels[0])

/* uniform enough in [0, n] for test inputs */
static uint64_t rng_upto(uint64_t *s, uint64_t n)
{
	return n == UINT64_MAX ? ompk_test_rng(s) : ompk_test_rng(s) % (n + 1);
}

/*
 * sum_{x=1..n} x^2 = n(n+1)(2n+1)/6 mod 2^64, exactly: the division must
 * happen on the true integers, so 2 is divided out of whichever of n, n+1
 * is even and 3 out of whichever of n, n+1, 2n+1 is a multiple of 3 (one
 * always is: n == 0, 2 or 1 mod 3 respectively), and only then are the
 * factors reduced mod 2^64 and multiplied. 128-bit factors hold n+1 = 2^64.
 */
static uint64_t closed_form(uint64_t n)
{
	unsigned __int128 f[3] = { n, (unsigned __int128)n + 1, 2 * (unsigned __int128)n + 1 };

	f[f[0] % 2 == 0 ? 0 : 1] /= 2;
	for (int i = 0; i < 3; i++) {
		if (f[i] % 3 == 0) {
			f[i] /= 3;
			break;
		}
	}
	return (uint64_t)f[0] * (uint64_t)f[1] * (uint64_t)f[2];
}

/* sum of x^2 over [from, to): S(to) - S(from) with S(m) = closed_form(m-1). */
static uint64_t range_expected(uint64_t from, uint64_t to)
{
	if (to <= from)
		return 0;
	return closed_form(to - 1) - (from ? closed_form(from - 1) : 0);
}

struct fixture {
	uint8_t *pool;
	uint64_t rng;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	f->pool = malloc(POOL_BYTES);
	if (!f->pool) {
		free(f);
		return -1;
	}
	f->rng = UINT64_C(0x6f6d706b6974); /* "ompkit" */
	for (size_t i = 0; i < POOL_BYTES; i += 8) {
		uint64_t r = ompk_test_rng(&f->rng);

		memcpy(f->pool + i, &r, 8);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->pool);
	free(f);
	return 0;
}

/* Fold p[0..n) with every kernel this CPU runs and 1..4 threads. */
static void check_fold_all(const uint8_t *p, size_t n)
{
	uint64_t want = plain_fold(0, p, n);
	int ran = 0;

	for (int t = 1; t <= 4; t++) {
		assert_int_equal(ompk_fold_fast(p, n, t), want);
		for (size_t k = 0; k < NKERNELS; k++) {
			uint64_t got = 0;
			int err = ompk_fold_fast_simd(p, n, t, kernels[k], &got);

			if (err == -ENOTSUP)
				continue;
			assert_int_equal(err, 0);
			assert_int_equal(got, want);
			ran++;
		}
	}
	assert_true(ran >= 4); /* SCALAR always runs */
}

static void test_fold_reference(void **state)
{
	/* 1,000,000 bytes all equal to i, from the definition of the kernel */
	static const uint64_t ref[4] = {
		UINT64_C(0),
		UINT64_C(15279771427360356480),
		UINT64_C(12112798781011161344),
		UINT64_C(8945826134661966208),
	};
	const size_t n = 1000000;
	uint8_t *buf = malloc(n);

	(void)state;
	assert_non_null(buf);
	for (int i = 0; i < 4; i++) {
		memset(buf, i, n);
		assert_int_equal(plain_fold(0, buf, n), ref[i]); /* the oracle itself */
		for (int t = 1; t <= 4; t++) {
			for (size_t k = 0; k < NKERNELS; k++) {
				uint64_t got = 0;

				if (ompk_fold_fast_simd(buf, n, t, kernels[k], &got) == -ENOTSUP)
					continue;
				assert_int_equal(got, ref[i]);
			}
		}
	}
	free(buf);
}

static void test_fold_edge_lengths(void **state)
{
	struct fixture *f = *state;
	/* lane widths 8/16/32/128 bytes, the AVX2 kernel's 4-byte groups
	   (128-byte rounds), and the 256-byte block rounding */
	static const size_t small[] = { 0,   1,	  2,   3,   4,	 5,   6,   7,	8,   9,	  15,
					16,  17,  31,  32,  33,	 63,  64,  65,	124, 125, 126,
					127, 128, 129, 130, 131, 132, 252, 253, 254, 255, 256,
					257, 258, 259, 260, 383, 384, 385, 511, 512, 513 };
	/* where 2, 3 and 4 threads start being used, and a block edge past that */
	static const size_t big[] = { 2 * FOLD_BLOCK - 1,   2 * FOLD_BLOCK,
				      2 * FOLD_BLOCK + 1,   3 * FOLD_BLOCK + 255,
				      4 * FOLD_BLOCK - 1,   4 * FOLD_BLOCK,
				      4 * FOLD_BLOCK + 129, 4 * FOLD_BLOCK + 1023 };

	for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
		for (size_t off = 0; off < 8; off++)
			check_fold_all(f->pool + off, small[i]);
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
		check_fold_all(f->pool + rng_upto(&f->rng, 63), big[i]);
}

/*
 * One non-zero byte (1, 128 or 255) at each position of the first three
 * 128-byte rounds, all else zero: every byte lands in the right lane and
 * the right place of its group (b0..b3 carry different weights).
 */
static void test_fold_one_byte(void **state)
{
	struct fixture *f = *state;
	enum { LEN = 3 * 128 + 5 };
	uint8_t buf[LEN];
	static const uint8_t vals[] = { 1, 128, 255 };

	(void)f;
	for (size_t v = 0; v < sizeof vals; v++) {
		for (size_t pos = 0; pos < LEN; pos++) {
			memset(buf, 0, sizeof buf);
			buf[pos] = vals[v];
			check_fold_all(buf, LEN);
			check_fold_all(buf, LEN - 5);
		}
	}
}

static void test_fold_random(void **state)
{
	struct fixture *f = *state;

	/* thousands of buffers of length 0..100000 at random offsets */
	for (int i = 0; i < 2000; i++) {
		size_t n = rng_upto(&f->rng, 100000);

		check_fold_all(f->pool + rng_upto(&f->rng, POOL_BYTES - n), n);
	}
	/* long enough for every thread count to split the work */
	for (int i = 0; i < 24; i++) {
		size_t n = 4 * FOLD_BLOCK + rng_upto(&f->rng, 2 * FOLD_BLOCK * 4);

		check_fold_all(f->pool + rng_upto(&f->rng, POOL_BYTES - n), n);
	}
}

/* p[0..n) by the superblock kernels (VNNI, AVX2) and by AUTO, 1 thread, against want. */
static void check_fold_superblock(const uint8_t *p, size_t n, uint64_t want)
{
	static const int sb_kernels[] = { OMPK_SIMD_AVX512VNNI, OMPK_SIMD_AVX2 };

	for (size_t k = 0; k < sizeof sb_kernels / sizeof sb_kernels[0]; k++) {
		uint64_t got = 0;
		int err = ompk_fold_fast_simd(p, n, 1, sb_kernels[k], &got);

		if (err == -ENOTSUP)
			continue;
		assert_int_equal(err, 0);
		assert_int_equal(got, want);
	}
	assert_int_equal(ompk_fold_fast(p, n, 1), want);
}

/*
 * Every length 0..3L+1 (L = VNNI_SB, six AVX2 superblocks): whole
 * superblocks alone, in pairs and with an odd one left, short ones of
 * every row count and row remainder, at starts that walk through every
 * alignment mod 64. All-0xFF bytes are
 * checked against the oracle's geometric series, random ones against the
 * plain loop. Then every kernel and thread count around the edges.
 */
static void test_fold_superblocks(void **state)
{
	struct fixture *f = *state;
	const size_t most = 3 * VNNI_SB + 1, len = 8 * VNNI_SB + 65 + 64; /* the edges' longest */
	uint8_t *ones = malloc(len);
	static const size_t edges[] = { 1, 2, 3, 4, 5, 8 };
	static const long near[] = { -65, -64, -63, -2, -1, 0, 1, 63, 64, 65 };

	assert_non_null(ones);
	memset(ones, 0xFF, len);
	for (size_t n = 0; n <= most; n++) {
		const uint8_t *p = f->pool + (n * 7) % 64;

		check_fold_superblock(ones + n % 64, n, ompk_oracle_fold_uniform(0xFF, n));
		check_fold_superblock(p, n, plain_fold(0, p, n));
	}
	for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
		for (size_t k = 0; k < sizeof near / sizeof near[0]; k++) {
			size_t n = (size_t)((long)(edges[e] * VNNI_SB) + near[k]);

			check_fold_all(f->pool + rng_upto(&f->rng, 63), n);
			check_fold_all(ones + rng_upto(&f->rng, 63), n);
		}
	}
	free(ones);
}

/* All bytes equal (including 0 and 255) catch lane mixups random data might not. */
static void test_fold_constant_bytes(void **state)
{
	struct fixture *f = *state;
	uint8_t *buf = malloc(5 * FOLD_BLOCK);

	assert_non_null(buf);
	for (int i = 0; i < 6; i++) {
		size_t n = rng_upto(&f->rng, 5 * FOLD_BLOCK);

		memset(buf, i < 2 ? 255 * i : (int)rng_upto(&f->rng, 255), n);
		check_fold_all(buf, n);
	}
	/* all 0xFF, long enough for 4 threads, each block ending in a short superblock */
	memset(buf, 0xFF, 5 * FOLD_BLOCK);
	assert_int_equal(plain_fold(0, buf, 5 * FOLD_BLOCK - 1),
			 ompk_oracle_fold_uniform(0xFF, 5 * FOLD_BLOCK - 1));
	check_fold_all(buf, 5 * FOLD_BLOCK - 1);
	check_fold_all(buf + 1, 4 * FOLD_BLOCK + VNNI_SB + 1);
	free(buf);
}

static void test_fold_streaming(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 300; i++) {
		size_t n = i < 250 ? rng_upto(&f->rng, 100000) : rng_upto(&f->rng, 10 * FOLD_BLOCK);
		const uint8_t *p = f->pool + rng_upto(&f->rng, POOL_BYTES - n);
		struct ompk_fold_state st = { 0 };
		size_t done = 0;
		int pieces = 0;

		/* random cut points, empty pieces included */
		while (done < n) {
			size_t len = rng_upto(&f->rng, 3) == 0 ? 0 : rng_upto(&f->rng, n - done);

			ompk_fold_update(&st, p + done, len, 1 + (int)rng_upto(&f->rng, 3));
			done += len;
			pieces++;
		}
		if (pieces == 0)
			ompk_fold_update(&st, p, 0, 1);
		assert_int_equal(st.acc, plain_fold(0, p, n));
		assert_int_equal(st.acc, ompk_fold_fast(p, n, 2));
	}
}

static void test_pow(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ompk_pow_u64(0, 0), 1);
	assert_int_equal(ompk_pow_u64(0, 5), 0);
	assert_int_equal(ompk_pow_u64(2, 63), UINT64_C(1) << 63);
	assert_int_equal(ompk_pow_u64(2, 64), 0);
	assert_int_equal(ompk_pow_u64(UINT64_MAX, UINT64_MAX), UINT64_MAX); /* (-1)^odd */
	for (int i = 0; i < 200; i++) {
		uint64_t b = i < 100 ? ompk_test_rng(&f->rng) : OMPK_FOLD_P,
			 e = rng_upto(&f->rng, 3000), r = 1;

		for (uint64_t k = 0; k < e; k++)
			r *= b;
		assert_int_equal(ompk_pow_u64(b, e), r);
	}
	/* exponents too large to loop: b^(x+y) = b^x * b^y, (b^x)^y = b^(x*y) */
	for (int i = 0; i < 1000; i++) {
		uint64_t b = ompk_test_rng(&f->rng), x = ompk_test_rng(&f->rng) >> 1,
			 y = ompk_test_rng(&f->rng) >> 1;

		assert_int_equal(ompk_pow_u64(b, x + y), ompk_pow_u64(b, x) * ompk_pow_u64(b, y));
		y >>= 32;
		x >>= 32;
		assert_int_equal(ompk_pow_u64(ompk_pow_u64(b, x), y), ompk_pow_u64(b, x * y));
	}
}

static void check_sumsq_all(const uint64_t *v, size_t n)
{
	uint64_t want = plain_sumsq(v, n);
	int ran = 0;

	for (int t = 1; t <= 4; t++) {
		assert_int_equal(ompk_sumsq_fast(v, n, t), want);
		for (size_t k = 0; k < NKERNELS; k++) {
			uint64_t got = 0;
			int err = ompk_sumsq_fast_simd(v, n, t, kernels[k], &got);

			if (err == -ENOTSUP)
				continue;
			assert_int_equal(err, 0);
			assert_int_equal(got, want);
			ran++;
		}
	}
	assert_true(ran >= 4);
}

static void test_sumsq_array(void **state)
{
	struct fixture *f = *state;
	const size_t words = POOL_BYTES / 8;
	uint64_t *v = malloc(POOL_BYTES);

	assert_non_null(v);
	memcpy(v, f->pool, POOL_BYTES); /* full-range values: squares wrap */
	for (size_t n = 0; n <= 70; n++)
		check_sumsq_all(v + n % 3, n);
	for (int i = 0; i < 600; i++) {
		size_t n = i < 500 ? rng_upto(&f->rng, 20000)
				   : 4 * SUMSQ_BLOCK + rng_upto(&f->rng, 200000);

		check_sumsq_all(v + rng_upto(&f->rng, words - n), n);
	}
	/* small values, where the high halves are zero, and all-ones words */
	for (size_t i = 0; i < words; i++)
		v[i] = i % 5 == 0 ? UINT64_MAX : i;
	check_sumsq_all(v, words);
	free(v);
}

static void check_range_all(uint64_t from, uint64_t to, uint64_t want)
{
	for (int t = 1; t <= 4; t++) {
		assert_int_equal(ompk_sumsq_range_fast(from, to, t), want);
		for (size_t k = 0; k < NKERNELS; k++) {
			uint64_t got = 0;
			int err = ompk_sumsq_range_fast_simd(from, to, t, kernels[k], &got);

			if (err == -ENOTSUP)
				continue;
			assert_int_equal(err, 0);
			assert_int_equal(got, want);
		}
	}
}

static void test_sumsq_range(void **state)
{
	struct fixture *f = *state;

	/* the oracle: published value, and the closed form against a loop */
	assert_int_equal(range_expected(0, 1000000), UINT64_C(333332833333500000));
	for (int i = 0; i < 200; i++) {
		uint64_t from = i % 2 ? ompk_test_rng(&f->rng) : rng_upto(&f->rng, 1000);
		uint64_t to = from + rng_upto(&f->rng,
					      UINT64_MAX - from < 5000 ? UINT64_MAX - from : 5000);
		uint64_t s = 0;

		for (uint64_t x = from; x < to; x++)
			s += x * x;
		assert_int_equal(range_expected(from, to), s);
	}

	check_range_all(0, 1000000, UINT64_C(333332833333500000));
	check_range_all(5, 5, 0);
	check_range_all(7, 3, 0);
	check_range_all(UINT64_MAX - 1, UINT64_MAX, (UINT64_MAX - 1) * (UINT64_MAX - 1));
	check_range_all(UINT64_MAX - 3000000, UINT64_MAX,
			range_expected(UINT64_MAX - 3000000, UINT64_MAX));
	check_range_all(UINT64_MAX - 1000003, UINT64_MAX - 2,
			range_expected(UINT64_MAX - 1000003, UINT64_MAX - 2));
	check_range_all(UINT64_C(1) << 32, (UINT64_C(1) << 32) + 999999,
			range_expected(UINT64_C(1) << 32, (UINT64_C(1) << 32) + 999999));
	for (int i = 0; i < 300; i++) {
		uint64_t len = i < 270 ? rng_upto(&f->rng, 5000) : rng_upto(&f->rng, 1000000);
		uint64_t from = i % 3 == 0 ? UINT64_MAX - len - rng_upto(&f->rng, 100)
					   : ompk_test_rng(&f->rng) >> (i % 64);
		uint64_t to = from + (UINT64_MAX - from < len ? UINT64_MAX - from : len);

		check_range_all(from, to, range_expected(from, to));
	}
}

static void test_bad_kernel(void **state)
{
	struct fixture *f = *state;
	uint64_t out = 42;

	(void)f;
	assert_int_equal(ompk_fold_fast_simd(f->pool, 10, 1, 99, &out), -EINVAL);
	assert_int_equal(ompk_sumsq_fast_simd((const uint64_t *)NULL, 0, 1, -1, &out), -EINVAL);
	assert_int_equal(ompk_sumsq_range_fast_simd(0, 10, 1, 5, &out),
			 -EINVAL); /* one past the last */
	assert_int_equal(out, 42);
}

/*
 * OMPK_SIMD: what AUTO resolves to under each value, and what the tools
 * refuse (ompk_simd_env_check): an unknown word, or a path this CPU lacks,
 * with one line naming the variable and the paths it has.
 */
static void test_simd_env(void **state)
{
	static const struct {
		const char *value;
		int isa; /* what it forces; OMPK_SIMD_AUTO: none (the widest) */
		int err; /* ompk_simd_env_check when the CPU has the path */
	} cases[] = {
		{ "scalar", OMPK_SIMD_SCALAR, 0 },	{ "avx2", OMPK_SIMD_AVX2, 0 },
		{ "avx512", OMPK_SIMD_AVX512, 0 },	{ "", OMPK_SIMD_AUTO, 0 },
		{ "avx9", OMPK_SIMD_AUTO, -EINVAL },	{ "AVX2", OMPK_SIMD_AUTO, -EINVAL },
		{ "scalar ", OMPK_SIMD_AUTO, -EINVAL },
	};
	int widest, isa, x;
	char msg[256], want[128];

	(void)state;
	unsetenv(OMPK_SIMD_ENV);
	assert_int_equal(ompk_simd_resolve(OMPK_SIMD_AUTO, &widest), 0);
	assert_int_equal(ompk_simd_env_check(msg, sizeof(msg)), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool has = cases[i].isa != OMPK_SIMD_AUTO &&
			   ompk_simd_resolve(cases[i].isa, &x) == 0;
		int err = cases[i].isa == OMPK_SIMD_AUTO || has ? cases[i].err : -ENOTSUP;

		assert_int_equal(setenv(OMPK_SIMD_ENV, cases[i].value, 1), 0);
		msg[0] = '\0';
		if (ompk_simd_env_check(msg, sizeof(msg)) != err)
			fail_msg("OMPK_SIMD='%s': check gave '%s', wanted %d", cases[i].value, msg,
				 err);
		assert_int_equal(ompk_simd_resolve(OMPK_SIMD_AUTO, &isa), 0);
		assert_int_equal(isa, has ? cases[i].isa : widest);
		if (err) {
			snprintf(want, sizeof(want), "OMPK_SIMD: '%s' is not %s", cases[i].value,
				 err == -EINVAL ? "a SIMD path; accepted: "
						: "available on this CPU");
			if (strncmp(msg, want, strlen(want)) != 0 || strchr(msg, '\n') ||
			    !strstr(msg, "scalar"))
				fail_msg("OMPK_SIMD='%s': message '%s'", cases[i].value, msg);
		}
	}
	unsetenv(OMPK_SIMD_ENV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simd_env),
		cmocka_unit_test(test_fold_reference),
		cmocka_unit_test(test_fold_edge_lengths),
		cmocka_unit_test(test_fold_random),
		cmocka_unit_test(test_fold_one_byte),
		cmocka_unit_test(test_fold_constant_bytes),
		cmocka_unit_test(test_fold_superblocks),
		cmocka_unit_test(test_fold_streaming),
		cmocka_unit_test(test_pow),
		cmocka_unit_test(test_sumsq_array),
		cmocka_unit_test(test_sumsq_range),
		cmocka_unit_test(test_bad_kernel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
