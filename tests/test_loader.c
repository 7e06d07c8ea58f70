/*
 * test_loader.c - the shard loader (src/io/loader*.c): both backends give the
 * result of the sequential kernel run on all the data at once, for shard
 * counts {1, 3, 4, 64, 1000} and in-flight limits {1, 2, S}, synthetic
 * payloads and shard files; short reads (a FIFO written a few bytes at a
 * time; cut short or going on past its end, refused; not reread by the
 * oracle); buffers reused across many more shards than buffers, never
 * more than 2 x inflight of them, and registered with the ring (io_uring
 * reads them with READ_FIXED); missing, truncated and foreign files;
 * more requests than the submission queue holds; io_uring switched off by
 * a seccomp filter in a child (the fallback, reported by the library and
 * the binary's notice); and, structurally only, that overlapped fetches
 * overlap.
 *
 * Under valgrind (detected by its LD_PRELOAD, or OMPK_TEST_SMALL=1) the
 * sizes shrink and only the threads backend runs (see first_backend).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <liburing.h>
#include <seccomp.h>

#include "ompkit/driver.h"
#include "ompkit/heartbeat.h"
#include "ompkit/loader.h"
#include "ompkit/registry.h"
#include "test_util.h"
#include "uring_bufs.h" /* src/io/: the ring's registered buffers */

#ifndef OMPK_BIN_DIR
#define OMPK_BIN_DIR "bin"
#endif

static bool small;
static char tmpdir[200];

/*
 * Valgrind (3.19) keeps its thread lock while a thread blocks in
 * io_uring_enter, so the compute thread never runs and the uring backend
 * deadlocks under it: under valgrind only the threads backend runs (the
 * uring path is covered by ASan/UBSan, make check-san).
 */
static enum ompk_backend first_backend(void)
{
	return small ? OMPK_BACKEND_THREADS : OMPK_BACKEND_URING;
}

static void config(struct ompk_loader_config *c, const char *kernel, uint64_t s, uint64_t n,
		   uint64_t k)
{
	memset(c, 0, sizeof(*c));
	c->kernel = ompk_kernel_find(kernel);
	assert_non_null(c->kernel);
	c->shards = s;
	c->shard_len = n;
	c->inflight = k;
	c->latency_ns = 200000; /* 0.2 ms */
	c->variant = OMPK_OMP;
	c->threads = 2;
	c->backend = first_backend();
}

/* The sequential kernel on all the data at once: [0, S*N) or S buffers of N bytes. */
static void direct(const struct ompk_loader_config *c, struct ompk_result *out)
{
	struct ompk_job job;
	char msg[256];

	memset(out, 0, sizeof(*out));
	ompk_job_init(&job, c->kernel);
	job.threads = 1;
	if (strcmp(c->kernel->name, "sumsq") == 0) {
		job.p[ompk_param_index(c->kernel, "from")] = 0;
		job.p[ompk_param_index(c->kernel, "to")] = c->shards * c->shard_len;
	} else {
		job.p[ompk_param_index(c->kernel, "buffers")] = c->shards;
		job.p[ompk_param_index(c->kernel, "size")] = c->shard_len;
	}
	assert_int_equal(c->kernel->prepare(&job, msg, sizeof(msg)), 0);
	assert_int_equal(c->kernel->run(&job, OMPK_SEQ, out), 0);
	c->kernel->release(&job);
}

/* A run that must succeed with the sequential kernel's result; its stats into *st (free them). */
static void run_stats(const struct ompk_loader_config *c, struct ompk_loader_stats *st)
{
	struct ompk_result want;
	char msg[4352] = "";
	int err = ompk_loader_run(c, st, msg, sizeof(msg));

	if (err)
		fail_msg("S=%llu K=%llu %s %s: %s", (unsigned long long)c->shards,
			 (unsigned long long)c->inflight, ompk_backend_name(c->backend),
			 c->dir ? "files" : "synthetic", msg);
	direct(c, &want);
	assert_true(ompk_result_equal(&st->result, &want));
	assert_int_equal(st->backend, c->backend);
	for (uint64_t i = 0; i < c->shards; i++) {
		assert_true(st->fetch_done[i] >=
			    (double)c->latency_ns * 1e-9); /* no fetch shorter than its latency */
		assert_true(st->compute_done[i] >= st->fetch_done[i]);
	}
	/* The memory bound: K fetching and K waiting for the kernel at most. */
	assert_true(st->buffers <= 2 * c->inflight);
	ompk_result_free(&want);
}

