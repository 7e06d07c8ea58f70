/*
 * fast.c - sum of squares mod 2^64, from an array or a range of
 * integers, with SIMD multiplies and OpenMP threads.
 *
 * Exactness: uint64_t + and * are the ring Z/2^64, where addition is
 * associative and commutative, so splitting the sum over lanes, unrolled
 * accumulators and threads and adding the partial sums in any order gives
 * the residue of the plain loop. Each thread's partial sum goes into an
 * OpenMP `+` reduction.
 *
 * The 64-bit low product is vpmullq on AVX-512DQ. AVX2 has only the 32x32
 * -> 64 vpmuludq; with x = xh*2^32 + xl,
 *     x^2 = xh^2*2^64 + 2*xl*xh*2^32 + xl^2 == xl^2 + (xl*xh)*2^33 (mod 2^64),
 * so a square costs two vpmuludq, a shift and two adds. Elsewhere scalar
 * code with four accumulators runs (which the compiler may vectorise).
 *
 * The array version is a streaming read and is bound by memory bandwidth
 * once it has more than one accumulator per cycle of multiply latency. The
 * range version builds the values in registers (base + lane index, stepped
 * by the vector width), so it measures the multiply/add rate alone.
 *
 * As in kernels/checksum/fast.c, the SIMD kernels carry target attributes and are picked
 * at run time, so a build without -march=native is as fast.
 */
#include "ompkit/sumsq.h"

#include <errno.h>
#include <omp.h>
#include <stdbool.h>
#include <stddef.h>

#include "../fast_simd.h"

/* Below this many elements per thread the fork/join costs more than it saves. */
#define MIN_BLOCK ((size_t)16 * 1024)

/* sumsq has no VNNI kernel (no byte products): VNNI runs the AVX-512 one. */
static enum isa own_isa(int isa)
{
	return isa == OMPK_SIMD_AVX512VNNI ? ISA_AVX512 : (enum isa)isa;
}

/* The widest kernel this CPU runs. */
static enum isa widest_isa(void)
{
	int isa;

	ompk_simd_resolve(OMPK_SIMD_AUTO, &isa); /* AUTO always resolves */
	return own_isa(isa);
}

static int isa_from_simd(int simd, enum isa *isa)
{
	int r, err = ompk_simd_resolve(simd, &r);

	*isa = own_isa(r);
	return err;
}

/* Four independent sums so the adds do not wait on each other. */
static uint64_t sumsq_scalar(const uint64_t *v, size_t n)
{
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		s0 += v[i] * v[i];
		s1 += v[i + 1] * v[i + 1];
		s2 += v[i + 2] * v[i + 2];
		s3 += v[i + 3] * v[i + 3];
	}
	for (; i < n; i++)
		s0 += v[i] * v[i];
	return s0 + s1 + s2 + s3;
}

/* sum of x^2 for x in [a, a+m), no wrap of x since a+m <= 2^64 - 1. */
static uint64_t range_scalar(uint64_t a, uint64_t m)
{
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, x = a;
	uint64_t i = 0;

	for (; i + 4 <= m; i += 4, x += 4) {
		s0 += x * x;
		s1 += (x + 1) * (x + 1);
		s2 += (x + 2) * (x + 2);
		s3 += (x + 3) * (x + 3);
	}
	for (; i < m; i++, x++)
		s0 += x * x;
	return s0 + s1 + s2 + s3;
}

#if X86_DISPATCH
__attribute__((target("avx512f"))) static uint64_t hsum512(__m512i a)
{
	uint64_t lane[8], s = 0;

	_mm512_storeu_si512((void *)lane, a);
	for (int j = 0; j < 8; j++)
		s += lane[j];
	return s;
}

