/*
 * bench_fold.c - how close the fast checksum and sum of squares come to
 * the memory read bandwidth, and how far they are ahead of the plain loops.
 *
 * Every rate is the median of 5 timed runs after one untimed warm-up, and
 * every fast result is checked against the plain loop's before it is
 * reported (exit 1 if one differs). The memory reference is ompk_membw_read
 * on the same buffer, measured in the same run, so the ratios compare like
 * with like on a shared, noisy machine. GB/s means 1e9 bytes per second of
 * input read (8 bytes per u64 element, also for the in-register range).
 *
 * Usage: bench_fold [fold_MiB [sumsq_MiB]]   (defaults 256 and 1024)
 */
#define _DEFAULT_SOURCE /* madvise under -std=c11 */

#include <errno.h>
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ompkit/checksum.h"
#include "ompkit/membw.h"
#include "ompkit/stats.h"
#include "ompkit/sumsq.h"

/* plain_fold, plain_sumsq: the loops as anyone would write them (-O3 vectorises the sum). */
#include "../tests/plain_loops.h"

#define REPEATS 5
#define CACHE_BYTES ((size_t)64 * 1024)

struct job {
	const uint8_t *bytes;
	const uint64_t *words;
	size_t n; /* bytes or words */
	int threads;
	int simd;
	uint64_t result;
};

typedef void job_fn(struct job *j);

/* The same loop kept scalar, the baseline a vectorising kernel is credited against. */
__attribute__((optimize("no-tree-vectorize"))) static uint64_t scalar_sumsq(const uint64_t *v,
									    size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += v[i] * v[i];
	return s;
}

static void run_plain_fold(struct job *j)
{
	j->result = plain_fold(0, j->bytes, j->n);
}
static void run_plain_sumsq(struct job *j)
{
	j->result = plain_sumsq(j->words, j->n);
}
static void run_scalar_sumsq(struct job *j)
{
	j->result = scalar_sumsq(j->words, j->n);
}

static void run_fold_fast(struct job *j)
{
	if (ompk_fold_fast_simd(j->bytes, j->n, j->threads, j->simd, &j->result))
		j->result = ~plain_fold(0, j->bytes, j->n); /* unsupported: fails the check */
}

static void run_sumsq_fast(struct job *j)
{
	if (ompk_sumsq_fast_simd(j->words, j->n, j->threads, j->simd, &j->result))
		j->result = ~plain_sumsq(j->words, j->n);
}

/*
 * The same bytes, repeated: the in-cache case; n is the total length. The
 * empty asm with a memory clobber stops the compiler from computing the
 * identical call once and reusing it.
 */
#define KEEP_REPEATING() __asm__ __volatile__("" ::: "memory")

static void run_plain_fold_cached(struct job *j)
{
	uint64_t acc = 0, pw = ompk_pow_u64(OMPK_FOLD_P, CACHE_BYTES);

	for (size_t done = 0; done < j->n; done += CACHE_BYTES) {
		KEEP_REPEATING();
		acc = acc * pw + plain_fold(0, j->bytes, CACHE_BYTES);
	}
	j->result = acc;
}

/* AUTO through the streaming call, a forced kernel through the same identity by hand. */
static void run_fold_fast_cached(struct job *j)
{
	struct ompk_fold_state st = { 0 };
	uint64_t pw = ompk_pow_u64(OMPK_FOLD_P, CACHE_BYTES), h = 0;

	for (size_t done = 0; done < j->n; done += CACHE_BYTES) {
		if (j->simd == OMPK_SIMD_AUTO) {
			ompk_fold_update(&st, j->bytes, CACHE_BYTES, 1);
		} else if (ompk_fold_fast_simd(j->bytes, CACHE_BYTES, 1, j->simd, &h) == 0) {
			st.acc = st.acc * pw + h;
		} else {
			st.acc = 0; /* unsupported: main skips these, and 0 fails the check */
			break;
		}
	}
	j->result = st.acc;
}

/* fn over the first CACHE_BYTES of the words, again and again until n words are summed. */
static uint64_t sumsq_cached(const struct job *j, uint64_t (*fn)(const uint64_t *, size_t))
{
	uint64_t s = 0;

	for (size_t done = 0; done < j->n; done += CACHE_BYTES / 8) {
		KEEP_REPEATING();
		s += fn(j->words, CACHE_BYTES / 8);
	}
	return s;
}

static uint64_t sumsq_fast_one_thread(const uint64_t *v, size_t n)
{
	return ompk_sumsq_fast(v, n, 1);
}

static void run_scalar_sumsq_cached(struct job *j)
{
	j->result = sumsq_cached(j, scalar_sumsq);
}

static void run_plain_sumsq_cached(struct job *j)
{
	j->result = sumsq_cached(j, plain_sumsq);
}

