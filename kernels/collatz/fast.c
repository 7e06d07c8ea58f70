/*
 * fast.c - the fast exact longest-Collatz-chain search (see
 * ompkit/collatz.h): the scan; tables.c builds the tables it reads.
 *
 * The answer is the n in [from, to) with the most steps, ties to the
 * smallest n. The search only evaluates candidates that could be that
 * answer, evaluates each of them cheaply, and abandons most of them early:
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
 *  3. Abandoning. Before and after each lookup a walk at value v with s
 *     steps taken is dropped when s plus a bound on steps(v) cannot reach
 *     the best found so far (Roosendaal's delay-record cut-off; the proof
 *     is above cut_level()). The bounds are the counts of the published
 *     delay records (bounds.c), one per 1/32 of each octave. Records grow
 *     about 36 steps per bit while a walk loses about 3 bits per lookup,
 *     so most walks end after a lookup or two, and whole groups of
 *     survivors whose values after the sieve's k steps are already too
 *     small are dropped per block without being read.
 *
 * Table sizes follow the range length so that small ranges stay cheap; the
 * step table is built in parallel, one binary octave after the other. The
 * sieve survivors are also kept in 9 lists, one per a mod 9 (which fixes
 * n mod 18), with the mod-18 classes already removed. Blocks of 2^K starts
 * are handed out in increasing order (an atomic counter) and each thread
 * keeps its own best (steps, n) pair; the pairs are combined at the end,
 * and the best count so far is shared (glob) for the cut-off.
 */
#include "ompkit/collatz.h"

#include "fast_int.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include <omp.h>

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

/* One thread's part of a scan. */
struct scan {
	const struct tabs *t;
	/* the best start this thread evaluated so far */
	struct best bst;
	/* the most steps any thread has evaluated in the range */
	uint64_t *glob;
	/* (a) of cut_level(), fixed at the start of each block (do_block()) */
	uint64_t lvl;
};

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

static void consider(struct scan *sc, uint64_t n, uint64_t s)
{
	if (s > sc->bst.steps || (s == sc->bst.steps && n < sc->bst.n)) {
		sc->bst.steps = s;
		sc->bst.n = n;
		if (sc->glob) {
			uint64_t g = __atomic_load_n(sc->glob, __ATOMIC_RELAXED);

			while (s > g &&
			       !__atomic_compare_exchange_n(sc->glob, &g, s, true, __ATOMIC_RELAXED,
							    __ATOMIC_RELAXED))
				;
		}
	}
}

/*
 * The cut-off. A walk of the start n that has taken s steps and reached v
 * is dropped when s + B(v) < L, L = cut_level() and B(v) = bound_of(v).
 *
 * B(v) >= steps(v). B(v) is the count of the largest delay record below
 * the end E > v of v's bucket (bounds.c), or NO_BOUND where the list does
 * not cover every value below E. A record r has steps(r) > steps(m) for
 * all m < r, so the largest count over 1 <= m < E belongs to the largest
 * record below E, and steps(v) is one of those counts. NO_BOUND never cuts
 * (s + 65535 exceeds every level). B grows with v (a later bucket ends
 * later), which do_block() uses to drop whole groups of survivors at once.
 *
 * No winner is dropped. steps(n) = s + steps(v) <= s + B(v) < L, where L
 * is the larger of
 *  (a) steps(m) + 1, m the thread's best start when the block of n began:
 *      m is in [from, to), was evaluated (steps(m) is its true count), and
 *      m < n, because a thread takes blocks in increasing order (one
 *      counter hands them out) and m comes from an earlier block. Then
 *      steps(n) <= steps(m) with m < n: n is not the smallest start with
 *      the most steps;
 *  (b) glob, the most steps of any start any thread has evaluated: then
 *      steps(n) < steps(m) for some m in [from, to), and n loses to m.
 * So the winner n* (the smallest start with the most steps) is evaluated,
 * and the best evaluated start is n*: the result, ties to the smallest n
 * included, is exact. The order inside a block does not matter, since (a)
 * is fixed when the block begins; a stale glob is only a smaller level.
 */
static uint64_t cut_level(const struct scan *sc)
{
	uint64_t r = sc->lvl;

	if (sc->glob) {
		uint64_t g = __atomic_load_n(sc->glob, __ATOMIC_RELAXED);

		if (g > r)
			r = g;
	}
	return r;
}

/*
 * B(x) of cut_level(): bound[] of x's bucket, for x >= 64; a smaller x
 * reads the bucket of x | 64, which ends later, so its bound is no smaller.
 */
static inline uint64_t bound_of(const struct tabs *t, uint64_t x)
{
	unsigned bl = bitlen(x | 64);

	return t->bound[BSUB * bl + ((x >> (bl - BSHIFT - 1)) & (BSUB - 1))];
}

/*
 * Every start of [first, last] checked one by one: for the block holding
 * `from` (sieve witnesses may fall below it) and block 0 (n < 2^k, where the
 * sieve's "no 1 before step k" does not hold).
 */
