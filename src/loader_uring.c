/*
 * loader_uring.c - the io_uring backend of the shard loader.
 *
 * One ring, touched only by this (the loop) thread. Each shard has at most
 * one request in flight, carried by a pointer to its struct shard in
 * user_data (or to its timer group, below): first a timeout with count 0 (a pure timer: it completes
 * with -ETIME when the latency has passed, not after any number of other
 * completions), then, for shard files, reads until the whole file is in
 * (a short read resubmits the rest; -EINTR and -EAGAIN resubmit as is).
 * The read is submitted when the timer's completion is reaped rather than
 * linked behind it: a plain timeout that expires breaks its link and the
 * linked read would come back -ECANCELED (IORING_TIMEOUT_ETIME_SUCCESS,
 * 5.16+, avoids that, but the chain needs no kernel feature at all).
 * The timespec and the buffer live in the shard, which is freed only
 * after its last completion. The compute thread wakes the loop through
 * an eventfd the ring polls (single-shot, re-armed).
 *
 * The completion queue has room for every request that can be in flight
 * (K shards + the eventfd poll): IORING_SETUP_CQSIZE up to the kernel's
 * 65536; past that the loader keeps fewer fetches in flight. The
 * submission queue may be smaller: when io_uring_get_sqe returns NULL the
 * queue is submitted and the sqe taken again.
 */
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loader_int.h"

#define SQ_MAX 4096u
#define CQ_MAX 65536u

static unsigned pow2_at_least(uint64_t n, unsigned cap)
{
	unsigned p = 1;

	while (p < n && p < cap)
		p <<= 1;
	return p;
}

/* An sqe, submitting what is queued when the SQ is full. NULL only when submitting fails. */
static struct io_uring_sqe *sqe_get(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	while (!sqe) {
		int r = io_uring_submit(ring);

		if (r < 0 && r != -EINTR && r != -EAGAIN)
			return NULL;
		sqe = io_uring_get_sqe(ring);
	}
	return sqe;
}

static int arm_efd(struct lctx *x, struct io_uring *ring)
{
	struct io_uring_sqe *sqe = sqe_get(ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_poll_add(sqe, x->efd, POLLIN);
	io_uring_sqe_set_data(sqe, &x->efd);
	return 0;
}

/*
 * Timer coalescing: shards started within SLACK of each other (one
 * admission pass) share one timeout, set when the group closes, for the
 * full latency from the last member's start; so no fetch is shorter than
 * the latency and none longer than latency + SLACK. 10,000 shards then
 * cost a few timer interrupts rather than 10,000 (in a VM each one is an
 * exit). A group is tagged by the low bit of its user_data.
 */
#define SLACK_NS 500000u

struct timer_group {
	struct __kernel_timespec ts; /* alive until the timeout's completion */
	struct shard *members;
	uint64_t first_ns;
};

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int submit_timer(struct io_uring *ring, struct timer_group *g, uint64_t ns)
{
	struct io_uring_sqe *sqe = sqe_get(ring);

	if (!sqe)
		return -EBUSY;
	g->ts.tv_sec = (long long)(ns / 1000000000u);
	g->ts.tv_nsec = (long long)(ns % 1000000000u);
	/* count 0: a pure timer, completing with -ETIME after ns. */
	io_uring_prep_timeout(sqe, &g->ts, 0, 0);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)g | 1u);
	return 0;
}

static int submit_read(const struct lctx *x, struct io_uring *ring, struct shard *sh)
{
	struct io_uring_sqe *sqe = sqe_get(ring);
	size_t n = sh->want - sh->got;

	if (!sqe)
		return -EBUSY;
	if (x->c->read_block && n > x->c->read_block)
		n = x->c->read_block;
	if (n > (1u << 30))
		n = 1u << 30;
	sh->stage = STAGE_READ;
	/* A FIFO has no offsets: -1 reads at the current position. */
	io_uring_prep_read(sqe, sh->fd, sh->buf + sh->got, (unsigned)n, sh->seekable ? (uint64_t)sh->got : (uint64_t)-1);
	io_uring_sqe_set_data(sqe, sh);
	return 0;
}

