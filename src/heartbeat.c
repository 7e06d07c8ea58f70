/*
 * heartbeat.c - the loop behind bin/heartbeat (see heartbeat.h).
 *
 * One ring, touched only by the calling thread. A tick is a pure timer
 * (io_uring_prep_timeout with count 0, so no completion count ends it
 * early); it completes with -ETIME when it expires. In offload mode a
 * worker thread runs the job and writes an eventfd; the ring has a read of
 * that eventfd in flight, so the job's end is one more completion the loop
 * reaps between ticks. Every request is reaped before returning.
 */
#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "ompkit/heartbeat.h"
#include "ompkit/lcg.h"

enum { TAG_TICK = 1, TAG_JOB = 2 };

struct job {
	const struct ompk_heartbeat_config *c;
	int efd;
	uint64_t steps, x;
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The job: block_ms of sleeping, or of LCG steps (CPU-bound). */
static void job_run(struct job *j)
{
	if (j->c->work == OMPK_HB_SLEEP) {
		struct timespec ts = { (time_t)(j->c->block_ms / 1000), (long)(j->c->block_ms % 1000) * 1000000 };

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		return;
	}
	double end = now_ms() + (double)j->c->block_ms;
	uint64_t x = 1, steps = 0;

	do {
		for (int i = 0; i < 4096; i++)
			x = x * OMPK_LCG_A + OMPK_LCG_C;
		steps += 4096;
	} while (now_ms() < end);
	j->x = x;
	j->steps = steps;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	uint64_t one = 1;

	job_run(j);
	/* An eventfd write of 8 bytes cannot be short; it fails only on overflow. */
	if (write(j->efd, &one, sizeof(one)) != sizeof(one))
		abort();
	return NULL;
}

static int arm_tick(struct io_uring *ring, struct __kernel_timespec *ts)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_timeout(sqe, ts, 0, 0);
	io_uring_sqe_set_data64(sqe, TAG_TICK);
	return 0;
}

int ompk_heartbeat_run(const struct ompk_heartbeat_config *c, struct ompk_heartbeat_stats *st)
{
	struct io_uring ring;
	struct __kernel_timespec ts;
	struct job j = { .c = c, .efd = -1 };
	pthread_t tid;
	bool ring_ok = false, thread_ok = false, job_pending = false;
	uint64_t efd_val = 0, done = 0;
	double t0;
	int err;

	memset(st, 0, sizeof(*st));
	if (!c->tick_ms || !c->ticks || c->ticks > 1000000 || c->tick_ms > 3600000 || c->block_ms > 3600000)
		return -EINVAL;
	st->tick_at_ms = calloc(c->ticks, sizeof(double));
	st->late_ms = calloc(c->ticks, sizeof(double));
	if (!st->tick_at_ms || !st->late_ms)
		return -ENOMEM;
	st->ticks = c->ticks;
	ts.tv_sec = (long long)(c->tick_ms / 1000);
	ts.tv_nsec = (long long)(c->tick_ms % 1000) * 1000000;

	err = io_uring_queue_init(4, &ring, 0);
	if (err)
		return err;
	ring_ok = true;
	t0 = now_ms();
	if ((err = arm_tick(&ring, &ts)))
		goto out;
	if (c->offload) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		j.efd = eventfd(0, EFD_CLOEXEC);
		if (j.efd < 0) {
			err = -errno;
			goto out;
		}
		if (!sqe) {
			err = -EBUSY;
			goto out;
		}
		io_uring_prep_read(sqe, j.efd, &efd_val, sizeof(efd_val), 0);
		io_uring_sqe_set_data64(sqe, TAG_JOB);
		job_pending = true;
	}
	err = io_uring_submit(&ring);
	if (err < 0)
		goto out;
	err = 0;
	if (c->offload) {
		err = -pthread_create(&tid, NULL, worker, &j);
		if (err)
			goto out;
		thread_ok = true;
	} else {
		job_run(&j); /* the loop thread is busy: nobody reaps the tick */
		st->job_done_ms = now_ms() - t0;
	}
	while (done < c->ticks || job_pending) {
		struct io_uring_cqe *cqe;
		uint64_t tag;
		int res;

		err = io_uring_wait_cqe(&ring, &cqe);
		if (err == -EINTR)
			continue;
		if (err)
			goto out;
		tag = io_uring_cqe_get_data64(cqe);
		res = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		if (tag == TAG_JOB) {
			job_pending = false;
			if (res != sizeof(efd_val)) {
				err = res < 0 ? res : -EIO;
				goto out;
			}
			st->job_done_ms = now_ms() - t0;
			continue;
		}
		if (res != -ETIME) { /* a pure timer expires with -ETIME; anything else is an error */
			err = res < 0 ? res : -EIO;
			goto out;
		}
		st->tick_at_ms[done] = now_ms() - t0;
		st->late_ms[done] = st->tick_at_ms[done] - (double)((done + 1) * c->tick_ms);
		if (st->late_ms[done] > st->max_late_ms)
			st->max_late_ms = st->late_ms[done];
		if (++done < c->ticks) {
			if ((err = arm_tick(&ring, &ts)))
				goto out;
			if ((err = io_uring_submit(&ring)) < 0)
				goto out;
			err = 0;
		}
	}
out:
	if (thread_ok)
		pthread_join(tid, NULL);
	if (ring_ok) {
		/*
		 * On an error path a timer or the eventfd read may still be in
		 * flight: closing the ring cancels them before efd_val and ts go.
		 */
		io_uring_queue_exit(&ring);
	}
	if (j.efd >= 0)
		close(j.efd);
	if (!err && c->work == OMPK_HB_LCG) {
		st->lcg_steps = j.steps;
		st->lcg_x = j.x;
		st->lcg_verified = ompk_lcg_jump(1, j.steps, OMPK_LCG_A, OMPK_LCG_C) == j.x;
	}
	return err;
}

void ompk_heartbeat_stats_free(struct ompk_heartbeat_stats *st)
{
	free(st->tick_at_ms);
	free(st->late_ms);
	st->tick_at_ms = st->late_ms = NULL;
}
