/*
 * fast.c - the fast prime-counting kernel (ompk_sieve_count): a segmented
 * sieve of Eratosthenes over a mod-30 wheel, parallel over segment chunks.
 *
 * Layout. Byte b of the sieve stands for the numbers 30b + w, w in
 * sieve_wheel[] = {1,7,11,13,17,19,23,29} (bit i <-> sieve_wheel[i]); multiples of 2,
 * 3 and 5 are never stored, so 30 numbers cost 8 bits and a count is a
 * popcount. The range [from, to) becomes the bytes [b0, b1) with
 * b0 = from/30 and b1 = (to-1)/30 + 1; the numbers of the first and last
 * byte outside the range are masked off before counting. All positions are
 * byte indices (< 2^60), never numbers, so nothing overflows near 2^64:
 * 30*b1 may exceed 2^64-1, b1 itself never does.
 *
 * Work per segment (seg bytes: half of L2 as the machine reports it,
 * cache.c, a power of two and a multiple of the L1 block: the largest power
 * of two in L1d; a 64 KiB block on a 48 KiB L1d missed a third of its
 * accesses under cachegrind and was 17% slower):
 *  - pre-sieve: the multiples of 7..157 repeat with period 30*M for M the
 *    product of a group of primes, so each block starts as the AND of NPRE
 *    periodic byte patterns read at offset (b - base) mod M (no crossing-off
 *    at all for the primes that hit most often);
 *  - small sieving primes (p < block/SMALL_DIV) cross off block by block
 *    while the block is in L1, from a state each, whole turns of the wheel
 *    at a time;
 *  - medium ones (up to LARGE_SEGS segment lengths) cross off once per
 *    segment, kept sorted by their wheel step so that a visit's entry jump
 *    predicts (medium.c);
 *  - large ones by the bucket sieve (bucket.c): each waits in the list of
 *    the segment of its next multiple, so a segment costs nothing for the
 *    primes that miss it (most of them once sqrt(to) is far above seg);
 *  - popcount.
 * A sieving prime p = 30q + r crosses off p*k for k coprime to 30 (other k
 * give multiples that are not stored). Going from k = 30j + sieve_wheel[i] to
 * the next wheel number moves the byte by q*(sieve_wheel[i+1] - sieve_wheel[i])
 * + a constant depending only on (r, i), and 8 steps (k -> k + 30) move it by
 * exactly p bytes; so the state of a prime is (q, r, i, offset) and the
 * crossing loops are unrolled over the 8 steps with constant masks.
 * Crossing starts at p*p: a composite n has a prime factor <= sqrt(n).
 *
 * Parallelism: the segments are grouped into chunks, scheduled dynamically.
 * Entering a chunk costs one division per sieving prime (to find its first
 * multiple: a double division for the large ones, which pipelines); inside
 * a chunk the states and buckets carry from segment to segment, so a chunk
 * is made long enough (64 bytes per sieving prime) to amortize that. Each
 * thread owns its segment buffer, states, lists and buckets; counts are a
 * reduction.
 *
 * Sieving primes up to min(sqrt(to-1), SIEVE_BASE_MAX = 2^22) are made once,
 * on all threads (base.c), and stored (4 bytes each). Above 2^44 the rest,
 * up to sqrt(to-1) < 2^32, are enumerated at the start of each chunk by
 * sieving their interval with this same sieve (30 numbers a byte: faster
 * than base.c's odd-only sieve, which took 2.5 times as long to store the
 * primes below 1e8) and go straight into the buckets, a batch at a time;
 * only those with a multiple in the chunk are kept, 8 bytes each.
 */
#include "ompkit/primes.h"
#include "ompkit/team.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sieve_int.h"

/* Counts at least this wide start the thread team first: about 5 ms of sieving. */
#define TEAM_MIN_SPAN (UINT64_C(1) << 26)
/* Base primes above this are enumerated per chunk, not stored (to > 2^54). */
#define STORED_MAX SIEVE_BASE_MAX
/* The smallest prime that is crossed off; 2..53 are handled otherwise. */
#define FIRST_PRIME 163u
/*
 * Primes above this many segment lengths are large: filed in buckets (bucket.c), the
 * others medium (medium.c). Measured at 1e14 and 1e16, 1, 2 and 4 were within 5%,
 * 2 the fastest.
 */
#define LARGE_SEGS 2
/* Primes below block / SMALL_DIV are small: crossed off per L1 block. */
#define SMALL_DIV 4
/* Where Linux describes the caches. */
#define SYSFS_CACHE "/sys/devices/system/cpu/cpu0/cache"
/* Minimum interval between two progress reports, seconds. */
#define REPORT_EVERY 0.005

