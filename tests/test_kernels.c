/*
 * test_kernels.c - every kernel in the registry, every variant it has.
 *
 * Generic checks iterate over ompk_kernels and each kernel's own sample
 * parameter sets, so a new kernel is tested without new code here:
 * variants agree with seq at thread counts 1-4 and every schedule, and the
 * kernel's oracle agrees with seq. Then each kernel's reference values:
 * the tutorial's printed results, published tables, closed forms, and a
 * big-number Collatz count for trajectories that pass 2^64.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <omp.h>

#include "ompkit/collatz.h"
#include "ompkit/driver.h"
#include "ompkit/kernel.h"
#include "ompkit/lcg.h"
#include "ompkit/registry.h"
#include "ompkit/sched.h"

static const char *const schedules[] = {
	"static", "static,1", "dynamic,1", "dynamic,7", "guided", "guided,3", "auto",
};

/* A job of kernel k on params p (NULL: defaults) with an optional file; *out emptied. */
static void job_of(struct ompk_job *job, const struct ompk_kernel *k, const uint64_t *p,
		   const char *file, int threads, struct ompk_result *out)
{
	memset(job, 0, sizeof(*job));
	job->kernel = k;
	for (size_t i = 0; i < k->nparams; i++)
		job->p[i] = p ? p[i] : k->params[i].def;
	job->file = file;
	job->threads = threads;
	memset(out, 0, sizeof(*out));
}

/* Runs kernel k on params p (NULL: defaults) with an optional file. */
static int run_kernel(const struct ompk_kernel *k, const uint64_t *p, const char *file,
		      enum ompk_variant v, int threads, struct ompk_result *out, int *threads_used)
{
	struct ompk_job job;
	char msg[256];
	int err;

	job_of(&job, k, p, file, threads, out);
	if (k->validate && (err = k->validate(&job, msg, sizeof(msg))) < 0)
		return err;
	if (k->prepare && (err = k->prepare(&job, msg, sizeof(msg))) < 0)
		return err;
	err = k->run(&job, v, out);
	if (threads_used)
		*threads_used = job.threads_used;
	if (k->release)
		k->release(&job);
	return err;
}

static int oracle(const struct ompk_kernel *k, const uint64_t *p, const char *file,
		  struct ompk_result *out)
{
	struct ompk_job job;
	char msg[256];
	const char *method;
	int err;

	job_of(&job, k, p, file, 1, out);
	if (k->prepare && (err = k->prepare(&job, msg, sizeof(msg))) < 0)
		return err;
	err = k->expect(&job, out, &method);
	if (k->release)
		k->release(&job);
	return err;
}

static void describe(const struct ompk_kernel *k, const uint64_t *p, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < k->nparams; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), " --%s %llu", k->params[i].name,
			 (unsigned long long)p[i]);
}

static void assert_same(const struct ompk_kernel *k, const uint64_t *p, const struct ompk_result *a,
			const struct ompk_result *b, const char *what)
{
	char buf[200];

	if (ompk_result_equal(a, b))
		return;
	describe(k, p, buf, sizeof(buf));
	fail_msg("%s%s: %s differs from seq", k->name, buf, what);
}

/* Every variant at 1-4 threads and every schedule gives seq's bits. */
static void test_variants_agree_with_seq(void **state)
{
	(void)state;
	for (size_t i = 0; ompk_kernels[i]; i++) {
		const struct ompk_kernel *k = ompk_kernels[i];

		assert_true(k->nsamples > 0);
		for (size_t s = 0; s < k->nsamples; s++) {
			struct ompk_result ref;

			assert_int_equal(
				run_kernel(k, k->samples[s], NULL, OMPK_SEQ, 1, &ref, NULL), 0);
			for (int v = OMPK_OMP; v < OMPK_VARIANT_COUNT; v++) {
				if (!(k->variants & OMPK_VARIANT_BIT(v)))
					continue;
				for (size_t sc = 0; sc < OMPK_COUNT(schedules); sc++) {
					struct ompk_sched sched;

					assert_int_equal(ompk_sched_parse(schedules[sc], &sched),
							 0);
					ompk_sched_apply(&sched);
					for (int t = 1; t <= 4; t++) {
						struct ompk_result r;
						char what[64];

						assert_int_equal(run_kernel(k, k->samples[s], NULL,
									    (enum ompk_variant)v, t,
									    &r, NULL),
								 0);
						snprintf(what, sizeof(what), "%s at %d threads, %s",
							 ompk_variant_name((enum ompk_variant)v), t,
							 schedules[sc]);
						assert_same(k, k->samples[s], &ref, &r, what);
						ompk_result_free(&r);
					}
				}
			}
			ompk_result_free(&ref);
		}
	}
}

