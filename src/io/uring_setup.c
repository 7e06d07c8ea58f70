/*
 * uring_setup.c - io_uring's set-up as the loader and the heartbeat see it:
 * the one rule for "refused here" that decides both fallbacks, and the
 * probe of the opcodes the loader needs. Calls only liburing.
 */
#include <errno.h>

#include "uring_setup.h"
#include "ompkit/loader.h"

bool ompk__uring_refused(int err)
{
	return err == -ENOSYS || err == -EPERM || err == -EACCES || err == -EOPNOTSUPP;
}

int ompk__uring_probe(struct io_uring *ring)
{
	struct io_uring_probe *p = io_uring_get_probe_ring(ring);
	int ok;

	if (!p)
		return -EOPNOTSUPP;
	ok = io_uring_opcode_supported(p, IORING_OP_TIMEOUT) &&
	     io_uring_opcode_supported(p, IORING_OP_READ) &&
	     io_uring_opcode_supported(p, IORING_OP_POLL_ADD);
	io_uring_free_probe(p);
	return ok ? 0 : -EOPNOTSUPP;
}

int ompk_uring_available(void)
{
	struct io_uring ring;
	int err = io_uring_queue_init(2, &ring, 0);

	if (err)
		return err;
	err = ompk__uring_probe(&ring);
	io_uring_queue_exit(&ring);
	return err ? err : 1;
}
