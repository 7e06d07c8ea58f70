/*
 * fast.c - the byte fold checksum at memory speed.
 *
 * The plain fold acc = acc*P + b is one long chain of dependent
 * multiply-adds, so it runs at the multiplier's latency (about 4 cycles a
 * byte) however wide the machine is. The chain is broken three ways, each
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
 * Lanes are zmm registers (AVX-512DQ vpmullq, 8 u64 per register) or
 * scalar registers (without AVX2).
 *
 * 3. Superblocks, no 64-bit multiplies (AVX-512 VNNI: fold_vnni; AVX2:
 *    fold_avx2). Lanes pay one 64-bit multiply a byte, and vpmullq is
 *    cheap on some CPUs (AMD) but three uops on others (Intel: 10.8 GB/s
 *    in cache on a Sapphire Rapids Xeon, where a byte multiply-add
 *    instruction does 64 products at once). So
 *    the input is cut into superblocks of L = 64*SB_ROWS bytes instead, and
 *    each superblock's S = sum_t b_t*C_t, C_t = P^(L-1-t), is a dot product
 *    of the bytes with fixed constants. Each C_t is written in 8 signed
 *    base-256 digits, C_t = sum_{k<8} d_{t,k}*256^k (mod 2^64) with d in
 *    [-128, 127] (see vnni_table_init), so
 *        S = sum_k 256^k * D_k,   D_k = sum_t b_t*d_{t,k}   (mod 2^64),
 *    and vpdpbusd (unsigned bytes times signed bytes, four products summed
 *    into each 32-bit lane) computes the D_k, 64 bytes times 8 digits per 8
 *    instructions, against a table of 8L digit bytes kept in L1. A lane's
 *    sum stays exact: each instruction adds at most 4*255*128 = 130560 in
 *    magnitude, SB_ROWS = 32 rows add at most 4177920 < 2^22, far from
 *    2^31. The superblocks combine on a scalar register with the file's
 *    identity, H = H*P^L + S, one multiply per L bytes; two superblocks
 *    run side by side so that each table vector loaded serves both (the
 *    table loads, not the multiplies, were the limit: vnni_pair). The last
 *    q < L bytes are a short superblock: its bytes take the last q
 *    constants of the table (C_{L-q+t} = P^(q-1-t)), after zero bytes in
 *    front to fill its first row, which leave H unchanged. Measured there,
 *    one thread: 36 GB/s in cache (vpmullq lanes: 9.6), and from memory
 *    what a plain read gets. AVX2 does the same with 4 digits of 16 bits
 *    and bytes widened to 16 bits (fold_avx2): 15 GB/s in cache there,
 *    where lanes with the 64-bit product built from vpmuludq made 8.5.
 *
 * On x86-64 the SIMD kernels are compiled with target attributes and
 * picked at run time with __builtin_cpu_supports, so a build without
 * -march=native is as fast as one with it; when the build already targets
 * the ISA the check folds to a constant. With VNNI the VNNI kernel is
 * picked: on the Intel machine it was measured on it is 3.7 times as fast
 * as vpmullq; on AMD (Zen 4, where vpmullq is fast) it was not
 * measured, and vpmullq may win there.
 */
#include "ompkit/checksum.h"

#include <errno.h>
#include <omp.h>
#include <pthread.h>
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
 * The two lines 4 KiB after p[0..128) into L2. The lane loop below ran
 * from memory at under half a plain read's rate on the Xeon they were
 * measured on (the hardware prefetchers alone do not keep up); a
 * prefetch past the end of the input is harmless (it never faults).
 */
static inline void prefetch_ahead(const uint8_t *p)
{
	_mm_prefetch((const char *)(p + 4096), _MM_HINT_T1);
	_mm_prefetch((const char *)(p + 4096 + 64), _MM_HINT_T1);
}

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
		prefetch_ahead(p + i);
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
 * The VNNI kernel's constants (file header, part 3): row r, digit k, byte j
 * is d_{t,k} for t = 64r + j, so one row's 8 digit vectors are contiguous.
 * Written once, on first use, and read-only afterwards.
 */