static void run_ok(const struct ompk_loader_config *c)
{
	struct ompk_loader_stats st;

	run_stats(c, &st);
	ompk_loader_stats_free(&st);
}

static void make_dir(const struct ompk_loader_config *c, const char *name, char *dir, size_t len)
{
	struct ompk_loader_config w = *c;
	char msg[4352];

	snprintf(dir, len, "%s/%s", tmpdir, name);
	w.dir = dir;
	if (ompk_shards_write(&w, msg, sizeof(msg)))
		fail_msg("%s", msg);
}

static void test_backends_match_direct(void **state)
{
	static const uint64_t ss[] = { 1, 3, 4, 64, 1000 };
	static const char *const kernels[] = { "sumsq", "checksum" };

	(void)state;
	for (size_t ki = 0; ki < 2; ki++)
		for (size_t si = 0; si < 5; si++) {
			const uint64_t s = ss[si], ks[] = { 1, 2, s };
			struct ompk_loader_config c;
			char name[64], dir[512];

			if (small && s > 64)
				continue;
			config(&c, kernels[ki], s, ki == 0 ? 37 : 301, 1);
			if (s >= 1000)
				c.latency_ns = 20000; /* K=1: 1000 waits one after another */
			snprintf(name, sizeof(name), "%s-%llu", kernels[ki], (unsigned long long)s);
			make_dir(&c, name, dir, sizeof(dir));
			for (size_t kk = 0; kk < 3; kk++)
				for (int b = first_backend(); b <= OMPK_BACKEND_THREADS; b++)
					for (int files = 0; files < 2; files++) {
						c.inflight = ks[kk];
						c.backend = (enum ompk_backend)b;
						c.dir = files ? dir : NULL;
						run_ok(&c);
					}
		}
}

/*
 * Many small synthetic shards: the loader starts them in spans (one timer,
 * one buffer and one kernel call for up to thousands of shards), so the
 * spans' edges must fall anywhere: S and K not multiples of a span, K
 * smaller than a span, shards of 0 and of many values. Every result is the
 * sequential kernel's over all the data at once, and run_ok's timeline
 * checks hold per shard.
 */
static void test_many_small_shards(void **state)
{
	static const struct {
		uint64_t s, n, k;
	} cases[] = { { 100003, 8, 100003 }, { 100003, 8, 4097 }, { 10007, 1, 1500 },
		      { 301, 8, 3 },	     { 5000, 0, 5000 },	  { 2000, 9000, 2000 } };
	static const char *const kernels[] = { "sumsq", "checksum" };

	(void)state;
	for (size_t ki = 0; ki < 2; ki++)
		for (size_t i = 0; i < OMPK_COUNT(cases); i++)
			for (int b = first_backend(); b <= OMPK_BACKEND_THREADS; b++) {
				struct ompk_loader_config c;

				if (small && cases[i].s > 20000)
					continue;
				config(&c, kernels[ki], cases[i].s, cases[i].n, cases[i].k);
				c.backend = (enum ompk_backend)b;
				run_ok(&c);
			}
}

