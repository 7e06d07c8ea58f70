/*
 * bucket.c - the large sieving primes of the segmented sieve, by Oliveira e
 * Silva's bucket sieve ("Fast implementation of the segmented sieve of
 * Eratosthenes", 2002). A prime larger than a few segments hits most
 * segments not at all; visiting it in every segment (as the medium primes
 * are) costs a state load per segment and makes the large-prime work grow
 * with the number of segments times pi(sqrt(to)). Here each such prime sits
 * in exactly one list: that of the segment holding its next multiple. A
 * segment's list is walked once, each prime crosses off its multiples in
 * the segment and moves to the list of the segment it hits next, so the
 * work is one step per multiple crossed and nothing per miss.
 *
 * An entry is 32 + 32 bits: q (p = 30q + wheel[ri], q < 2^28 for p < 2^32)
 * with ri in bits 28..30, and the offset of the next multiple inside its
 * segment (< 2^24) with the wheel index wi of its cofactor in bits 29..31.
 * Lists are chains of fixed-size buckets (the one being filled first);
 * a list walked empty returns its buckets to a free list, and the next
 * segment's pushes take them back while still in cache.
 */
#include "sieve_int.h"

#include <errno.h>
#include <stdlib.h>

/* Entries per bucket: a bucket of 8 KiB. */
#define ENTRIES 1022u
/* Buckets allocated at once. */
#define SLAB 64u

#define Q_BITS 28
#define OFF_BITS 29

struct entry {
	uint32_t qr; /* q | ri << 28 */
	uint32_t ow; /* offset in segment | wi << 29 */
};

struct sieve_bucket {
	struct sieve_bucket *next;
	uint32_t n;
	struct entry e[ENTRIES];
};

void sieve_buckets_init(struct sieve_buckets *b, unsigned log2seg)
{
	b->list = NULL;
	b->nlists = b->cap = 0;
	b->free = NULL;
	b->slabs = NULL;
	b->nslabs = b->cap_slabs = 0;
	b->log2seg = log2seg;
}

/* Puts a new slab of buckets on the free list. Returns 0 or -ENOMEM. */
static int grow(struct sieve_buckets *b)
{
	struct sieve_bucket *s;

	if (b->nslabs == b->cap_slabs) {
		uint64_t cap = b->cap_slabs ? 2 * b->cap_slabs : 16;
		void **n = realloc(b->slabs, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		b->slabs = n;
		b->cap_slabs = cap;
	}
	s = malloc(SLAB * sizeof(*s));
	if (!s)
		return -ENOMEM;
	b->slabs[b->nslabs++] = s;
	for (unsigned i = 0; i < SLAB; i++) {
		s[i].next = b->free;
		b->free = &s[i];
	}
	return 0;
}

int sieve_buckets_begin(struct sieve_buckets *b, uint64_t nsegs)
{
	/* Every list is empty here: the previous chunk walked all of them or was abandoned. */
	for (uint64_t s = 0; s < b->nlists; s++) {
		struct sieve_bucket *k = b->list[s];
		while (k) {
			struct sieve_bucket *next = k->next;
			k->next = b->free;
			b->free = k;
			k = next;
		}
		b->list[s] = NULL;
	}
	if (nsegs > b->cap) {
		struct sieve_bucket **n = realloc(b->list, nsegs * sizeof(*n));
		if (!n)
			return -ENOMEM;
		b->list = n;
		b->cap = nsegs;
	}
	for (uint64_t s = 0; s < nsegs; s++)
		b->list[s] = NULL;
	b->nlists = nsegs;
	return 0;
}

static inline int push(struct sieve_buckets *b, uint64_t s, uint32_t qr, uint32_t ow)
{
	struct sieve_bucket *k = b->list[s];

	if (!k || k->n == ENTRIES) {
		if (!b->free && grow(b))
			return -ENOMEM;
		struct sieve_bucket *f = b->free;
		b->free = f->next;
		f->next = k;
		f->n = 0;
		b->list[s] = f;
		k = f;
	}
	k->e[k->n].qr = qr;
	k->e[k->n].ow = ow;
	k->n++;
	return 0;
}

int sieve_buckets_add(struct sieve_buckets *b, uint32_t q, unsigned ri, uint64_t off, unsigned wi)
{
	const uint64_t s = off >> b->log2seg;

	if (s >= b->nlists)
		return 0;
	off &= (UINT64_C(1) << b->log2seg) - 1;
	return push(b, s, q | (uint32_t)ri << Q_BITS, (uint32_t)off | (uint32_t)wi << OFF_BITS);
}

int sieve_buckets_cross(struct sieve_buckets *b, uint64_t s, uint8_t *buf, uint64_t len)
{
	const unsigned log2seg = b->log2seg;
	const uint64_t seg = UINT64_C(1) << log2seg, nl = b->nlists;
	struct sieve_bucket *k = b->list[s];

	b->list[s] = NULL;
	while (k) {
		struct sieve_bucket *next;
		for (uint32_t i = 0; i < k->n; i++) {
			const uint32_t qr = k->e[i].qr, ow = k->e[i].ow;
			const uint64_t q = qr & ((UINT32_C(1) << Q_BITS) - 1);
			const unsigned ri = qr >> Q_BITS;
			uint64_t off = ow & ((UINT32_C(1) << OFF_BITS) - 1);
			unsigned wi = ow >> OFF_BITS;

			/* a large prime hits a segment a few times at most */
			while (off < len) {
				buf[off] &= sieve_masks[ri][wi];
				off += q * sieve_dq[wi] + sieve_dcs[ri][wi];
				wi = (wi + 1) & 7;
			}
			/* in the chunk's short last segment: past the chunk */
			if (off < seg)
				continue;
			const uint64_t t = s + (off >> log2seg);
			if (t >= nl)
				continue;
			if (push(b, t, qr, (uint32_t)(off & (seg - 1)) | (uint32_t)wi << OFF_BITS))
				return -ENOMEM;
		}
		next = k->next;
		k->next = b->free;
		b->free = k;
		k = next;
	}
	return 0;
}

void sieve_buckets_free(struct sieve_buckets *b)
{
	for (uint64_t i = 0; i < b->nslabs; i++)
		free(b->slabs[i]);
	free(b->slabs);
	free(b->list);
	sieve_buckets_init(b, b->log2seg);
}