enum { SB_ROWS = 32, SB_BYTES = 64 * SB_ROWS };
static int8_t vnni_table[SB_ROWS][8][64] __attribute__((aligned(64)));
static pthread_once_t vnni_once = PTHREAD_ONCE_INIT;

/*
 * Signed digits: with B = 0x8080808080808080 (128 in every byte) and u_k
 * the unsigned base-256 digits of c + B (mod 2^64),
 *     sum_k (u_k - 128)*256^k = (c + B) - B = c   (mod 2^64),
 * so d_k = u_k - 128, in [-128, 127], as an int8 is u_k with its top bit
 * flipped: the bytes of (c + B) ^ B.
 */
static void vnni_table_init(void)
{
	const uint64_t bias = UINT64_C(0x8080808080808080);
	uint64_t c = 1; /* C_t = P^(L-1-t), from t = L-1 down */

	for (size_t t = SB_BYTES; t-- > 0; c *= OMPK_FOLD_P) {
		uint64_t d = (c + bias) ^ bias;

		for (int k = 0; k < 8; k++)
			vnni_table[t / 64][k][t % 64] = (int8_t)(uint8_t)(d >> (8 * k));
	}
}

/*
 * sum_k 256^k * (sum of the 16 lanes of d[k]) mod 2^64, each lane of d[k]
 * a signed D_k part below 2^22 in magnitude. Digits 4..7 weigh 2^32 and
 * more, so only their sum mod 2^32 counts and wraps freely in 32 bits;
 * digits 0..3 pair up exactly in 32 bits (|d0 + 256 d1| < 2^31) and are
 * then widened to 64 bits.
 */
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline uint64_t
vnni_reduce(const __m512i d[8])
{
	__m512i hi = _mm512_add_epi32(
		_mm512_add_epi32(d[4], _mm512_slli_epi32(d[5], 8)),
		_mm512_add_epi32(_mm512_slli_epi32(d[6], 16), _mm512_slli_epi32(d[7], 24)));
	__m512i a = _mm512_add_epi32(d[0], _mm512_slli_epi32(d[1], 8));
	__m512i b = _mm512_add_epi32(d[2], _mm512_slli_epi32(d[3], 8));
	__m512i a64 = _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(a)),
				       _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(a, 1)));
	__m512i b64 = _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(b)),
				       _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(b, 1)));
	__m512i h64 = _mm512_add_epi64(_mm512_cvtepu32_epi64(_mm512_castsi512_si256(hi)),
				       _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(hi, 1)));
	__m512i s = _mm512_add_epi64(_mm512_add_epi64(a64, _mm512_slli_epi64(b64, 16)),
				     _mm512_slli_epi64(h64, 32));

	/* by hand: gcc's _mm512_reduce_add_epi64 ends in a signed (overflowing) add */
	__m256i q = _mm256_add_epi64(_mm512_castsi512_si256(s), _mm512_extracti64x4_epi64(s, 1));
	__m128i o = _mm_add_epi64(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));

	return (uint64_t)_mm_cvtsi128_si64(o) + (uint64_t)_mm_extract_epi64(o, 1);
}

/*
 * acc += the dot products of x's unsigned bytes with c's signed bytes, 4
 * per 32-bit lane (vpdpbusd). In asm because gcc 12 builds the intrinsic
 * with a register copy of every sum per use (two copies per vpdpbusd).
 */
#define VNNI_DPBUSD(acc, x, c) __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(c))

#define VNNI_DIGITS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define VNNI_ZERO(k) __m512i a##k = _mm512_setzero_si512(), b##k = a##k;
#define VNNI_JOIN(k) _mm512_add_epi32(a##k, b##k),
#define VNNI_A(k) a##k,
#define VNNI_B(k) b##k,