/* next_wi[x] = smallest i with sieve_wheel[i] >= x, for x in 0..29. */
static const uint8_t next_wi[30] = { 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4,
				     4, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7 };

/*
 * The pre-sieved primes, in groups whose products M give the pattern periods (bytes).
 * Primes up to 157 hit about 5 times per byte together, a pattern costs a load per 32
 * bytes. Pairs from 59 on keep every period below 110 KB and all 15 patterns in 0.8 MB
 * (triples to 97 made 13 patterns of 2.1 MB, as fast on one thread and no faster on
 * two, where both cores read them).
 */
#define NPRE 15
static const uint8_t pre_groups[NPRE][4] = {
	{ 7, 11, 13, 17 },  { 19, 23, 29, 0 },	{ 31, 37, 41, 0 },  { 43, 47, 53, 0 },
	{ 59, 61, 0, 0 },   { 67, 71, 0, 0 },	{ 73, 79, 0, 0 },   { 83, 89, 0, 0 },
	{ 97, 101, 0, 0 },  { 103, 107, 0, 0 }, { 109, 113, 0, 0 }, { 127, 131, 0, 0 },
	{ 137, 139, 0, 0 }, { 149, 151, 0, 0 }, { 157, 0, 0, 0 },
};
static const uint8_t below_first[] = { 2,   3,	 5,   7,   11,	13,  17,  19,  23,  29,
				       31,  37,	 41,  43,  47,	53,  59,  61,  67,  71,
				       73,  79,	 83,  89,  97,	101, 103, 107, 109, 113,
				       127, 131, 137, 139, 149, 151, 157 };

/* Crossing-off state of one base prime p = 30q + sieve_wheel[ri]: the next multiple is p*k
 * with k = sieve_wheel[wi] (mod 30), at byte `off` of the current block or segment. */
struct sp {
	uint32_t q;
	uint32_t off;
	uint8_t ri, wi;
};

struct ctx {
	uint64_t from, to, b0, b1;
	/* stored base primes, 163 <= p <= min(sqrt(to-1), 2^27), ascending */
	const uint32_t *primes;
	uint64_t nprimes;
	uint64_t nsmall; /* primes[0..nsmall) are crossed off per block */
	uint64_t nmed;	 /* primes[nsmall..nmed) per segment, the rest by buckets */
	uint64_t ngen;	 /* stored primes that sieve the streamed ones (p <= 2^16) */
	uint64_t root;	 /* floor(sqrt(to - 1)) */
	uint64_t block;	 /* L1 block bytes, a power of two <= SIEVE_BLOCK_MAX */
	uint64_t seg;	 /* segment bytes, a power of two and a multiple of block */
	unsigned log2seg;
	const uint8_t *pat[NPRE]; /* pat[g][i] stands for byte pat_base + i (mod plen[g]) */
	uint64_t plen[NPRE], pat_base;
	uint8_t lo_mask, hi_mask; /* bits of byte b0 >= from, of byte b1-1 < to */
	int hw_popcnt;
};

/*
 * A sieve of consecutive segments: its buffer and its sieving primes' states, the
 * medium ones in med (medium.c) when it is set, else in st like the small ones.
 */
struct run {
	uint8_t *buf; /* one segment */
	struct sp *st;
	uint64_t nact; /* st[0..nact) are initialised for the current chunk */
	struct sieve_medium *med;
};

/* One thread's sieve: the main run, its large primes, and the run enumerating them. */
struct tls {
	struct run main, gen;
	struct sieve_medium med; /* the main run's medium primes */
	struct sieve_buckets bk;
};

static uint32_t isqrt64(uint64_t n)
{
	/* Newton's iteration from above decreases strictly to floor(sqrt(n)). */
	uint64_t x, y;

	if (n < 2)
		return (uint32_t)n;
	x = UINT64_C(1) << ((65 - __builtin_clzll(n)) / 2);
	for (;;) {
		y = (x + n / x) / 2;
		if (y >= x)
			return (uint32_t)x;
		x = y;
	}
}

/*
 * Byte offset from b (and wheel index in *wi) of the first p*k >= max(p*kmin, 30b)
 * with k coprime to 30 (kmin is p or 1, so p*kmin < 2^64). With k = 30j + w and p = 30q + r,
 * p*k = 30(pj + qw) + rw, so its byte is pj + qw + rw/30 (no term exceeds the
 * byte index, so nothing wraps even when p*k >= 2^64).
 */
