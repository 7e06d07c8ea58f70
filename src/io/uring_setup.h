/*
 * uring_setup.h - what the loader and the heartbeat share about setting up
 * io_uring (uring_setup.c): one rule for when a failed setup means io_uring
 * is refused here, so that AUTO falls back (to the threads backend, to
 * epoll), and the probe of the opcodes the loader needs. Private to src/io/.
 */
#ifndef OMPKIT_URING_SETUP_H
#define OMPKIT_URING_SETUP_H

#include <stdbool.h>

#include <liburing.h>

/*
 * Does err, from setting a ring up, mean io_uring is refused here (rather
 * than broken)? -ENOSYS (a kernel without it), -EPERM and -EACCES
 * (io_uring_disabled, a seccomp or LSM policy) and -EOPNOTSUPP (an opcode
 * the caller needs is missing).
 */
bool ompk__uring_refused(int err);

/* Does the ring take timeouts, reads and polls? 0 or -EOPNOTSUPP. */
int ompk__uring_probe(struct io_uring *ring);

#endif