/* The independent oracle of each kernel agrees with the plain loop. */
static void test_oracles_agree_with_seq(void **state)
{
	(void)state;
	for (size_t i = 0; ompk_kernels[i]; i++) {
		const struct ompk_kernel *k = ompk_kernels[i];

		for (size_t s = 0; s < k->nsamples; s++) {
			struct ompk_result ref, want;

			assert_int_equal(
				run_kernel(k, k->samples[s], NULL, OMPK_SEQ, 1, &ref, NULL), 0);
			assert_int_equal(oracle(k, k->samples[s], NULL, &want), 0);
			assert_same(k, k->samples[s], &ref, &want, "oracle");
			ompk_result_free(&ref);
			ompk_result_free(&want);
		}
	}
}

/* The team size is read inside the parallel region, not assumed. */
static void test_threads_used(void **state)
{
	(void)state;
	omp_set_dynamic(0);
	for (size_t i = 0; ompk_kernels[i]; i++) {
		struct ompk_result r;
		int used = 0;

		assert_int_equal(run_kernel(ompk_kernels[i], ompk_kernels[i]->samples[0], NULL,
					    OMPK_OMP, 3, &r, &used),
				 0);
		assert_int_equal(used, 3);
		ompk_result_free(&r);
		assert_int_equal(run_kernel(ompk_kernels[i], ompk_kernels[i]->samples[0], NULL,
					    OMPK_SEQ, 3, &r, &used),
				 0);
		assert_int_equal(used, 1);
		ompk_result_free(&r);
	}
}

static uint64_t field(const struct ompk_result *r, const char *name, size_t j)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->f[i].name, name) == 0) {
			assert_true(j < r->f[i].n);
			return r->f[i].v[j];
		}
	fail_msg("no field %s", name);
	return 0;
}

static size_t field_len(const struct ompk_result *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->f[i].name, name) == 0)
			return r->f[i].n;
	fail_msg("no field %s", name);
	return 0;
}

/* The tutorial's printed results, seq and omp. */
static void test_tutorial_values(void **state)
{
	const struct ompk_kernel *k;
	struct ompk_result r;
	static const uint64_t checksums[] = { 0, UINT64_C(15279771427360356480),
					      UINT64_C(12112798781011161344),
					      UINT64_C(8945826134661966208) };

	(void)state;
	for (int v = OMPK_SEQ; v <= OMPK_OMP; v++) {
		const uint64_t lcg2[] = { 2, 50000000 }, primes4[] = { 0, 50000, 4 };

		k = ompk_kernel_find("lcg");
		assert_int_equal(run_kernel(k, lcg2, NULL, (enum ompk_variant)v, 2, &r, NULL), 0);
		assert_int_equal(field(&r, "finals", 0), UINT64_C(6306054913191490176));
		assert_int_equal(field(&r, "finals", 1), UINT64_C(6301162584745976961));
		ompk_result_free(&r);

		if (v ==
		    OMPK_OMP) { /* the seq run of 4 jobs costs a second; one job shows the same */
			k = ompk_kernel_find("primes");
			assert_int_equal(run_kernel(k, primes4, NULL, OMPK_OMP, 2, &r, NULL), 0);
			assert_int_equal(field(&r, "count", 0), 20532);
			assert_int_equal(field(&r, "per_job", 0), 5133);
			ompk_result_free(&r);
		}
		k = ompk_kernel_find("primes");
		assert_int_equal(run_kernel(k, NULL, NULL, (enum ompk_variant)v, 2, &r, NULL), 0);
		assert_int_equal(field(&r, "count", 0), 5133);
		ompk_result_free(&r);

		k = ompk_kernel_find("collatz");
		assert_int_equal(run_kernel(k, NULL, NULL, (enum ompk_variant)v, 2, &r, NULL), 0);
		assert_int_equal(field(&r, "n", 0), 77031);
		assert_int_equal(field(&r, "steps", 0), 350);
		ompk_result_free(&r);

		k = ompk_kernel_find("sumsq");
		assert_int_equal(run_kernel(k, NULL, NULL, (enum ompk_variant)v, 2, &r, NULL), 0);
		assert_int_equal(field(&r, "sum", 0), UINT64_C(333332833333500000));
		ompk_result_free(&r);

		k = ompk_kernel_find("checksum");
		assert_int_equal(run_kernel(k, NULL, NULL, (enum ompk_variant)v, 2, &r, NULL), 0);
		assert_int_equal(field_len(&r, "checksums"), 4);
		for (size_t i = 0; i < 4; i++)
			assert_int_equal(field(&r, "checksums", i), checksums[i]);
		ompk_result_free(&r);
	}
}

