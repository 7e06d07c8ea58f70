/*
 * pipeline.h - the bin/pipeline command line: its flags as rows of the one
 * option table type (ompkit/cli.h), parsed into a loader configuration.
 * In the library rather than in the entry point so the tests and the fuzz
 * target reach the same parser the binary runs.
 */
#ifndef OMPKIT_PIPELINE_H
#define OMPKIT_PIPELINE_H

#include <stdint.h>
#include <stdio.h>

#include "ompkit/driver.h"
#include "ompkit/loader.h"

struct ompk_pipeline_cli {
	struct ompk_loader_config c;
	struct ompk_options o; /* the driver's rows the pipeline takes */
	uint64_t latency_ms;
	const char *source;   /* "synthetic" or a directory */
	const char *make_dir; /* --make-shards DIR, or NULL */
	/* Filled by the rows, then turned into c by ompk_pipeline_cli_parse. */
	int kernel, mode;
	uint64_t read_block;
};

/*
 * Parses argv into *p (defaults first) and checks the configuration
 * (ompk_loader_check, the thread limit). Returns 0 or -EINVAL with a
 * one-line message. --help/--version only set p->o.help/p->o.version.
 */
int ompk_pipeline_cli_parse(int argc, char **argv, struct ompk_pipeline_cli *p, char *msg,
			    size_t len);

/* The --help text of bin/pipeline. */
void ompk_pipeline_help(FILE *f);

#endif
