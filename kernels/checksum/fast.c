/*
 * fast.c - the byte fold checksum at memory speed.
 *
 * The plain fold acc = acc*P + b is one long chain of dependent
 * multiply-adds, so it runs at the multiplier's latency (about 4 cycles a
 * byte) however wide the machine is. The chain is broken twice, both times
 * by the identity for concatenations
 *
 *     H(A||B) = H(A)*P^|B| + H(B)   (mod 2^64),
 *
 * which holds because H(b_0..b_{n-1}) = sum_i b_i*P^(n-1-i): the bytes of A
 * carry an extra factor P^|B| and those of B are unchanged.
 *
 * 1. Threads: the input is cut into one block per thread. Unrolling the
 *    identity over blocks B_0..B_{T-1} gives
 *        H = sum_c H(B_c) * P^(bytes after B_c),
 *    a plain sum, so each thread adds its weighted term into an OpenMP
 *    `+` reduction; the order of the additions cannot matter.
 *
 * 2. Lanes: inside a block, W lanes run side by side; lane j folds bytes
 *    j, j+W, j+2W, ... with multiplier P^W. Over K whole groups of W bytes,
 *    byte i = j + kW sits at exponent m-1-i = W(K-1-k) + (W-1-j) in H
 *    (m = KW), and lane j gives it exactly P^(W(K-1-k)), so
 *        H(group part) = sum_j lane_j * P^(W-1-j),
 *    which is itself a fold of the lane values with multiplier P (Horner).
 *    The last m mod W bytes are folded on with the plain loop.
 *
 * Lanes are zmm registers (AVX-512DQ vpmullq, 8 u64 per register), ymm
 * registers with the 64-bit product built from 32x32 vpmuludq (AVX2; there
 * each lane takes four-byte groups, see fold_avx2), or scalar registers
 * elsewhere. On x86-64 the SIMD kernels are compiled with
 * target attributes and picked at run time with __builtin_cpu_supports, so
 * a build without -march=native is as fast as one with it; when the build
 * already targets the ISA the check folds to a constant.
 */
#include "ompkit/checksum.h"

#include <errno.h>
#include <omp.h>
#include <stdbool.h>
#include <string.h>

#include "../fast_simd.h"

/* Below this many bytes per thread the fork/join costs more than it saves. */
#define MIN_BLOCK ((size_t)64 * 1024)

uint64_t ompk_pow_u64(uint64_t base, uint64_t exp)
{
	uint64_t r = 1;

	/* base^exp = prod over set bits k of exp of base^(2^k) */
	while (exp) {
		if (exp & 1)
			r *= base;
		base *= base;
		exp >>= 1;
	}
	return r;
}

/* The plain fold, continuing from acc: used for tails and lane merges. */
static uint64_t fold_bytes(uint64_t acc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		acc = acc * OMPK_FOLD_P + p[i];
	return acc;
}

/* sum_j lane[j]*P^(w-1-j), i.e. the lane values folded with multiplier P. */
static uint64_t merge_lanes(const uint64_t *lane, size_t w)
{
	uint64_t h = 0;

	for (size_t j = 0; j < w; j++)
		h = h * OMPK_FOLD_P + lane[j];
	return h;
}

/*
 * Portable kernel: 16 scalar lanes keep 16 independent multiply chains in
 * flight, so the multiplier's throughput, not its latency, is the limit.
 */
static uint64_t fold_scalar(const uint8_t *p, size_t n)
{
	enum { W = 16 };
	const uint64_t pw = ompk_pow_u64(OMPK_FOLD_P, W);
	uint64_t lane[W] = { 0 };
	size_t groups = n - n % W;

	for (size_t i = 0; i < groups; i += W) {
#pragma GCC unroll 16
		for (size_t j = 0; j < W; j++)
			lane[j] = lane[j] * pw + p[i + j];
	}
	return fold_bytes(merge_lanes(lane, W), p + groups, n - groups);
}

#if X86_DISPATCH
/*
 * 16 zmm accumulators = 128 lanes. vpmullq has a latency of a few cycles;
 * 16 independent chains keep the multiplier busy every cycle. Each step
 * zero-extends 8 bytes straight from memory (vpmovzxbq) into 8 lanes.
 */