/* pi(x) from published tables, and differences of them. */
static void test_primes_published(void **state)
{
	static const struct {
		uint64_t from, to, count;
	} cases[] = {
		{ 0, 10, 4 },	    { 0, 100, 25 },	 { 0, 1000, 168 }, { 100, 1000, 143 },
		{ 0, 10000, 1229 }, { 0, 100000, 9592 }, { 2, 3, 1 },	   { 0, 2, 0 },
		{ 1, 2, 0 },	    { 7919, 7920, 1 },
	};
	const struct ompk_kernel *k = ompk_kernel_find("primes");

	(void)state;
	for (size_t i = 0; i < OMPK_COUNT(cases); i++) {
		const uint64_t p[] = { cases[i].from, cases[i].to, 1 };
		struct ompk_result r;

		assert_int_equal(run_kernel(k, p, NULL, OMPK_OMP, 2, &r, NULL), 0);
		assert_int_equal(field(&r, "count", 0), cases[i].count);
		ompk_result_free(&r);
	}
}

/* Collatz records below powers of ten (OEIS A006877 / A006878). */
static void test_collatz_published(void **state)
{
	const struct ompk_kernel *k = ompk_kernel_find("collatz");
	const uint64_t p1[] = { 1, 10 }, p2[] = { 1, 1000 }, p3[] = { 1, 1000000 };
	struct ompk_result r;

	(void)state;
	assert_int_equal(run_kernel(k, p1, NULL, OMPK_OMP, 2, &r, NULL), 0);
	assert_int_equal(field(&r, "n", 0), 9);
	assert_int_equal(field(&r, "steps", 0), 19);
	ompk_result_free(&r);
	assert_int_equal(run_kernel(k, p2, NULL, OMPK_OMP, 2, &r, NULL), 0);
	assert_int_equal(field(&r, "n", 0), 871);
	assert_int_equal(field(&r, "steps", 0), 178);
	ompk_result_free(&r);
	assert_int_equal(run_kernel(k, p3, NULL, OMPK_OMP, 2, &r, NULL), 0);
	assert_int_equal(field(&r, "n", 0), 837799);
	assert_int_equal(field(&r, "steps", 0), 524);
	ompk_result_free(&r);
}

/*
 * A big-number Collatz step count (base 2^32 digits, little-endian), a
 * second implementation that cannot wrap, for starts whose trajectories
 * pass 2^64.
 */
#define BIG_DIGITS 8
static uint64_t big_steps(uint64_t n, int *passed_2_64)
{
	uint32_t d[BIG_DIGITS] = { (uint32_t)n, (uint32_t)(n >> 32) };
	uint64_t steps = 0;

	*passed_2_64 = 0;
	for (;;) {
		int one = d[0] == 1;

		for (int i = 1; i < BIG_DIGITS; i++)
			one &= d[i] == 0;
		if (one)
			return steps;
		if (d[0] & 1) { /* 3n + 1 */
			uint64_t carry = 1;

			for (int i = 0; i < BIG_DIGITS; i++) {
				uint64_t t = (uint64_t)d[i] * 3 + carry;

				d[i] = (uint32_t)t;
				carry = t >> 32;
			}
			assert_int_equal(carry, 0);
		} else { /* n / 2 */
			for (int i = 0; i < BIG_DIGITS; i++)
				d[i] = (d[i] >> 1) | (i + 1 < BIG_DIGITS ? d[i + 1] << 31 : 0);
		}
		for (int i = 2; i < BIG_DIGITS; i++)
			if (d[i])
				*passed_2_64 = 1;
		steps++;
	}
}

