/*
 * uring_bufs.h - the loader's payload buffers registered with its ring
 * (uring_bufs.c), so that the reads into them are IORING_OP_READ_FIXED.
 * Used by backend_uring.c only; calls only liburing. Private to src/io/.
 */
#ifndef OMPKIT_URING_BUFS_H
#define OMPKIT_URING_BUFS_H

#include <stddef.h>
#include <stdint.h>

#include <liburing.h>

/* Buffer address -> registered slot, an open-addressing table (linear probing). */
struct ompk_uring_bufs {
	struct io_uring *ring;
	void **addr; /* NULL: an empty entry */
	unsigned *slot;
	unsigned mask;	    /* entries - 1 (a power of two, at least twice cap) */
	unsigned used, cap; /* slots registered, and at most */
};

/*
 * Room for up to cap buffers on ring (a sparse table, Linux 5.19+). 0, or
 * -errno when the table cannot be made: then no buffer is registered and
 * every read stays a plain read, which is not an error.
 */
int ompk__uring_bufs_init(struct ompk_uring_bufs *b, struct io_uring *ring, unsigned cap);
/*
 * buf's slot (len bytes from buf), registered the first time it is asked
 * for; -1 when it is not registered (the table is full, or registering
 * failed, e.g. past RLIMIT_MEMLOCK): read into it plainly.
 */
int ompk__uring_bufs_slot(struct ompk_uring_bufs *b, void *buf, size_t len);
/* Frees the table; the registrations go with the ring. */
void ompk__uring_bufs_free(struct ompk_uring_bufs *b);

#endif
