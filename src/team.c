/*
 * team.c - an OpenMP team with its threads on CPUs of their own (team.h
 * says why). Each thread claims the CPU it runs on in a byte per CPU; one
 * whose CPU is taken claims a free allowed CPU, moves there by setting its
 * mask to that one CPU, and sets its own mask back: the kernel migrates it
 * at once, and nothing pins it afterwards.
 */
#include "ompkit/team.h"

#include <sched.h>
#include <string.h>

#include <omp.h>

/* Teams larger than this are left where the kernel put them. */
#define SPREAD_MAX 1024

_Static_assert(sizeof(cpu_set_t) == OMPK_SPREAD_CPUS / 8 && CPU_SETSIZE == OMPK_SPREAD_CPUS,
	       "struct ompk_spread holds a cpu_set_t");

static cpu_set_t *allowed(struct ompk_spread *s)
{
	return (cpu_set_t *)(void *)s->allowed;
}

/* Claims CPU c: 1 if no other thread of the team had. */
static int claim(struct ompk_spread *s, int c)
{
	return c >= 0 && c < CPU_SETSIZE &&
	       !__atomic_exchange_n(&s->claimed[c], 1, __ATOMIC_ACQ_REL);
}

/* Moves the calling thread to CPU `to`, then gives it its own CPU mask back. */
static void nudge(int to)
{
	cpu_set_t mine, one;

	if (sched_getaffinity(0, sizeof(mine), &mine))
		return;
	CPU_ZERO(&one);
	CPU_SET(to, &one);
	if (sched_setaffinity(0, sizeof(one), &one) == 0)
		sched_setaffinity(0, sizeof(mine), &mine);
}

void ompk_spread_init(struct ompk_spread *s, int threads)
{
	memset(s->claimed, 0, sizeof(s->claimed));
	s->on = threads > 1 && threads <= SPREAD_MAX &&
		omp_get_proc_bind() == omp_proc_bind_false &&
		!sched_getaffinity(0, sizeof(cpu_set_t), allowed(s)) &&
		threads <= CPU_COUNT(allowed(s));
}

void ompk_spread_enter(struct ompk_spread *s)
{
	if (!s->on)
		return;
	/*
	 * Claimed here, not before the region: the first thread can change CPU in
	 * between, and a stale claim sent a thread onto the CPU it had moved to.
	 */
	if (claim(s, sched_getcpu())) {
		if (omp_get_thread_num() == 0)
			sched_yield();
		return;
	}
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, allowed(s)) && claim(s, c)) {
			nudge(c);
			return;
		}
}

/*
 * The first thread yields until every thread has claimed its CPU, so the team is
 * placed when this returns. The region also does what gcc cannot drop (an empty one
 * is removed, and no team starts).
 */
int ompk_team_start(int threads)
{
	struct ompk_spread s;
	int started = 0, arrived = 0;

	ompk_spread_init(&s, threads);
#pragma omp parallel num_threads(threads) default(none) shared(s, started, arrived)
	{
		ompk_spread_enter(&s);
		if (omp_get_thread_num() == 0) {
			const int n = omp_get_num_threads();
			started = n;
			while (s.on && __atomic_load_n(&arrived, __ATOMIC_ACQUIRE) < n - 1)
				sched_yield();
		} else {
			__atomic_add_fetch(&arrived, 1, __ATOMIC_RELEASE);
		}
	}
	return started;
}
