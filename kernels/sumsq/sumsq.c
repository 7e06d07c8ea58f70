/*
 * sumsq.c - sum of squares: the sum of x*x over x in [from, to), or over
 * the u64 values of a file (raw little-endian, 8 bytes each), wrapping
 * mod 2^64 (the wrap is the definition).
 *
 * Variants: seq is the plain loop; omp splits the values into blocks of
 * BLOCK handed out with schedule(runtime) and adds them with a reduction
 * (addition mod 2^64 is associative and commutative, so any order gives
 * the same bits); fast adds explicit SIMD (64-bit lane multiplies) under
 * the threads (fast.c).
 * Verified by: the closed form (n-1)n(2n-1)/6 for ranges; for files, a
 * recomputation through 32-bit halves, (h*2^32 + l)^2 = l^2 + 2hl*2^32
 * mod 2^64, which shares no multiplication with the kernel.
 * Rate: values per second.
 */
#include <endian.h>
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/fileio.h"
#include "ompkit/sumsq.h"

#include "../descriptor.h"

enum { P_FROM, P_TO };

#define BLOCK (1u << 14)

static const struct ompk_param params[] = {
	[P_FROM] = { "from", "first value", 0, 0, UINT64_MAX },
	[P_TO] = { "to", "end of the range (excluded)", 1000000, 0, UINT64_MAX },
};

/* Quick parameter sets for the generic tests. */
static const uint64_t samples[][OMPK_MAX_PARAMS] = {
	{ 0, 0 },
	{ 0, 1 },
	{ 5, 12 },
	{ 0, 1023 },
	{ 3, 100003 },
	{ UINT64_C(18446744073709500000), UINT64_MAX },
	{ UINT64_C(4294967000), UINT64_C(4294968000) },
};

static int validate(const struct ompk_job *job, char *msg, size_t len)
{
	if (job->file && job->set) {
		snprintf(
			msg, len,
			"--file: cannot be combined with --from/--to; accepted: a range or a file");
		return -EINVAL;
	}
	if (job->p[P_FROM] > job->p[P_TO]) {
		snprintf(msg, len, "--from: %llu is greater than --to %llu; accepted: from <= to",
			 (unsigned long long)job->p[P_FROM], (unsigned long long)job->p[P_TO]);
		return -EINVAL;
	}
	return 0;
}

static int prepare(struct ompk_job *job, char *msg, size_t len)
{
	int err;

	if (!job->file)
		return 0;
	err = ompk_job_load_file(job);
	if (err) {
		snprintf(msg, len, "%s: %s; accepted: a readable file of little-endian u64 values",
			 job->file, strerror(-err));
		return err;
	}
	if (job->data_len % 8) {
		snprintf(msg, len,
			 "%s: %zu bytes is not a multiple of 8; accepted: raw little-endian u64 "
			 "values",
			 job->file, job->data_len);
		ompk_job_release_data(job);
		return -EINVAL;
	}
#if __BYTE_ORDER != __LITTLE_ENDIAN
	uint64_t *v = job->data;

	for (size_t i = 0; i < job->data_len / 8; i++)
		v[i] = le64toh(v[i]);
#endif
	return 0;
}

/* The values, as an array or as the range. */
static inline uint64_t value(const struct ompk_job *job, const uint64_t *v, uint64_t i)
{
	return v ? v[i] : job->p[P_FROM] + i;
}

static uint64_t count(const struct ompk_job *job)
{
	return job->data ? job->data_len / 8 : job->p[P_TO] - job->p[P_FROM];
}

static int run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	const uint64_t *data = job->data, n = count(job);
	uint64_t sum = 0;

	if (v == OMPK_FAST) {
		sum = data ? ompk_sumsq_fast(data, (size_t)n, job->threads)
			   : ompk_sumsq_range_fast(job->p[P_FROM], job->p[P_TO], job->threads);
		job->threads_used = job->threads;
	} else if (v == OMPK_SEQ) {
		if (data)
			for (uint64_t i = 0; i < n; i++)
				sum += data[i] * data[i];
		else
			for (uint64_t x = job->p[P_FROM]; x < job->p[P_TO]; x++)
				sum += x * x;
		job->threads_used = 1;
	} else {
		const uint64_t nblocks = n / BLOCK + (n % BLOCK != 0);

#pragma omp parallel num_threads(job->threads) default(none) shared(job, data, n, nblocks) \
	reduction(+ : sum)
		{
			if (omp_get_thread_num() == 0)
				job->threads_used = omp_get_num_threads();
#pragma omp for schedule(runtime)
			for (uint64_t k = 0; k < nblocks; k++) {
				uint64_t hi = n - k * BLOCK > BLOCK ? (k + 1) * BLOCK : n;

				for (uint64_t i = k * BLOCK; i < hi; i++) {
					uint64_t x = value(job, data, i);

					sum += x * x;
				}
			}
		}
	}
	return ompk_result_scalar(out, "sum", sum);
}

static int expect(const struct ompk_job *job, struct ompk_result *out, const char **method)
{
	const uint64_t *data = job->data;
	uint64_t sum = 0;

	if (!data) {
		*method = "closed form (n-1)n(2n-1)/6";
		return ompk_result_scalar(out, "sum",
					  ompk_oracle_sumsq_range(job->p[P_FROM], job->p[P_TO]));
	}
	for (uint64_t i = 0; i < job->data_len / 8; i++) {
		uint64_t lo = data[i] & 0xffffffffu, hi = data[i] >> 32;

		sum += lo * lo + ((2 * hi * lo) << 32);
	}
	*method = "recomputation through 32-bit halves";
	return ompk_result_scalar(out, "sum", sum);
}

static double work(const struct ompk_job *job)
{
	return (double)count(job);
}

/* Units: the values, of the range or of the file. */
static uint64_t units(const struct ompk_job *job)
{
	return count(job);
}

static void subjob(const struct ompk_job *job, uint64_t lo, uint64_t hi, struct ompk_job *sub)
{
	if (job->data) {
		sub->data = (uint64_t *)job->data + lo;
		sub->data_len = (size_t)(hi - lo) * 8;
	} else {
		ompk_split_range_subjob(job, lo, hi, sub);
	}
}

/* Addition mod 2^64: any split gives the same bits. */
static int combine(const struct ompk_job *job, struct ompk_result *acc,
		   const struct ompk_result *part, uint64_t lo, uint64_t hi)
{
	(void)job, (void)lo, (void)hi;
	acc->f[0].v[0] += part->f[0].v[0];
	return 0;
}

const struct ompk_kernel ompk_kernel_sumsq = {
	.name = "sumsq",
	.summary = "sum of x*x mod 2^64 over [--from, --to) or the u64 values of --file",
	OMPK_KERNEL_STANDARD_HOOKS,
	.file_help = "raw little-endian u64 values instead of the range (- is standard input)",
	.unit = "values",
	OMPK_KERNEL_FILE_HOOKS,
};
