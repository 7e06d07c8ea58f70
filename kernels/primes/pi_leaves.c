/*
 * pi_leaves.c - the special leaves S2 of the combinatorial prime count
 * (Lagarias, Miller, Odlyzko 1985, with the easy leaves of Deleglise and
 * Rivat 1996). pi.c explains the identity; here a special leaf is a pair
 * (b, m) with p = p_b (b > 6), mu(m) != 0, lpf(m) > p and y/p < m <= y, and
 * it adds -mu(m) * phi(x / (p m), b - 1).
 *
 * Easy leaves (z = x/(p m) < p^2): a number up to z with no prime factor
 * below p is 1 or a prime (a composite one would be >= p^2), so
 * phi(z, b - 1) = max(pi(z) - b + 2, 1), looked up in the pi table
 * (z < min(p^2, x/p^2) <= sqrt(x)). When z < p it is 1 (trivial leaves,
 * counted in bulk). Consecutive primes m = q with the same pi(z) are
 * counted in one step: they run up to x / (p * p_pi(z)) (clustered leaves).
 *
 * Hard leaves (z >= p^2): phi(z, b - 1) is read from a sieve of [1, x/y]
 * that is crossed off prime by prime: segment by segment, for b = 7, 8, ...
 * the leaves of p_b in the segment (ascending z) read the count of numbers
 * still set up to z (per-segment counters of 1024-bit blocks, kept
 * exact while crossing off, plus a popcount inside one block), then the
 * multiples of p_b are crossed off: by word masks below 128 (cross_mask),
 * above only p k with k prime to 30, from p^2 (cross). Threads take chunks of segments; a
 * chunk counts from its own start, and the counts of the chunks before it
 * are added afterwards: sum over its leaves of -mu(m) times that prefix,
 * which needs only the per-b sums of -mu(m) of the chunk.
 *
 * P2 (pi.c) comes out of the same sieve: once every prime up to
 * sqrt(high) is crossed off, a segment's set bits are its primes above
 * the last prime crossed (plus the number 1), so pi(x/p) for the primes
 * y < p <= sqrt(x) is read off at the end of each segment, chunk by chunk
 * like the leaves, and [1, x/y] is sieved once, not twice.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "pi_int.h"

#define COUNTER_SHIFT 10 /* bits per counter block: 1024 (16 words) */
#define CHUNKS_PER_THREAD 8
/*
 * Primes below this are crossed off a word at a time with a mask of their
 * multiples (the pattern repeats every p words), the counters recounted in
 * the same pass: 4096 words a segment instead of 2^18 / p single bits whose
 * counter updates wait on one another through memory.
 */