/* A request could not be queued: the shard ends here with an error. */
static void submit_failed(struct lctx *x, struct shard *sh, int err)
{
	ompk__set_err(x, err, "io_uring: cannot queue a request for shard %llu: %s", (unsigned long long)sh->idx,
		      strerror(-err));
	sh->err = err;
	ompk__shard_fetched(x, sh);
}

static void on_shard(struct lctx *x, struct io_uring *ring, struct shard *sh, int res)
{
	char path[4096];
	int err;

	if (sh->stage == STAGE_TIMER) {
		if (res != -ETIME && res != 0) {
			sh->err = res;
			ompk__set_err(x, res, "io_uring timeout of shard %llu: %s", (unsigned long long)sh->idx,
				      strerror(-res));
			ompk__shard_fetched(x, sh);
			return;
		}
		if (sh->fd < 0 || x->err) {
			ompk__shard_fetched(x, sh);
			return;
		}
		err = submit_read(x, ring, sh);
		if (err)
			submit_failed(x, sh, err);
		return;
	}
	if (res == -EINTR || res == -EAGAIN) {
		res = 0;
	} else if (res < 0) {
		sh->err = res;
		ompk__set_err(x, res, "%s: %s; accepted: a readable shard file",
			      ompk__shard_name(x, sh, path, sizeof(path)), strerror(-res));
		ompk__shard_fetched(x, sh);
		return;
	} else if (res == 0) {
		sh->err = -EINVAL;
		ompk__set_err(x, -EINVAL, "%s: %zu bytes, %zu announced (16-byte header + %llu payload bytes); accepted: complete shard files",
			      ompk__shard_name(x, sh, path, sizeof(path)), sh->got, sh->want,
			      (unsigned long long)x->bytes);
		ompk__shard_fetched(x, sh);
		return;
	}
	sh->got += (size_t)res;
	if (sh->got == sh->want || x->err) {
		ompk__shard_fetched(x, sh);
		return;
	}
	err = submit_read(x, ring, sh);
	if (err)
		submit_failed(x, sh, err);
}

static void on_group(struct lctx *x, struct io_uring *ring, struct timer_group *g, int res)
{
	struct shard *sh = g->members;

	free(g);
	while (sh) {
		struct shard *nx = sh->next;

		on_shard(x, ring, sh, res);
		sh = nx;
	}
}

/* Closes the open group: its timer runs the full latency from now. */
static void group_close(struct lctx *x, struct io_uring *ring, struct timer_group **open)
{
	struct timer_group *g = *open;
	int err;

	if (!g)
		return;
	*open = NULL;
	err = submit_timer(ring, g, x->c->latency_ns);
	if (!err) /* the timer starts now, not at the end of the admission pass (a failure shows at the next submit) */
		(void)io_uring_submit(ring);
	if (err) {
		ompk__set_err(x, err, "io_uring: cannot queue a timeout");
		on_group(x, ring, g, err);
	}
}

static int probe(struct io_uring *ring)
{
	struct io_uring_probe *p = io_uring_get_probe_ring(ring);
	int ok;

	if (!p)
		return -EOPNOTSUPP;
	ok = io_uring_opcode_supported(p, IORING_OP_TIMEOUT) && io_uring_opcode_supported(p, IORING_OP_READ) &&
	     io_uring_opcode_supported(p, IORING_OP_POLL_ADD);
	io_uring_free_probe(p);
	return ok ? 0 : -EOPNOTSUPP;
}

