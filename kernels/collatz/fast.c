/*
 * fast.c - the fast exact longest-Collatz-chain search (see
 * ompkit/collatz.h).
 *
 * The answer is the n in [from, to) with the most steps, ties to the
 * smallest n. The search only evaluates candidates that could be that
 * answer and evaluates each of them cheaply:
 *
 *  1. Skipping. A start n may be skipped when a witness m in [from, to)
 *     exists with steps(m) > steps(n), or steps(m) == steps(n) and m < n.
 *     The smallest n with the maximum count has no such witness, so it is
 *     never skipped, and the best of the evaluated starts is the answer.
 *     Every rule below names its witness and checks it is >= from (all
 *     witnesses are < to by construction). Witnesses need not be evaluated
 *     themselves: the argument only needs them to exist.
 *       - the upper half: n <= (to-1)/2 loses to 2n;
 *       - a sieve modulo 2^K: residues whose first K steps merge with
 *         those of a smaller residue of the same block;
 *       - three residue classes modulo 18 that have a smaller ancestor.
 *  2. Evaluating. A start n = 2^K a + b that survives the sieve is moved K
 *     steps at once by the sieve's own table (3^c a + d), then 16 steps at
 *     a time by a table on the low 16 bits, until it drops below 2^L, where
 *     a table of exact step counts ends the walk. Values that do not fit 64
 *     bits continue in 128 bits; past 2^112 single checked steps are used,
 *     and a value that would leave 128 bits is -EOVERFLOW.
 *
 *     The walks of up to 256 candidates advance 8 at a time with masks
 *     instead of branches (whether a walk ends is a coin toss); a finished
 *     lane takes the next candidate.
 *
 * Table sizes follow the range length so that small ranges stay cheap; the
 * step table is built in parallel, one binary octave after the other. The
 * sieve survivors are also kept in 9 lists, one per a mod 9 (which fixes
 * n mod 18), with the mod-18 classes already removed. Blocks of 2^K starts
 * are shared with schedule(dynamic) and the best (steps, n) pair is
 * combined with a user-defined OpenMP reduction.
 */
#include "ompkit/collatz.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include <omp.h>

typedef unsigned __int128 u128;

#define U128_MAX (~(u128)0)

/* Multi-step table: bits eaten per lookup. 2^16 entries of 4 bytes stay in L2. */
#define JBITS 16
#define JMASK ((UINT64_C(1) << JBITS) - 1)
/* A table entry packs d < 3^16 < 2^26 in bits 0..26 and c <= 16 above. */
#define DBITS 27
#define DMASK ((UINT32_C(1) << DBITS) - 1)
/* Largest sieve and step-table sizes (bits); see choose_sizes(). */
#define KMAX 22
#define LMAX 24
/*
 * A 16-step lookup on x < 2^54 gives 3^c (x >> 16) + d <= 3^16 * 2^38 +
 * 3^16 < 2^25.37 * 2^38 + 2^26 < 2^64, so below 2^54 uint64_t is exact.
 */
#define FAST_BITS 54
/*
 * Inside 16 steps from v a value is at most 3 (3/2)^15 (v + 1) + 1 <
 * 2^10.4 (v + 2); from v < 2^112 every value is < 2^123, so the 128-bit
 * lookup needs no per-step overflow check.
 */
#define SLOW_BITS 112

/*
 * Loops of fewer than 2^PAR_BITS iterations run on the calling thread
 * alone (OpenMP if clause): waking a team costs more than they do.
 */
#define PAR_BITS 16

/* Residues mod 18 with a smaller ancestor (rules R1, R2, R3 below). */
#define SKIP18                                                                                  \
	((1u << 2) | (1u << 5) | (1u << 8) | (1u << 11) | (1u << 14) | (1u << 17) | (1u << 4) | \
	 (1u << 10) | (1u << 16) | (1u << 13))

/* A residue b mod 2^K that survives the sieve: n = 2^K a + b -> 3^c a + d. */
struct sieve_ent {
	uint64_t d;
	uint32_t b;
	uint8_t c;
	uint8_t r18; /* b mod 18 */
};

