/*
 * primes.c - prime counting by naive trial division: x is prime when
 * x >= 2 and no d in [2, x) divides x (stopping at the first divisor; no
 * square-root bound: this is the CPU-bound workload under study, and the
 * cost of x grows with x, so the loop schedule matters). --jobs K counts
 * K independent copies of the range, as the tutorial's one-thread-per-job
 * example does.
 *
 * Variants: seq is the plain loop; omp spreads the K*(to-from) numbers
 * over the team with schedule(runtime), so --schedule / OMP_SCHEDULE
 * decide the balance (static splits by count and is unbalanced here).
 * fast counts [from, to) by whichever of two exact methods is estimated
 * cheaper (job->method says which ran): a segmented mod-30 wheel sieve
 * (fast.c, "sieve"), parallel over segments, or pi(to-1) - pi(from-1) by
 * the combinatorial count (pi.c, "lmo"), which wins for wide ranges; the
 * K copies are counted once.
 * Verified by (always a method other than the one measured): a plain
 * segmented sieve of Eratosthenes (Miller-Rabin above 2^40), times K.
 * fast runs wider than 2e9: a published table where the range is one of
 * its entries; else an "lmo" run by a spot check (both ends re-sieved
 * plainly, the middle by pi at another split), a "sieve" run by the
 * combinatorial count where that is estimated under a minute, else by 32
 * windows re-counted plainly.
 * Rate: numbers tested per second (K * (to - from)).
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>

#include "ompkit/primes.h"

#include "../descriptor.h"

enum { P_FROM, P_TO, P_JOBS };

/* fast runs over wider ranges are checked by table or spot check, not re-sieved. */
#define FULL_CHECK_LIMIT UINT64_C(2000000000)
#define SAMPLE_WINDOWS 32
#define SAMPLE_WIDTH UINT64_C(1000000)
/* Ends re-sieved around a combinatorial count (65536 numbers, 4096 above 2^40). */
#define PI_CHECK_WIDTH UINT64_C(65536)
/* A wide sieve run is checked by the combinatorial count when that is estimated below this. */
#define PI_CHECK_SECONDS 60.0

static const struct ompk_param params[] = {
	[P_FROM] = { "from", "first number tested", 0, 0, UINT64_MAX },
	[P_TO] = { "to", "end of the range (excluded)", 50000, 0, UINT64_MAX },
	[P_JOBS] = { "jobs", "independent copies of the range", 1, 1, 1000000 },
};

/* Quick parameter sets for the generic tests. */
static const uint64_t samples[][OMPK_MAX_PARAMS] = {
	{ 0, 0, 1 }, { 5, 5, 3 },    { 0, 1, 1 },	{ 0, 2, 1 },	 { 0, 3, 2 },
	{ 0, 7, 1 }, { 1, 1023, 1 }, { 1000, 3000, 3 }, { 0, 10000, 1 }, { 1000000, 1000300, 2 },
};

/* fast runs checked without a plain re-count: by a published table, by a spot check. */
static const uint64_t wide_samples[][OMPK_MAX_PARAMS] = {
	{ 0, UINT64_C(4294967296), 1 },
	{ UINT64_C(1000000000000), UINT64_C(1002100000000), 3 },
};

/* The tutorial's run: four jobs, one per thread. */
static const uint64_t demo[OMPK_MAX_PARAMS] = { [P_FROM] = 0, [P_TO] = 50000, [P_JOBS] = 4 };

static int is_prime(uint64_t x)
{
	if (x < 2)
		return 0;
	for (uint64_t d = 2; d < x; d++)
		if (x % d == 0)
			return 0;
	return 1;
}

static int validate(const struct ompk_job *job, char *msg, size_t len)
{
	uint64_t from = job->p[P_FROM], to = job->p[P_TO];

	if (from > to) {
		snprintf(msg, len, "--from: %llu is greater than --to %llu; accepted: from <= to",
			 (unsigned long long)from, (unsigned long long)to);
		return -EINVAL;
	}
	if (to - from > UINT64_MAX / job->p[P_JOBS]) {
		snprintf(msg, len,
			 "--jobs: %llu copies of %llu numbers exceed 2^64-1 tests; accepted: jobs "
			 "* (to - from) < 2^64",
			 (unsigned long long)job->p[P_JOBS], (unsigned long long)(to - from));
		return -EINVAL;
	}
	return 0;
}

/*
 * Estimated seconds of each fast method on one core (measured on this 2-core
 * machine, the bucket sieve of December 2026; only their ratio matters). The
 * sieve costs per number, more as its sieving primes (up to sqrt(to)) grow
 * past the caches, plus the start of a chunk: a first multiple for each
 * sieving prime. The combinatorial pi(x) costs about x^(2/3), and a range
 * needs two of them.
 */
