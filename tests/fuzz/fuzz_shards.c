/*
 * fuzz_shards.c - fuzz target for the loader's shard-file reader:
 * ompk_loader_run with a source directory, on both backends, against
 * ompk_loader_expect (plain reads and the kernel's own oracle).
 *
 * Input: three control bytes, then the bytes of the shards, split evenly
 * over them (the last one takes the remainder), as DIR/shard-NNNNNN.bin in
 * a private directory made once per process (under /dev/shm when there is
 * one) and removed at exit.
 *   byte 0: bit 0 kernel (sumsq, checksum); bit 1 backend (uring,
 *           threads); bits 2-3 shards (1 + value % 3); bits 4-6 read_block
 *           (0 = whole file, or a few bytes so that a shard takes many
 *           short reads; only uring splits its reads); bit 7 inflight (1
 *           or one per shard).
 *   byte 1: bits 0-1 where --shard-len comes from: shard 0's announced
 *           length or its actual payload length, in the kernel's units
 *           (u64 values for sumsq), or the announced length taken as the
 *           unit count unconverted (huge and overflowing values); bits 2-3
 *           an adjustment (0, 0, +1, -1, wrapping); bits 4-5 the variant
 *           (seq, omp, fast, omp); bit 6 threads (1, 2); bit 7 serial.
 *   byte 2: bit i set: shard i is a stream, not a regular file - a
 *           symlink to /proc/self/fd/N, the read end of a pipe holding its
 *           bytes, writer closed - so that its size is unknown up front
 *           and a short shard shows only as a read returning 0; bit 3: the
 *           last shard is missing; bit 4: it is a directory.
 * Latency is 0, so a run costs only its threads and reads.
 *
 * Invariants (abort on violation): the run is accepted exactly when every
 * shard is "OMPKSHD1" + u64 LE length + payload, with the announced and
 * the actual payload length both what --shard-len asks (for sumsq 8 * N,
 * so a multiple of 8 that does not overflow), streams included (the
 * loader reads one byte past a stream's announced end, which must not
 * come). An accepted run reports the backend asked for and equals
 * ompk_loader_expect over the same bytes as regular files (a stream
 * cannot be read twice); a rejected one returns -errno and a one-line
 * message naming a shard file or a flag; no descriptor is left open
 * (ASan/LSan watch the memory).
 *
 * Under valgrind (LD_PRELOAD names vgpreload) or where io_uring_setup
 * fails, every run uses the threads backend: valgrind 3.19 deadlocks in
 * io_uring_enter (see the Makefile's check-valgrind).
 *
 * Built with libFuzzer by `make fuzz` (with tests/fuzz/entry.c), and replayed over
 * the committed corpus by tests/test_fuzz_corpus.c in `make test`.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* test_util.h asserts with cmocka (unused here, but declared) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ompkit/loader.h"
#include "ompkit/registry.h"
#include "../test_util.h"

#define SHARDS_MAX 3
#define SHARDS_CONTROL 3
/* Below a pipe's default 64 KiB, so that a stream's bytes fit in its pipe before the run. */
#define SHARDS_INPUT_MAX (60u << 10)

static char shards_dir[256];
static bool shards_uring; /* the uring backend may run here */

static void shards_cleanup(void)
{
	char path[512];

	for (uint64_t i = 0; i < SHARDS_MAX; i++) {
		ompk_shard_path(shards_dir, i, path, sizeof(path));
		if (unlink(path) < 0)
			rmdir(path);
	}
	rmdir(shards_dir);
}

