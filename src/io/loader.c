/*
 * loader.c - the shard loader's public run, on top of its layers: checks
 * the configuration, makes the run's context (eventfd, locks, the compute
 * thread), hands it to one backend, and when io_uring is refused here
 * (uring_setup.c's rule, the heartbeat's too) runs again on threads.
 *
 * Flow: the backend's loop thread starts fetches (at most K in flight);
 * when one lands it queues the shard for the compute thread and goes on
 * reaping (handover.c). Calls run downward only:
 *
 *   loader.c           the public run and the fallback
 *     backend_uring.c | backend_threads.c     (side by side)
 *       handover.c     the compute thread, the hand-over to it
 *         shard.c      shards and buffers
 *           shard_file.c (format and oracle), loader_config.c,
 *           shard_kind.c, fault.c, uring_setup.c, uring_bufs.c
 *
 * scripts/check-layers.sh (make test) checks that no two objects call
 * each other.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "handover.h"
#include "uring_setup.h"

#define SPAN_MAX 4096
#define SPAN_BYTES (64u << 10) /* a span's payload stays in L2 between making and folding */

static int stats_init(const struct ompk_loader_config *c, const struct ompk_shard_kind *kind,
		      struct ompk_loader_stats *st)
{
	uint64_t *v;

	memset(st, 0, sizeof(*st));
	st->fetch_done = calloc((size_t)c->shards, sizeof(double));
	st->compute_done = calloc((size_t)c->shards, sizeof(double));
	if (!st->fetch_done || !st->compute_done)
		return -ENOMEM;
	return ompk_result_add(&st->result, kind->field, kind->per_shard,
			       kind->per_shard ? (size_t)c->shards : 1, &v);
}

void ompk_loader_stats_free(struct ompk_loader_stats *st)
{
	free(st->fetch_done);
	free(st->compute_done);
	st->fetch_done = st->compute_done = NULL;
	ompk_result_free(&st->result);
}

/* One attempt with one backend; the context is made and torn down here. */
static int run_backend(const struct ompk_loader_config *c, struct ompk_fault *f,
		       struct ompk_loader_stats *st, enum ompk_backend b, bool *setup_failed,
		       char *msg, size_t len)
{
	struct lctx x;
	int err;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.kind = ompk__shard_kind(c->kernel);
	x.fault = f;
	x.st = st;
	x.bytes = ompk_shard_bytes(c);
	x.max_inflight = c->inflight;
	/* Spans of synthetic shards: up to SPAN_MAX shards or SPAN_BYTES of payload each. */
	x.span_max = 1;
	if (!c->dir && !c->serial) {
		x.span_max = x.bytes ? SPAN_BYTES / x.bytes : SPAN_MAX;
		x.span_max = x.span_max > SPAN_MAX ? SPAN_MAX : x.span_max ? x.span_max : 1;
	}
	x.pool_len = c->dir ? OMPK_SHARD_HEADER + (size_t)x.bytes : (size_t)(x.bytes * x.span_max);
	x.msg = msg;
	x.len = len;
	x.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (x.efd < 0) {
		err = -errno;
		snprintf(msg, len, "eventfd: %s", strerror(errno));
		return err;
	}
	pthread_mutex_init(&x.mu, NULL);
	pthread_cond_init(&x.cv, NULL);
	err = ompk__handover_start(&x);
	if (err) {
		snprintf(msg, len, "cannot start the compute thread");
		goto out;
	}
	err = b == OMPK_BACKEND_URING ? ompk__uring_run(&x, setup_failed) : ompk__threads_run(&x);
	st->wall_s = ompk_now() - x.t0;
out:
	ompk__handover_stop(&x);
	st->buffers = x.buffers;
	ompk__shards_release(&x);
	pthread_cond_destroy(&x.cv);
	pthread_mutex_destroy(&x.mu);
	close(x.efd);
	if (!err && x.err)
		err = x.err;
	return err;
}

int ompk__loader_run_fault(const struct ompk_loader_config *c, struct ompk_fault *f,
			   struct ompk_loader_stats *st, char *msg, size_t len)
{
	enum ompk_backend b = c->backend == OMPK_BACKEND_THREADS ? OMPK_BACKEND_THREADS
								 : OMPK_BACKEND_URING;
	bool setup_failed = false;
	int err = ompk_loader_check(c, msg, len);

	memset(st, 0, sizeof(*st));
	if (err)
		return err;
	if (c->dir) {
		struct stat sb;

		if (stat(c->dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
			err = stat(c->dir, &sb) < 0 ? -errno : -ENOTDIR;
			snprintf(msg, len,
				 "--source %s: %s; accepted: synthetic or a directory of shard "
				 "files",
				 c->dir, strerror(-err));
			return err;
		}
	}
	err = stats_init(c, ompk__shard_kind(c->kernel), st);
	if (err) {
		snprintf(msg, len, "--shards: out of memory for %llu shards",
			 (unsigned long long)c->shards);
		return err;
	}
	err = run_backend(c, f, st, b, &setup_failed, msg, len);
	if (err && setup_failed && c->backend == OMPK_BACKEND_AUTO && ompk__uring_refused(err)) {
		st->fallback_err = err;
		b = OMPK_BACKEND_THREADS;
		msg[0] = '\0';
		err = run_backend(c, f, st, b, &setup_failed, msg, len);
	}
	st->backend = b;
	if (!err)
		st->overlap = st->wall_s > 0 ? (st->fetch_sum + st->compute_sum) / st->wall_s : 0;
	return err;
}

int ompk_loader_run(const struct ompk_loader_config *c, struct ompk_loader_stats *st, char *msg,
		    size_t len)
{
	return ompk__loader_run_fault(c, NULL, st, msg, len);
}