#define CROSS_BY_MASK 128
#define EASY_FLAT_C 2.0 /* easy leaves one by one up to q = C sqrt(x/p), clustered above */
#define LEAF_BATCH 256	/* hard leaves of a composite m picked per batch */
#define EASY_CHAINS 8	/* clustered easy leaves walked side by side */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The easy leaves of one b: p = p_b > 13. */
PI_HOT static __int128 easy_one(const struct pi_ctx *c, uint64_t b)
{
	const struct pi_table *t = &c->pt;
	const uint64_t p = c->primes[b], xp = c->x / p, y = c->y, a = c->a;
	__int128 sum = 0;

	if (p * p <= y) {
		/* m composite possible: scan m in (max(y/p, x/p^3), y]. */
		for (uint64_t m = max_u64(y / p, xp / p / p) + 1; m <= y; m++) {
			int32_t v = c->mu_lpf[m];
			uint64_t z, l;

			if (!v || (uint64_t)(v < 0 ? -(int64_t)v : v) <= p)
				continue;
			z = xp / m;
			l = pi_lookup(t, z);
			uint64_t phi = l + 2 > b ? l + 2 - b : 1;

			sum += v < 0 ? (__int128)phi : -(__int128)phi;
		}
		return sum;
	}
	/* m = q prime, q > max(y/p, p). Trivial: q > x/p^2 (z < p), phi = 1, -mu = 1. */
	const uint64_t lo = max_u64(y / p, p), xpp = xp / p;
	uint64_t t_lo = max_u64(lo, xpp);

	if (t_lo < y)
		sum += (__int128)(a - pi_lookup(t, t_lo));
	/* Easy, not trivial: q in (max(lo, x/p^3), min(y, x/p^2)]. */
	const uint64_t e_lo = max_u64(lo, xpp / p), e_hi = min_u64(y, xpp);

	if (e_hi <= e_lo)
		return sum;
	uint64_t i = pi_lookup(t, e_lo) + 1;
	const uint64_t i_end = pi_lookup(t, e_hi);
	/*
	 * One leaf at a time while q <= C sqrt(x/p) (or z = x/(p q) >= y, where
	 * the pi table has no clusters to offer): each leaf is one division and
	 * one lookup, all independent, about 2 ns. Above, z < q / C and the
	 * primes q' after q keep pi(x/(p q')) = l while x/(p q') >= p_l, that
	 * is up to q' = pi(x / (p p_l)): one step counts a cluster of leaves,
	 * about q ln z / (z ln q) of them, but waits on the step before it (two
	 * divisions, two lookups); the range is cut in EASY_CHAINS parts walked
	 * side by side so that the processor overlaps their latencies.
	 */
	const uint64_t q_flat = max_u64(xp / y, (uint64_t)(EASY_FLAT_C * sqrt((double)xp)));
	const uint64_t i_flat = min_u64(i_end, pi_lookup(t, min_u64(e_hi, q_flat)));
	uint64_t part = 0; /* below (i_end - i) * pi(sqrt x) < 2^64 */

	for (; i <= i_flat; i++)
		part += pi_lookup(t, pi_div(c, xp, i)) + 2 - b;
	uint64_t cur[EASY_CHAINS], end[EASY_CHAINS];
	unsigned live = 0;

	if (i <= i_end) {
		const uint64_t n = i_end - i + 1;

		for (unsigned k = 0; k < EASY_CHAINS; k++) {
			cur[k] = i + n * k / EASY_CHAINS;
			end[k] = i + n * (k + 1) / EASY_CHAINS - 1;
			live += cur[k] <= end[k];
		}
	}
	while (live) {
		live = 0;
		for (unsigned k = 0; k < EASY_CHAINS; k++) {
			if (cur[k] > end[k])
				continue;
			const uint64_t l = pi_lookup(t, pi_div(c, xp, cur[k]));
			const uint64_t j = min_u64(end[k],
						   pi_lookup(t, min_u64(e_hi, pi_div(c, xp, l))));

			part += (j - cur[k] + 1) * (l + 2 - b);
			cur[k] = j + 1;
			live += cur[k] <= end[k];
		}
	}
	return sum + (__int128)part;
}

int pi_s2_easy(const struct pi_ctx *c, __int128 *s2)
{
	__int128 total = 0;
	const uint64_t a = c->a;

#pragma omp parallel num_threads(c->threads) default(none) shared(c, total, a)
	{
		__int128 sum = 0;

#pragma omp for schedule(dynamic, 16) nowait
		for (uint64_t b = PI_C + 1; b <= a; b++)
			sum += easy_one(c, b);
#pragma omp critical
		total += sum;
	}
	*s2 = total;
	return 0;
}

/* Per thread: one segment, its counters, the next multiple of each sieving prime. */
struct hard_buf {
	uint64_t *bits;
	uint32_t *counters;
	uint64_t *next; /* next multiple of p_b to cross off, as a number */
	uint8_t *widx;	/* p_b >= CROSS_BY_MASK: where next / p_b is on the wheel of 30 */
	/* CROSS_BY_MASK + 16 words: the mask of one small prime in this segment's phase */
	uint64_t *rot;
};

/* What a chunk hands back: its leaves' sum counted from its start, and per b the count it saw. */
struct hard_chunk {
	__int128 sum;
	__int128 p2;	 /* sum over the chunk's P2 points z = x/p of the primes in [clo, z] */
	uint64_t p2_np;	 /* how many points */
	uint64_t primes; /* primes in [clo, chi) */
	int64_t *phi;	 /* numbers left after b-1 primes in the chunk */
	int64_t *musum;	 /* sum of -mu(m) over the chunk's leaves of b */
};

