/*
 * backend_uring.c - the io_uring backend of the shard loader, beside
 * backend_threads.c: it calls the hand-over and shards and buffers below
 * it, never loader.c, which chose it.
 *
 * One ring, touched only by this (the loop) thread. A shard's fetch is
 * first a timeout with count 0 (a pure timer: it completes with -ETIME
 * when the latency has passed, not after any number of other
 * completions), shared by the shards of its timer group (below); then,
 * for shard files, reads until the whole file is in. The reads are
 * submitted when the timer's completion is reaped rather than linked
 * behind it: a plain timeout that expires breaks its link and the linked
 * read would come back -ECANCELED (IORING_TIMEOUT_ETIME_SUCCESS, 5.16+,
 * avoids that, but the chain needs no kernel feature at all).
 *
 * Reads, like fio's --iodepth: at most K read requests of --read-block
 * bytes are in flight, and the free slots go to the shards whose latency
 * has passed, oldest first, a file taking one slot per block it has left
 * (at distinct offsets; a stream one at a time, in order). Each read is a
 * struct read_req carried in user_data (io_uring-cp's shape): a short
 * read resubmits the rest of its block, -EINTR and -EAGAIN resubmit as
 * is. So a shard lands after its own blocks, not after one block of every
 * shard in flight: when K shards read a block each in turn, all K land at
 * once, the kernel waits for the batch and then the loop for the kernel,
 * and K whole buffers are being written at a time (K x 4 MiB falls out of
 * the cache; K x 1 MiB, fio's footprint, does not). A shard is handed on
 * only after its last read's completion (an error waits for its other
 * reads in flight), so its buffer is never reused, nor freed, while the
 * kernel may still write into it. The buffers are registered with the
 * ring where the kernel allows and read into with READ_FIXED
 * (uring_bufs.c). The compute thread wakes the loop through an eventfd
 * the ring polls (single-shot, re-armed).
 *
 * The completion queue has room for every request that can be in flight
 * (for files: K reads and one other request per shard, a timer group's,
 * a FIFO's poll or its tail read; for synthetic spans their groups'
 * timers; + the eventfd and cancel polls): IORING_SETUP_CQSIZE up to the
 * kernel's 65536; past that the loader keeps fewer files in flight, or
 * waits for a group's timer before it starts another group. Synthetic
 * shards travel in spans (shard.h) under one timer each, so a million of
 * them in flight take a few hundred requests. The submission queue may be
 * smaller: when io_uring_get_sqe returns NULL the queue is submitted and
 * the sqe taken again.
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
#include "uring_bufs.h"
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

/* user_data: a request's struct, its kind in the low bits; else a shard or a tag. */
#define TAG_GROUP 1u
#define TAG_READ 2u
#define TAG_MASK 3u

/*
 * A read in flight: bytes [off, off + len) of its shard (a stream: its
 * next len bytes), the rest of them after a short read.
 */
struct read_req {
	struct shard *sh;
	size_t off, len;
	uint64_t no;	       /* its latest submission's number, from 1 (fault injection) */
	int fault_res;	       /* the result of the NOP standing in for it */
	struct read_req *next; /* the free list */
};

/* The loop's state beyond the shared context. */
struct uring_loop {
	struct lctx *x;
	struct io_uring ring;
	struct timer_group *open;   /* the timer group being filled */
	unsigned groups, group_cap; /* timer groups in flight, and at most (the CQ's room) */
	struct read_req *req_mem, *req_free; /* K requests (shard files) and the free ones */
	uint64_t reads;			     /* reads in flight, at most x->max_inflight */
	struct shard *ready, *ready_tail;    /* waiting for read slots, oldest first */
	struct ompk_uring_bufs bufs;	     /* the payload buffers registered with the ring */
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
 * exit). A group is tagged TAG_GROUP in its user_data.
 */
#define SLACK_NS 500000u

struct timer_group {
	struct __kernel_timespec ts;	      /* alive until the timeout's completion */
	struct shard *members, *members_tail; /* in the order they started */
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
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)g | TAG_GROUP);
	return 0;
}