static uint64_t first_off(uint32_t p, uint64_t kmin, uint64_t b, unsigned *wi)
{
	uint64_t start = 30 * b; /* b <= (2^64-1)/30 */
	uint64_t k, j, q = p / 30, r = p % 30, byte;

	if (p * kmin >= start)
		k = kmin;
	else
		k = start / p + (start % p != 0);
	j = k / 30;
	*wi = next_wi[k % 30];
	byte = p * j + q * sieve_wheel[*wi] + r * sieve_wheel[*wi] / 30;
	return byte - b;
}

/* Entry I of WHEEL: the multiple p*k with k = W (mod 30), leaving when past the end. */
#define WSTEP(R, RI, I, W, WN, D)     \
	__attribute__((fallthrough)); \
	case RI * 8 + I:              \
		if (off >= len) {     \
			wi = I;       \
			goto out;     \
		}                     \
		s[off] &= MK(R, W);   \
		off += q * D + DC(R, W, WN);

/*
 * The wheel of p = 30q + R (R = wheel[RI]) entered at any step: whole turns of 8
 * multiples while they fit (one test per turn), then single checked steps.
 */
#define WHEEL(R, RI)                                                              \
	case RI * 8:                                                              \
		for (;;) {                                                        \
			const uint64_t p = 30 * q + R, o7 = q * 28 + R * 29 / 30; \
			if (off + o7 < len) {                                     \
				const uint64_t o1 = q * 6 + R * 7 / 30;           \
				const uint64_t o2 = q * 10 + R * 11 / 30;         \
				const uint64_t o3 = q * 12 + R * 13 / 30;         \
				const uint64_t o4 = q * 16 + R * 17 / 30;         \
				const uint64_t o5 = q * 18 + R * 19 / 30;         \
				const uint64_t o6 = q * 22 + R * 23 / 30;         \
				const uint64_t lim = len - o7;                    \
				do {                                              \
					uint8_t *t = s + off;                     \
					t[0] &= MK(R, 1);                         \
					t[o1] &= MK(R, 7);                        \
					t[o2] &= MK(R, 11);                       \
					t[o3] &= MK(R, 13);                       \
					t[o4] &= MK(R, 17);                       \
					t[o5] &= MK(R, 19);                       \
					t[o6] &= MK(R, 23);                       \
					t[o7] &= MK(R, 29);                       \
					off += p;                                 \
				} while (off < lim);                              \
			}                                                         \
			if (off >= len) {                                         \
				wi = 0;                                           \
				goto out;                                         \
			}                                                         \
			s[off] &= MK(R, 1);                                       \
			off += q * 6 + DC(R, 1, 7);                               \
			WSTEP(R, RI, 1, 7, 11, 4)                                 \
			WSTEP(R, RI, 2, 11, 13, 2)                                \
			WSTEP(R, RI, 3, 13, 17, 4)                                \
			WSTEP(R, RI, 4, 17, 19, 2)                                \
			WSTEP(R, RI, 5, 19, 23, 4)                                \
			WSTEP(R, RI, 6, 23, 29, 6)                                \
			WSTEP(R, RI, 7, 29, 31, 2)                                \
		}

/*
 * Cross off the multiples of one prime in s[0..len) and leave its state relative to
 * s + len. One jump on (r, i) enters the unrolled wheel at the prime's current step
 * (Duff's device), so masks and steps are constants and no table is read; whole turns
 * run with one test per 8 multiples, the rest with one test per multiple, taken once
 * per call (the way out).
 */
static inline void cross(uint8_t *s, uint64_t len, struct sp *sp)
{
	uint64_t off = sp->off;
	const uint64_t q = sp->q;
	unsigned wi = sp->wi;

	if (off >= len) {
		sp->off = (uint32_t)(off - len);
		return;
	}
	switch (sp->ri * 8 + wi) {
		WHEEL(1, 0)
		WHEEL(7, 1)
		WHEEL(11, 2)
		WHEEL(13, 3)
		WHEEL(17, 4)
		WHEEL(19, 5)
		WHEEL(23, 6)
		WHEEL(29, 7)
	}
out:
	/* off - len < one step <= p/5 + 1 < 2^32 */
	sp->off = (uint32_t)(off - len);
	sp->wi = (uint8_t)wi;
}

static void sp_set(struct sp *sp, uint32_t p, uint64_t off, unsigned wi)
{
	sp->q = p / 30;
	sp->ri = next_wi[p % 30]; /* p % 30 is a wheel number, so this is its index */
	sp->wi = (uint8_t)wi;
	sp->off = (uint32_t)off;
}

