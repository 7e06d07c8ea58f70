/*
 * loader_config.c - a loader configuration checked before anything runs:
 * the backend's names, the bytes of a shard, and the limits (every flag
 * the pipeline takes, and memory for the buffers that can be out at once).
 * Calls only the table of shard kinds and the core's memory size.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shard_kind.h"
#include "ompkit/driver.h"
#include "ompkit/fileio.h"
#include "ompkit/loader.h"

const char *ompk_backend_name(enum ompk_backend b)
{
	return b == OMPK_BACKEND_URING ? "uring" : b == OMPK_BACKEND_THREADS ? "threads" : "auto";
}

int ompk_backend_parse(const char *s, enum ompk_backend *b)
{
	if (strcmp(s, "auto") == 0)
		*b = OMPK_BACKEND_AUTO;
	else if (strcmp(s, "uring") == 0)
		*b = OMPK_BACKEND_URING;
	else if (strcmp(s, "threads") == 0)
		*b = OMPK_BACKEND_THREADS;
	else
		return -EINVAL;
	return 0;
}

uint64_t ompk_shard_bytes(const struct ompk_loader_config *c)
{
	const struct ompk_shard_kind *kind = ompk__shard_kind(c->kernel);
	const uint64_t elem = kind ? kind->elem : 1;

	return c->shard_len > UINT64_MAX / elem ? 0 : c->shard_len * elem;
}

const char *ompk_shard_unit(const struct ompk_kernel *k)
{
	const struct ompk_shard_kind *kind = ompk__shard_kind(k);

	return kind ? kind->unit : NULL;
}

/* "sumsq or checksum": the kernels of the table, for messages. */
static const char *kinds_accepted(char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ompk__nshard_kinds && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       i == 0			     ? ""
				       : i + 1 == ompk__nshard_kinds ? " or "
								     : ", ",
				       ompk__shard_kinds[i].kernel->name);
	return buf;
}

int ompk_loader_check(const struct ompk_loader_config *c, char *msg, size_t len)
{
	char names[128];

	if (!ompk__shard_kind(c->kernel)) {
		snprintf(msg, len, "--kernel: %s; accepted: %s",
			 c->kernel ? c->kernel->name : "none",
			 kinds_accepted(names, sizeof(names)));
		return -EINVAL;
	}
	if (c->shards == 0) {
		snprintf(msg, len, "--shards: 0; accepted: 1 or more");
		return -EINVAL;
	}
	if (c->inflight == 0) {
		snprintf(msg, len, "--inflight: 0; accepted: 1 or more");
		return -EINVAL;
	}
	if (c->threads < 1) {
		snprintf(msg, len, "--threads: %d; accepted: 1 or more", c->threads);
		return -EINVAL;
	}
	if (!(c->kernel->variants & OMPK_VARIANT_BIT(c->variant))) {
		snprintf(msg, len, "--variant: %s; accepted: seq, omp or fast",
			 ompk_variant_name(c->variant));
		return -EINVAL;
	}
	uint64_t b = ompk_shard_bytes(c);

	if ((c->shard_len && !b) || b > SIZE_MAX - OMPK_SHARD_HEADER || b > (UINT64_C(1) << 40)) {
		snprintf(msg, len,
			 "--shard-len: %llu is too large; accepted: up to 2^40 bytes per shard",
			 (unsigned long long)c->shard_len);
		return -EINVAL;
	}
	/*
	 * Refused up front, not by the OOM killer: at most 2K buffers are out at once (K fetching,
	 * K computing).
	 */
	const uint64_t k = c->serial ? 1 : c->inflight < c->shards ? c->inflight : c->shards;
	const uint64_t live = c->serial ? 1 : k * 2 < c->shards ? k * 2 : c->shards;
	const unsigned long long mem = ompk_mem_total();
	uint64_t need;
	const bool ovf = __builtin_mul_overflow(live, b + (c->dir ? OMPK_SHARD_HEADER : 0), &need);

	if (mem && (ovf || need > mem)) {
		snprintf(msg, len,
			 "--shard-len: %llu shards of %llu bytes at once (--inflight %llu) need "
			 "%s%llu bytes, more than the %llu bytes of memory here; accepted: a "
			 "smaller --shard-len or --inflight",
			 (unsigned long long)live, (unsigned long long)b,
			 (unsigned long long)c->inflight, ovf ? "over " : "",
			 ovf ? (unsigned long long)UINT64_MAX : (unsigned long long)need, mem);
		return -EINVAL;
	}
	if (c->latency_ns > UINT64_C(3600) * 1000000000) {
		snprintf(msg, len, "--latency-ms: too large; accepted: 0 to 3600000");
		return -EINVAL;
	}
	return 0;
}