static void test_collatz_beyond_2_64(void **state)
{
	const struct ompk_kernel *k = ompk_kernel_find("collatz");
	/* 2^64-3 passes 2^64 at once; 1980976057694848447 is a published path record (A006884). */
	static const uint64_t starts[] = { UINT64_C(18446744073709551613),
					   UINT64_C(1980976057694848447),
					   UINT64_C(12297829382473034411),
					   UINT64_C(18446744073709551557) };

	(void)state;
	for (size_t i = 0; i < OMPK_COUNT(starts); i++) {
		int passed;
		uint64_t want = big_steps(starts[i], &passed);
		const uint64_t p[] = { starts[i], starts[i] + 1 };

		assert_true(passed);
		for (int v = OMPK_SEQ; v <= OMPK_OMP; v++) {
			struct ompk_result r;

			assert_int_equal(run_kernel(k, p, NULL, (enum ompk_variant)v, 2, &r, NULL),
					 0);
			assert_int_equal(field(&r, "n", 0), starts[i]);
			assert_int_equal(field(&r, "steps", 0), want);
			ompk_result_free(&r);
		}
	}
}

/*
 * collatz omp shares the range out in blocks of 64 starting values
 * (README): ranges whose winner is the last value of a block, or of the
 * range (a partial last block), catch a block that stops one short. The
 * expected winner is a direct step count here, and each row's premise is
 * checked with it; 108..200 is 171 with 124 steps.
 */
static void test_collatz_block_edges(void **state)
{
	static const uint64_t rows[][2] = {
		{ 108, 200 },	  { 2, 130 },	    { 10, 74 },		{ 1, 28 },
		{ 34898, 35154 }, { 52844, 53544 }, { 837544, 837900 },
	};
	const struct ompk_kernel *k = ompk_kernel_find("collatz");

	(void)state;
	for (size_t i = 0; i < OMPK_COUNT(rows); i++) {
		uint64_t bn = 0, bs = 0;
		int passed;

		for (uint64_t n = rows[i][0]; n < rows[i][1]; n++) {
			uint64_t s = big_steps(n, &passed);

			if (bn == 0 || s > bs) {
				bn = n;
				bs = s;
			}
		}
		if ((bn - rows[i][0]) % 64 != 63 && bn != rows[i][1] - 1)
			fail_msg("row %zu: the winner %llu is not at a block's end", i,
				 (unsigned long long)bn);
		if (rows[i][0] == 108)
			assert_true(bn == 171 && bs == 124);
		for (int v = OMPK_SEQ; v < OMPK_VARIANT_COUNT; v++)
			for (int t = 1; t <= 3; t++) {
				struct ompk_result r;

				assert_int_equal(run_kernel(k, rows[i], NULL, (enum ompk_variant)v,
							    t, &r, NULL),
						 0);
				if (field(&r, "n", 0) != bn || field(&r, "steps", 0) != bs)
					fail_msg("collatz --from %llu --to %llu --variant %s at %d "
						 "threads: %llu/%llu, wanted %llu/%llu",
						 (unsigned long long)rows[i][0],
						 (unsigned long long)rows[i][1],
						 ompk_variant_name((enum ompk_variant)v), t,
						 (unsigned long long)field(&r, "n", 0),
						 (unsigned long long)field(&r, "steps", 0),
						 (unsigned long long)bn, (unsigned long long)bs);
				ompk_result_free(&r);
			}
	}
}

/*
 * The collatz oracle itself past 2^64 (the kernel is checked above): odd
 * n whose (3n+1)/2 just fits in 64 bits or just does not (the oracle's
 * guard is n <= 2(2^64-1)/3 - 1 = 12297829382473034409), and published
 * path records, against the digit-by-digit count; 12297829382473034411
 * takes 485 steps.
 */
