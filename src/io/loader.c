/*
 * loader.c - the shard loader's core: configuration, shard files, the
 * compute thread that runs each landed shard's kernel on the OpenMP team,
 * and the threads backend (a small pool doing a timed wait and pread).
 * The io_uring backend is in loader_uring.c.
 *
 * Flow: the loop thread starts fetches (at most K in flight); when one
 * lands it queues the shard for the compute thread and goes on reaping.
 * The compute thread runs the kernel on that shard alone (a sub-job over
 * the shard's buffer, any variant), stamps the time, queues the shard
 * back and writes the eventfd; the loop adds the shard's result in
 * (sums add; checksums go to the shard's slot) and frees its buffer.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "loader_int.h"
#include "ompkit/driver.h"
#include "ompkit/stats.h"
#include "ompkit/fileio.h"
#include "ompkit/checksum.h"
#include "ompkit/sumsq.h"

#define POOL_MAX 16

const char *ompk_backend_name(enum ompk_backend b)
{
	return b == OMPK_BACKEND_URING ? "uring" : b == OMPK_BACKEND_THREADS ? "threads" : "auto";
}

int ompk_backend_parse(const char *s, enum ompk_backend *b)
{
	if (strcmp(s, "auto") == 0)
		*b = OMPK_BACKEND_AUTO;
	else if (strcmp(s, "uring") == 0)
		*b = OMPK_BACKEND_URING;
	else if (strcmp(s, "threads") == 0)
		*b = OMPK_BACKEND_THREADS;
	else
		return -EINVAL;
	return 0;
}

static bool is_sumsq(const struct ompk_kernel *k)
{
	return strcmp(k->name, "sumsq") == 0;
}

uint64_t ompk_shard_bytes(const struct ompk_loader_config *c)
{
	if (!is_sumsq(c->kernel))
		return c->shard_len;
	return c->shard_len > UINT64_MAX / 8 ? 0 : c->shard_len * 8;
}

void ompk_shard_path(const char *dir, uint64_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%s/shard-%06llu.bin", dir, (unsigned long long)i);
}

int ompk_loader_check(const struct ompk_loader_config *c, char *msg, size_t len)
{
	if (!c->kernel ||
	    (strcmp(c->kernel->name, "sumsq") && strcmp(c->kernel->name, "checksum"))) {
		snprintf(msg, len, "--kernel: %s; accepted: sumsq or checksum",
			 c->kernel ? c->kernel->name : "none");
		return -EINVAL;
	}
	if (c->shards == 0) {
		snprintf(msg, len, "--shards: 0; accepted: 1 or more");
		return -EINVAL;
	}
	if (c->inflight == 0) {
		snprintf(msg, len, "--inflight: 0; accepted: 1 or more");
		return -EINVAL;
	}
	if (c->threads < 1) {
		snprintf(msg, len, "--threads: %d; accepted: 1 or more", c->threads);
		return -EINVAL;
	}
	if (!(c->kernel->variants & OMPK_VARIANT_BIT(c->variant))) {
		snprintf(msg, len, "--variant: %s; accepted: seq, omp or fast",
			 ompk_variant_name(c->variant));
		return -EINVAL;
	}
	uint64_t b = ompk_shard_bytes(c);

	if ((c->shard_len && !b) || b > SIZE_MAX - OMPK_SHARD_HEADER || b > (UINT64_C(1) << 40)) {
		snprintf(msg, len,
			 "--shard-len: %llu is too large; accepted: up to 2^40 bytes per shard",
			 (unsigned long long)c->shard_len);
		return -EINVAL;
	}
	/*
	 * Refused up front, not by the OOM killer: at most 2K buffers are out at once (K fetching,
	 * K computing).
	 */
	const uint64_t k = c->serial ? 1 : c->inflight < c->shards ? c->inflight : c->shards;
	const uint64_t live = c->serial ? 1 : k * 2 < c->shards ? k * 2 : c->shards;
	const unsigned long long mem = ompk_mem_total();
	uint64_t need;
	const bool ovf = __builtin_mul_overflow(live, b + (c->dir ? OMPK_SHARD_HEADER : 0), &need);

	if (mem && (ovf || need > mem)) {
		snprintf(msg, len,
			 "--shard-len: %llu shards of %llu bytes at once (--inflight %llu) need "
			 "%s%llu bytes, more than the %llu bytes of memory here; accepted: a "
			 "smaller --shard-len or --inflight",
			 (unsigned long long)live, (unsigned long long)b,
			 (unsigned long long)c->inflight, ovf ? "over " : "",
			 ovf ? (unsigned long long)UINT64_MAX : (unsigned long long)need, mem);
		return -EINVAL;
	}
	if (c->latency_ns > UINT64_C(3600) * 1000000000) {
		snprintf(msg, len, "--latency-ms: too large; accepted: 0 to 3600000");
		return -EINVAL;
	}
	return 0;
}