/*
 * sum_t b_t * C_{64*row0 + t} over rows whole 64-byte rows at p, row0 +
 * rows <= SB_ROWS. Two sets of digit sums (a, b) let two rows' vpdpbusd
 * run without waiting on each other's latency.
 */
#define VNNI_ROW_A(k) VNNI_DPBUSD(a##k, x, _mm512_load_si512(t[k]));
#define VNNI_ROW_B(k) VNNI_DPBUSD(b##k, y, _mm512_load_si512(t[8 + k]));

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static uint64_t vnni_rows(const uint8_t *p,
										 size_t rows,
										 size_t row0)
{
	VNNI_DIGITS(VNNI_ZERO)
	size_t r = 0;

	for (; r + 2 <= rows; r += 2) {
		__m512i x = _mm512_loadu_si512((const void *)(p + 64 * r));
		__m512i y = _mm512_loadu_si512((const void *)(p + 64 * r + 64));
		const int8_t(*t)[64] = vnni_table[row0 + r];

		VNNI_DIGITS(VNNI_ROW_A)
		VNNI_DIGITS(VNNI_ROW_B)
	}
	if (r < rows) {
		__m512i x = _mm512_loadu_si512((const void *)(p + 64 * r));
		const int8_t(*t)[64] = vnni_table[row0 + r];

		VNNI_DIGITS(VNNI_ROW_A)
	}
	{
		const __m512i d[8] = { VNNI_DIGITS(VNNI_JOIN) };

		return vnni_reduce(d);
	}
}

/*
 * The S of the two whole superblocks at p, in s[0] and s[1]. Loads, not
 * vpdpbusd, limit a single superblock (9 zmm loads per 8 vpdpbusd, about
 * one load a cycle here); side by side, each table vector is loaded once
 * for both: 10 loads per 16 vpdpbusd. Superblock 0 sums in a, 1 in b.
 * The next pair is prefetched into L2 a row per row: without it the
 * hardware prefetchers kept this loop at 9 GB/s from memory, under half
 * of what a plain read gets on the same core; with it, the same (18-25
 * GB/s; into L1 instead, 13 at 256 MiB). A prefetch past the end of the
 * input is harmless (it never faults).
 */
