/*
 * stats.h - the one clock and the one summary of repeated timings that
 * every tool uses (kernels, pipeline, heartbeat, the MPI driver, the
 * benches), so "median" means the same thing everywhere.
 */
#ifndef OMPKIT_STATS_H
#define OMPKIT_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Seconds (and nanoseconds) on CLOCK_MONOTONIC, from an arbitrary origin. */
double ompk_now(void);
uint64_t ompk_now_ns(void);

/* What a list of repeated timings is summarised to. */
struct ompk_summary {
	size_t n;	   /* how many timings */
	double median;	   /* the middle one; the mean of the two middle ones when n is even */
	double min, max;   /* the fastest and the slowest */
	size_t median_run; /* index of the run nearest the median (the faster of the two middle
			    * ones when n is even), whose other facts a report may print */
};

/*
 * Summarises t[0..n). Returns 0, -EINVAL when n is 0, or -ENOMEM (t is
 * not changed: a sorted copy is made).
 */
int ompk_summarise(const double *t, size_t n, struct ompk_summary *s);

/* The median of t[0..n) as above, or 0 when n is 0 or memory ran out. */
double ompk_median(const double *t, size_t n);

#endif
