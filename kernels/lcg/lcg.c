/*
 * lcg.c - LCG mixing: for each seed s in [0, seeds), x = s, then `iters`
 * times x = 6364136223846793005*x + 1442695040888963407 (mod 2^64, the
 * wrap is the definition). The result is the array of final values.
 *
 * Variants: seq runs the seeds one after another; omp spreads the seeds
 * over the team (each chain is a serial dependency, so seeds are the only
 * parallelism the plain algorithm has); fast jumps ahead in O(log iters)
 * per seed (fast.c), so iterations up to 2^64-1 take microseconds.
 * Verified by: the O(log n) jump-ahead for seq and omp, a different
 * algorithm that needs no loop over the iterations; for fast, which is the
 * jump-ahead, the closed form with 2-adic division (fast.c).
 * Rate: LCG steps per second (seeds * iters).
 */
#include <errno.h>
#include <omp.h>
#include <stdio.h>

#include "ompkit/lcg.h"

#include "../descriptor.h"

enum { P_SEEDS, P_ITERS };

#define FAST_PARALLEL_SEEDS 4096

static const struct ompk_param params[] = {
	[P_SEEDS] = { "seeds", "seeds 0 .. N-1, one chain each", 8, 0, UINT64_C(1) << 28 },
	[P_ITERS] = { "iters", "LCG steps per seed", 50000000, 0, UINT64_MAX },
};

/* Quick parameter sets for the generic tests. */
static const uint64_t samples[][OMPK_MAX_PARAMS] = {
	{ 0, 10 }, { 1, 0 }, { 1, 1 }, { 7, 1023 }, { 3, 100000 }, { 64, 777 }, { 1023, 5 },
};

static uint64_t chain(uint64_t x, uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		x = x * OMPK_LCG_A + OMPK_LCG_C;
	return x;
}

static int run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	const uint64_t seeds = job->p[P_SEEDS], iters = job->p[P_ITERS], first = job->first;
	uint64_t *finals;
	int err = ompk_result_add(out, "finals", true, seeds, &finals);

	if (err)
		return err;
	if (v == OMPK_SEQ) {
		for (uint64_t s = 0; s < seeds; s++)
			finals[s] = chain(first + s, iters);
		job->threads_used = 1;
		return 0;
	}
	if (v == OMPK_FAST) {
		/* O(log iters) per seed: a handful of seeds is not worth a fork. */
#pragma omp parallel num_threads(job->threads) if (seeds >= FAST_PARALLEL_SEEDS) default(none) \
	shared(job, finals, seeds, iters, first)
		{
			if (omp_get_thread_num() == 0)
				job->threads_used = omp_get_num_threads();
#pragma omp for schedule(static)
			for (uint64_t s = 0; s < seeds; s++)
				finals[s] = ompk_lcg_jump(first + s, iters, OMPK_LCG_A, OMPK_LCG_C);
		}
		return 0;
	}
#pragma omp parallel num_threads(job->threads) default(none) \
	shared(job, finals, seeds, iters, first)
	{
		if (omp_get_thread_num() == 0)
			job->threads_used = omp_get_num_threads();
#pragma omp for schedule(runtime)
		for (uint64_t s = 0; s < seeds; s++)
			finals[s] = chain(first + s, iters);
	}
	return 0;
}

static int expect(const struct ompk_job *job, struct ompk_result *out, const char **method)
{
	uint64_t *finals;
	int err = ompk_result_add(out, "finals", true, job->p[P_SEEDS], &finals);

	if (err)
		return err;
	/* fast is the jump-ahead itself: check it by the closed form instead. */
	if (job->variant == OMPK_FAST) {
		for (uint64_t s = 0; s < job->p[P_SEEDS]; s++)
			finals[s] = ompk_lcg_closed_form(job->first + s, job->p[P_ITERS],
							 OMPK_LCG_A, OMPK_LCG_C);
		*method = "closed form a^n*x + c*(a^n-1)/(a-1) via 2-adic division";
		return 0;
	}
	for (uint64_t s = 0; s < job->p[P_SEEDS]; s++)
		finals[s] = ompk_lcg_jump(job->first + s, job->p[P_ITERS], OMPK_LCG_A, OMPK_LCG_C);
	*method = "O(log n) jump-ahead";
	return 0;
}

static double work(const struct ompk_job *job)
{
	return (double)job->p[P_SEEDS] * (double)job->p[P_ITERS];
}

/* Units: the seeds; a part of seeds [lo, hi) starts at seed first + lo. */
static uint64_t units(const struct ompk_job *job)
{
	return job->p[P_SEEDS];
}

static void subjob(const struct ompk_job *job, uint64_t lo, uint64_t hi, struct ompk_job *sub)
{
	sub->p[P_SEEDS] = hi - lo;
	sub->first = job->first + lo;
}

/* The finals of consecutive seed ranges, in seed order. */
static int combine(const struct ompk_job *job, struct ompk_result *acc,
		   const struct ompk_result *part, uint64_t lo, uint64_t hi)
{
	(void)job, (void)lo, (void)hi;
	return ompk_result_concat(acc, part);
}

const struct ompk_kernel ompk_kernel_lcg = {
	.name = "lcg",
	.summary = "final value of an LCG chain of --iters steps from each seed in [0, --seeds)",
	OMPK_KERNEL_STANDARD_HOOKS,
	.unit = "steps",
};
