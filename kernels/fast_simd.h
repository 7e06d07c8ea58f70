/*
 * fast_simd.h - what the fast SIMD kernels (checksum, sumsq) share: the
 * kernels they pick between at run time (ompkit/simd.h), and how they cut
 * their input over an OpenMP team (how many threads are worth a fork,
 * where each thread's part starts), so that they dispatch and split
 * alike. Private to kernels/; static inline, as each helper is a line or
 * two called once a part.
 */
#ifndef OMPKIT_KERNELS_FAST_SIMD_H
#define OMPKIT_KERNELS_FAST_SIMD_H

#include <omp.h>
#include <stddef.h>
#include <stdint.h>

#include "ompkit/simd.h"

/* x86-64 kernels carry target attributes and are picked by ompk_simd_resolve. */
#if defined(__x86_64__) && defined(__GNUC__)
#define X86_DISPATCH 1
#include <immintrin.h>
#else
#define X86_DISPATCH 0
#endif

enum isa {
	ISA_SCALAR = OMPK_SIMD_SCALAR,
	ISA_AVX2 = OMPK_SIMD_AVX2,
	ISA_AVX512 = OMPK_SIMD_AVX512,
	ISA_AVX512VNNI = OMPK_SIMD_AVX512VNNI,
};

/*
 * floor(q*t/nb) without overflow: with q = (q/nb)*nb + q%nb,
 * q*t/nb = (q/nb)*t + (q%nb)*t/nb, the first term exact and the second
 * below nb*t < 2^62 since threads are ints.
 */
static inline uint64_t ompk_team_scale(uint64_t q, uint64_t t, uint64_t nb)
{
	return q / nb * t + q % nb * t / nb;
}

/*
 * Start of part t of nb over n items, on a multiple of align items, so
 * that every part but the last is whole SIMD steps (speed only).
 */
static inline uint64_t ompk_team_part_start(uint64_t n, uint64_t align, size_t t, size_t nb)
{
	return t >= nb ? n : ompk_team_scale(n / align, t, nb) * align;
}

/*
 * The team to ask for: threads (below 1: the runtime's), but at least
 * min_block items each, since below that the fork/join costs more than it
 * saves. 1 or less: run on the calling thread.
 */
static inline int ompk_team_size(uint64_t n, int threads, uint64_t min_block)
{
	uint64_t want = threads < 1 ? (uint64_t)omp_get_max_threads() : (uint64_t)threads;
	uint64_t most = n / min_block;

	return (int)(want < most ? want : most);
}

#endif