/* Variants, serial mode, an empty shard length, reads in small blocks. */
static void test_variants_serial_blocks(void **state)
{
	struct ompk_loader_config c;
	char dir[512];

	(void)state;
	config(&c, "sumsq", 5, 1000, 3);
	make_dir(&c, "var", dir, sizeof(dir));
	for (int v = 0; v < OMPK_VARIANT_COUNT; v++) {
		c.variant = (enum ompk_variant)v;
		c.serial = v == OMPK_SEQ;
		c.dir = v == OMPK_FAST ? dir : NULL;
		run_ok(&c);
	}
	c.dir = dir;
	c.read_block = 24; /* header + 1 value per read: many resubmissions */
	c.variant = OMPK_OMP;
	run_ok(&c);
	c.backend = OMPK_BACKEND_THREADS;
	run_ok(&c);
	config(&c, "checksum", 3, 0, 2);
	run_ok(&c);
}

/* Does this kernel register buffers into a sparse table (5.19+)? */
static bool sparse_buffers(void)
{
	struct io_uring ring;
	bool ok;

	if (small || io_uring_queue_init(2, &ring, 0) != 0)
		return false;
	ok = io_uring_register_buffers_sparse(&ring, 1) == 0;
	io_uring_queue_exit(&ring);
	return ok;
}

/*
 * Buffer reuse: 400 shard files (100 under valgrind; 40,016 bytes each)
 * through K = 4 fetches in flight, read in blocks of 1,000 bytes (41
 * reads a shard; under io_uring the K read slots straddle shards), on a
 * team of 2 and of 1. So
 * each pool buffer is read into, computed on and read into again dozens
 * of times, and a buffer handed to the kernel while a read into it is
 * still in flight, or read into before its kernel is done, would change
 * the result, which must be the sequential kernel's over all the data
 * (run_stats; ASan sees a buffer used after it was freed, make
 * check-san). At most 2K buffers are made, far fewer than S; under
 * io_uring they are registered with the ring where the kernel can.
 */
static void test_buffer_reuse(void **state)
{
	static const char *const kernels[] = { "sumsq", "checksum" };
	const uint64_t shards = small ? 100 : 400, k = 4;
	const bool sparse = sparse_buffers();

	(void)state;
	for (size_t ki = 0; ki < 2; ki++) {
		struct ompk_loader_config c;
		char name[64], dir[512];

		config(&c, kernels[ki], shards, ki == 0 ? 5000 : 40000, k);
		snprintf(name, sizeof(name), "reuse-%s", kernels[ki]);
		make_dir(&c, name, dir, sizeof(dir));
		c.dir = dir;
		c.read_block = 1000;
		c.latency_ns = 0;
		for (int b = first_backend(); b <= OMPK_BACKEND_THREADS; b++)
			for (int team = 1; team <= 2; team++) {
				struct ompk_loader_stats st;

				c.backend = (enum ompk_backend)b;
				c.threads = team;
				run_stats(&c, &st);
				assert_true(st.buffers >= 1);
				assert_true(st.buffers * 10 < shards);
				if (b == OMPK_BACKEND_URING && sparse)
					assert_true(st.buffers_registered >= 1 &&
						    st.buffers_registered <= st.buffers);
				else
					assert_int_equal(st.buffers_registered, 0);
				ompk_loader_stats_free(&st);
			}
	}
}

/*
 * The ring's registered buffers (src/io/uring_bufs.c): a buffer gets the
 * next slot the first time and the same slot after; a full table and a
 * refused registration answer -1 (a plain read), and once refused the
 * table registers nothing more; a READ_FIXED into a registered slot reads
 * the file's bytes at the address asked, inside the buffer.
 */
