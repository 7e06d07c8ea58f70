/*
 * shard_kind.h - what a kind of shard means to the loader, in one table
 * (shard_kind.c) looked up once per run, so that no layer asks for a
 * kernel by name. Each row says how big one unit of --shard-len is, how a
 * synthetic shard is made, how payloads become the kernel's input, how
 * the shards' results add up, and the closed form of a synthetic run.
 * The oracle takes one shard file's payload as the kernel's --file input
 * (job.file, job.data, job.data_len): the u64 values of sumsq, the one
 * buffer of checksum. Private to src/io/.
 */
#ifndef OMPKIT_SHARD_KIND_H
#define OMPKIT_SHARD_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ompkit/kernel.h"

struct ompk_shard_kind {
	const struct ompk_kernel *kernel;
	const char *unit; /* what --shard-len counts: "values" or "bytes" */
	unsigned elem;	  /* bytes per unit */
	bool le64; /* a file's payload is little-endian u64 (made host order for the kernel) */
	const char *field; /* the run's result: one field of this name */
	bool per_shard; /* one value per shard (a list by index), else the shards' sum mod 2^64 */
	/* Synthetic shard idx of n units, host order, into buf (n * elem bytes). */
	void (*fill)(uint8_t *buf, uint64_t idx, uint64_t n);
	/*
	 * The kernel's input for m shards of n units lying one after another in
	 * job->data (the compute hand-over runs a span of synthetic shards as one
	 * job): its result is one value (their sum) or m (one per shard).
	 */
	void (*input)(struct ompk_job *job, uint64_t m, uint64_t n);
	/* The result of a synthetic run of S shards of n units (1 value, or S when per_shard). */
	void (*closed_form)(uint64_t shards, uint64_t n, uint64_t *v);
	const char *closed_method;
};

extern const struct ompk_shard_kind ompk__shard_kinds[];
extern const size_t ompk__nshard_kinds;

/* The row of kernel k, or NULL when the loader cannot run it. */
const struct ompk_shard_kind *ompk__shard_kind(const struct ompk_kernel *k);

/* The payload made host order in place, where the kind asks for it. */
void ompk__shard_decode(const struct ompk_shard_kind *kind, uint8_t *payload, uint64_t n);
/* ... and back to the file's order. */
void ompk__shard_encode(const struct ompk_shard_kind *kind, uint8_t *payload, uint64_t n);

#endif
