/*
 * backend_uring.c - the io_uring backend of the shard loader, beside
 * backend_threads.c: it calls the hand-over and shards and buffers below
 * it, never loader.c, which chose it.
 *
 * One ring, touched only by this (the loop) thread. Each shard has at most
 * one request in flight, carried by a pointer to its struct shard in
 * user_data (or to its timer group, below): first a timeout with count 0
 * (a pure timer: it completes with -ETIME when the latency has passed, not
 * after any number of other completions), then, for shard files, reads until the whole file is in
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
 * (K shard files, or the timer groups of synthetic spans, + the eventfd
 * and cancel polls): IORING_SETUP_CQSIZE up to the kernel's 65536; past
 * that the loader keeps fewer files in flight, or waits for a group's
 * timer before it starts another group. Synthetic shards travel in spans
 * (shard.h) under one timer each, so a million of them in flight take a
 * few hundred requests. The submission queue may be smaller: when
 * io_uring_get_sqe returns NULL the queue is submitted and the sqe taken
 * again.
 *
 * Interruption: the ring also polls c->cancel_fd; when it turns readable
 * one IORING_OP_ASYNC_CANCEL (IORING_ASYNC_CANCEL_ANY, 5.19+) cancels
 * every request in flight, each completes (-ECANCELED, or its own result
 * if it was already done), and the run drains as after any error. On an
 * older kernel the cancel fails with -EINVAL and the requests simply run
 * out. Fault injection (tests) is described in loader_fault.h.
 */
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "handover.h"
#include "uring_setup.h"

#define SQ_MAX 4096u
#define CQ_MAX 65536u

static unsigned pow2_at_least(uint64_t n, unsigned cap)
{
	unsigned p = 1;

	while (p < n && p < cap)
		p <<= 1;
	return p;
}

/* The loop's state beyond the shared context. */
struct uring_loop {
	struct lctx *x;
	struct io_uring ring;
	struct timer_group *open;   /* the timer group being filled */
	unsigned groups, group_cap; /* timer groups in flight, and at most (the CQ's room) */
	bool efd_armed, closing;
	char cancel_tag, cancel_op_tag; /* their user_data */
	struct {			/* REORDER: a completion held back */
		bool set;
		void *data;
		int res;
	} held;
};

/*
 * An sqe, submitting what is queued when the SQ is full. NULL only when
 * submitting fails. read_no: the read it is for (0: not a read), which
 * fault injection may find the queue full for, or fail to submit.
 */
static struct io_uring_sqe *sqe_get(struct uring_loop *u, uint64_t read_no)
{
	const bool pretend = ompk__fault(u->x->fault, OMPK_FAULT_SQ_FULL, read_no) ||
			     ompk__fault(u->x->fault, OMPK_FAULT_SUBMIT, read_no);
	struct io_uring_sqe *sqe = pretend ? NULL : io_uring_get_sqe(&u->ring);

	while (!sqe) {
		int r;

		if (ompk__fault_is(u->x->fault, OMPK_FAULT_SQ_FULL))
			ompk__fault_hit(u->x->fault);
		if (ompk__fault(u->x->fault, OMPK_FAULT_SUBMIT, read_no)) {
			ompk__fault_hit(u->x->fault);
			return NULL; /* as io_uring_submit failing with -EBUSY */
		}
		r = io_uring_submit(&u->ring);
		if (r < 0 && r != -EINTR && r != -EAGAIN)
			return NULL;
		sqe = io_uring_get_sqe(&u->ring);
	}
	return sqe;
}

static int arm_poll(struct uring_loop *u, int fd, void *tag)
{
	struct io_uring_sqe *sqe = sqe_get(u, 0);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_poll_add(sqe, fd, POLLIN);
	io_uring_sqe_set_data(sqe, tag);
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

static int submit_timer(struct uring_loop *u, struct timer_group *g, uint64_t ns)
{
	struct io_uring_sqe *sqe = sqe_get(u, 0);

	if (!sqe)
		return -EBUSY;
	g->ts.tv_sec = (long long)(ns / 1000000000u);
	g->ts.tv_nsec = (long long)(ns % 1000000000u);
	/* count 0: a pure timer, completing with -ETIME after ns. */
	io_uring_prep_timeout(sqe, &g->ts, 0, 0);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)g | 1u);
	return 0;
}