__attribute__((target("avx512f,avx512dq"))) static uint64_t fold_avx512(const uint8_t *p, size_t n)
{
	enum { R = 16, W = R * 8 };
	const __m512i pw = _mm512_set1_epi64((long long)ompk_pow_u64(OMPK_FOLD_P, W));
	__m512i acc[R];
	uint64_t lane[W];
	size_t groups = n - n % W;

#pragma GCC unroll 16
	for (int r = 0; r < R; r++)
		acc[r] = _mm512_setzero_si512();
	for (size_t i = 0; i < groups; i += W) {
#pragma GCC unroll 16
		for (int r = 0; r < R; r++) {
			__m512i x = _mm512_cvtepu8_epi64(
				_mm_loadl_epi64((const __m128i *)(p + i + 8 * r)));
			acc[r] = _mm512_add_epi64(_mm512_mullo_epi64(acc[r], pw), x);
		}
	}
	/* Register r, element q is lane 8r+q: it took bytes at offset 8r+q. */
#pragma GCC unroll 16
	for (int r = 0; r < R; r++)
		_mm512_storeu_si512((void *)(lane + 8 * r), acc[r]);
	return fold_bytes(merge_lanes(lane, W), p + groups, n - groups);
}

/*
 * a*b mod 2^64 from 32-bit halves: with a = ah*2^32 + al and the same for
 * b, a*b = al*bl + (ah*bl + al*bh)*2^32 + ah*bh*2^64, and the last term
 * vanishes mod 2^64. vpmuludq multiplies the low halves of each u64.
 */
__attribute__((target("avx2"))) static inline __m256i mullo64_avx2(__m256i a, __m256i b, __m256i bh)
{
	__m256i ah = _mm256_srli_epi64(a, 32);
	__m256i cross = _mm256_add_epi64(_mm256_mul_epu32(ah, b), _mm256_mul_epu32(a, bh));

	return _mm256_add_epi64(_mm256_mul_epu32(a, b), _mm256_slli_epi64(cross, 32));
}

/*
 * AVX2 has no 64-bit multiply, so each one costs seven instructions
 * (mullo64_avx2); this kernel pays one per four bytes instead of one per
 * byte, using the shape of P = 2^40 + C, C = 435. Mod 2^64 every term of
 * (2^40 + C)^k with 2^80 or more vanishes, so
 *     P^k = C^k + k C^(k-1) 2^40   (mod 2^64),
 * and a group of four bytes b0 b1 b2 b3 (b0 first) folds to
 *     H4 = b0 P^3 + b1 P^2 + b2 P + b3 = F + G 2^40   (mod 2^64),
 *     F = (b0 C + b1) C^2 + (b2 C + b3)   < 2^35,
 *     G = (3C b0 + 2 b1) C + b2           < 2^28,
 * all small products: the bytes widened to 16 bits, two vpmaddwd give
 * the pairs (b0 C + b1, b2 C + b3) and (3C b0 + 2 b1, b2) as the two 32-bit
 * halves of each u64 lane, and one vpmuludq each finishes F and G. The
 * four-byte groups are then folded like bytes with multiplier P^4 (the
 * identity of the file header, groups for bytes): lane j of W takes groups
 * j, j+W, ... with multiplier P^(4W), and the lanes merge by Horner with
 * P^4. R ymm accumulators of 4 lanes each: W = 4R lanes, 16R bytes a round.
 */