/* 4 zmm sums: enough independent vpmullq/vpaddq to outrun memory. */
__attribute__((target("avx512f,avx512dq"))) static uint64_t sumsq_avx512(const uint64_t *v,
									 size_t n)
{
	__m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		__m512i x0 = _mm512_loadu_si512((const void *)(v + i));
		__m512i x1 = _mm512_loadu_si512((const void *)(v + i + 8));
		__m512i x2 = _mm512_loadu_si512((const void *)(v + i + 16));
		__m512i x3 = _mm512_loadu_si512((const void *)(v + i + 24));

		s0 = _mm512_add_epi64(s0, _mm512_mullo_epi64(x0, x0));
		s1 = _mm512_add_epi64(s1, _mm512_mullo_epi64(x1, x1));
		s2 = _mm512_add_epi64(s2, _mm512_mullo_epi64(x2, x2));
		s3 = _mm512_add_epi64(s3, _mm512_mullo_epi64(x3, x3));
	}
	s0 = _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3));
	return hsum512(s0) + sumsq_scalar(v + i, n - i);
}

/* x = a + lane index, stepped by 32: values never touch memory. */
__attribute__((target("avx512f,avx512dq"))) static uint64_t range_avx512(uint64_t a, uint64_t m)
{
	const __m512i step = _mm512_set1_epi64(32);
	__m512i x0 = _mm512_add_epi64(_mm512_set1_epi64((long long)a),
				      _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
	__m512i x1 = _mm512_add_epi64(x0, _mm512_set1_epi64(8));
	__m512i x2 = _mm512_add_epi64(x0, _mm512_set1_epi64(16));
	__m512i x3 = _mm512_add_epi64(x0, _mm512_set1_epi64(24));
	__m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
	uint64_t i = 0;

	for (; i + 32 <= m; i += 32) {
		s0 = _mm512_add_epi64(s0, _mm512_mullo_epi64(x0, x0));
		s1 = _mm512_add_epi64(s1, _mm512_mullo_epi64(x1, x1));
		s2 = _mm512_add_epi64(s2, _mm512_mullo_epi64(x2, x2));
		s3 = _mm512_add_epi64(s3, _mm512_mullo_epi64(x3, x3));
		x0 = _mm512_add_epi64(x0, step);
		x1 = _mm512_add_epi64(x1, step);
		x2 = _mm512_add_epi64(x2, step);
		x3 = _mm512_add_epi64(x3, step);
	}
	s0 = _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3));
	return hsum512(s0) + range_scalar(a + i, m - i);
}

__attribute__((target("avx2"))) static uint64_t hsum256(__m256i a)
{
	uint64_t lane[4];

	_mm256_storeu_si256((__m256i *)lane, a);
	return lane[0] + lane[1] + lane[2] + lane[3];
}

/* x^2 mod 2^64 = xl^2 + (xl*xh) << 33: see the file header. */
__attribute__((target("avx2"))) static inline __m256i square_avx2(__m256i x)
{
	__m256i cross = _mm256_mul_epu32(x, _mm256_srli_epi64(x, 32));

	return _mm256_add_epi64(_mm256_mul_epu32(x, x), _mm256_slli_epi64(cross, 33));
}

__attribute__((target("avx2"))) static uint64_t sumsq_avx2(const uint64_t *v, size_t n)
{
	__m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		s0 = _mm256_add_epi64(s0,
				      square_avx2(_mm256_loadu_si256((const __m256i *)(v + i))));
		s1 = _mm256_add_epi64(
			s1, square_avx2(_mm256_loadu_si256((const __m256i *)(v + i + 4))));
		s2 = _mm256_add_epi64(
			s2, square_avx2(_mm256_loadu_si256((const __m256i *)(v + i + 8))));
		s3 = _mm256_add_epi64(
			s3, square_avx2(_mm256_loadu_si256((const __m256i *)(v + i + 12))));
	}
	s0 = _mm256_add_epi64(_mm256_add_epi64(s0, s1), _mm256_add_epi64(s2, s3));
	return hsum256(s0) + sumsq_scalar(v + i, n - i);
}

