/*
 * medium.c - the medium sieving primes of the segmented sieve: those that
 * hit a segment from a few to a few hundred times (from about an eighth of
 * the L1 block to the segment length). Each is visited once per segment.
 *
 * A visit enters the prime's unrolled wheel at its current step, and ends
 * when the next multiple leaves the segment. Entered through a jump on the
 * step, the visit mispredicted about once per prime and segment, and
 * unrolling whole turns of 8 multiples added a second unpredictable exit:
 * with 2.5 million visits to a 1e9-wide window at 1e14, that was a fifth
 * of the medium primes' time. So the primes are kept sorted by their step
 * index ri*8 + wi (the prime's residue and the cofactor's wheel index):
 * one list per index, walked list by list, so the entry jump is the same
 * for a whole list, and each multiple is tested against the segment's end
 * (a branch taken once per visit). A visit ends by filing the prime in the
 * list of the step it stopped at, for the next segment. (primesieve's
 * EratMedium orders its medium primes the same way.)
 *
 * Lists are chains of blocks of MB_ENTRIES (q, offset) pairs; there are
 * two sets, the one walked and the one filled, swapped per segment.
 */
#include "sieve_int.h"

#include <errno.h>
#include <stdlib.h>

/* Entries per block: a block of 4 KiB (a power of two: pool.c aligns blocks to their size). */
#define MB_ENTRIES 510u
/* Blocks allocated at once. */
#define MB_SLAB 32u

struct sieve_medium_entry {
	uint32_t q;
	uint32_t off; /* of the next multiple, from the start of the segment */
};

struct sieve_medium_block {
	struct sieve_medium_block *next;
	uint32_t n;
	struct sieve_medium_entry e[MB_ENTRIES];
};

_Static_assert(sizeof(struct sieve_medium_block) == 4096, "a block is 4 KiB");

void sieve_medium_init(struct sieve_medium *m)
{
	for (int i = 0; i < 64; i++)
		m->list[0][i] = m->list[1][i] = NULL;
	m->walk = 0;
	sieve_pool_init(&m->pool, sizeof(struct sieve_medium_block),
			MB_SLAB * sizeof(struct sieve_medium_block), 0);
}

static void release_chain(struct sieve_medium *m, struct sieve_medium_block *k)
{
	while (k) {
		struct sieve_medium_block *next = k->next;
		sieve_pool_put(&m->pool, k);
		k = next;
	}
}

void sieve_medium_begin(struct sieve_medium *m)
{
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < 64; i++) {
			release_chain(m, m->list[s][i]);
			m->list[s][i] = NULL;
		}
	m->walk = 0;
}

/* Files (q, off) in list idx of set `set`. Returns 0 or -ENOMEM. */
static inline int file(struct sieve_medium *m, int set, unsigned idx, uint32_t q, uint32_t off)
{
	struct sieve_medium_block *k = m->list[set][idx];

	if (!k || k->n == MB_ENTRIES) {
		struct sieve_medium_block *f = sieve_pool_get(&m->pool);
		if (!f)
			return -ENOMEM;
		f->next = k;
		f->n = 0;
		m->list[set][idx] = f;
		k = f;
	}
	k->e[k->n].q = q;
	k->e[k->n].off = off;
	k->n++;
	return 0;
}

int sieve_medium_add(struct sieve_medium *m, uint32_t q, unsigned ri, uint32_t off, unsigned wi)
{
	return file(m, m->walk, ri * 8 + wi, q, off);
}

/* Step I of the wheel of p = 30q + R: leave when past the end, else cross and move on. */
#define MSTEP(R, RI, I, W, WN, D)                                                          \
	case I:                                                                            \
		if (off >= len) {                                                          \
			if (file(m, fill, RI * 8 + I, (uint32_t)q, (uint32_t)(off - len))) \
				return -ENOMEM;                                            \
			goto next;                                                         \
		}                                                                          \
		buf[off] &= MK(R, W);                                                      \
		off += q * D + DC(R, W, WN);
#define FALL __attribute__((fallthrough));

/*
 * Walks one block of the list of step RI*8 + wi (p = 30q + R, R = wheel[RI]): every
 * entry enters the wheel at the same step, so the jump predicts.
 */
/* clang-format off */
#define WALK(R, RI)                                                                        \
	static int walk_##RI(struct sieve_medium *m, int fill, uint8_t *buf, uint64_t len, \
			     const struct sieve_medium_block *k, unsigned wi)              \
	{                                                                                  \
		for (uint32_t i = 0; i < k->n; i++) {                                      \
			const uint64_t q = k->e[i].q;                                      \
			uint64_t off = k->e[i].off;                                        \
			switch (wi) {                                                      \
			default:                                                           \
				for (;;) {                                                 \
					MSTEP(R, RI, 0, 1, 7, 6) FALL                      \
					MSTEP(R, RI, 1, 7, 11, 4) FALL                     \
					MSTEP(R, RI, 2, 11, 13, 2) FALL                    \
					MSTEP(R, RI, 3, 13, 17, 4) FALL                    \
					MSTEP(R, RI, 4, 17, 19, 2) FALL                    \
					MSTEP(R, RI, 5, 19, 23, 4) FALL                    \
					MSTEP(R, RI, 6, 23, 29, 6) FALL                    \
					MSTEP(R, RI, 7, 29, 31, 2)                         \
				}                                                          \
			}                                                                  \
		next:;                                                                     \
		}                                                                          \
		return 0;                                                                  \
	}
/* clang-format on */

WALK(1, 0)
WALK(7, 1)
WALK(11, 2)
WALK(13, 3)
WALK(17, 4)
WALK(19, 5)
WALK(23, 6)
WALK(29, 7)

int sieve_medium_cross(struct sieve_medium *m, uint8_t *buf, uint64_t len)
{
	static int (*const walk[8])(
		struct sieve_medium *, int, uint8_t *, uint64_t, const struct sieve_medium_block *,
		unsigned) = { walk_0, walk_1, walk_2, walk_3, walk_4, walk_5, walk_6, walk_7 };
	const int w = m->walk, fill = !w;

	for (unsigned idx = 0; idx < 64; idx++) {
		struct sieve_medium_block *k = m->list[w][idx];

		m->list[w][idx] = NULL;
		while (k) {
			struct sieve_medium_block *next = k->next;
			int err = walk[idx / 8](m, fill, buf, len, k, idx % 8);

			sieve_pool_put(&m->pool, k);
			if (err) {
				release_chain(m, next);
				return err;
			}
			k = next;
		}
	}
	m->walk = fill;
	return 0;
}

void sieve_medium_free(struct sieve_medium *m)
{
	sieve_pool_free(&m->pool);
	sieve_medium_init(m);
}
