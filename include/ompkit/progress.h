/*
 * progress.h - how long-running kernels report how far they are.
 *
 * A kernel that may run for seconds or more takes an optional
 * `const struct ompk_progress *` (NULL means: report nothing). The kernel
 * calls ompk_progress_report() from one thread only (OpenMP thread 0 of its
 * team, or the caller when sequential), with `done` counting units of work
 * finished so far by the whole team and `total` the units of the whole run.
 * The callback must be cheap; the kernel calls it at most every few
 * milliseconds of work. It never decides anything: it only shows.
 */
#ifndef OMPKIT_PROGRESS_H
#define OMPKIT_PROGRESS_H

#include <stdint.h>

struct ompk_progress {
	void (*fn)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};

static inline void ompk_progress_report(const struct ompk_progress *p, uint64_t done,
					uint64_t total)
{
	if (p && p->fn)
		p->fn(p->ctx, done, total);
}

#endif
