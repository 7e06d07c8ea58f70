/*
 * fileio.h - reading a whole input file into memory, with the errors a
 * user can act on.
 */
#ifndef OMPKIT_FILEIO_H
#define OMPKIT_FILEIO_H

#include <stddef.h>

/*
 * Reads all of path ("-" is standard input) into a malloc'd buffer.
 * Returns 0, or -errno: -EISDIR for a directory, -ENOENT, -EACCES, -EIO,
 * -ENOMEM, ... . Short reads and EINTR are retried.
 */
int ompk_file_read_all(const char *path, void **buf, size_t *len);

struct ompk_job;

/*
 * The input of a kernel's --file: a regular file is mapped (read-only
 * pages shared with the page cache, private on write, so a file larger
 * than memory still works), anything else (a pipe, standard input) is read
 * into memory, refused with -EFBIG once it outgrows physical memory.
 * Sets job->data, job->data_len and how to let go of them. An empty file
 * gives a valid, zero-length buffer. Returns 0 or -errno.
 */
int ompk_job_load_file(struct ompk_job *job);
/* Lets go of what ompk_job_load_file or a kernel's prepare made (mapped or malloc'd). */
void ompk_job_release_data(struct ompk_job *job);

/* Bytes of physical memory on this machine (0 if unknown). */
unsigned long long ompk_mem_total(void);

#endif
