/*
 * heartbeat_cli.c - the bin/heartbeat command line: its own flags
 * (--tick-ms, --ticks, --block-ms, --work, --mode, --loop, --timer) as
 * rows of the one option table type (ompkit/cli.h), the driver's rows
 * --format, -q, --help and --version, and the text, JSON and CSV output
 * of one run.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/heartbeat.h"

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
	{ .name = "tick-ms",
	  .kind = OMPK_OPT_U64,
	  .offset = OFF(tick_ms),
	  .arg = "MS",
	  .help = "heartbeat period",
	  .def = 50,
	  .min = 1,
	  .max = MAX_MS },
	{ .name = "ticks",
	  .kind = OMPK_OPT_U64,
	  .offset = OFF(ticks),
	  .arg = "N",
	  .help = "ticks to wait for",
	  .def = 3,
	  .min = 1,
	  .max = 1000000 },
	{ .name = "block-ms",
	  .kind = OMPK_OPT_U64,
	  .offset = OFF(block_ms),
	  .arg = "MS",
	  .help = "length of the job",
	  .def = 300,
	  .min = 0,
	  .max = MAX_MS },
	{ .name = "work",
	  .kind = OMPK_OPT_CHOICE,
	  .offset = OFF(work),
	  .arg = "W",
	  .help = "sleep (blocking) or lcg (CPU-bound loop)",
	  .def = OMPK_HB_SLEEP,
	  .choices = works,
	  .noun = "a kind of work" },
	{ .name = "mode",
	  .kind = OMPK_OPT_CHOICE,
	  .offset = OFF(mode),
	  .arg = "M",
	  .help = "inline or offload",
	  .def = OMPK_HB_INLINE,
	  .choices = modes,
	  .noun = "a mode" },
	{ .name = "loop",
	  .kind = OMPK_OPT_CHOICE,
	  .offset = OFF(loop),
	  .arg = "L",
	  .help = "auto, uring or epoll",
	  .def = OMPK_HB_LOOP_AUTO,
	  .def_text = "auto: uring, epoll if unavailable",
	  .choices = loops,
	  .noun = "an event loop" },
	{ .name = "timer",
	  .kind = OMPK_OPT_CHOICE,
	  .offset = OFF(timer),
	  .arg = "T",
	  .help = "auto, multishot or oneshot io_uring timeouts",
	  .def = OMPK_HB_TIMER_AUTO,
	  .choices = timers,
	  .noun = "a timer" },
};

/* The driver's rows that mean something here; any other one is refused as unknown. */
#define DRIVER_ROWS (OMPK_DOPT(FORMAT) | OMPK_DOPT(QUIET) | OMPK_DOPT(HELP) | OMPK_DOPT(VERSION))