static void test_uring_bufs(void **state)
{
	struct ompk_uring_bufs b;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	uint8_t *buf[3], data[3000];
	char path[300];
	int fd;

	(void)state;
	if (!sparse_buffers())
		skip();
	for (int i = 0; i < 3; i++) {
		buf[i] = aligned_alloc(4096, 8192);
		assert_non_null(buf[i]);
		memset(buf[i], 0xee, 8192);
	}
	assert_int_equal(io_uring_queue_init(4, &ring, 0), 0);
	assert_int_equal(ompk__uring_bufs_init(&b, &ring, 2), 0);
	assert_int_equal(ompk__uring_bufs_slot(&b, buf[0], 8192), 0);
	assert_int_equal(ompk__uring_bufs_slot(&b, buf[1], 8192), 1);
	assert_int_equal(ompk__uring_bufs_slot(&b, buf[0], 8192), 0);
	assert_int_equal(ompk__uring_bufs_slot(&b, buf[2], 8192), -1); /* full */
	assert_int_equal(ompk__uring_bufs_slot(&b, buf[1], 8192), 1);

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	snprintf(path, sizeof(path), "%s/fixed.bin", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	sqe = io_uring_get_sqe(&ring);
	assert_non_null(sqe);
	io_uring_prep_read_fixed(sqe, fd, buf[1] + 100, 2000, 500, 1);
	assert_int_equal(io_uring_submit_and_wait(&ring, 1), 1);
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), 0);
	assert_int_equal(cqe->res, 2000);
	io_uring_cqe_seen(&ring, cqe);
	close(fd);
	unlink(path);
	assert_memory_equal(buf[1] + 100, data + 500, 2000);
	assert_int_equal(buf[1][99], 0xee);
	assert_int_equal(buf[1][2100], 0xee);
	ompk__uring_bufs_free(&b);

	/* Refused (an address with nothing mapped): -1, and nothing registered after it. */
	assert_int_equal(ompk__uring_bufs_init(&b, &ring, 4), -EBUSY); /* the ring has a table */
	assert_int_equal(ompk__uring_bufs_slot(&b, buf[2], 8192), -1); /* so none here */
	assert_int_equal(io_uring_unregister_buffers(&ring), 0);
	assert_int_equal(ompk__uring_bufs_init(&b, &ring, 4), 0);
	assert_int_equal(ompk__uring_bufs_slot(&b, (void *)(uintptr_t)4096, 8192), -1);
	assert_int_equal(ompk__uring_bufs_slot(&b, buf[2], 8192), -1);
	assert_int_equal(b.used, 0);
	ompk__uring_bufs_free(&b);
	io_uring_queue_exit(&ring);
	for (int i = 0; i < 3; i++)
		free(buf[i]);
}

/* More requests than the submission queue has entries: get_sqe returns NULL on the way. */
static void test_sq_overflow(void **state)
{
	struct ompk_loader_config c;
	struct ompk_loader_stats st;
	char msg[4352];

	(void)state;
	if (small)
		skip();
	config(&c, "sumsq", 6000, 3, 6000);
	c.latency_ns = 1000000;
	run_ok(&c);
	assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), 0);
	assert_true(st.ring_entries < c.shards); /* the case is really exercised */
	assert_true(st.cq_entries > c.shards);
	ompk_loader_stats_free(&st);
}

struct fifo_writer {
	char path[1024];
	size_t bytes; /* to write, of the full shard */
	size_t chunk;
	uint8_t *data;
};

static void *fifo_write(void *arg)
{
	struct fifo_writer *w = arg;
	int fd = open(w->path, O_WRONLY);

	if (fd < 0)
		return NULL;
	for (size_t off = 0; off < w->bytes; off += w->chunk) {
		size_t n = w->bytes - off < w->chunk ? w->bytes - off : w->chunk;
		struct timespec ts = { 0, 200000 };

		if (write(fd, w->data + off, n) != (ssize_t)n)
			break;
		nanosleep(&ts, NULL); /* the reader sees a few bytes at a time */
	}
	close(fd);
	return NULL;
}

/*
 * Shard 0 is a FIFO fed 7 bytes at a time: full, cut short (delta < 0) or with bytes past its end
 * (delta > 0).
 */