static int submit_read(struct uring_loop *u, struct shard *sh)
{
	struct lctx *x = u->x;
	const uint64_t no = ++x->reads;
	struct io_uring_sqe *sqe = sqe_get(u, no);
	int fault;

	if (!sqe)
		return -EBUSY;
	sh->read_no = no;
	sh->stage = STAGE_READ;
	io_uring_sqe_set_data(sqe, sh); /* the prep_ helpers leave user_data alone */
	fault = ompk__fault_error(x->fault, no);
	if (fault) {
		/* The read is not done: a NOP completes in its place with the error. */
		sh->fault_res = -fault;
		io_uring_prep_nop(sqe);
		return 0;
	}
	/* A FIFO has no offsets: -1 reads at the current position. */
	io_uring_prep_read(sqe, sh->fd, sh->buf + sh->got,
			   (unsigned)ompk__read_len(x, sh, no, 1u << 30),
			   sh->seekable ? (uint64_t)sh->got : (uint64_t)-1);
	return 0;
}

/* A FIFO: a poll for its writer's first data (or end) comes before its first read. */
static int submit_poll(struct uring_loop *u, struct shard *sh)
{
	sh->stage = STAGE_POLL;
	return arm_poll(u, sh->fd, sh);
}

/* A stream read to its announced end: one more byte must not come. */
static int submit_tail(struct uring_loop *u, struct shard *sh)
{
	struct io_uring_sqe *sqe = sqe_get(u, 0);

	if (!sqe)
		return -EBUSY;
	sh->stage = STAGE_TAIL;
	io_uring_prep_read(sqe, sh->fd, &sh->tail, 1, (uint64_t)-1);
	io_uring_sqe_set_data(sqe, sh);
	return 0;
}

/* A request could not be queued: the shard ends here with an error. */
static void submit_failed(struct lctx *x, struct shard *sh, int err)
{
	ompk__set_err(x, err, "io_uring: cannot queue a request for shard %llu: %s",
		      (unsigned long long)sh->idx, strerror(-err));
	sh->err = err;
	ompk__shard_fetched(x, sh);
}

static void on_shard(struct uring_loop *u, struct shard *sh, int res)
{
	struct lctx *x = u->x;
	char path[4096];
	int err;

	if (sh->stage == STAGE_TIMER) {
		if (res != -ETIME && res != 0) {
			sh->err = res;
			ompk__set_err(x, res, "io_uring timeout of shard %llu: %s",
				      (unsigned long long)sh->idx, strerror(-res));
			ompk__shard_fetched(x, sh);
			return;
		}
		if (sh->fd < 0 || x->err) {
			ompk__shard_fetched(x, sh);
			return;
		}
		err = sh->seekable ? submit_read(u, sh) : submit_poll(u, sh);
		if (err)
			submit_failed(x, sh, err);
		return;
	}
	if (sh->stage == STAGE_POLL && res >= 0) { /* the FIFO has a writer, data or an end */
		err = submit_read(u, sh);
		if (err)
			submit_failed(x, sh, err);
		return;
	}
	if (sh->stage == STAGE_TAIL && res != -EINTR && res != -EAGAIN && res >= 0) {
		if (res > 0)
			ompk__shard_wrong_len(x, sh, true);
		ompk__shard_fetched(x, sh);
		return;
	}
	if (sh->fault_res) {
		res = sh->fault_res;
		sh->fault_res = 0;
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
		ompk__shard_wrong_len(x, sh, false);
		ompk__shard_fetched(x, sh);
		return;
	}
	sh->got += (size_t)res;
	if (x->err || (sh->got == sh->want && sh->seekable)) {
		ompk__shard_fetched(x, sh);
		return;
	}
	err = sh->got == sh->want ? submit_tail(u, sh) : submit_read(u, sh);
	if (err)
		submit_failed(x, sh, err);
}

