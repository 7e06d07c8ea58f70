/*
 * heartbeat_cli.c - the bin/heartbeat command line: its own flags
 * (--tick-ms, --ticks, --block-ms, --work, --mode, --loop, --timer) as
 * rows of the one option table type (ompkit/cli.h), the driver's rows
 * --format, -q, --help and --version, and the text, JSON and CSV output
 * of one run (through the shared emitter).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/heartbeat.h"
#include "ompkit/report.h"
#include "ompkit/stats.h"

#define MS 1000000ull
#define MAX_MS 3600000ull /* one hour */

/* The flags, in milliseconds as typed; turned into the config's nanoseconds after parsing. */
struct hb_args {
	uint64_t tick_ms, ticks, block_ms;
	int work, mode, loop, timer; /* indexes into the lists below = the enums' values */
};

#define OFF(field) offsetof(struct hb_args, field)

static const char *const works[] = { "sleep", "lcg", NULL };
static const char *const modes[] = { "inline", "offload", NULL };
static const char *const loops[] = { "auto", "uring", "epoll", NULL };
static const char *const timers[] = { "auto", "multishot", "oneshot", NULL };

/* To add a flag: a field in struct hb_args, a row here, and its use in hb_cli_parse. */
static const struct ompk_opt rows[] = {
	OMPK_OPT_NUMBER("tick-ms", OFF(tick_ms), "MS", "heartbeat period", 50, 1, MAX_MS),
	OMPK_OPT_NUMBER("ticks", OFF(ticks), "N", "ticks to wait for", 3, 1, 1000000),
	OMPK_OPT_NUMBER("block-ms", OFF(block_ms), "MS", "length of the job", 300, 0, MAX_MS),
	OMPK_OPT_PICK("work", OFF(work), "W", "sleep (blocking) or lcg (CPU-bound loop)",
		      OMPK_HB_SLEEP, works, "a kind of work"),
	OMPK_OPT_PICK("mode", OFF(mode), "M", "inline or offload", OMPK_HB_INLINE, modes, "a mode"),
	{ OMPK_OPT_ARG(OMPK_OPT_CHOICE, "loop", OFF(loop), "L", "auto, uring or epoll"),
	  .def = OMPK_HB_LOOP_AUTO, .def_text = "auto: uring, epoll if unavailable",
	  .choices = loops, .noun = "an event loop" },
	OMPK_OPT_PICK("timer", OFF(timer), "T", "auto, multishot or oneshot io_uring timeouts",
		      OMPK_HB_TIMER_AUTO, timers, "a timer"),
};

/* The driver's rows that mean something here; any other one is refused as unknown. */
#define DRIVER_ROWS (OMPK_DOPT(FORMAT) | OMPK_DOPT(QUIET) | OMPK_DOPT(HELP) | OMPK_DOPT(VERSION))

static void groups(struct hb_args *h, struct ompk_options *o, struct ompk_opt_group g[2])
{
	g[0] = (struct ompk_opt_group){
		.title = "Heartbeat options", .opts = rows, .n = OMPK_COUNT(rows), .base = h
	};
	g[1] = ompk_driver_group(o, DRIVER_ROWS);
}

static void help(FILE *f)
{
	struct hb_args h;
	struct ompk_options o;
	struct ompk_opt_group g[2];

	groups(&h, &o, g);
	ompk_help(
		f, "heartbeat",
		"An event loop (io_uring) ticks every --tick-ms while one job of --block-ms runs,\n"
		"on the loop thread (--mode inline: the ticks come late) or on a worker thread\n"
		"that wakes the loop when it is done (--mode offload: the ticks stay on time).",
		g, 2,
		"-q prints only the maximum lateness in ms.\n"
		"Flags: --flag VALUE or --flag=VALUE; a flag given twice takes its last value.\n"
		"Exit status: 0 done, 1 the loop failed, 2 usage error.\n");
}

