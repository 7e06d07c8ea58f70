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
 * Verified by: a segmented sieve of Eratosthenes (Miller-Rabin above
 * 2^40), times K.
 * Rate: numbers tested per second (K * (to - from)).
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>

#include "ompkit/kernel.h"
#include "ompkit/oracle.h"

enum { P_FROM, P_TO, P_JOBS };

static const struct ompk_param params[] = {
	[P_FROM] = { "from", "first number tested", 0, 0, UINT64_MAX },
	[P_TO] = { "to", "end of the range (excluded)", 50000, 0, UINT64_MAX },
	[P_JOBS] = { "jobs", "independent copies of the range", 1, 1, 1000000 },
};

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
		snprintf(msg, len, "--jobs: %llu copies of %llu numbers exceed 2^64-1 tests; accepted: jobs * (to - from) < 2^64",
			 (unsigned long long)job->p[P_JOBS], (unsigned long long)(to - from));
		return -EINVAL;
	}
	return 0;
}

static int run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	const uint64_t from = job->p[P_FROM], to = job->p[P_TO], jobs = job->p[P_JOBS];
	uint64_t count = 0;
	int err;

	if (v == OMPK_SEQ) {
		for (uint64_t j = 0; j < jobs; j++)
			for (uint64_t x = from; x < to; x++)
				count += is_prime(x);
		job->threads_used = 1;
	} else {
#pragma omp parallel num_threads(job->threads) default(none) shared(job, from, to, jobs) reduction(+ : count)
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

static int expect(const struct ompk_job *job, struct ompk_result *out, const char **method)
{
	uint64_t per_job;
	int err = ompk_oracle_prime_count(job->p[P_FROM], job->p[P_TO], &per_job);

	if (err)
		return err;
	*method = job->p[P_TO] > (UINT64_C(1) << 40) ? "Miller-Rabin, deterministic 64-bit bases"
						      : "segmented sieve of Eratosthenes";
	err = ompk_result_scalar(out, "count", per_job * job->p[P_JOBS]);
	return err ? err : ompk_result_scalar(out, "per_job", per_job);
}

static double work(const struct ompk_job *job)
{
	return (double)(job->p[P_TO] - job->p[P_FROM]) * (double)job->p[P_JOBS];
}

/* Units: the numbers of the range (each part counts its numbers --jobs times). */
static uint64_t units(const struct ompk_job *job)
{
	return job->p[P_TO] - job->p[P_FROM];
}

static void subjob(const struct ompk_job *job, uint64_t lo, uint64_t hi, struct ompk_job *sub)
{
	sub->p[P_FROM] = job->p[P_FROM] + lo;
	sub->p[P_TO] = job->p[P_FROM] + hi;
}

/* Counts add; so do per-job counts, since each part's count is jobs * its per_job. */
static int combine(const struct ompk_job *job, struct ompk_result *acc, const struct ompk_result *part,
		   uint64_t lo, uint64_t hi)
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
	.summary = "count primes in [--from, --to) by naive trial division, --jobs times",
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
