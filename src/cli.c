/*
 * cli.c - the option table parser, --help, --version and usage errors of
 * every tool (see ompkit/cli.h for the table and how to add an option).
 *
 * Parsing is one pass over argv: each argument must name a row (there are
 * no positional arguments), a value comes inline ("--n=5", "-n5") or as the
 * next argument, and the row's kind says how to read and check it. Every
 * error names the flag as the user typed it and ends with what is accepted.
 */
#include <errno.h>
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "ompkit/cli.h"
#include "ompkit/driver.h"
#include "ompkit/parse.h"

/* Help: the option column, then the text from this column on. */
#define HELP_COL 26

void ompk_msg_sanitize(char *msg)
{
	for (unsigned char *p = (unsigned char *)msg; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

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

static void *field(const struct ompk_opt_group *g, const struct ompk_opt *o)
{
	return (char *)g->base + o->offset;
}

static bool in_tool(const struct ompk_opt_group *g, size_t i)
{
	return !g->only || (g->only >> i & 1);
}

static uint64_t opt_max(const struct ompk_opt *o, const char **why)
{
	*why = NULL;
	return o->max_fn ? o->max_fn(why) : o->max;
}

void ompk_opts_defaults(struct ompk_opt_group *g, size_t ng)
{
	for (size_t k = 0; k < ng; k++) {
		for (size_t i = 0; i < g[k].n; i++) {
			const struct ompk_opt *o = &g[k].opts[i];
			void *p = field(&g[k], o);

			switch (o->kind) {
			case OMPK_OPT_SWITCH:
				*(bool *)p = o->def != 0;
				break;
			case OMPK_OPT_U64:
				*(uint64_t *)p = o->def;
				break;
			case OMPK_OPT_INT:
			case OMPK_OPT_CHOICE:
				*(int *)p = (int)o->def;
				break;
			case OMPK_OPT_STRING:
				*(const char **)p = o->def_str;
				break;
			case OMPK_OPT_CUSTOM:
				break; /* the owner's defaults stand */
			}
		}
		g[k].seen = 0;
	}
}

/* "a, b, c" of a NULL-terminated list into buf. */
static void join(char *buf, size_t len, const char *const *names)
{
	buf[0] = '\0';
	for (size_t i = 0; names[i]; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", names[i]);
}

/* What a row accepts, for an error after "accepted: ". */
static void accepted(const struct ompk_opt *o, char *buf, size_t len)
{
	const char *why;
	uint64_t max;

	switch (o->kind) {
	case OMPK_OPT_SWITCH:
		snprintf(buf, len, "--%s alone, with no value", o->name);
		break;
	case OMPK_OPT_U64:
	case OMPK_OPT_INT:
		max = opt_max(o, &why);
		snprintf(buf, len, "a whole number from %llu to %llu%s%s%s",
			 (unsigned long long)o->min, (unsigned long long)max, why ? " (" : "",
			 why ? why : "", why ? ")" : "");
		break;
	case OMPK_OPT_CHOICE:
	case OMPK_OPT_STRING:
		if (o->choices)
			join(buf, len, o->choices);
		else
			snprintf(buf, len, "%s", o->accepted ? o->accepted : "a non-empty value");
		break;
	case OMPK_OPT_CUSTOM:
		snprintf(buf, len, "%s", o->accepted ? o->accepted : "see --help");
		break;
	}
}

static int number(const struct ompk_opt *o, const char *val, uint64_t *out, char *msg, size_t len)
{
	const char *why;
	uint64_t max = opt_max(o, &why);
	int err = ompk_number_arg(o->name, val, o->min, max, out, msg, len);

	if (err && why)
		snprintf(msg + strlen(msg), len - strlen(msg), " (%s)", why);
	return err;
}

static int index_of(const char *const *names, const char *val)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], val) == 0)
			return i;
	return -1;
}