struct tabs {
	unsigned k;	       /* sieve modulus 2^k, k <= KMAX */
	unsigned l;	       /* st covers n < 2^l, JBITS <= l <= LMAX */
	uint64_t from, lo, hi; /* candidates are [lo, hi) */
	uint64_t p3[(KMAX > JBITS ? KMAX : JBITS) + 1];
	uint32_t *jt;  /* 2^JBITS entries: d | c << DBITS */
	uint16_t *st;  /* steps(n) for n < 2^l (st[0] unused); all < 2^16 for l <= 24 */
	uint32_t *wit; /* per residue: 0 for survivors, else b - witness b' */
	/* survivors: all, then for each a mod 9 those the mod-18 rules keep */
	struct sieve_ent *surv, *cls[9];
	size_t nsurv, ncls[9];
};

struct best {
	uint64_t steps;
	uint64_t n;
};

static struct best better(struct best x, struct best y)
{
	if (x.steps != y.steps)
		return x.steps > y.steps ? x : y;
	return x.n <= y.n ? x : y;
}

#pragma omp declare reduction(best                                 \
			      : struct best                        \
			      : omp_out = better(omp_out, omp_in)) \
	initializer(omp_priv = { 0, UINT64_MAX })

static unsigned bitlen(uint64_t x)
{
	return x ? 64 - (unsigned)__builtin_clzll(x) : 0;
}

/*
 * Steps from v to 1 plus s already counted, for any v >= 1 once st holds
 * every n < lim (lim >= 2^JBITS). Returns 0 or -EOVERFLOW.
 *
 * Why a 16-step lookup is exact (Terras): write v = 2^J q + r with J =
 * JBITS. For i < J the i-th value of the "shortcut" map (x/2 for even x,
 * (3x+1)/2 for odd x) is 3^c_i 2^(J-i) q + T^i(r), whose parity is that of
 * T^i(r): the parities, and so c = number of odd steps, depend on r only,
 * and after J shortcut steps the value is 3^c q + T^J(r) = 3^c q + d. An
 * odd shortcut step is two real steps (3x+1, then /2), an even one is one,
 * so J + c real steps were taken. None of them reached 1 early: T(x) >=
 * x/2, so the i-th value (i < J) is >= v/2^i >= 2^(J-i) >= 2 because we
 * only look up v >= lim >= 2^J; 1 may appear only as the last value, where
 * st[1] = 0 counts it right.
 */
static int walk(const struct tabs *t, u128 v, uint64_t s, uint64_t lim, uint64_t *out)
{
	for (;;) {
		if (v < lim) {
			*out = s + t->st[(uint64_t)v];
			return 0;
		}
		if ((v >> FAST_BITS) == 0) {
			uint64_t x = (uint64_t)v;

			while (x >= lim && (x >> FAST_BITS) == 0) {
				uint32_t e = t->jt[x & JMASK];

				x = t->p3[e >> DBITS] * (x >> JBITS) + (e & DMASK);
				s += JBITS + (e >> DBITS);
			}
			v = x;
		} else if ((v >> SLOW_BITS) == 0) {
			uint32_t e = t->jt[(uint64_t)v & JMASK];

			v = (u128)t->p3[e >> DBITS] * (v >> JBITS) + (e & DMASK);
			s += JBITS + (e >> DBITS);
		} else if (v & 1) {
			if (v > (U128_MAX - 1) / 3)
				return -EOVERFLOW;
			v = 3 * v + 1;
			s++;
		} else {
			v >>= 1;
			s++;
		}
	}
}

int ompk_collatz_steps(uint64_t n, uint64_t *steps)
{
	u128 v = n;
	uint64_t s = 0;

	if (n == 0 || !steps)
		return -EINVAL;
	while (v != 1) {
		if (v & 1) {
			if (v > (U128_MAX - 1) / 3)
				return -EOVERFLOW;
			v = 3 * v + 1;
		} else {
			v >>= 1;
		}
		s++;
	}
	*steps = s;
	return 0;
}

/*
 * T^j(b) and its number of odd steps, for the affine form of j steps. With
 * o = b & 1 the step is b/2 + o (b + 1): (3b+1)/2 = b + (b-1)/2 + 1 for odd
 * b, b/2 for even b; no branch on the (unpredictable) parity.
 */