static double sieve_seconds(uint64_t from, uint64_t to)
{
	/* seconds per number against log10(to): 1e9, 1e10, 1e12, 1e14, 1e16, 2^64 */
	static const double at[] = { 9, 10, 12, 14, 16, 19.27 };
	static const double per[] = { 7.4e-11, 9.6e-11, 1.75e-10, 2.6e-10, 4.2e-10, 1.06e-9 };
	const double lg = log10((double)to), root = sqrt((double)to);
	double c = per[0];

	for (size_t i = 1; i < sizeof(at) / sizeof(at[0]); i++)
		if (lg > at[i - 1])
			c = per[i - 1] + (per[i] - per[i - 1]) * (fmin(lg, at[i]) - at[i - 1]) /
						 (at[i] - at[i - 1]);
	/* pi(root) < 1.26 root / ln root, each filed in about 8 ns */
	return (double)(to - from) * c + (root > 2 ? 8e-9 * 1.26 * root / log(root) : 0);
}

static double pi_seconds(uint64_t x)
{
	return x < 2 ? 0 : 2.2e-10 * pow((double)x, 2.0 / 3) + 1e-4;
}

/* Whether the fast variant counts [from, to) as pi(to - 1) - pi(from - 1). */
static bool use_pi(uint64_t from, uint64_t to)
{
	if (to - from < 2 || to - 1 > OMPK_PI_MAX)
		return false;
	return pi_seconds(to - 1) + pi_seconds(from - (from > 0)) < sieve_seconds(from, to);
}

/* Primes in [from, to) as pi(to - 1) - pi(from - 1) (from < to). */
static int pi_range(uint64_t from, uint64_t to, int threads, uint64_t *count)
{
	uint64_t hi, lo = 0;
	int err = ompk_pi(to - 1, threads, &hi);

	if (!err && from > 1)
		err = ompk_pi(from - 1, threads, &lo);
	if (!err)
		*count = hi - lo;
	return err;
}

static int run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	const uint64_t from = job->p[P_FROM], to = job->p[P_TO], jobs = job->p[P_JOBS];
	uint64_t count = 0;
	int err;

	if (v == OMPK_FAST) {
		uint64_t per_job;

		/* The K jobs are copies of one range: counted once. */
		if (use_pi(from, to)) {
			job->method = "lmo";
			err = pi_range(from, to, job->threads, &per_job);
		} else {
			job->method = "sieve";
			err = ompk_sieve_count(from, to, job->threads, job->progress, &per_job);
		}
		if (err)
			return err;
		count = per_job * jobs;
		job->threads_used = job->threads;
	} else if (v == OMPK_SEQ) {
		for (uint64_t j = 0; j < jobs; j++)
			for (uint64_t x = from; x < to; x++)
				count += is_prime(x);
		job->threads_used = 1;
	} else {
#pragma omp parallel num_threads(job->threads) default(none) shared(job, from, to, jobs) \
	reduction(+ : count)
		{
			if (omp_get_thread_num() == 0)
				job->threads_used = omp_get_num_threads();
#pragma omp for collapse(2) schedule(runtime)
			for (uint64_t j = 0; j < jobs; j++)
				for (uint64_t x = from; x < to; x++)
					count += is_prime(x);
		}
	}
	err = ompk_result_scalar(out, "count", count);
	return err ? err : ompk_result_scalar(out, "per_job", count / jobs);
}

static int set_expected(struct ompk_result *out, uint64_t per_job, uint64_t jobs)
{
	int err = ompk_result_scalar(out, "count", per_job * jobs);

	return err ? err : ompk_result_scalar(out, "per_job", per_job);
}

/*
 * For fast runs too large to re-sieve plainly: re-count SAMPLE_WINDOWS
 * windows spread over the range with the plain sieve and with the fast
 * one. The expected total is the fast total corrected by the first
 * window that disagrees, so any disagreement fails verification.
 */
static int spot_check(const struct ompk_job *job, uint64_t fast_total, uint64_t *expected)
{
	const uint64_t from = job->p[P_FROM], span = job->p[P_TO] - from;

	*expected = fast_total;
	for (uint64_t i = 0; i < SAMPLE_WINDOWS; i++) {
		uint64_t lo = from + (span - SAMPLE_WIDTH) / (SAMPLE_WINDOWS - 1) * i, plain, fast;
		int err = ompk_oracle_prime_count(lo, lo + SAMPLE_WIDTH, &plain);

		if (!err)
			err = ompk_sieve_count(lo, lo + SAMPLE_WIDTH, 1, NULL, &fast);
		if (err)
			return err;
		if (plain != fast) {
			*expected = fast_total - fast + plain;
			return 0;
		}
	}
	return 0;
}

