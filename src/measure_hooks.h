/*
 * measure_hooks.h - seams in the measurement core for tests only: known
 * times in place of the clock's, and a measured result changed before
 * the oracle sees it. Private: not installed, not in ompkit/driver.h;
 * tests include it (the Makefile gives them -Isrc). A real run has no
 * hooks (NULL), and no environment variable or global turns them on, so
 * the binaries cannot be made to lie.
 *
 * With them a test checks what no real run can show reliably: that the
 * report's median, min, max and rate are those of the times measured
 * (an even and an odd repeat count, every format), and that an oracle
 * fed a wrong measured result still gives the true value, so the driver
 * says `verified = no` and exits 1.
 */
#ifndef OMPKIT_MEASURE_HOOKS_H
#define OMPKIT_MEASURE_HOOKS_H

#include <stdint.h>

#include "ompkit/driver.h"

struct ompk__measure_hooks {
	/* The seconds timed run `run` (0-based, warm-ups not counted) took, in place of the
	 * clock's reading; NULL: the clock. */
	double (*seconds)(void *arg, uint64_t run);
	/* Called on the measured result after the timed runs and before the oracle; NULL:
	 * the result stays as run returned it. */
	void (*corrupt)(void *arg, struct ompk_result *measured);
	void *arg;
};

/* ompk_measure with hooks h (NULL: none). */
int ompk__measure(struct ompk_job *job, const struct ompk_options *o, struct ompk_report *rep,
		  char *msg, size_t len, const struct ompk__measure_hooks *h);
/* ompk_driver_main with hooks h (NULL: none). */
int ompk__driver_main(const struct ompk_kernel *k, int argc, char **argv,
		      const struct ompk__measure_hooks *h);

#endif