static uint64_t shortcut(uint64_t b, unsigned j, unsigned *c)
{
	unsigned odd = 0;

	for (unsigned i = 0; i < j; i++) {
		uint64_t o = b & 1;

		b = (b >> 1) + ((b + 1) & -o);
		odd += (unsigned)o;
	}
	*c = odd;
	return b;
}

/* shortcut() for j >= JBITS, the first JBITS steps by one lookup (see walk()). */
static uint64_t shortcut_jt(const struct tabs *t, uint64_t b, unsigned j, unsigned *c)
{
	uint32_t e = t->jt[b & JMASK];
	uint64_t x = t->p3[e >> DBITS] * (b >> JBITS) + (e & DMASK);
	unsigned c2;

	x = shortcut(x, j - JBITS, &c2);
	*c = (e >> DBITS) + c2;
	return x;
}

/*
 * jt from a table of 8 steps used twice: T^16 = T^8 o T^8, each T^8 by the
 * affine form of walk() with J = 8 (valid for any argument, as a formal
 * identity). Sixteen single steps per entry would cost ten times more,
 * and small ranges pay for this table on every call.
 */
static void build_jt(struct tabs *t)
{
	uint32_t h[256];

	for (uint64_t b = 0; b < 256; b++) {
		unsigned c;
		uint64_t d = shortcut(b, 8, &c);

		h[b] = (uint32_t)d | (uint32_t)c << DBITS;
	}
	for (uint64_t b = 0; b <= JMASK; b++) {
		uint32_t e1 = h[b & 255];
		uint64_t y = t->p3[e1 >> DBITS] * (b >> 8) + (e1 & DMASK);
		uint32_t e2 = h[y & 255];
		uint64_t z = t->p3[e2 >> DBITS] * (y >> 8) + (e2 & DMASK);

		t->jt[b] = (uint32_t)z | ((e1 >> DBITS) + (e2 >> DBITS)) << DBITS;
	}
}

/*
 * st[n] = steps(n) for n < 2^l. The first 2^JBITS by plain stepping down
 * to a smaller, known value; then each octave [2^i, 2^(i+1)) in parallel,
 * since its walks only read entries below 2^i, finished by the previous
 * octave (the implicit barrier of omp for). Returns 0 or -EOVERFLOW.
 */
static int build_st(struct tabs *t, int threads)
{
	uint16_t *st = t->st;
	unsigned l = t->l;
	int err = 0;

	st[0] = 0;
	st[1] = 0;
	for (uint64_t n = 2; n <= JMASK; n++) {
		uint64_t x = n, s = 0;

		while (x >= n) {
			if (x & 1) {
				x = x + (x >> 1) + 1;
				s += 2;
			} else {
				x >>= 1;
				s++;
			}
		}
		st[n] = (uint16_t)(s + st[x]);
	}
#pragma omp parallel num_threads(threads) if (l > PAR_BITS) default(none) shared(t, st, l) \
	reduction(min                                                                      \
		  : err)
	for (unsigned i = JBITS; i < l; i++) {
		uint64_t lim = UINT64_C(1) << i;

#pragma omp for schedule(static)
		for (uint64_t n = lim; n < 2 * lim; n++) {
			uint64_t s;
			int e;

			if (!(n & 1)) {
				st[n] = (uint16_t)(st[n >> 1] + 1);
				continue;
			}
			e = walk(t, n, 0, lim, &s);
			if (e < err)
				err = e;
			st[n] = (uint16_t)s;
		}
	}
	return err;
}

/*
 * LSD radix sort of the n keys in a, of `bits` bits each, into out (n keys
 * of room); a is scratch afterwards. Returns 0 or -ENOMEM.
 */
static int radix_sort(uint64_t *a, uint64_t *out, size_t n, unsigned bits)
{
	enum { RB = 11, RN = 1 << RB };
	size_t *cnt = malloc(RN * sizeof(*cnt));
	uint64_t *tmp = out;

	if (!cnt)
		return -ENOMEM;
	for (unsigned sh = 0; sh < bits; sh += RB) {
		size_t sum = 0;
		uint64_t *sw;

		for (size_t i = 0; i < RN; i++)
			cnt[i] = 0;
		for (size_t i = 0; i < n; i++)
			cnt[(a[i] >> sh) & (RN - 1)]++;
		for (size_t i = 0; i < RN; i++) {
			size_t c = cnt[i];

			cnt[i] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(a[i] >> sh) & (RN - 1)]++] = a[i];
		sw = a;
		a = tmp;
		tmp = sw;
	}
	/* each pass swaps the roles: the last one may have written to a */
	if (a != out)
		for (size_t i = 0; i < n; i++)
			out[i] = a[i];
	free(cnt);
	return 0;
}