/* Count of set bits in [0, k), resuming from *blk whole blocks summing to *acc. */
static uint64_t prefix(const uint64_t *bits, const uint32_t *counters, uint64_t k, uint64_t *blk,
		       uint64_t *acc)
{
	uint64_t kb = k >> COUNTER_SHIFT, n;

	while (*blk < kb)
		*acc += counters[(*blk)++];
	n = *acc;
	for (uint64_t w = kb << (COUNTER_SHIFT - 6); w < k >> 6; w++)
		n += (uint64_t)__builtin_popcountll(bits[w]);
	if (k & 63)
		n += (uint64_t)__builtin_popcountll(bits[k >> 6] & ((UINT64_C(1) << (k & 63)) - 1));
	return n;
}

/*
 * What the hard leaves of one b need in every segment, worked out once: the
 * leaves are m in (m_lo, m_hi] (primes m above p where p^2 > y), with z =
 * x/(p m) in [z_lo, z_hi] (empty: z_lo > z_hi).
 */
struct hard_b {
	uint64_t xp, m_lo, m_hi, z_lo, z_hi;
};

/* The hard leaves of p_b whose z lies in the segment [low, high). */
PI_HOT static __int128 hard_leaves(const struct pi_ctx *c, const struct hard_buf *hb,
				   const struct hard_b *hl, uint64_t b, uint64_t low, uint64_t high,
				   int64_t phi, int64_t *musum)
{
	const uint64_t p = c->primes[b], xp = hl->xp;
	uint64_t m_hi = hl->m_hi, m_lo = max_u64(hl->m_lo, xp / high);
	uint64_t blk = 0, acc = 0;
	__int128 sum = 0;
	int64_t ms = 0;

	if (low > 0)
		m_hi = min_u64(m_hi, xp / low);
	if (p * p > c->y) {
		if (m_hi <= m_lo)
			return 0;
		const uint64_t i_lo = pi_lookup(&c->pt, m_lo);

		for (uint64_t i = pi_lookup(&c->pt, m_hi); i > i_lo; i--) {
			uint64_t z = xp / c->primes[i];
			uint64_t n = prefix(hb->bits, hb->counters, (z - low + 1) >> 1, &blk, &acc);

			sum += phi + (int64_t)n;
			ms++;
		}
	} else {
		/*
		 * About one m in five is a leaf, at random: the leaves of a batch
		 * are picked without a branch first (2m + 1 where mu(m) = 1),
		 * then counted.
		 */
		uint32_t leaf[LEAF_BATCH];

		for (uint64_t m = m_hi; m > m_lo;) {
			const uint64_t stop = m - min_u64(m - m_lo, LEAF_BATCH);
			size_t n = 0;

			for (; m > stop; m--) {
				const int32_t v = c->mu_lpf[m];

				leaf[n] = (uint32_t)(m << 1) | (v > 0);
				n += (uint64_t)(v < 0 ? -(int64_t)v : v) > p;
			}
			for (size_t k = 0; k < n; k++) {
				const uint64_t z = xp / (leaf[k] >> 1);
				const int64_t sign = 1 - 2 * (int64_t)(leaf[k] & 1);
				const uint64_t cnt = prefix(hb->bits, hb->counters,
							    (z - low + 1) >> 1, &blk, &acc);

				sum += sign * (phi + (int64_t)cnt);
				ms += sign;
			}
		}
	}
	*musum += ms;
	return sum;
}

/*
 * The multiples p k of a prime p >= CROSS_BY_MASK are crossed off only for
 * k prime to 30: those with 3 or 5 in k are already gone (the pattern), so
 * 8 of every 15 odd multiples are visited. WHEEL_GAP[j] is the step, in
 * bits of p (2p numbers), from the j-th residue prime to 30 to the next.
 */
static const uint8_t wheel_res[8] = { 1, 7, 11, 13, 17, 19, 23, 29 };
static const uint8_t wheel_gap[8] = { 3, 2, 1, 2, 1, 2, 3, 1 };

/* The least p k >= from with k prime to 30, and k's place on the wheel. */
static void wheel_first(uint64_t p, uint64_t from, uint64_t *n, uint8_t *widx)
{
	const uint64_t k0 = (from + p - 1) / p, r = k0 % 30;
	unsigned j = 0;

	while (j < 8 && wheel_res[j] < r)
		j++;
	*n = p * (j < 8 ? k0 - r + wheel_res[j] : k0 - r + 31);
	*widx = (uint8_t)(j & 7);
}