static void on_group(struct uring_loop *u, struct timer_group *g, int res)
{
	struct shard *sh = g->members;

	u->groups--;
	free(g);
	while (sh) {
		struct shard *nx = sh->next;

		on_shard(u, sh, res);
		sh = nx;
	}
}

/* Closes the open group: its timer runs the full latency from now. */
static void group_close(struct uring_loop *u)
{
	struct timer_group *g = u->open;
	int err;

	if (!g)
		return;
	u->open = NULL;
	u->groups++;
	err = submit_timer(u, g, u->x->c->latency_ns);
	/*
	 * the timer starts now, not at the end of the admission pass (a failure shows at the next
	 * submit)
	 */
	if (!err)
		(void)io_uring_submit(&u->ring);
	if (err) {
		ompk__set_err(u->x, err, "io_uring: cannot queue a timeout");
		on_group(u, g, err);
	}
}

static int ring_init(struct lctx *x, struct io_uring *ring)
{
	const uint64_t ops = x->c->inflight + 2; /* + the eventfd and cancel polls */
	/* SQ_FULL injection: a one-entry queue, full at every second request. */
	const unsigned sq = ompk__fault_is(x->fault, OMPK_FAULT_SQ_FULL)
				    ? 1
				    : pow2_at_least(ops, SQ_MAX);
	struct io_uring_params p;
	int err;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = pow2_at_least(ops, CQ_MAX);
	if (p.cq_entries < 4)
		p.cq_entries = 4;
	err = io_uring_queue_init_params(sq, ring, &p);
	if (err == -EINVAL) { /* a kernel without CQSIZE (< 5.5): the default CQ, twice the SQ */
		memset(&p, 0, sizeof(p));
		err = io_uring_queue_init_params(sq, ring, &p);
	}
	if (err)
		return err;
	x->st->ring_entries = p.sq_entries;
	x->st->cq_entries = p.cq_entries;
	/* A file has a request in flight per shard; synthetic spans only their group's timer. */
	if (x->c->dir && x->max_inflight > p.cq_entries - 2)
		x->max_inflight = p.cq_entries - 2;
	err = ompk__uring_probe(ring);
	if (err)
		io_uring_queue_exit(ring);
	return err;
}

/* Interrupted: one request cancels everything in flight. */
static void cancel_all(struct uring_loop *u)
{
	struct io_uring_sqe *sqe;

	ompk__interrupted(u->x);
	sqe = sqe_get(u, 0);
	if (!sqe)
		return; /* the requests run out by themselves */
	io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
	io_uring_sqe_set_data(sqe, &u->cancel_op_tag);
}

static void on_efd(struct uring_loop *u)
{
	struct lctx *x = u->x;
	uint64_t cnt;
	int err;

	u->efd_armed = false;
	if (read(x->efd, &cnt, 8) < 0 && errno != EAGAIN && errno != EINTR)
		ompk__set_err(x, -errno, "eventfd: %s", strerror(errno));
	ompk__collect(x);
	if (!u->closing) { /* also after the cancel took the poll away */
		err = arm_poll(u, x->efd, &x->efd);
		if (err)
			ompk__set_err(x, err, "io_uring: cannot queue the eventfd poll");
		u->efd_armed = !err;
	}
}

static void dispatch(struct uring_loop *u, void *data, int res)
{
	if (data == &u->x->efd) {
		on_efd(u);
	} else if (data == &u->cancel_tag) {
		if (res > 0) /* POLLIN; a poll that failed or was cancelled just ends */
			cancel_all(u);
	} else if (data == &u->cancel_op_tag) {
		/*
		 * the number cancelled, -ENOENT (none) or -EINVAL (a kernel before 5.19): nothing
		 * to do
		 */
	} else if ((uintptr_t)data & 1u) {
		on_group(u, (struct timer_group *)((uintptr_t)data & ~(uintptr_t)1), res);
	} else {
		on_shard(u, data, res);
	}
}