static void run_sumsq_fast_cached(struct job *j)
{
	j->result = sumsq_cached(j, sumsq_fast_one_thread);
}

/* Median rate in GB/s of REPEATS runs after a warm-up; bytes is the input size. */
static double measure(job_fn *fn, struct job *j, double bytes)
{
	double rate[REPEATS];

	fn(j);
	for (int r = 0; r < REPEATS; r++) {
		double t0 = ompk_now();

		fn(j);
		rate[r] = bytes / (ompk_now() - t0) / 1e9;
	}
	return ompk_median(rate, REPEATS);
}

static int failures;

/* Every fold kernel by name, so each gets its rows (those the CPU lacks are skipped). */
static const struct {
	int simd;
	const char *row, *cached_row;
} fold_kernels[] = {
	{ OMPK_SIMD_AVX512VNNI, "fold_fast [avx512vnni kernel]",
	  "  [avx512vnni kernel], in cache" },
	{ OMPK_SIMD_AVX512, "fold_fast [avx512 kernel]", "  [avx512 kernel], in cache" },
	{ OMPK_SIMD_AVX2, "fold_fast [avx2 kernel]", "  [avx2 kernel], in cache" },
	{ OMPK_SIMD_SCALAR, "fold_fast [scalar kernel]", "  [scalar kernel], in cache" },
};
#define NFOLD_KERNELS (sizeof fold_kernels / sizeof fold_kernels[0])

static bool fold_kernel_runs(int simd)
{
	uint64_t h;
	uint8_t b = 0;

	return ompk_fold_fast_simd(&b, 1, 1, simd, &h) == 0;
}

static double row(const char *name, int threads, job_fn *fn, struct job *j, double bytes,
		  uint64_t want)
{
	double gbs;

	j->threads = threads;
	gbs = measure(fn, j, bytes);
	printf("  %-36s %7d %9.2f  %s\n", name, threads, gbs, j->result == want ? "ok" : "WRONG");
	if (j->result != want)
		failures++;
	return gbs;
}

static double membw_row(const char *name, const void *buf, size_t bytes, int threads)
{
	double bw = ompk_membw_read(buf, bytes, threads, REPEATS) / 1e9;

	printf("  %-36s %7d %9.2f  %s\n", name, threads, bw, "-");
	return bw;
}

/* Huge pages where the kernel allows, so TLB misses do not blur the memory rate. */
static void *alloc_big(size_t bytes)
{
	void *p = aligned_alloc((size_t)2 << 20, bytes);

#ifdef MADV_HUGEPAGE
	if (p)
		madvise(p, bytes, MADV_HUGEPAGE); /* a hint: failure only costs speed */
#endif
	return p;
}

/* Parse a MiB count: digits only, 1..65536. */
static int parse_mib(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < 1 || v > 65536)
		return -EINVAL;
	*out = (size_t)v << 20;
	return 0;
}