/* Crosses off the multiples of p in the segment, keeping counters and *total exact. */
static void cross(struct hard_buf *hb, uint64_t b, uint64_t p, uint64_t low, uint64_t nbits,
		  uint64_t *total)
{
	uint64_t i = (hb->next[b] - low) >> 1, removed = 0;
	unsigned j = hb->widx[b];

	while (i < nbits) {
		uint64_t *w = &hb->bits[i >> 6], bit = (*w >> (i & 63)) & 1;

		hb->counters[i >> COUNTER_SHIFT] -= (uint32_t)bit;
		removed += bit;
		*w &= ~(UINT64_C(1) << (i & 63));
		i += p * wheel_gap[j];
		j = (j + 1) & 7;
	}
	*total -= removed;
	hb->next[b] = low + 2 * i + 1;
	hb->widx[b] = (uint8_t)j;
}

/* cross() for p < CROSS_BY_MASK: every word of the segment, counters rebuilt. */
PI_HOT static void cross_mask(struct hard_buf *hb, uint64_t b, uint64_t p, uint64_t low,
			      uint64_t nbits, uint64_t *total)
{
	const uint64_t i0 = (hb->next[b] - low) >> 1, nwords = (nbits + 63) >> 6;
	const uint64_t words_per_blk = UINT64_C(1) << (COUNTER_SHIFT - 6);
	uint64_t *rot = hb->rot, sum = 0, r = 0;

	/*
	 * Bit t of rot[k] is clear iff 64k + t - i0 is a multiple of p (i0 < p),
	 * for k < p + one counter block, so that a block reads rot[r..r+15]
	 * without wrapping.
	 */
	memset(rot, 0xff, (p + words_per_blk) * sizeof(*rot));
	for (uint64_t j = i0; j < 64 * (p + words_per_blk); j += p)
		rot[j >> 6] &= ~(UINT64_C(1) << (j & 63));
	for (uint64_t w0 = 0; w0 < nwords; w0 += words_per_blk) {
		const uint64_t *m = rot + r;
		uint64_t *bits = hb->bits + w0;
		uint32_t n = 0;

		if (w0 + words_per_blk <= nwords) {
			for (uint64_t w = 0; w < words_per_blk; w++) {
				bits[w] &= m[w];
				n += (uint32_t)__builtin_popcountll(bits[w]);
			}
		} else {
			for (uint64_t w = 0; w < nwords - w0; w++) {
				bits[w] &= m[w];
				n += (uint32_t)__builtin_popcountll(bits[w]);
			}
		}
		r = (r + words_per_blk) % p;
		hb->counters[w0 >> (COUNTER_SHIFT - 6)] = n;
		sum += n;
	}
	*total = sum;
	hb->next[b] = i0 < nbits ? low + 2 * (i0 + (nbits - i0 + p - 1) / p * p) + 1 : hb->next[b];
}

/*
 * The primes of [low, z] (z < high) that the sieved segment does not show:
 * those up to p_last, the last prime crossed off (2 is not in the odd-only
 * bitmap, 3..13 are cleared by the pattern), less the number 1, which is.
 */
static uint64_t unseen_primes(const struct pi_ctx *c, uint64_t low, uint64_t z, uint64_t p_last)
{
	const uint64_t top = min_u64(z, p_last);

	if (low == 0)
		return pi_lookup(&c->pt, top) - (z >= 1);
	return top >= low ? pi_lookup(&c->pt, top) - pi_lookup(&c->pt, low - 1) : 0;
}

/*
 * P2's points in a sieved segment: pi(x/q) - pi(clo - 1) for the primes q
 * (descending from *q, above q_lo) with x/q in [low, high), counted as the
 * leaves are (prefix). total is the segment's set bits; returns its primes.
 * before holds the chunk's primes below low.
 */
PI_HOT static uint64_t p2_segment(const struct pi_ctx *c, const struct hard_buf *hb, uint64_t low,
				  uint64_t high, uint64_t total, uint64_t p_last, uint64_t q_lo,
				  uint64_t *q, uint64_t before, struct hard_chunk *out)
{
	uint64_t blk = 0, acc = 0;

	for (; *q > q_lo && c->x / *q < high; *q = pi_prev_prime(&c->pt, *q - 1)) {
		const uint64_t z = c->x / *q;

		out->p2 += before + prefix(hb->bits, hb->counters, (z - low + 1) >> 1, &blk, &acc) +
			   unseen_primes(c, low, z, p_last);
		out->p2_np++;
	}
	return total + unseen_primes(c, low, high - 1, p_last);
}