static void groups(struct hb_args *h, struct ompk_options *o, struct ompk_opt_group g[2])
{
	g[0] = (struct ompk_opt_group){ .title = "Heartbeat options",
					.opts = rows,
					.n = sizeof(rows) / sizeof(rows[0]),
					.base = h };
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

static void print_text(FILE *f, const struct ompk_hb_config *c, const struct ompk_hb_result *r)
{
	char loop[64];

	fprintf(f, "tick-ms  = %llu\n", (unsigned long long)(c->tick_ns / MS));
	fprintf(f, "ticks    = %llu\n", (unsigned long long)c->ticks);
	fprintf(f, "block-ms = %llu\n", (unsigned long long)(c->block_ns / MS));
	fprintf(f, "work     = %s\n", ompk_hb_work_name(c->work));
	fprintf(f, "mode     = %s\n", ompk_hb_mode_name(c->mode));
	fprintf(f, "loop     = %s\n", loop_text(r, loop, sizeof(loop)));
	for (uint64_t k = 0; k < r->nticks; k++)
		fprintf(f, "heartbeat %llu at %.1f ms (due %.1f ms, late %.1f ms)\n",
			(unsigned long long)k + 1, ms(r->tick_ns[k]), ms((k + 1) * c->tick_ns),
			ms(ompk_hb_lateness(c, r, k)));
	fprintf(f, "job done at %.1f ms", ms(r->job_done_ns));
	if (c->work == OMPK_HB_LCG)
		fprintf(f, " (%llu LCG steps, state %llu)", (unsigned long long)r->lcg_steps,
			(unsigned long long)r->lcg_state);
	fprintf(f, "\nmax lateness = %.1f ms\n", ms(r->max_late_ns));
}

static void print_list(FILE *f, const struct ompk_hb_config *c, const struct ompk_hb_result *r,
		       bool late, const char *sep)
{
	for (uint64_t k = 0; k < r->nticks; k++)
		fprintf(f, "%s%.3f", k ? sep : "",
			ms(late ? ompk_hb_lateness(c, r, k) : r->tick_ns[k]));
}

static void print_json(FILE *f, const struct ompk_hb_config *c, const struct ompk_hb_result *r)
{
	fprintf(f,
		"{\"tool\":\"heartbeat\",\"mode\":\"%s\",\"work\":\"%s\",\"loop\":\"%s\",\"timer\":"
		"\"%s\",",
		ompk_hb_mode_name(c->mode), ompk_hb_work_name(c->work), ompk_hb_loop_name(r->loop),
		r->loop == OMPK_HB_LOOP_URING ? ompk_hb_timer_name(r->timer) : "timerfd");
	fprintf(f, "\"params\":{\"tick_ms\":%llu,\"ticks\":%llu,\"block_ms\":%llu},",
		(unsigned long long)(c->tick_ns / MS), (unsigned long long)c->ticks,
		(unsigned long long)(c->block_ns / MS));
	fprintf(f, "\"tick_ms\":[");
	print_list(f, c, r, false, ",");
	fprintf(f, "],\"lateness_ms\":[");
	print_list(f, c, r, true, ",");
	fprintf(f, "],\"job_done_ms\":%.3f,\"max_lateness_ms\":%.3f", ms(r->job_done_ns),
		ms(r->max_late_ns));
	if (c->work == OMPK_HB_LCG)
		fprintf(f, ",\"lcg_steps\":%llu,\"lcg_state\":%llu",
			(unsigned long long)r->lcg_steps, (unsigned long long)r->lcg_state);
	fprintf(f, ",\"version\":\"%s\"}\n", OMPK_VERSION);
}

static void print_csv(FILE *f, const struct ompk_hb_config *c, const struct ompk_hb_result *r)
{
	fprintf(f, "mode,work,loop,timer,tick_ms,ticks,block_ms,tick_times_ms,lateness_ms,job_done_"
		   "ms,max_lateness_ms\n");
	fprintf(f, "%s,%s,%s,%s,%llu,%llu,%llu,", ompk_hb_mode_name(c->mode),
		ompk_hb_work_name(c->work), ompk_hb_loop_name(r->loop),
		r->loop == OMPK_HB_LOOP_URING ? ompk_hb_timer_name(r->timer) : "timerfd",
		(unsigned long long)(c->tick_ns / MS), (unsigned long long)c->ticks,
		(unsigned long long)(c->block_ns / MS));
	print_list(f, c, r, false, " ");
	fputc(',', f);
	print_list(f, c, r, true, " ");
	fprintf(f, ",%.3f,%.3f\n", ms(r->job_done_ns), ms(r->max_late_ns));
}

int ompk_heartbeat_cli(int argc, char **argv, FILE *out, FILE *err)
{
	struct ompk_hb_config c;
	struct ompk_hb_result r;
	struct ompk_options o;
	char msg[512] = "";
	int ret;

	if (ompk_heartbeat_cli_parse(argc, argv, &c, &o, msg, sizeof(msg)) < 0)
		return ompk_usage_error(err, "heartbeat", msg);
	if (o.help) {
		help(out);
		return OMPK_EXIT_OK;
	}
	if (o.version) {
		ompk_version(out, "heartbeat");
		return OMPK_EXIT_OK;
	}
	ret = ompk_hb_run(&c, &r);
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
	if (o.quiet)
		fprintf(out, "%.1f\n", ms(r.max_late_ns));
	else if (o.format == OMPK_JSON)
		print_json(out, &c, &r);
	else if (o.format == OMPK_CSV)
		print_csv(out, &c, &r);
	else
		print_text(out, &c, &r);
	ompk_hb_result_free(&r);
	return OMPK_EXIT_OK;
}
