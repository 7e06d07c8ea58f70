/*
 * backend_threads.c - the threads backend of the shard loader: a pool of
 * up to POOL_MAX fetch workers, each taking the oldest waiting shard,
 * waiting out its latency (a timed wait on a CLOCK_MONOTONIC condition,
 * cut short by an interruption), reading it with pread (read for a FIFO,
 * polled so that an interruption is seen) and handing it back to the
 * loop through the eventfd. The loop thread starts fetches, reaps what
 * the workers hand back and passes it to the compute hand-over. Fault
 * injection (tests): see loader_fault.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "handover.h"

#define POOL_MAX 16

/* The backend's state beyond the shared context; mu guards the lists and stop. */
struct threads_loop {
	struct lctx *x;
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* a shard is waiting, or stop */
	pthread_cond_t wake;		/* CLOCK_MONOTONIC waits: interruption, REORDER */
	struct shard *wait, *wait_tail; /* for the fetch workers */
	struct shard *fetched;		/* fetched, for the loop */
	uint64_t landed_after;		/* highest read number handed back (REORDER) */
	bool stop;
};

/* One read (or an injected fault in its place); the read's number goes to sh->read_no. */
static ssize_t fetch_read(struct lctx *x, struct shard *sh)
{
	const uint64_t no = __atomic_add_fetch(&x->reads, 1, __ATOMIC_RELAXED);
	const int fault = ompk__fault_error(x->fault, no);
	size_t n;

	sh->read_no = no;
	if (fault) {
		errno = fault;
		return -1;
	}
	n = ompk__read_len(x, sh->want - sh->got, no, SIZE_MAX);
	return sh->seekable ? pread(sh->fd, sh->buf + sh->got, n, (off_t)sh->got)
			    : read(sh->fd, sh->buf + sh->got, n);
}

/* Has the FIFO data, or an end? Waits 100 ms at most. */
static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 100) != 0; /* an error is left to the read that follows */
}

static struct timespec ts_of(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u),
			       .tv_nsec = (long)(ns % 1000000000u) };

	return ts;
}

/* Reads the whole shard, and a stream's end; sets sh->err. Returns the read to hold (REORDER). */
static uint64_t fetch_shard(struct lctx *x, struct shard *sh)
{
	uint64_t held = 0; /* REORDER: the number of the read whose completion is held back */

	while (sh->fd >= 0 && sh->got < sh->want && !ompk__is_cancelled(x)) {
		ssize_t r;

		/* A FIFO: waits for its writer, looking up for an interruption now and then. */
		if (!sh->seekable && !readable(sh->fd))
			continue;
		r = fetch_read(x, sh);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			sh->err = r < 0 ? -errno : -ENODATA;
			break;
		}
		sh->got += (size_t)r;
		if (!held && ompk__fault(x->fault, OMPK_FAULT_REORDER, sh->read_no))
			held = sh->read_no;
	}
	/* A stream must end where its header says: one more read returns 0. */
	while (sh->fd >= 0 && !sh->seekable && !sh->err && sh->got == sh->want &&
	       !ompk__is_cancelled(x)) {
		ssize_t r;

		if (!readable(sh->fd))
			continue;
		r = read(sh->fd, &sh->tail, 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r != 0)
			sh->err = r < 0 ? -errno : -EOVERFLOW;
		break;
	}
	if (ompk__is_cancelled(x) && !sh->err)
		sh->err = -ECANCELED;
	return held;
}

/*
 * A fetch worker: waits until the head shard's latency has passed (or
 * the run is interrupted), reads it, hands it back. A read blocked in a
 * FIFO with a silent writer is not interrupted (see the README).
 */
static void *fetch_main(void *arg)
{
	struct threads_loop *t = arg;
	struct lctx *x = t->x;
	const uint64_t one = 1;

	for (;;) {
		struct shard *sh;
		struct timespec ts;
		uint64_t held;

		pthread_mutex_lock(&t->mu);
		while (!t->wait && !t->stop)
			pthread_cond_wait(&t->cv, &t->mu);
		sh = t->wait;
		if (!sh) {
			pthread_mutex_unlock(&t->mu);
			return NULL;
		}
		t->wait = sh->next;
		if (!t->wait)
			t->wait_tail = NULL;
		ts = ts_of(sh->deadline_ns);
		while (!ompk__is_cancelled(x) && ompk_now_ns() < sh->deadline_ns)
			pthread_cond_timedwait(&t->wake, &t->mu, &ts);
		pthread_mutex_unlock(&t->mu);

		held = fetch_shard(x, sh);
		pthread_mutex_lock(&t->mu);
		if (held) {
			/*
			 * REORDER: wait (2 s at most: valgrind is slow) until a shard with a later
			 * read has landed.
			 */
			ts = ts_of(ompk_now_ns() + 2000000000u);
			while (t->landed_after <= held && !ompk__is_cancelled(x) &&
			       pthread_cond_timedwait(&t->wake, &t->mu, &ts) != ETIMEDOUT)
				;
			if (t->landed_after > held)
				ompk__fault_hit(x->fault);
		}
		if (sh->read_no > t->landed_after)
			t->landed_after = sh->read_no;
		if (x->fault)
			pthread_cond_broadcast(&t->wake);
		sh->next = t->fetched;
		t->fetched = sh;
		pthread_mutex_unlock(&t->mu);
		while (write(x->efd, &one, 8) < 0 && errno == EINTR)
			;
	}
}

