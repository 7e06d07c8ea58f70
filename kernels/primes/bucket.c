/*
 * bucket.c - the large sieving primes of the segmented sieve, by Oliveira e
 * Silva's bucket sieve ("Fast implementation of the segmented sieve of
 * Eratosthenes", 2002). A prime larger than a few segments hits most
 * segments not at all; visiting it in every segment (as the medium primes
 * are) costs a state load per segment and makes the large-prime work grow
 * with the number of segments times pi(sqrt(to)). Here each such prime sits
 * in exactly one list: that of the segment holding its next multiple.
 *
 * One multiple per visit. Walking a segment's list, each prime crosses off
 * the one multiple it was filed for and is filed again under the segment
 * of its next multiple, which may be the same segment (a prime up to a few
 * segment lengths hits a segment several times): the list is walked until
 * it stays empty. So the work per multiple crossed is the same few
 * instructions with no loop whose trip count varies from prime to prime
 * (a mispredicted exit per prime cost more than the crossing itself), and
 * nothing at all for a segment a prime misses. (primesieve's EratBig
 * works the same way.)
 *
 * An entry is 32 + 32 bits: q (p = 30q + wheel[ri], q < 2^28 for p < 2^32),
 * and the offset of the next multiple inside its segment (< 2^22) with the
 * step index ri*8 + wi (wi: the wheel index of the cofactor) in the top
 * bits, so that one load of sieve_steps[] gives the bit to clear and the
 * way to the next multiple.
 *
 * One-shot entries. A prime whose next multiple after the first is past
 * the chunk (near 2^64, 40% of the 200 million primes below 2^32 filed per
 * chunk) needs no wheel state: it is filed as 4 bytes, the offset and the
 * bit, in a list of its own per segment, crossed off and forgotten. That
 * took a 1e10-wide count below 2^64 from 2.1 to 1.5 GB, and its page
 * clearing with it.
 *
 * Lists are chains of buckets of BUCKET_BYTES, aligned to their size, the
 * one being filled first. A list is its write cursor: the bucket is full,
 * or the list empty (NULL), exactly when the cursor is a multiple of
 * BUCKET_BYTES, so filing an entry is one store, one cursor update and one
 * well-predicted test. Buckets walked empty go to a free list, and the next
 * pushes take them back while still in cache.
 */
#include "sieve_int.h"

#include <errno.h>
#include <stdlib.h>

/* Bytes per bucket (a power of two; buckets are aligned to it). */
#define BUCKET_BYTES 8192u
/*
 * Buckets allocated at once (pool.c): 2 MiB, aligned to 2 MiB and marked for
 * transparent huge pages where Linux has them. Near 2^64 a thread files 200 million primes, a GiB of
 * buckets: in 4 KiB pages that was 260,000 page faults a thread, a quarter of the run
 * in the kernel (two threads faulting at once contend in it).
 */
#define SLAB_BYTES (UINT64_C(2) << 20)
#define SLAB (SLAB_BYTES / BUCKET_BYTES)
/* The step index's place in an entry's second word. */
#define IDX_SHIFT 26
#define OFF_MASK ((UINT32_C(1) << IDX_SHIFT) - 1)

_Static_assert(SIEVE_SEG_MAX <= (UINT64_C(1) << IDX_SHIFT), "segment offsets fit below the index");

struct sieve_entry {
	uint32_t q;
	uint32_t ow; /* offset in segment | (ri * 8 + wi) << IDX_SHIFT */
};

#define ENTRIES ((BUCKET_BYTES - 16) / sizeof(struct sieve_entry))

struct sieve_bucket {
	struct sieve_bucket *next; /* the next (fuller, older) bucket of the list */
	uint64_t pad;		   /* entries start 16 bytes in */
	union {
		struct sieve_entry e[ENTRIES];
		uint32_t one[2 * ENTRIES]; /* a one-shot list's entries */
	};
};

_Static_assert(sizeof(struct sieve_bucket) == BUCKET_BYTES, "a bucket is BUCKET_BYTES");