static int fifo_run(enum ompk_backend b, long delta, struct ompk_loader_stats *st, char *msg,
		    size_t len)
{
	struct ompk_loader_config c;
	struct fifo_writer w;
	char dir[512], file[600];
	pthread_t t;
	int fd, err;

	config(&c, "sumsq", 2, 40, 2);
	c.backend = b;
	make_dir(&c, "fifo", dir, sizeof(dir));
	ompk_shard_path(dir, 0, file, sizeof(file));
	w.bytes = OMPK_SHARD_HEADER + 40 * 8;
	w.data = calloc(1, w.bytes + 64);
	assert_non_null(w.data);
	fd = open(file, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, w.data, w.bytes), (ssize_t)w.bytes);
	close(fd);
	unlink(file);
	assert_int_equal(mkfifo(file, 0600), 0);
	snprintf(w.path, sizeof(w.path), "%s", file);
	w.chunk = 7;
	w.bytes = (size_t)((long)w.bytes + delta);
	assert_int_equal(pthread_create(&t, NULL, fifo_write, &w), 0);
	c.dir = dir;
	err = ompk_loader_run(&c, st, msg, len);
	pthread_join(t, NULL);
	free(w.data);
	unlink(file);
	if (!err) {
		struct ompk_result want = { 0 };
		const char *method;
		char m2[4352];

		direct(&c, &want);
		assert_true(ompk_result_equal(&st->result, &want));
		ompk_result_free(&want);
		/*
		 * The oracle cannot read the FIFO again: it says so at once (no wait for a writer).
		 */
		assert_int_equal(mkfifo(file, 0600), 0);
		assert_int_equal(ompk_loader_expect(&c, &want, &method, m2, sizeof(m2)), -ESPIPE);
		assert_non_null(strstr(m2, "shard-000000.bin is a stream"));
		ompk_result_free(&want);
		unlink(file);
	}
	return err;
}

static void test_short_reads_fifo(void **state)
{
	struct ompk_loader_stats st;
	char msg[4352];

	(void)state;
	for (int b = first_backend(); b <= OMPK_BACKEND_THREADS; b++) {
		assert_int_equal(fifo_run((enum ompk_backend)b, 0, &st, msg, sizeof(msg)), 0);
		ompk_loader_stats_free(&st);
		/* Cut short: an error naming the file and both byte counts, never zero-filled. */
		assert_int_equal(fifo_run((enum ompk_backend)b, -100, &st, msg, sizeof(msg)),
				 -EINVAL);
		assert_non_null(strstr(msg, "shard-000000.bin: 236 bytes, 336 announced"));
		ompk_loader_stats_free(&st);
		/* Going on past its end: refused as a regular file of that size is. */
		assert_int_equal(fifo_run((enum ompk_backend)b, 5, &st, msg, sizeof(msg)), -EINVAL);
		assert_non_null(strstr(msg, "shard-000000.bin: more than the 336 bytes announced"));
		ompk_loader_stats_free(&st);
	}
}

