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

/* Bytes of physical memory on this machine (0 if unknown). */
unsigned long long ompk_mem_total(void);

#endif
