/*
 * heartbeat_cli.c - the bin/heartbeat command line: its own flags
 * (--tick-ms, --ticks, --block-ms, --work, --mode, --loop, --timer), the
 * driver's --format, -q, --help and --version (parsed by the driver's
 * ompk_options_parse_one so they behave the same everywhere), and the
 * text, JSON and CSV report of one run (through the shared emitter).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/heartbeat.h"
#include "ompkit/report.h"
#include "ompkit/stats.h"

#define MS 1000000ull
#define MAX_MS 3600000ull /* one hour */

/* A flag whose value is one of a few names; values[i] maps to enum value i. */
struct choice {
	const char *flag;
	const char *const *names;
	int *out;
};

static int parse_choice(const struct choice *ch, const char *val, char *msg, size_t len)
{
	char accepted[128] = "";

	for (int i = 0; ch->names[i]; i++) {
		if (strcmp(val, ch->names[i]) == 0) {
			*ch->out = i;
			return 0;
		}
		snprintf(accepted + strlen(accepted), sizeof(accepted) - strlen(accepted), "%s%s",
			 i ? ", " : "", ch->names[i]);
	}
	snprintf(msg, len, "--%s: '%s' is not accepted; accepted: %s", ch->flag, val, accepted);
	ompk_msg_sanitize(msg);
	return -EINVAL;
}

static void help(FILE *f)
{
	fprintf(f,
		"Usage: heartbeat [OPTION]...\n"
		"An event loop (io_uring) ticks every --tick-ms while one job of --block-ms runs,\n"
		"on the loop thread (--mode inline: the ticks come late) or on a worker thread\n"
		"that wakes the loop when it is done (--mode offload: the ticks stay on "
		"time).\n\n");
	fprintf(f, "  %-22s %s\n", "    --tick-ms MS", "heartbeat period (default: 50)");
	fprintf(f, "  %-22s %s\n", "    --ticks N", "ticks to wait for (default: 3)");
	fprintf(f, "  %-22s %s\n", "    --block-ms MS", "length of the job (default: 300)");
	fprintf(f, "  %-22s %s\n", "    --work W",
		"sleep (blocking) or lcg (CPU-bound loop) (default: sleep)");
	fprintf(f, "  %-22s %s\n", "    --mode M", "inline or offload (default: inline)");
	fprintf(f, "  %-22s %s\n", "    --loop L",
		"auto, uring or epoll (default: auto: uring, epoll if unavailable)");
	fprintf(f, "  %-22s %s\n", "    --timer T",
		"auto, multishot or oneshot io_uring timeouts (default: auto)");
	fprintf(f, "  %-22s %s\n", "    --format F", "text, json or csv (default: text)");
	fprintf(f, "  %-22s %s\n", "-q, --quiet", "print only the maximum lateness in ms");
	fprintf(f, "  %-22s %s\n", "-h, --help", "show this help and exit");
	fprintf(f, "  %-22s %s\n", "    --version", "show version and exit");
	fprintf(f, "\nExit status: 0 done, 1 the loop failed, 2 usage.\n");
}

/* The driver options that mean something here; any other one is refused. */
static bool foreign_option(const struct ompk_options *o)
{
	struct ompk_options d;

	ompk_options_default(&d);
	return o->variant != d.variant || o->threads != d.threads || o->sched_set || o->bind ||
	       o->places || o->repeat != d.repeat || o->warmup != d.warmup || o->verify != d.verify;
}

static int parse_one(struct ompk_hb_config *c, int argc, char **argv, int *i, char *msg, size_t len)
{
	static const char *const modes[] = { "inline", "offload", NULL };
	static const char *const works[] = { "sleep", "lcg", NULL };
	static const char *const loops[] = { "auto", "uring", "epoll", NULL };
	static const char *const timers[] = { "auto", "multishot", "oneshot", NULL };
	const struct {
		const char *flag;
		uint64_t min, max;
		uint64_t *out, scale;
	} nums[] = {
		{ "tick-ms", 1, MAX_MS, &c->tick_ns, MS },
		{ "ticks", 1, 1000000, &c->ticks, 1 },
		{ "block-ms", 0, MAX_MS, &c->block_ns, MS },
	};
	int mode = c->mode, work = c->work, loop = c->loop, timer = c->timer;
	const struct choice choices[] = {
		{ "mode", modes, &mode },
		{ "work", works, &work },
		{ "loop", loops, &loop },
		{ "timer", timers, &timer },
	};
	const char *val;
	int r;

	for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
		uint64_t v;

		r = ompk_flag_value(argc, argv, i, nums[k].flag, &val, msg, len);
		if (r == 0)
			continue;
		if (r < 0 ||
		    ompk_number_arg(nums[k].flag, val, nums[k].min, nums[k].max, &v, msg, len) < 0)
			return -EINVAL;
		*nums[k].out = v * nums[k].scale;
		return 1;
	}
	for (size_t k = 0; k < sizeof(choices) / sizeof(choices[0]); k++) {
		r = ompk_flag_value(argc, argv, i, choices[k].flag, &val, msg, len);
		if (r == 0)
			continue;
		if (r < 0 || parse_choice(&choices[k], val, msg, len) < 0)
			return -EINVAL;
		c->mode = (enum ompk_hb_mode)mode;
		c->work = (enum ompk_hb_work)work;
		c->loop = (enum ompk_hb_loop)loop;
		c->timer = (enum ompk_hb_timer)timer;
		return 1;
	}
	return 0;
}

static int cli_parse(int argc, char **argv, struct ompk_hb_config *c, struct ompk_options *o,
		     char *msg, size_t len)
{
	ompk_hb_config_default(c);
	ompk_options_default(o);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int r = parse_one(c, argc, argv, &i, msg, len);

		if (r == 0) {
			r = ompk_options_parse_one(o, argc, argv, &i, msg, len);
			if (r == 1 && foreign_option(o)) {
				snprintf(msg, len,
					 "%.*s: not an option of heartbeat; accepted: --tick-ms, "
					 "--ticks, --block-ms, --work, --mode, --loop, --timer, "
					 "--format, -q, --help, --version",
					 (int)strcspn(arg, "="), arg);
				r = -EINVAL;
			}
		}
		if (r == 0)
			snprintf(msg, len, "%s: %s", arg,
				 arg[0] == '-' ? "unknown option" : "unexpected argument");
		if (r <= 0) {
			ompk_msg_sanitize(msg);
			return -EINVAL;
		}
	}
	if (c->loop == OMPK_HB_LOOP_EPOLL && c->timer != OMPK_HB_TIMER_AUTO) {
		snprintf(msg, len,
			 "--timer: %s applies to the io_uring loop only; accepted with --loop "
			 "epoll: auto",
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
 * `period_ms`, the times the ticks came `tick_times_ms`: two names, two
 * facts.
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
	ompk_emit_u64(e, "period_ms", c->tick_ns / MS);
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

	if (cli_parse(argc, argv, &c, &o, msg, sizeof(msg)) < 0) {
		fprintf(err, "ompk: %s (try 'heartbeat --help')\n", msg);
		return OMPK_EXIT_USAGE;
	}
	if (o.help) {
		help(out);
		return OMPK_EXIT_OK;
	}
	if (o.version) {
		fprintf(out, "ompkit %s (heartbeat)\n", OMPK_VERSION);
		return OMPK_EXIT_OK;
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
	ompk_hb_result_free(&r);
	return ret;
}