double ompk__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void ompk__set_err(struct lctx *x, int err, const char *fmt, ...)
{
	va_list ap;

	if (x->err)
		return; /* the first error is the one reported */
	x->err = err;
	va_start(ap, fmt);
	vsnprintf(x->msg, x->len, fmt, ap);
	va_end(ap);
}

bool ompk__fault(const struct lctx *x, enum ompk_fault_kind k, uint64_t n)
{
	const struct ompk_fault *f = x->c->fault;

	if (!f || f->kind != k || n < f->nth)
		return false;
	return n - f->nth < (f->count ? f->count : 1);
}

void ompk__fault_hit(const struct lctx *x)
{
	__atomic_add_fetch(&x->c->fault->hits, 1, __ATOMIC_RELAXED);
}

int ompk__fault_error(const struct lctx *x, uint64_t no)
{
	static const struct {
		enum ompk_fault_kind kind;
		int err;
	} as_error[] = { { OMPK_FAULT_EIO, EIO },
			 { OMPK_FAULT_EINTR, EINTR },
			 { OMPK_FAULT_EAGAIN, EAGAIN } };

	for (size_t i = 0; x->c->fault && i < sizeof(as_error) / sizeof(as_error[0]); i++) {
		if (ompk__fault(x, as_error[i].kind, no)) {
			ompk__fault_hit(x);
			return as_error[i].err;
		}
	}
	return 0;
}

size_t ompk__read_len(const struct lctx *x, const struct shard *sh, uint64_t no, size_t cap)
{
	size_t n = sh->want - sh->got;

	if (x->c->read_block && n > x->c->read_block)
		n = x->c->read_block;
	if (n > cap)
		n = cap;
	if (n > 1 && ompk__fault(x, OMPK_FAULT_SHORT, no)) {
		ompk__fault_hit(x);
		n /= 2;
	}
	return n;
}

void ompk__interrupted(struct lctx *x)
{
	if (x->cancelled)
		return;
	__atomic_store_n(&x->cancelled, true, __ATOMIC_RELAXED);
	x->st->cancelled = x->inflight;
	/* An interruption outranks an error already met: nothing is reported either way. */
	x->err = 0;
	ompk__set_err(x, -ECANCELED, "interrupted with %llu fetch(es) in flight; no result",
		      (unsigned long long)x->inflight);
}

const char *ompk__shard_name(const struct lctx *x, const struct shard *sh, char *buf, size_t len)
{
	ompk_shard_path(x->c->dir, sh->idx, buf, len);
	return buf;
}

void ompk__shard_too_long(struct lctx *x, struct shard *sh)
{
	char path[4096];

	sh->err = -EINVAL;
	ompk__set_err(x, -EINVAL,
		      "%s: more than the %zu bytes announced (16-byte header + %llu payload "
		      "bytes); accepted: complete shard files",
		      ompk__shard_name(x, sh, path, sizeof(path)), sh->want,
		      (unsigned long long)x->bytes);
}

#define SLAB 512
#define MAP_MIN (256u << 10)

/*
 * Payload buffers: zeroed, and from MAP_POPULATE mappings when large, so
 * their pages are made in one call rather than one fault at a time (each
 * fault is dear in a VM), and freshly mapped for every shard.
 */
static uint8_t *buf_alloc(struct shard *sh, size_t len)
{
	if (len >= MAP_MIN) {
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (p == MAP_FAILED)
			return NULL;
		sh->buf_mapped = len;
		return p;
	}
	sh->buf_mapped = 0;
	return calloc(1, len ? len : 1);
}

static void buf_release(uint8_t *buf, size_t mapped)
{
	if (mapped)
		munmap(buf, mapped);
	else
		free(buf);
}

static void buf_free(struct shard *sh)
{
	buf_release(sh->buf, sh->buf_mapped);
	sh->buf = NULL;
}

/*
 * Buffers are recycled: every shard of a run has the same size, and at
 * most 2K are out at once (K fetching, K waiting for the kernel), so a
 * long run maps and zeroes 2K buffers, not S. The pool is shared by the
 * loop (which returns buffers) and the compute thread (which takes them
 * for synthetic payloads), under x->mu; a free buffer's first word links
 * the pool.
 */
static uint8_t *buf_get(struct lctx *x, struct shard *sh, size_t len)
{
	uint8_t *b = NULL;

	if (x->pool_len >= sizeof(void *)) { /* 0 outside a run (ompk_shards_write) */
		pthread_mutex_lock(&x->mu);
		b = x->pool;
		if (b)
			x->pool = *(void **)b;
		pthread_mutex_unlock(&x->mu);
	}
	if (!b)
		return buf_alloc(sh, len);
	sh->buf_mapped = len >= MAP_MIN ? len : 0;
	return b;
}

static void buf_put(struct lctx *x, struct shard *sh)
{
	if (!sh->buf)
		return;
	if (x->pool_len < sizeof(void *)) {
		buf_free(sh);
		return;
	}
	pthread_mutex_lock(&x->mu);
	*(void **)sh->buf = x->pool;
	x->pool = sh->buf;
	pthread_mutex_unlock(&x->mu);
	sh->buf = NULL;
}

