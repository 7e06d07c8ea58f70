/*
 * options.c - the driver's own command-line options, table driven.
 *
 * To add an option: add a row to `options[]` (its long name, short letter
 * or 0, whether it takes a value, its help line) and a case in apply().
 * Values may follow as the next argument or after "=" ("--threads=4",
 * "-t4").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/parse.h"

#define MAX_THREADS 65536

enum opt_id {
	OPT_THREADS,
	OPT_VARIANT,
	OPT_SCHEDULE,
	OPT_BIND,
	OPT_PLACES,
	OPT_REPEAT,
	OPT_WARMUP,
	OPT_FORMAT,
	OPT_QUIET,
	OPT_NO_VERIFY,
	OPT_HELP,
	OPT_VERSION,
};

static const struct {
	enum opt_id id;
	const char *name;
	char short_name;
	const char *arg; /* NULL: a switch */
	const char *help;
} options[] = {
	{ OPT_THREADS, "threads", 't', "N",
	  "OpenMP threads (default: the runtime's, OMP_NUM_THREADS)" },
	{ OPT_VARIANT, "variant", 0, "V",
	  "seq, omp or fast, where the kernel has it (default: omp)" },
	{ OPT_SCHEDULE, "schedule", 0, "S",
	  "static|dynamic|guided|auto[,CHUNK] (default: the runtime's, OMP_SCHEDULE)" },
	{ OPT_BIND, "bind", 0, "B",
	  "close|spread|master|false: OMP_PROC_BIND (default: the runtime's)" },
	{ OPT_PLACES, "places", 0, "P",
	  "cores|threads|sockets: OMP_PLACES (default: the runtime's)" },
	{ OPT_REPEAT, "repeat", 'r', "R",
	  "timed runs; median, min and max are reported (default: 1)" },
	{ OPT_WARMUP, "warmup", 0, "W", "untimed runs before the timed ones (default: 0)" },
	{ OPT_FORMAT, "format", 0, "F", "text, json or csv (default: text)" },
	{ OPT_QUIET, "quiet", 'q', NULL, "print only the result" },
	{ OPT_NO_VERIFY, "no-verify", 0, NULL, "skip the independent check of the result" },
	{ OPT_HELP, "help", 'h', NULL, "show this help and exit" },
	{ OPT_VERSION, "version", 0, NULL, "show version and build, and exit" },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

void ompk_options_default(struct ompk_options *o)
{
	memset(o, 0, sizeof(*o));
	o->variant = OMPK_OMP;
	o->repeat = 1;
	o->format = OMPK_TEXT;
	o->verify = true;
}

/*
 * Does argv[*i] name the option (long "--name" or "--name=v", short "-c"
 * or "-cv")? Sets *inline_val to the text after "=" or the short letter,
 * or NULL.
 */
static bool matches(const char *arg, const char *name, char short_name, const char **inline_val)
{
	size_t n = strlen(name);

	*inline_val = NULL;
	if (arg[0] == '-' && arg[1] == '-' && strncmp(arg + 2, name, n) == 0) {
		if (arg[2 + n] == '\0')
			return true;
		if (arg[2 + n] == '=') {
			*inline_val = arg + 3 + n;
			return true;
		}
		return false;
	}
	if (short_name && arg[0] == '-' && arg[1] == short_name) {
		if (arg[2])
			*inline_val = arg + 2;
		return true;
	}
	return false;
}

/* The value of the option at argv[*i]: inline, or the next argument. */
static int take_value(int argc, char **argv, int *i, const char *flag, const char *inline_val,
		      const char **val, char *msg, size_t len)
{
	if (inline_val) {
		*val = inline_val;
		return 0;
	}
	if (*i + 1 >= argc) {
		snprintf(msg, len, "--%s: missing value", flag);
		return -EINVAL;
	}
	*val = argv[++*i];
	return 0;
}

void ompk_msg_sanitize(char *msg)
{
	for (unsigned char *p = (unsigned char *)msg; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* Parses a number for --flag within [min, max], with a message naming the flag. */
int ompk_number_arg(const char *flag, const char *val, uint64_t min, uint64_t max, uint64_t *out,
		    char *msg, size_t len)
{
	enum ompk_parse_err e = ompk_parse_u64(val, out);

	if (e == OMPK_PARSE_OK && *out >= min && *out <= max)
		return 0;
	if (e == OMPK_PARSE_OK)
		snprintf(msg, len,
			 "--%s: '%s' is out of range; accepted: a whole number from %llu to %llu",
			 flag, val, (unsigned long long)min, (unsigned long long)max);
	else
		snprintf(msg, len,
			 "--%s: '%s' %s; accepted: a whole number from %llu to %llu (e.g. 1000, "
			 "1_000, 1e3)",
			 flag, val, ompk_parse_strerror(e), (unsigned long long)min,
			 (unsigned long long)max);
	ompk_msg_sanitize(msg);
	return -EINVAL;
}

/* The values --bind and --places accept: OMP_PROC_BIND / OMP_PLACES as is. */
static const char *const bind_names[] = { "close", "spread", "master", "false", NULL };
static const char *const places_names[] = { "cores", "threads", "sockets", NULL };

static bool one_of(const char *val, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(val, *names) == 0)
			return true;
	return false;
}

static int apply(struct ompk_options *o, enum opt_id id, const char *flag, const char *val,
		 char *msg, size_t len)
{
	uint64_t n;
	int err = 0;

	switch (id) {
	case OPT_THREADS:
		err = ompk_number_arg(flag, val, 1, MAX_THREADS, &n, msg, len);
		o->threads = (int)n;
		break;
	case OPT_VARIANT:
		if (ompk_variant_parse(val, &o->variant) < 0) {
			snprintf(msg, len,
				 "--variant: '%s' is not a variant; accepted: seq, omp, fast", val);
			err = -EINVAL;
		}
		break;
	case OPT_SCHEDULE:
		if (ompk_sched_parse(val, &o->sched) < 0) {
			snprintf(msg, len,
				 "--schedule: '%s' is not a schedule; accepted: static, dynamic, "
				 "guided or auto, optionally ,CHUNK with CHUNK >= 1 (e.g. "
				 "dynamic,64)",
				 val);
			err = -EINVAL;
		}
		o->sched_set = true;
		break;
	case OPT_BIND:
		if (!one_of(val, bind_names)) {
			snprintf(msg, len,
				 "--bind: '%s' is not a binding; accepted: close, spread, master, "
				 "false",
				 val);
			err = -EINVAL;
		}
		o->bind = val;
		break;
	case OPT_PLACES:
		if (!one_of(val, places_names)) {
			snprintf(msg, len,
				 "--places: '%s' is not a place list; accepted: cores, threads, "
				 "sockets",
				 val);
			err = -EINVAL;
		}
		o->places = val;
		break;
	case OPT_REPEAT:
		err = ompk_number_arg(flag, val, 1, 1000000, &o->repeat, msg, len);
		break;
	case OPT_WARMUP:
		err = ompk_number_arg(flag, val, 0, 1000000, &o->warmup, msg, len);
		break;
	case OPT_FORMAT:
		if (strcmp(val, "text") == 0)
			o->format = OMPK_TEXT;
		else if (strcmp(val, "json") == 0)
			o->format = OMPK_JSON;
		else if (strcmp(val, "csv") == 0)
			o->format = OMPK_CSV;
		else {
			snprintf(msg, len,
				 "--format: '%s' is not a format; accepted: text, json, csv", val);
			err = -EINVAL;
		}
		break;
	case OPT_QUIET:
		o->quiet = true;
		break;
	case OPT_NO_VERIFY:
		o->verify = false;
		break;
	case OPT_HELP:
		o->help = true;
		break;
	case OPT_VERSION:
		o->version = true;
		break;
	}
	return err;
}

int ompk_options_parse_one(struct ompk_options *o, int argc, char **argv, int *i, char *msg,
			   size_t len)
{
	const char *arg = argv[*i], *inline_val, *val = NULL;

	for (size_t k = 0; k < NOPTIONS; k++) {
		if (!matches(arg, options[k].name, options[k].short_name, &inline_val))
			continue;
		if (options[k].arg) {
			if (take_value(argc, argv, i, options[k].name, inline_val, &val, msg, len) <
			    0)
				return -EINVAL;
		} else if (inline_val) {
			snprintf(msg, len, "--%s: takes no value (got '%s')", options[k].name,
				 inline_val);
			ompk_msg_sanitize(msg);
			return -EINVAL;
		}
		if (apply(o, options[k].id, options[k].name, val, msg, len) < 0) {
			ompk_msg_sanitize(msg);
			return -EINVAL;
		}
		return 1;
	}
	return 0;
}

/* Same matching rules, for a flag the caller owns (kernel parameters). */
int ompk_flag_value(int argc, char **argv, int *i, const char *name, const char **val, char *msg,
		    size_t len)
{
	const char *inline_val;

	if (!matches(argv[*i], name, 0, &inline_val))
		return 0;
	return take_value(argc, argv, i, name, inline_val, val, msg, len) < 0 ? -EINVAL : 1;
}

void ompk_options_help(FILE *f)
{
	for (size_t k = 0; k < NOPTIONS; k++) {
		char left[40];

		if (options[k].short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", options[k].short_name,
				 options[k].name, options[k].arg ? " " : "",
				 options[k].arg ? options[k].arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", options[k].name,
				 options[k].arg ? " " : "", options[k].arg ? options[k].arg : "");
		fprintf(f, "  %-22s %s\n", left, options[k].help);
	}
}