static int block_plain(struct scan *sc, uint64_t first, uint64_t last)
{
	const struct tabs *t = sc->t;
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
		e = ompk_collatz_walk(t, n, 0, lim, &s);
		if (e)
			return e;
		consider(sc, n, s);
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
 * 2^FAST_BITS, left to the 128-bit walk), or whose walk the cut-off drops,
 * hands it to the output list (a dropped one as NO_START) and takes the
 * next candidate. Selections use masks, not branches: whether a lane
 * finishes is a coin toss the branch predictor would lose. The table
 * lookups that end the walks come last, all independent. The level is read
 * once per batch. Returns 0 or -EOVERFLOW.
 */
static int walk_batch(struct scan *sc, struct batch *bt)
{
	const struct tabs *t = sc->t;
	const uint64_t lim = UINT64_C(1) << t->l, level = cut_level(sc);
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
			uint64_t cut = -(uint64_t)(s[i] + bound_of(t, xv) < level);
			uint64_t m = -(uint64_t)((xv < lim) | ((xv >> FAST_BITS) != 0)) | cut;

			bt->ox[o] = xv;
			bt->os[o] = s[i];
			bt->on[o] = n[i] | cut;
			o += (unsigned)(m & 1);
			x[i] = (nx & ~m) | (bt->x[p] & m);
			s[i] = (ns & ~m) | (bt->s[p] & m);
			n[i] = (n[i] & ~m) | (bt->n[p] & m);
			p += (unsigned)(m & 1);
		}
	}
	/* drain: the lanes left move in lock step until none moves */
	do {
		more = 0;
		for (unsigned i = 0; i < LANES; i++) {
			uint64_t xv = x[i];
			uint32_t e = t->jt[xv & JMASK];
			uint64_t nx = t->p3[e >> DBITS] * (xv >> JBITS) + (e & DMASK);
			uint64_t cut = -(uint64_t)(s[i] + bound_of(t, xv) < level);
			uint64_t go = -(uint64_t)((xv >= lim) & ((xv >> FAST_BITS) == 0)) & ~cut;

			n[i] |= cut;
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
			int err = ompk_collatz_walk(t, bt->ox[i], bt->os[i], lim, &steps);

			if (err)
				return err;
		}
		consider(sc, bt->on[i], steps);
	}
	bt->len = 0;
	return 0;
}

/*
 * Queues the start n = base | e->b at 3^c a + d after k + c steps (a
 * 128-bit value walks alone).
 */
static int push(struct scan *sc, struct batch *bt, uint64_t a, uint64_t n,
		const struct sieve_ent *e)
{
	const struct tabs *t = sc->t;
	u128 v = (u128)t->p3[e->c] * a + e->d;
	uint64_t s;
	int err;

	if (v >> FAST_BITS) {
		err = ompk_collatz_walk(t, v, t->k + e->c, UINT64_C(1) << t->l, &s);
		if (!err)
			consider(sc, n, s);
		return err;
	}
	bt->x[bt->len] = (uint64_t)v;
	bt->s[bt->len] = t->k + e->c;
	bt->n[bt->len] = n;
	return ++bt->len == BATCH ? walk_batch(sc, bt) : 0;
}

/*
 * The block of starts a * 2^k + [0, 2^k), clipped to [lo, hi). The level
 * of the cut-off is taken once, at the start of the block (sc->lvl): the
 * thread's best is then below every start of the block, which may so be
 * walked in any order. Where all ancestor witnesses are >= from, the
 * survivors come grouped by c, and a group whose largest value 3^c a +
 * dmax[c] after its k + c steps is already cut (bound_of() grows with its
 * argument; see cut_level()) is dropped without touching its entries.
 */