__attribute__((target("avx2"))) static uint64_t range_avx2(uint64_t a, uint64_t m)
{
	const __m256i step = _mm256_set1_epi64x(16);
	__m256i x0 = _mm256_add_epi64(_mm256_set1_epi64x((long long)a),
				      _mm256_set_epi64x(3, 2, 1, 0));
	__m256i x1 = _mm256_add_epi64(x0, _mm256_set1_epi64x(4));
	__m256i x2 = _mm256_add_epi64(x0, _mm256_set1_epi64x(8));
	__m256i x3 = _mm256_add_epi64(x0, _mm256_set1_epi64x(12));
	__m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
	uint64_t i = 0;

	for (; i + 16 <= m; i += 16) {
		s0 = _mm256_add_epi64(s0, square_avx2(x0));
		s1 = _mm256_add_epi64(s1, square_avx2(x1));
		s2 = _mm256_add_epi64(s2, square_avx2(x2));
		s3 = _mm256_add_epi64(s3, square_avx2(x3));
		x0 = _mm256_add_epi64(x0, step);
		x1 = _mm256_add_epi64(x1, step);
		x2 = _mm256_add_epi64(x2, step);
		x3 = _mm256_add_epi64(x3, step);
	}
	s0 = _mm256_add_epi64(_mm256_add_epi64(s0, s1), _mm256_add_epi64(s2, s3));
	return hsum256(s0) + range_scalar(a + i, m - i);
}
#endif

/* The sum over m items: of v[0..m) when v is set, else of the range [a, a + m). */
static uint64_t sum_block(enum isa isa, const uint64_t *v, uint64_t a, uint64_t m)
{
	switch (isa) {
#if X86_DISPATCH
	case ISA_AVX512:
		return v ? sumsq_avx512(v, (size_t)m) : range_avx512(a, m);
	case ISA_AVX2:
		return v ? sumsq_avx2(v, (size_t)m) : range_avx2(a, m);
#endif
	default:
		return v ? sumsq_scalar(v, (size_t)m) : range_scalar(a, m);
	}
}

/* sum_block over n items, cut over the team in parts of whole 64-item steps. */
static uint64_t sum_team(enum isa isa, const uint64_t *v, uint64_t a, uint64_t n, int threads)
{
	int want = ompk_team_size(n, threads, MIN_BLOCK);
	uint64_t s = 0;

	if (want <= 1)
		return sum_block(isa, v, a, n);
#pragma omp parallel num_threads(want) default(none) shared(isa, v, a, n) reduction(+ : s)
	{
		/* The team may be smaller than asked: split by its real size. */
		size_t nb = (size_t)omp_get_num_threads(), t = (size_t)omp_get_thread_num();
		uint64_t lo = ompk_team_part_start(n, 64, t, nb),
			 hi = ompk_team_part_start(n, 64, t + 1, nb);

		s += sum_block(isa, v ? v + lo : NULL, a + lo, hi - lo);
	}
	return s;
}

/* The range's item count: none when to <= from. */
static uint64_t range_len(uint64_t from, uint64_t to)
{
	return to > from ? to - from : 0;
}

uint64_t ompk_sumsq_fast(const uint64_t *v, size_t n, int threads)
{
	return sum_team(widest_isa(), v, 0, n, threads);
}

uint64_t ompk_sumsq_range_fast(uint64_t from, uint64_t to, int threads)
{
	return sum_team(widest_isa(), NULL, from, range_len(from, to), threads);
}

int ompk_sumsq_fast_simd(const uint64_t *v, size_t n, int threads, int simd, uint64_t *out)
{
	enum isa isa;
	int err = isa_from_simd(simd, &isa);

	if (err)
		return err;
	*out = sum_team(isa, v, 0, n, threads);
	return 0;
}

int ompk_sumsq_range_fast_simd(uint64_t from, uint64_t to, int threads, int simd, uint64_t *out)
{
	enum isa isa;
	int err = isa_from_simd(simd, &isa);

	if (err)
		return err;
	*out = sum_team(isa, NULL, from, range_len(from, to), threads);
	return 0;
}
