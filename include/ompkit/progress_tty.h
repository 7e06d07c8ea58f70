/*
 * progress_tty.h - a progress line on a terminal for long kernel runs:
 * fraction done, time elapsed and time left, redrawn at most four times a second
 * and erased when the run ends. Disabled (silent) when stderr is not a
 * terminal, so logs and pipes never see it.
 */
#ifndef OMPKIT_PROGRESS_TTY_H
#define OMPKIT_PROGRESS_TTY_H

#include <stdbool.h>

#include "ompkit/progress.h"

struct ompk_progress_tty {
	struct ompk_progress progress; /* hand &progress to kernels */
	const char *label;
	bool enabled, drawn;
	double start, last;
};

void ompk_progress_tty_init(struct ompk_progress_tty *t, const char *label, bool enabled);
void ompk_progress_tty_done(struct ompk_progress_tty *t);

#endif
