/*
 * team.h - starting an OpenMP team with its threads on CPUs of their own.
 *
 * Linux starts a new thread on a CPU chosen from load averages that lag by
 * tens of milliseconds, often its creator's, and moves one of two busy
 * threads sharing a CPU only after 17-42 ms (measured on a 2-vCPU VM): a
 * first parallel region ran 15-30% slow with its threads taking turns on
 * one CPU. The fix is a nudge, not a binding: in the region that starts
 * the team, a thread whose CPU another team thread already runs on moves
 * to a free allowed CPU and gets its own CPU mask back at once.
 */
#ifndef OMPKIT_TEAM_H
#define OMPKIT_TEAM_H

/*
 * Starts the OpenMP team of `threads` threads of the calling thread
 * (libgomp keeps one per thread that starts parallel regions), spread over
 * CPUs as above, so that no timing includes creating or placing them: call
 * it untimed, from the thread that will run the timed regions. Returns the
 * team size the runtime gave.
 */
int ompk_team_start(int threads);

/*
 * The same spreading at the start of a region that does work at once (the
 * prime sieve's): ompk_spread_init before the region, by the thread that
 * starts it; ompk_spread_enter first thing in the region, by every thread.
 * Each thread claims the CPU it runs on, or moves to a free one; the first
 * thread then yields once, so that a new thread sharing its CPU runs and
 * moves at once. No thread waits for another. Nothing moves when the
 * runtime binds threads itself (OMP_PROC_BIND) or there are more threads
 * than CPUs.
 */
#define OMPK_SPREAD_CPUS 1024 /* glibc's CPU_SETSIZE: CPUs beyond it are not used */
struct ompk_spread {
	int on;
	unsigned long allowed[OMPK_SPREAD_CPUS / (8 * sizeof(unsigned long))]; /* a cpu_set_t */
	unsigned char claimed[OMPK_SPREAD_CPUS];
};

void ompk_spread_init(struct ompk_spread *s, int threads);
void ompk_spread_enter(struct ompk_spread *s);

#endif