/* The bucket holding the entry at `last` (of either kind). */
static struct sieve_bucket *bucket_of(const void *last)
{
	return (struct sieve_bucket *)((uintptr_t)last & ~(uintptr_t)(BUCKET_BYTES - 1));
}

void sieve_buckets_init(struct sieve_buckets *b, unsigned log2seg)
{
	b->cur = NULL;
	b->one = NULL;
	b->len = 0;
	b->nlists = b->cap = 0;
	sieve_pool_init(&b->pool, BUCKET_BYTES, SLAB_BYTES, 1);
	b->log2seg = log2seg;
}

static void release(struct sieve_buckets *b, struct sieve_bucket *k)
{
	sieve_pool_put(&b->pool, k);
}

/* Releases the list whose write cursor is e (one entry past the last, of either kind). */
static void release_list(struct sieve_buckets *b, void *e)
{
	struct sieve_bucket *k = e ? bucket_of((char *)e - 1) : NULL;

	while (k) {
		struct sieve_bucket *next = k->next;
		release(b, k);
		k = next;
	}
}

int sieve_buckets_begin(struct sieve_buckets *b, uint64_t len)
{
	const uint64_t nsegs = (len + (UINT64_C(1) << b->log2seg) - 1) >> b->log2seg;

	/* Lists left over (a chunk abandoned on an error) go back to the free list. */
	for (uint64_t s = 0; s < b->nlists; s++) {
		release_list(b, b->cur[s]);
		release_list(b, b->one[s]);
		b->cur[s] = NULL;
		b->one[s] = NULL;
	}
	if (nsegs > b->cap) {
		struct sieve_entry **n = realloc(b->cur, nsegs * sizeof(*n));
		if (!n)
			return -ENOMEM;
		b->cur = n;
		uint32_t **o = realloc(b->one, nsegs * sizeof(*o));
		if (!o)
			return -ENOMEM;
		b->one = o;
		b->cap = nsegs;
	}
	for (uint64_t s = 0; s < nsegs; s++) {
		b->cur[s] = NULL;
		b->one[s] = NULL;
	}
	b->nlists = nsegs;
	b->len = len;
	return 0;
}

/* A new head bucket for the list whose cursor e is full or NULL, or NULL. */
static __attribute__((noinline)) struct sieve_bucket *fresh(struct sieve_buckets *b, void *e)
{
	struct sieve_bucket *k = sieve_pool_get(&b->pool);

	if (k)
		k->next = e ? bucket_of((char *)e - 1) : NULL;
	return k;
}

static inline int push(struct sieve_buckets *b, uint64_t s, uint32_t q, uint32_t ow)
{
	struct sieve_entry *e = b->cur[s];

	if (!((uintptr_t)e & (BUCKET_BYTES - 1))) {
		struct sieve_bucket *k = fresh(b, e);
		if (!k)
			return -ENOMEM;
		e = k->e;
	}
	e->q = q;
	e->ow = ow;
	b->cur[s] = e + 1;
	return 0;
}

/* Files a one-shot entry (its multiple's offset in segment s << 3 | the bit) under s. */
static inline int push_one(struct sieve_buckets *b, uint64_t s, uint32_t v)
{
	uint32_t *e = b->one[s];

	if (!((uintptr_t)e & (BUCKET_BYTES - 1))) {
		struct sieve_bucket *k = fresh(b, e);
		if (!k)
			return -ENOMEM;
		e = k->one;
	}
	*e = v;
	b->one[s] = e + 1;
	return 0;
}

