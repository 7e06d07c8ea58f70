/*
 * collatz.h - the collatz kernel's public functions: the fast exact search
 * for the longest Collatz chain in a range of 64-bit starts, an exact step
 * counter for one start, and the oracle.
 *
 * steps(n) counts applications of n -> n/2 (n even), n -> 3n+1 (n odd)
 * until 1 is reached; steps(1) = 0. Trajectories of 64-bit starts may pass
 * 2^64: they are followed exactly in 128 bits, and a value that 128 bits
 * cannot hold is reported as -EOVERFLOW, never wrapped.
 */
#ifndef OMPKIT_COLLATZ_H
#define OMPKIT_COLLATZ_H

#include <stddef.h>
#include <stdint.h>

#include "ompkit/progress.h"

/*
 * Longest Collatz chain in [from, to): *best_n, *best_steps, ties going to
 * the smallest n. threads >= 1 is the OpenMP team size (num_threads
 * clause). prog may be NULL; it is called from thread 0 only, at most every
 * few ms. Returns 0, -EINVAL (from == 0, from >= to, threads < 1, a NULL
 * result pointer), -ENOMEM, -EOVERFLOW.
 */
int ompk_collatz_fast(uint64_t from, uint64_t to, int threads, const struct ompk_progress *prog,
		      uint64_t *best_n, uint64_t *best_steps);

/*
 * steps(n) exactly, in 128 bits where needed. Returns 0, -EINVAL (n == 0 or
 * steps NULL), -EOVERFLOW if 128 bits cannot hold a value of the trajectory.
 */
int ompk_collatz_steps(uint64_t n, uint64_t *steps);

/* The oracle (kernels/collatz/oracle.c), a route independent of the above. */

/*
 * The n in [from, to) with the most Collatz steps (ties: smallest n), by
 * an odd-step shortcut with a table of small values and 128-bit
 * arithmetic past 2^64. Returns 0, -EINVAL (from == 0 or from >= to),
 * -ENOMEM, or -EOVERFLOW when a value outgrows 128 bits.
 */
int ompk_oracle_collatz(uint64_t from, uint64_t to, uint64_t *n, uint64_t *steps);

/* steps(ns[i]) for each i, by the same route. 0, -EINVAL (a 0), -ENOMEM, -EOVERFLOW. */
int ompk_oracle_collatz_points(const uint64_t *ns, size_t count, uint64_t *steps);

#endif