#if defined(__x86_64__) && (defined(__clang__) ? __clang_major__ >= 14 : defined(__GNUC__))
__attribute__((target_clones("avx2", "default")))
#endif
static void
presieve(const struct ctx *cx, uint8_t *dst, uint64_t b, uint64_t n)
{
	typedef uint8_t v32 __attribute__((vector_size(32)));
	const uint64_t d = b - cx->pat_base;
	const uint8_t *a[NPRE];
	uint64_t i = 0;

	for (int g = 0; g < NPRE; g++)
		a[g] = cx->pat[g] + d % cx->plen[g];
	for (; i + 32 <= n; i += 32) {
		v32 x, y;
		memcpy(&x, a[0] + i, 32);
		for (int g = 1; g < NPRE; g++) {
			memcpy(&y, a[g] + i, 32);
			x &= y;
		}
		memcpy(dst + i, &x, 32);
	}
	for (; i < n; i++) {
		uint8_t x = a[0][i];
		for (int g = 1; g < NPRE; g++)
			x &= a[g][i];
		dst[i] = x;
	}
}

/* Set bits of s[0..n): inlined into each caller, so each compiles it for its own target. */
static inline __attribute__((always_inline)) uint64_t popcount_loop(const uint8_t *s, uint64_t n)
{
	uint64_t c = 0, w, i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		c += (uint64_t)__builtin_popcountll(w);
	}
	for (; i < n; i++)
		c += (uint64_t)__builtin_popcount(s[i]);
	return c;
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("popcnt"))) static uint64_t popcount_hw(const uint8_t *s, uint64_t n)
{
	return popcount_loop(s, n);
}
#endif

static uint64_t popcount_bytes(const struct ctx *cx, const uint8_t *s, uint64_t n)
{
#if defined(__x86_64__) || defined(__i386__)
	if (cx->hw_popcnt)
		return popcount_hw(s, n);
#else
	(void)cx;
#endif
	return popcount_loop(s, n);
}

