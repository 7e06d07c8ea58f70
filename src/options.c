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
	[OMPK_DOPT_THREADS] = { OMPK_OPT_ARG(OMPK_OPT_INT, "threads", OFF(threads), "N",
					     "OpenMP threads"),
				.short_name = 't', .def_text = "the runtime's, OMP_NUM_THREADS",
				.min = 1, .max_fn = ompk_threads_max },
	[OMPK_DOPT_VARIANT] = OMPK_OPT_PICK("variant", OFF(variant), "V",
					    "seq, omp or fast, where the kernel has it", OMPK_OMP,
					    variants, "a variant"),
	[OMPK_DOPT_SCHEDULE] = { OMPK_OPT_ARG(OMPK_OPT_CUSTOM, "schedule", 0, "S",
					      "static|dynamic|guided|auto[,CHUNK]"),
				 .def_text = "the runtime's, OMP_SCHEDULE",
				 .accepted = "static, dynamic, guided or auto, optionally ,CHUNK",
				 .parse = parse_schedule },
	[OMPK_DOPT_BIND] = { OMPK_OPT_ARG(OMPK_OPT_STRING, "bind", OFF(bind), "B",
					  "close|spread|master|false: OMP_PROC_BIND"),
			     .def_text = "the runtime's", .choices = bind_names,
			     .noun = "a binding" },
	[OMPK_DOPT_PLACES] = { OMPK_OPT_ARG(OMPK_OPT_STRING, "places", OFF(places), "P",
					    "cores|threads|sockets: OMP_PLACES"),
			       .def_text = "the runtime's", .choices = places_names,
			       .noun = "a place list" },
	[OMPK_DOPT_REPEAT] = { OMPK_OPT_ARG(OMPK_OPT_U64, "repeat", OFF(repeat), "R",
					    "timed runs; median, min and max are reported"),
			       .short_name = 'r', .def = 1, .min = 1, .max = 1000000 },
	[OMPK_DOPT_WARMUP] = OMPK_OPT_NUMBER("warmup", OFF(warmup), "W",
					     "untimed runs before the timed ones", 0, 0, 1000000),
	[OMPK_DOPT_FORMAT] = OMPK_OPT_PICK("format", OFF(format), "F", "text, json or csv",
					   OMPK_TEXT, formats, "a format"),
	[OMPK_DOPT_QUIET] = { OMPK_OPT_FLAG("quiet", OFF(quiet), "print only the result"),
			      .short_name = 'q' },
	[OMPK_DOPT_NO_VERIFY] = { OMPK_OPT_FLAG("no-verify", OFF(verify),
						"skip the independent check of the result"),
				  .def = 1 },
	[OMPK_DOPT_HELP] = { OMPK_OPT_FLAG("help", OFF(help), "show this help and exit"),
			     .short_name = 'h' },
	[OMPK_DOPT_VERSION] = { OMPK_OPT_FLAG("version", OFF(version),
					      "show the version and build, and exit") },
};

void ompk_options_default(struct ompk_options *o)
{
	struct ompk_opt_group g = ompk_driver_group(o, 0);

	memset(o, 0, sizeof(*o));
	ompk_opts_defaults(&g, 1);
}

void ompk_options_init(struct ompk_options *o, enum ompk_variant v, int threads, uint64_t repeat)
{
	ompk_options_default(o);
	o->variant = v;
	o->threads = threads;
	o->repeat = repeat;
}

struct ompk_opt_group ompk_driver_group(struct ompk_options *o, uint64_t only)
{
	return (struct ompk_opt_group){ .title = "Driver options",
					.opts = ompk_driver_opts,
					.n = OMPK_DOPT_COUNT,
					.only = only,
					.base = o };
}
