/*
 * handover.c - the compute hand-over. The loop thread stages each landed
 * shard and hands the staged ones over in one go per pass; the compute
 * thread runs the kernel on each shard alone (a job over the shard's
 * payload, any variant), stamps the time, returns its buffer to the pool
 * and queues the shard back at once (not when its whole batch is done),
 * writing the eventfd when the queue was empty; the loop adds the
 * shard's result in (as the table of shard kinds says: a sum, or the
 * shard's slot) and recycles the shard.
 * Calls only shards and buffers and the table; the backends call it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "handover.h"
#include "../thread_stop.h"
#include "ompkit/driver.h"
#include "ompkit/team.h"

#define BATCH_MAX 4096

bool ompk__may_start(const struct lctx *x)
{
	/* Also at most K landed shards waiting for the kernel: memory stays bounded. */
	if (x->err || x->next >= x->c->shards || x->inflight >= x->max_inflight ||
	    x->pending >= x->max_inflight)
		return false;
	return !x->c->serial || (x->inflight == 0 && x->pending == 0);
}

bool ompk__finished(const struct lctx *x)
{
	if (x->inflight || x->pending)
		return false;
	return x->err || x->done == x->c->shards;
}

bool ompk__is_cancelled(const struct lctx *x)
{
	return __atomic_load_n(&x->cancelled, __ATOMIC_RELAXED);
}

void ompk__interrupted(struct lctx *x)
{
	if (x->cancelled)
		return;
	__atomic_store_n(&x->cancelled, true, __ATOMIC_RELAXED);
	x->st->cancelled = x->inflight;
	/* An interruption outranks an error already met: nothing is reported either way. */
	x->err = 0;
	ompk__set_err(x, -ECANCELED, "interrupted with %llu fetch(es) in flight; no result",
		      (unsigned long long)x->inflight);
}

void ompk__flush(struct lctx *x)
{
	if (!x->stage)
		return;
	pthread_mutex_lock(&x->mu);
	if (x->todo_tail)
		x->todo_tail->next = x->stage;
	else
		x->todo = x->stage;
	x->todo_tail = x->stage_tail;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
	x->stage = x->stage_tail = NULL;
}

void ompk__shard_fetched(struct lctx *x, struct shard *sh)
{
	int err = sh->err;

	x->inflight -= sh->count;
	sh->t_fetch = ompk_now();
	if (sh->fd >= 0) {
		close(sh->fd);
		sh->fd = -1;
	}
	/* After an error the shard may have been drained unread (and without a buffer). */
	if (!err && !x->err && x->c->dir)
		err = ompk__shard_check_header(x, sh);
	if (err || x->err) {
		ompk__shard_free(x, sh);
		return;
	}
	x->pending += sh->count;
	/* Staged in a local list until ompk__flush hands them over in one go. */
	ompk__shard_append(&x->stage, &x->stage_tail, sh);
}

/* Runs the kernel on one shard's payload (compute thread). */
static int compute(struct lctx *x, struct shard *sh, int threads, enum ompk_variant v)
{
	const struct ompk_kernel *k = x->c->kernel;
	uint8_t *payload;
	struct ompk_job job;
	double t;
	int err;

	/* A synthetic payload is made here, off the loop thread, so the loop
	 * only reaps; its making is not counted as the kernel's time. */
	if (!sh->buf && ompk__shard_synth(x, sh))
		return -ENOMEM;
	payload = sh->buf;
	if (x->c->dir)
		payload += OMPK_SHARD_HEADER;
	ompk_job_init(&job, k);
	job.variant = v;
	job.threads = threads;
	job.data = payload;
	job.data_len = (size_t)(x->bytes * sh->count);
	x->kind->input(&job, sh->count, x->c->shard_len);
	t = ompk_now();
	if (x->c->dir)
		ompk__shard_decode(x->kind, payload, x->c->shard_len);
	err = k->run(&job, v, &sh->res);
	sh->t_comp = ompk_now();
	sh->comp_s = sh->t_comp - t;
	sh->threads_used = job.threads_used;
	/*
	 * The payload is done with: back to the pool now, so that a batch of
	 * landed shards needs a buffer per compute thread, not one each.
	 */
	ompk__shard_buf_put(x, sh);
	return err;
}

/*
 * A computed shard back to the loop (compute thread, any team member).
 * Each shard goes back as soon as it is done: the loop may start the next
 * fetch only when fewer than K landed shards are left uncollected
 * (ompk__may_start), so holding a batch's shards until the last of them
 * is computed kept the loop idle while the kernel ran, and the kernel
 * idle while the loop read the next batch (shards of files in flight land
 * together: they are read one block each in turn). The eventfd is written
 * only when the queue was empty: the loop reads the eventfd before it
 * takes the whole queue, so a shard queued after the take finds the queue
 * empty and writes again, and none is left waiting unseen.
 */