static void test_collatz_oracle_beyond_2_64(void **state)
{
	static const uint64_t starts[] = {
		UINT64_C(12297829382473034407), UINT64_C(12297829382473034409),
		UINT64_C(12297829382473034411), UINT64_C(12297829382473034413),
		UINT64_C(12297829382473034415), UINT64_C(18446744073709551613),
		UINT64_C(18446744073709551557), UINT64_C(1980976057694848447),
	};
	uint64_t steps[OMPK_COUNT(starts)], n, s, bn = 0, bs = 0;
	const uint64_t lo = UINT64_C(12297829382473034400), hi = lo + 20;
	int passed;

	(void)state;
	assert_int_equal(ompk_oracle_collatz_points(starts, OMPK_COUNT(starts), steps), 0);
	for (size_t i = 0; i < OMPK_COUNT(starts); i++) {
		uint64_t want = big_steps(starts[i], &passed);

		if (steps[i] != want)
			fail_msg("oracle: %llu takes %llu steps, not %llu",
				 (unsigned long long)starts[i], (unsigned long long)want,
				 (unsigned long long)steps[i]);
		assert_int_equal(ompk_oracle_collatz(starts[i], starts[i] + 1, &n, &s), 0);
		assert_int_equal(n, starts[i]);
		assert_int_equal(s, want);
	}
	assert_int_equal(steps[2], 485);
	for (uint64_t x = lo; x < hi; x++) {
		uint64_t t = big_steps(x, &passed);

		if (bn == 0 || t > bs) {
			bn = x;
			bs = t;
		}
	}
	assert_int_equal(ompk_oracle_collatz(lo, hi, &n, &s), 0);
	assert_int_equal(n, bn);
	assert_int_equal(s, bs);
}

/*
 * The collatz oracle on its own: a tie goes to the smaller n (12 and 13 both take 9 steps), and a
 * spot check recomputes the claimed winner's steps instead of taking them from the measured
 * result (63728127, the longest chain below 10^8, takes 949 steps, OEIS A006878; the claim says
 * 950).
 */
static void test_collatz_oracle_ties_and_claims(void **state)
{
	const struct ompk_kernel *k = ompk_kernel_find("collatz");
	struct ompk_result claim = { 0 }, want = { 0 };
	struct ompk_job job;
	const char *method = "";
	uint64_t n = 0, s = 0;

	(void)state;
	assert_int_equal(ompk_oracle_collatz(12, 14, &n, &s), 0);
	assert_true(n == 12 && s == 9);
	ompk_job_init(&job, k);
	job.p[ompk_param_index(k, "from")] = 2;
	job.p[ompk_param_index(k, "to")] = UINT64_C(100000000);
	job.variant = OMPK_FAST;
	job.threads = 2;
	assert_int_equal(ompk_result_scalar(&claim, "n", 63728127), 0);
	assert_int_equal(ompk_result_scalar(&claim, "steps", 950), 0);
	job.measured = &claim;
	assert_int_equal(k->expect(&job, &want, &method), 0);
	assert_non_null(strstr(method, "spot check"));
	assert_int_equal(field(&want, "n", 0), 63728127);
	assert_int_equal(field(&want, "steps", 0), 949);
	ompk_result_free(&claim);
	ompk_result_free(&want);
}

static void test_empty_ranges(void **state)
{
	static const uint64_t lcg0[] = { 0, 100 }, primes0[] = { 9, 9, 3 }, sumsq0[] = { 77, 77 },
			      ck0[] = { 0, 5 }, ck_len0[] = { 3, 0 }, collatz0[] = { 5, 5 };
	/* What run returns, and the length of its field, whose last value (if any) is 0. */
	static const struct {
		const char *kernel;
		const uint64_t *p;
		int err;
		const char *field;
		size_t len;
	} cases[] = {
		{ "lcg", lcg0, 0, "finals", 0 },
		{ "primes", primes0, 0, "count", 1 },
		{ "sumsq", sumsq0, 0, "sum", 1 },
		{ "checksum", ck0, 0, "checksums", 0 },
		{ "checksum", ck_len0, 0, "checksums", 3 },
		/* The longest chain of nothing is undefined: refused. */
		{ "collatz", collatz0, -EINVAL, NULL, 0 },
	};
	struct ompk_result r;

	(void)state;
	for (int v = OMPK_SEQ; v <= OMPK_OMP; v++)
		for (size_t i = 0; i < OMPK_COUNT(cases); i++) {
			assert_int_equal(run_kernel(ompk_kernel_find(cases[i].kernel), cases[i].p,
						    NULL, (enum ompk_variant)v, 2, &r, NULL),
					 cases[i].err);
			if (cases[i].err)
				continue;
			assert_int_equal(field_len(&r, cases[i].field), cases[i].len);
			if (cases[i].len)
				assert_int_equal(field(&r, cases[i].field, cases[i].len - 1), 0);
			ompk_result_free(&r);
		}
}

