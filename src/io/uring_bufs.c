/*
 * uring_bufs.c - registered payload buffers for the io_uring backend. A
 * registered buffer's pages are pinned once, when it is registered, and a
 * READ_FIXED into it copies from the page cache through the kernel's own
 * mapping of those pages; a plain read imports the user address and copies
 * through the process's page tables on every call. Warm, the last of 1 GiB
 * of shard files read in 1 MiB blocks lands about 10% sooner so
 * (bench/pipeline.sh's reading section: 201 -> 182 ms, medians of 9; fio
 * --fixedbufs on the same files: 6.1 -> 6.9 GB/s). The pool (shard.c)
 * hands the same few buffers round, so a run registers a handful, each the
 * first time it is read into, and finds its slot by its address here.
 * Registration is an optimisation only: where it is refused (a kernel
 * before 5.19 has no sparse table, RLIMIT_MEMLOCK counts pinned pages, a
 * buffer over 1 GiB) the reads stay plain. Calls only liburing.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "uring_bufs.h"

/* The kernel's limit on registered buffers (IORING_MAX_REG_BUFFERS). */
#define SLOTS_MAX (1u << 14)

int ompk__uring_bufs_init(struct ompk_uring_bufs *b, struct io_uring *ring, unsigned cap)
{
	unsigned n = 2;
	int err;

	b->ring = ring;
	b->used = b->cap = 0;
	b->addr = NULL;
	b->slot = NULL;
	if (cap > SLOTS_MAX)
		cap = SLOTS_MAX;
	while (n < 2 * cap)
		n <<= 1;
	b->addr = calloc(n, sizeof(*b->addr));
	b->slot = calloc(n, sizeof(*b->slot));
	if (!b->addr || !b->slot) {
		ompk__uring_bufs_free(b);
		return -ENOMEM;
	}
	b->mask = n - 1;
	err = io_uring_register_buffers_sparse(ring, cap);
	if (err) {
		ompk__uring_bufs_free(b);
		return err;
	}
	b->cap = cap;
	return 0;
}

/* Fibonacci hashing of the address (buffers are at least 16-byte aligned). */
static unsigned bucket(const struct ompk_uring_bufs *b, const void *p)
{
	return (unsigned)((((uintptr_t)p >> 4) * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & b->mask;
}

int ompk__uring_bufs_slot(struct ompk_uring_bufs *b, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	__u64 tag = 0;
	unsigned i;

	if (!b->addr)
		return -1;
	for (i = bucket(b, buf); b->addr[i]; i = (i + 1) & b->mask)
		if (b->addr[i] == buf)
			return (int)b->slot[i];
	if (b->used == b->cap)
		return -1;
	if (io_uring_register_buffers_update_tag(b->ring, b->used, &iov, &tag, 1) != 1) {
		b->cap = b->used; /* refused once, refused for the rest: no call per read */
		return -1;
	}
	b->addr[i] = buf;
	b->slot[i] = b->used;
	return (int)b->used++;
}

void ompk__uring_bufs_free(struct ompk_uring_bufs *b)
{
	free(b->addr);
	free(b->slot);
	b->addr = NULL;
	b->slot = NULL;
	b->used = b->cap = 0;
}