/* (2^k a) mod 18, which depends on a mod 9 only since 2^k is even. */
static unsigned base_r18(unsigned k, uint64_t a)
{
	return (unsigned)((a % 9) * ((UINT64_C(1) << k) % 18) % 18);
}

/*
 * For each a mod 9 the survivors whose start is in none of the classes
 * SKIP18, so that blocks whose ancestor witnesses are all >= from walk a
 * list with nothing left to test.
 */
static int build_classes(struct tabs *t)
{
	for (unsigned q = 0; q < 9; q++) {
		unsigned r0 = base_r18(t->k, q);
		size_t m = 0;

		t->cls[q] = malloc(t->nsurv * sizeof(*t->cls[q]));
		if (!t->cls[q])
			return -ENOMEM;
		for (size_t i = 0; i < t->nsurv; i++)
			if (!(SKIP18 >> ((r0 + t->surv[i].r18) % 18) & 1))
				t->cls[q][m++] = t->surv[i];
		t->ncls[q] = m;
	}
	return 0;
}

/*
 * The sieve modulo 2^k. For a >= 1 the starts n = 2^k a + b and m = 2^k a
 * + b' with b' < b whose residues have the same (c, d) after k shortcut
 * steps both reach 3^c a + d after exactly k + c real steps (see walk():
 * n, m >= 2^k so neither reaches 1 earlier), hence steps(m) == steps(n)
 * with m < n: n may be skipped when m >= from. The witness kept for b is
 * the nearest such b' (the one most likely to be >= from). Sorting keys
 * (d, c, b) brings each class together in increasing b.
 */
static int build_sieve(struct tabs *t, int threads)
{
	unsigned k = t->k;
	size_t nb = (size_t)1 << k;
	uint64_t *key = malloc(nb * sizeof(*key));
	uint64_t *tmp = malloc(nb * sizeof(*tmp));
	int err = -ENOMEM;
	size_t ns = 0;

	if (!key || !tmp)
		goto out;
		/* d < 3^k and c <= k < 2^5: (d, c, b) fits bitlen(3^k) + 5 + k <= 62 bits */
#pragma omp parallel for num_threads(threads) if (k > PAR_BITS) default(none) \
	shared(t, key, nb, k) schedule(static)
	for (size_t b = 0; b < nb; b++) {
		unsigned c;
		uint64_t d = k >= JBITS ? shortcut_jt(t, b, k, &c) : shortcut(b, k, &c);

		key[b] = ((d << 5 | c) << k) | b;
	}
	err = radix_sort(key, tmp, nb, bitlen(t->p3[k]) + 5 + k);
	if (err)
		goto out;
	/* tmp holds the sorted keys; key[b] becomes (d << 5 | c) of residue b */
	for (size_t i = 0; i < nb; i++) {
		uint64_t b = tmp[i] & (nb - 1);

		if (i > 0 && tmp[i] >> k == tmp[i - 1] >> k)
			t->wit[b] = (uint32_t)(b - (tmp[i - 1] & (nb - 1)));
		else
			t->wit[b] = 0;
		key[b] = tmp[i] >> k;
		ns += t->wit[b] == 0;
	}
	err = -ENOMEM;
	t->surv = malloc(ns * sizeof(*t->surv));
	if (!t->surv)
		goto out;
	t->nsurv = ns;
	ns = 0;
	for (size_t b = 0; b < nb; b++) {
		if (t->wit[b])
			continue;
		t->surv[ns].d = key[b] >> 5;
		t->surv[ns].b = (uint32_t)b;
		t->surv[ns].c = (uint8_t)(key[b] & 31);
		t->surv[ns].r18 = (uint8_t)(b % 18);
		ns++;
	}
	err = build_classes(t);
out:
	free(key);
	free(tmp);
	return err;
}

