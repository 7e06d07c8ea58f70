/*
 * pi_int.h - private to kernels/primes: the tables and phases shared by the
 * combinatorial prime count (pi.c: parameters, S1, the sum; pi_leaves.c:
 * the special leaves S2 and P2 from their sieve; pi_tables.c: the tables
 * both read).
 *
 * Numbers are odd-only bitmaps throughout: bit i of word w stands for the
 * number low + 128w + 2i + 1, where low (a segment's start) is a multiple of
 * 128, so a word's position never depends on low and the pre-sieve pattern
 * is copied word by word.
 */
#ifndef OMPKIT_PI_INT_H
#define OMPKIT_PI_INT_H

#include <stdint.h>

/* The ordinary leaves are phi(n, C) by the wheel of the first C primes. */
#define PI_C 6
#define PI_PRIMORIAL 30030u /* 2*3*5*7*11*13 */
#define PI_TOTIENT 5760u    /* numbers below 30030 coprime to it */
/* The pre-sieve pattern: odd multiples of 3, 5, 7, 11, 13 cleared; period 15015 words. */
#define PI_PATTERN_WORDS 15015u
/* Segment length in words (2^18 bits, 2^19 numbers). */
#define PI_SEG_WORDS 4096u

/*
 * The hot loops count bits; x86-64's baseline has no popcnt instruction, so
 * they are compiled twice and the loader picks the popcnt clone where the
 * CPU has it (as fast.c checks __builtin_cpu_supports).
 */
#if defined(__x86_64__) && (defined(__clang__) ? __clang_major__ >= 14 : defined(__GNUC__))
#define PI_HOT __attribute__((target_clones("popcnt", "default")))
#else
#define PI_HOT
#endif

/*
 * pi(n) for n <= limit in O(1): per 128 numbers an odd-only bitmap word and
 * the count before it, side by side so that a lookup (the easy leaves make
 * hundreds of millions, at random) touches one cache line, not two.
 */
struct pi_entry {
	uint64_t bits;	/* bit 0 of entry 0 (the number 1) stands for the prime 2 */
	uint64_t count; /* primes below 128w (2 included for w >= 1) */
};

struct pi_table {
	uint64_t limit;
	struct pi_entry *e;
};

struct pi_ctx {
	uint64_t x;
	uint64_t y;	    /* leaves split point, cbrt(x) < y <= sqrt(x) */
	uint64_t sqrtx;	    /* floor(sqrt(x)) */
	uint64_t zmax;	    /* x / y: every special leaf's x/n is at most this */
	uint64_t a;	    /* pi(y) */
	uint32_t *primes;   /* primes[1..a] = 2, 3, 5, ...; primes[0] = 0 */
	uint64_t *inv;	    /* inv[i] = floor((2^64 - 1) / primes[i]), for pi_div */
	int32_t *mu_lpf;    /* n <= y: 0 if mu(n) = 0, else mu(n) * lpf(n) (lpf(1) = INT32_MAX) */
	uint16_t *phi_c;    /* phi_c[r] = #{1 <= k <= r : gcd(k, 30030) = 1} */
	uint64_t *pattern;  /* PI_PATTERN_WORDS words, pattern[w] for the numbers 128w + 1.. */
	struct pi_table pt; /* up to max(sqrtx, y) */
	int threads;
};

/*
 * pi(n) = pi(m) for m the greatest odd number <= n, m = (n - 1) | 1: the
 * count before m's entry plus the bits up to m's, shifted to the top of
 * the word (no mask to build, no shift by 64). Bit 0 of entry 0 stands
 * for 2, so n < 2 is answered apart.
 */
static inline uint64_t pi_lookup(const struct pi_table *t, uint64_t n)
{
	uint64_t m;

	if (n < 2)
		return 0;
	m = (n - 1) | 1;
	return t->e[m >> 7].count +
	       (uint64_t)__builtin_popcountll(t->e[m >> 7].bits << (~(m >> 1) & 63));
}

/*
 * n / primes[i] by a multiplication: q = floor(n * inv / 2^64) is below
 * n / p and above n / p - n (p + 1) / (p 2^64), which for the dividends
 * here (n = x / p' with p' >= 17, so n < 2^60) is more than n / p - 1:
 * one correction makes it exact. A division waits 10-20 cycles on the
 * chains of easy leaves; this waits about half that.
 */
static inline uint64_t pi_div(const struct pi_ctx *c, uint64_t n, uint64_t i)
{
	const uint64_t p = c->primes[i];
	uint64_t q = (uint64_t)(((unsigned __int128)n * c->inv[i]) >> 64);

	q += n - q * p >= p;
	return q;
}

/* phi(n, 6): the numbers in [1, n] with no prime factor up to 13. */
static inline uint64_t pi_phi_c(const struct pi_ctx *c, uint64_t n)
{
	return n / PI_PRIMORIAL * PI_TOTIENT + c->phi_c[n % PI_PRIMORIAL];
}

/* pi_tables.c. Each returns 0 or -ENOMEM. */
int pi_tables_init(struct pi_ctx *c);
void pi_tables_free(struct pi_ctx *c);
/* Largest prime <= n in the table, for 17 <= n <= t->limit. */
uint64_t pi_prev_prime(const struct pi_table *t, uint64_t n);

/* pi_leaves.c: the special leaves' sum S2 (easy; hard, with P2 from the same sieve), 0 or -ENOMEM. */
int pi_s2_easy(const struct pi_ctx *c, __int128 *s2);
int pi_s2_hard(const struct pi_ctx *c, __int128 *s2, __int128 *p2);

#endif
