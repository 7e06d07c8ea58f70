/*
 * sumsq.h - the sumsq kernel's public functions: the fast sum of squares mod 2^64: SIMD 64-bit low
 * multiplies inside a thread, OpenMP threads across the input.
 *
 * Wrapping is exact: the result equals the plain loop s += x*x in uint64_t,
 * because + and * mod 2^64 form a commutative ring, so any regrouping of
 * the terms (lanes, threads) gives the same residue.
 */
#ifndef OMPKIT_SUMSQ_H
#define OMPKIT_SUMSQ_H

#include <stddef.h>
#include <stdint.h>

#include "ompkit/simd.h"

/*
 * sum of v[i]*v[i] mod 2^64 over v[0..n), with an OpenMP team of at most
 * `threads` threads (threads < 1 means omp_get_max_threads()). Never fails.
 */
uint64_t ompk_sumsq_fast(const uint64_t *v, size_t n, int threads);

/*
 * sum of x*x mod 2^64 over the integers x in [from, to), generated in
 * registers (no memory traffic). 0 when to <= from. Never fails.
 */
uint64_t ompk_sumsq_range_fast(uint64_t from, uint64_t to, int threads);

/*
 * The two functions above with a chosen kernel, for tests and benchmarks;
 * the result goes to *out. Return 0, -EINVAL for an unknown simd value, or
 * -ENOTSUP if this CPU or build cannot run that kernel.
 */
int ompk_sumsq_fast_simd(const uint64_t *v, size_t n, int threads, int simd, uint64_t *out);
int ompk_sumsq_range_fast_simd(uint64_t from, uint64_t to, int threads, int simd, uint64_t *out);

/*
 * The oracle (kernels/sumsq/oracle.c): sum of x*x for x in [from, to), mod 2^64, by the closed
 * form.
 */
uint64_t ompk_oracle_sumsq_range(uint64_t from, uint64_t to);

#endif
