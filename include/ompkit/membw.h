/*
 * membw.h - the machine's memory read bandwidth, measured by a plain
 * streaming read: the ceiling that memory-bound kernels are compared with.
 */
#ifndef OMPKIT_MEMBW_H
#define OMPKIT_MEMBW_H

#include <stddef.h>

/*
 * Read the 8-byte-aligned words of buf[0..bytes) `repeats` times with an
 * OpenMP team of `threads` threads (threads < 1 means
 * omp_get_max_threads()), after one untimed warm-up pass, and return the
 * median rate in bytes per second. The buffer should be much larger than
 * the last-level cache and already touched (ideally by the same static
 * split of threads), or the figure is a cache or page-fault rate.
 * Returns -EINVAL if buf is NULL, fewer than 8 words can be read or
 * repeats < 1, and -ENOMEM if the timing array cannot be allocated.
 */
double ompk_membw_read(const void *buf, size_t bytes, int threads, int repeats);

#endif
