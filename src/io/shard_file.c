/*
 * shard_file.c - the shard file format (see ompkit/loader.h) and the
 * loader's oracle: a file's path, the synthetic shards written as files,
 * and what a run must return, by the closed forms for synthetic shards or
 * by the kernel's own oracle over each file read again with plain reads.
 * Calls only the configuration check and the table of shard kinds; the
 * run never calls the oracle.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shard_kind.h"
#include "ompkit/driver.h"
#include "ompkit/loader.h"

void ompk_shard_path(const char *dir, uint64_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%s/shard-%06llu.bin", dir, (unsigned long long)i);
}

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

/* Shard i as a file: the header, then the payload in the file's byte order. */
static int write_one(const struct ompk_loader_config *c, const struct ompk_shard_kind *kind,
		     uint64_t i, uint8_t *payload, uint64_t bytes, const char *path)
{
	uint8_t hdr[OMPK_SHARD_HEADER];
	const uint64_t le = htole64(bytes);
	int fd, err;

	kind->fill(payload, i, c->shard_len);
	ompk__shard_encode(kind, payload, c->shard_len);
	memcpy(hdr, OMPK_SHARD_MAGIC, 8);
	memcpy(hdr + 8, &le, 8);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return -errno;
	err = write_all(fd, hdr, sizeof(hdr));
	if (!err)
		err = write_all(fd, payload, (size_t)bytes);
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int ompk_shards_write(const struct ompk_loader_config *c, char *msg, size_t len)
{
	const struct ompk_shard_kind *kind = ompk__shard_kind(c->kernel);
	const uint64_t bytes = ompk_shard_bytes(c);
	char path[4096];
	uint8_t *payload;
	int err = ompk_loader_check(c, msg, len);

	if (err)
		return err;
	if (mkdir(c->dir, 0777) < 0 && errno != EEXIST) {
		err = -errno;
		snprintf(msg, len, "%s: %s; accepted: a directory that can be created", c->dir,
			 strerror(errno));
		return err;
	}
	payload = malloc(bytes ? (size_t)bytes : 1);
	if (!payload) {
		snprintf(msg, len, "--shard-len: cannot allocate %llu bytes",
			 (unsigned long long)bytes);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < c->shards; i++) {
		ompk_shard_path(c->dir, i, path, sizeof(path));
		err = write_one(c, kind, i, payload, bytes, path);
		if (err) {
			snprintf(msg, len,
				 "%s: %s; accepted: a writable directory with room for the shards",
				 path, strerror(-err));
			break;
		}
	}
	free(payload);
	return err;
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

/* The kernel's own oracle on shard file i, read again without io_uring; into *out. */
static int expect_file(const struct ompk_loader_config *c, const struct ompk_shard_kind *kind,
		       uint64_t i, uint64_t *out, const char **method, char *msg, size_t len)
{
	struct ompk_job job;
	struct ompk_result r = { 0 };
	uint8_t *buf;
	int err = shard_read_plain(c, i, &buf, msg, len);

	if (err)
		return err;
	ompk_job_init(&job, c->kernel);
	job.threads = 1;
	job.file = "shard"; /* the payload as the kernel's --file input (shard_kind.h) */
	job.data = buf + OMPK_SHARD_HEADER;
	job.data_len = (size_t)ompk_shard_bytes(c);
	ompk__shard_decode(kind, job.data, c->shard_len);
	err = c->kernel->expect(&job, &r, method);
	free(buf);
	if (err)
		snprintf(msg, len, "shard %llu: the oracle failed: %s", (unsigned long long)i,
			 strerror(-err));
	else
		*out = r.f[0].v[0];
	ompk_result_free(&r);
	return err;
}

int ompk_loader_expect(const struct ompk_loader_config *c, struct ompk_result *out,
		       const char **method, char *msg, size_t len)
{
	const struct ompk_shard_kind *kind = ompk__shard_kind(c->kernel);
	uint64_t *v;
	int err;

	if (!kind) {
		snprintf(msg, len, "--kernel: %s; the loader cannot run it",
			 c->kernel ? c->kernel->name : "none");
		return -EINVAL;
	}
	err = ompk_result_add(out, kind->field, kind->per_shard,
			      kind->per_shard ? (size_t)c->shards : 1, &v);
	if (err)
		return err;
	if (!c->dir) {
		kind->closed_form(c->shards, c->shard_len, v);
		*method = kind->closed_method;
		return 0;
	}
	for (uint64_t i = 0; i < c->shards; i++) {
		uint64_t r;

		err = expect_file(c, kind, i, &r, method, msg, len);
		if (err)
			return err;
		if (kind->per_shard)
			v[i] = r;
		else
			v[0] += r;
	}
	return 0;
}