/*
 * A fast run measured by pi(to - 1) - pi(from - 1): the ends [from,
 * from + w) and [to - w, to) re-counted by the plain oracle, the middle by
 * the combinatorial count at other points (pi(to - w - 1) - pi(from + w -
 * 1)): other leaves, other tables, and the seams checked by a sieve.
 */
static int pi_spot_check(uint64_t from, uint64_t to, int threads, uint64_t *expected)
{
	const uint64_t w = to > (UINT64_C(1) << 40) ? PI_CHECK_WIDTH / 16 : PI_CHECK_WIDTH;
	uint64_t head, tail, middle;
	int err = ompk_oracle_prime_count(from, from + w, &head);

	if (!err)
		err = ompk_oracle_prime_count(to - w, to, &tail);
	if (!err)
		err = pi_range(from + w, to - w, threads, &middle);
	if (!err)
		*expected = head + middle + tail;
	return err;
}

static int expect(const struct ompk_job *job, struct ompk_result *out, const char **method)
{
	const uint64_t from = job->p[P_FROM], to = job->p[P_TO];
	uint64_t per_job;
	int err;

	if (job->variant == OMPK_FAST && to - from > FULL_CHECK_LIMIT) {
		if (!ompk_oracle_published(from, to, &per_job)) {
			*method = "published table (pi(10^k), pi(2^k), windows [a, a+1e11])";
			return set_expected(out, per_job, job->p[P_JOBS]);
		}
		if (use_pi(from, to)) {
			err = pi_spot_check(from, to, job->threads, &per_job);
			*method = "spot check: plain sieve over both ends, combinatorial pi at "
				  "another split";
		} else if (to - 1 <= OMPK_PI_MAX &&
			   pi_seconds(to - 1) + pi_seconds(from) < PI_CHECK_SECONDS) {
			err = pi_range(from, to, job->threads, &per_job);
			*method = "combinatorial count pi(to-1) - pi(from-1) (LMO)";
		} else {
			/* The measured count, with windows of it re-counted plainly. */
			if (!job->measured)
				return -ENOTSUP;
			err = spot_check(job, job->measured->f[1].v[0], &per_job);
			*method =
				"spot check: 32 windows of 1e6 numbers re-counted by a plain sieve";
		}
		return err ? err : set_expected(out, per_job, job->p[P_JOBS]);
	}
	err = ompk_oracle_prime_count(from, to, &per_job);
	if (err)
		return err;
	*method = to > (UINT64_C(1) << 40) ? "Miller-Rabin, deterministic 64-bit bases"
					   : "plain segmented sieve of Eratosthenes";
	return set_expected(out, per_job, job->p[P_JOBS]);
}

static double work(const struct ompk_job *job)
{
	return (double)(job->p[P_TO] - job->p[P_FROM]) * (double)job->p[P_JOBS];
}

/* Counts add; so do per-job counts, since each part's count is jobs * its per_job. */
static int combine(const struct ompk_job *job, struct ompk_result *acc,
		   const struct ompk_result *part, uint64_t lo, uint64_t hi)
{
	(void)job, (void)lo, (void)hi;
	for (size_t i = 0; i < acc->nfields; i++)
		acc->f[i].v[0] += part->f[i].v[0];
	return 0;
}

/*
 * Trial division of a prime p takes p - 2 divisions and of a composite
 * its smallest factor, so the work below x is dominated by the sum of the
 * primes below x, ~ x^2 / (2 ln x), plus a constant per number. Sieve
 * style variants cost about the same per number: m.
 */
static double cumulative(double x)
{
	return x + x * x / (2 * log(x + 3));
}

static double cost(const struct ompk_job *job, enum ompk_variant v, uint64_t m)
{
	double from = (double)job->p[P_FROM];

	if (v == OMPK_FAST)
		return (double)m;
	return cumulative(from + (double)m) - cumulative(from);
}

const struct ompk_kernel ompk_kernel_primes = {
	.name = "primes",
	.summary = "count primes in [--from, --to), --jobs times (seq, omp: trial division; "
		   "fast: sieve or combinatorial pi(x))",
	OMPK_KERNEL_RANGE_HOOKS, /* units: the numbers, each part counts its own --jobs times */
	.unit = "numbers",
	.validate = validate,
	.demo = demo,
	.uneven = true, /* trial division: larger numbers cost more */
	.cost = cost,
	.wide_samples = wide_samples,
	.nwide_samples = OMPK_COUNT(wide_samples),
};
