/*
 * shard.h - the bottom of the loader's run: a shard in flight, the run's
 * shared context, and the shards and buffers layer (shard.c) that every
 * layer above uses: shard structs from slabs, payload buffers from a
 * pool, a shard file opened and its header checked, errors recorded once.
 * Private to src/io/.
 *
 * The layers, each calling only those below it:
 *   loader.c                    the public run, the fallback
 *   backend_uring.c  backend_threads.c   (side by side; never call up)
 *   handover.c                  the compute thread and the hand-over to it
 *   shard.c                     shards and buffers (this header)
 *   shard_file.c  loader_config.c  shard_kind.c  fault.c  uring_setup.c
 *   uring_bufs.c (backend_uring.c's registered buffers)
 */
#ifndef OMPKIT_SHARD_H
#define OMPKIT_SHARD_H

#include <linux/time_types.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "loader_fault.h"
#include "shard_kind.h"
#include "ompkit/loader.h"
#include "ompkit/stats.h"

/*
 * A FIFO waits for its writer (STAGE_POLL) before its first read: read(2)
 * on a FIFO no writer has opened yet says end of file. A stream must then
 * end where its header says (STAGE_TAIL: one more read, which must return
 * 0), as a regular file's size must match.
 */
enum shard_stage { STAGE_TIMER, STAGE_POLL, STAGE_READ, STAGE_TAIL };

/*
 * A shard in flight, or a span of synthetic shards idx .. idx + count - 1
 * started together: they share a timer, a buffer and one kernel call, so
 * a million small fetches cost a few hundred of these, not a million.
 */
struct shard {
	uint64_t idx;
	uint64_t count;	   /* shards it stands for: 1 for a file */
	int fd;		   /* file source: open while reading, else -1 */
	bool seekable;	   /* regular file: reads carry offsets; else -1 (a FIFO) */
	uint8_t *buf;	   /* file: header + payload; synthetic: payload */
	size_t buf_mapped; /* its length when it is a mapping, else 0 */
	size_t want, got;  /* bytes to read, bytes read */
	enum shard_stage stage;
	double t_start, t_fetch, t_comp, comp_s;
	struct ompk_result res;
	int err;
	int threads_used;
	uint64_t deadline_ns; /* threads backend: CLOCK_MONOTONIC time the latency ends */
	uint64_t read_no;     /* threads: of its latest read, from 1 (fault injection) */
	size_t issued;	      /* uring: bytes handed to reads so far (from offset 0) */
	unsigned reads;	      /* uring: its reads in flight */
	bool queued;	      /* uring: waiting in the queue for read slots */
	uint8_t tail;	      /* a stream's byte past its announced end, if it has one */
	struct shard *next;
};

/* One run with one backend: made and torn down by loader.c. */
struct lctx {
	const struct ompk_loader_config *c;
	const struct ompk_shard_kind *kind;
	struct ompk_fault *fault; /* tests only; NULL */
	struct ompk_loader_stats *st;
	uint64_t bytes;	   /* payload bytes per shard */
	uint64_t span_max; /* synthetic shards per struct shard at most (1 for files, serial) */
	double t0;
	uint64_t next;	       /* next shard to start */
	uint64_t inflight;     /* fetches in flight */
	uint64_t max_inflight; /* c->inflight, or less when the ring is smaller */
	uint64_t pending;      /* fetched, not yet collected after compute */
	uint64_t done;	       /* collected */
	int err;	       /* the first error, -errno */
	char *msg;
	size_t len;
	int efd;	/* compute (and fetch workers) -> loop */
	uint64_t reads; /* read requests issued (atomic: fetch workers) */
	bool cancelled; /* interrupted: in-flight work is abandoned */

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct shard *todo, *todo_tail;	  /* for the compute thread */
	struct shard *stage, *stage_tail; /* landed, not yet handed over (loop thread only) */
	struct shard *fin;		  /* computed, for the loop */
	bool stop;
	struct shard *free_shards; /* recycled shard structs (loop thread) */
	void *slabs;		   /* their slabs, chained through the first word */
	void *pool;		   /* free payload buffers, all pool_len bytes (see buf_get) */
	size_t pool_len;
	uint64_t buffers; /* made (atomic: the compute thread makes them too) */
	pthread_t compute;
	bool compute_started;
	bool compute_ready; /* its OpenMP team is started: the clock may start */
};

void ompk__set_err(struct lctx *x, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A new shard (x->next), its file opened and checked, or a span of
 * synthetic shards as long as the run allows; NULL with x->err set.
 */
struct shard *ompk__shard_start(struct lctx *x);
/* Releases a shard's file and buffer and recycles its struct (loop thread). */
void ompk__shard_free(struct lctx *x, struct shard *sh);
/* The run's shard structs and buffers, at its end. */
void ompk__shards_release(struct lctx *x);
/*
 * Gives a shard file its buffer, from the pool, before its first read
 * (loop thread): 0, or -ENOMEM recorded with the file's name.
 */
int ompk__shard_buf(struct lctx *x, struct shard *sh);
/* Returns sh's buffer to the pool (any thread): the kernel is done with it. */
void ompk__shard_buf_put(struct lctx *x, struct shard *sh);
/* The synthetic payloads of sh's shards into sh->buf (any thread). 0 or -ENOMEM. */
int ompk__shard_synth(struct lctx *x, struct shard *sh);
/* A shard file's header against the run's: 0, or -EINVAL recorded with the file's name. */
int ompk__shard_check_header(struct lctx *x, struct shard *sh);
/* Appends sh to the list from *head to *tail (the caller holds its lock, if it has one). */
void ompk__shard_append(struct shard **head, struct shard **tail, struct shard *sh);
/*
 * The whole list *head, taken under mu and left empty: how one thread
 * collects the shards others handed it (any thread).
 */
struct shard *ompk__shard_take_all(pthread_mutex_t *mu, struct shard **head);
const char *ompk__shard_name(const struct lctx *x, const struct shard *sh, char *buf, size_t len);
/*
 * The file is not as long as its header announced: records the error, for
 * a stream that went on past its end (longer, loop thread) or a file that
 * ended before it.
 */
void ompk__shard_wrong_len(struct lctx *x, struct shard *sh, bool longer);
/*
 * Bytes for read no, of rest bytes still to read: at most read_block and
 * cap, shortened by a SHORT fault (counted).
 */
size_t ompk__read_len(const struct lctx *x, size_t rest, uint64_t no, size_t cap);

#endif