/* Number of stored primes p with p*p in a byte < b1 (they can hit bytes below b1). */
static uint64_t active_below(const struct ctx *cx, uint64_t b1)
{
	uint64_t lo = 0, hi = cx->nprimes;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		uint64_t p = cx->primes[mid];
		if (p * p / 30 < b1)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Prepare r to sieve [c0, c1) with at most the first `cap` stored primes: c1 - c0 <= 2^31,
 * so every active offset fits 32 bits. Returns 0 or -ENOMEM.
 */
static int run_begin(const struct ctx *cx, struct run *r, uint64_t c0, uint64_t c1, uint64_t cap)
{
	uint64_t nst;
	unsigned wi;

	r->nact = active_below(cx, c1);
	if (r->nact > cap)
		r->nact = cap;
	nst = r->med && r->nact > cx->nsmall ? cx->nsmall : r->nact;
	for (uint64_t i = 0; i < nst; i++) {
		uint64_t off = first_off(cx->primes[i], cx->primes[i], c0, &wi);
		sp_set(&r->st[i], cx->primes[i], off, wi);
	}
	if (!r->med)
		return 0;
	sieve_medium_begin(r->med);
	for (uint64_t i = nst; i < r->nact; i++) {
		const uint32_t p = cx->primes[i];
		const uint64_t off = first_off(p, p, c0, &wi);
		if (sieve_medium_add(r->med, p / 30, next_wi[p % 30], (uint32_t)off, wi))
			return -ENOMEM;
	}
	return 0;
}

/*
 * Sieve the segment [sb, sb+len) into buf by the pattern and r's stored primes; sb must
 * follow the previous segment of the run. Returns 0 or -ENOMEM.
 */
static int sieve_segment(const struct ctx *cx, struct run *r, uint8_t *buf, uint64_t sb,
			 uint64_t len)
{
	const uint64_t nsm = r->nact < cx->nsmall ? r->nact : cx->nsmall;
	struct sp *st = r->st;

	for (uint64_t k = 0; k < len; k += cx->block) {
		uint64_t n = len - k < cx->block ? len - k : cx->block;
		presieve(cx, buf + k, sb + k, n);
		for (uint64_t i = 0; i < nsm; i++)
			cross(buf + k, n, &st[i]);
	}
	if (r->med) {
		if (sieve_medium_cross(r->med, buf, len))
			return -ENOMEM;
	} else {
		for (uint64_t i = nsm; i < r->nact; i++)
			cross(buf, len, &st[i]);
	}
	/* 1 is not prime; the primes 7..53 were cleared by the pre-sieve and are counted apart. */
	if (sb == 0)
		buf[0] &= 0xfe;
	return 0;
}

/*
 * ceil(start / p) for p >= 2^14, by a double division: with the quotient below 2^50 the
 * double one is within 1/4 of it (relative error < 2^-51), so its floor is off by at most
 * one, which the remainder's sign corrects. Double divisions pipeline and a 64-bit
 * integer division does not: it was a third of the time of filing the 5.8 million
 * large primes of each chunk at 1e16.
 */
static inline uint64_t ceil_div_fp(uint64_t start, double start_d, uint64_t p)
{
	uint64_t k = (uint64_t)(int64_t)(start_d / (double)p);
	/* start - k*p is in (-2p, 2p): exact as a signed difference mod 2^64 */
	int64_t r = (int64_t)(start - k * p);

	if (r < 0) {
		k--;
		r += (int64_t)p;
	} else if (r >= (int64_t)p) {
		k++;
		r -= (int64_t)p;
	}
	return k + (r != 0);
}

/*
 * The first multiple of p = 30q + wheel[ri] (p*p in a byte below the chunk's end) in
 * the chunk from c0 on, as first_off with p's q and r given; start_d is 30*c0 as a
 * double.
 */
static inline void first_large(struct sieve_first *f, uint64_t p, uint64_t q, unsigned ri,
			       uint64_t c0, double start_d, uint64_t psq)
{
	const uint64_t start = 30 * c0;
	uint64_t k, j;
	unsigned wi;

	if (p >= psq) /* p*p >= start */
		k = p;
	else if (p >= (UINT64_C(1) << 14))
		k = ceil_div_fp(start, start_d, p);
	else
		k = start / p + (start % p != 0);
	j = k / 30;
	wi = next_wi[k - 30 * j];
	f->off = p * j + q * sieve_wheel[wi] + sieve_rw30[ri * 8 + wi] - c0;
	f->q = (uint32_t)q;
	f->ri = (uint8_t)ri;
	f->wi = (uint8_t)wi;
}

/* Large primes are filed a batch at a time: one loop computes, one call files. */
#define FILE_BATCH 512

/*
 * Files the large primes of the chunk [c0, c1) in t's buckets: the stored primes
 * from nmed on, then those above STORED_MAX up to the square root of the chunk's
 * last number, enumerated by sieving their interval with the first ngen stored
 * primes (8 sieve bytes at a time: one step per prime, not a test per byte).
 * Returns 0 or -ENOMEM.
 */
static int chunk_large(const struct ctx *cx, struct tls *t, uint64_t c0, uint64_t c1)
{
	/* largest number of the chunk: 30*c1 - 1 may wrap only when c1 == b1 */
	const uint64_t top = c1 == cx->b1 ? cx->to - 1 : 30 * c1 - 1;
	const uint64_t hi = isqrt64(top), nst = active_below(cx, c1);
	const double start_d = (double)(30 * c0);
	/* the least p with p*p >= 30*c0 (30*c0 - 1 < 2^64) */
	const uint64_t psq = c0 ? (uint64_t)isqrt64(30 * c0 - 1) + 1 : 0;
	/* a batch ends after the word that fills it: up to 63 more */
	struct sieve_first f[FILE_BATCH + 63];
	uint32_t qr[FILE_BATCH + 63]; /* q << 3 | ri of streamed primes */
	uint64_t pb0, pb1;
	int err;

	for (uint64_t i = cx->nmed; i < nst; i += FILE_BATCH) {
		const uint64_t n = nst - i < FILE_BATCH ? nst - i : FILE_BATCH;
		for (uint64_t j = 0; j < n; j++) {
			const uint32_t p = cx->primes[i + j];
			first_large(&f[j], p, p / 30, next_wi[p % 30], c0, start_d, psq);
		}
		err = sieve_buckets_add(&t->bk, f, n);
		if (err)
			return err;
	}
	if (hi <= STORED_MAX)
		return 0;
	pb0 = STORED_MAX / 30;
	pb1 = hi / 30 + 1;
	run_begin(cx, &t->gen, pb0, pb1, cx->ngen); /* no medium lists: cannot fail */
	for (uint64_t sb = pb0; sb < pb1; sb += cx->seg) {
		const uint64_t len = pb1 - sb < cx->seg ? pb1 - sb : cx->seg;
		const uint8_t *buf = t->gen.buf;
		uint64_t i = 0;

		sieve_segment(cx, &t->gen, t->gen.buf, sb, len); /* likewise */
		while (i < len) {
			unsigned n = 0, m = 0;
			/* bit 8j + b of a word: byte i + j, wheel bit b */
			for (; i < len && n < FILE_BATCH; i += 8) {
				uint64_t w = 0;
				memcpy(&w, buf + i, len - i < 8 ? len - i : 8);
				while (w) {
					const unsigned bit = (unsigned)__builtin_ctzll(w);
					qr[n++] = (uint32_t)(sb + i + bit / 8) << 3 | (bit & 7);
					w &= w - 1;
				}
			}
			for (unsigned j = 0; j < n; j++) {
				const uint64_t q = qr[j] >> 3, ri = qr[j] & 7;
				const uint64_t p = 30 * q + sieve_wheel[ri]; /* < 2^32 + 30 */
				if (p <= STORED_MAX || p > hi)
					continue;
				first_large(&f[m++], p, q, (unsigned)ri, c0, start_d, psq);
			}
			err = sieve_buckets_add(&t->bk, f, m);
			if (err)
				return err;
		}
	}
	return 0;
}

static void mask_edges(const struct ctx *cx, uint8_t *buf, uint64_t sb, uint64_t len)
{
	if (sb == cx->b0)
		buf[0] &= cx->lo_mask;
	if (sb + len == cx->b1)
		buf[len - 1] &= cx->hi_mask;
}

static uint64_t round_up(uint64_t x, uint64_t m)
{
	return (x + m - 1) / m * m;
}

/* buflen: the longest segment sieved into t's main buffer. */
static int tls_alloc(const struct ctx *cx, struct tls *t, uint64_t buflen)
{
	const uint64_t gen = cx->root > STORED_MAX;

	t->main.buf = aligned_alloc(64, round_up(buflen, 64));
	t->main.st = malloc((cx->nmed ? cx->nmed : 1) * sizeof(*t->main.st));
	t->main.nact = 0;
	t->gen.buf = gen ? aligned_alloc(64, cx->seg) : NULL;
	t->gen.st = gen ? malloc((cx->ngen ? cx->ngen : 1) * sizeof(*t->gen.st)) : NULL;
	t->gen.nact = 0;
	t->gen.med = NULL;
	sieve_medium_init(&t->med);
	t->main.med = &t->med;
	sieve_buckets_init(&t->bk, cx->log2seg);
	if (!t->main.buf || !t->main.st || (gen && (!t->gen.buf || !t->gen.st)))
		return -ENOMEM;
	return 0;
}

static void tls_free(struct tls *t)
{
	free(t->main.buf);
	free(t->main.st);
	free(t->gen.buf);
	free(t->gen.st);
	sieve_medium_free(&t->med);
	sieve_buckets_free(&t->bk);
}

static void report(const struct ompk_progress *prog, const uint64_t *done, int nthr, uint64_t total,
		   double *last)
{
	double now = omp_get_wtime();
	uint64_t sum = 0;

	if (now - *last < REPORT_EVERY)
		return;
	*last = now;
	for (int i = 0; i < nthr; i++) {
		uint64_t d;
#pragma omp atomic read
		d = done[i * 8];
		sum += d;
	}
	ompk_progress_report(prog, sum, total);
}

/*
 * Bytes of a chunk, a multiple of the L1 block. Entering a chunk costs a division per
 * sieving prime (and, above 2^44, a sieve up to sqrt(to) enumerating them), so a chunk
 * spans at least 64 bytes per sieving prime (with 256, a [0, 1e9) count on 2 threads
 * had 37 chunks of about 2 ms instead of 64 of 1 ms, and took 12% longer), and there
 * are at least 32 chunks a thread where that allows. The count is a multiple of the
 * threads and the chunks are equal but for the last: 7 chunks of 5 MB for 2 threads
 * (a multiple of the segment each) left one thread a chunk more than the other.
 */
static uint64_t chunk_bytes(const struct ctx *cx, int threads)
{
	const uint64_t total = cx->b1 - cx->b0, t = (uint64_t)threads, most = UINT64_C(1) << 30;
	/* sieving primes: pi(root) < 1.26 root / ln root */
	uint64_t np = cx->nprimes, least, n, chunk;

	if (cx->root > STORED_MAX)
		np = (uint64_t)(1.26 * (double)cx->root / log((double)cx->root));
	least = np * 64;
	if (least < total / (t * 32))
		least = total / (t * 32);
	n = least ? total / least : total;
	if (n < t)
		n = t;
	n -= n % t;
	chunk = (total + n - 1) / n;
	if (chunk > most) {
		n = (total + most - 1) / most;
		n = (n + t - 1) / t * t;
		chunk = (total + n - 1) / n;
	}
	return round_up(chunk ? chunk : 1, cx->block);
}

/* Chunks of segments, counted as they are sieved. */
static int run_chunks(const struct ctx *cx, int threads, const struct ompk_progress *prog,
		      uint64_t *out)
{
	const uint64_t total = cx->b1 - cx->b0, seg = cx->seg;
	const uint64_t total_segs = (total + seg - 1) / seg;
	const uint64_t chunk = chunk_bytes(cx, threads), nchunks = (total + chunk - 1) / chunk;
	uint64_t cnt = 0;
	uint64_t *done;
	struct ompk_spread spread;
	int nomem = 0;

	done = calloc((size_t)threads * 8, sizeof(*done));
	if (!done)
		return -ENOMEM;
	/* threads on CPUs of their own from the start (ompkit/team.h) */
	ompk_spread_init(&spread, nchunks > 1 ? threads : 1);

	/*
		 * One chunk is one thread's work: skip the team start (and its idle spinning) then.
		 */
#pragma omp parallel if (nchunks > 1) num_threads(threads) default(none) shared(cx, prog, done, \
	nomem, nchunks, chunk, total_segs, seg, total, spread) reduction(+ : cnt)
	{
		const int tid = omp_get_thread_num(), nthr = omp_get_num_threads();
		struct tls t;
		uint64_t mydone = 0;
		double last;

		ompk_spread_enter(&spread);
		last = omp_get_wtime();

		if (tls_alloc(cx, &t, total < seg ? total : seg)) {
#pragma omp atomic write
			nomem = 1;
		}
#pragma omp for schedule(dynamic, 1)
		for (uint64_t c = 0; c < nchunks; c++) {
			const uint64_t c0 = cx->b0 + c * chunk;
			const uint64_t c1 = cx->b1 - c0 < chunk ? cx->b1 : c0 + chunk;
			int stop;

#pragma omp atomic read
			stop = nomem;
			if (stop)
				continue;
			if (run_begin(cx, &t.main, c0, c1, cx->nmed) ||
			    sieve_buckets_begin(&t.bk, c1 - c0) || chunk_large(cx, &t, c0, c1)) {
#pragma omp atomic write
				nomem = 1;
				continue;
			}
			for (uint64_t s = 0, sb = c0; sb < c1; s++, sb += seg) {
				const uint64_t len = c1 - sb < seg ? c1 - sb : seg;
				if (sieve_segment(cx, &t.main, t.main.buf, sb, len) ||
				    sieve_buckets_cross(&t.bk, s, t.main.buf, len)) {
#pragma omp atomic write
					nomem = 1;
					break;
				}
				mask_edges(cx, t.main.buf, sb, len);
				cnt += popcount_bytes(cx, t.main.buf, len);
				/* progress only: each thread publishes its own count, thread 0 sums */
				mydone++;
#pragma omp atomic write
				done[tid * 8] = mydone;
				if (tid == 0 && prog)
					report(prog, done, nthr, total_segs, &last);
			}
		}
		tls_free(&t);
	}
	free(done);
	if (nomem)
		return -ENOMEM;
	ompk_progress_report(prog, total_segs, total_segs);
	*out = cnt;
	return 0;
}