static void test_bad_files(void **state)
{
	/* A shard file of the checksum kernel: a 16-byte header and 1000 payload bytes. */
	static const struct {
		uint64_t shard;
		off_t bytes;
		const char *msg;
	} wrong_sizes[] = {
		{ 2, 500, "shard-000002.bin: 500 bytes, 1016 expected" },
		{ 3, 1017, "shard-000003.bin: 1017 bytes, 1016 expected" },
	};
	struct ompk_loader_config c;
	struct ompk_loader_stats st;
	char dir[512], file[600], msg[4352];

	(void)state;
	for (int b = first_backend(); b <= OMPK_BACKEND_THREADS; b++) {
		config(&c, "checksum", 4, 1000, 4);
		c.backend = (enum ompk_backend)b;
		make_dir(&c, "bad", dir, sizeof(dir));
		c.dir = dir;
		/* missing shard */
		c.shards = 5;
		assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), -ENOENT);
		assert_non_null(strstr(msg, "shard-000004.bin"));
		ompk_loader_stats_free(&st);
		c.shards = 4;
		/* truncated, and longer than announced: each file named with both sizes */
		for (size_t i = 0; i < OMPK_COUNT(wrong_sizes); i++) {
			make_dir(&c, "bad", dir, sizeof(dir));
			ompk_shard_path(dir, wrong_sizes[i].shard, file, sizeof(file));
			assert_int_equal(truncate(file, wrong_sizes[i].bytes), 0);
			assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), -EINVAL);
			assert_non_null(strstr(msg, wrong_sizes[i].msg));
			ompk_loader_stats_free(&st);
		}
		/* the right size, but its header announces another length */
		make_dir(&c, "bad", dir, sizeof(dir));
		{
			const uint64_t le = htole64(999);
			int fd = open(file, O_WRONLY);

			assert_true(fd >= 0);
			assert_int_equal(pwrite(fd, &le, 8, 8), 8);
			close(fd);
		}
		assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), -EINVAL);
		assert_non_null(strstr(msg, "shard-000003.bin: announces 999 payload bytes"));
		ompk_loader_stats_free(&st);
		/* another shard length than the files announce */
		make_dir(&c, "bad", dir, sizeof(dir));
		c.shard_len = 999;
		assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), -EINVAL);
		ompk_loader_stats_free(&st);
		c.shard_len = 1000;
		/* not a shard file: right size, wrong magic */
		ompk_shard_path(dir, 1, file, sizeof(file));
		{
			int fd = open(file, O_WRONLY);

			assert_true(fd >= 0);
			assert_int_equal(write(fd, "NOTSHARD", 8), 8);
			close(fd);
		}
		assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), -EINVAL);
		assert_non_null(strstr(msg, "shard-000001.bin: not a shard file"));
		ompk_loader_stats_free(&st);
		/* a directory where a shard should be */
		unlink(file);
		assert_int_equal(mkdir(file, 0700), 0);
		assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), -EISDIR);
		ompk_loader_stats_free(&st);
		rmdir(file);
		/* missing directory */
		c.dir = "/nonexistent/ompk-shards";
		assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), -ENOENT);
		assert_non_null(strstr(msg, "/nonexistent/ompk-shards"));
		ompk_loader_stats_free(&st);
	}
	/* zero shards or zero in flight are refused */
	config(&c, "sumsq", 0, 10, 1);
	assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), -EINVAL);
	ompk_loader_stats_free(&st);
	config(&c, "sumsq", 3, 10, 0);
	assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), -EINVAL);
	ompk_loader_stats_free(&st);
}

/*
 * The trap the loader avoids by chaining: a plain timeout linked before a
 * request breaks the link when it expires, and the request is cancelled.
 * With IORING_TIMEOUT_ETIME_SUCCESS (5.16+) the link holds.
 */
