/*
 * loader.h - the shard loader: fetches S shards with at most K fetches in
 * flight and runs a kernel (sumsq or checksum) on each shard as soon as it
 * lands, so that fetching and computing overlap.
 *
 * A fetch is a latency followed by a payload. The latency is an io_uring
 * timeout (backend uring) or a timed wait on a small thread pool (backend
 * threads); the payload is synthetic or read from a shard file. Shard i
 * of a synthetic sumsq run holds the u64 values i*N .. i*N+N-1; of a
 * checksum run, N bytes equal to i % 256 (the tutorial's image service).
 *
 * Shard file format (written by ompk_shards_write, read by --source DIR):
 * DIR/shard-NNNNNN.bin (index, at least six digits) holds a 16-byte
 * header - the 8 bytes "OMPKSHD1" and the payload length in bytes as a
 * little-endian u64 - followed by the payload: little-endian u64 values
 * for sumsq, raw bytes for checksum. A file whose payload is shorter than
 * announced (or than --shard-len asks) is an error, never zero-filled.
 *
 * Only the thread that calls ompk_loader_run touches the ring; the compute
 * thread wakes it through an eventfd the ring polls. The layers are in
 * src/io/ (loader.c's header comment); test-only fault injection is
 * private to them (src/io/loader_fault.h).
 */
#ifndef OMPKIT_LOADER_H
#define OMPKIT_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ompkit/kernel.h"

#define OMPK_SHARD_MAGIC "OMPKSHD1"
#define OMPK_SHARD_HEADER 16

enum ompk_backend { OMPK_BACKEND_AUTO, OMPK_BACKEND_URING, OMPK_BACKEND_THREADS };

struct ompk_loader_config {
	const struct ompk_kernel *kernel; /* &ompk_kernel_sumsq or &ompk_kernel_checksum */
	uint64_t shards;		  /* S >= 1 */
	uint64_t shard_len;		  /* N: u64 values (sumsq) or bytes per shard */
	uint64_t latency_ns;		  /* of each fetch */
	uint64_t inflight;		  /* K >= 1: fetches in flight at most */
	const char *dir;		  /* shard files, or NULL for synthetic payloads */
	bool serial;			  /* one shard at a time: fetch, compute, next */
	enum ompk_backend backend;
	enum ompk_variant variant; /* of the kernel, per shard */
	int threads;		   /* OpenMP team for each shard's kernel, >= 1 */
	size_t read_block;	   /* bytes per read request (0: the whole shard) */
	/*
	 * When this fd turns readable (a signalfd, say), the run is
	 * interrupted: requests in flight are cancelled (io_uring async
	 * cancel) or abandoned at the next step (threads), everything is
	 * drained and freed, and the run returns -ECANCELED. The fd is only
	 * polled, never read. Used only when cancel_fd_set.
	 */
	int cancel_fd;
	bool cancel_fd_set;
};

struct ompk_loader_stats {
	enum ompk_backend backend; /* the one that ran */
	int fallback_err; /* AUTO fell back to threads: why io_uring failed (-errno), else 0 */
	struct ompk_result result; /* sumsq: "sum"; checksum: "checksums" (one per shard) */
	double wall_s;		   /* first submission to the last shard computed */
	double *fetch_done;	   /* per shard, seconds since the start */
	double *compute_done;	   /* per shard, seconds since the start */
	double fetch_sum;	   /* sum over shards of (fetch done - fetch started) */
	double compute_sum;	   /* sum over shards of the kernel's time */
	double overlap;		   /* (fetch_sum + compute_sum) / wall_s */
	int threads_used;
	unsigned ring_entries, cq_entries; /* uring: the ring's sizes */
	uint64_t cancelled;		   /* interrupted: requests in flight when it came */
	/* payload buffers made (each recycled: at most 2 x inflight), and of them registered
	 * with the ring (uring: read with READ_FIXED) */
	uint64_t buffers, buffers_registered;
};

/* "auto", "uring" or "threads". */
const char *ompk_backend_name(enum ompk_backend b);
/* The backend named s into *b. 0, or -EINVAL for another name. */
int ompk_backend_parse(const char *s, enum ompk_backend *b);

/* Checks a configuration. 0 or -EINVAL with "<flag>: ...; accepted: ..." in msg. */
int ompk_loader_check(const struct ompk_loader_config *c, char *msg, size_t len);

/*
 * Runs the pipeline. Fills *st (free it with ompk_loader_stats_free, also
 * after an error). Returns 0 or -errno with a one-line message in msg
 * naming the flag or the file. All requests are completed or drained
 * before it returns.
 */
int ompk_loader_run(const struct ompk_loader_config *c, struct ompk_loader_stats *st, char *msg,
		    size_t len);
/* Frees what ompk_loader_run put in *st. */
void ompk_loader_stats_free(struct ompk_loader_stats *st);

/*
 * What the run must return, by an independent method: the closed forms
 * for synthetic shards, the kernel's oracle over each shard file read
 * again with plain reads. 0, or -errno with msg; -ESPIPE when a shard is
 * a stream (a FIFO), which the run has used up: nothing to check against.
 */
int ompk_loader_expect(const struct ompk_loader_config *c, struct ompk_result *out,
		       const char **method, char *msg, size_t len);

/* Writes the S synthetic shards of c into c->dir (created if missing). 0 or -errno with msg. */
int ompk_shards_write(const struct ompk_loader_config *c, char *msg, size_t len);

/* DIR/shard-NNNNNN.bin into buf. */
void ompk_shard_path(const char *dir, uint64_t i, char *buf, size_t len);

/* Payload bytes of one shard: N * 8 for sumsq, N for checksum; 0 on overflow. */
uint64_t ompk_shard_bytes(const struct ompk_loader_config *c);

/* What --shard-len counts for kernel k: "values" (sumsq) or "bytes"; NULL if not loadable. */
const char *ompk_shard_unit(const struct ompk_kernel *k);

/* 1 when io_uring_setup works here (with the opcodes the loader needs), else -errno. */
int ompk_uring_available(void);

#endif
