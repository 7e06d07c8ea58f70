/*
 * heartbeat_main.c - bin/heartbeat: an io_uring event loop with a periodic
 * --tick-ms timer and one --block-ms job (src/heartbeat.c). --mode inline
 * runs the job on the loop thread, so the ticks wait for it; --mode
 * offload runs it on a worker whose end wakes the ring, so they do not.
 * Prints each tick's time and lateness and the largest lateness.
 *
 * To add a flag: a row in help(), a branch in parse().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/heartbeat.h"

static void help(FILE *f)
{
	fprintf(f, "Usage: heartbeat [OPTION]...\n"
		   "Tick an io_uring event loop while one blocking job runs inline or offloaded.\n\n"
		   "  --tick-ms T           tick period (default: 50)\n"
		   "  --ticks N             ticks (default: 3)\n"
		   "  --block-ms B          length of the job (default: 300)\n"
		   "  --work W              sleep or lcg (CPU-bound LCG steps) (default: sleep)\n"
		   "  --mode M              inline (job on the loop thread) or offload (worker thread)\n"
		   "                        (default: offload)\n"
		   "  --format F            text, json or csv (default: text)\n"
		   "  -h, --help            this help\n"
		   "      --version         the version\n"
		   "\nExit: 0 done (for lcg: its state verified by jump-ahead), 1 failure, 2 usage.\n");
}

static int parse(int argc, char **argv, struct ompk_heartbeat_config *c, struct ompk_options *o, char *msg,
		 size_t len)
{
	memset(c, 0, sizeof(*c));
	ompk_options_default(o);
	c->tick_ms = 50;
	c->ticks = 3;
	c->block_ms = 300;
	c->offload = true;
	for (int i = 1; i < argc; i++) {
		const char *v;
		int r = ompk_options_parse_one(o, argc, argv, &i, msg, len);

		if (r < 0)
			return r;
		if (r == 1)
			continue;
#define FLAG(name) ((r = ompk_flag_value(argc, argv, &i, name, &v, msg, len)) != 0)
		if (FLAG("tick-ms")) {
			if (r < 0 || ompk_number_arg("tick-ms", v, 1, 3600000, &c->tick_ms, msg, len))
				return -EINVAL;
		} else if (FLAG("ticks")) {
			if (r < 0 || ompk_number_arg("ticks", v, 1, 1000000, &c->ticks, msg, len))
				return -EINVAL;
		} else if (FLAG("block-ms")) {
			if (r < 0 || ompk_number_arg("block-ms", v, 0, 3600000, &c->block_ms, msg, len))
				return -EINVAL;
		} else if (FLAG("work")) {
			if (r < 0)
				return r;
			if (strcmp(v, "sleep") && strcmp(v, "lcg")) {
				snprintf(msg, len, "--work: '%s'; accepted: sleep or lcg", v);
				return -EINVAL;
			}
			c->work = strcmp(v, "lcg") ? OMPK_HB_SLEEP : OMPK_HB_LCG;
		} else if (FLAG("mode")) {
			if (r < 0)
				return r;
			if (strcmp(v, "inline") && strcmp(v, "offload")) {
				snprintf(msg, len, "--mode: '%s'; accepted: inline or offload", v);
				return -EINVAL;
			}
			c->offload = strcmp(v, "offload") == 0;
		} else {
			snprintf(msg, len, "%s: unknown option; accepted: the options of --help", argv[i]);
			return -EINVAL;
		}
#undef FLAG
	}
	return 0;
}

static void report(FILE *f, const struct ompk_heartbeat_config *c, const struct ompk_options *o,
		   const struct ompk_heartbeat_stats *st)
{
	const char *mode = c->offload ? "offload" : "inline", *work = c->work == OMPK_HB_LCG ? "lcg" : "sleep";

	if (o->quiet) {
		fprintf(f, "%.1f\n", st->max_late_ms);
		return;
	}
	if (o->format == OMPK_JSON) {
		fprintf(f, "{\"tool\":\"heartbeat\",\"mode\":\"%s\",\"work\":\"%s\",\"tick_ms\":%llu,\"block_ms\":%llu,"
			   "\"ticks\":[", mode, work, (unsigned long long)c->tick_ms, (unsigned long long)c->block_ms);
		for (uint64_t k = 0; k < st->ticks; k++)
			fprintf(f, "%s{\"tick\":%llu,\"at_ms\":%.3f,\"late_ms\":%.3f}", k ? "," : "",
				(unsigned long long)k + 1, st->tick_at_ms[k], st->late_ms[k]);
		fprintf(f, "],\"max_late_ms\":%.3f,\"job_done_ms\":%.3f", st->max_late_ms, st->job_done_ms);
		if (c->work == OMPK_HB_LCG)
			fprintf(f, ",\"lcg_steps\":%llu,\"lcg_x\":%llu,\"verified\":%s", (unsigned long long)st->lcg_steps,
				(unsigned long long)st->lcg_x, st->lcg_verified ? "true" : "false");
		fprintf(f, ",\"version\":\"%s\"}\n", OMPK_VERSION);
		return;
	}
	if (o->format == OMPK_CSV) {
		fprintf(f, "tool,mode,work,tick_ms,block_ms,tick,at_ms,late_ms,max_late_ms,job_done_ms\n");
		for (uint64_t k = 0; k < st->ticks; k++)
			fprintf(f, "heartbeat,%s,%s,%llu,%llu,%llu,%.3f,%.3f,%.3f,%.3f\n", mode, work,
				(unsigned long long)c->tick_ms, (unsigned long long)c->block_ms, (unsigned long long)k + 1,
				st->tick_at_ms[k], st->late_ms[k], st->max_late_ms, st->job_done_ms);
		return;
	}
	fprintf(f, "mode       = %s (job on %s)\n", mode, c->offload ? "a worker thread, eventfd wakes the ring" : "the loop thread");
	fprintf(f, "job        = %s for %llu ms\n", work, (unsigned long long)c->block_ms);
	fprintf(f, "ticks      = every %llu ms x %llu\n", (unsigned long long)c->tick_ms, (unsigned long long)st->ticks);
	for (uint64_t k = 0; k < st->ticks; k++)
		fprintf(f, "  tick %-4llu  at %7.1f ms (due %6llu, late %6.1f ms)\n", (unsigned long long)k + 1,
			st->tick_at_ms[k], (unsigned long long)((k + 1) * c->tick_ms), st->late_ms[k]);
	fprintf(f, "job done   = %.1f ms\n", st->job_done_ms);
	if (c->work == OMPK_HB_LCG)
		fprintf(f, "lcg        = %llu steps, x = %llu, verified = %s (jump-ahead)\n",
			(unsigned long long)st->lcg_steps, (unsigned long long)st->lcg_x, st->lcg_verified ? "yes" : "NO");
	fprintf(f, "max late   = %.1f ms\n", st->max_late_ms);
}

int main(int argc, char **argv)
{
	struct ompk_heartbeat_config c;
	struct ompk_heartbeat_stats st;
	struct ompk_options o;
	char msg[512] = "";
	int err;

	if (parse(argc, argv, &c, &o, msg, sizeof(msg))) {
		ompk_msg_sanitize(msg);
		fprintf(stderr, "ompk: %s\nTry '%s --help'.\n", msg, argv[0]);
		return OMPK_EXIT_USAGE;
	}
	if (o.help) {
		help(stdout);
		return OMPK_EXIT_OK;
	}
	if (o.version) {
		printf("heartbeat (ompkit) %s\n", OMPK_VERSION);
		return OMPK_EXIT_OK;
	}
	err = ompk_heartbeat_run(&c, &st);
	if (err) {
		fprintf(stderr, "ompk: heartbeat: %s; accepted: a kernel with io_uring enabled\n", strerror(-err));
		ompk_heartbeat_stats_free(&st);
		return OMPK_EXIT_FAIL;
	}
	report(stdout, &c, &o, &st);
	err = c.work == OMPK_HB_LCG && !st.lcg_verified;
	if (err)
		fprintf(stderr, "ompk: heartbeat: the LCG state does not match its jump-ahead\n");
	ompk_heartbeat_stats_free(&st);
	return err ? OMPK_EXIT_FAIL : OMPK_EXIT_OK;
}
