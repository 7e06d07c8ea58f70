/*
 * sched.h - OpenMP loop schedules as users write them ("dynamic,64") and
 * as the runtime actually has them.
 *
 * Every kernel loop uses schedule(runtime), so the schedule in force is
 * the runtime's run-sched-var: OMP_SCHEDULE, or --schedule through
 * omp_set_schedule(), or the runtime's own default (libgomp: dynamic,1;
 * LLVM's libomp: static). We always report what omp_get_schedule() says
 * rather than guessing.
 */
#ifndef OMPKIT_SCHED_H
#define OMPKIT_SCHED_H

#include <stddef.h>

struct ompk_sched {
	int kind;  /* omp_sched_t value */
	int chunk; /* 0: the runtime's default chunking */
};

/* Parses "static|dynamic|guided|auto[,CHUNK]". 0 or -EINVAL. */
int ompk_sched_parse(const char *s, struct ompk_sched *out);
/* Makes it the run-sched-var of the calling thread. */
void ompk_sched_apply(const struct ompk_sched *s);
/* The schedule in force now, formatted like "dynamic,1" or "static". */
void ompk_sched_current(char *buf, size_t len);

#endif
