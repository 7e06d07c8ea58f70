/*
 * progress_tty.c - the terminal progress line (see progress_tty.h).
 */
#include "ompkit/progress_tty.h"

#include <stdio.h>

#include "ompkit/stats.h"

static void draw(void *ctx, uint64_t done, uint64_t total)
{
	struct ompk_progress_tty *t = ctx;
	double tnow = ompk_now(), frac, elapsed;

	if (!t->enabled || tnow - t->last < 0.25 || total == 0)
		return;
	/* Runs shorter than a second never draw: no flicker on quick runs. */
	if (tnow - t->start < 1.0)
		return;
	t->last = tnow;
	frac = (double)done / (double)total;
	elapsed = tnow - t->start;
	fprintf(stderr, "\r%s: %5.1f%% done, %.0f s elapsed, about %.0f s left   ", t->label,
		100.0 * frac, elapsed, frac > 0 ? elapsed * (1 - frac) / frac : 0.0);
	fflush(stderr);
	t->drawn = true;
}

void ompk_progress_tty_init(struct ompk_progress_tty *t, const char *label, bool enabled)
{
	t->progress.fn = draw;
	t->progress.ctx = t;
	t->label = label;
	t->enabled = enabled;
	t->drawn = false;
	t->start = t->last = ompk_now();
}

void ompk_progress_tty_done(struct ompk_progress_tty *t)
{
	if (t->drawn)
		fprintf(stderr, "\r\033[K");
}
