/*
 * options.c - the driver's own options, as rows of the one option table
 * type (ompkit/cli.h): every kernel binary has all of them; bin/pipeline,
 * bin/heartbeat and bin/demo take the rows that mean something to them
 * (struct ompk_opt_group.only), so a flag reads, checks and helps the same
 * everywhere.
 *
 * To add an option: a field in struct ompk_options (ompkit/driver.h), an
 * entry in enum ompk_driver_opt (same order as the rows) and a row below.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ompkit/cli.h"
#include "ompkit/driver.h"

#define OFF(field) offsetof(struct ompk_options, field)

static const char *const variants[] = { "seq", "omp", "fast", NULL }; /* enum ompk_variant */
static const char *const formats[] = { "text", "json", "csv", NULL }; /* enum ompk_format */
/* The values --bind and --places accept: OMP_PROC_BIND / OMP_PLACES as is. */
static const char *const bind_names[] = { "close", "spread", "master", "false", NULL };
static const char *const places_names[] = { "cores", "threads", "sockets", NULL };

static int parse_schedule(void *base, const char *val, char *msg, size_t len)
{
	struct ompk_options *o = base;

	if (ompk_sched_parse(val, &o->sched) < 0) {
		snprintf(msg, len,
			 "--schedule: '%s' is not a schedule; accepted: static, dynamic, guided or "
			 "auto, optionally ,CHUNK with CHUNK >= 1 (e.g. dynamic,64)",
			 val);
		return -EINVAL;
	}
	o->sched_set = true;
	return 0;
}

const struct ompk_opt ompk_driver_opts[OMPK_DOPT_COUNT] = {
	[OMPK_DOPT_THREADS] = { .name = "threads",
				.short_name = 't',
				.kind = OMPK_OPT_INT,
				.offset = OFF(threads),
				.arg = "N",
				.help = "OpenMP threads",
				.def_text = "the runtime's, OMP_NUM_THREADS",
				.min = 1,
				.max_fn = ompk_threads_max },
	[OMPK_DOPT_VARIANT] = OMPK_OPT_PICK("variant", OFF(variant), "V",
					    "seq, omp or fast, where the kernel has it", OMPK_OMP,
					    variants, "a variant"),
	[OMPK_DOPT_SCHEDULE] = { .name = "schedule",
				 .kind = OMPK_OPT_CUSTOM,
				 .arg = "S",
				 .help = "static|dynamic|guided|auto[,CHUNK]",
				 .def_text = "the runtime's, OMP_SCHEDULE",
				 .accepted = "static, dynamic, guided or auto, optionally ,CHUNK",
				 .parse = parse_schedule },
	[OMPK_DOPT_BIND] = { .name = "bind",
			     .kind = OMPK_OPT_STRING,
			     .offset = OFF(bind),
			     .arg = "B",
			     .help = "close|spread|master|false: OMP_PROC_BIND",
			     .def_text = "the runtime's",
			     .choices = bind_names,
			     .noun = "a binding" },
	[OMPK_DOPT_PLACES] = { .name = "places",
			       .kind = OMPK_OPT_STRING,
			       .offset = OFF(places),
			       .arg = "P",
			       .help = "cores|threads|sockets: OMP_PLACES",
			       .def_text = "the runtime's",
			       .choices = places_names,
			       .noun = "a place list" },
	[OMPK_DOPT_REPEAT] = { .name = "repeat",
			       .short_name = 'r',
			       .kind = OMPK_OPT_U64,
			       .offset = OFF(repeat),
			       .arg = "R",
			       .help = "timed runs; median, min and max are reported",
			       .def = 1,
			       .min = 1,
			       .max = 1000000 },
	[OMPK_DOPT_WARMUP] = OMPK_OPT_NUMBER("warmup", OFF(warmup), "W",
					     "untimed runs before the timed ones", 0, 0, 1000000),
	[OMPK_DOPT_FORMAT] = OMPK_OPT_PICK("format", OFF(format), "F", "text, json or csv",
					   OMPK_TEXT, formats, "a format"),
	[OMPK_DOPT_QUIET] = { .name = "quiet",
			      .short_name = 'q',
			      .kind = OMPK_OPT_SWITCH,
			      .offset = OFF(quiet),
			      .help = "print only the result" },
	[OMPK_DOPT_NO_VERIFY] = { .name = "no-verify",
				  .kind = OMPK_OPT_SWITCH,
				  .offset = OFF(verify),
				  .help = "skip the independent check of the result",
				  .def = 1 },
	[OMPK_DOPT_HELP] = { .name = "help",
			     .short_name = 'h',
			     .kind = OMPK_OPT_SWITCH,
			     .offset = OFF(help),
			     .help = "show this help and exit" },
	[OMPK_DOPT_VERSION] = { .name = "version",
				.kind = OMPK_OPT_SWITCH,
				.offset = OFF(version),
				.help = "show the version and build, and exit" },
};

void ompk_options_default(struct ompk_options *o)
{
	struct ompk_opt_group g = ompk_driver_group(o, 0);

	memset(o, 0, sizeof(*o));
	ompk_opts_defaults(&g, 1);
}

struct ompk_opt_group ompk_driver_group(struct ompk_options *o, uint64_t only)
{
	return (struct ompk_opt_group){ .title = "Driver options",
					.opts = ompk_driver_opts,
					.n = OMPK_DOPT_COUNT,
					.only = only,
					.base = o };
}
