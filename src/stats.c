/*
 * stats.c - the one clock and the one median (see stats.h).
 *
 * The median of an even count is the mean of the two middle values, as
 * google/benchmark's statistics do; the run "nearest the median" is the
 * faster of those two, so a report can show the facts of one real run
 * next to the median time (the pipeline's timeline and overlap).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ompkit/stats.h"

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
