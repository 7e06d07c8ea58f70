/*
 * backend.h - the loader's two backends, side by side (redis ae_epoll.c
 * style): each runs a whole fetch loop on the context loader.c made, with
 * the compute thread already started, and returns 0 or -errno (x->err
 * with x->msg). Neither calls back into loader.c; both call only the
 * hand-over and shards and buffers below them. Private to src/io/.
 */
#ifndef OMPKIT_BACKEND_H
#define OMPKIT_BACKEND_H

#include "shard.h"

/*
 * backend_uring.c: one io_uring. *setup_failed when the ring could not be
 * made (or lacks an opcode): then the run has not started.
 */
int ompk__uring_run(struct lctx *x, bool *setup_failed);

/* backend_threads.c: a small pool doing a timed wait and pread. */
int ompk__threads_run(struct lctx *x);

#endif