int ompk_heartbeat_cli_parse(int argc, char **argv, struct ompk_hb_config *c,
			     struct ompk_options *o, char *msg, size_t len)
{
	struct hb_args h;
	struct ompk_opt_group g[2];

	memset(o, 0, sizeof(*o));
	groups(&h, o, g);
	ompk_opts_defaults(g, 2);
	if (ompk_opts_parse(g, 2, argc, argv, msg, len) < 0)
		return -EINVAL;
	ompk_hb_config_default(c);
	c->tick_ns = h.tick_ms * MS;
	c->ticks = h.ticks;
	c->block_ns = h.block_ms * MS;
	c->work = (enum ompk_hb_work)h.work;
	c->mode = (enum ompk_hb_mode)h.mode;
	c->loop = (enum ompk_hb_loop)h.loop;
	c->timer = (enum ompk_hb_timer)h.timer;
	if (c->loop == OMPK_HB_LOOP_EPOLL && c->timer != OMPK_HB_TIMER_AUTO) {
		snprintf(
			msg, len,
			"--timer: %s applies to the io_uring loop only; accepted: auto with --loop "
			"epoll",
			ompk_hb_timer_name(c->timer));
		return -EINVAL;
	}
	return 0;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static const char *loop_text(const struct ompk_hb_result *r, char *buf, size_t len)
{
	if (r->loop == OMPK_HB_LOOP_URING)
		snprintf(buf, len, "io_uring, %s timeout", ompk_hb_timer_name(r->timer));
	else
		snprintf(buf, len, "epoll + timerfd");
	return buf;
}

/*
 * The report, through the shared emitter and keys (report.h). The run is
 * one timed repeat; its result is the maximum lateness (what -q prints);
 * nothing is verified (a timing experiment has no oracle). The period is
 * `tick_ms` (named as its flag --tick-ms), the times the ticks came
 * `tick_times_ms`: two names, two facts.
 */
static void report(struct ompk_emit *e, const struct ompk_hb_config *c,
		   const struct ompk_hb_result *r, double wall_s)
{
	const struct ompk_summary s = { .n = 1, .median = wall_s, .min = wall_s, .max = wall_s };
	double *ticks = calloc(r->nticks ? r->nticks : 1, sizeof(double));
	double *late = calloc(r->nticks ? r->nticks : 1, sizeof(double));
	char loop[64];

	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_str(e, "tool", "heartbeat");
	ompk_emit_null(e, "kernel");
	ompk_emit_null(e, "variant");
	ompk_emit_null(e, "threads");
	ompk_emit_null(e, "threads_requested");
	ompk_emit_only(e, OMPK_IN_ALL);
	ompk_emit_str(e, "mode", ompk_hb_mode_name(c->mode));
	ompk_emit_str(e, "work", ompk_hb_work_name(c->work));
	ompk_emit_textf(e, "loop", "%s", loop_text(r, loop, sizeof(loop)));
	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_str(e, "loop", ompk_hb_loop_name(r->loop));
	ompk_emit_str(e, "timer",
		      r->loop == OMPK_HB_LOOP_URING ? ompk_hb_timer_name(r->timer) : "timerfd");
	ompk_emit_only(e, OMPK_IN_ALL);
	ompk_emit_object(e, "params", OMPK_EMIT_FLAT);
	ompk_emit_u64(e, "tick_ms", c->tick_ns / MS);
	ompk_emit_u64(e, "ticks", c->ticks);
	ompk_emit_u64(e, "block_ms", c->block_ns / MS);
	ompk_emit_object_end(e);

	for (uint64_t k = 0; k < r->nticks; k++) {
		if (ticks && late) {
			ticks[k] = ms(r->tick_ns[k]);
			late[k] = ms(ompk_hb_lateness(c, r, k));
		}
		ompk_emit_textline(e, "heartbeat %llu at %.1f ms (due %.1f ms, late %.1f ms)",
				   (unsigned long long)k + 1, ms(r->tick_ns[k]),
				   ms((k + 1) * c->tick_ns), ms(ompk_hb_lateness(c, r, k)));
	}
	if (c->work == OMPK_HB_LCG)
		ompk_emit_textline(e, "job done at %.1f ms (%llu LCG steps, state %llu)",
				   ms(r->job_done_ns), (unsigned long long)r->lcg_steps,
				   (unsigned long long)r->lcg_state);
	else
		ompk_emit_textline(e, "job done at %.1f ms", ms(r->job_done_ns));
	ompk_emit_object(e, "result", OMPK_EMIT_FLAT);
	ompk_emit_num(e, "max_lateness_ms", ms(r->max_late_ns));
	ompk_emit_object_end(e);
	ompk_emit_verified(e, -1, "not checked (a timing experiment: no oracle)", NULL);
	ompk_emit_times(e, &wall_s, &s, 0);
	ompk_emit_only(e, OMPK_IN_DATA);
	ompk_emit_rate(e, 0, NULL);
	if (ticks && late) {
		ompk_emit_nums(e, "tick_times_ms", ticks, r->nticks);
		ompk_emit_nums(e, "lateness_ms", late, r->nticks);
	} else {
		e->err = -ENOMEM;
	}
	ompk_emit_num(e, "job_done_ms", ms(r->job_done_ns));
	if (c->work == OMPK_HB_LCG) {
		ompk_emit_u64(e, "lcg_steps", r->lcg_steps);
		ompk_emit_u64(e, "lcg_state", r->lcg_state);
	} else {
		ompk_emit_null(e, "lcg_steps");
		ompk_emit_null(e, "lcg_state");
	}
	ompk_emit_only(e, OMPK_IN_ALL);
	ompk_emit_tail(e);
	free(ticks);
	free(late);
}

int ompk_heartbeat_cli(int argc, char **argv, FILE *out, FILE *err)
{
	struct ompk_hb_config c;
	struct ompk_hb_result r;
	struct ompk_options o;
	char msg[512] = "";
	double t0, wall_s;
	int ret;

	if (ompk_heartbeat_cli_parse(argc, argv, &c, &o, msg, sizeof(msg)) < 0)
		return ompk_usage_error(err, "heartbeat", msg);
	if (o.help) {
		help(out);
		return ompk_output_flush(out, err);
	}
	if (o.version) {
		ompk_version(out, "heartbeat");
		return ompk_output_flush(out, err);
	}
	t0 = ompk_now();
	ret = ompk_hb_run(&c, &r);
	wall_s = ompk_now() - t0;
	if (ret < 0) {
		if (ret == -EOPNOTSUPP)
			fprintf(err, "ompk: --timer multishot: this kernel has no multishot "
				     "timeouts (6.4+); accepted here: oneshot, auto\n");
		else if (c.loop == OMPK_HB_LOOP_URING)
			fprintf(err, "ompk: --loop uring: the io_uring loop failed: %s\n",
				strerror(-ret));
		else
			fprintf(err, "ompk: heartbeat: the event loop failed: %s\n",
				strerror(-ret));
		return OMPK_EXIT_FAIL;
	}
	if (r.uring_err)
		fprintf(err, "ompk: io_uring unavailable (%s); using epoll + timerfd\n",
			strerror(-r.uring_err));
	ret = OMPK_EXIT_OK;
	if (o.quiet) {
		fprintf(out, "%.9g\n", ms(r.max_late_ns));
	} else {
		struct ompk_emit e;

		if (ompk_emit_begin(&e, out, o.format) == 0)
			report(&e, &c, &r, wall_s);
		if (ompk_emit_end(&e) < 0) {
			fprintf(err, "ompk: heartbeat: cannot write the report: %s\n",
				strerror(-e.err));
			ret = OMPK_EXIT_FAIL;
		}
	}
	if (ret == OMPK_EXIT_OK)
		ret = ompk_output_flush(out, err);
	ompk_hb_result_free(&r);
	return ret;
}