__attribute__((target("avx2"))) static uint64_t fold_avx2(const uint8_t *p, size_t n)
{
	enum { R = 8, W = R * 4, C = 435 };
	const uint64_t p4 = ompk_pow_u64(OMPK_FOLD_P, 4), pwv = ompk_pow_u64(p4, W);
	const __m256i pw = _mm256_set1_epi64x((long long)pwv);
	const __m256i pwh = _mm256_set1_epi64x((long long)(pwv >> 32));
	/* 16-bit coefficients: (C, 1) for F's pairs, (3C, 2, 1, 0) for G's */
	const __m256i kf = _mm256_set1_epi32(1 << 16 | C);
	const __m256i kg = _mm256_set1_epi64x(INT64_C(1) << 32 | 2 << 16 | 3 * C);
	const __m256i c1 = _mm256_set1_epi64x(C), c2 = _mm256_set1_epi64x(C * C);
	__m256i acc[R];
	uint64_t lane[W], h = 0;
	size_t groups = n - n % (4 * W);

#pragma GCC unroll 8
	for (int r = 0; r < R; r++)
		acc[r] = _mm256_setzero_si256();
	for (size_t i = 0; i < groups; i += 4 * W) {
#pragma GCC unroll 8
		for (int r = 0; r < R; r++) {
			__m256i w = _mm256_cvtepu8_epi16(
				_mm_loadu_si128((const __m128i *)(p + i + 16 * r)));
			__m256i f2 = _mm256_madd_epi16(w, kf), g2 = _mm256_madd_epi16(w, kg);
			__m256i f = _mm256_add_epi64(_mm256_mul_epu32(f2, c2),
						     _mm256_srli_epi64(f2, 32));
			__m256i g = _mm256_add_epi64(_mm256_mul_epu32(g2, c1),
						     _mm256_srli_epi64(g2, 32));
			__m256i h4 = _mm256_add_epi64(f, _mm256_slli_epi64(g, 40));

			acc[r] = _mm256_add_epi64(mullo64_avx2(acc[r], pw, pwh), h4);
		}
	}
	/* Register r, element q is lane 4r+q: it took the group at 4(4r+q). */
#pragma GCC unroll 8
	for (int r = 0; r < R; r++)
		_mm256_storeu_si256((__m256i *)(lane + 4 * r), acc[r]);
	for (size_t j = 0; j < W; j++)
		h = h * p4 + lane[j];
	return fold_bytes(h, p + groups, n - groups);
}
#endif

/* H(p[0..n)) from acc = 0 on the calling thread. */
static uint64_t fold_block(enum isa isa, const uint8_t *p, size_t n)
{
	switch (isa) {
#if X86_DISPATCH
	case ISA_AVX512:
		return fold_avx512(p, n);
	case ISA_AVX2:
		return fold_avx2(p, n);
#endif
	default:
		return fold_scalar(p, n);
	}
}

static uint64_t fold_team(enum isa isa, const uint8_t *p, size_t n, int threads)
{
	int want = ompk_team_size(n, threads, MIN_BLOCK);
	uint64_t h = 0;

	if (want <= 1)
		return fold_block(isa, p, n);

		/* H = sum_c H(B_c) * P^(n - end_c): see the file header. */
#pragma omp parallel num_threads(want) default(none) shared(p, n, isa) reduction(+ : h)
	{
		/*
		 * The team may be smaller than asked: split by its real size, in
		 * blocks of whole 256-byte SIMD groups (speed only; any cut is exact).
		 */
		size_t nb = (size_t)omp_get_num_threads(), t = (size_t)omp_get_thread_num();
		size_t lo = (size_t)ompk_team_part_start(n, 256, t, nb),
		       hi = (size_t)ompk_team_part_start(n, 256, t + 1, nb);

		h += fold_block(isa, p + lo, hi - lo) * ompk_pow_u64(OMPK_FOLD_P, n - hi);
	}
	return h;
}

uint64_t ompk_fold_fast(const uint8_t *p, size_t n, int threads)
{
	int isa;

	ompk_simd_resolve(OMPK_SIMD_AUTO, &isa); /* AUTO always resolves */
	return fold_team((enum isa)isa, p, n, threads);
}

int ompk_fold_fast_simd(const uint8_t *p, size_t n, int threads, int simd, uint64_t *out)
{
	int isa, err = ompk_simd_resolve(simd, &isa);

	if (err)
		return err;
	*out = fold_team((enum isa)isa, p, n, threads);
	return 0;
}

void ompk_fold_update(struct ompk_fold_state *st, const uint8_t *p, size_t n, int threads)
{
	/* H(seen||piece) = H(seen)*P^|piece| + H(piece) */
	st->acc = st->acc * ompk_pow_u64(OMPK_FOLD_P, n) + ompk_fold_fast(p, n, threads);
}