/* Submits rq for the rest of its bytes (or a NOP carrying an injected error). */
static int submit_read(struct uring_loop *u, struct read_req *rq)
{
	struct lctx *x = u->x;
	struct shard *sh = rq->sh;
	const uint64_t no = ++x->reads;
	struct io_uring_sqe *sqe = sqe_get(u, no);
	int fault;

	if (!sqe)
		return -EBUSY;
	rq->no = no;
	fault = ompk__fault_error(x->fault, no);
	if (fault) {
		/* The read is not done: a NOP completes in its place with the error. */
		rq->fault_res = -fault;
		io_uring_prep_nop(sqe);
	} else {
		const unsigned n = (unsigned)ompk__read_len(x, rq->len, no, 1u << 30);
		/* A FIFO has no offsets: -1 reads at the current position. */
		const uint64_t at = sh->seekable ? (uint64_t)rq->off : (uint64_t)-1;
		const int slot = ompk__uring_bufs_slot(&u->bufs, sh->buf, sh->want);

		if (slot >= 0)
			io_uring_prep_read_fixed(sqe, sh->fd, sh->buf + rq->off, n, at, slot);
		else
			io_uring_prep_read(sqe, sh->fd, sh->buf + rq->off, n, at);
	}
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)rq | TAG_READ);
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

/* sh may read now: it joins the queue for read slots. */
static void ready_push(struct uring_loop *u, struct shard *sh)
{
	sh->stage = STAGE_READ;
	sh->queued = true;
	ompk__shard_append(&u->ready, &u->ready_tail, sh);
}

static void ready_pop(struct uring_loop *u)
{
	struct shard *sh = u->ready;

	u->ready = sh->next;
	if (!u->ready)
		u->ready_tail = NULL;
	sh->queued = false;
}

/*
 * One of sh's reads has ended (its request released): the shard lands
 * when none of its reads is in flight and it is done or failed; a stream
 * queues for its next block or reads its tail. A shard still queued is
 * the feed's (more blocks to issue, or drained there after an error).
 */
static void read_ended(struct uring_loop *u, struct shard *sh)
{
	struct lctx *x = u->x;
	int err;

	if (sh->reads || sh->queued)
		return;
	if (sh->err || x->err || sh->seekable) {
		ompk__shard_fetched(x, sh);
		return;
	}
	if (sh->got < sh->want) {
		ready_push(u, sh);
		return;
	}
	err = submit_tail(u, sh);
	if (err)
		submit_failed(x, sh, err);
}

static void read_release(struct uring_loop *u, struct read_req *rq)
{
	struct shard *sh = rq->sh;

	sh->reads--;
	u->reads--;
	rq->next = u->req_free;
	u->req_free = rq;
	read_ended(u, sh);
}

/* rq could not be queued: its shard fails, once its other reads are in. */
static void read_failed(struct uring_loop *u, struct read_req *rq, int err)
{
	struct shard *sh = rq->sh;

	ompk__set_err(u->x, err, "io_uring: cannot queue a request for shard %llu: %s",
		      (unsigned long long)sh->idx, strerror(-err));
	if (!sh->err)
		sh->err = err;
	read_release(u, rq);
}

/*
 * Hands the free read slots to the queued shards, oldest first: a file
 * one request per block it has left, a stream one at a time. After an
 * error (or an interruption) the queue is drained instead: no more reads,
 * each shard handed on once its reads in flight are in.
 */
static void feed(struct uring_loop *u)
{
	struct lctx *x = u->x;

	while (u->ready) {
		struct shard *sh = u->ready;
		struct read_req *rq;
		size_t n;
		int err;

		if (!x->err && u->reads >= x->max_inflight)
			break;
		if (!x->err && ompk__shard_buf(x, sh) < 0)
			sh->err = -ENOMEM;
		if (x->err) {
			ready_pop(u);
			read_ended(u, sh);
			continue;
		}
		n = sh->want - sh->issued;
		if (x->c->read_block && n > x->c->read_block)
			n = x->c->read_block;
		rq = u->req_free;
		u->req_free = rq->next;
		*rq = (struct read_req){ .sh = sh, .off = sh->issued, .len = n };
		sh->issued += n;
		sh->reads++;
		u->reads++;
		if (!sh->seekable || sh->issued == sh->want)
			ready_pop(u);
		err = submit_read(u, rq);
		if (err)
			read_failed(u, rq, err);
	}
}

