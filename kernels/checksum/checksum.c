/*
 * checksum.c - the byte-fold checksum of the tutorial's image service: per
 * buffer, acc = acc*1099511628211 + byte over its bytes, from acc = 0,
 * wrapping mod 2^64 (the wrap is the definition). Buffer i of --buffers
 * is --size bytes all equal to i % 256; --file PATH is one buffer holding
 * the file's bytes.
 *
 * Variants: seq folds the buffers one after another; omp hands whole
 * buffers to the team with schedule(runtime). The fold of one buffer is a
 * serial chain of multiply-adds, so the plain algorithm has no parallelism
 * inside a buffer. fast removes that limit by algebra: the fold is a
 * polynomial hash, so blocks hashed apart (threads, SIMD lanes) combine
 * exactly (fast.c).
 * Verified by: for uniform buffers, the closed form b*(1 + P + ... +
 * P^(n-1)) in O(log n); for files, folding 64 KiB blocks separately and
 * combining them with H(A||B) = H(A)*P^|B| + H(B).
 * Rate: bytes per second.
 */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/fileio.h"
#include "ompkit/checksum.h"

#include "../descriptor.h"

enum { P_BUFFERS, P_SIZE };

#define P OMPK_FOLD_P
#define ORACLE_BLOCK 65536

static const struct ompk_param params[] = {
	[P_BUFFERS] = { "buffers", "buffers; buffer i holds bytes equal to i % 256", 4, 0,
			1u << 20 },
	[P_SIZE] = { "size", "bytes per buffer", 1000000, 0, UINT64_C(1) << 40 },
};

/* Quick parameter sets for the generic tests. */
static const uint64_t samples[][OMPK_MAX_PARAMS] = {
	{ 0, 10 }, { 1, 0 }, { 1, 1 }, { 7, 7 }, { 3, 1023 }, { 4, 100000 }, { 300, 129 },
};

static uint64_t nbuffers(const struct ompk_job *job)
{
	return job->file ? 1 : job->p[P_BUFFERS];
}

static uint64_t buffer_len(const struct ompk_job *job)
{
	return job->file ? job->data_len : job->p[P_SIZE];
}

static int validate(const struct ompk_job *job, char *msg, size_t len)
{
	if (job->file && job->set) {
		snprintf(msg, len,
			 "--file: cannot be combined with --buffers/--size; accepted: generated "
			 "buffers or a file");
		return -EINVAL;
	}
	/* Refused up front, not by the OOM killer half way through filling. */
	unsigned long long mem = ompk_mem_total();

	if (!job->file && job->p[P_BUFFERS] && mem &&
	    (job->p[P_SIZE] > SIZE_MAX / job->p[P_BUFFERS] ||
	     job->p[P_BUFFERS] * job->p[P_SIZE] > mem)) {
		snprintf(msg, len,
			 "--size: %llu buffers of %llu bytes need more than the %llu bytes of "
			 "memory here; accepted: buffers * size within memory",
			 (unsigned long long)job->p[P_BUFFERS], (unsigned long long)job->p[P_SIZE],
			 mem);
		return -EINVAL;
	}
	return 0;
}

static int prepare(struct ompk_job *job, char *msg, size_t len)
{
	uint8_t *buf;
	size_t bytes;
	int err;

	if (job->file) {
		err = ompk_job_load_file(job);
		if (err)
			snprintf(msg, len,
				 "%s: %s; accepted: a readable file or - for standard input",
				 job->file, strerror(-err));
		return err;
	}
	bytes = (size_t)(job->p[P_BUFFERS] * job->p[P_SIZE]);
	buf = malloc(bytes ? bytes : 1);
	if (!buf) {
		snprintf(msg, len, "--size: cannot allocate %zu bytes for %llu buffers", bytes,
			 (unsigned long long)job->p[P_BUFFERS]);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < job->p[P_BUFFERS]; i++)
		memset(buf + i * job->p[P_SIZE], (int)(i % 256), (size_t)job->p[P_SIZE]);
	job->data = buf;
	job->data_len = bytes;
	job->data_mapped = false;
	return 0;
}

static uint64_t fold(const uint8_t *p, size_t n)
{
	uint64_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc = acc * P + p[i];
	return acc;
}