static void pool_free(struct lctx *x)
{
	while (x->pool) {
		void *next = *(void **)x->pool;

		buf_release(x->pool, x->pool_len >= MAP_MIN ? x->pool_len : 0);
		x->pool = next;
	}
}

/* Releases a shard's buffers and recycles its struct (loop thread). */
void ompk__shard_free(struct lctx *x, struct shard *sh)
{
	if (!sh)
		return;
	if (sh->fd >= 0)
		close(sh->fd);
	buf_put(x, sh);
	ompk_result_free(&sh->res);
	sh->next = x->free_shards;
	x->free_shards = sh;
}

/*
 * A zeroed shard struct. They come from slabs of SLAB and are recycled,
 * so 10,000 shards cost 20 allocations rather than 10,000 (which, on the
 * loop thread, would delay the start of the later fetches).
 */
static struct shard *shard_alloc(struct lctx *x)
{
	struct shard *sh = x->free_shards;

	if (!sh) {
		/* The slab's first element is the chain link; the other SLAB - 1 are shards. */
		struct shard *slab = malloc(SLAB * sizeof(*slab));

		if (!slab)
			return NULL;
		*(void **)slab = x->slabs;
		x->slabs = slab;
		for (int i = SLAB - 1; i >= 1; i--) {
			slab[i].next = x->free_shards;
			x->free_shards = &slab[i];
		}
		sh = x->free_shards;
	}
	x->free_shards = sh->next;
	memset(sh, 0, sizeof(*sh));
	return sh;
}

static void slabs_free(struct lctx *x)
{
	while (x->slabs) {
		void *next = *(void **)x->slabs;

		free(x->slabs);
		x->slabs = next;
	}
	x->free_shards = NULL;
}

bool ompk__may_start(const struct lctx *x)
{
	/* Also at most K landed shards waiting for the kernel: memory stays bounded. */
	if (x->err || x->next >= x->c->shards || x->inflight >= x->max_inflight ||
	    x->pending >= x->max_inflight)
		return false;
	return !x->c->serial || (x->inflight == 0 && x->pending == 0);
}

bool ompk__finished(const struct lctx *x)
{
	if (x->inflight || x->pending)
		return false;
	return x->err || x->done == x->c->shards;
}

/* Opens shard x->next's file and checks its size where it has one. */
static int shard_open(struct lctx *x, struct shard *sh)
{
	char path[4096];
	struct stat s;

	ompk__shard_name(x, sh, path, sizeof(path));
	/*
	 * O_NONBLOCK: opening a FIFO must not wait for its writer here (it would hold up the loop,
	 * past any interruption).
	 */
	sh->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (sh->fd < 0) {
		int e = errno;

		ompk__set_err(x, -e, "%s: %s; accepted: a shard file written by --make-shards",
			      path, strerror(e));
		return -e;
	}
	if (fcntl(sh->fd, F_SETFL, 0) < 0 || fstat(sh->fd, &s) < 0) {
		int e = errno;

		ompk__set_err(x, -e, "%s: %s", path, strerror(e));
		return -e;
	}
	if (S_ISDIR(s.st_mode)) {
		ompk__set_err(x, -EISDIR, "%s: is a directory; accepted: a shard file", path);
		return -EISDIR;
	}
	sh->want = OMPK_SHARD_HEADER + (size_t)x->bytes;
	sh->seekable = S_ISREG(s.st_mode);
	if (sh->seekable && (uint64_t)s.st_size != sh->want) {
		ompk__set_err(x, -EINVAL,
			      "%s: %llu bytes, %zu expected (16-byte header + %llu payload bytes); "
			      "accepted: shards as --make-shards writes them with this --shard-len",
			      path, (unsigned long long)s.st_size, sh->want,
			      (unsigned long long)x->bytes);
		return -EINVAL;
	}
	/* Zeroed: the kernel fills it behind valgrind's back. */
	sh->buf = buf_get(x, sh, sh->want);
	if (!sh->buf) {
		ompk__set_err(x, -ENOMEM, "%s: cannot allocate %zu bytes", path, sh->want);
		return -ENOMEM;
	}
	return 0;
}

struct shard *ompk__shard_start(struct lctx *x)
{
	struct shard *sh = shard_alloc(x);

	if (!sh) {
		ompk__set_err(x, -ENOMEM, "out of memory starting shard %llu",
			      (unsigned long long)x->next);
		return NULL;
	}
	sh->fd = -1;
	sh->idx = x->next;
	sh->stage = STAGE_TIMER;
	if (x->c->dir && shard_open(x, sh) < 0) {
		ompk__shard_free(x, sh);
		return NULL;
	}
	x->next++;
	x->inflight++;
	sh->t_start = ompk__now();
	return sh;
}

/* Synthetic payloads, as the tutorial's fetch_shard and image service make them. */
static int synth(struct lctx *x, struct shard *sh)
{
	const uint64_t n = x->c->shard_len;

	sh->buf = buf_get(x, sh, (size_t)x->bytes);
	if (!sh->buf)
		return -ENOMEM;
	if (is_sumsq(x->c->kernel)) {
		uint64_t *v = (uint64_t *)sh->buf;

		for (uint64_t j = 0; j < n; j++)
			v[j] = sh->idx * n + j;
	} else {
		memset(sh->buf, (int)(sh->idx % 256), (size_t)n);
	}
	return 0;
}

