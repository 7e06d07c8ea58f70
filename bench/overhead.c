/*
 * overhead.c - what the OpenMP runtime itself costs, EPCC-style (the
 * syncbench / schedbench approach): time many repetitions of a construct
 * whose body does nothing, so the time is the runtime's fork, join and
 * scheduling, and report the median over repeated samples.
 *
 *   parallel            an empty parallel region: fork + join of the team
 *   for dynamic,1       inside one region, a schedule(dynamic,1) loop of
 *                       ITERS_PER_THREAD empty iterations per thread: every
 *                       iteration is one trip to the shared work queue
 *   for static          the same loop with schedule(static): no queue, only
 *                       the loop's closing barrier (the baseline)
 *
 * Built by each configuration (gcc links libgomp, clang libomp), so running
 * both builds side by side compares the runtimes; the library that
 * answered is found with dladdr and printed. The body is an empty asm
 * statement, so no compiler can delete the loop.
 *
 * Usage: overhead [samples]   (default 21; threads from OMP_NUM_THREADS)
 */
#include <dlfcn.h>
#include <errno.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REGIONS 2000 /* parallel regions per sample */
#define LOOPS 200    /* loops per sample */
#define ITERS_PER_THREAD 1024

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* google/benchmark's median: the mean of the two middle values. */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Microseconds per empty parallel region. */
static double sample_parallel(void)
{
	double t0 = omp_get_wtime();

	for (int r = 0; r < REGIONS; r++) {
#pragma omp parallel
		{
			__asm__ volatile("");
		}
	}
	return (omp_get_wtime() - t0) * 1e6 / REGIONS;
}

/* Microseconds per loop of ITERS_PER_THREAD iterations per thread, inside one region. */
static double sample_loop(int dynamic)
{
	double t0 = 0, t1 = 0;

#pragma omp parallel default(none) shared(t0, t1, dynamic)
	{
		const long n = (long)ITERS_PER_THREAD * omp_get_num_threads();

#pragma omp barrier
#pragma omp master
		t0 = omp_get_wtime();
		for (int r = 0; r < LOOPS; r++) {
			if (dynamic) {
#pragma omp for schedule(dynamic, 1)
				for (long i = 0; i < n; i++)
					__asm__ volatile("");
			} else {
#pragma omp for schedule(static)
				for (long i = 0; i < n; i++)
					__asm__ volatile("");
			}
		}
#pragma omp master
		t1 = omp_get_wtime();
	}
	return (t1 - t0) * 1e6 / LOOPS;
}

/* The shared object that provides omp_get_wtime: libgomp.so.1, libomp.so.5, ... */
static const char *runtime_name(void)
{
	Dl_info info;
	const char *slash;

	if (!dladdr((void *)(uintptr_t)omp_get_wtime, &info) || !info.dli_fname)
		return "unknown";
	slash = strrchr(info.dli_fname, '/');
	return slash ? slash + 1 : info.dli_fname;
}

static void report(const char *name, double *v, int n, double per_iter_div)
{
	double med = median(v, n);

	printf("%-34s %10.3f %10.3f %10.3f", name, med, v[0], v[n - 1]);
	if (per_iter_div > 0)
		printf("   (%.1f ns per iteration)", med * 1e3 / per_iter_div);
	printf("\n");
}

int main(int argc, char **argv)
{
	int samples = 21, threads = omp_get_max_threads();
	double *par, *dyn, *sta;
	char *end;

	if (argc > 1) {
		errno = 0;
		long v = strtol(argv[1], &end, 10);

		if (errno || *end || v < 1 || v > 100000) {
			fprintf(stderr, "ompk: %s: not a sample count; accepted: 1 .. 100000\n",
				argv[1]);
			fprintf(stderr, "Try 'overhead' with no argument\n");
			return 2;
		}
		samples = (int)v;
	}
	par = calloc((size_t)samples, sizeof(*par));
	dyn = calloc((size_t)samples, sizeof(*dyn));
	sta = calloc((size_t)samples, sizeof(*sta));
	if (!par || !dyn || !sta) {
		fprintf(stderr, "ompk: overhead: out of memory\n");
		free(par), free(dyn), free(sta);
		return 1;
	}
	/* Untimed warm-up: the team is created on the first region. */
	sample_parallel();
	sample_loop(1);
	/* Interleaved, so load from other processes hits the three alike. */
	for (int s = 0; s < samples; s++) {
		par[s] = sample_parallel();
		dyn[s] = sample_loop(1);
		sta[s] = sample_loop(0);
	}
#if defined(__clang__)
#define STR_(x) #x
#define STR(x) STR_(x)
	const char *cc = "clang " STR(__clang_major__) "." STR(__clang_minor__) "." STR(
		__clang_patchlevel__);
#else
	const char *cc = "gcc " __VERSION__;
#endif
	printf("compiler = %s\nruntime  = %s\nthreads  = %d\nsamples  = %d (median, min, max)\n",
	       cc, runtime_name(), threads, samples);
	printf("%-34s %10s %10s %10s\n", "construct", "median us", "min us", "max us");
	report("parallel (empty region)", par, samples, 0);
	report("for dynamic,1 (1024 iters/thread)", dyn, samples, ITERS_PER_THREAD);
	report("for static (1024 iters/thread)", sta, samples, ITERS_PER_THREAD);
	free(par), free(dyn), free(sta);
	return 0;
}