/*
 * The smaller ancestor of n for the residue r = n mod 18, or 0 if none:
 *  R1: n = 2 mod 3, n > 2. m = (2n-1)/3 is an integer (2n = 1 mod 3) and
 *      odd (2n-1 is), so m -> 3m+1 = 2n -> n: steps(m) = steps(n) + 2, and
 *      m >= 3 so the chain does not stop at m. m < n. (2n-1)/3 = n -
 *      (n+1)/3 avoids overflowing 2n.
 *  R2: n = 4 mod 6, n > 4. m = (n-1)/3 is odd (n-1 is) and >= 3, so m ->
 *      3m+1 = n: steps(m) = steps(n) + 1, m < n.
 *  R3: n = 13 mod 18. x = (4n-1)/3 is an integer (n = 1 mod 3), odd, and x
 *      = 2 mod 3 (n = 4 mod 9 gives 4n-1 = 6 mod 9); m = (2x-1)/3 = (8n-5)/9
 *      is odd and m -> 2x -> x -> 4n -> 2n -> n: steps(m) = steps(n) + 5;
 *      m >= 11 and m < n. With n = 18q + 13, m = 16q + 11.
 * Each witness is >= (n-1)/3, so it is >= from whenever n >= 3 from + 1.
 */
static uint64_t ancestor(uint64_t n, unsigned r)
{
	if (r % 3 == 2)
		return n > 2 ? n - (n + 1) / 3 : 0;
	if (r % 6 == 4)
		return n > 4 ? (n - 1) / 3 : 0;
	if (r == 13)
		return n / 18 * 16 + 11;
	return 0;
}

static void consider(struct best *bst, uint64_t n, uint64_t s)
{
	if (s > bst->steps || (s == bst->steps && n < bst->n)) {
		bst->steps = s;
		bst->n = n;
	}
}

/*
 * Every start of [first, last] checked one by one: for the block holding
 * `from` (sieve witnesses may fall below it) and block 0 (n < 2^k, where the
 * sieve's "no 1 before step k" does not hold).
 */
static int block_plain(const struct tabs *t, uint64_t first, uint64_t last, struct best *bst)
{
	uint64_t kmask = (UINT64_C(1) << t->k) - 1;
	uint64_t lim = UINT64_C(1) << t->l;

	for (uint64_t n = first;; n++) {
		unsigned r = (unsigned)(n % 18);
		uint32_t w = t->wit[n & kmask];
		uint64_t s;
		int e;

		if ((n >> t->k) && w && n - w >= t->from)
			goto next;
		if ((SKIP18 >> r & 1) && ancestor(n, r) >= t->from)
			goto next;
		e = walk(t, n, 0, lim, &s);
		if (e)
			return e;
		consider(bst, n, s);
	next:
		if (n == last)
			return 0;
	}
}

/* Candidates gathered from the survivor list before they are walked. */
#define BATCH 256
/* Walks advanced side by side: independent chains hide each other's latency. */
#define LANES 8

struct batch {
	/* candidates: value after the first k steps (< 2^FAST_BITS), steps
	   taken to reach it, start; LANES sentinels may follow len */
	uint64_t x[BATCH + LANES], s[BATCH + LANES], n[BATCH + LANES];
	unsigned len;
	/* finished walks, in any order: value < lim, or >= 2^FAST_BITS */
	uint64_t ox[BATCH + 2 * LANES], os[BATCH + 2 * LANES], on[BATCH + 2 * LANES];
};

/* A lane that holds no candidate: already finished, never considered. */
#define NO_START UINT64_MAX

/*
 * Finishes the walks of a batch. LANES walks advance together, one 16-step
 * lookup per round; a lane whose value is below lim (or at or above
 * 2^FAST_BITS, left to walk()) hands its walk to the output list and takes
 * the next candidate. Selections use masks, not branches: whether a lane
 * finishes is a coin toss the branch predictor would lose. The table
 * lookups that end the walks come last, all independent. Returns 0 or
 * -EOVERFLOW.
 */