#define VNNI_BOTH(k)                                 \
	{                                            \
		__m512i c = _mm512_load_si512(t[k]); \
		VNNI_DPBUSD(a##k, x, c);             \
		VNNI_DPBUSD(b##k, y, c);             \
	}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void vnni_pair(const uint8_t *p,
									     uint64_t s[2])
{
	VNNI_DIGITS(VNNI_ZERO)

	for (size_t r = 0; r < SB_ROWS; r++) {
		__m512i x = _mm512_loadu_si512((const void *)(p + 64 * r));
		__m512i y = _mm512_loadu_si512((const void *)(p + SB_BYTES + 64 * r));
		const int8_t(*t)[64] = vnni_table[r];

		_mm_prefetch((const char *)(p + 2 * SB_BYTES + 64 * r), _MM_HINT_T1);
		_mm_prefetch((const char *)(p + 3 * SB_BYTES + 64 * r), _MM_HINT_T1);
		VNNI_DIGITS(VNNI_BOTH)
	}
	{
		const __m512i da[8] = { VNNI_DIGITS(VNNI_A) }, db[8] = { VNNI_DIGITS(VNNI_B) };

		s[0] = vnni_reduce(da);
		s[1] = vnni_reduce(db);
	}
}

/* Superblocks, then the short one (file header, part 3). */
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static uint64_t fold_vnni(const uint8_t *p,
										 size_t n)
{
	const uint64_t pl = ompk_pow_u64(OMPK_FOLD_P, SB_BYTES);
	size_t whole = n - n % SB_BYTES, q = n - whole, rows = q / 64, s = q % 64;
	uint64_t h = 0, tail = 0, s2[2];
	size_t i = 0;

	pthread_once(&vnni_once, vnni_table_init);
	for (; i + 2 * SB_BYTES <= whole; i += 2 * SB_BYTES) {
		vnni_pair(p + i, s2);
		h = (h * pl + s2[0]) * pl + s2[1];
	}
	if (i < whole)
		h = h * pl + vnni_rows(p + i, SB_ROWS, 0);
	if (q == 0)
		return h;
	if (s) {
		/* the first s bytes, after 64 - s zeros: row SB_ROWS-rows-1 */
		uint8_t first[64] __attribute__((aligned(64))) = { 0 };

		memcpy(first + 64 - s, p + whole, s);
		tail = vnni_rows(first, 1, SB_ROWS - rows - 1);
	}
	tail += vnni_rows(p + whole + s, rows, SB_ROWS - rows);
	return h * ompk_pow_u64(OMPK_FOLD_P, q) + tail;
}
/*
 * The AVX2 kernel: part 3's superblocks with 16-bit digits (file header).
 * AVX2 has no byte dot product into 32 bits that cannot saturate, so the
 * bytes are widened to 16 bits and vpmaddwd (two 16x16-bit products summed
 * into each 32-bit lane) takes 4 signed base-2^16 digits of each constant:
 * C_t = sum_{k<4} e_{t,k}*2^(16k) (mod 2^64), e in [-32768, 32767], by
 * the same bias trick as vnni_table_init with 0x8000 in every 16-bit
 * digit. A row is 16 bytes; a lane gains at most 2*255*32768 = 16711680
 * a row, and D2_ROWS = 64 rows at most 1069547520 < 2^31.
 */
enum { D2_ROWS = 64, D2_BYTES = 16 * D2_ROWS };
static int16_t d2_table[D2_ROWS][4][16] __attribute__((aligned(32)));
static pthread_once_t d2_once = PTHREAD_ONCE_INIT;

static void d2_table_init(void)
{
	const uint64_t bias = UINT64_C(0x8000800080008000);
	uint64_t c = 1; /* C_t = P^(L-1-t), from t = L-1 down */

	for (size_t t = D2_BYTES; t-- > 0; c *= OMPK_FOLD_P) {
		uint64_t d = (c + bias) ^ bias;

		for (int k = 0; k < 4; k++)
			d2_table[t / 16][k][t % 16] = (int16_t)(uint16_t)(d >> (16 * k));
	}
}

/*
 * sum_k 2^(16k) * (sum of the 8 lanes of d[k]) mod 2^64, each lane below
 * 2^31 in magnitude. Digits 2 and 3 weigh 2^32 and more and wrap freely in
 * 32 bits; 0 and 1 are widened to 64 bits.
 */
__attribute__((target("avx2"), always_inline)) static inline uint64_t d2_reduce(__m256i d0,
										__m256i d1,
										__m256i d2,
										__m256i d3)
{
	__m256i hi = _mm256_add_epi32(d2, _mm256_slli_epi32(d3, 16));
	__m256i lo0 = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(d0)),
				       _mm256_cvtepi32_epi64(_mm256_extracti128_si256(d0, 1)));
	__m256i lo1 = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(d1)),
				       _mm256_cvtepi32_epi64(_mm256_extracti128_si256(d1, 1)));
	__m256i h64 = _mm256_add_epi64(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(hi)),
				       _mm256_cvtepu32_epi64(_mm256_extracti128_si256(hi, 1)));
	__m256i s = _mm256_add_epi64(_mm256_add_epi64(lo0, _mm256_slli_epi64(lo1, 16)),
				     _mm256_slli_epi64(h64, 32));
	__m128i o = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));

	return (uint64_t)_mm_cvtsi128_si64(o) + (uint64_t)_mm_extract_epi64(o, 1);
}