/*
 * Pattern g: the bytes from b0 on with the multiples of the primes of group g
 * (themselves included) crossed off. It repeats every M bytes, M the product
 * of the group, so min(n, M + block) bytes give any block of the n-byte range
 * contiguously at offset (b - b0) mod M, and tiny ranges build tiny patterns.
 * pattern_len gives that length (and M in *period), make_pattern fills pat[0..len).
 */
static uint64_t pattern_len(int g, uint64_t n, uint64_t block, uint64_t *period)
{
	uint64_t m = 1;

	for (int i = 0; i < 4 && pre_groups[g][i]; i++)
		m *= pre_groups[g][i];
	*period = m;
	return n < m + block ? n : m + block;
}

static void make_pattern(int g, uint64_t b0, uint8_t *pat, uint64_t len)
{
	memset(pat, 0xff, len);
	for (int i = 0; i < 4 && pre_groups[g][i]; i++) {
		const uint32_t p = pre_groups[g][i];
		unsigned wi;
		struct sp sp;
		const uint64_t off = first_off(p, 1, b0, &wi);
		sp_set(&sp, p, off, wi);
		if (sp.off < len)
			cross(pat, len, &sp);
	}
}

/*
 * One allocation for all the patterns (up to 2.5 MiB): from 1 MiB on, aligned to and
 * advised into 2 MiB pages. In 4 KiB pages they were 600 page faults, a sizeable
 * part of a 1e9-wide count's 40 ms on this VM, where a fault costs microseconds.
 */