static int walk_batch(const struct tabs *t, struct batch *bt, struct best *bst)
{
	uint64_t lim = UINT64_C(1) << t->l;
	uint64_t x[LANES], s[LANES], n[LANES];
	unsigned len = bt->len, p = 0, o = 0;
	uint64_t more;

	for (unsigned i = 0; i < LANES; i++) {
		bt->x[len + i] = 1;
		bt->s[len + i] = 0;
		bt->n[len + i] = NO_START;
		x[i] = 1;
		s[i] = 0;
		n[i] = NO_START;
	}
	/* p < len: at most LANES reads past len, all sentinels */
	while (p < len) {
		for (unsigned i = 0; i < LANES; i++) {
			uint64_t xv = x[i];
			uint32_t e = t->jt[xv & JMASK];
			uint64_t nx = t->p3[e >> DBITS] * (xv >> JBITS) + (e & DMASK);
			uint64_t ns = s[i] + JBITS + (e >> DBITS);
			unsigned fin = (xv < lim) | ((xv >> FAST_BITS) != 0);
			uint64_t m = -(uint64_t)fin;

			bt->ox[o] = xv;
			bt->os[o] = s[i];
			bt->on[o] = n[i];
			o += fin;
			x[i] = (nx & ~m) | (bt->x[p] & m);
			s[i] = (ns & ~m) | (bt->s[p] & m);
			n[i] = (n[i] & ~m) | (bt->n[p] & m);
			p += fin;
		}
	}
	/* drain: the lanes left move in lock step until none moves */
	do {
		more = 0;
		for (unsigned i = 0; i < LANES; i++) {
			uint64_t xv = x[i];
			uint32_t e = t->jt[xv & JMASK];
			uint64_t nx = t->p3[e >> DBITS] * (xv >> JBITS) + (e & DMASK);
			uint64_t go = -(uint64_t)((xv >= lim) & ((xv >> FAST_BITS) == 0));

			x[i] = xv ^ ((nx ^ xv) & go);
			s[i] += (JBITS + (e >> DBITS)) & go;
			more |= go;
		}
	} while (more);
	for (unsigned i = 0; i < LANES; i++) {
		bt->ox[o] = x[i];
		bt->os[o] = s[i];
		bt->on[o] = n[i];
		o++;
	}
	for (unsigned i = 0; i < o; i++) {
		uint64_t steps;

		if (bt->on[i] == NO_START)
			continue;
		if (bt->ox[i] < lim) {
			steps = bt->os[i] + t->st[bt->ox[i]];
		} else {
			int err = walk(t, bt->ox[i], bt->os[i], lim, &steps);

			if (err)
				return err;
		}
		consider(bst, bt->on[i], steps);
	}
	bt->len = 0;
	return 0;
}

/* The block of starts a * 2^k + [0, 2^k), clipped to [lo, hi). */
static int do_block(const struct tabs *t, uint64_t a, struct best *bst)
{
	unsigned k = t->k;
	uint64_t base = a << k;
	uint64_t first = base > t->lo ? base : t->lo;
	uint64_t last = base | ((UINT64_C(1) << k) - 1);
	const struct sieve_ent *sv;
	size_t i = 0, j, nsv;
	struct batch bt;
	unsigned r0;
	bool all;
	int err;

	if (last > t->hi - 1)
		last = t->hi - 1;
	if (a == 0 || base < t->from)
		return block_plain(t, first, last, bst);

	r0 = base_r18(k, a);
	/* the ancestor rules' witnesses are all >= from (see ancestor()) */
	all = base >= 13 && (base - 1) / 3 >= t->from;
	sv = all ? t->cls[a % 9] : t->surv;
	nsv = all ? t->ncls[a % 9] : t->nsurv;
	/* binary search for the first survivor with b >= first - base */
	j = nsv;
	while (i < j) {
		size_t mid = i + (j - i) / 2;

		if (sv[mid].b < first - base)
			i = mid + 1;
		else
			j = mid;
	}
	bt.len = 0;
	for (; i < nsv && sv[i].b <= last - base; i++) {
		const struct sieve_ent *e = &sv[i];
		u128 v = (u128)t->p3[e->c] * a + e->d;
		uint64_t n = base | e->b;

		if (!all) {
			unsigned r = (r0 + e->r18) % 18;

			if ((SKIP18 >> r & 1) && ancestor(n, r) >= t->from)
				continue;
		}
		if (v >> FAST_BITS) {
			uint64_t s;

			err = walk(t, v, k + e->c, UINT64_C(1) << t->l, &s);
			if (err)
				return err;
			consider(bst, n, s);
			continue;
		}
		bt.x[bt.len] = (uint64_t)v;
		bt.s[bt.len] = k + e->c;
		bt.n[bt.len] = n;
		if (++bt.len == BATCH) {
			err = walk_batch(t, &bt, bst);
			if (err)
				return err;
		}
	}
	return walk_batch(t, &bt, bst);
}

