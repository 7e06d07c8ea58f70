/*
 * bench_kernels.c - seq vs omp for every kernel, at 1 thread and at every
 * core, median of REPEATS runs each, measured through the same driver as
 * the binaries; prints speedup over seq and parallel efficiency side by
 * side, and the schedules compared for the kernels whose descriptor says
 * they are uneven (primes: the cost per number grows with the number, so
 * static splitting is unbalanced).
 *
 * Usage: bench_kernels [REPEATS]   (default 5)
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/parse.h"
#include "ompkit/registry.h"

struct size {
	const char *kernel;
	uint64_t p[OMPK_MAX_PARAMS];
};

/* Sizes that run for a fraction of a second sequentially. */
static const struct size sizes[] = {
	{ "lcg", { 8, 50000000 } },	 { "primes", { 0, 100000, 1 } },
	{ "collatz", { 1, 3000000 } },	 { "sumsq", { 0, 200000000 } },
	{ "checksum", { 8, 16000000 } },
};

static int repeats = 5;

static double measure(const struct ompk_kernel *k, const uint64_t *p, enum ompk_variant v,
		      int threads, const char *sched, char *sched_seen, int *ok)
{
	struct ompk_options o;
	struct ompk_job job;
	struct ompk_report rep;
	char msg[512];
	double median;

	ompk_options_init(&o, v, threads, (uint64_t)repeats);
	o.warmup = 1;
	if (sched) {
		ompk_sched_parse(sched, &o.sched);
		o.sched_set = true;
	}
	ompk_job_init(&job, k);
	memcpy(job.p, p, sizeof(job.p));
	if (ompk_measure(&job, &o, &rep, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "bench: %s\n", msg);
		exit(1);
	}
	*ok = rep.verified == 1;
	strcpy(sched_seen, rep.schedule);
	median = rep.median;
	ompk_report_free(&rep);
	return median;
}

static void row(const struct ompk_kernel *k, const uint64_t *p, enum ompk_variant v, int threads,
		const char *sched, double t_seq)
{
	char seen[32];
	int ok;
	double t = measure(k, p, v, threads, sched, seen, &ok);
	double speedup = t_seq > 0 ? t_seq / t : 1;

	printf("%-9s %-7s %7d  %-12s %10.4f %9.2fx %10.3f  %s\n", k->name, ompk_variant_name(v),
	       threads, seen, t, speedup, speedup / threads, ok ? "verified" : "NOT VERIFIED");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int cores = omp_get_num_procs();

	if (argc > 1)
		repeats = atoi(argv[1]) > 0 ? atoi(argv[1]) : 5;
	printf("ompkit kernel benchmark: median of %d runs (+1 warm-up), %d cores, %s %s\n",
	       repeats, cores, ompk_build_compiler(), ompk_build_flags());
	printf("speedup = T(seq) / T; efficiency = speedup / threads\n\n");
	printf("%-9s %-7s %7s  %-12s %10s %10s %10s\n", "kernel", "variant", "threads", "schedule",
	       "median [s]", "speedup", "efficiency");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const struct ompk_kernel *k = ompk_kernel_find(sizes[i].kernel);
		char seen[32];
		int ok;
		double t_seq = measure(k, sizes[i].p, OMPK_SEQ, 1, NULL, seen, &ok);

		printf("%-9s %-7s %7d  %-12s %10.4f %9.2fx %10.3f  %s   [", k->name, "seq", 1,
		       "none", t_seq, 1.0, 1.0, ok ? "verified" : "NOT VERIFIED");
		for (size_t j = 0; j < k->nparams; j++)
			printf("%s%s=%llu", j ? " " : "", k->params[j].name,
			       (unsigned long long)sizes[i].p[j]);
		printf("]\n");
		row(k, sizes[i].p, OMPK_OMP, 1, "dynamic,1", t_seq);
		if (k->uneven) {
			static const char *const scheds[] = { "static", "static,1", "dynamic,1",
							      "dynamic,16", "guided" };

			for (size_t s = 0; s < sizeof(scheds) / sizeof(scheds[0]); s++)
				row(k, sizes[i].p, OMPK_OMP, cores, scheds[s], t_seq);
		} else {
			row(k, sizes[i].p, OMPK_OMP, cores, "dynamic,1", t_seq);
		}
	}
	return 0;
}
