/*
 * base.c - the sieving primes of the segmented sieve (fast.c): every prime
 * in [first, lim], lim <= 2^27, in ascending order, before the sieve's
 * threads start, so its time is serial time in every count. At 1e16 these
 * are the 5.8 million primes below 1e8: a byte-per-odd-number sieve whose
 * scan tested each byte took 20 ms, as long as the sieving of a whole
 * 1e9-wide window on one core.
 *
 * So the odd numbers are sieved in L1-sized windows (a single array for
 * lim = 2^27 would spill L2), each window is scanned 8 bytes at a time (the 8
 * bytes of a word folded into 8 bits by one multiplication, then one step
 * per prime found rather than one test per number), and the windows are
 * split between the threads, each writing its own primes, joined in order.
 */
#include "sieve_int.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Odd numbers per window: 32 KiB, so the crossing-off stays in L1. */
#define WINDOW 32768u
/* The largest root prime, sqrt(2^27) < 11586, and the odd primes up to it: 1385. */
#define MAX_ROOT 11586u
#define MAX_ROOT_PRIMES 1386

/* The odd primes up to root (< MAX_ROOT) into sp; returns how many. */
static uint32_t root_primes(uint32_t root, uint32_t *sp)
{
	uint8_t composite[MAX_ROOT] = { 0 };
	uint32_t n = 0;

	for (uint32_t i = 3; i <= root; i += 2) {
		if (composite[i])
			continue;
		sp[n++] = i;
		for (uint32_t j = i * i; j <= root; j += 2 * i)
			composite[j] = 1;
	}
	return n;
}

/*
 * The primes 2j+1 for j in [j0, j1) into out, j0 >= 1, sieved by the odd primes sp
 * up to the square root of 2j1 - 1. Returns how many.
 */
static uint64_t sieve_part(const uint32_t *sp, uint32_t ns, uint32_t j0, uint32_t j1, uint32_t *out)
{
	uint8_t win[WINDOW + 8] __attribute__((aligned(8)));
	uint32_t next[MAX_ROOT_PRIMES];
	uint64_t k = 0;

	/* odd multiples of p are at indices h (mod p), h = (p-1)/2; start at p*p, index p*p/2 */
	for (uint32_t i = 0; i < ns; i++) {
		const uint32_t p = sp[i], h = (p - 1) / 2, sq = p * p / 2;
		const uint32_t m = j0 + (h + p - j0 % p) % p;
		next[i] = m > sq ? m : sq;
	}
	for (uint32_t w0 = j0; w0 < j1; w0 += WINDOW) {
		const uint32_t n = j1 - w0 < WINDOW ? j1 - w0 : WINDOW, w1 = w0 + n;

		memset(win, 1, n);
		memset(win + n, 0, 8);
		for (uint32_t i = 0; i < ns; i++) {
			uint32_t j = next[i];
			for (; j < w1; j += sp[i])
				win[j - w0] = 0;
			next[i] = j;
		}
		for (uint32_t b = 0; b < n; b += 8) {
			uint64_t w, bits;
			memcpy(&w, win + b, 8);
			/* byte i (0 or 1) to bit 56 + i: the partial products never overlap */
			bits = (w * UINT64_C(0x0102040810204080)) >> 56;
			while (bits) {
				out[k++] = 2 * (w0 + b + (uint32_t)__builtin_ctzll(bits)) + 1;
				bits &= bits - 1;
			}
		}
	}
	return k;
}

/* Upper and lower bounds of pi(x) (Rosser and Schoenfeld, 1962): valid for x > 1, x >= 17. */
static uint64_t pi_upper(double x)
{
	return x > 1 ? (uint64_t)(1.25506 * x / log(x)) + 1 : 0;
}

static uint64_t pi_lower(double x)
{
	return x >= 17 ? (uint64_t)(x / log(x)) : 0;
}

int sieve_base_primes(uint32_t first, uint32_t lim, int threads, uint32_t **out, uint64_t *n)
{
	uint32_t sp[MAX_ROOT_PRIMES], ns, j0, j1;
	uint32_t *all, **part;
	uint64_t *cnt, total = 0;
	int nomem = 0, nparts;

	*out = NULL;
	*n = 0;
	if (first < 3 || first % 2 == 0 || lim > SIEVE_BASE_MAX)
		return -EINVAL;
	if (lim < first)
		return 0;
	/* each root prime starts at its square, so one that is also >= first is kept */
	ns = root_primes((uint32_t)sqrt((double)lim), sp);
	j0 = first / 2;
	j1 = (lim - 1) / 2 + 1; /* 2j+1 <= lim */
	/* a part per thread, of whole windows, when there is work for more than one */
	nparts = (int)((j1 - j0) / (4 * WINDOW));
	if (nparts > threads)
		nparts = threads;
	if (nparts < 1)
		nparts = 1;
	all = malloc(pi_upper(lim) * sizeof(*all));
	part = calloc((size_t)nparts, sizeof(*part));
	cnt = calloc((size_t)nparts, sizeof(*cnt));
	if (!all || !part || !cnt) {
		nomem = 1;
		goto out;
	}
#pragma omp parallel for num_threads(nparts) schedule(static, 1) default(none) \
	shared(sp, ns, j0, j1, all, part, cnt, nparts, nomem)
	for (int t = 0; t < nparts; t++) {
		const uint64_t span = ((uint64_t)(j1 - j0) + (uint64_t)nparts - 1) /
				      (uint64_t)nparts;
		const uint32_t a = j0 + (uint32_t)(span * (uint64_t)t);
		const uint32_t b = t == nparts - 1 ? j1 : j0 + (uint32_t)(span * (uint64_t)(t + 1));
		/* part 0 writes in place; the others into their own array, joined below */
		uint32_t *dst = all;

		if (t > 0) {
			dst = malloc((pi_upper(2.0 * b + 1) - pi_lower(2.0 * a + 1) + 8) *
				     sizeof(*dst));
			part[t] = dst;
		}
		if (!dst) {
#pragma omp atomic write
			nomem = 1;
			continue;
		}
		cnt[t] = sieve_part(sp, ns, a, b, dst);
	}
	if (nomem)
		goto out;
	total = cnt[0];
	for (int t = 1; t < nparts; t++) {
		memcpy(all + total, part[t], cnt[t] * sizeof(*all));
		total += cnt[t];
	}
out:
	for (int t = 1; t < nparts && part; t++)
		free(part[t]);
	free(part);
	free(cnt);
	if (nomem) {
		free(all);
		return -ENOMEM;
	}
	*out = all;
	*n = total;
	return 0;
}
