/*
 * binding.c - which binding is really in force: the policy the runtime
 * reports and, from inside a parallel region, the place and CPU of every
 * thread. OMP_PROC_BIND and OMP_PLACES are read once when the runtime
 * starts, so the environment alone does not prove anything; this does.
 */
#include <errno.h>
#include <omp.h>
#include <sched.h>
#include <stdlib.h>

#include "ompkit/driver.h"

const char *ompk_proc_bind_name(void)
{
	switch (omp_get_proc_bind()) {
	case omp_proc_bind_false:
		return "false";
	case omp_proc_bind_true:
		return "true";
	case omp_proc_bind_master:
		return "master";
	case omp_proc_bind_close:
		return "close";
	case omp_proc_bind_spread:
		return "spread";
	}
	return "unknown";
}

int ompk_binding_query(int threads, struct ompk_binding *b)
{
	int n = threads > 0 ? threads : 1;

	b->proc_bind = ompk_proc_bind_name();
	b->num_places = omp_get_num_places();
	b->nthreads = 0;
	b->place = malloc((size_t)n * sizeof(*b->place));
	b->cpu = malloc((size_t)n * sizeof(*b->cpu));
	if (!b->place || !b->cpu) {
		ompk_binding_free(b);
		return -ENOMEM;
	}
	int *place = b->place, *cpu = b->cpu, team = 1;
#pragma omp parallel num_threads(n) default(none) shared(place, cpu, team)
	{
		int t = omp_get_thread_num();

		if (t == 0)
			team = omp_get_num_threads();
		place[t] = omp_get_place_num();
		cpu[t] = sched_getcpu();
	}
	b->nthreads = team;
	return 0;
}

void ompk_binding_free(struct ompk_binding *b)
{
	free(b->place);
	free(b->cpu);
	b->place = b->cpu = NULL;
	b->nthreads = 0;
}
