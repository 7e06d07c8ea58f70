/*
 * collatz.c - the longest Collatz chain: the n in [from, to) with the most
 * steps to reach 1 (a step is n/2 for even n, 3n+1 for odd n); ties go to
 * the smallest n. Trajectories are followed exactly: in 64-bit while they
 * fit, in 128-bit past 2^64, and a value that would outgrow 128 bits
 * stops the run with -EOVERFLOW rather than wrapping.
 *
 * Variants: seq is the plain loop over n; omp hands out blocks of BLOCK
 * consecutive n with schedule(runtime) (one n is ~100 ns of work, too
 * little to schedule alone) and reduces with a max-location that keeps
 * the smallest n on ties.
 * fast (fast.c) searches only where the maximum can lie, skips
 * residues proven to lose, and jumps many steps per table lookup.
 * Verified by: the oracle in oracle.c (odd-step shortcut, table of
 * small values, a separate 128-bit path). fast runs wider than 5e7 are
 * checked against the published records where the range is [1, 10^k), else
 * by a spot check (the winner recomputed, 100000 sampled values).
 * Rate: starting values per second.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "ompkit/collatz.h"

#include "../descriptor.h"

enum { P_FROM, P_TO };

#define BLOCK 64

/* fast runs over wider ranges are checked by table or spot check. */
#define FULL_CHECK_LIMIT UINT64_C(50000000)
#define SPOT_SAMPLES 100000

static const struct ompk_param params[] = {
	[P_FROM] = { "from", "first starting value (>= 1)", 1, 1, UINT64_MAX },
	[P_TO] = { "to", "end of the range (excluded)", 100000, 1, UINT64_MAX },
};

/* Quick parameter sets for the generic tests. */
static const uint64_t samples[][OMPK_MAX_PARAMS] = {
	{ 1, 2 },
	{ 1, 8 },
	{ 2, 3 },
	{ 27, 28 },
	{ 1, 1024 },
	{ 1000, 30000 },
	{ 65, 129 },
	{ 1, 100000 },
	{ UINT64_C(18446744073709551600), UINT64_C(18446744073709551615) },
};

/* fast runs checked without a second search: by the published records, by a spot check. */
static const uint64_t wide_samples[][OMPK_MAX_PARAMS] = {
	{ 1, 100000000 },
	{ 1000000000, 1060000000 },
};

struct best {
	uint64_t n, steps;
};

static int better(struct best a, struct best b)
{
	return a.steps > b.steps || (a.steps == b.steps && a.n < b.n);
}

#pragma omp declare reduction(best_of                                                 \
			      : struct best                                           \
			      : omp_out = better(omp_in, omp_out) ? omp_in : omp_out) \
	initializer(omp_priv = (struct best){ UINT64_MAX, 0 })

/* The rest of a trajectory that has passed 2^64. */
static int steps_wide(unsigned __int128 n, uint64_t s, uint64_t *out)
{
	const unsigned __int128 limit = (~(unsigned __int128)0 - 1) / 3;

	while (n != 1) {
		if (n & 1) {
			if (n > limit)
				return -EOVERFLOW;
			n = 3 * n + 1;
		} else {
			n /= 2;
		}
		s++;
	}
	*out = s;
	return 0;
}

static int steps_of(uint64_t n, uint64_t *out)
{
	uint64_t s = 0;

	while (n != 1) {
		if (n & 1) {
			if (n > (UINT64_MAX - 1) / 3)
				return steps_wide((unsigned __int128)n, s, out);
			n = 3 * n + 1;
		} else {
			n /= 2;
		}
		s++;
	}
	*out = s;
	return 0;
}

static int validate(const struct ompk_job *job, char *msg, size_t len)
{
	if (job->p[P_FROM] >= job->p[P_TO]) {
		snprintf(msg, len,
			 "--from: %llu is not below --to %llu; accepted: 1 <= from < to (the range "
			 "must hold a value)",
			 (unsigned long long)job->p[P_FROM], (unsigned long long)job->p[P_TO]);
		return -EINVAL;
	}
	return 0;
}

/* The plain search over [lo, hi), folded into *b. 0 or -EOVERFLOW. */
static int scan(uint64_t lo, uint64_t hi, struct best *b)
{
	for (uint64_t n = lo; n < hi; n++) {
		struct best c = { n, 0 };
		int err = steps_of(n, &c.steps);

		if (err)
			return err;
		if (better(c, *b))
			*b = c;
	}
	return 0;
}

static int run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	const uint64_t from = job->p[P_FROM], to = job->p[P_TO];
	struct best b = { UINT64_MAX, 0 };
	int err = 0;

	if (v == OMPK_FAST) {
		err = ompk_collatz_fast(from, to, job->threads, job->progress, &b.n, &b.steps);
		job->threads_used = job->threads;
	} else if (v == OMPK_SEQ) {
		err = scan(from, to, &b);
		job->threads_used = 1;
	} else {
		const uint64_t nblocks = (to - from) / BLOCK + ((to - from) % BLOCK != 0);

#pragma omp parallel num_threads(job->threads) default(none) shared(job, from, to, nblocks, err) \
	reduction(best_of                                                                        \
		  : b)
		{
			if (omp_get_thread_num() == 0)
				job->threads_used = omp_get_num_threads();
#pragma omp for schedule(runtime)
			for (uint64_t k = 0; k < nblocks; k++) {
				uint64_t lo = from + k * BLOCK,
					 hi = to - lo > BLOCK ? lo + BLOCK : to;

				if (scan(lo, hi, &b) < 0) {
#pragma omp atomic write
					err = -EOVERFLOW;
				}
			}
		}
	}
	if (err)
		return err;
	err = ompk_result_scalar(out, "n", b.n);
	return err ? err : ompk_result_scalar(out, "steps", b.steps);
}