PI_HOT static void hard_chunk_run(const struct pi_ctx *c, struct hard_buf *hb,
				  const struct hard_b *hl, uint64_t bmax, uint64_t clo,
				  uint64_t chi, struct hard_chunk *out)
{
	const uint64_t seg = 128 * (uint64_t)PI_SEG_WORDS;
	/* P2's primes q, descending: y < q <= sqrt(x) with x/q in [clo, chi). */
	const uint64_t q_lo = max_u64(c->y, c->x / chi);
	uint64_t q = clo ? min_u64(c->sqrtx, c->x / clo) : c->sqrtx;
	uint64_t before = 0; /* the chunk's primes below the segment */

	q = q > q_lo ? pi_prev_prime(&c->pt, q) : 0;
	for (uint64_t b = PI_C + 1; b <= bmax; b++) {
		const uint64_t p = c->primes[b];

		/*
		 * Multiples below p^2 other than p are gone already (a smaller
		 * factor): start at p^2 unless the chunk holds p, so that the
		 * segments before p^2 (where p is left uncrossed) need no step.
		 */
		if (p >= CROSS_BY_MASK) {
			wheel_first(p, clo <= p ? clo : max_u64(clo, p * p), &hb->next[b],
				    &hb->widx[b]);
		} else {
			const uint64_t n = (clo + p - 1) / p * p;

			hb->next[b] = n & 1 ? n : n + p;
		}
	}
	for (uint64_t low = clo; low < chi; low += seg) {
		const uint64_t high = min_u64(low + seg, chi), nbits = (high - low) >> 1;
		const uint64_t nwords = (nbits + 63) >> 6, nblk = (nbits >> COUNTER_SHIFT) + 1;
		uint64_t total = 0, b;

		/* Sieved by 2 (odd only) and 3..13 (pattern); bits at or past high cleared. */
		for (uint64_t w = 0, w0 = (low >> 7) % PI_PATTERN_WORDS; w < nwords; w++) {
			hb->bits[w] = c->pattern[w0];
			if (++w0 == PI_PATTERN_WORDS)
				w0 = 0;
		}
		if (nbits & 63)
			hb->bits[nwords - 1] &= (UINT64_C(1) << (nbits & 63)) - 1;
		memset(hb->counters, 0, nblk * sizeof(*hb->counters));
		for (uint64_t w = 0; w < nwords; w++) {
			uint32_t n = (uint32_t)__builtin_popcountll(hb->bits[w]);

			hb->counters[w >> (COUNTER_SHIFT - 6)] += n;
			total += n;
		}
		for (b = PI_C + 1; b <= bmax; b++) {
			const uint64_t p = c->primes[b];

			if (p * p >= high)
				break;
			/* Skip without dividing when no leaf of b has its z in the segment. */
			if (hl[b].z_lo < high && hl[b].z_hi >= low)
				out->sum += hard_leaves(c, hb, &hl[b], b, low, high, out->phi[b],
							&out->musum[b]);
			out->phi[b] += (int64_t)total;
			if (p < CROSS_BY_MASK)
				cross_mask(hb, b, p, low, nbits, &total);
			else
				cross(hb, b, p, low, nbits, &total);
		}
		before += p2_segment(c, hb, low, high, total, c->primes[b - 1], q_lo, &q, before,
				     out);
		/* Left: 1 and the primes >= p_b of the segment (a composite would be >= p_b^2). */
		for (; b <= bmax; b++) {
			const uint64_t p = c->primes[b];

			out->phi[b] += (int64_t)total;
			if (p >= low && p < high)
				total--;
			if (hb->next[b] >= high)
				continue;
			if (p >= CROSS_BY_MASK)
				wheel_first(p, high, &hb->next[b], &hb->widx[b]);
			else
				hb->next[b] += 2 * p * ((high - hb->next[b] + 2 * p - 1) / (2 * p));
		}
	}
	out->primes = before;
}