int sieve_buckets_add(struct sieve_buckets *b, const struct sieve_first *f, uint64_t n)
{
	const unsigned log2seg = b->log2seg;
	const uint64_t seg_mask = (UINT64_C(1) << log2seg) - 1;

	for (uint64_t i = 0; i < n; i++) {
		const uint64_t s = f[i].off >> log2seg;
		const unsigned idx = f[i].ri * 8u + f[i].wi;
		const struct sieve_step st = sieve_steps[idx];
		int err;

		if (f[i].off >= b->len) /* past the chunk */
			continue;
		/* one multiple in the chunk: only where it is, 4 bytes (no prime, no wheel) */
		if (f[i].off + (uint64_t)f[i].q * st.dq + st.dc >= b->len)
			err = push_one(b, s,
				       (uint32_t)(f[i].off & seg_mask) << 3 |
					       (uint32_t)__builtin_ctz(~st.mask & 0xffu));
		else
			err = push(b, s, f[i].q,
				   (uint32_t)(f[i].off & seg_mask) | idx << IDX_SHIFT);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The entries [e, end) of segment s: each crosses off its multiple and is filed
 * under the segment of its next one. In the chunk's short last segment (len < seg,
 * `last` set) a multiple at or past len is past the chunk, and its prime is dropped;
 * in a whole segment every offset is below len, and the test is compiled out.
 */
static inline __attribute__((always_inline)) int cross_run(struct sieve_buckets *b, uint64_t s,
							   uint8_t *buf, uint64_t len,
							   const int last,
							   const struct sieve_entry *e,
							   const struct sieve_entry *end)
{
	struct sieve_entry **const cur = b->cur;
	const unsigned log2seg = b->log2seg;
	const uint32_t seg_mask = (UINT32_C(1) << log2seg) - 1;
	const uint64_t nl = b->nlists;

	for (; e < end; e++) {
		const uint32_t q = e->q, ow = e->ow;
		const struct sieve_step st = sieve_steps[ow >> IDX_SHIFT];
		uint64_t off = ow & OFF_MASK, t;
		struct sieve_entry *w;

		if (last && off >= len)
			continue;
		/* the entries 512 bytes on: a list's buckets lie anywhere, beyond the prefetchers */
		__builtin_prefetch(e + 64);
		buf[off] &= st.mask;
		off += (uint64_t)q * st.dq + st.dc;
		t = s + (off >> log2seg);
		if (t >= nl)
			continue;
		w = cur[t];
		if (!((uintptr_t)w & (BUCKET_BYTES - 1))) {
			struct sieve_bucket *k = fresh(b, w);
			if (!k)
				return -ENOMEM;
			w = k->e;
		}
		w->q = q;
		w->ow = ((uint32_t)off & seg_mask) | (uint32_t)st.next << IDX_SHIFT;
		cur[t] = w + 1;
	}
	return 0;
}

int sieve_buckets_cross(struct sieve_buckets *b, uint64_t s, uint8_t *buf, uint64_t len)
{
	const int last = len < (UINT64_C(1) << b->log2seg);
	struct sieve_entry *e;
	uint32_t *o = b->one[s];

	/* The one-shot entries: cross off, and the bucket is free. */
	b->one[s] = NULL;
	if (o) {
		struct sieve_bucket *k = bucket_of(o - 1);
		const uint32_t *end = o;

		while (k) {
			struct sieve_bucket *next = k->next;
			for (const uint32_t *v = k->one; v < end; v++) {
				const uint32_t off = *v >> 3;
				if (!last || off < len)
					buf[off] &= (uint8_t) ~(1u << (*v & 7));
			}
			release(b, k);
			k = next;
			end = k ? k->one + sizeof(k->one) / sizeof(k->one[0]) : NULL;
		}
	}
	/* A prime refiled under s (its next multiple in this segment) starts a new list. */
	while ((e = b->cur[s])) {
		struct sieve_bucket *k = bucket_of(e - 1);
		const struct sieve_entry *end = e;

		b->cur[s] = NULL;
		while (k) {
			struct sieve_bucket *next = k->next;
			int err = last ? cross_run(b, s, buf, len, 1, k->e, end)
				       : cross_run(b, s, buf, len, 0, k->e, end);

			if (err) {
				/* k and the rest of its chain are no list's now */
				while (k) {
					next = k->next;
					release(b, k);
					k = next;
				}
				return err;
			}
			release(b, k);
			k = next;
			end = k ? k->e + sizeof(k->e) / sizeof(k->e[0]) : NULL;
		}
	}
	return 0;
}

void sieve_buckets_free(struct sieve_buckets *b)
{
	sieve_pool_free(&b->pool);
	free(b->cur);
	free(b->one);
	sieve_buckets_init(b, b->log2seg);
}