static int link_nop_res(unsigned flags)
{
	struct io_uring ring;
	struct __kernel_timespec ts = { 0, 1000000 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int res = 1;

	assert_int_equal(io_uring_queue_init(4, &ring, 0), 0);
	sqe = io_uring_get_sqe(&ring);
	assert_non_null(sqe);
	io_uring_prep_timeout(sqe, &ts, 0, flags);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(&ring);
	assert_non_null(sqe);
	io_uring_prep_nop(sqe);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(io_uring_wait_cqe(&ring, &cqe), 0);
		if (cqe->user_data == 2)
			res = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	return res;
}

static void test_linked_timeout_trap(void **state)
{
	int r;

	(void)state;
	if (small || ompk_uring_available() != 1)
		skip();
	assert_int_equal(link_nop_res(0), -ECANCELED);
	r = link_nop_res(IORING_TIMEOUT_ETIME_SUCCESS);
	assert_true(r == 0 ||
		    r == -ECANCELED); /* -ECANCELED: the kernel ignores the flag (< 5.16) */
}

/*
 * In a child: io_uring_setup fails with ENOSYS; auto falls back, uring is refused, the binary says
 * so once.
 */
static void test_fallback_seccomp(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
		struct ompk_loader_config c;
		struct ompk_loader_stats st;
		struct ompk_result want;
		char msg[4352];
		int bad = 0;

		if (!f ||
		    seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(io_uring_setup), 0) ||
		    seccomp_load(f))
			_exit(10);
		seccomp_release(f);
		config(&c, "sumsq", 4, 1000, 4);
		c.backend = OMPK_BACKEND_AUTO;
		bad |= ompk_loader_run(&c, &st, msg, sizeof(msg)) != 0;
		direct(&c, &want);
		bad |= !ompk_result_equal(&st.result, &want) << 1;
		bad |= (st.backend != OMPK_BACKEND_THREADS || st.fallback_err != -ENOSYS) << 2;
		ompk_result_free(&want);
		ompk_loader_stats_free(&st);
		c.backend = OMPK_BACKEND_URING;
		bad |= (ompk_loader_run(&c, &st, msg, sizeof(msg)) != -ENOSYS) << 3;
		ompk_loader_stats_free(&st);
		bad |= (ompk_uring_available() != -ENOSYS) << 4;
		_exit(bad);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * One rule for when io_uring counts as refused, shared by the loader and
 * the heartbeat: in a child whose io_uring_setup fails with err, the
 * loader's auto falls back to threads exactly when the heartbeat's auto
 * falls back to epoll, and both do for ENOSYS, EPERM, EACCES and
 * EOPNOTSUPP (a refusal) and neither for ENOMEM or EFAULT (a failure to
 * report). The heartbeat took only ENOSYS and EPERM before.
 */
struct refusal {
	int err;
	bool fallback;
};

static int refused_child(const void *arg)
{
	const struct refusal *r = arg;
	int err = r->err;
	bool want_fallback = r->fallback;
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
	struct ompk_loader_config c;
	struct ompk_loader_stats st;
	struct ompk_hb_config hc;
	struct ompk_hb_result hr;
	char msg[4352];
	int lerr, herr, bad = 0;

	if (!f || seccomp_rule_add(f, SCMP_ACT_ERRNO(err), SCMP_SYS(io_uring_setup), 0) ||
	    seccomp_load(f))
		return 100;
	seccomp_release(f);
	config(&c, "checksum", 3, 100, 3);
	c.backend = OMPK_BACKEND_AUTO;
	lerr = ompk_loader_run(&c, &st, msg, sizeof(msg));
	if (want_fallback)
		bad |= (lerr != 0 || st.backend != OMPK_BACKEND_THREADS || st.fallback_err != -err)
		       << 0;
	else
		bad |= (lerr != -err || msg[0] == '\0') << 1;
	ompk_loader_stats_free(&st);

	ompk_hb_config_default(&hc);
	hc.tick_ns = 1000000;
	hc.ticks = 1;
	hc.block_ns = 0;
	herr = ompk_hb_run(&hc, &hr);
	if (want_fallback)
		bad |= (herr != 0 || hr.loop != OMPK_HB_LOOP_EPOLL || hr.uring_err != -err) << 2;
	else
		bad |= (herr != -err) << 3;
	if (herr == 0)
		ompk_hb_result_free(&hr);
	return bad;
}

static void test_refused_rule(void **state)
{
	static const struct refusal cases[] = { { ENOSYS, true },  { EPERM, true },
						{ EACCES, true },  { EOPNOTSUPP, true },
						{ ENOMEM, false }, { EFAULT, false } };

	(void)state;
	for (size_t i = 0; i < OMPK_COUNT(cases); i++) {
		int status = ompk_test_child_exit(refused_child, &cases[i]);

		if (status != 0)
			fail_msg("io_uring_setup failing with %s: check bits %d (1, 2: loader; 4, "
				 "8: heartbeat)",
				 strerror(cases[i].err), status);
	}
}

/* The binary under the same filter: the result and exactly one notice on stderr. */
static void test_fallback_binary(void **state)
{
	char out[600], errf[600], cmd[2048], buf[4096];
	pid_t pid;
	int status;
	FILE *f;
	size_t n;

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s/pipeline", OMPK_BIN_DIR);
	if (access(cmd, X_OK) != 0)
		skip();
	snprintf(out, sizeof(out), "%s/fb.out", tmpdir);
	snprintf(errf, sizeof(errf), "%s/fb.err", tmpdir);
	pid = ompk_test_fork_output(out, errf);
	if (pid == 0) {
		scmp_filter_ctx sf = seccomp_init(SCMP_ACT_ALLOW);

		if (!sf ||
		    seccomp_rule_add(sf, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(io_uring_setup), 0) ||
		    seccomp_load(sf))
			_exit(10);
		execl(cmd, "pipeline", "-q", "--latency-ms", "5", "--repeat", "3", (char *)NULL);
		_exit(11);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	f = fopen(out, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, "333332833333500000\n");
	f = fopen(errf, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "io_uring is not available here (Function not implemented); "
				    "using the threads backend"));
	assert_null(strchr(buf, '\n') == NULL ? NULL
					      : strchr(strchr(buf, '\n') + 1, '\n')); /* one line */
}

/* Structural timing only: 8 fetches of 200 ms overlapped end well before the 1.6 s of serial. */
static void test_overlap_structure(void **state)
{
	struct ompk_loader_config c;
	struct ompk_loader_stats st;
	char msg[4352];

	(void)state;
	for (int b = first_backend(); b <= OMPK_BACKEND_THREADS; b++) {
		config(&c, "sumsq", 8, 1000, 8);
		c.latency_ns = 200000000;
		c.backend = (enum ompk_backend)b;
		assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), 0);
		assert_true(st.wall_s >= 0.2);
		assert_true(st.wall_s < 1.0);
		assert_true(st.overlap > 1.5);
		ompk_loader_stats_free(&st);
		c.serial = true;
		assert_int_equal(ompk_loader_run(&c, &st, msg, sizeof(msg)), 0);
		assert_true(st.wall_s >= 1.6);
		for (int i = 1; i < 8;
		     i++) /* one after another: shard i lands after shard i-1 was computed */
			assert_true(st.fetch_done[i] >= st.compute_done[i - 1] + 0.2);
		ompk_loader_stats_free(&st);
	}
}

