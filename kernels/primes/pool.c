/*
 * pool.c - the fixed-size blocks the sieve's lists are chains of (medium.c's
 * blocks, bucket.c's buckets): allocated a slab at a time, aligned to their
 * size (a bucket finds its header from any entry's address that way), kept
 * on a free list when a walk empties them, so that the next pushes take them
 * back while still in cache, and freed together at the end. A free block's
 * first word links it into the free list.
 */
#include "sieve_int.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

void sieve_pool_init(struct sieve_pool *p, size_t block, size_t slab, int huge)
{
	p->free = NULL;
	p->slabs = NULL;
	p->nslabs = p->cap_slabs = 0;
	p->block = block;
	p->slab = slab;
	p->huge = huge;
}

/* Puts a new slab of blocks on the free list. Returns 0 or -ENOMEM. */
static int grow(struct sieve_pool *p)
{
	char *s;

	if (p->nslabs == p->cap_slabs) {
		uint64_t cap = p->cap_slabs ? 2 * p->cap_slabs : 16;
		void **n = realloc(p->slabs, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->slabs = n;
		p->cap_slabs = cap;
	}
	s = aligned_alloc(p->huge ? p->slab : p->block, p->slab);
	if (!s)
		return -ENOMEM;
#ifdef MADV_HUGEPAGE
	if (p->huge)
		madvise(s, p->slab, MADV_HUGEPAGE); /* advice only: 4 KiB pages work too */
#endif
	p->slabs[p->nslabs++] = s;
	for (size_t off = 0; off + p->block <= p->slab; off += p->block)
		sieve_pool_put(p, s + off);
	return 0;
}

void *sieve_pool_get(struct sieve_pool *p)
{
	void *b;

	if (!p->free && grow(p))
		return NULL;
	b = p->free;
	p->free = *(void **)b;
	return b;
}

void sieve_pool_put(struct sieve_pool *p, void *block)
{
	*(void **)block = p->free;
	p->free = block;
}

void sieve_pool_free(struct sieve_pool *p)
{
	for (uint64_t i = 0; i < p->nslabs; i++)
		free(p->slabs[i]);
	free(p->slabs);
	sieve_pool_init(p, p->block, p->slab, p->huge);
}