static int check_header(struct lctx *x, struct shard *sh)
{
	char path[4096];
	uint64_t announced;

	memcpy(&announced, sh->buf + 8, 8);
	announced = le64toh(announced);
	if (memcmp(sh->buf, OMPK_SHARD_MAGIC, 8) != 0) {
		ompk__set_err(x, -EINVAL,
			      "%s: not a shard file (no %s header); accepted: files written by "
			      "--make-shards",
			      ompk__shard_name(x, sh, path, sizeof(path)), OMPK_SHARD_MAGIC);
		return -EINVAL;
	}
	if (announced != x->bytes) {
		ompk__set_err(x, -EINVAL,
			      "%s: announces %llu payload bytes, --shard-len asks for %llu; "
			      "accepted: the --shard-len the shards were made with",
			      ompk__shard_name(x, sh, path, sizeof(path)),
			      (unsigned long long)announced, (unsigned long long)x->bytes);
		return -EINVAL;
	}
	return 0;
}

/* Landed shards wait in a local list until ompk__flush hands them over in one go. */
static void push_todo(struct lctx *x, struct shard *sh)
{
	sh->next = NULL;
	if (x->stage_tail)
		x->stage_tail->next = sh;
	else
		x->stage = sh;
	x->stage_tail = sh;
}

void ompk__flush(struct lctx *x)
{
	if (!x->stage)
		return;
	pthread_mutex_lock(&x->mu);
	if (x->todo_tail)
		x->todo_tail->next = x->stage;
	else
		x->todo = x->stage;
	x->todo_tail = x->stage_tail;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
	x->stage = x->stage_tail = NULL;
}

void ompk__shard_fetched(struct lctx *x, struct shard *sh)
{
	int err = sh->err;

	x->inflight--;
	sh->t_fetch = ompk__now();
	if (sh->fd >= 0) {
		close(sh->fd);
		sh->fd = -1;
	}
	if (!err && x->c->dir)
		err = check_header(x, sh);
	if (err || x->err) {
		ompk__shard_free(x, sh);
		return;
	}
	x->pending++;
	push_todo(x, sh);
}

/* Runs the kernel on one shard's payload (compute thread). */
static int compute(struct lctx *x, struct shard *sh, int threads, enum ompk_variant v)
{
	const struct ompk_kernel *k = x->c->kernel;
	uint8_t *payload;
	struct ompk_job job;
	double t;
	int err;

	/* A synthetic payload is made here, off the loop thread, so the loop
	 * only reaps; its making is not counted as the kernel's time. */
	if (!sh->buf && synth(x, sh))
		return -ENOMEM;
	payload = sh->buf;
	ompk_job_init(&job, k);
	job.variant = v;
	job.threads = threads;
	if (x->c->dir)
		payload += OMPK_SHARD_HEADER;
	job.data = payload;
	job.data_len = (size_t)x->bytes;
	t = ompk__now();
	if (is_sumsq(k)) {
		if (x->c->dir) {
			uint64_t *v = (uint64_t *)payload;

			for (uint64_t j = 0; j < x->c->shard_len; j++)
				v[j] = le64toh(v[j]);
		}
	} else {
		job.p[ompk_param_index(k, "buffers")] = 1;
		job.p[ompk_param_index(k, "size")] = x->c->shard_len;
	}
	err = k->run(&job, v, &sh->res);
	sh->t_comp = ompk__now();
	sh->comp_s = sh->t_comp - t;
	sh->threads_used = job.threads_used;
	return err;
}

#define BATCH_MAX 4096

/*
 * The compute thread. A lone landed shard gets the whole team (the
 * kernel's own OpenMP region); when several have landed at once they are
 * divided over the team, one shard per thread with a team of one each
 * (omp runs as seq there: the same loop without a region of one), so
 * that thousands of tiny shards do not pay a parallel region each.
 */
