/*
 * heartbeat.h - an io_uring event loop with a periodic timer and one job,
 * to show loop starvation: run the job on the loop thread (inline) and the
 * ticks come late; run it on a worker thread whose completion wakes the
 * ring through an eventfd (offload) and they stay on time.
 *
 * Each tick re-arms a relative timer when the previous one fires (as an
 * async sleep in a loop does), so tick k is due at k * tick; its lateness
 * is the time it was reaped minus k * tick.
 */
#ifndef OMPKIT_HEARTBEAT_H
#define OMPKIT_HEARTBEAT_H

#include <stdbool.h>
#include <stdint.h>

enum ompk_hb_work { OMPK_HB_SLEEP, OMPK_HB_LCG };

struct ompk_heartbeat_config {
	uint64_t tick_ms;  /* 1 .. 3600000 */
	uint64_t ticks;	   /* 1 .. 1000000 */
	uint64_t block_ms; /* the job's length, 0 .. 3600000 */
	enum ompk_hb_work work;
	bool offload; /* false: the job runs on the loop thread */
};

struct ompk_heartbeat_stats {
	uint64_t ticks;
	double *tick_at_ms; /* per tick: when the loop saw it, ms since the start */
	double *late_ms;    /* per tick: tick_at_ms - k * tick_ms */
	double max_late_ms;
	double job_done_ms; /* when the loop learnt the job was done */
	uint64_t lcg_steps; /* work lcg: steps taken from x = 1, and the state after them */
	uint64_t lcg_x;
	bool lcg_verified; /* lcg_x equals the jump-ahead of lcg_steps steps */
};

/*
 * Runs the loop. Fills *st (free with ompk_heartbeat_stats_free, also on
 * error). Returns 0, -EINVAL for a configuration out of range, -ENOMEM, or
 * -errno from io_uring, eventfd or the worker thread.
 */
int ompk_heartbeat_run(const struct ompk_heartbeat_config *c, struct ompk_heartbeat_stats *st);
void ompk_heartbeat_stats_free(struct ompk_heartbeat_stats *st);

#endif
