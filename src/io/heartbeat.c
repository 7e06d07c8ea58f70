/*
 * heartbeat.c - one event loop, a periodic tick and one blocking job.
 *
 * The loop thread is the only one that touches the ring. The tick is an
 * io_uring timeout: a multishot timeout (kernel 6.4+, probed at run time
 * with a 1 ns one-shot-count multishot request) that posts one completion
 * per period, or, without it, one count-0 timeout per tick with an
 * absolute deadline start + k * period, re-armed as each one completes.
 * Both keep a fixed rate from the heartbeat's start, so a tick that comes
 * late does not push the next ones back.
 *
 * Inline, the job is the loop's first task, as in the tutorial where main
 * calls blocking_work() before the heartbeat task first runs: the loop
 * thread is busy until the job ends, then arms the heartbeat, and every
 * tick is late by about the job's length. Offloaded, a worker thread runs
 * the job and writes an eventfd when it is done; the loop keeps an
 * IORING_OP_READ on that eventfd in flight, so the completion wakes it
 * like any other I/O, and the ticks stay on time.
 *
 * Without io_uring (its setup refused by the rule the loader uses too,
 * uring_setup.c: ENOSYS, EPERM or EACCES from io_uring_disabled or a
 * seccomp profile) the same loop runs on epoll with a periodic timerfd and
 * the same eventfd.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <liburing.h>

#include "uring_setup.h"
#include "ompkit/heartbeat.h"
#include "ompkit/lcg.h"
#include "ompkit/stats.h"

/* liburing 2.3's header predates it (kernel 6.4, liburing 2.4). */
#ifndef IORING_TIMEOUT_MULTISHOT
#define IORING_TIMEOUT_MULTISHOT (1U << 6)
#endif

#define NS 1000000000ull
#define LCG_CHUNK 65536 /* LCG steps between two looks at the clock */

enum { TAG_TICK = 1, TAG_JOB, TAG_PROBE };

struct loop {
	const struct ompk_hb_config *c;
	struct ompk_hb_result *r;
	uint64_t t0;		     /* CLOCK_MONOTONIC at the start, ns */
	uint64_t hb_start;	     /* when the heartbeat was armed, ns */
	int efd;		     /* the worker's completion, offload only; else -1 */
	uint64_t efd_buf;	     /* the eventfd read's buffer: lives until its completion */
	struct __kernel_timespec ts; /* the armed timeout's: lives until its completion */
	bool job_done;
	pthread_t worker;
	bool worker_started;
};

void ompk_hb_config_default(struct ompk_hb_config *c)
{
	memset(c, 0, sizeof(*c));
	c->tick_ns = 50 * 1000000ull;
	c->ticks = 3;
	c->block_ns = 300 * 1000000ull;
	c->mode = OMPK_HB_INLINE;
	c->work = OMPK_HB_SLEEP;
	c->loop = OMPK_HB_LOOP_AUTO;
	c->timer = OMPK_HB_TIMER_AUTO;
}

/* The job: a blocking sleep, or LCG steps until block_ns have passed by the clock. */
static void job_run(struct loop *l)
{
	const struct ompk_hb_config *c = l->c;
	uint64_t start = ompk_now_ns();

	if (c->work == OMPK_HB_SLEEP) {
		struct timespec t = { (time_t)(c->block_ns / NS), (long)(c->block_ns % NS) };

		while (nanosleep(&t, &t) < 0 && errno == EINTR)
			;
		return;
	}
	uint64_t x = 1, steps = 0;

	/* The lcg kernel's generator; the state is reported so the loop cannot be dropped. */
	do {
		for (int i = 0; i < LCG_CHUNK; i++)
			x = OMPK_LCG_A * x + OMPK_LCG_C;
		steps += LCG_CHUNK;
	} while (ompk_now_ns() - start < c->block_ns);
	l->r->lcg_steps = steps;
	l->r->lcg_state = x;
}