/* Reads val into the row's field. 0 or -EINVAL with msg. */
static int apply(const struct ompk_opt_group *g, const struct ompk_opt *o, const char *val,
		 char *msg, size_t len)
{
	void *p = field(g, o);
	char acc[256];
	uint64_t n;
	int i = -1;

	switch (o->kind) {
	case OMPK_OPT_SWITCH:
		*(bool *)p = o->def == 0;
		return 0;
	case OMPK_OPT_U64:
		if (number(o, val, &n, msg, len) < 0)
			return -EINVAL;
		*(uint64_t *)p = n;
		return 0;
	case OMPK_OPT_INT:
		if (number(o, val, &n, msg, len) < 0)
			return -EINVAL;
		*(int *)p = n > INT_MAX ? INT_MAX : (int)n;
		return 0;
	case OMPK_OPT_CHOICE:
	case OMPK_OPT_STRING:
		if (!*val || (o->choices && (i = index_of(o->choices, val)) < 0)) {
			accepted(o, acc, sizeof(acc));
			if (!*val)
				snprintf(msg, len, "--%s: the value is empty; accepted: %s",
					 o->name, acc);
			else
				snprintf(msg, len, "--%s: '%s' is not %s; accepted: %s", o->name,
					 val, o->noun ? o->noun : "accepted", acc);
			return -EINVAL;
		}
		if (o->kind == OMPK_OPT_CHOICE)
			*(int *)p = i;
		else
			*(const char **)p = val;
		return 0;
	case OMPK_OPT_CUSTOM:
		return o->parse(g->base, val, msg, len) < 0 ? -EINVAL : 0;
	}
	return -EINVAL;
}

/*
 * The row argument arg names, or NULL. Sets *inline_val to the text after
 * "=" (long) or after the letter (short), or NULL.
 */
static const struct ompk_opt *find(struct ompk_opt_group *g, size_t ng, const char *arg,
				   struct ompk_opt_group **og, size_t *oi, const char **inline_val)
{
	*inline_val = NULL;
	for (size_t k = 0; k < ng; k++) {
		for (size_t i = 0; i < g[k].n; i++) {
			const struct ompk_opt *o = &g[k].opts[i];
			size_t n = strlen(o->name);

			if (!in_tool(&g[k], i))
				continue;
			if (arg[1] == '-' && strncmp(arg + 2, o->name, n) == 0 &&
			    (arg[2 + n] == '\0' || arg[2 + n] == '=')) {
				*inline_val = arg[2 + n] ? arg + 3 + n : NULL;
			} else if (arg[1] != '-' && o->short_name && arg[1] == o->short_name) {
				*inline_val = arg[2] ? arg + 2 : NULL;
			} else {
				continue;
			}
			*og = &g[k];
			*oi = i;
			return o;
		}
	}
	return NULL;
}

/*
 * An argument echoed at the start of a message is cut to ECHO_MAX bytes
 * (with "..."), so that the rest of the line, which says what is wrong and
 * what is accepted, always fits.
 */
#define ECHO_MAX 64

static int echo_len(size_t n)
{
	return (int)(n > ECHO_MAX ? ECHO_MAX : n);
}

static const char *echo_more(size_t n)
{
	return n > ECHO_MAX ? "..." : "";
}

static void unknown(const struct ompk_opt_group *g, size_t ng, const char *arg, char *msg,
		    size_t len)
{
	size_t at, n = strcspn(arg, "=");

	snprintf(msg, len, "%.*s%s: unknown option; accepted:", echo_len(n), arg, echo_more(n));
	for (size_t k = 0; k < ng; k++)
		for (size_t i = 0; i < g[k].n; i++)
			if (in_tool(&g[k], i)) {
				at = strlen(msg);
				snprintf(msg + at, len - at, "%s --%s",
					 msg[at - 1] == ':' ? "" : ",", g[k].opts[i].name);
			}
}