static void test_sumsq_small_and_wrapping(void **state)
{
	const struct ompk_kernel *k = ompk_kernel_find("sumsq");
	/* 5^2 + ... + 11^2 = 476; (2^32)^2 wraps to 0; (2^64-1)^2 = 1 mod 2^64. */
	const uint64_t a[] = { 5, 12 }, b[] = { UINT64_C(4294967296), UINT64_C(4294967297) },
		       c[] = { UINT64_MAX - 1, UINT64_MAX },
		       d[] = { UINT64_C(4294967297), UINT64_C(4294967298) };
	struct ompk_result r;

	(void)state;
	assert_int_equal(run_kernel(k, a, NULL, OMPK_OMP, 2, &r, NULL), 0);
	assert_int_equal(field(&r, "sum", 0), 476);
	ompk_result_free(&r);
	assert_int_equal(run_kernel(k, b, NULL, OMPK_SEQ, 1, &r, NULL), 0);
	assert_int_equal(field(&r, "sum", 0), 0);
	ompk_result_free(&r);
	assert_int_equal(run_kernel(k, c, NULL, OMPK_OMP, 2, &r, NULL), 0);
	assert_int_equal(field(&r, "sum", 0), 4); /* (2^64-2)^2 = 4 mod 2^64 */
	ompk_result_free(&r);
	assert_int_equal(run_kernel(k, d, NULL, OMPK_OMP, 2, &r, NULL), 0);
	assert_int_equal(field(&r, "sum", 0),
			 UINT64_C(8589934593)); /* (2^32+1)^2 = 2^33 + 1 mod 2^64 */
	ompk_result_free(&r);
}

