/*
 * progress_tty.h - a progress line on a terminal for long runs: fraction
 * done, time elapsed and time left when the kernel reports how far it is,
 * time elapsed alone when it does not (the plain seq and omp loops). It is
 * redrawn at most four times a second, only after the first second, and
 * erased when the run ends. A small ticker thread draws it for kernels that
 * never report, so every run longer than a second shows it. Disabled (no
 * thread, no output) when stderr is not a terminal, so logs and pipes never
 * see it.
 */
#ifndef OMPKIT_PROGRESS_TTY_H
#define OMPKIT_PROGRESS_TTY_H

#include <pthread.h>
#include <stdbool.h>

#include "ompkit/progress.h"

struct ompk_progress_tty {
	struct ompk_progress progress; /* hand &progress to kernels */
	const char *label;
	bool enabled, drawn;
	double start, last;
	/* What the kernel last reported (have_fraction: it reported at all). */
	bool have_fraction;
	uint64_t done, total;
	/* The ticker: draws while the kernel is silent. */
	bool ticking, stop;
	pthread_t ticker;
	pthread_mutex_t lock;
	pthread_cond_t wake;
};

/* Starts the line (and its ticker thread when enabled; without one if it cannot start). */
void ompk_progress_tty_init(struct ompk_progress_tty *t, const char *label, bool enabled);
/* Stops the ticker and erases the line. */
void ompk_progress_tty_done(struct ompk_progress_tty *t);

#endif
