/*
 * handover.h - the compute hand-over (handover.c): landed shards go to the
 * compute thread in batches, computed ones come back to the loop, which
 * adds their results in. Above shards and buffers, below the backends:
 * a backend starts fetches while ompk__may_start says so, hands each
 * landed shard to ompk__shard_fetched, calls ompk__flush once per pass
 * and ompk__collect when the eventfd fires. Private to src/io/.
 */
#ifndef OMPKIT_HANDOVER_H
#define OMPKIT_HANDOVER_H

#include "shard.h"

/* Starts the compute thread: 0 or -EAGAIN. */
int ompk__handover_start(struct lctx *x);
/* Stops it (it finishes what it holds) and collects what is left. */
void ompk__handover_stop(struct lctx *x);
/* Its payload landed (loop thread): check it, stage it for the compute thread. */
void ompk__shard_fetched(struct lctx *x, struct shard *sh);
/* Hands the shards staged since the last call to the compute thread. */
void ompk__flush(struct lctx *x);
/* Computed shards into the result (loop thread). */
void ompk__collect(struct lctx *x);
/* May another fetch start now? */
bool ompk__may_start(const struct lctx *x);
/* All done, or failed and drained (nothing in flight or computing). */
bool ompk__finished(const struct lctx *x);
/* The run was interrupted through c->cancel_fd: records the error (loop thread). */
void ompk__interrupted(struct lctx *x);
/* Has it been? (any thread) */
bool ompk__is_cancelled(const struct lctx *x);

#endif