int pi_s2_hard(const struct pi_ctx *c, __int128 *s2, __int128 *p2)
{
	const uint64_t L = c->zmax + 1, seg = 128 * (uint64_t)PI_SEG_WORDS;
	uint64_t bmax = PI_C, nseg, nchunk;
	struct hard_chunk *ch = NULL;
	int64_t *arrays = NULL;
	struct hard_b *hl = NULL;
	int err = 0;

	*s2 = 0;
	*p2 = 0;
	while (bmax < c->a && (uint64_t)c->primes[bmax + 1] * c->primes[bmax + 1] < L)
		bmax++;
	nseg = (L + seg - 1) / seg;
	nchunk = min_u64(nseg, (uint64_t)c->threads * CHUNKS_PER_THREAD);
	ch = calloc(nchunk, sizeof(*ch));
	arrays = calloc(2 * nchunk * (bmax + 1), sizeof(*arrays));
	hl = malloc((bmax + 1) * sizeof(*hl));
	if (!ch || !arrays || !hl) {
		err = -ENOMEM;
		goto out;
	}
	for (uint64_t b = PI_C + 1; b <= bmax; b++) {
		const uint64_t p = c->primes[b], xp = c->x / p;
		const uint64_t m_lo = p * p > c->y ? max_u64(c->y / p, p) : c->y / p;
		const uint64_t m_hi = min_u64(xp / p / p, c->y);

		hl[b] = (struct hard_b){ .xp = xp, .m_lo = m_lo, .m_hi = m_hi };
		hl[b].z_lo = m_hi > m_lo ? xp / m_hi : 1;
		hl[b].z_hi = m_hi > m_lo ? xp / (m_lo + 1) : 0;
	}
	for (uint64_t k = 0; k < nchunk; k++) {
		ch[k].phi = arrays + 2 * k * (bmax + 1);
		ch[k].musum = ch[k].phi + bmax + 1;
	}
#pragma omp parallel num_threads(c->threads) default(none) \
	shared(c, ch, nchunk, nseg, bmax, err, L, seg, hl)
	{
		struct hard_buf hb = {
			.bits = malloc(PI_SEG_WORDS * sizeof(uint64_t)),
			.counters = malloc(((64 * PI_SEG_WORDS >> COUNTER_SHIFT) + 1) *
					   sizeof(uint32_t)),
			.next = malloc((bmax + 1) * sizeof(uint64_t)),
			.widx = malloc(bmax + 1),
			.rot = malloc((CROSS_BY_MASK + (1 << (COUNTER_SHIFT - 6))) *
				      sizeof(uint64_t)),
		};

		if (!hb.bits || !hb.counters || !hb.next || !hb.widx || !hb.rot) {
#pragma omp atomic write
			err = -ENOMEM;
		}
#pragma omp for schedule(dynamic, 1)
		for (uint64_t k = 0; k < nchunk; k++) {
			uint64_t clo = nseg * k / nchunk * seg;
			uint64_t chi = min_u64(nseg * (k + 1) / nchunk * seg, L);

			if (hb.bits && hb.counters && hb.next && hb.widx && hb.rot)
				hard_chunk_run(c, &hb, hl, bmax, clo, chi, &ch[k]);
		}
		free(hb.bits);
		free(hb.counters);
		free(hb.next);
		free(hb.widx);
		free(hb.rot);
	}
	if (err)
		goto out;
	/* Each chunk's leaves, plus -mu(m) times the counts of the chunks before it. */
	for (uint64_t k = 0; k < nchunk; k++) {
		*s2 += ch[k].sum;
		if (k + 1 < nchunk)
			for (uint64_t b = PI_C + 1; b <= bmax; b++)
				ch[k + 1].phi[b] += ch[k].phi[b];
		if (k > 0)
			for (uint64_t b = PI_C + 1; b <= bmax; b++)
				*s2 += (__int128)ch[k].musum[b] * ch[k - 1].phi[b];
	}
	/* P2 = sum over y < q <= sqrt(x) of pi(x/q) - pi(q) + 1; pi(q) - 1 runs over a .. k - 1. */
	const uint64_t kq = pi_lookup(&c->pt, c->sqrtx);

	for (uint64_t k = 0, base = 0; k < nchunk; k++) {
		*p2 += ch[k].p2 + (__int128)ch[k].p2_np * base;
		base += ch[k].primes;
	}
	if (kq > c->a)
		*p2 -= ((__int128)kq * (kq - 1) - (__int128)c->a * (c->a - 1)) / 2;
out:
	free(ch);
	free(arrays);
	free(hl);
	return err;
}