int ompk_opts_parse(struct ompk_opt_group *g, size_t ng, int argc, char **argv, char *msg,
		    size_t len)
{
	for (size_t k = 0; k < ng; k++)
		g[k].seen = 0;
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a], *val;
		const struct ompk_opt *o = NULL;
		struct ompk_opt_group *og = NULL;
		size_t oi = 0;
		char acc[256];
		int err = 0;

		if (arg[0] != '-' || arg[1] == '\0') {
			snprintf(
				msg, len,
				"%.*s%s: unexpected argument; accepted: options only (--flag VALUE "
				"or --flag=VALUE)",
				echo_len(strlen(arg)), arg, echo_more(strlen(arg)));
			err = -EINVAL;
		} else if (!(o = find(g, ng, arg, &og, &oi, &val))) {
			unknown(g, ng, arg, msg, len);
			err = -EINVAL;
		} else if (o->kind == OMPK_OPT_SWITCH && val) {
			snprintf(msg, len, "--%s: takes no value (got '%s'); accepted: --%s alone",
				 o->name, val, o->name);
			err = -EINVAL;
		} else if (o->kind != OMPK_OPT_SWITCH && !val && a + 1 >= argc) {
			accepted(o, acc, sizeof(acc));
			snprintf(msg, len, "--%s: missing value; accepted: %s", o->name, acc);
			err = -EINVAL;
		} else {
			if (o->kind != OMPK_OPT_SWITCH && !val)
				val = argv[++a];
			err = apply(og, o, val, msg, len);
			og->seen |= UINT64_C(1) << oi;
		}
		if (err) {
			ompk_msg_sanitize(msg); /* user text is echoed: keep it one line */
			return -EINVAL;
		}
	}
	return 0;
}

/* The default of a row as --help shows it into buf; "" when there is none to show. */
static void default_text(const struct ompk_opt *o, char *buf, size_t len)
{
	buf[0] = '\0';
	if (o->def_text)
		snprintf(buf, len, "%s", o->def_text);
	else if (o->kind == OMPK_OPT_U64 || o->kind == OMPK_OPT_INT)
		snprintf(buf, len, "%llu", (unsigned long long)o->def);
	else if (o->kind == OMPK_OPT_CHOICE)
		snprintf(buf, len, "%s", o->choices[o->def]);
	else if (o->kind == OMPK_OPT_STRING && o->def_str)
		snprintf(buf, len, "%s", o->def_str);
}

static void help_row(FILE *f, const struct ompk_opt *o)
{
	char left[64], def[128], range[96] = "";
	const char *why;
	int n;

	if (o->short_name)
		n = snprintf(left, sizeof(left), "  -%c, --%s%s%s", o->short_name, o->name,
			     o->arg ? " " : "", o->arg ? o->arg : "");
	else
		n = snprintf(left, sizeof(left), "      --%s%s%s", o->name, o->arg ? " " : "",
			     o->arg ? o->arg : "");
	if (o->max_fn) { /* a limit of this machine: say what it is here */
		uint64_t max = opt_max(o, &why);

		snprintf(range, sizeof(range), "; 1 to %llu here (%s)", (unsigned long long)max,
			 why);
	}
	default_text(o, def, sizeof(def));
	if (n >= HELP_COL - 1)
		fprintf(f, "%s\n%*s", left, HELP_COL, "");
	else
		fprintf(f, "%-*s", HELP_COL, left);
	fprintf(f, "%s%s%s%s%s\n", o->help, range, def[0] ? " (default: " : "", def,
		def[0] ? ")" : "");
}

void ompk_help(FILE *f, const char *prog, const char *about, const struct ompk_opt_group *g,
	       size_t ng, const char *notes)
{
	fprintf(f, "Usage: %s [OPTION]...\n%s\n", prog, about);
	for (size_t k = 0; k < ng; k++) {
		fprintf(f, "\n%s:\n", g[k].title);
		for (size_t i = 0; i < g[k].n; i++)
			if (in_tool(&g[k], i))
				help_row(f, &g[k].opts[i]);
	}
	if (notes)
		fprintf(f, "\n%s", notes);
}

void ompk_version(FILE *f, const char *prog)
{
	fprintf(f, "%s (ompkit) %s\nbuild: %s, %s\nOpenMP: %d, %s (%s)\n", prog, OMPK_VERSION,
		ompk_build_compiler(), ompk_build_flags(), _OPENMP, ompk_build_openmp_runtime(),
		ompk_build_openmp_library());
}

int ompk_usage_error(FILE *f, const char *prog, const char *msg)
{
	fprintf(f, "ompk: %s\nTry '%s --help'.\n", msg, prog);
	return OMPK_EXIT_USAGE;
}

int ompk_output_flush(FILE *out, FILE *err)
{
	int e;

	errno = 0;
	if (fflush(out) == 0 && !ferror(out))
		return 0;
	e = errno ? errno : EIO;
	fprintf(err, "ompk: standard output: %s\n", strerror(e));
	return OMPK_EXIT_FAIL;
}
