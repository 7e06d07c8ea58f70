/*
 * fileio.c - read a whole file (or standard input) into memory.
 */
#include "ompkit/fileio.h"

#include "ompkit/kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int ompk_file_read_all(const char *path, void **buf, size_t *len)
{
	int fd = STDIN_FILENO, err = 0;
	struct stat st;
	size_t cap, used = 0;
	char *p = NULL;

	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto out;
	}
	/* Regular files announce their size; pipes grow as they go. */
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size : 1 << 16;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > SIZE_MAX / 2) {
		err = -EFBIG;
		goto out;
	}
	p = malloc(cap);
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (used == cap) {
			char *q;

			if (cap > SIZE_MAX / 2 ||
			    (ompk_mem_total() && cap * 2 > ompk_mem_total())) {
				err = -EFBIG;
				goto out;
			}
			q = realloc(p, cap * 2);
			if (!q) {
				err = -ENOMEM;
				goto out;
			}
			p = q;
			cap *= 2;
		}
		n = read(fd, p + used, cap - used);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err = -errno;
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	*buf = p;
	*len = used;
	p = NULL;
out:
	free(p);
	if (fd != STDIN_FILENO)
		close(fd);
	return err;
}

unsigned long long ompk_mem_total(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (unsigned long long)pages * (unsigned long long)size : 0;
}

int ompk_job_load_file(struct ompk_job *job)
{
	struct stat st;
	int fd, err = 0;
	void *p;

	if (strcmp(job->file, "-") != 0) {
		fd = open(job->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) < 0) {
			err = -errno;
		} else if (S_ISDIR(st.st_mode)) {
			err = -EISDIR;
		} else if (S_ISREG(st.st_mode) && st.st_size > 0) {
			if ((uint64_t)st.st_size > SIZE_MAX) {
				err = -EFBIG;
			} else {
				p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE, fd, 0);
				if (p == MAP_FAILED) {
					err = -errno;
				} else {
					/* Kernels stream through it once, front to back. */
					madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
					job->data = p;
					job->data_len = (size_t)st.st_size;
					job->data_mapped = true;
				}
			}
			close(fd);
			return err;
		}
		close(fd);
		if (err)
			return err;
	}
	/* Pipes, standard input, character devices, empty files: read. */
	err = ompk_file_read_all(job->file, &job->data, &job->data_len);
	job->data_mapped = false;
	return err;
}

void ompk_job_release_data(struct ompk_job *job)
{
	if (job->data_mapped)
		munmap(job->data, job->data_len);
	else
		free(job->data);
	job->data = NULL;
	job->data_len = 0;
	job->data_mapped = false;
}