static void post(struct lctx *x, struct shard *sh, int team_used)
{
	const uint64_t one = 1;
	bool was_empty;

	pthread_mutex_lock(&x->mu);
	if (sh->threads_used > x->st->threads_used)
		x->st->threads_used = sh->threads_used;
	if (team_used > x->st->threads_used)
		x->st->threads_used = team_used;
	was_empty = !x->fin;
	sh->next = x->fin;
	x->fin = sh;
	pthread_mutex_unlock(&x->mu);
	/* An eventfd counter cannot fill up with 1s in any real run. */
	while (was_empty && write(x->efd, &one, 8) < 0 && errno == EINTR)
		;
}

/*
 * The compute thread. A lone landed shard gets the whole team (the
 * kernel's own OpenMP region); when several have landed at once they are
 * divided over the team, one shard per thread with a team of one each
 * (omp runs as seq there: the same loop without a region of one), so
 * that thousands of tiny shards do not pay a parallel region each.
 */
static void *compute_main(void *arg)
{
	struct lctx *x = arg;
	struct shard *batch[BATCH_MAX];

	/*
	 * A thread's first parallel region starts its OpenMP team (libgomp
	 * keeps one pool per thread that starts regions, and this thread is
	 * new each run): do it now, before the run's clock starts, so the
	 * first shard's compute time is the kernel's and not thread creation.
	 */
	if (x->c->variant != OMPK_SEQ)
		ompk_team_start(x->c->threads);
	pthread_mutex_lock(&x->mu);
	x->compute_ready = true;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);

	for (;;) {
		struct shard *sh;
		int n = 0, team = x->c->threads;
		/* A team of one per shard: omp's region would only add its cost. */
		enum ompk_variant v = x->c->variant == OMPK_OMP ? OMPK_SEQ : x->c->variant;

		pthread_mutex_lock(&x->mu);
		while (!x->todo && !x->stop)
			pthread_cond_wait(&x->cv, &x->mu);
		for (sh = x->todo; sh && n < BATCH_MAX; sh = sh->next)
			batch[n++] = sh;
		x->todo = sh;
		if (!x->todo)
			x->todo_tail = NULL;
		pthread_mutex_unlock(&x->mu);
		if (n == 0)
			return NULL;

		if (n == 1) {
			batch[0]->err = compute(x, batch[0], team, x->c->variant);
			post(x, batch[0], 0);
		} else if (team == 1) {
			for (int i = 0; i < n; i++) {
				batch[i]->err = compute(x, batch[i], 1, v);
				post(x, batch[i], 0);
			}
		} else {
			/* The team divides the batch: it counts as used whole. */
#pragma omp parallel for num_threads(team) schedule(dynamic, 1) default(none) \
	shared(x, batch, n, v, team)
			for (int i = 0; i < n; i++) {
				batch[i]->err = compute(x, batch[i], 1, v);
				post(x, batch[i], team);
			}
		}
	}
}

void ompk__collect(struct lctx *x)
{
	struct ompk_loader_stats *st = x->st;
	struct shard *sh = ompk__shard_take_all(&x->mu, &x->fin);

	while (sh) {
		struct shard *nx = sh->next;

		x->pending -= sh->count;
		if (sh->err) {
			ompk__set_err(x, sh->err, "shard %llu: the kernel failed: %s",
				      (unsigned long long)sh->idx, strerror(-sh->err));
		} else {
			for (uint64_t j = 0; j < sh->count; j++) {
				st->fetch_done[sh->idx + j] = sh->t_fetch - x->t0;
				st->compute_done[sh->idx + j] = sh->t_comp - x->t0;
			}
			st->fetch_sum += (double)sh->count * (sh->t_fetch - sh->t_start);
			st->compute_sum += sh->comp_s;
			if (x->kind->per_shard)
				memcpy(&st->result.f[0].v[sh->idx], sh->res.f[0].v,
				       (size_t)sh->count * sizeof(uint64_t));
			else
				st->result.f[0].v[0] += sh->res.f[0].v[0];
			x->done += sh->count;
		}
		ompk__shard_free(x, sh);
		sh = nx;
	}
}

int ompk__handover_start(struct lctx *x)
{
	if (pthread_create(&x->compute, NULL, compute_main, x) != 0)
		return -EAGAIN;
	x->compute_started = true;
	/* The backends start the clock after this: wait for the team. */
	pthread_mutex_lock(&x->mu);
	while (!x->compute_ready)
		pthread_cond_wait(&x->cv, &x->mu);
	pthread_mutex_unlock(&x->mu);
	return 0;
}

void ompk__handover_stop(struct lctx *x)
{
	if (x->compute_started) {
		ompk_thread_stop(x->compute, &x->mu, &x->cv, &x->stop);
		x->compute_started = false;
	}
	ompk__collect(x); /* normally empty: everything was collected */
}
