/*
 * cli.h - one option table type for every command-line tool.
 *
 * A tool declares its flags as rows of struct ompk_opt, grouped by the
 * struct they fill (struct ompk_opt_group: the rows, and the base address
 * their offsets point into). From the rows alone come: the defaults
 * (ompk_opts_defaults), parsing of "--name VALUE", "--name=VALUE", "-c
 * VALUE" and "-cVALUE" with exact numbers (ompkit/parse.h: 1e6, 1_000),
 * range checks and one-line errors (ompk_opts_parse), and the GNU
 * two-column --help with each default (ompk_help). A flag given twice
 * takes its last value, as in GNU tools. There are no positional
 * arguments and no abbreviations: a script's flags mean the same forever.
 *
 * To add an option: add a row to the tool's table, with its long name,
 * short letter (or 0), kind, where it is stored (offsetof in the group's
 * struct), its default (def, def_str, or def_text when the default is not
 * a fixed value), min/max for numbers, choices for a fixed set of words,
 * and one line of help. Nothing else: no parsing branch, no help line.
 *
 * Errors are written into msg as "<flag>: <what is wrong>; accepted:
 * <what is accepted>"; the tool prints them with ompk_usage_error(), which
 * adds "Try '<tool> --help'." and the exit status is 2.
 */
#ifndef OMPKIT_CLI_H
#define OMPKIT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ompk_opt_kind {
	OMPK_OPT_SWITCH, /* no value: the bool becomes !def (def 1: a --no-thing switch) */
	OMPK_OPT_U64,	 /* a whole number in [min, max], into a uint64_t */
	OMPK_OPT_INT,	 /* the same, into an int (max <= INT_MAX) */
	OMPK_OPT_CHOICE, /* one of choices[]: its index, into an int or an enum in that order */
	OMPK_OPT_STRING, /* non-empty text (pointing into argv), one of choices[] if given */
	OMPK_OPT_CUSTOM, /* parse() reads it into the group's struct */
};

struct ompk_opt {
	const char *name; /* long name without "--" */
	char short_name;  /* 0: none */
	enum ompk_opt_kind kind;
	size_t offset;	      /* of the value in the group's struct */
	const char *arg;      /* the value's name in --help ("N", "PATH"); NULL for a switch */
	const char *help;     /* one line; "(default: ...)" is added */
	uint64_t def;	      /* U64/INT: the value; CHOICE: the index; SWITCH: 0 or 1 */
	const char *def_str;  /* STRING: the default (NULL: none given) */
	const char *def_text; /* shown as the default in --help instead of the value */
	uint64_t min, max;    /* U64/INT */
	/* U64/INT: when set, the maximum, with why it is that (e.g. the thread cap). */
	uint64_t (*max_fn)(const char **why);
	const char *const *choices; /* CHOICE, STRING: NULL-terminated */
	const char *noun;	    /* "a variant": errors say "'x' is not a variant" */
	const char *accepted;	    /* STRING/CUSTOM: what is accepted, for errors */
	/* CUSTOM: reads val into base; 0 or -EINVAL with the whole message. */
	int (*parse)(void *base, const char *val, char *msg, size_t len);
};

/*
 * Shorthands for the shapes rows share. OMPK_OPT_ARG and OMPK_OPT_FLAG
 * are the fields every row of their shape has, for a row that adds its
 * own (`{ OMPK_OPT_ARG(...), .def_text = "...", .min = 1, ... }`):
 * OMPK_OPT_ARG: `--name ARG` of kind k (any but SWITCH), stored at off.
 * OMPK_OPT_FLAG: `--name`, a switch stored at off (default 0 unless .def).
 * Whole rows:
 * OMPK_OPT_NUMBER: `--name ARG`, a u64 in [lo, hi], default d, stored at off.
 * OMPK_OPT_PICK: `--name ARG`, one of the NULL-terminated choices (default
 * the d-th), errors saying "'x' is not <noun>".
 */
#define OMPK_OPT_ARG(k, nm, off, argname, text) \
	.name = (nm), .kind = (k), .offset = (off), .arg = (argname), .help = (text)
#define OMPK_OPT_FLAG(nm, off, text) \
	.name = (nm), .kind = OMPK_OPT_SWITCH, .offset = (off), .help = (text)