/* The private directory, made on the first call. 0, or -1 when none can be made. */
static int shards_setup(void)
{
	const char *base = getenv("TMPDIR"), *pre = getenv("LD_PRELOAD");

	if (shards_dir[0])
		return 0;
	if (access("/dev/shm", W_OK) == 0)
		base = "/dev/shm";
	else if (!base || !base[0])
		base = "/tmp";
	snprintf(shards_dir, sizeof(shards_dir), "%s/ompk-fuzz-shards-XXXXXX", base);
	if (!mkdtemp(shards_dir)) {
		shards_dir[0] = '\0';
		return -1;
	}
	atexit(shards_cleanup);
	ompk_test_load_unwinder(); /* before the descriptors are counted */
	shards_uring = !(pre && strstr(pre, "vgpreload")) && ompk_uring_available() == 1;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

enum shard_kind { SHARD_FILE, SHARD_STREAM, SHARD_MISSING, SHARD_DIR };

/*
 * Makes path hold n bytes: a regular file, or (stream) a symlink to the
 * read end of a pipe already holding them, whose descriptor goes to *rfd;
 * or makes it missing or a directory. The old entry goes first: writing
 * through a stale symlink would write into whatever that descriptor
 * number is now. 0 or -1.
 */
static int make_shard(const char *path, const uint8_t *p, size_t n, enum shard_kind kind, int *rfd)
{
	char target[64];
	int fd[2], err;

	if (unlink(path) < 0)
		rmdir(path);
	if (kind == SHARD_MISSING)
		return 0;
	if (kind == SHARD_DIR)
		return mkdir(path, 0700);
	if (kind == SHARD_FILE) {
		int w = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (w < 0)
			return -1;
		if (write_all(w, p, n) < 0) {
			close(w);
			return -1;
		}
		return close(w);
	}
	if (pipe2(fd, O_CLOEXEC) < 0)
		return -1;
	/*
	 * A full pipe (its size cut by pipe-user-pages-soft) fails the write rather than hanging.
	 */
	fcntl(fd[1], F_SETFL, O_NONBLOCK);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd[0]);
	err = write_all(fd[1], p, n);
	close(fd[1]);
	if (err < 0 || symlink(target, path) < 0) {
		close(fd[0]);
		return -1;
	}
	*rfd = fd[0];
	return 0;
}

/* The u64 LE at offset 8 of f, the bytes past its end read as 0. */
static uint64_t announced(const uint8_t *f, size_t n)
{
	uint8_t b[8] = { 0 };
	uint64_t v;

	if (n > 8)
		memcpy(b, f + 8, n - 8 < 8 ? n - 8 : 8);
	memcpy(&v, b, 8);
	return le64toh(v);
}

/* Is f a shard of need payload bytes? */
static bool well_formed(const uint8_t *f, size_t n, uint64_t need, enum shard_kind kind)
{
	if (kind == SHARD_MISSING || kind == SHARD_DIR)
		return false;
	if (n < OMPK_SHARD_HEADER || n - OMPK_SHARD_HEADER != need)
		return false;
	return memcmp(f, OMPK_SHARD_MAGIC, 8) == 0 && announced(f, n) == need;
}

/*
 * Which of the FDS_WINDOW descriptors from base are open. A run's
 * descriptors take the lowest free numbers, so one it leaves open shows
 * in the window that starts at the lowest free one (that number alone
 * misses a leak when a lower one, the eventfd say, was closed). Probed
 * with fcntl, not /proc/self/fd: a syscall costs microseconds in a VM.
 */
#define FDS_WINDOW 32

static int lowest_free_fd(void)
{
	int fd = 0;

	while (fcntl(fd, F_GETFD) >= 0)
		fd++;
	return fd;
}

static void open_fds(int base, bool set[FDS_WINDOW])
{
	for (int i = 0; i < FDS_WINDOW; i++)
		set[i] = fcntl(base + i, F_GETFD) >= 0;
}

struct shard_files {
	uint64_t n;
	const uint8_t *f[SHARDS_MAX];
	size_t len[SHARDS_MAX];
	enum shard_kind kind[SHARDS_MAX];
	int rfd[SHARDS_MAX]; /* streams: the pipe's read end, else -1 */
};

static void close_streams(struct shard_files *s)
{
	for (uint64_t i = 0; i < s->n; i++) {
		if (s->rfd[i] >= 0)
			close(s->rfd[i]);
		s->rfd[i] = -1;
	}
}

/* Writes the shards (again: a stream is used up by one reader). 0 or -1. */
static int make_shards(struct shard_files *s)
{
	char path[512];

	close_streams(s);
	for (uint64_t i = 0; i < s->n; i++) {
		ompk_shard_path(shards_dir, i, path, sizeof(path));
		if (make_shard(path, s->f[i], s->len[i], s->kind[i], &s->rfd[i]) < 0)
			return -1;
	}
	return 0;
}