static char *temp_file(const void *data, size_t len)
{
	char *path = strdup("/tmp/ompk-test-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Files: the kernels read little-endian u64s / raw bytes exactly. */
static void test_file_inputs(void **state)
{
	enum { N = 100003 };
	unsigned char *bytes = malloc(N * 8 + 1000000);
	uint64_t x = 88172645463325252u, want_sum = 0, want_fold = 0;
	struct ompk_result r;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		for (int b = 0; b < 8; b++)
			bytes[i * 8 + b] = (unsigned char)(x >>
							   (8 * b)); /* little-endian by hand */
		want_sum += x * x;
	}
	for (size_t i = 0; i < N * 8; i++)
		want_fold = want_fold * UINT64_C(1099511628211) + bytes[i];

	char *path = temp_file(bytes, N * 8);
	for (int v = OMPK_SEQ; v <= OMPK_OMP; v++) {
		assert_int_equal(run_kernel(ompk_kernel_find("sumsq"), NULL, path,
					    (enum ompk_variant)v, 3, &r, NULL),
				 0);
		assert_int_equal(field(&r, "sum", 0), want_sum);
		ompk_result_free(&r);
		assert_int_equal(run_kernel(ompk_kernel_find("checksum"), NULL, path,
					    (enum ompk_variant)v, 3, &r, NULL),
				 0);
		assert_int_equal(field_len(&r, "checksums"), 1);
		assert_int_equal(field(&r, "checksums", 0), want_fold);
		ompk_result_free(&r);
	}
	assert_int_equal(oracle(ompk_kernel_find("sumsq"), NULL, path, &r), 0);
	assert_int_equal(field(&r, "sum", 0), want_sum);
	ompk_result_free(&r);
	assert_int_equal(oracle(ompk_kernel_find("checksum"), NULL, path, &r), 0);
	assert_int_equal(field(&r, "checksums", 0), want_fold);
	ompk_result_free(&r);
	unlink(path);
	free(path);

	/* A file of 1,000,000 bytes of 2 is the tutorial's image 2. */
	memset(bytes, 2, 1000000);
	path = temp_file(bytes, 1000000);
	assert_int_equal(
		run_kernel(ompk_kernel_find("checksum"), NULL, path, OMPK_OMP, 2, &r, NULL), 0);
	assert_int_equal(field(&r, "checksums", 0), UINT64_C(12112798781011161344));
	ompk_result_free(&r);
	unlink(path);
	free(path);

	/* Not a multiple of 8, a directory, a missing file: errors, no result. */
	path = temp_file(bytes, 13);
	assert_int_equal(run_kernel(ompk_kernel_find("sumsq"), NULL, path, OMPK_SEQ, 1, &r, NULL),
			 -EINVAL);
	unlink(path);
	free(path);
	assert_int_equal(run_kernel(ompk_kernel_find("sumsq"), NULL, "/tmp", OMPK_SEQ, 1, &r, NULL),
			 -EISDIR);
	assert_int_equal(run_kernel(ompk_kernel_find("checksum"), NULL, "/nonexistent/x", OMPK_SEQ,
				    1, &r, NULL),
			 -ENOENT);
	free(bytes);
}

/* Jump-ahead: composition, identity, one step, against the loop. */
static void test_lcg_jump(void **state)
{
	uint64_t x = 0x243f6a8885a308d3u;

	(void)state;
	assert_int_equal(ompk_lcg_jump(12345, 0, OMPK_LCG_A, OMPK_LCG_C), 12345);
	assert_int_equal(ompk_lcg_jump(12345, 1, OMPK_LCG_A, OMPK_LCG_C),
			 12345 * OMPK_LCG_A + OMPK_LCG_C);
	for (int i = 0; i < 1000; i++) {
		uint64_t a, b, s, loop;

		x = x * OMPK_LCG_A + OMPK_LCG_C;
		a = x >> 1;
		b = (x * 0x9e3779b97f4a7c15u) >> 2;
		s = x;
		/* f^(a+b) = f^b o f^a, with a + b < 2^64 */
		assert_int_equal(ompk_lcg_jump(s, a + b, OMPK_LCG_A, OMPK_LCG_C),
				 ompk_lcg_jump(ompk_lcg_jump(s, a, OMPK_LCG_A, OMPK_LCG_C), b,
					       OMPK_LCG_A, OMPK_LCG_C));
		loop = s;
		for (uint64_t k = 0; k < (x & 1023); k++)
			loop = loop * OMPK_LCG_A + OMPK_LCG_C;
		assert_int_equal(ompk_lcg_jump(s, x & 1023, OMPK_LCG_A, OMPK_LCG_C), loop);
	}
	/* The full period is 2^64: 2^64-1 steps then one more return to the start. */
	assert_int_equal(ompk_lcg_jump(ompk_lcg_jump(7, UINT64_MAX, OMPK_LCG_A, OMPK_LCG_C), 1,
				       OMPK_LCG_A, OMPK_LCG_C),
			 7);
}

/*
 * A part of an lcg job starts at seed `first` (the split's subjob, the
 * MPI driver): each variant's finals, and the oracle's, are the chains of
 * seeds first + s (mod 2^64) by the plain loop written here; 5000 seeds
 * take the fast variant's threaded path, 3 its serial one.
 */
static void test_lcg_first_offset(void **state)
{
	static const uint64_t firsts[] = { 1, 7, 4096, UINT64_C(1) << 40, UINT64_MAX - 2 };
	static const uint64_t seeds[] = { 3, 5000 };
	const struct ompk_kernel *k = ompk_kernel_find("lcg");

	(void)state;
	for (size_t i = 0; i < OMPK_COUNT(firsts); i++)
		for (size_t j = 0; j < OMPK_COUNT(seeds); j++)
			for (int v = OMPK_SEQ; v < OMPK_VARIANT_COUNT; v++) {
				struct ompk_job job;
				struct ompk_result r, want;
				const char *method;

				memset(&job, 0, sizeof(job));
				job.kernel = k;
				job.p[0] = seeds[j];
				job.p[1] = 300;
				job.first = firsts[i];
				job.threads = 2;
				job.variant = (enum ompk_variant)v;
				memset(&r, 0, sizeof(r));
				memset(&want, 0, sizeof(want));
				assert_int_equal(k->run(&job, (enum ompk_variant)v, &r), 0);
				assert_int_equal(k->expect(&job, &want, &method), 0);
				for (uint64_t s = 0; s < seeds[j]; s++) {
					uint64_t x = firsts[i] + s;

					for (int step = 0; step < 300; step++)
						x = x * OMPK_LCG_A + OMPK_LCG_C;
					if (field(&r, "finals", s) != x ||
					    field(&want, "finals", s) != x)
						fail_msg("lcg %s, first %llu, seed %llu: %llu "
							 "(oracle "
							 "%llu), wanted %llu",
							 ompk_variant_name((enum ompk_variant)v),
							 (unsigned long long)firsts[i],
							 (unsigned long long)s,
							 (unsigned long long)field(&r, "finals", s),
							 (unsigned long long)field(&want, "finals",
										   s),
							 (unsigned long long)x);
				}
				ompk_result_free(&r);
				ompk_result_free(&want);
			}
}

/* fast lcg (jump-ahead) against the closed form, iteration counts up to 2^64-1. */
static void test_lcg_fast_near_2_64(void **state)
{
	const struct ompk_kernel *k = ompk_kernel_find("lcg");
	static const uint64_t iters[] = { UINT64_MAX,
					  UINT64_MAX - 1,
					  UINT64_C(1) << 63,
					  (UINT64_C(1) << 63) + 12345,
					  UINT64_C(0xfedcba9876543210),
					  1,
					  0 };

	(void)state;
	for (size_t i = 0; i < OMPK_COUNT(iters); i++) {
		const uint64_t p[] = { 5000, iters[i] };
		struct ompk_result r;

		assert_int_equal(run_kernel(k, p, NULL, OMPK_FAST, 2, &r, NULL), 0);
		for (uint64_t s = 0; s < 5000; s++)
			assert_int_equal(field(&r, "finals", s),
					 ompk_lcg_closed_form(s, iters[i], OMPK_LCG_A, OMPK_LCG_C));
		/* Period 2^64: one more step after 2^64-1 is the seed again. */
		if (iters[i] == UINT64_MAX)
			for (uint64_t s = 0; s < 5000; s++)
				assert_int_equal(field(&r, "finals", s) * OMPK_LCG_A + OMPK_LCG_C,
						 s);
		ompk_result_free(&r);
	}
}

/* Measured through the driver: verified, by which method, and (if run_method) which one ran. */
static void assert_verified_by(const char *kernel, const uint64_t *p, enum ompk_variant v,
			       const char *method, const char *run_method)
{
	const struct ompk_kernel *k = ompk_kernel_find(kernel);
	struct ompk_options o;
	struct ompk_job job;
	struct ompk_report rep;
	char msg[256];

	ompk_options_default(&o);
	o.variant = v;
	o.threads = 2;
	ompk_job_init(&job, k);
	for (size_t i = 0; i < k->nparams; i++)
		job.p[i] = p[i];
	assert_int_equal(ompk_measure(&job, &o, &rep, msg, sizeof(msg)), 0);
	if (rep.verified != 1 || !strstr(rep.method, method))
		fail_msg("%s: verified %d by '%s', wanted '%s'", kernel, rep.verified, rep.method,
			 method);
	if (run_method && (!job.method || strcmp(job.method, run_method)))
		fail_msg("%s: ran '%s', wanted '%s'", kernel, job.method ? job.method : "(null)",
			 run_method);
	ompk_report_free(&rep);
}

/* fast runs too wide to redo plainly are checked by tables or spot checks. */
static void test_fast_verification_methods(void **state)
{
	const uint64_t pi32[] = { 0, UINT64_C(4294967296), 1 },
		       pwide[] = { UINT64_C(1000000000000), UINT64_C(1002100000000), 3 },
		       psmall[] = { 1000, 2000000, 2 }, c8[] = { 1, 100000000 },
		       cwide[] = { 1000000000, 1060000000 }, csmall[] = { 3, 1000000 };

	(void)state;
	assert_verified_by("primes", pi32, OMPK_FAST, "published table", "lmo");
	assert_verified_by("primes", pwide, OMPK_FAST, "spot check: plain sieve over both ends",
			   "lmo");
	assert_verified_by("primes", psmall, OMPK_FAST, "plain segmented sieve", "sieve");
	assert_verified_by("collatz", c8, OMPK_FAST, "published records", NULL);
	assert_verified_by("collatz", cwide, OMPK_FAST, "spot check", NULL);
	assert_verified_by("collatz", csmall, OMPK_FAST, "odd-step shortcut", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tutorial_values),
		cmocka_unit_test(test_variants_agree_with_seq),
		cmocka_unit_test(test_oracles_agree_with_seq),
		cmocka_unit_test(test_threads_used),
		cmocka_unit_test(test_primes_published),
		cmocka_unit_test(test_collatz_published),
		cmocka_unit_test(test_collatz_beyond_2_64),
		cmocka_unit_test(test_collatz_block_edges),
		cmocka_unit_test(test_collatz_oracle_beyond_2_64),
		cmocka_unit_test(test_collatz_oracle_ties_and_claims),
		cmocka_unit_test(test_empty_ranges),
		cmocka_unit_test(test_sumsq_small_and_wrapping),
		cmocka_unit_test(test_file_inputs),
		cmocka_unit_test(test_lcg_jump),
		cmocka_unit_test(test_lcg_fast_near_2_64),
		cmocka_unit_test(test_lcg_first_offset),
		cmocka_unit_test(test_fast_verification_methods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