/* sum_t b_t * C_{16*row0 + t} over rows whole 16-byte rows at p. */
__attribute__((target("avx2"))) static uint64_t d2_rows(const uint8_t *p, size_t rows, size_t row0)
{
	__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;

	for (size_t r = 0; r < rows; r++) {
		__m256i x = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(p + 16 * r)));
		const int16_t(*t)[16] = d2_table[row0 + r];

		a0 = _mm256_add_epi32(
			a0, _mm256_madd_epi16(x, _mm256_load_si256((const __m256i *)t[0])));
		a1 = _mm256_add_epi32(
			a1, _mm256_madd_epi16(x, _mm256_load_si256((const __m256i *)t[1])));
		a2 = _mm256_add_epi32(
			a2, _mm256_madd_epi16(x, _mm256_load_si256((const __m256i *)t[2])));
		a3 = _mm256_add_epi32(
			a3, _mm256_madd_epi16(x, _mm256_load_si256((const __m256i *)t[3])));
	}
	return d2_reduce(a0, a1, a2, a3);
}

/* Two whole superblocks side by side, sharing table loads (as vnni_pair). */
#define D2_BOTH(k)                                                      \
	{                                                               \
		__m256i c = _mm256_load_si256((const __m256i *)t[k]);   \
		a##k = _mm256_add_epi32(a##k, _mm256_madd_epi16(x, c)); \
		b##k = _mm256_add_epi32(b##k, _mm256_madd_epi16(y, c)); \
	}

__attribute__((target("avx2"))) static void d2_pair(const uint8_t *p, uint64_t s[2])
{
	__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
	__m256i b0 = a0, b1 = a0, b2 = a0, b3 = a0;

	for (size_t r = 0; r < D2_ROWS; r++) {
		__m256i x = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(p + 16 * r)));
		__m256i y = _mm256_cvtepu8_epi16(
			_mm_loadu_si128((const __m128i *)(p + D2_BYTES + 16 * r)));
		const int16_t(*t)[16] = d2_table[r];

		if (r % 4 == 0) {
			_mm_prefetch((const char *)(p + 2 * D2_BYTES + 16 * r), _MM_HINT_T1);
			_mm_prefetch((const char *)(p + 3 * D2_BYTES + 16 * r), _MM_HINT_T1);
		}
		D2_BOTH(0) D2_BOTH(1) D2_BOTH(2) D2_BOTH(3)
	}
	s[0] = d2_reduce(a0, a1, a2, a3);
	s[1] = d2_reduce(b0, b1, b2, b3);
}

__attribute__((target("avx2"))) static uint64_t fold_avx2(const uint8_t *p, size_t n)
{
	const uint64_t pl = ompk_pow_u64(OMPK_FOLD_P, D2_BYTES);
	size_t whole = n - n % D2_BYTES, q = n - whole, rows = q / 16, s = q % 16;
	uint64_t h = 0, tail = 0, s2[2];
	size_t i = 0;

	pthread_once(&d2_once, d2_table_init);
	for (; i + 2 * D2_BYTES <= whole; i += 2 * D2_BYTES) {
		d2_pair(p + i, s2);
		h = (h * pl + s2[0]) * pl + s2[1];
	}
	if (i < whole)
		h = h * pl + d2_rows(p + i, D2_ROWS, 0);
	if (q == 0)
		return h;
	if (s) {
		uint8_t first[16] = { 0 };

		memcpy(first + 16 - s, p + whole, s);
		tail = d2_rows(first, 1, D2_ROWS - rows - 1);
	}
	tail += d2_rows(p + whole + s, rows, D2_ROWS - rows);
	return h * ompk_pow_u64(OMPK_FOLD_P, q) + tail;
}
#endif

/* H(p[0..n)) from acc = 0 on the calling thread. */
static uint64_t fold_block(enum isa isa, const uint8_t *p, size_t n)
{
	switch (isa) {
#if X86_DISPATCH
	case ISA_AVX512VNNI:
		return fold_vnni(p, n);
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
