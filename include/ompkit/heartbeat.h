/*
 * heartbeat.h - a probe of event-loop starvation (issue 3, bin/heartbeat).
 *
 * One event loop (io_uring, or epoll + timerfd where io_uring is not
 * available) runs a periodic tick and one blocking job. Run inline, the
 * job holds the loop thread and every tick comes late; offloaded to a
 * worker thread that wakes the loop when it is done (an eventfd read
 * through the ring), the ticks stay on time. ompk_hb_run() returns
 * the time of every tick so the caller can show the lateness.
 */
#ifndef OMPKIT_HEARTBEAT_H
#define OMPKIT_HEARTBEAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum ompk_hb_mode { OMPK_HB_INLINE, OMPK_HB_OFFLOAD };
enum ompk_hb_work { OMPK_HB_SLEEP, OMPK_HB_LCG };
enum ompk_hb_loop { OMPK_HB_LOOP_AUTO, OMPK_HB_LOOP_URING, OMPK_HB_LOOP_EPOLL };
enum ompk_hb_timer { OMPK_HB_TIMER_AUTO, OMPK_HB_TIMER_MULTISHOT, OMPK_HB_TIMER_ONESHOT };

struct ompk_hb_config {
	uint64_t tick_ns;  /* period of the heartbeat, > 0 */
	uint64_t ticks;	   /* how many ticks, >= 1 */
	uint64_t block_ns; /* length of the job */
	enum ompk_hb_mode mode;
	enum ompk_hb_work work;
	enum ompk_hb_loop loop;	  /* AUTO: io_uring, else epoll when io_uring_setup fails */
	enum ompk_hb_timer timer; /* io_uring only; AUTO: multishot when the kernel has it */
};

struct ompk_hb_result {
	uint64_t *tick_ns; /* ticks entries: when the loop saw tick k+1, from the start (malloc) */
	uint64_t nticks;
	uint64_t job_done_ns;	  /* when the loop learnt the job was done */
	uint64_t max_late_ns;	  /* max over k of tick_ns[k] - (k+1) * tick_ns */
	enum ompk_hb_loop loop;	  /* the loop that ran: URING or EPOLL */
	enum ompk_hb_timer timer; /* with URING: MULTISHOT or ONESHOT */
	int uring_err;		  /* AUTO fell back to epoll: io_uring_setup's -errno; else 0 */
	uint64_t lcg_steps;	  /* --work lcg: steps taken and the final state */
	uint64_t lcg_state;
};

/* bin/heartbeat's defaults: 3 ticks of 50 ms, a 300 ms sleep inline, loop and timer auto. */
void ompk_hb_config_default(struct ompk_hb_config *c);

/*
 * Runs the loop until every tick and the job are done. Returns 0 with
 * *r filled (free it with ompk_hb_result_free), -EINVAL for a bad config,
 * or -errno when the loop could not be set up or failed (then *r holds
 * nothing to free).
 */
int ompk_hb_run(const struct ompk_hb_config *c, struct ompk_hb_result *r);
/* Frees what ompk_hb_run put in *r. */
void ompk_hb_result_free(struct ompk_hb_result *r);

/* Lateness of tick k (0-based): how long after (k+1) periods it came, 0 if early. */
uint64_t ompk_hb_lateness(const struct ompk_hb_config *c, const struct ompk_hb_result *r,
			  uint64_t k);

/* The names bin/heartbeat prints and takes for each setting. */
const char *ompk_hb_mode_name(enum ompk_hb_mode m);
const char *ompk_hb_work_name(enum ompk_hb_work w);
const char *ompk_hb_loop_name(enum ompk_hb_loop l);
const char *ompk_hb_timer_name(enum ompk_hb_timer t);

/*
 * The bin/heartbeat command line, with its output and errors on out and err. Returns the exit code.
 * In libompkit.a only (the binary's), not exported by libompkit.so.
 */
int ompk_heartbeat_cli(int argc, char **argv, FILE *out, FILE *err);

struct ompk_options;
/*
 * Its command line only: argv into *c and *o (the driver's --format, -q,
 * --help, --version). Returns 0 or -EINVAL with a one-line message.
 */
int ompk_heartbeat_cli_parse(int argc, char **argv, struct ompk_hb_config *c,
			     struct ompk_options *o, char *msg, size_t len);

#endif