static void *worker_main(void *arg)
{
	struct loop *l = arg;
	uint64_t one = 1;

	job_run(l);
	/* An eventfd write of 8 bytes cannot be short; it fails only on counter overflow. */
	if (write(l->efd, &one, sizeof(one)) != sizeof(one))
		abort();
	return NULL;
}

static void tick_seen(struct loop *l)
{
	struct ompk_hb_result *r = l->r;

	if (r->nticks < l->c->ticks)
		r->tick_ns[r->nticks++] = ompk_now_ns() - l->t0;
}

static bool loop_done(const struct loop *l)
{
	return l->job_done && l->r->nticks == l->c->ticks;
}

/* --- io_uring ----------------------------------------------------------- */

/* An SQE, submitting what is queued first when the SQ is full. NULL only if that fails. */
static struct io_uring_sqe *get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe && io_uring_submit(ring) >= 0)
		sqe = io_uring_get_sqe(ring);
	return sqe;
}

/*
 * Does the kernel take IORING_TIMEOUT_MULTISHOT? Arms one with a 1 ns
 * period and a count of 1: a kernel that has it fires it (-ETIME), an
 * older one rejects the flag (-EINVAL). Returns 1, 0 or -errno.
 */
static int probe_multishot(struct io_uring *ring)
{
	struct __kernel_timespec ts = { 0, 1 };
	struct io_uring_sqe *sqe = get_sqe(ring);
	struct io_uring_cqe *cqe;
	int ret, res;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_timeout(sqe, &ts, 1, IORING_TIMEOUT_MULTISHOT);
	io_uring_sqe_set_data64(sqe, TAG_PROBE);
	ret = io_uring_submit(ring);
	if (ret < 0)
		return ret;
	do
		ret = io_uring_wait_cqe(ring, &cqe);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res == -ETIME ? 1 : 0;
}

/* Arms the timeout for the next tick (one-shot) or all of them (multishot). */
static int arm_tick(struct loop *l, struct io_uring *ring)
{
	struct io_uring_sqe *sqe = get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	if (l->r->timer == OMPK_HB_TIMER_MULTISHOT) {
		l->ts.tv_sec = (long long)(l->c->tick_ns / NS);
		l->ts.tv_nsec = (long long)(l->c->tick_ns % NS);
		/* For a multishot timeout the count is the number of shots (0: forever). */
		io_uring_prep_timeout(sqe, &l->ts, (unsigned)l->c->ticks, IORING_TIMEOUT_MULTISHOT);
	} else {
		uint64_t due = l->hb_start + (l->r->nticks + 1) * l->c->tick_ns;

		l->ts.tv_sec = (long long)(due / NS);
		l->ts.tv_nsec = (long long)(due % NS);
		/* count 0: a pure timer, not "after N completions"; ABS is CLOCK_MONOTONIC. */
		io_uring_prep_timeout(sqe, &l->ts, 0, IORING_TIMEOUT_ABS);
	}
	io_uring_sqe_set_data64(sqe, TAG_TICK);
	return 0;
}

static int arm_job_read(struct loop *l, struct io_uring *ring)
{
	struct io_uring_sqe *sqe = get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_read(sqe, l->efd, &l->efd_buf, sizeof(l->efd_buf), 0);
	io_uring_sqe_set_data64(sqe, TAG_JOB);
	return 0;
}

/* Handles one completion. Returns 0 or -errno. */
static int uring_complete(struct loop *l, struct io_uring *ring, const struct io_uring_cqe *cqe)
{
	switch (io_uring_cqe_get_data64(cqe)) {
	case TAG_TICK:
		if (cqe->res != -ETIME)
			return cqe->res < 0 ? cqe->res : -EIO;
		tick_seen(l);
		if (l->r->timer == OMPK_HB_TIMER_ONESHOT && l->r->nticks < l->c->ticks)
			return arm_tick(l, ring);
		return 0;
	case TAG_JOB:
		if (cqe->res == -EINTR || cqe->res == -EAGAIN)
			return arm_job_read(l, ring);
		if (cqe->res != sizeof(l->efd_buf))
			return cqe->res < 0 ? cqe->res : -EIO;
		l->job_done = true;
		l->r->job_done_ns = ompk_now_ns() - l->t0;
		return 0;
	default:
		return -EPROTO;
	}
}