static int run(struct ompk_job *job, enum ompk_variant v, struct ompk_result *out)
{
	const uint8_t *data = job->data;
	const uint64_t nb = nbuffers(job), blen = buffer_len(job);
	uint64_t *sums;
	int err = ompk_result_add(out, "checksums", true, nb, &sums);

	if (err)
		return err;
	if (v == OMPK_SEQ) {
		for (uint64_t i = 0; i < nb; i++)
			sums[i] = fold(data + i * blen, blen);
		job->threads_used = 1;
		return 0;
	}
	if (v == OMPK_FAST) {
		/* Each buffer split over the team and SIMD lanes, recombined exactly. */
		for (uint64_t i = 0; i < nb; i++)
			sums[i] = ompk_fold_fast(data + i * blen, (size_t)blen, job->threads);
		job->threads_used = job->threads;
		return 0;
	}
#pragma omp parallel num_threads(job->threads) default(none) shared(job, data, nb, blen, sums)
	{
		if (omp_get_thread_num() == 0)
			job->threads_used = omp_get_num_threads();
#pragma omp for schedule(runtime)
		for (uint64_t i = 0; i < nb; i++)
			sums[i] = fold(data + i * blen, blen);
	}
	return 0;
}

static int expect(const struct ompk_job *job, struct ompk_result *out, const char **method)
{
	const uint64_t nb = nbuffers(job), blen = buffer_len(job);
	const uint8_t *data = job->data;
	uint64_t *sums;
	int err = ompk_result_add(out, "checksums", true, nb, &sums);

	if (err)
		return err;
	if (!job->file) {
		for (uint64_t i = 0; i < nb; i++)
			sums[i] = ompk_oracle_fold_uniform((uint8_t)(i % 256), blen);
		*method = "closed form b*(1 + P + ... + P^(n-1)) by repeated squaring";
		return 0;
	}
	/* H(A||B) = H(A)*P^|B| + H(B), over blocks of ORACLE_BLOCK bytes. */
	uint64_t acc = 0, pb = ompk_pow_u64(P, ORACLE_BLOCK);

	for (uint64_t off = 0; off < blen; off += ORACLE_BLOCK) {
		uint64_t n = blen - off < ORACLE_BLOCK ? blen - off : ORACLE_BLOCK;

		acc = acc * (n == ORACLE_BLOCK ? pb : ompk_pow_u64(P, n)) +
		      fold(data + off, (size_t)n);
	}
	sums[0] = acc;
	*method = "64 KiB blocks combined by H(A||B) = H(A)*P^|B| + H(B)";
	return 0;
}

static double work(const struct ompk_job *job)
{
	return (double)nbuffers(job) * (double)buffer_len(job);
}

/*
 * Units: the bytes of a single buffer (a file, or --buffers 1), so one
 * large input is split by byte ranges; otherwise whole buffers.
 */
static uint64_t units(const struct ompk_job *job)
{
	return nbuffers(job) == 1 ? buffer_len(job) : nbuffers(job);
}

static void subjob(const struct ompk_job *job, uint64_t lo, uint64_t hi, struct ompk_job *sub)
{
	if (nbuffers(job) == 1) {
		sub->data = (uint8_t *)job->data + lo;
		sub->data_len = (size_t)(hi - lo);
		sub->p[P_SIZE] = hi - lo;
	} else {
		sub->data = (uint8_t *)job->data + lo * buffer_len(job);
		sub->p[P_BUFFERS] = hi - lo;
	}
}

/*
 * Bytes: the fold of A||B is H(A)*P^|B| + H(B) mod 2^64 (|B| = hi - lo
 * bytes), since folding B starts from H(A) and each of its |B| steps
 * multiplies what came before by P. Buffers: their checksums in order.
 */
static int combine(const struct ompk_job *job, struct ompk_result *acc,
		   const struct ompk_result *part, uint64_t lo, uint64_t hi)
{
	if (nbuffers(job) != 1)
		return ompk_result_concat(acc, part);
	acc->f[0].v[0] = acc->f[0].v[0] * ompk_pow_u64(P, hi - lo) + part->f[0].v[0];
	return 0;
}

const struct ompk_kernel ompk_kernel_checksum = {
	.name = "checksum",
	.summary = "byte-fold checksum acc = acc*1099511628211 + byte of each buffer, mod 2^64",
	OMPK_KERNEL_STANDARD_HOOKS,
	.file_help = "checksum this file's bytes as one buffer (- is standard input)",
	.unit = "bytes",
	OMPK_KERNEL_FILE_HOOKS,
};