/* REORDER injection: is this the completion of a read to hold back? */
static bool hold_back(struct uring_loop *u, void *data)
{
	struct shard *sh = data;

	if (u->held.set || !ompk__fault_is(u->x->fault, OMPK_FAULT_REORDER))
		return false;
	if (data == &u->x->efd || data == &u->cancel_tag || data == &u->cancel_op_tag ||
	    ((uintptr_t)data & 1u))
		return false;
	return sh->stage == STAGE_READ && ompk__fault(u->x->fault, OMPK_FAULT_REORDER, sh->read_no);
}

static void release_held(struct uring_loop *u, bool after_another)
{
	if (!u->held.set)
		return;
	u->held.set = false;
	if (after_another)
		ompk__fault_hit(u->x->fault);
	dispatch(u, u->held.data, u->held.res);
}

/* Starts what may start now, grouping the new fetches under shared timers. */
static void admit(struct uring_loop *u)
{
	struct lctx *x = u->x;

	while (!u->closing && ompk__may_start(x)) {
		struct shard *sh;

		if (u->open && ompk_now_ns() - u->open->first_ns > SLACK_NS)
			group_close(u);
		if (!u->open && u->groups >= u->group_cap)
			break; /* the CQ has room for no more timers: wait for one */
		if (!u->open) {
			u->open = calloc(1, sizeof(*u->open));
			if (!u->open) {
				ompk__set_err(x, -ENOMEM, "out of memory for a timer");
				break;
			}
			u->open->first_ns = ompk_now_ns();
		}
		sh = ompk__shard_start(x);
		if (!sh)
			break;
		sh->next = u->open->members;
		u->open->members = sh;
	}
	if (u->open && !u->open->members) {
		free(u->open);
		u->open = NULL;
	}
	group_close(u);
}

#define HOLD_NS 2000000 /* a held completion waits this long for a later one */

int ompk__uring_run(struct lctx *x, bool *setup_failed)
{
	struct uring_loop u = { .x = x };
	int err = ring_init(x, &u.ring);

	if (err) {
		*setup_failed = true;
		snprintf(x->msg, x->len,
			 "--backend uring: io_uring is not available here: %s; accepted: --backend "
			 "threads or auto",
			 strerror(-err));
		return err;
	}
	u.group_cap = x->st->cq_entries - 2;
	x->t0 = ompk_now();
	err = arm_poll(&u, x->efd, &x->efd);
	if (err)
		ompk__set_err(x, err, "io_uring: cannot queue the eventfd poll");
	u.efd_armed = !err;
	if (!err && x->c->cancel_fd_set) {
		err = arm_poll(&u, x->c->cancel_fd, &u.cancel_tag);
		if (err)
			ompk__set_err(x, err, "io_uring: cannot queue the interruption poll");
	}
	while (u.efd_armed) {
		struct io_uring_cqe *cqe;

		admit(&u);
		if (!u.closing && ompk__finished(x)) {
			/* Wake the eventfd poll so its completion is reaped too. */
			const uint64_t one = 1;

			u.closing = true;
			while (write(x->efd, &one, 8) < 0 && errno == EINTR)
				;
		}
		if (u.held.set) {
			struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = HOLD_NS };

			err = io_uring_submit_and_wait_timeout(&u.ring, &cqe, 1, &ts, NULL);
			if (err == -ETIME) {
				release_held(&u, false); /* nothing came after it */
				err = 0;
			}
		} else {
			err = io_uring_submit_and_wait(&u.ring, 1);
		}
		if (err < 0 && err != -EINTR && err != -EAGAIN && err != -EBUSY) {
			ompk__set_err(x, err, "io_uring_submit: %s", strerror(-err));
			break; /* cannot happen with a sound ring; requests may be lost */
		}
		while (io_uring_peek_cqe(&u.ring, &cqe) == 0) {
			void *data = io_uring_cqe_get_data(cqe);
			int res = cqe->res;

			io_uring_cqe_seen(&u.ring, cqe);
			if (hold_back(&u, data)) {
				u.held.set = true;
				u.held.data = data;
				u.held.res = res;
				continue;
			}
			dispatch(&u, data, res);
			release_held(&u, true);
		}
		ompk__flush(x);
	}
	/* The cancel poll, if still armed, goes with the ring. */
	io_uring_queue_exit(&u.ring);
	return x->err;
}