static int ring_init(struct lctx *x, struct io_uring *ring)
{
	const uint64_t ops = x->c->inflight + 1;
	struct io_uring_params p;
	int err;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = pow2_at_least(ops, CQ_MAX);
	if (p.cq_entries < 2)
		p.cq_entries = 2;
	err = io_uring_queue_init_params(pow2_at_least(ops, SQ_MAX), ring, &p);
	if (err == -EINVAL) { /* a kernel without CQSIZE (< 5.5): the default CQ, twice the SQ */
		memset(&p, 0, sizeof(p));
		err = io_uring_queue_init_params(pow2_at_least(ops, SQ_MAX), ring, &p);
	}
	if (err)
		return err;
	x->st->ring_entries = p.sq_entries;
	x->st->cq_entries = p.cq_entries;
	if (x->max_inflight > p.cq_entries - 1)
		x->max_inflight = p.cq_entries - 1;
	err = probe(ring);
	if (err)
		io_uring_queue_exit(ring);
	return err;
}

int ompk__uring_run(struct lctx *x, bool *setup_failed)
{
	struct io_uring ring;
	bool efd_armed = false, closing = false;
	struct timer_group *open = NULL;
	int err = ring_init(x, &ring);

	if (err) {
		*setup_failed = true;
		snprintf(x->msg, x->len, "--backend uring: io_uring is not available here: %s; accepted: --backend threads or auto",
			 strerror(-err));
		return err;
	}
	x->t0 = ompk__now();
	err = arm_efd(x, &ring);
	if (err)
		ompk__set_err(x, err, "io_uring: cannot queue the eventfd poll");
	efd_armed = !err;
	while (efd_armed) {
		struct io_uring_cqe *cqe;

		while (!closing && ompk__may_start(x)) {
			struct shard *sh;

			if (open && mono_ns() - open->first_ns > SLACK_NS)
				group_close(x, &ring, &open);
			if (!open) {
				open = calloc(1, sizeof(*open));
				if (!open) {
					ompk__set_err(x, -ENOMEM, "out of memory for a timer");
					break;
				}
				open->first_ns = mono_ns();
			}
			sh = ompk__shard_start(x);
			if (!sh)
				break;
			sh->next = open->members;
			open->members = sh;
		}
		if (open && !open->members) {
			free(open);
			open = NULL;
		}
		group_close(x, &ring, &open);
		if (!closing && ompk__finished(x)) {
			/* Wake the eventfd poll so its completion is reaped too. */
			const uint64_t one = 1;

			closing = true;
			while (write(x->efd, &one, 8) < 0 && errno == EINTR)
				;
		}
		err = io_uring_submit_and_wait(&ring, 1);
		if (err < 0 && err != -EINTR && err != -EAGAIN && err != -EBUSY) {
			ompk__set_err(x, err, "io_uring_submit: %s", strerror(-err));
			break; /* cannot happen with a sound ring; requests may be lost */
		}
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			void *data = io_uring_cqe_get_data(cqe);
			int res = cqe->res;

			io_uring_cqe_seen(&ring, cqe);
			if (data == &x->efd) {
				uint64_t cnt;

				efd_armed = false;
				if (read(x->efd, &cnt, 8) < 0 && errno != EAGAIN && errno != EINTR)
					ompk__set_err(x, -errno, "eventfd: %s", strerror(errno));
				ompk__collect(x);
				if (!closing) {
					err = arm_efd(x, &ring);
					if (err)
						ompk__set_err(x, err, "io_uring: cannot queue the eventfd poll");
					efd_armed = !err;
				}
			} else if ((uintptr_t)data & 1u) {
				on_group(x, &ring, (struct timer_group *)((uintptr_t)data & ~(uintptr_t)1), res);
			} else {
				on_shard(x, &ring, data, res);
			}
		}
		ompk__flush(x);
	}
	io_uring_queue_exit(&ring);
	return x->err;
}

int ompk_uring_available(void)
{
	struct io_uring ring;
	int err = io_uring_queue_init(2, &ring, 0);

	if (err)
		return err;
	err = probe(&ring);
	io_uring_queue_exit(&ring);
	return err ? err : 1;
}