/* The oracle: closed forms for synthetic shards, the kernels' oracles on files. */
static void test_expect(void **state)
{
	struct ompk_loader_config c;
	struct ompk_result r = { 0 };
	const char *m;
	char msg[4352], dir[512];

	(void)state;
	config(&c, "sumsq", 4, 250000, 4);
	assert_int_equal(ompk_loader_expect(&c, &r, &m, msg, sizeof(msg)), 0);
	assert_int_equal(r.f[0].v[0], 333332833333500000ull);
	ompk_result_free(&r);
	config(&c, "checksum", 4, 1000000, 4);
	assert_int_equal(ompk_loader_expect(&c, &r, &m, msg, sizeof(msg)), 0);
	assert_int_equal(r.f[0].v[0], 0);
	assert_int_equal(r.f[0].v[1], 15279771427360356480ull);
	assert_int_equal(r.f[0].v[2], 12112798781011161344ull);
	assert_int_equal(r.f[0].v[3], 8945826134661966208ull);
	ompk_result_free(&r);
	config(&c, "checksum", 4, small ? 1000 : 1000000, 4);
	make_dir(&c, "expect", dir, sizeof(dir));
	c.dir = dir;
	assert_int_equal(ompk_loader_expect(&c, &r, &m, msg, sizeof(msg)), 0);
	c.dir = NULL;
	{
		struct ompk_result want;

		direct(&c, &want);
		assert_true(ompk_result_equal(&r, &want));
		ompk_result_free(&want);
	}
	ompk_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backends_match_direct),
		cmocka_unit_test(test_many_small_shards),
		cmocka_unit_test(test_variants_serial_blocks),
		cmocka_unit_test(test_buffer_reuse),
		cmocka_unit_test(test_uring_bufs),
		cmocka_unit_test(test_sq_overflow),
		cmocka_unit_test(test_short_reads_fifo),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_linked_timeout_trap),
		cmocka_unit_test(test_fallback_seccomp),
		cmocka_unit_test(test_fallback_binary),
		cmocka_unit_test(test_refused_rule),
		cmocka_unit_test(test_overlap_structure),
		cmocka_unit_test(test_expect),
	};
	char cmd[300];
	int rc;

	small = ompk_test_under_valgrind();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ompk-loader-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return rc;
}