static int uring_loop(struct loop *l, struct io_uring *ring)
{
	int ret;

	if (l->c->mode == OMPK_HB_OFFLOAD && (ret = arm_job_read(l, ring)) < 0)
		return ret;
	l->hb_start = ompk_now_ns();
	if ((ret = arm_tick(l, ring)) < 0)
		return ret;
	while (!loop_done(l)) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		ret = io_uring_submit_and_wait(ring, 1);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			return ret;
		ret = 0;
		io_uring_for_each_cqe(ring, head, cqe)
		{
			seen++;
			if ((ret = uring_complete(l, ring, cqe)) < 0)
				break;
		}
		io_uring_cq_advance(ring, seen);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* --- epoll + timerfd ---------------------------------------------------- */

static int epoll_loop(struct loop *l)
{
	int ep = -1, tfd = -1, ret = 0;
	struct epoll_event ev = { .events = EPOLLIN };
	struct itimerspec its = { 0 };
	uint64_t first;

	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ep < 0 || tfd < 0)
		goto fail;
	ev.data.u64 = TAG_TICK;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) < 0)
		goto fail;
	if (l->efd >= 0) {
		ev.data.u64 = TAG_JOB;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, l->efd, &ev) < 0)
			goto fail;
	}
	l->hb_start = ompk_now_ns();
	first = l->hb_start + l->c->tick_ns;
	its.it_value.tv_sec = (time_t)(first / NS);
	its.it_value.tv_nsec = (long)(first % NS);
	its.it_interval.tv_sec = (time_t)(l->c->tick_ns / NS);
	its.it_interval.tv_nsec = (long)(l->c->tick_ns % NS);
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		goto fail;
	while (!loop_done(l)) {
		struct epoll_event evs[2];
		int n = epoll_wait(ep, evs, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		for (int i = 0; i < n; i++) {
			uint64_t v;

			if (evs[i].data.u64 == TAG_TICK) {
				if (read(tfd, &v, sizeof(v)) != sizeof(v)) {
					if (errno == EAGAIN || errno == EINTR)
						continue;
					goto fail;
				}
				/*
				 * v expirations since the last read: a late loop sees them bunched.
				 */
				while (v--)
					tick_seen(l);
			} else {
				if (read(l->efd, &v, sizeof(v)) != sizeof(v)) {
					if (errno == EAGAIN || errno == EINTR)
						continue;
					goto fail;
				}
				l->job_done = true;
				l->r->job_done_ns = ompk_now_ns() - l->t0;
				epoll_ctl(ep, EPOLL_CTL_DEL, l->efd, NULL);
			}
		}
	}
	goto out;
fail:
	ret = -errno;
out:
	if (tfd >= 0)
		close(tfd);
	if (ep >= 0)
		close(ep);
	return ret;
}

/* --- the run ------------------------------------------------------------ */

static int check_config(const struct ompk_hb_config *c)
{
	if (c->tick_ns == 0 || c->ticks == 0 || c->ticks > 1000000 || c->tick_ns > 3600 * NS ||
	    c->block_ns > 3600 * NS)
		return -EINVAL;
	if (c->mode > OMPK_HB_OFFLOAD || c->work > OMPK_HB_LCG || c->loop > OMPK_HB_LOOP_EPOLL ||
	    c->timer > OMPK_HB_TIMER_ONESHOT)
		return -EINVAL;
	return 0;
}