/*
 * Table sizes from the number of candidates: small ranges get small tables
 * (building them dominates otherwise), big ones the largest that pay off.
 */
static void choose_sizes(struct tabs *t)
{
	unsigned bl = bitlen(t->hi - t->lo);

	t->k = bl > 12 ? bl - 9 : 3;
	if (t->k > KMAX)
		t->k = KMAX;
	t->l = bl > JBITS + 7 ? bl - 7 : JBITS;
	if (t->l > LMAX)
		t->l = LMAX;
}

static void release(struct tabs *t)
{
	free(t->jt);
	free(t->st);
	free(t->wit);
	free(t->surv);
	for (unsigned q = 0; q < 9; q++)
		free(t->cls[q]);
}

int ompk_collatz_fast(uint64_t from, uint64_t to, int threads, const struct ompk_progress *prog,
		      uint64_t *best_n, uint64_t *best_steps)
{
	struct tabs t = { 0 };
	struct tabs *tp = &t;
	struct best bst = { 0, UINT64_MAX };
	uint64_t a0, nblocks, chunk, done = 0, total;
	int err;

	if (from == 0 || from >= to || threads < 1 || !best_n || !best_steps)
		return -EINVAL;
	t.from = from;
	/* n <= (to-1)/2 loses to 2n: 2n is in [from, to) with one more step */
	t.lo = (to - 1) / 2 + 1 > from ? (to - 1) / 2 + 1 : from;
	t.hi = to;
	choose_sizes(&t);
	t.p3[0] = 1;
	for (size_t i = 1; i < sizeof(t.p3) / sizeof(t.p3[0]); i++)
		t.p3[i] = 3 * t.p3[i - 1];

	err = -ENOMEM;
	t.jt = malloc(((size_t)JMASK + 1) * sizeof(*t.jt));
	t.st = malloc(((size_t)1 << t.l) * sizeof(*t.st));
	t.wit = malloc(((size_t)1 << t.k) * sizeof(*t.wit));
	if (!t.jt || !t.st || !t.wit)
		goto out;
	build_jt(&t);
	err = build_st(&t, threads);
	if (err)
		goto out;
	err = build_sieve(&t, threads);
	if (err)
		goto out;

	a0 = t.lo >> t.k;
	nblocks = ((t.hi - 1) >> t.k) - a0 + 1;
	total = t.hi - t.lo;
	/* about 2^20 starts per scheduling unit: cheap to hand out, fine to balance */
	chunk = t.k >= 20 ? 1 : UINT64_C(1) << (20 - t.k);
	err = 0;
#pragma omp parallel num_threads(threads) if (total >> PAR_BITS) default(none)           \
	shared(tp, prog, a0, nblocks, chunk, done, total) reduction(best                 \
								    : bst) reduction(min \
										     : err)
	{
		bool rep = prog && omp_get_thread_num() == 0;
		double last = rep ? omp_get_wtime() : 0;

#pragma omp for schedule(dynamic, chunk)
		for (uint64_t i = 0; i < nblocks; i++) {
			uint64_t base = (a0 + i) << tp->k;
			uint64_t first = base > tp->lo ? base : tp->lo;
			uint64_t end = base | ((UINT64_C(1) << tp->k) - 1);
			int e = do_block(tp, a0 + i, &bst);

			if (e < err)
				err = e;
			if (end > tp->hi - 1)
				end = tp->hi - 1;
				/* progress only: one update per block, not a result */
#pragma omp atomic
			done += end - first + 1;
			if (rep && omp_get_wtime() - last >= 0.005) {
				uint64_t d;

#pragma omp atomic read
				d = done;
				ompk_progress_report(prog, d, total);
				last = omp_get_wtime();
			}
		}
	}
	if (err)
		goto out;
	ompk_progress_report(prog, total, total);
	*best_n = bst.n;
	*best_steps = bst.steps;
out:
	release(&t);
	return err;
}
