/*
 * shard_kind.c - the table of what each kind of shard means to the loader
 * (see shard_kind.h). Adding a kernel the loader can run is one row here.
 * Calls only the kernels' oracles.
 */
#include <endian.h>
#include <string.h>

#include "shard_kind.h"
#include "ompkit/checksum.h"
#include "ompkit/driver.h"
#include "ompkit/registry.h"
#include "ompkit/sumsq.h"

/* Shard i holds the u64 values i*n .. i*n+n-1 (the tutorial's fetch_shard). */
static void sumsq_fill(uint8_t *buf, uint64_t idx, uint64_t n)
{
	uint64_t *v = (uint64_t *)buf;

	for (uint64_t j = 0; j < n; j++)
		v[j] = idx * n + j;
}

/* Together the shards hold 0 .. S*n-1 once each. */
static void sumsq_closed(uint64_t shards, uint64_t n, uint64_t *v)
{
	v[0] = ompk_oracle_sumsq_range(0, shards * n);
}

/* The values of consecutive shards are one array: one sum. */
static void sumsq_input(struct ompk_job *job, uint64_t m, uint64_t n)
{
	(void)job, (void)m, (void)n;
}

/* Consecutive shards are the kernel's generated buffers: one checksum each. */
static void checksum_input(struct ompk_job *job, uint64_t m, uint64_t n)
{
	job->p[ompk_param_index(job->kernel, "buffers")] = m;
	job->p[ompk_param_index(job->kernel, "size")] = n;
}

/* Shard i holds n bytes equal to i % 256 (the tutorial's image service). */
static void checksum_fill(uint8_t *buf, uint64_t idx, uint64_t n)
{
	memset(buf, (int)(idx % 256), (size_t)n);
}

static void checksum_closed(uint64_t shards, uint64_t n, uint64_t *v)
{
	for (uint64_t i = 0; i < shards; i++)
		v[i] = ompk_oracle_fold_uniform((uint8_t)(i % 256), n);
}

const struct ompk_shard_kind ompk__shard_kinds[] = {
	{
		.kernel = &ompk_kernel_sumsq,
		.unit = "values",
		.elem = 8,
		.le64 = true,
		.field = "sum",
		.per_shard = false,
		.fill = sumsq_fill,
		.input = sumsq_input,
		.closed_form = sumsq_closed,
		.closed_method = "closed form (n-1)n(2n-1)/6 over all shards",
	},
	{
		.kernel = &ompk_kernel_checksum,
		.unit = "bytes",
		.elem = 1,
		.le64 = false,
		.field = "checksums",
		.per_shard = true,
		.fill = checksum_fill,
		.input = checksum_input,
		.closed_form = checksum_closed,
		.closed_method = "closed form b*(1 + P + ... + P^(n-1)) per shard",
	},
};

const size_t ompk__nshard_kinds = OMPK_COUNT(ompk__shard_kinds);

const struct ompk_shard_kind *ompk__shard_kind(const struct ompk_kernel *k)
{
	for (size_t i = 0; k && i < ompk__nshard_kinds; i++)
		if (ompk__shard_kinds[i].kernel == k)
			return &ompk__shard_kinds[i];
	return NULL;
}

void ompk__shard_decode(const struct ompk_shard_kind *kind, uint8_t *payload, uint64_t n)
{
	uint64_t *v = (uint64_t *)payload;

	for (uint64_t j = 0; kind->le64 && j < n; j++)
		v[j] = le64toh(v[j]);
}

void ompk__shard_encode(const struct ompk_shard_kind *kind, uint8_t *payload, uint64_t n)
{
	uint64_t *v = (uint64_t *)payload;

	for (uint64_t j = 0; kind->le64 && j < n; j++)
		v[j] = htole64(v[j]);
}
