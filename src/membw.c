/*
 * membw.c - memory read bandwidth by a plain streaming read.
 *
 * Each thread of a static split sums its share of 64-bit words. The sum
 * (wrapping) is the cheapest use of the data the compiler cannot delete;
 * eight accumulators and the widest vector loads keep the core far ahead
 * of memory, so the figure is what memory delivers, not what the loop can
 * issue. target_clones builds the loop for AVX-512, AVX2 and baseline
 * x86-64 and picks one at load time, so the reference is as wide as the
 * kernels it is compared with even in a build without -march=native.
 *
 * The rate is the median over the repeats after one untimed warm-up, the
 * same statistic the benchmarks report for the kernels, so the two are
 * compared like for like on a noisy machine.
 */
#include "ompkit/membw.h"
#include "ompkit/stats.h"

#include <errno.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

CLONES static uint64_t read_words(const uint64_t *w, size_t n)
{
	uint64_t s[8] = { 0 };
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		for (int j = 0; j < 8; j++)
			s[j] += w[i + j];
	for (; i < n; i++)
		s[0] += w[i];
	return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
}

/*
 * floor(q*t/nb) without overflow: with q = (q/nb)*nb + q%nb,
 * q*t/nb = (q/nb)*t + (q%nb)*t/nb, the first term exact and the second
 * below nb*t < 2^62 since threads are ints.
 */
static size_t scale(uint64_t q, uint64_t t, uint64_t nb)
{
	return (size_t)(q / nb * t + q % nb * t / nb);
}

/* One pass over w[0..n) by a static split; returns the wrapped sum. */
static uint64_t read_pass(const uint64_t *w, size_t n, int threads)
{
	uint64_t s = 0;

#pragma omp parallel num_threads(threads) default(none) shared(w, n) reduction(+ : s)
	{
		size_t nb = (size_t)omp_get_num_threads(), t = (size_t)omp_get_thread_num();
		size_t lo = scale(n, t, nb), hi = scale(n, t + 1, nb);

		s += read_words(w + lo, hi - lo);
	}
	return s;
}

double ompk_membw_read(const void *buf, size_t bytes, int threads, int repeats)
{
	/* Only whole aligned words are read, and only those are counted. */
	uintptr_t start = ((uintptr_t)buf + 7) & ~(uintptr_t)7;
	uintptr_t end = ((uintptr_t)buf + bytes) & ~(uintptr_t)7;
	const uint64_t *w = (const uint64_t *)start;
	size_t n = end > start ? (end - start) / 8 : 0;
	volatile uint64_t sink; /* keeps every pass's sum alive */
	double *rate, median;

	if (!buf || n < 8 || repeats < 1)
		return -EINVAL;
	if (threads < 1)
		threads = omp_get_max_threads();
	rate = malloc((size_t)repeats * sizeof *rate);
	if (!rate)
		return -ENOMEM;

	sink = read_pass(w, n, threads);
	for (int r = 0; r < repeats; r++) {
		double t0 = ompk_now();

		sink = read_pass(w, n, threads);
		rate[r] = (double)n * 8 / (ompk_now() - t0);
	}
	(void)sink;
	median = ompk_median(rate, (size_t)repeats);
	free(rate);
	return median;
}
