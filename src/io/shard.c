/*
 * shard.c - shards and buffers, the bottom of the loader's run: shard
 * structs from slabs, payload buffers from a pool, a shard file opened
 * and its size and header checked, synthetic payloads made, and the run's
 * one error recorded. Calls only the table of shard kinds, the shard file
 * format's path and fault injection's read lengths; everything above
 * calls it.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shard.h"
#include "ompkit/driver.h"

#define SLAB 512
#define MAP_MIN (256u << 10)

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

void ompk__shard_append(struct shard **head, struct shard **tail, struct shard *sh)
{
	sh->next = NULL;
	if (*tail)
		(*tail)->next = sh;
	else
		*head = sh;
	*tail = sh;
}

struct shard *ompk__shard_take_all(pthread_mutex_t *mu, struct shard **head)
{
	struct shard *list;

	pthread_mutex_lock(mu);
	list = *head;
	*head = NULL;
	pthread_mutex_unlock(mu);
	return list;
}

const char *ompk__shard_name(const struct lctx *x, const struct shard *sh, char *buf, size_t len)
{
	ompk_shard_path(x->c->dir, sh->idx, buf, len);
	return buf;
}

void ompk__shard_wrong_len(struct lctx *x, struct shard *sh, bool longer)
{
	char path[4096], size[64];

	if (longer)
		snprintf(size, sizeof(size), "more than the %zu bytes", sh->want);
	else
		snprintf(size, sizeof(size), "%zu bytes, %zu", sh->got, sh->want);
	sh->err = -EINVAL;
	ompk__set_err(x, -EINVAL,
		      "%s: %s announced (16-byte header + %llu payload bytes); accepted: complete "
		      "shard files",
		      ompk__shard_name(x, sh, path, sizeof(path)), size,
		      (unsigned long long)x->bytes);
}

size_t ompk__read_len(const struct lctx *x, size_t rest, uint64_t no, size_t cap)
{
	size_t n = rest;

	if (x->c->read_block && n > x->c->read_block)
		n = x->c->read_block;
	if (n > cap)
		n = cap;
	return ompk__fault_short(x->fault, no, n);
}

/*
 * Payload buffers, made when the pool (below) has none free: zeroed, and
 * from MAP_POPULATE mappings when large, so their pages are made in one
 * call rather than one fault at a time (each fault is dear in a VM).
 */
static uint8_t *buf_alloc(struct lctx *x, struct shard *sh, size_t len)
{
	__atomic_add_fetch(&x->buffers, 1, __ATOMIC_RELAXED);
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

/*
 * Buffers are recycled: every shard of a run has the same size, and at
 * most 2K are out at once (K fetching, K waiting for the kernel), so a
 * long run maps and zeroes 2K buffers at most, not S. The pool is a
 * stack shared under x->mu by the loop (which takes buffers for files)
 * and the compute thread (which returns each buffer as soon as its kernel
 * is done, and takes them for synthetic payloads); a free buffer's first
 * word links the pool.
 */
static uint8_t *buf_get(struct lctx *x, struct shard *sh, size_t len)
{
	uint8_t *b = NULL;

	if (x->pool_len >= sizeof(void *)) {
		pthread_mutex_lock(&x->mu);
		b = x->pool;
		if (b)
			x->pool = *(void **)b;
		pthread_mutex_unlock(&x->mu);
	}
	if (!b)
		return buf_alloc(x, sh, len);
	sh->buf_mapped = len >= MAP_MIN ? len : 0;
	return b;
}

void ompk__shard_buf_put(struct lctx *x, struct shard *sh)
{
	if (!sh->buf)
		return;
	if (x->pool_len < sizeof(void *)) {
		buf_release(sh->buf, sh->buf_mapped);
	} else {
		pthread_mutex_lock(&x->mu);
		*(void **)sh->buf = x->pool;
		x->pool = sh->buf;
		pthread_mutex_unlock(&x->mu);
	}
	sh->buf = NULL;
}

void ompk__shard_free(struct lctx *x, struct shard *sh)
{
	if (!sh)
		return;
	if (sh->fd >= 0)
		close(sh->fd);
	ompk__shard_buf_put(x, sh);
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

void ompk__shards_release(struct lctx *x)
{
	while (x->slabs) {
		void *next = *(void **)x->slabs;

		free(x->slabs);
		x->slabs = next;
	}
	x->free_shards = NULL;
	while (x->pool) {
		void *next = *(void **)x->pool;

		buf_release(x->pool, x->pool_len >= MAP_MIN ? x->pool_len : 0);
		x->pool = next;
	}
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
	return 0;
}

/*
 * The buffer is taken when the reading starts (io_uring: at a shard's
 * first read; threads: when it is queued for the workers, which cannot
 * record an error), not when the file is opened: shards that wait out
 * their latency, or wait for read slots, hold none, and the buffers that
 * go round are few and the most recently used ones (the pool is a
 * stack), still in the cache.
 */
int ompk__shard_buf(struct lctx *x, struct shard *sh)
{
	char path[4096];

	if (sh->buf)
		return 0;
	sh->buf = buf_get(x, sh, sh->want);
	if (sh->buf)
		return 0;
	ompk__set_err(x, -ENOMEM, "%s: cannot allocate %zu bytes",
		      ompk__shard_name(x, sh, path, sizeof(path)), sh->want);
	return -ENOMEM;
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
	sh->count = 1;
	sh->stage = STAGE_TIMER;
	if (x->c->dir && shard_open(x, sh) < 0) {
		ompk__shard_free(x, sh);
		return NULL;
	}
	if (!x->c->dir) {
		const uint64_t left = x->c->shards - x->next, room = x->max_inflight - x->inflight;

		sh->count = x->span_max < left ? x->span_max : left;
		if (sh->count > room)
			sh->count = room;
	}
	x->next += sh->count;
	x->inflight += sh->count;
	sh->t_start = ompk_now();
	return sh;
}

int ompk__shard_synth(struct lctx *x, struct shard *sh)
{
	sh->buf = buf_get(x, sh, x->pool_len);
	if (!sh->buf)
		return -ENOMEM;
	for (uint64_t j = 0; j < sh->count; j++)
		x->kind->fill(sh->buf + j * x->bytes, sh->idx + j, x->c->shard_len);
	return 0;
}

int ompk__shard_check_header(struct lctx *x, struct shard *sh)
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