int ompk_hb_run(const struct ompk_hb_config *c, struct ompk_hb_result *r)
{
	struct loop l = { .c = c, .r = r, .efd = -1 };
	struct io_uring ring;
	bool have_ring = false;
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = check_config(c)) < 0)
		return ret;
	r->tick_ns = calloc(c->ticks, sizeof(*r->tick_ns));
	if (!r->tick_ns)
		return -ENOMEM;
	r->loop = OMPK_HB_LOOP_EPOLL;
	if (c->loop != OMPK_HB_LOOP_EPOLL) {
		ret = io_uring_queue_init(8, &ring, 0);
		if (ret < 0 && (c->loop == OMPK_HB_LOOP_URING || !ompk__uring_refused(ret)))
			goto out;
		if (ret < 0) {
			r->uring_err = ret;
		} else {
			have_ring = true;
			r->loop = OMPK_HB_LOOP_URING;
		}
	}
	if (have_ring) {
		r->timer = c->timer;
		if (c->timer != OMPK_HB_TIMER_ONESHOT) {
			ret = probe_multishot(&ring);
			if (ret < 0)
				goto out;
			if (ret == 0 && c->timer == OMPK_HB_TIMER_MULTISHOT) {
				ret = -EOPNOTSUPP;
				goto out;
			}
			r->timer = ret ? OMPK_HB_TIMER_MULTISHOT : OMPK_HB_TIMER_ONESHOT;
		}
	}

	l.t0 = ompk_now_ns();
	if (c->mode == OMPK_HB_INLINE) {
		job_run(&l);
		l.job_done = true;
		r->job_done_ns = ompk_now_ns() - l.t0;
	} else {
		l.efd = eventfd(0, EFD_CLOEXEC | (have_ring ? 0 : EFD_NONBLOCK));
		if (l.efd < 0) {
			ret = -errno;
			goto out;
		}
		ret = -pthread_create(&l.worker, NULL, worker_main, &l);
		if (ret < 0)
			goto out;
		l.worker_started = true;
	}
	ret = have_ring ? uring_loop(&l, &ring) : epoll_loop(&l);
	for (uint64_t k = 0; k < r->nticks; k++) {
		uint64_t late = ompk_hb_lateness(c, r, k);

		if (late > r->max_late_ns)
			r->max_late_ns = late;
	}
out:
	/*
	 * The worker writes the eventfd last: join it before closing that, and before the ring
	 * goes.
	 */
	if (l.worker_started)
		pthread_join(l.worker, NULL);
	if (have_ring)
		io_uring_queue_exit(&ring); /* cancels what is still in flight */
	if (l.efd >= 0)
		close(l.efd);
	if (ret < 0)
		ompk_hb_result_free(r);
	return ret < 0 ? ret : 0;
}

void ompk_hb_result_free(struct ompk_hb_result *r)
{
	free(r->tick_ns);
	r->tick_ns = NULL;
	r->nticks = 0;
}

uint64_t ompk_hb_lateness(const struct ompk_hb_config *c, const struct ompk_hb_result *r,
			  uint64_t k)
{
	uint64_t due = (k + 1) * c->tick_ns;

	return r->tick_ns[k] > due ? r->tick_ns[k] - due : 0;
}

const char *ompk_hb_mode_name(enum ompk_hb_mode m)
{
	return m == OMPK_HB_OFFLOAD ? "offload" : "inline";
}

const char *ompk_hb_work_name(enum ompk_hb_work w)
{
	return w == OMPK_HB_LCG ? "lcg" : "sleep";
}

const char *ompk_hb_loop_name(enum ompk_hb_loop l)
{
	static const char *const names[] = { "auto", "uring", "epoll" };

	return l <= OMPK_HB_LOOP_EPOLL ? names[l] : "?";
}

const char *ompk_hb_timer_name(enum ompk_hb_timer t)
{
	static const char *const names[] = { "auto", "multishot", "oneshot" };

	return t <= OMPK_HB_TIMER_ONESHOT ? names[t] : "?";
}