static void *compute_main(void *arg)
{
	struct lctx *x = arg;
	const uint64_t one = 1;
	struct shard *batch[BATCH_MAX];

	/*
	 * A thread's first parallel region starts its OpenMP team (libgomp
	 * keeps one pool per thread that starts regions, and this thread is
	 * new each run): do it now, before the run's clock starts, so the
	 * first shard's compute time is the kernel's and not thread creation.
	 */
	if (x->c->variant != OMPK_SEQ)
		ompk_team_start(x->c->threads);
	pthread_mutex_lock(&x->mu);
	x->compute_ready = true;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);

	for (;;) {
		struct shard *sh;
		int n = 0, team = x->c->threads;
		/* A team of one per shard: omp's region would only add its cost. */
		enum ompk_variant v = x->c->variant == OMPK_OMP ? OMPK_SEQ : x->c->variant;

		pthread_mutex_lock(&x->mu);
		while (!x->todo && !x->stop)
			pthread_cond_wait(&x->cv, &x->mu);
		for (sh = x->todo; sh && n < BATCH_MAX; sh = sh->next)
			batch[n++] = sh;
		x->todo = sh;
		if (!x->todo)
			x->todo_tail = NULL;
		pthread_mutex_unlock(&x->mu);
		if (n == 0)
			return NULL;

		if (n == 1) {
			batch[0]->err = compute(x, batch[0], team, x->c->variant);
		} else if (team == 1) {
			for (int i = 0; i < n; i++)
				batch[i]->err = compute(x, batch[i], 1, v);
		} else {
#pragma omp parallel for num_threads(team) schedule(dynamic, 1) default(none) shared(x, batch, n, v)
			for (int i = 0; i < n; i++)
				batch[i]->err = compute(x, batch[i], 1, v);
		}

		pthread_mutex_lock(&x->mu);
		for (int i = 0; i < n; i++) {
			if (batch[i]->threads_used > x->st->threads_used)
				x->st->threads_used = batch[i]->threads_used;
			if (n > 1 && team > 1 && x->st->threads_used < team)
				x->st->threads_used = team;
			batch[i]->next = x->fin;
			x->fin = batch[i];
		}
		pthread_mutex_unlock(&x->mu);
		/* An eventfd counter cannot fill up with 1s in any real run. */
		while (write(x->efd, &one, 8) < 0 && errno == EINTR)
			;
	}
}

void ompk__collect(struct lctx *x)
{
	struct ompk_loader_stats *st = x->st;
	struct shard *sh;

	pthread_mutex_lock(&x->mu);
	sh = x->fin;
	x->fin = NULL;
	pthread_mutex_unlock(&x->mu);
	while (sh) {
		struct shard *nx = sh->next;

		x->pending--;
		if (sh->err) {
			ompk__set_err(x, sh->err, "shard %llu: the kernel failed: %s",
				      (unsigned long long)sh->idx, strerror(-sh->err));
		} else {
			st->fetch_done[sh->idx] = sh->t_fetch - x->t0;
			st->compute_done[sh->idx] = sh->t_comp - x->t0;
			st->fetch_sum += sh->t_fetch - sh->t_start;
			st->compute_sum += sh->comp_s;
			if (is_sumsq(x->c->kernel))
				st->result.f[0].v[0] += sh->res.f[0].v[0];
			else
				st->result.f[0].v[sh->idx] = sh->res.f[0].v[0];
			x->done++;
		}
		ompk__shard_free(x, sh);
		sh = nx;
	}
}

/* ---- the threads backend ---------------------------------------------- */

static bool cancelled(const struct lctx *x)
{
	return __atomic_load_n(&x->cancelled, __ATOMIC_RELAXED);
}

/* One read (or an injected fault in its place); the read's number goes to sh->read_no. */
static ssize_t fetch_read(struct lctx *x, struct shard *sh)
{
	const uint64_t no = __atomic_add_fetch(&x->reads, 1, __ATOMIC_RELAXED);
	const int fault = ompk__fault_error(x, no);
	size_t n;

	sh->read_no = no;
	if (fault) {
		errno = fault;
		return -1;
	}
	n = ompk__read_len(x, sh, no, SIZE_MAX);
	return sh->seekable ? pread(sh->fd, sh->buf + sh->got, n, (off_t)sh->got)
			    : read(sh->fd, sh->buf + sh->got, n);
}

/* Has the FIFO data, or an end? Waits 100 ms at most. */
static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 100) != 0; /* an error is left to the read that follows */
}

static struct timespec ts_of(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u),
			       .tv_nsec = (long)(ns % 1000000000u) };

	return ts;
}

/*
 * A fetch worker: waits until the head shard's latency has passed (or
 * the run is interrupted), reads it, hands it back. A read blocked in a
 * FIFO with a silent writer is not interrupted (see the README).
 */
