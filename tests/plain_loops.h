/*
 * plain_loops.h - the checksum fold and the sum of squares as anyone
 * would write them: the reference the fast kernels are tested against
 * (tests/test_fast_simd.c) and the baseline they are measured against
 * (bench/bench_fold.c, where -O3 vectorises the sum as it would anyone's
 * loop). Written once, so the two cannot drift apart. Static inline: each
 * user gets its own copy, compiled as its own loop.
 */
#ifndef OMPK_PLAIN_LOOPS_H
#define OMPK_PLAIN_LOOPS_H

#include <stddef.h>
#include <stdint.h>

#include "ompkit/checksum.h"

/* The fold acc = acc*P + byte over p[0..n), continuing from acc. */
static inline uint64_t plain_fold(uint64_t acc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		acc = acc * OMPK_FOLD_P + p[i];
	return acc;
}

/* The sum of v[i]^2 mod 2^64. */
static inline uint64_t plain_sumsq(const uint64_t *v, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += v[i] * v[i];
	return s;
}

#endif
