/*
 * loader_fault.h - fault injection into the shard loader, for tests only:
 * the kinds of fault, and the run that takes one. Private: not installed,
 * not in ompkit/loader.h; tests/test_loader_faults.c includes it (the
 * Makefile gives the tests -Isrc/io). A real run has no fault (NULL).
 *
 * Reads are numbered from 1 in the order they are issued over the whole
 * run; a fault hits reads nth .. nth + count - 1 (count 0 means 1):
 *   SHORT    the read is asked for half its bytes (a real short read); with
 *            a seed, a random pattern instead: each read in the span is
 *            short or whole by a draw from (seed, read number), and a short
 *            one is asked for 1 .. len-1 bytes, also drawn
 *   EIO, EINTR, EAGAIN
 *            the read is not done; its completion carries that error
 *            (uring: a NOP stands in for it, so no data is consumed)
 *   REORDER  its completion is held back and handed on after a later
 *            request's (uring), or after a later shard has landed (threads)
 *   SQ_FULL  uring: a one-entry submission queue, and io_uring_get_sqe
 *            reports it full once more for the read
 *   SUBMIT   uring: the read finds the queue full and submitting fails
 *            with -EBUSY
 * hits counts the faults that took effect (a test asserts it is not 0).
 */
#ifndef OMPKIT_LOADER_FAULT_H
#define OMPKIT_LOADER_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ompkit/loader.h"

enum ompk_fault_kind {
	OMPK_FAULT_NONE,
	OMPK_FAULT_SHORT,
	OMPK_FAULT_EIO,
	OMPK_FAULT_EINTR,
	OMPK_FAULT_EAGAIN,
	OMPK_FAULT_REORDER,
	OMPK_FAULT_SQ_FULL,
	OMPK_FAULT_SUBMIT,
};

struct ompk_fault {
	enum ompk_fault_kind kind;
	uint64_t nth, count;
	uint64_t seed; /* SHORT: 0 halves every read in the span; else the random pattern's seed */
	uint64_t hits; /* out */
};

/* ompk_loader_run with fault f injected (f may be NULL: a plain run). */
int ompk__loader_run_fault(const struct ompk_loader_config *c, struct ompk_fault *f,
			   struct ompk_loader_stats *st, char *msg, size_t len);

/* The helpers the layers use (fault.c); f NULL means no fault. */

/* Is f of kind k? */
bool ompk__fault_is(const struct ompk_fault *f, enum ompk_fault_kind k);
/* Does fault k hit read number n? */
bool ompk__fault(const struct ompk_fault *f, enum ompk_fault_kind k, uint64_t n);
/* Counts one fault that took effect (any thread). */
void ompk__fault_hit(struct ompk_fault *f);
/* The bytes read n of len bytes is asked for: len, or fewer under a SHORT fault (a hit). */
size_t ompk__fault_short(struct ompk_fault *f, uint64_t n, size_t len);
/* The error (EIO, EINTR, EAGAIN) injected in place of read n, counted as a hit; 0 for none. */
int ompk__fault_error(struct ompk_fault *f, uint64_t n);

#endif