static void *fetch_main(void *arg)
{
	struct lctx *x = arg;
	const uint64_t one = 1;

	for (;;) {
		struct shard *sh;
		struct timespec ts;
		uint64_t held =
			0; /* REORDER: the number of the read whose completion is held back */

		pthread_mutex_lock(&x->mu);
		while (!x->wait && !x->stop)
			pthread_cond_wait(&x->cv, &x->mu);
		sh = x->wait;
		if (!sh) {
			pthread_mutex_unlock(&x->mu);
			return NULL;
		}
		x->wait = sh->next;
		if (!x->wait)
			x->wait_tail = NULL;
		ts = ts_of(sh->deadline_ns);
		while (!cancelled(x) && now_ns() < sh->deadline_ns)
			pthread_cond_timedwait(&x->wake, &x->mu, &ts);
		pthread_mutex_unlock(&x->mu);

		while (sh->fd >= 0 && sh->got < sh->want && !cancelled(x)) {
			ssize_t r;

			if (!sh->seekable && !readable(sh->fd))
				/*
				 * a FIFO: waits for its writer, looking up for an interruption now
				 * and then
				 */
				continue;
			r = fetch_read(x, sh);

			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				sh->err = r < 0 ? -errno : -ENODATA;
				break;
			}
			sh->got += (size_t)r;
			if (!held && ompk__fault(x, OMPK_FAULT_REORDER, sh->read_no))
				held = sh->read_no;
		}
		/* A stream must end where its header says: one more read returns 0. */
		while (sh->fd >= 0 && !sh->seekable && !sh->err && sh->got == sh->want &&
		       !cancelled(x)) {
			ssize_t r;

			if (!readable(sh->fd))
				continue;
			r = read(sh->fd, &sh->tail, 1);
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r != 0)
				sh->err = r < 0 ? -errno : -EOVERFLOW;
			break;
		}
		if (cancelled(x) && !sh->err)
			sh->err = -ECANCELED;
		pthread_mutex_lock(&x->mu);
		if (held) {
			/*
			 * REORDER: wait (2 s at most: valgrind is slow) until a shard with a later
			 * read has landed.
			 */
			const uint64_t no = held;

			ts = ts_of(now_ns() + 2000000000u);
			while (x->landed_after <= no && !cancelled(x) &&
			       pthread_cond_timedwait(&x->wake, &x->mu, &ts) != ETIMEDOUT)
				;
			if (x->landed_after > no)
				ompk__fault_hit(x);
		}
		if (sh->read_no > x->landed_after)
			x->landed_after = sh->read_no;
		if (x->c->fault)
			pthread_cond_broadcast(&x->wake);
		sh->next = x->fetched;
		x->fetched = sh;
		pthread_mutex_unlock(&x->mu);
		while (write(x->efd, &one, 8) < 0 && errno == EINTR)
			;
	}
}

/* The read errors of a fetch, with the file's name (loop thread). */
static void fetch_error(struct lctx *x, struct shard *sh)
{
	char path[4096];

	ompk__shard_name(x, sh, path, sizeof(path));
	if (sh->err == -ECANCELED)
		ompk__set_err(x, sh->err, "interrupted");
	else if (sh->err == -EOVERFLOW)
		ompk__shard_too_long(x, sh);
	else if (sh->err == -ENODATA)
		ompk__set_err(x, -EINVAL,
			      "%s: %zu bytes, %zu announced (16-byte header + %llu payload bytes); "
			      "accepted: complete shard files",
			      path, sh->got, sh->want, (unsigned long long)x->bytes);
	else
		ompk__set_err(x, sh->err, "%s: %s; accepted: a readable shard file", path,
			      strerror(-sh->err));
}

static int threads_run(struct lctx *x)
{
	pthread_t pool[POOL_MAX];
	int npool = 0, err = 0;
	uint64_t want = x->c->inflight < POOL_MAX ? x->c->inflight : POOL_MAX;

	for (uint64_t i = 0; i < want; i++) {
		if (pthread_create(&pool[npool], NULL, fetch_main, x) != 0)
			break;
		npool++;
	}
	if (npool == 0) {
		ompk__set_err(x, -EAGAIN, "cannot start the fetch threads");
		return -EAGAIN;
	}
	x->t0 = ompk__now();
	while (!ompk__finished(x)) {
		struct pollfd p[2] = { { .fd = x->efd, .events = POLLIN },
				       { .fd = x->c->cancel_fd, .events = POLLIN } };
		const nfds_t np = x->c->cancel_fd_set && !x->cancelled ? 2 : 1;
		uint64_t cnt;
		struct shard *f;

		while (ompk__may_start(x)) {
			struct shard *sh = ompk__shard_start(x);

			if (!sh)
				break;
			sh->deadline_ns = now_ns() + x->c->latency_ns;
			pthread_mutex_lock(&x->mu);
			sh->next = NULL;
			if (x->wait_tail)
				x->wait_tail->next = sh;
			else
				x->wait = sh;
			x->wait_tail = sh;
			pthread_cond_broadcast(&x->cv);
			pthread_mutex_unlock(&x->mu);
		}
		if (ompk__finished(x))
			break;
		if (poll(p, np, -1) < 0 && errno != EINTR) {
			err = -errno;
			ompk__set_err(x, err, "poll: %s", strerror(errno));
			break; /* not reachable in practice; the workers are joined below */
		}
		if (np == 2 && p[1].revents) {
			pthread_mutex_lock(&x->mu);
			ompk__interrupted(x);
			pthread_cond_broadcast(&x->wake);
			pthread_mutex_unlock(&x->mu);
		}
		if (read(x->efd, &cnt, 8) < 0 && errno != EAGAIN && errno != EINTR)
			break;
		pthread_mutex_lock(&x->mu);
		f = x->fetched;
		x->fetched = NULL;
		pthread_mutex_unlock(&x->mu);
		while (f) {
			struct shard *nx = f->next;

			if (f->err)
				fetch_error(x, f);
			ompk__shard_fetched(x, f);
			f = nx;
		}
		ompk__flush(x);
		ompk__collect(x);
	}
	pthread_mutex_lock(&x->mu);
	x->stop = true;
	pthread_cond_broadcast(&x->cv);
	pthread_cond_broadcast(&x->wake);
	pthread_mutex_unlock(&x->mu);
	for (int i = 0; i < npool; i++)
		pthread_join(pool[i], NULL);
	return x->err ? x->err : err;
}