int fuzz_shards(const uint8_t *data, size_t size)
{
	static const size_t blocks[] = { 0, 1, 3, 8, 16, 17, 100, 4096 };
	static const enum ompk_variant variants[] = { OMPK_SEQ, OMPK_OMP, OMPK_FAST, OMPK_OMP };
	struct ompk_loader_config c = { 0 };
	struct ompk_loader_stats st;
	struct ompk_result want = { 0 };
	struct shard_files s = { .rfd = { -1, -1, -1 } };
	char msg[1024];
	const char *method;
	bool sumsq, overflow, accepted;
	uint64_t need = 0, units;
	bool fds0[FDS_WINDOW], fds1[FDS_WINDOW];
	int err, fd0;

	if (size < SHARDS_CONTROL || size > SHARDS_INPUT_MAX || shards_setup() < 0)
		return 0;
	const uint8_t c0 = data[0], c1 = data[1], c2 = data[2];
	const uint8_t *body = data + SHARDS_CONTROL;
	const size_t len = size - SHARDS_CONTROL;

	sumsq = !(c0 & 1);
	c.kernel = sumsq ? &ompk_kernel_sumsq : &ompk_kernel_checksum;
	c.backend = (c0 & 2) || !shards_uring ? OMPK_BACKEND_THREADS : OMPK_BACKEND_URING;
	c.shards = 1 + (c0 >> 2 & 3) % 3;
	c.read_block = blocks[c0 >> 4 & 7];
	c.inflight = c0 & 0x80 ? c.shards : 1;
	c.variant = variants[c1 >> 4 & 3];
	c.threads = c1 & 0x40 ? 2 : 1;
	c.serial = c1 & 0x80;
	c.latency_ns = 0;
	c.dir = shards_dir;

	s.n = c.shards;
	for (uint64_t i = 0; i < s.n; i++) {
		size_t part = len / s.n;

		s.f[i] = body + i * part;
		s.len[i] = i + 1 == s.n ? len - i * part : part;
		s.kind[i] = c2 >> i & 1 ? SHARD_STREAM : SHARD_FILE;
	}
	if (c2 & 0x18)
		s.kind[s.n - 1] = c2 & 0x10 ? SHARD_DIR : SHARD_MISSING;
	if (make_shards(&s) < 0)
		goto out;

	/*
	 * --shard-len from shard 0 (so that well-formed inputs are accepted), perhaps off by one.
	 */
	switch (c1 & 3) {
	case 0:
	case 2:
		units = sumsq ? announced(s.f[0], s.len[0]) / 8 : announced(s.f[0], s.len[0]);
		break;
	case 1:
		units = s.len[0] < OMPK_SHARD_HEADER
				? 0
				: (s.len[0] - OMPK_SHARD_HEADER) / (sumsq ? 8 : 1);
		break;
	default:
		units = announced(s.f[0], s.len[0]);
		break;
	}
	c.shard_len = units + ((c1 >> 2 & 3) == 2) - ((c1 >> 2 & 3) == 3);

	overflow = sumsq && c.shard_len > UINT64_MAX / 8;
	need = overflow ? 0 : sumsq ? c.shard_len * 8 : c.shard_len;
	accepted = !overflow;
	for (uint64_t i = 0; i < s.n; i++) {
		/*
		 * A stream has no size to check up front: the loader allocates
		 * the whole shard --shard-len asks for (up to 2^40 bytes) before
		 * reading it. Past what an input can hold that tests only the
		 * machine's memory (the regular files cover --shard-len's limits).
		 */
		if (s.kind[i] == SHARD_STREAM && (overflow || need > SHARDS_INPUT_MAX))
			goto out;
		accepted = accepted && well_formed(s.f[i], s.len[i], need, s.kind[i]);
	}

	fd0 = lowest_free_fd();
	open_fds(fd0, fds0);
	msg[0] = '\0';
	err = ompk_loader_run(&c, &st, msg, sizeof(msg));
	open_fds(fd0, fds1);
	if ((err == 0) != accepted || memcmp(fds0, fds1, sizeof(fds0)) != 0)
		abort();
	if (err) {
		size_t dl = strlen(shards_dir);
		bool names = strncmp(msg, "--", 2) == 0 ||
			     (strncmp(msg, shards_dir, dl) == 0 && msg[dl] == '/');

		if (err > 0 || msg[0] == '\0' || strchr(msg, '\n') || !names)
			abort();
	} else if (st.backend != c.backend) {
		abort();
	} else {
		bool streams = false;

		/*
		 * The oracle refuses streams (used up by the run): the same bytes again, as regular
		 * files.
		 */
		for (uint64_t i = 0; i < s.n; i++) {
			streams = streams || s.kind[i] == SHARD_STREAM;
			s.kind[i] = SHARD_FILE;
		}
		if (streams && ompk_loader_expect(&c, &want, &method, msg, sizeof(msg)) != -ESPIPE)
			abort(); /* (still the streams: a refusal, not a hang or a wrong answer) */
		ompk_result_free(&want);
		if (make_shards(&s) == 0 &&
		    (ompk_loader_expect(&c, &want, &method, msg, sizeof(msg)) != 0 ||
		     !ompk_result_equal(&st.result, &want)))
			abort();
	}
	ompk_result_free(&want);
	ompk_loader_stats_free(&st);
out:
	close_streams(&s);
	return 0;
}