static void on_read(struct uring_loop *u, struct read_req *rq, int res)
{
	struct lctx *x = u->x;
	struct shard *sh = rq->sh;
	char path[4096];
	int err;

	if (rq->fault_res) {
		res = rq->fault_res;
		rq->fault_res = 0;
	}
	if (res == -EINTR || res == -EAGAIN) {
		res = 0; /* resubmitted as is */
	} else if (res < 0) {
		sh->err = sh->err ? sh->err : res;
		ompk__set_err(x, res, "%s: %s; accepted: a readable shard file",
			      ompk__shard_name(x, sh, path, sizeof(path)), strerror(-res));
		read_release(u, rq);
		return;
	} else if (res == 0) {
		sh->got = rq->off; /* where the file ended, for the message */
		ompk__shard_wrong_len(x, sh, false);
		read_release(u, rq);
		return;
	}
	rq->off += (size_t)res;
	rq->len -= (size_t)res;
	sh->got += (size_t)res;
	if (rq->len == 0 || x->err) {
		read_release(u, rq);
		return;
	}
	err = submit_read(u, rq);
	if (err)
		read_failed(u, rq, err);
}

/* sh's latency has passed: a synthetic shard has landed, a file queues for reads. */
static void latency_over(struct uring_loop *u, struct shard *sh)
{
	struct lctx *x = u->x;
	int err;

	if (sh->fd < 0 || x->err) {
		ompk__shard_fetched(x, sh);
		return;
	}
	if (sh->seekable) {
		ready_push(u, sh);
		return;
	}
	err = submit_poll(u, sh);
	if (err)
		submit_failed(x, sh, err);
}

/* A timer, a FIFO's poll or a stream's tail read has completed. */
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
		latency_over(u, sh);
		return;
	}
	if (sh->stage == STAGE_TAIL && (res == -EINTR || res == -EAGAIN) && !x->err) {
		err = submit_tail(u, sh);
		if (err)
			submit_failed(x, sh, err);
		return;
	}
	/* The FIFO has a writer, data or an end (a poll cut short: the read finds out). */
	if (sh->stage == STAGE_POLL && (res >= 0 || res == -EINTR || res == -EAGAIN)) {
		ready_push(u, sh);
		return;
	}
	if (res < 0) {
		sh->err = res;
		ompk__set_err(x, res, "%s: %s; accepted: a readable shard file",
			      ompk__shard_name(x, sh, path, sizeof(path)), strerror(-res));
	} else if (res > 0) { /* the tail: a byte past the announced end */
		ompk__shard_wrong_len(x, sh, true);
	}
	ompk__shard_fetched(x, sh);
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
	/* Files: K reads and one other request per shard; + the eventfd and cancel polls. */
	const uint64_t ops = (x->c->dir ? 2 * x->c->inflight : x->c->inflight) + 2;
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
	/* Synthetic spans have only their group's timer in flight. */
	if (x->c->dir && x->max_inflight > (p.cq_entries - 2) / 2)
		x->max_inflight = (p.cq_entries - 2) / 2;
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
	} else if (((uintptr_t)data & TAG_MASK) == TAG_GROUP) {
		on_group(u, (struct timer_group *)((uintptr_t)data & ~(uintptr_t)TAG_MASK), res);
	} else if (((uintptr_t)data & TAG_MASK) == TAG_READ) {
		on_read(u, (struct read_req *)((uintptr_t)data & ~(uintptr_t)TAG_MASK), res);
	} else {
		on_shard(u, data, res);
	}
}

/* REORDER injection: is this the completion of a read to hold back? */
static bool hold_back(struct uring_loop *u, void *data)
{
	const struct read_req *rq = (const void *)((uintptr_t)data & ~(uintptr_t)TAG_MASK);

	if (u->held.set || !ompk__fault_is(u->x->fault, OMPK_FAULT_REORDER))
		return false;
	return ((uintptr_t)data & TAG_MASK) == TAG_READ &&
	       ompk__fault(u->x->fault, OMPK_FAULT_REORDER, rq->no);
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
		ompk__shard_append(&u->open->members, &u->open->members_tail, sh);
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
	if (x->c->dir) {
		u.req_mem = calloc((size_t)x->max_inflight, sizeof(*u.req_mem));
		if (!u.req_mem) {
			io_uring_queue_exit(&u.ring);
			ompk__set_err(x, -ENOMEM,
				      "--inflight: out of memory for %llu read requests",
				      (unsigned long long)x->max_inflight);
			return -ENOMEM;
		}
		for (uint64_t i = 0; i < x->max_inflight; i++) {
			u.req_mem[i].next = u.req_free;
			u.req_free = &u.req_mem[i];
		}
		/* At most 2K buffers are out at once, so 2K are ever made; refused: plain reads. */
		(void)ompk__uring_bufs_init(&u.bufs, &u.ring, (unsigned)(2 * x->max_inflight));
	}
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
		feed(&u);
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
	x->st->buffers_registered = u.bufs.used;
	ompk__uring_bufs_free(&u.bufs);
	free(u.req_mem);
	return x->err;
}