int main(int argc, char **argv)
{
	size_t fold_bytes = (size_t)256 << 20, sumsq_bytes = (size_t)1024 << 20;
	int all = omp_get_max_threads();
	uint8_t *buf = NULL;
	uint64_t *v = NULL, want;
	struct job j = { 0 };
	double seq, fast1, fastn, bw1, bwn, p1, s1, c1, sn, plain_c, scalar_c, fast_c;
	int rc = 1;

	if (argc > 3 || (argc > 1 && parse_mib(argv[1], &fold_bytes)) ||
	    (argc > 2 && parse_mib(argv[2], &sumsq_bytes))) {
		fprintf(stderr,
			"ompk: bench_fold: expected [fold_MiB [sumsq_MiB]], each 1..65536\n");
		return 2;
	}
	buf = alloc_big(fold_bytes);
	v = alloc_big(sumsq_bytes);
	if (!buf || !v) {
		fprintf(stderr, "ompk: bench_fold: out of memory\n");
		goto out;
	}
	/* first touch by the same static split the kernels use */
#pragma omp parallel for schedule(static) default(none) shared(buf, fold_bytes)
	for (size_t i = 0; i < fold_bytes; i++)
		buf[i] = (uint8_t)((i * 0x9e3779b97f4a7c15u) >> 56);
#pragma omp parallel for schedule(static) default(none) shared(v, sumsq_bytes)
	for (size_t i = 0; i < sumsq_bytes / 8; i++)
		v[i] = i * 0x9e3779b97f4a7c15u;

	printf("fold_bytes   = %zu (%zu MiB)\n", fold_bytes, fold_bytes >> 20);
	printf("sumsq_bytes  = %zu (%zu MiB of u64)\n", sumsq_bytes, sumsq_bytes >> 20);
	printf("threads      = 1 and %d\n", all);
	printf("repeats      = %d (median, after 1 warm-up)\n", REPEATS);
	printf("\n  %-36s %7s %9s  %s\n", "checksum (byte fold)", "threads", "GB/s", "check");

	j.bytes = buf;
	j.n = fold_bytes;
	want = plain_fold(0, buf, fold_bytes);
	seq = row("plain byte fold", 1, run_plain_fold, &j, (double)fold_bytes, want);
	j.simd = OMPK_SIMD_AUTO;
	fast1 = row("fold_fast", 1, run_fold_fast, &j, (double)fold_bytes, want);
	fastn = row("fold_fast", all, run_fold_fast, &j, (double)fold_bytes, want);
	/* each kernel forced, including those a CPU without VNNI or AVX-512 would get */
	for (size_t k = 0; k < NFOLD_KERNELS; k++) {
		j.simd = fold_kernels[k].simd;
		if (!fold_kernel_runs(j.simd))
			continue;
		row(fold_kernels[k].row, 1, run_fold_fast, &j, (double)fold_bytes, want);
		if (j.simd != OMPK_SIMD_SCALAR)
			row(fold_kernels[k].row, all, run_fold_fast, &j, (double)fold_bytes, want);
	}
	bw1 = membw_row("membw read", buf, fold_bytes, 1);
	bwn = membw_row("membw read", buf, fold_bytes, all);
	/* in cache: 64 KiB hashed over and over, the same total */
	{
		struct job c = { .bytes = buf, .n = fold_bytes };

		run_plain_fold_cached(&c);
		want = c.result;
		p1 = row("plain byte fold, 64 KiB in cache", 1, run_plain_fold_cached, &c,
			 (double)fold_bytes, want);
		c.simd = OMPK_SIMD_AUTO;
		c1 = row("fold_fast, 64 KiB in cache", 1, run_fold_fast_cached, &c,
			 (double)fold_bytes, want);
		for (size_t k = 0; k < NFOLD_KERNELS; k++) {
			c.simd = fold_kernels[k].simd;
			if (fold_kernel_runs(c.simd))
				row(fold_kernels[k].cached_row, 1, run_fold_fast_cached, &c,
				    (double)fold_bytes, want);
		}
	}
	printf("\n  fast/seq, 1 thread               = %6.1fx  (floor 10x)\n", fast1 / seq);
	printf("  fast/membw, 1 thread             = %6.2f\n", fast1 / bw1);
	printf("  fast/membw, %d threads            = %6.2f   (floor 0.95)\n", all, fastn / bwn);
	printf("  fast in cache, 1 thread          = %6.2f GB/s (floor 20)\n", c1);
	printf("  fast/plain in cache, 1 thread    = %6.1fx\n", c1 / p1);

	printf("\n  %-36s %7s %9s  %s\n", "sum of squares (u64)", "threads", "GB/s", "check");
	j.words = v;
	j.n = sumsq_bytes / 8;
	want = scalar_sumsq(v, j.n);
	row("plain sumsq loop (scalar)", 1, run_scalar_sumsq, &j, (double)sumsq_bytes, want);
	row("plain sumsq loop (as compiled)", 1, run_plain_sumsq, &j, (double)sumsq_bytes, want);
	j.simd = OMPK_SIMD_AUTO;
	s1 = row("sumsq_fast", 1, run_sumsq_fast, &j, (double)sumsq_bytes, want);
	sn = row("sumsq_fast", all, run_sumsq_fast, &j, (double)sumsq_bytes, want);
	bw1 = membw_row("membw read", v, sumsq_bytes, 1);
	bwn = membw_row("membw read", v, sumsq_bytes, all);
	{
		struct job c = { .words = v, .n = sumsq_bytes / 8 };

		run_scalar_sumsq_cached(&c);
		want = c.result;
		scalar_c = row("plain sumsq (scalar), 64 KiB in cache", 1, run_scalar_sumsq_cached,
			       &c, (double)sumsq_bytes, want);
		plain_c = row("plain sumsq (compiled), 64 KiB cache", 1, run_plain_sumsq_cached, &c,
			      (double)sumsq_bytes, want);
		fast_c = row("sumsq_fast, 64 KiB in cache", 1, run_sumsq_fast_cached, &c,
			     (double)sumsq_bytes, want);
	}
	printf("\n  fast/membw, 1 thread             = %6.2f\n", s1 / bw1);
	printf("  fast/membw, %d threads            = %6.2f   (floor 0.90)\n", all, sn / bwn);
	printf("  fast/scalar in cache, 1 thread   = %6.1fx\n", fast_c / scalar_c);
	printf("  fast/compiled in cache, 1 thread = %6.1fx\n", fast_c / plain_c);

	if (failures) {
		fprintf(stderr, "ompk: bench_fold: %d result(s) differ from the plain loop\n",
			failures);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	free(v);
	return rc;
}
