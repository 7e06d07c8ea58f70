/*
 * stats.c - the one clock and the one median (see stats.h).
 *
 * The median of an even count is the mean of the two middle values, as
 * google/benchmark's statistics do; the run "nearest the median" is the
 * faster of those two, so a report can show the facts of one real run
 * next to the median time (the pipeline's timeline and overlap).
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "ompkit/stats.h"

/* The longest ompk_team_start waits for its threads to spread out, and one round's spin. */
#define SETTLE_MAX_S 0.1
#define SETTLE_SPIN_S 0.0005

/* CPUs this process may run on (1 when unknown). */
static int cpus_allowed(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

/*
 * Linux starts a new thread on its creator's CPU, and the load balancer
 * moves one of two busy threads sharing a CPU only after tens of
 * milliseconds (17-42 ms measured on a 2-vCPU VM): a first timed region
 * ran 15-30% slow, its threads taking turns on one CPU. So the team spins
 * briefly, all its threads at once, until each runs on a CPU of its own,
 * or SETTLE_MAX_S passes (more threads than CPUs, or a busy machine). The
 * region also does what gcc cannot drop (an empty one is removed, and no
 * team starts).
 */
int ompk_team_start(int threads)
{
	const int spread = threads > 1 && threads <= cpus_allowed() && threads <= CPU_SETSIZE;
	const double give_up = ompk_now() + SETTLE_MAX_S;
	int started = 0, distinct = 0;

	do {
		cpu_set_t seen;
		int clash = 0;

		CPU_ZERO(&seen);
#pragma omp parallel num_threads(threads) default(none) shared(started, seen, clash, spread)
		{
			const double until = ompk_now() + SETTLE_SPIN_S;
			int cpu;

			while (spread && ompk_now() < until)
				;
			cpu = sched_getcpu();
#pragma omp critical(ompk_team_start)
			{
				if (cpu < 0 || cpu >= CPU_SETSIZE || CPU_ISSET(cpu, &seen))
					clash = 1;
				else
					CPU_SET(cpu, &seen);
			}
#pragma omp master
			started = omp_get_num_threads();
		}
		distinct = !clash;
	} while (spread && started == threads && !distinct && ompk_now() < give_up);
	return started;
}

double ompk_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t ompk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A timing and the run it came from; ties are ordered by run, so the result is deterministic. */
struct timed {
	double t;
	size_t run;
};

static int cmp_timed(const void *a, const void *b)
{
	const struct timed *x = a, *y = b;

	if (x->t != y->t)
		return (x->t > y->t) - (x->t < y->t);
	return (x->run > y->run) - (x->run < y->run);
}

int ompk_summarise(const double *t, size_t n, struct ompk_summary *s)
{
	struct timed *v;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return -EINVAL;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct timed){ t[i], i };
	qsort(v, n, sizeof(*v), cmp_timed);
	s->n = n;
	s->min = v[0].t;
	s->max = v[n - 1].t;
	if (n % 2) {
		s->median_run = v[n / 2].run;
		s->median = v[n / 2].t;
	} else {
		s->median_run = v[n / 2 - 1].run;
		s->median = (v[n / 2 - 1].t + v[n / 2].t) / 2;
	}
	free(v);
	return 0;
}

double ompk_median(const double *t, size_t n)
{
	struct ompk_summary s;

	return ompk_summarise(t, n, &s) ? 0 : s.median;
}
