/*
 * tables.c - the tables of the fast Collatz search (see fast.c): the
 * 16-step jump table, the exact step counts of small values, and the
 * sieve modulo 2^k with its survivor lists. Kept apart from the scan so
 * that each file stays one role: built once per call, read by every thread.
 */
#include "fast_int.h"

#include <errno.h>
#include <stdlib.h>

#include <omp.h>

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
int ompk_collatz_walk(const struct tabs *t, u128 v, uint64_t s, uint64_t lim, uint64_t *out)
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
			e = ompk_collatz_walk(t, n, 0, lim, &s);
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
unsigned ompk_collatz_base_r18(unsigned k, uint64_t a)
{
	return (unsigned)((a % 9) * ((UINT64_C(1) << k) % 18) % 18);
}

/*
 * For each a mod 9 the survivors whose start is in none of the classes
 * SKIP18, so that blocks whose ancestor witnesses are all >= from walk a
 * list with nothing left to test. Each list is ordered by c (by b inside
 * one c), cofs[q][c] marking where c begins, and dmax[c] is the largest d
 * of any survivor with that c: a block then drops whole groups of one c
 * whose values 3^c a + d are all too small to win (do_block() in fast.c).
 */
static int build_classes(struct tabs *t)
{
	for (unsigned c = 0; c <= t->k; c++)
		t->dmax[c] = 0;
	for (size_t i = 0; i < t->nsurv; i++)
		if (t->surv[i].d > t->dmax[t->surv[i].c])
			t->dmax[t->surv[i].c] = t->surv[i].d;
	for (unsigned q = 0; q < 9; q++) {
		unsigned r0 = ompk_collatz_base_r18(t->k, q);
		uint32_t *at = t->cofs[q];
		size_t m = 0;

		t->cls[q] = malloc(t->nsurv * sizeof(*t->cls[q]));
		if (!t->cls[q])
			return -ENOMEM;
		for (unsigned c = 0; c <= t->k + 1; c++)
			at[c] = 0;
		/* counting sort on c, stable: survivors come in increasing b */
		for (size_t i = 0; i < t->nsurv; i++)
			if (!(SKIP18 >> ((r0 + t->surv[i].r18) % 18) & 1))
				at[t->surv[i].c + 1]++;
		for (unsigned c = 1; c <= t->k + 1; c++)
			at[c] += at[c - 1];
		for (size_t i = 0; i < t->nsurv; i++) {
			if (SKIP18 >> ((r0 + t->surv[i].r18) % 18) & 1)
				continue;
			t->cls[q][at[t->surv[i].c]++] = t->surv[i];
			m++;
		}
		/* each at[c] moved to the end of group c: shift back by one */
		for (unsigned c = t->k + 1; c > 0; c--)
			at[c] = at[c - 1];
		at[0] = 0;
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
 * The tables for the sizes t->k and t->l already chosen. Returns 0,
 * -ENOMEM or -EOVERFLOW; whatever was allocated is freed by
 * ompk_collatz_tables_free() in every case.
 */
int ompk_collatz_tables(struct tabs *t, int threads)
{
	int err;

	t->p3[0] = 1;
	for (size_t i = 1; i < sizeof(t->p3) / sizeof(t->p3[0]); i++)
		t->p3[i] = 3 * t->p3[i - 1];
	t->jt = malloc(((size_t)JMASK + 1) * sizeof(*t->jt));
	t->st = malloc(((size_t)1 << t->l) * sizeof(*t->st));
	t->wit = malloc(((size_t)1 << t->k) * sizeof(*t->wit));
	if (!t->jt || !t->st || !t->wit)
		return -ENOMEM;
	build_jt(t);
	err = build_st(t, threads);
	return err ? err : build_sieve(t, threads);
}

void ompk_collatz_tables_free(struct tabs *t)
{
	free(t->jt);
	free(t->st);
	free(t->wit);
	free(t->surv);
	for (unsigned q = 0; q < 9; q++)
		free(t->cls[q]);
}