static int do_block(struct scan *sc, struct batch *bt, uint64_t a)
{
	const struct tabs *t = sc->t;
	unsigned k = t->k;
	uint64_t base = a << k;
	uint64_t first = base > t->lo ? base : t->lo;
	uint64_t last = base | ((UINT64_C(1) << k) - 1);
	const struct sieve_ent *sv;
	size_t i = 0, j, nsv;
	unsigned r0;
	int err = 0;

	if (last > t->hi - 1)
		last = t->hi - 1;
	if (a == 0 || base < t->from)
		return block_plain(sc, first, last);
	sc->lvl = sc->bst.n != UINT64_MAX ? sc->bst.steps + 1 : 0;
	bt->len = 0;
	/* the ancestor rules' witnesses are all >= from (see ancestor()) */
	if (base >= 13 && (base - 1) / 3 >= t->from) {
		const uint32_t *at = t->cofs[a % 9];
		uint64_t level = cut_level(sc);

		sv = t->cls[a % 9];
		for (unsigned c = 0; c <= k && !err; c++) {
			u128 top = (u128)t->p3[c] * a + t->dmax[c];

			if (!(top >> 64) && k + c + bound_of(t, (uint64_t)top) < level)
				continue;
			for (i = at[c]; i < at[c + 1] && !err; i++)
				if (sv[i].b >= first - base && sv[i].b <= last - base)
					err = push(sc, bt, a, base | sv[i].b, &sv[i]);
		}
		return err ? err : walk_batch(sc, bt);
	}
	r0 = ompk_collatz_base_r18(k, a);
	sv = t->surv;
	nsv = t->nsurv;
	/* binary search for the first survivor with b >= first - base */
	j = nsv;
	while (i < j) {
		size_t mid = i + (j - i) / 2;

		if (sv[mid].b < first - base)
			i = mid + 1;
		else
			j = mid;
	}
	for (; i < nsv && sv[i].b <= last - base && !err; i++) {
		uint64_t n = base | sv[i].b;
		unsigned r = (r0 + sv[i].r18) % 18;

		if (!((SKIP18 >> r & 1) && ancestor(n, r) >= t->from))
			err = push(sc, bt, a, n, &sv[i]);
	}
	return err ? err : walk_batch(sc, bt);
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

/* Shared by the threads of a scan. */
struct scan_job {
	struct tabs *t;
	uint64_t *glob;
	const struct ompk_progress *prog;
	uint64_t done, total;
};

/*
 * Scans [t->lo, t->hi) with the rules of t->from; the best start goes to
 * *out. Blocks of 2^k starts are claimed in increasing order from one
 * counter (cut_level() needs each thread's blocks increasing). Returns 0,
 * -EOVERFLOW or -ENOMEM.
 */
static int scan_range(struct scan_job *sj, int threads, struct best *out)
{
	const struct tabs *t = sj->t;
	uint64_t a0 = t->lo >> t->k, nblocks = ((t->hi - 1) >> t->k) - a0 + 1, next = 0;
	/* about 2^20 starts per claim: cheap to hand out, fine to balance */
	uint64_t chunk = t->k >= 20 ? 1 : UINT64_C(1) << (20 - t->k);
	struct best bst = { 0, UINT64_MAX };
	int err = 0;

#pragma omp parallel num_threads(threads) if ((t->hi - t->lo) >> PAR_BITS) default(none) \
	shared(sj, t, a0, nblocks, next, chunk, bst, err)
	{
		struct scan sc = { .t = t, .bst = { 0, UINT64_MAX }, .glob = sj->glob };
		bool rep = sj->prog && omp_get_thread_num() == 0;
		double last = rep ? omp_get_wtime() : 0;
		struct batch *bt = malloc(sizeof(*bt));
		int e = bt ? 0 : -ENOMEM;

		while (!e) {
			uint64_t i;

#pragma omp atomic capture
			{
				i = next;
				next += chunk;
			}
			if (i >= nblocks)
				break;
			for (uint64_t b = i; b < i + chunk && b < nblocks && !e; b++) {
				uint64_t base = (a0 + b) << t->k;
				uint64_t first = base > t->lo ? base : t->lo;
				uint64_t end = base | ((UINT64_C(1) << t->k) - 1);

				e = do_block(&sc, bt, a0 + b);
				if (end > t->hi - 1)
					end = t->hi - 1;
					/* progress only: one update per block, not a result */
#pragma omp atomic
				sj->done += end - first + 1;
			}
			if (rep && omp_get_wtime() - last >= 0.005) {
				uint64_t d;

#pragma omp atomic read
				d = sj->done;
				ompk_progress_report(sj->prog, d, sj->total);
				last = omp_get_wtime();
			}
		}
		free(bt);
#pragma omp critical(ompk_collatz_scan)
		{
			bst = better(bst, sc.bst);
			if (e < err)
				err = e;
		}
	}
	*out = bst;
	return err;
}

int ompk_collatz_fast(uint64_t from, uint64_t to, int threads, const struct ompk_progress *prog,
		      uint64_t *best_n, uint64_t *best_steps)
{
	struct tabs t = { 0 };
	uint64_t glob = 0;
	struct scan_job sj = { .t = &t, .prog = prog, .glob = &glob };
	struct best bst;
	int err;

	if (from == 0 || from >= to || threads < 1 || !best_n || !best_steps)
		return -EINVAL;
	t.from = from;
	/* n <= (to-1)/2 loses to 2n: 2n is in [from, to) with one more step */
	t.lo = (to - 1) / 2 + 1 > from ? (to - 1) / 2 + 1 : from;
	t.hi = to;
	sj.total = t.hi - t.lo;
	choose_sizes(&t);
	err = ompk_collatz_tables(&t, threads);
	if (!err)
		err = ompk_collatz_bounds(&t);
	if (!err)
		err = scan_range(&sj, threads, &bst);
	if (err)
		goto out;
	ompk_progress_report(prog, sj.total, sj.total);
	*best_n = bst.n;
	*best_steps = bst.steps;
out:
	ompk_collatz_tables_free(&t);
	return err;
}