/* Written by hand: clang-format would indent the fields as a call's continuation. */
/* clang-format off */
#define OMPK_OPT_NUMBER(nm, off, argname, text, d, lo, hi)                                         \
	{                                                                                          \
		OMPK_OPT_ARG(OMPK_OPT_U64, nm, off, argname, text),                                \
		.def = (d), .min = (lo), .max = (hi)                                               \
	}
#define OMPK_OPT_PICK(nm, off, argname, text, d, ch, nn)                                           \
	{                                                                                          \
		OMPK_OPT_ARG(OMPK_OPT_CHOICE, nm, off, argname, text),                             \
		.def = (d), .choices = (ch), .noun = (nn)                                          \
	}
/* clang-format on */

struct ompk_opt_group {
	const char *title; /* the --help heading, e.g. "Kernel options" */
	const struct ompk_opt *opts;
	size_t n;      /* rows in opts, at most 64 */
	uint64_t only; /* bit i: opts[i] belongs to this tool; 0: all of them */
	void *base;    /* the struct the offsets point into */
	uint64_t seen; /* set by ompk_opts_parse: bit i when opts[i] was given */
};

/* Writes every row's default into its group's struct. */
void ompk_opts_defaults(struct ompk_opt_group *g, size_t ng);

/*
 * Parses argv[1..argc-1] against the groups (defaults are not written:
 * call ompk_opts_defaults first). Returns 0, or -EINVAL with a one-line
 * message in msg (control characters of echoed user text replaced).
 */
int ompk_opts_parse(struct ompk_opt_group *g, size_t ng, int argc, char **argv, char *msg,
		    size_t len);

/*
 * The --help text: "Usage: <prog> [OPTION]...", about, each group under
 * its title in two columns with its defaults, then notes (may be NULL).
 */
void ompk_help(FILE *f, const char *prog, const char *about, const struct ompk_opt_group *g,
	       size_t ng, const char *notes);

/* The --version text of every tool: "<prog> (ompkit) VERSION", the build, OpenMP. */
void ompk_version(FILE *f, const char *prog);

/* "ompk: <msg>" and "Try '<prog> --help'." on f. Returns OMPK_EXIT_USAGE (2). */
int ompk_usage_error(FILE *f, const char *prog, const char *msg);

/*
 * Flushes out, the report's stream. A write that failed (a full disk,
 * /dev/full, a closed pipe) is one line on err, "ompk: standard output:
 * <why>"; returns OMPK_EXIT_FAIL (1) then, else 0. Every tool calls it
 * before it exits, so a report that was not written is never a success.
 */
int ompk_output_flush(FILE *out, FILE *err);

/*
 * Parses a number given to --flag, accepting [min, max]. Returns 0 or
 * -EINVAL with a message naming the flag and what is accepted.
 */
int ompk_number_arg(const char *flag, const char *val, uint64_t min, uint64_t max, uint64_t *out,
		    char *msg, size_t len);

/* Replaces control characters (echoed user text) so a message stays one line. */
void ompk_msg_sanitize(char *msg);

/*
 * OpenMP threads: the most a run may ask for, and why (*why names the
 * limit that set it; may be NULL). The smallest of a fixed cap
 * (OMPK_THREADS_CAP) and what this system can start: RLIMIT_NPROC,
 * kernel.threads-max, kernel.pid_max, vm.max_map_count / 2 (a thread's
 * stack is two mappings) and RLIMIT_STACK / 256 (libgomp puts about 128
 * bytes per thread of the new team on the caller's stack).
 */
#define OMPK_THREADS_CAP 4096
uint64_t ompk_threads_max(const char **why);

/*
 * The team a run will have: threads when > 0, else the runtime's
 * (OMP_NUM_THREADS). Returns 0, or -EINVAL with a message naming
 * --threads or OMP_NUM_THREADS when it is beyond ompk_threads_max().
 */
int ompk_threads_check(int threads, char *msg, size_t len);

/*
 * Warns once on stderr when the team (threads, or the runtime's when 0)
 * is more than 4 threads per core, naming --threads or OMP_NUM_THREADS.
 */
void ompk_threads_warn(int threads);

#endif
