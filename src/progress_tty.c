/*
 * progress_tty.c - the terminal progress line (see progress_tty.h).
 *
 * Two writers share the line: the kernel's callback (OpenMP thread 0,
 * every few ms of work) and the ticker thread (every 250 ms). Both render
 * under one mutex; the callback only tries it, so a kernel never waits for
 * the terminal.
 */
#include "ompkit/progress_tty.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "ompkit/stats.h"
#include "thread_stop.h"

#define REDRAW_S 0.25 /* at most four redraws a second */
#define QUIET_S 1.0   /* runs shorter than this never draw: no flicker */

/* Draws the line if it is due. Called with t->lock held. */
static void render(struct ompk_progress_tty *t)
{
	double tnow = ompk_now(), elapsed = tnow - t->start, frac;

	if (tnow - t->last < REDRAW_S || elapsed < QUIET_S)
		return;
	t->last = tnow;
	if (t->have_fraction && t->total > 0) {
		frac = (double)t->done / (double)t->total;
		fprintf(stderr, "\r%s: %5.1f%% done, %.0f s elapsed, about %.0f s left   ",
			t->label, 100.0 * frac, elapsed,
			frac > 0 ? elapsed * (1 - frac) / frac : 0.0);
	} else {
		fprintf(stderr, "\r%s: running, %.0f s elapsed   ", t->label, elapsed);
	}
	fflush(stderr);
	t->drawn = true;
}

static void on_report(void *ctx, uint64_t done, uint64_t total)
{
	struct ompk_progress_tty *t = ctx;

	if (!t->enabled || pthread_mutex_trylock(&t->lock) != 0)
		return;
	t->have_fraction = true;
	t->done = done;
	t->total = total;
	render(t);
	pthread_mutex_unlock(&t->lock);
}

static void *tick(void *arg)
{
	struct ompk_progress_tty *t = arg;
	struct timespec due;

	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		clock_gettime(CLOCK_MONOTONIC, &due);
		due.tv_nsec += (long)(REDRAW_S * 1e9);
		if (due.tv_nsec >= 1000000000L) {
			due.tv_sec++;
			due.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&t->wake, &t->lock, &due) == ETIMEDOUT && !t->stop)
			render(t);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

void ompk_progress_tty_init(struct ompk_progress_tty *t, const char *label, bool enabled)
{
	pthread_condattr_t ca;

	t->progress.fn = on_report;
	t->progress.ctx = t;
	t->label = label;
	t->enabled = enabled;
	t->drawn = t->have_fraction = t->ticking = t->stop = false;
	t->done = t->total = 0;
	t->start = t->last = ompk_now();
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &ca);
	pthread_condattr_destroy(&ca);
	/* Without a ticker the line still shows for kernels that report. */
	if (enabled)
		t->ticking = pthread_create(&t->ticker, NULL, tick, t) == 0;
}

void ompk_progress_tty_done(struct ompk_progress_tty *t)
{
	if (t->ticking) {
		ompk_thread_stop(t->ticker, &t->lock, &t->wake, &t->stop);
	}
	if (t->drawn)
		fprintf(stderr, "\r\033[K");
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
}