static uint8_t *alloc_patterns(uint64_t bytes)
{
	const uint64_t huge = UINT64_C(2) << 20;
	uint8_t *p;

	if (bytes < huge / 2)
		return malloc(bytes ? bytes : 1);
	p = aligned_alloc(huge, round_up(bytes, huge));
#ifdef MADV_HUGEPAGE
	if (p)
		madvise(p, round_up(bytes, huge), MADV_HUGEPAGE); /* advice only */
#endif
	return p;
}

int sieve_count(uint64_t from, uint64_t to, int threads, const struct ompk_progress *prog,
		uint64_t block, uint64_t segmax, uint64_t *count)
{
	struct ctx cx;
	uint32_t *primes = NULL, root, lim;
	uint8_t *pats = NULL;
	uint64_t plen_total = 0, pbytes[NPRE];
	uint64_t small = 0, n = 0;
	int err;

	if (!count || threads < 1 || from > to || block < SIEVE_BLOCK_MIN ||
	    block > SIEVE_BLOCK_MAX || (block & (block - 1)) || segmax < block ||
	    (segmax & (segmax - 1)) || segmax > SIEVE_SEG_MAX)
		return -EINVAL;
	*count = 0;
	if (from == to)
		return 0;

	memset(&cx, 0, sizeof(cx));
	cx.from = from;
	cx.to = to;
	cx.b0 = from / 30;
	cx.b1 = (to - 1) / 30 + 1;
	cx.lo_mask = cx.hi_mask = 0;
	for (int i = 0; i < 8; i++) {
		cx.lo_mask |= (uint8_t)((sieve_wheel[i] >= from % 30) << i);
		cx.hi_mask |= (uint8_t)((sieve_wheel[i] <= (to - 1) % 30) << i);
	}
#if defined(__x86_64__) || defined(__i386__)
	cx.hw_popcnt = __builtin_cpu_supports("popcnt");
#endif
	for (size_t i = 0; i < sizeof(below_first); i++)
		small += below_first[i] >= from && below_first[i] < to;

	root = isqrt64(to - 1);
	lim = root < STORED_MAX ? root : STORED_MAX;
	/*
	 * The team placed before its first region (ompkit/team.h): started in the base
	 * primes' region, a new thread shares the master's CPU until the master, spinning
	 * at that region's end, gives it up: 5 ms of a 75 ms count of [1e12, 1e12+1e9).
	 */
	if (threads > 1 && to - from >= TEAM_MIN_SPAN)
		ompk_team_start(threads);
	err = sieve_base_primes(FIRST_PRIME, lim, threads, &primes, &cx.nprimes);
	if (err)
		goto out;
	cx.primes = primes;
	/* Above 2^54 base primes are enumerated by sieving below b0: give it whole periods. */
	cx.pat_base = root > STORED_MAX ? 0 : cx.b0;
	for (int g = 0; g < NPRE; g++) {
		pbytes[g] = pattern_len(g, root > STORED_MAX ? UINT64_MAX : cx.b1 - cx.b0, block,
					&cx.plen[g]);
		plen_total += round_up(pbytes[g], 64);
	}
	pats = alloc_patterns(plen_total);
	if (!pats) {
		err = -ENOMEM;
		goto out;
	}
	for (uint64_t g = 0, at = 0; g < NPRE; at += round_up(pbytes[g], 64), g++) {
		make_pattern((int)g, cx.pat_base, pats + at, pbytes[g]);
		cx.pat[g] = pats + at;
	}
	/*
	 * Segments of half the L2 cache, or shorter when the base primes are small (a
	 * tiny range needs no large buffer), but four L1 blocks at least: then the primes
	 * above a quarter block are medium, visited once a segment (a 1e9-wide count from 0
	 * with one-block segments, every prime small, took 18% longer; with two-block ones
	 * 3% more CPU than four). Primes above LARGE_SEGS segment lengths go to buckets.
	 */
	cx.block = block;
	for (cx.seg = block; cx.seg < segmax && (cx.seg < lim || cx.seg < 4 * block); cx.seg *= 2)
		;
	cx.log2seg = (unsigned)__builtin_ctzll(cx.seg);
	cx.root = root;
	cx.nmed = 0;
	while (cx.nmed < cx.nprimes && cx.primes[cx.nmed] <= LARGE_SEGS * cx.seg)
		cx.nmed++;
	cx.nsmall = 0;
	while (cx.nsmall < cx.nmed && cx.primes[cx.nsmall] < block / SMALL_DIV)
		cx.nsmall++;
	if (cx.seg == block)
		cx.nsmall = cx.nmed;
	cx.ngen = root > STORED_MAX ? active_below(&cx, root / 30 + 1) : 0;

	err = run_chunks(&cx, threads, prog, &n);
	if (!err)
		*count = small + n;
out:
	free(pats);
	free(primes);
	return err;
}

int ompk_sieve_count(uint64_t from, uint64_t to, int threads, const struct ompk_progress *prog,
		     uint64_t *count)
{
	struct sieve_cache cache;

	sieve_cache_read(SYSFS_CACHE, &cache);
	return sieve_count(from, to, threads, prog, sieve_block_bytes(&cache),
			   sieve_segment_bytes(&cache, sieve_block_bytes(&cache), SIEVE_SEG_MAX),
			   count);
}