/* ---- running ------------------------------------------------------------ */

static int stats_init(const struct ompk_loader_config *c, struct ompk_loader_stats *st)
{
	uint64_t *v;
	int err;

	memset(st, 0, sizeof(*st));
	st->fetch_done = calloc((size_t)c->shards, sizeof(double));
	st->compute_done = calloc((size_t)c->shards, sizeof(double));
	if (!st->fetch_done || !st->compute_done)
		return -ENOMEM;
	if (is_sumsq(c->kernel))
		err = ompk_result_add(&st->result, "sum", false, 1, &v);
	else
		err = ompk_result_add(&st->result, "checksums", true, (size_t)c->shards, &v);
	return err;
}

void ompk_loader_stats_free(struct ompk_loader_stats *st)
{
	free(st->fetch_done);
	free(st->compute_done);
	st->fetch_done = st->compute_done = NULL;
	ompk_result_free(&st->result);
}

/* One attempt with one backend; the context is made and torn down here. */
static int run_backend(const struct ompk_loader_config *c, struct ompk_loader_stats *st,
		       enum ompk_backend b, bool *setup_failed, char *msg, size_t len)
{
	struct lctx x;
	int err;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.st = st;
	x.bytes = ompk_shard_bytes(c);
	x.max_inflight = c->inflight;
	x.pool_len = c->dir ? OMPK_SHARD_HEADER + (size_t)x.bytes : (size_t)x.bytes;
	x.msg = msg;
	x.len = len;
	x.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (x.efd < 0) {
		err = -errno;
		snprintf(msg, len, "eventfd: %s", strerror(errno));
		return err;
	}
	pthread_mutex_init(&x.mu, NULL);
	pthread_cond_init(&x.cv, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&x.wake, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (pthread_create(&x.compute, NULL, compute_main, &x) != 0) {
		err = -EAGAIN;
		snprintf(msg, len, "cannot start the compute thread");
		goto out;
	}
	x.compute_started = true;
	pthread_mutex_lock(&x.mu);
	while (!x.compute_ready)
		pthread_cond_wait(&x.cv, &x.mu);
	pthread_mutex_unlock(&x.mu);
	err = b == OMPK_BACKEND_URING ? ompk__uring_run(&x, setup_failed) : threads_run(&x);
	st->wall_s = ompk__now() - x.t0;
out:
	if (x.compute_started) {
		pthread_mutex_lock(&x.mu);
		x.stop = true;
		pthread_cond_broadcast(&x.cv);
		pthread_mutex_unlock(&x.mu);
		pthread_join(x.compute, NULL);
	}
	ompk__collect(&x); /* normally empty: everything was collected */
	slabs_free(&x);
	pool_free(&x);
	pthread_cond_destroy(&x.cv);
	pthread_cond_destroy(&x.wake);
	pthread_mutex_destroy(&x.mu);
	close(x.efd);
	if (!err && x.err)
		err = x.err;
	return err;
}

int ompk_loader_run(const struct ompk_loader_config *c, struct ompk_loader_stats *st, char *msg,
		    size_t len)
{
	enum ompk_backend b = c->backend == OMPK_BACKEND_THREADS ? OMPK_BACKEND_THREADS
								 : OMPK_BACKEND_URING;
	bool setup_failed = false;
	int err = ompk_loader_check(c, msg, len);

	memset(st, 0, sizeof(*st));
	if (err)
		return err;
	if (c->dir) {
		struct stat sb;

		if (stat(c->dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
			err = stat(c->dir, &sb) < 0 ? -errno : -ENOTDIR;
			snprintf(msg, len,
				 "--source %s: %s; accepted: synthetic or a directory of shard "
				 "files",
				 c->dir, strerror(-err));
			return err;
		}
	}
	err = stats_init(c, st);
	if (err) {
		snprintf(msg, len, "--shards: out of memory for %llu shards",
			 (unsigned long long)c->shards);
		return err;
	}
	err = run_backend(c, st, b, &setup_failed, msg, len);
	if (err && setup_failed && c->backend == OMPK_BACKEND_AUTO &&
	    (err == -ENOSYS || err == -EPERM || err == -EACCES || err == -EOPNOTSUPP)) {
		st->fallback_err = err;
		b = OMPK_BACKEND_THREADS;
		msg[0] = '\0';
		err = run_backend(c, st, b, &setup_failed, msg, len);
	}
	st->backend = b;
	if (!err)
		st->overlap = st->wall_s > 0 ? (st->fetch_sum + st->compute_sum) / st->wall_s : 0;
	return err;
}

/* ---- shard files and the oracle --------------------------------------- */

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int ompk_shards_write(const struct ompk_loader_config *c, char *msg, size_t len)
{
	struct lctx x = { .c = c, .bytes = ompk_shard_bytes(c) };
	char path[4096];
	int err = ompk_loader_check(c, msg, len);

	if (err)
		return err;
	if (mkdir(c->dir, 0777) < 0 && errno != EEXIST) {
		err = -errno;
		snprintf(msg, len, "%s: %s; accepted: a directory that can be created", c->dir,
			 strerror(errno));
		return err;
	}
	for (uint64_t i = 0; i < c->shards; i++) {
		struct shard sh = { .idx = i, .fd = -1 };
		uint8_t hdr[OMPK_SHARD_HEADER];
		uint64_t le = htole64(x.bytes);
		int fd;

		ompk_shard_path(c->dir, i, path, sizeof(path));
		if (synth(&x, &sh)) {
			snprintf(msg, len, "--shard-len: cannot allocate %llu bytes",
				 (unsigned long long)x.bytes);
			return -ENOMEM;
		}
		if (is_sumsq(c->kernel)) {
			uint64_t *v = (uint64_t *)sh.buf;

			for (uint64_t j = 0; j < c->shard_len; j++)
				v[j] = htole64(v[j]);
		}
		memcpy(hdr, OMPK_SHARD_MAGIC, 8);
		memcpy(hdr + 8, &le, 8);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			err = -errno;
		} else {
			err = write_all(fd, hdr, sizeof(hdr));
			if (!err)
				err = write_all(fd, sh.buf, (size_t)x.bytes);
			if (close(fd) < 0 && !err)
				err = -errno;
		}
		buf_free(&sh);
		if (err) {
			snprintf(msg, len,
				 "%s: %s; accepted: a writable directory with room for the shards",
				 path, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Reads shard i's payload with plain reads (the oracle's own path). */
static int shard_read_plain(const struct ompk_loader_config *c, uint64_t i, uint8_t **payload,
			    char *msg, size_t len)
{
	char path[4096];
	size_t want = OMPK_SHARD_HEADER + (size_t)ompk_shard_bytes(c), got = 0;
	uint8_t *buf = malloc(want);
	struct stat sb;
	int fd, err = 0;

	ompk_shard_path(c->dir, i, path, sizeof(path));
	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (fstat(fd, &sb) < 0) {
		err = -errno;
		close(fd);
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		/*
		 * A stream was used up by the run (and opening a FIFO could wait for a writer
		 * forever).
		 */
		close(fd);
		free(buf);
		snprintf(msg, len, "%s is a stream, which cannot be read a second time", path);
		return -ESPIPE;
	}
	while (got < want) {
		ssize_t r = read(fd, buf + got, want - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : -ENODATA;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
out:
	if (err) {
		snprintf(msg, len, "%s: %s (%zu of %zu bytes)", path,
			 err == -ENODATA ? "short" : strerror(-err), got, want);
		free(buf);
		return err;
	}
	*payload = buf;
	return 0;
}

int ompk_loader_expect(const struct ompk_loader_config *c, struct ompk_result *out,
		       const char **method, char *msg, size_t len)
{
	const bool sumsq = is_sumsq(c->kernel);
	uint64_t *v;
	int err = ompk_result_add(out, sumsq ? "sum" : "checksums", !sumsq,
				  sumsq ? 1 : (size_t)c->shards, &v);

	if (err)
		return err;
	if (!c->dir) {
		if (sumsq) {
			v[0] = ompk_oracle_sumsq_range(0, c->shards * c->shard_len);
			*method = "closed form (n-1)n(2n-1)/6 over all shards";
		} else {
			for (uint64_t i = 0; i < c->shards; i++)
				v[i] = ompk_oracle_fold_uniform((uint8_t)(i % 256), c->shard_len);
			*method = "closed form b*(1 + P + ... + P^(n-1)) per shard";
		}
		return 0;
	}
	/* Files: the kernel's own oracle on each shard, read again without io_uring. */
	for (uint64_t i = 0; i < c->shards; i++) {
		struct ompk_job job;
		struct ompk_result r = { 0 };
		uint8_t *buf;
		const char *m;

		err = shard_read_plain(c, i, &buf, msg, len);
		if (err)
			return err;
		ompk_job_init(&job, c->kernel);
		job.threads = 1;
		job.data = buf + OMPK_SHARD_HEADER;
		job.data_len = (size_t)ompk_shard_bytes(c);
		if (sumsq) {
			uint64_t *w = job.data;

			for (uint64_t j = 0; j < c->shard_len; j++)
				w[j] = le64toh(w[j]);
		} else {
			job.file = "shard"; /* checksum's oracle: one buffer of data_len bytes */
		}
		err = c->kernel->expect(&job, &r, &m);
		free(buf);
		if (err) {
			ompk_result_free(&r);
			snprintf(msg, len, "shard %llu: the oracle failed: %s",
				 (unsigned long long)i, strerror(-err));
			return err;
		}
		if (sumsq)
			v[0] += r.f[0].v[0];
		else
			v[i] = r.f[0].v[0];
		*method = m;
		ompk_result_free(&r);
	}
	return 0;
}
