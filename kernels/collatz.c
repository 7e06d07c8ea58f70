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
 * Verified by: the oracle in oracle_collatz.c (odd-step shortcut, table of
 * small values, a separate 128-bit path).
 * Rate: starting values per second.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>

#include "ompkit/kernel.h"
#include "ompkit/oracle.h"

enum { P_FROM, P_TO };

#define BLOCK 64

static const struct ompk_param params[] = {
	[P_FROM] = { "from", "first starting value (>= 1)", 1, 1, UINT64_MAX },
	[P_TO] = { "to", "end of the range (excluded)", 100000, 1, UINT64_MAX },
};

struct best {
	uint64_t n, steps;
};

static int better(struct best a, struct best b)
{
	return a.steps > b.steps || (a.steps == b.steps && a.n < b.n);
}

#pragma omp declare reduction(best_of : struct best : omp_out = better(omp_in, omp_out) ? omp_in : omp_out) \
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
		snprintf(msg, len, "--from: %llu is not below --to %llu; accepted: 1 <= from < to (the range must hold a value)",
			 (unsigned long long)job->p[P_FROM], (unsigned long long)job->p[P_TO]);
		return -EINVAL;
	}
	return 0;
}

static int run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	const uint64_t from = job->p[P_FROM], to = job->p[P_TO];
	struct best b = { UINT64_MAX, 0 };
	int err = 0;

	if (v == OMPK_SEQ) {
		for (uint64_t n = from; n < to && !err; n++) {
			struct best c = { n, 0 };

			err = steps_of(n, &c.steps);
			if (better(c, b))
				b = c;
		}
		job->threads_used = 1;
	} else {
		const uint64_t nblocks = (to - from) / BLOCK + ((to - from) % BLOCK != 0);

#pragma omp parallel num_threads(job->threads) default(none) shared(job, from, to, nblocks, err) \
	reduction(best_of : b)
		{
			if (omp_get_thread_num() == 0)
				job->threads_used = omp_get_num_threads();
#pragma omp for schedule(runtime)
			for (uint64_t k = 0; k < nblocks; k++) {
				uint64_t lo = from + k * BLOCK, hi = to - lo > BLOCK ? lo + BLOCK : to;

				for (uint64_t n = lo; n < hi; n++) {
					struct best c = { n, 0 };

					if (steps_of(n, &c.steps) < 0) {
#pragma omp atomic write
						err = -EOVERFLOW;
						break;
					}
					if (better(c, b))
						b = c;
				}
			}
		}
	}
	if (err)
		return err;
	err = ompk_result_scalar(out, "n", b.n);
	return err ? err : ompk_result_scalar(out, "steps", b.steps);
}

static int expect(const struct ompk_job *job, struct ompk_result *out, const char **method)
{
	uint64_t n, steps;
	int err = ompk_oracle_collatz(job->p[P_FROM], job->p[P_TO], &n, &steps);

	if (err)
		return err;
	*method = "odd-step shortcut with a small-value table";
	err = ompk_result_scalar(out, "n", n);
	return err ? err : ompk_result_scalar(out, "steps", steps);
}

static double work(const struct ompk_job *job)
{
	return (double)(job->p[P_TO] - job->p[P_FROM]);
}

static uint64_t units(const struct ompk_job *job)
{
	return job->p[P_TO] - job->p[P_FROM];
}

static void subjob(const struct ompk_job *job, uint64_t lo, uint64_t hi, struct ompk_job *sub)
{
	sub->p[P_FROM] = job->p[P_FROM] + lo;
	sub->p[P_TO] = job->p[P_FROM] + hi;
}

/* The max-location of the union: more steps wins, equal steps go to the smaller n. */
static int combine(const struct ompk_job *job, struct ompk_result *acc, const struct ompk_result *part,
		   uint64_t lo, uint64_t hi)
{
	struct best a = { acc->f[0].v[0], acc->f[1].v[0] }, p = { part->f[0].v[0], part->f[1].v[0] };

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
	.params = params,
	.nparams = sizeof(params) / sizeof(params[0]),
	.variants = OMPK_VARIANT_BIT(OMPK_SEQ) | OMPK_VARIANT_BIT(OMPK_OMP),
	.unit = "numbers",
	.validate = validate,
	.run = run,
	.expect = expect,
	.work = work,
	.units = units,
	.subjob = subjob,
	.combine = combine,
	.cost = cost,
};
