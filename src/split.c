/*
 * split.c - one job as consecutive parts of its units, balanced by the
 * kernel's cost model, and their results combined exactly in unit order.
 *
 * Balancing is static: every rank computes the same bounds from the job
 * alone, with no messages. Where a unit's cost varies with its index
 * (trial division of x costs ~x for a prime), the kernel's cost() gives
 * the cumulative cost and the bounds are found by bisection on it, so
 * each part gets ~1/parts of the work rather than of the length.
 */
#include <errno.h>
#include <string.h>

#include "ompkit/split.h"

uint64_t ompk_split_units(const struct ompk_job *job)
{
	return job->kernel->units ? job->kernel->units(job) : 1;
}

static double cost(const struct ompk_job *job, enum ompk_variant v, uint64_t m)
{
	return job->kernel->cost ? job->kernel->cost(job, v, m) : (double)m;
}

int ompk_split_bounds(const struct ompk_job *job, enum ompk_variant v, unsigned parts,
		      uint64_t *bounds)
{
	const uint64_t n = ompk_split_units(job);
	double total;

	if (parts == 0)
		return -EINVAL;
	bounds[0] = 0;
	bounds[parts] = n;
	if (!job->kernel->cost) {
		for (unsigned i = 1; i < parts; i++)
			bounds[i] = (uint64_t)((unsigned __int128)n * i / parts);
		return 0;
	}
	total = cost(job, v, n);
	for (unsigned i = 1; i < parts; i++) {
		/* The smallest m with cost(m) >= total * i / parts. */
		const double target = total * i / parts;
		uint64_t lo = bounds[i - 1], hi = n;

		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;

			if (cost(job, v, mid) >= target)
				hi = mid;
			else
				lo = mid + 1;
		}
		bounds[i] = lo;
	}
	return 0;
}

bool ompk_split_part_runs(const struct ompk_job *job, unsigned i, uint64_t lo, uint64_t hi)
{
	return lo < hi || (i == 0 && ompk_split_units(job) == 0);
}

void ompk_split_subjob(const struct ompk_job *job, uint64_t lo, uint64_t hi, struct ompk_job *sub)
{
	*sub = *job;
	sub->threads_used = 0;
	if (job->kernel->units)
		job->kernel->subjob(job, lo, hi, sub);
}

/* The range kernels' parameters: --from first, --to second. */
enum { P_FROM, P_TO };

uint64_t ompk_split_range_units(const struct ompk_job *job)
{
	return job->p[P_TO] - job->p[P_FROM];
}

void ompk_split_range_subjob(const struct ompk_job *job, uint64_t lo, uint64_t hi,
			     struct ompk_job *sub)
{
	sub->p[P_FROM] = job->p[P_FROM] + lo;
	sub->p[P_TO] = job->p[P_FROM] + hi;
}

int ompk_split_combine(const struct ompk_job *job, struct ompk_result *acc,
		       struct ompk_result *part, uint64_t lo, uint64_t hi)
{
	int err = 0;

	if (part->nfields == 0)
		return 0;
	if (acc->nfields == 0) {
		*acc = *part;
		memset(part, 0, sizeof(*part));
		return 0;
	}
	if (!job->kernel->combine)
		err = -EINVAL; /* two non-empty parts of a kernel that cannot be split */
	else
		err = job->kernel->combine(job, acc, part, lo, hi);
	ompk_result_free(part);
	return err;
}

int ompk_split_run(struct ompk_job *job, enum ompk_variant v, const uint64_t *bounds,
		   unsigned parts, struct ompk_result *out)
{
	struct ompk_result part;
	int err = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < parts && !err; i++) {
		struct ompk_job sub;

		if (!ompk_split_part_runs(job, i, bounds[i], bounds[i + 1]))
			continue;
		ompk_split_subjob(job, bounds[i], bounds[i + 1], &sub);
		memset(&part, 0, sizeof(part));
		err = job->kernel->run(&sub, v, &part);
		if (err) {
			ompk_result_free(&part);
			break;
		}
		if (sub.threads_used > job->threads_used)
			job->threads_used = sub.threads_used;
		err = ompk_split_combine(job, out, &part, bounds[i], bounds[i + 1]);
	}
	if (err)
		ompk_result_free(out);
	return err;
}
