/*
 * checksum.h - the checksum kernel's public functions. The fast byte fold:
 * SIMD lanes inside a block, OpenMP threads across blocks, and a streaming
 * form for inputs that arrive in pieces; and its oracle.
 *
 * The fold is acc = acc*P + b over the bytes, starting from acc = 0, with
 * P = 1099511628211 and all arithmetic mod 2^64. It is the polynomial hash
 * H(b_0..b_{n-1}) = sum b_i * P^(n-1-i), so for any split
 * H(A||B) = H(A)*P^|B| + H(B); that identity is what lets pieces be hashed
 * independently (lanes, blocks, threads, stream chunks) and recombined
 * exactly.
 */
#ifndef OMPKIT_CHECKSUM_H
#define OMPKIT_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "ompkit/simd.h"

#define OMPK_FOLD_P UINT64_C(1099511628211)

/* base^exp mod 2^64 by repeated squaring (O(log exp) multiplications). */
uint64_t ompk_pow_u64(uint64_t base, uint64_t exp);

/*
 * The byte fold of p[0..n) from acc = 0, using an OpenMP team of at most
 * `threads` threads (threads < 1 means omp_get_max_threads()). Small inputs
 * use fewer threads than asked, since a fork costs more than hashing a few
 * KiB. Any n, including 0. Never fails.
 */
uint64_t ompk_fold_fast(const uint8_t *p, size_t n, int threads);

/*
 * ompk_fold_fast with a chosen kernel; the result goes to *out. Returns 0,
 * -EINVAL for an unknown simd value, or -ENOTSUP if this CPU or build
 * cannot run that kernel.
 */
int ompk_fold_fast_simd(const uint8_t *p, size_t n, int threads, int simd, uint64_t *out);

/* Streaming state; start with acc = 0. */
struct ompk_fold_state {
	uint64_t acc;
};

/*
 * Fold p[0..n) into st. After feeding pieces of any lengths, st->acc equals
 * ompk_fold_fast over their concatenation.
 */
void ompk_fold_update(struct ompk_fold_state *st, const uint8_t *p, size_t n, int threads);

/*
 * The oracle (kernels/checksum/oracle.c): the fold of n copies of byte b, by a geometric series in
 * O(log n).
 */
uint64_t ompk_oracle_fold_uniform(uint8_t b, uint64_t n);

#endif
