/*
 * loader_int.h - what loader.c (the core: shards, the compute thread,
 * the threads backend) and loader_uring.c (the io_uring backend)
 * share. Not installed; not part of the API.
 */
#ifndef OMPKIT_LOADER_INT_H
#define OMPKIT_LOADER_INT_H

#include <linux/time_types.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ompkit/loader.h"

/*
 * A FIFO waits for its writer (STAGE_POLL) before its first read: read(2) on a FIFO no writer has
 * opened yet says end of file.
 */
/*
 * A stream must then end where its header says (STAGE_TAIL: one more read, which must return 0), as
 * a regular file's size must match.
 */
enum shard_stage { STAGE_TIMER, STAGE_POLL, STAGE_READ, STAGE_TAIL };

struct shard {
	uint64_t idx;
	int fd;		   /* file source: open while reading, else -1 */
	bool seekable;	   /* regular file: reads carry offsets; else -1 (a FIFO) */
	uint8_t *buf;	   /* file: header + payload; synthetic: payload */
	size_t buf_mapped; /* its length when it is a mapping, else 0 */
	size_t want, got;  /* bytes to read, bytes read */
	enum shard_stage stage;
	struct __kernel_timespec ts; /* the timeout's, alive until its completion */
	double t_start, t_fetch, t_comp, comp_s;
	struct ompk_result res;
	int err;
	int threads_used;
	uint64_t deadline_ns; /* threads backend: CLOCK_MONOTONIC time the latency ends */
	uint64_t read_no;     /* of its latest read, from 1 (fault injection) */
	int fault_res;	      /* uring: the injected result of the NOP standing in for a read */
	uint8_t tail;	      /* a stream's byte past its announced end, if it has one */
	struct shard *next;
};

struct lctx {
	const struct ompk_loader_config *c;
	struct ompk_loader_stats *st;
	uint64_t bytes; /* payload bytes per shard */
	double t0;
	uint64_t next;	       /* next shard to start */
	uint64_t inflight;     /* fetches in flight */
	uint64_t max_inflight; /* c->inflight, or less when the ring is smaller */
	uint64_t pending;      /* fetched, not yet collected after compute */
	uint64_t done;	       /* collected */
	int err;	       /* the first error, -errno */
	char *msg;
	size_t len;
	int efd;	       /* compute (and fetch workers) -> loop */
	uint64_t reads;	       /* read requests issued (atomic: fetch workers) */
	uint64_t landed_after; /* threads: highest read number handed back (REORDER) */
	bool cancelled;	       /* interrupted: in-flight work is abandoned */

	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_cond_t wake; /* threads backend: fetch workers' timed waits (CLOCK_MONOTONIC) */
	struct shard *todo, *todo_tail;	  /* for the compute thread */
	struct shard *stage, *stage_tail; /* landed, not yet handed over (loop thread only) */
	struct shard *fin;		  /* computed, for the loop */
	struct shard *fetched;		  /* threads backend: fetched, for the loop */
	struct shard *wait, *wait_tail;	  /* threads backend: for the fetch workers */
	bool stop;
	struct shard *free_shards; /* recycled shard structs (loop thread) */
	void *slabs;		   /* their slabs, chained through the first word */
	void *pool;		   /* free payload buffers, all pool_len bytes (see buf_get) */
	size_t pool_len;
	pthread_t compute;
	bool compute_started;
	bool compute_ready; /* its OpenMP team is started: the clock may start */
};

double ompk__now(void);
void ompk__set_err(struct lctx *x, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A new shard, its file opened and checked; NULL with x->err set. */
struct shard *ompk__shard_start(struct lctx *x);
/* Its payload landed (loop thread): check it, hand it to the compute thread. */
void ompk__shard_fetched(struct lctx *x, struct shard *sh);
void ompk__shard_free(struct lctx *x, struct shard *sh);
/* Hands the shards landed since the last call to the compute thread. */
void ompk__flush(struct lctx *x);
/* Computed shards into the result (loop thread). */
void ompk__collect(struct lctx *x);
/* May another fetch start now? */
bool ompk__may_start(const struct lctx *x);
/* All done, or failed and drained (nothing in flight or computing). */
bool ompk__finished(const struct lctx *x);
const char *ompk__shard_name(const struct lctx *x, const struct shard *sh, char *buf, size_t len);
/* The stream went on past its announced end: records the error (loop thread). */
void ompk__shard_too_long(struct lctx *x, struct shard *sh);

/* Does fault k hit read number n? (never when no fault is set) */
bool ompk__fault(const struct lctx *x, enum ompk_fault_kind k, uint64_t n);
/* Counts one fault that took effect. */
void ompk__fault_hit(const struct lctx *x);
/* The error (EIO, EINTR, EAGAIN) injected in place of read no, counted as a hit; 0 for none. */
int ompk__fault_error(const struct lctx *x, uint64_t no);
/*
 * Bytes for read no of sh: the rest, at most read_block and cap, halved by a SHORT fault (counted).
 */
size_t ompk__read_len(const struct lctx *x, const struct shard *sh, uint64_t no, size_t cap);
/* The run was interrupted through c->cancel_fd: records the error (loop thread). */
void ompk__interrupted(struct lctx *x);

/* The io_uring backend. Returns 0 or -errno; *setup_failed when the ring could not be made. */
int ompk__uring_run(struct lctx *x, bool *setup_failed);

#endif