/* The longest chains below 10^k (OEIS A006877 / A006878). */
static const struct {
	uint64_t below, n, steps;
} records[] = {
	{ UINT64_C(100000), 77031, 350 },
	{ UINT64_C(1000000), 837799, 524 },
	{ UINT64_C(10000000), 8400511, 685 },
	{ UINT64_C(100000000), 63728127, 949 },
	{ UINT64_C(1000000000), 670617279, 986 },
	{ UINT64_C(10000000000), UINT64_C(9780657630), 1132 },
	{ UINT64_C(100000000000), UINT64_C(75128138247), 1228 },
	{ UINT64_C(1000000000000), UINT64_C(989345275647), 1348 },
};

static int set_expected(struct ompk_result *out, uint64_t n, uint64_t steps)
{
	int err = ompk_result_scalar(out, "n", n);

	return err ? err : ompk_result_scalar(out, "steps", steps);
}

/*
 * For fast runs too large to search again: the winner's step count by the
 * oracle's own route, and SPOT_SAMPLES starting values spread over the
 * range, none of which may beat it (or tie it from below). The expected
 * result is the measured one unless a sample contradicts it (or the
 * measured winner is not in the range).
 */
static int spot_check(const struct ompk_job *job, uint64_t *n, uint64_t *steps)
{
	const uint64_t from = job->p[P_FROM], to = job->p[P_TO];
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
	uint64_t *ns = malloc((SPOT_SAMPLES + 1) * sizeof(*ns)),
		 *ss = malloc((SPOT_SAMPLES + 1) * sizeof(*ss));
	int err = -ENOMEM;

	if (!ns || !ss)
		goto out;
	/* A claimed winner outside the range wins nothing in it: the samples start from `from`. */
	ns[0] = job->measured->f[0].v[0];
	if (ns[0] < from || ns[0] >= to)
		ns[0] = from;
	for (size_t i = 1; i <= SPOT_SAMPLES; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ns[i] = from + x % (to - from);
	}
	err = ompk_oracle_collatz_points(ns, SPOT_SAMPLES + 1, ss);
	if (err)
		goto out;
	*n = ns[0];
	*steps = ss[0];
	for (size_t i = 1; i <= SPOT_SAMPLES; i++) {
		if (ss[i] > *steps || (ss[i] == *steps && ns[i] < *n)) {
			*n = ns[i];
			*steps = ss[i];
		}
	}
out:
	free(ns);
	free(ss);
	return err;
}

static int expect(const struct ompk_job *job, struct ompk_result *out, const char **method)
{
	const uint64_t from = job->p[P_FROM], to = job->p[P_TO];
	uint64_t n, steps;
	int err;

	if (job->variant == OMPK_FAST && to - from > FULL_CHECK_LIMIT) {
		for (size_t i = 0; i < OMPK_COUNT(records); i++) {
			if (from == 1 && to == records[i].below) {
				*method = "published records (OEIS A006877/A006878)";
				return set_expected(out, records[i].n, records[i].steps);
			}
		}
		if (!job->measured)
			return -ENOTSUP;
		err = spot_check(job, &n, &steps);
		if (err)
			return err;
		*method = "spot check: the winner recomputed by the oracle, 100000 sampled values "
			  "do not beat it";
		return set_expected(out, n, steps);
	}
	err = ompk_oracle_collatz(from, to, &n, &steps);
	if (err)
		return err;
	*method = "odd-step shortcut with a small-value table";
	return set_expected(out, n, steps);
}

static double work(const struct ompk_job *job)
{
	return (double)(job->p[P_TO] - job->p[P_FROM]);
}

/* The max-location of the union: more steps wins, equal steps go to the smaller n. */
static int combine(const struct ompk_job *job, struct ompk_result *acc,
		   const struct ompk_result *part, uint64_t lo, uint64_t hi)
{
	struct best a = { acc->f[0].v[0], acc->f[1].v[0] },
		    p = { part->f[0].v[0], part->f[1].v[0] };

	(void)job, (void)lo, (void)hi;
	if (better(p, a)) {
		acc->f[0].v[0] = p.n;
		acc->f[1].v[0] = p.steps;
	}
	return 0;
}

/* The mean stopping time of n grows like ln n, so the work below x is ~ x ln x. */
static double cumulative(double x)
{
	return x * log(x + 2);
}

static double cost(const struct ompk_job *job, enum ompk_variant v, uint64_t m)
{
	double from = (double)job->p[P_FROM];

	(void)v;
	return cumulative(from + (double)m) - cumulative(from);
}

const struct ompk_kernel ompk_kernel_collatz = {
	.name = "collatz",
	.summary = "the n in [--from, --to) with the longest Collatz chain (ties: smallest n)",
	OMPK_KERNEL_RANGE_HOOKS, /* units: the starting values */
	.unit = "numbers",
	.validate = validate,
	.cost = cost,
	.wide_samples = wide_samples,
	.nwide_samples = OMPK_COUNT(wide_samples),
};
