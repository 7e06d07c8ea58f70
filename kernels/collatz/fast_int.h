/*
 * fast_int.h - what the two halves of the fast Collatz search share: the
 * tables (tables.c builds them, fast.c scans with them). Private to
 * kernels/collatz/; the design is explained at the top of fast.c.
 */
#ifndef OMPK_COLLATZ_FAST_INT_H
#define OMPK_COLLATZ_FAST_INT_H

#include <stddef.h>
#include <stdint.h>

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

/* Residues mod 18 with a smaller ancestor (rules R1, R2, R3 in fast.c). */
#define SKIP18                                                                                  \
	((1u << 2) | (1u << 5) | (1u << 8) | (1u << 11) | (1u << 14) | (1u << 17) | (1u << 4) | \
	 (1u << 10) | (1u << 16) | (1u << 13))

/* The bound table splits each octave into BSUB = 2^BSHIFT buckets. */
#define BSHIFT 5
#define BSUB (1u << BSHIFT)

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
	/* cls[q] is ordered by c: group c is [cofs[q][c], cofs[q][c + 1]) */
	uint32_t cofs[9][KMAX + 2];
	uint64_t dmax[KMAX + 1]; /* the largest d of a survivor with c odd steps */
	/*
	 * bound[BSUB bl + q]: at least steps(v) for every v of bit length bl
	 * whose BSHIFT+1 leading bits are BSUB + q; NO_BOUND where not known
	 * (bounds.c).
	 */
	uint16_t bound[65 * BSUB];
};

#define NO_BOUND UINT16_MAX

static inline unsigned bitlen(uint64_t x)
{
	return x ? 64 - (unsigned)__builtin_clzll(x) : 0;
}

int ompk_collatz_walk(const struct tabs *t, u128 v, uint64_t s, uint64_t lim, uint64_t *out);
unsigned ompk_collatz_base_r18(unsigned k, uint64_t a);
int ompk_collatz_tables(struct tabs *t, int threads);
void ompk_collatz_tables_free(struct tabs *t);
int ompk_collatz_bounds(struct tabs *t);
/* The delay records behind bound[] and the value up to which they are all listed. */
const uint64_t *ompk_collatz_records(size_t *count, uint64_t *upto);

#endif