/* The read errors of a fetch, with the file's name (loop thread). */
static void fetch_error(struct lctx *x, struct shard *sh)
{
	char path[4096];

	if (sh->err == -ECANCELED)
		ompk__set_err(x, sh->err, "interrupted");
	else if (sh->err == -EOVERFLOW)
		ompk__shard_wrong_len(x, sh, true);
	else if (sh->err == -ENODATA)
		ompk__shard_wrong_len(x, sh, false);
	else
		ompk__set_err(x, sh->err, "%s: %s; accepted: a readable shard file",
			      ompk__shard_name(x, sh, path, sizeof(path)), strerror(-sh->err));
}

/* Starts what may start now: each shard joins the workers' queue with its deadline. */
static void admit(struct threads_loop *t)
{
	struct lctx *x = t->x;

	while (ompk__may_start(x)) {
		struct shard *sh = ompk__shard_start(x);

		if (!sh)
			break;
		/* Its buffer now, on the loop thread, which records an error (a worker cannot). */
		if (sh->fd >= 0 && ompk__shard_buf(x, sh) < 0) {
			sh->err = -ENOMEM;
			ompk__shard_fetched(x, sh);
			break;
		}
		sh->deadline_ns = ompk_now_ns() + x->c->latency_ns;
		pthread_mutex_lock(&t->mu);
		ompk__shard_append(&t->wait, &t->wait_tail, sh);
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
	}
}

/* What the workers handed back, to the hand-over (loop thread). */
static void reap(struct threads_loop *t)
{
	struct lctx *x = t->x;
	struct shard *f = ompk__shard_take_all(&t->mu, &t->fetched);

	while (f) {
		struct shard *nx = f->next;

		if (f->err)
			fetch_error(x, f);
		ompk__shard_fetched(x, f);
		f = nx;
	}
}

static int loop(struct threads_loop *t)
{
	struct lctx *x = t->x;

	while (!ompk__finished(x)) {
		struct pollfd p[2] = { { .fd = x->efd, .events = POLLIN },
				       { .fd = x->c->cancel_fd, .events = POLLIN } };
		const nfds_t np = x->c->cancel_fd_set && !x->cancelled ? 2 : 1;
		uint64_t cnt;

		admit(t);
		if (ompk__finished(x))
			break;
		if (poll(p, np, -1) < 0 && errno != EINTR) {
			const int err = -errno;

			ompk__set_err(x, err, "poll: %s", strerror(-err));
			return err; /* not reachable in practice; the workers are joined after */
		}
		if (np == 2 && p[1].revents) {
			ompk__interrupted(x);
			pthread_mutex_lock(&t->mu);
			pthread_cond_broadcast(&t->wake);
			pthread_mutex_unlock(&t->mu);
		}
		if (read(x->efd, &cnt, 8) < 0 && errno != EAGAIN && errno != EINTR)
			break;
		reap(t);
		ompk__flush(x);
		ompk__collect(x);
	}
	return 0;
}

int ompk__threads_run(struct lctx *x)
{
	struct threads_loop t = { .x = x };
	pthread_condattr_t ca;
	pthread_t pool[POOL_MAX];
	int npool = 0, err = 0;
	const uint64_t want = x->c->inflight < POOL_MAX ? x->c->inflight : POOL_MAX;

	pthread_mutex_init(&t.mu, NULL);
	pthread_cond_init(&t.cv, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t.wake, &ca);
	pthread_condattr_destroy(&ca);
	for (uint64_t i = 0; i < want; i++) {
		if (pthread_create(&pool[npool], NULL, fetch_main, &t) != 0)
			break;
		npool++;
	}
	if (npool == 0) {
		ompk__set_err(x, -EAGAIN, "cannot start the fetch threads");
		err = -EAGAIN;
		goto out;
	}
	x->t0 = ompk_now();
	err = loop(&t);
	pthread_mutex_lock(&t.mu);
	t.stop = true;
	pthread_cond_broadcast(&t.cv);
	pthread_cond_broadcast(&t.wake);
	pthread_mutex_unlock(&t.mu);
	for (int i = 0; i < npool; i++)
		pthread_join(pool[i], NULL);
out:
	pthread_cond_destroy(&t.cv);
	pthread_cond_destroy(&t.wake);
	pthread_mutex_destroy(&t.mu);
	return x->err ? x->err : err;
}
