/*
 * heartbeat_cli.c - the bin/heartbeat command line: its own flags
 * (--tick-ms, --ticks, --block-ms, --work, --mode, --loop, --timer), the
 * driver's --format, -q, --help and --version (parsed by the driver's
 * ompk_options_parse_one so they behave the same everywhere), and the
 * text, JSON and CSV output of one run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/heartbeat.h"

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
