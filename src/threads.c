/*
 * threads.c - how many OpenMP threads a run may ask for, and the warning
 * when they oversubscribe the cores; the same rule for --threads and for
 * OMP_NUM_THREADS, in every tool.
 *
 * Why a limit at all: libgomp does not fail cleanly past what the system
 * can start. It builds a new team's start records with alloca on the
 * calling thread's stack (about 128 bytes a thread), so 65536 threads
 * overflow the 8 MiB main stack and die of SIGSEGV inside GOMP_parallel;
 * and when pthread_create fails (RLIMIT_NPROC, kernel.threads-max,
 * kernel.pid_max, vm.max_map_count: each thread stack is two mappings) it
 * prints "libgomp: Thread creation failed" and exits. So the accepted
 * maximum is the smallest of those limits and a fixed cap, 4096: 2048
 * threads per core on the 2-core machines this is studied on, far past
 * where oversubscription teaches anything new, and started by libgomp in
 * under a second (1024 threads 0.2 s, 4096 0.9 s, 37 MB).
 */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <sys/resource.h>

#include "ompkit/cli.h"

/* Threads beyond this many per core are allowed, with a warning. */
#define OVERSUBSCRIBE_WARN 4
/* Bytes of the caller's stack libgomp needs per thread of a new team, with margin. */
#define STACK_PER_THREAD 256

static void lower(uint64_t *max, const char **why, uint64_t v, const char *what)
{
	if (v < *max) {
		*max = v;
		*why = what;
	}
}

static void lower_sysctl(uint64_t *max, const char **why, const char *path, uint64_t div,
			 const char *what)
{
	FILE *f = fopen(path, "r");
	unsigned long long v;

	if (!f)
		return;
	if (fscanf(f, "%llu", &v) == 1 && v / div > 1)
		lower(max, why, v / div - 1, what); /* -1: the thread that starts the team */
	fclose(f);
}

static void lower_rlimit(uint64_t *max, const char **why, int res, uint64_t div, const char *what)
{
	struct rlimit rl;

	if (getrlimit(res, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / div > 1)
		lower(max, why, rl.rlim_cur / div - 1, what);
}

uint64_t ompk_threads_max(const char **why)
{
	uint64_t max = OMPK_THREADS_CAP;
	const char *w = "ompkit's cap";

	lower_rlimit(&max, &w, RLIMIT_NPROC, 1, "the RLIMIT_NPROC of ulimit -u");
	lower_rlimit(&max, &w, RLIMIT_STACK, STACK_PER_THREAD, "the RLIMIT_STACK of ulimit -s");
	lower_sysctl(&max, &w, "/proc/sys/kernel/threads-max", 1, "kernel.threads-max");
	lower_sysctl(&max, &w, "/proc/sys/kernel/pid_max", 1, "kernel.pid_max");
	lower_sysctl(&max, &w, "/proc/sys/vm/max_map_count", 2, "vm.max_map_count / 2");
	if (why)
		*why = w;
	return max;
}

int ompk_threads_check(int threads, char *msg, size_t len)
{
	const char *why;
	uint64_t max = ompk_threads_max(&why);
	int n = threads > 0 ? threads : omp_get_max_threads();

	if ((uint64_t)n <= max)
		return 0;
	snprintf(msg, len, "%s: %d threads is out of range; accepted: 1 to %llu (%s)",
		 threads > 0 ? "--threads" : "OMP_NUM_THREADS", n, (unsigned long long)max, why);
	return -EINVAL;
}

void ompk_threads_warn(int threads)
{
	int n = threads > 0 ? threads : omp_get_max_threads();

	if (n > OVERSUBSCRIBE_WARN * omp_get_num_procs())
		fprintf(stderr,
			"ompk: %s: %d threads on %d cores oversubscribes them; expect slower "
			"runs\n",
			threads > 0 ? "--threads" : "OMP_NUM_THREADS", n, omp_get_num_procs());
}
