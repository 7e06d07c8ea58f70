/*
 * fuzz_cli.c - fuzz target for everything a user types: the number parser
 * and each tool's whole command line: every kernel's (driver options,
 * kernel parameters, the cross-parameter checks), bin/pipeline's and
 * bin/heartbeat's, all rows of the one option table type. Nothing is run,
 * only parsed and checked.
 *
 * Input: byte 0 picks the tool (the kernels in registry order, then the
 * pipeline, then the heartbeat); the rest is argv, split at NUL bytes.
 * Invariants (abort on violation): parsing never crashes; an error always
 * leaves a one-line message that names a flag or an argument; a number
 * that parses prints back (%llu) to a string that parses to the same value.
 *
 * Built with libFuzzer by `make fuzz` (with tests/fuzz/entry.c), and replayed over
 * the committed corpus by tests/test_fuzz_corpus.c in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/heartbeat.h"
#include "ompkit/parse.h"
#include "ompkit/pipeline.h"
#include "ompkit/registry.h"

#define FUZZ_MAX_ARGS 16

static void check_number(const char *s)
{
	uint64_t v, w;
	char buf[32];

	if (ompk_parse_u64(s, &v) != OMPK_PARSE_OK)
		return;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	if (ompk_parse_u64(buf, &w) != OMPK_PARSE_OK || w != v)
		abort();
}

/* Parses argv as tool `pick` would; 0 or -EINVAL with msg. Aborts on a broken invariant. */
static int parse_as(size_t pick, size_t nkernels, int argc, char **argv, char *msg, size_t len)
{
	struct ompk_options o;
	int err;

	if (pick < nkernels) {
		const struct ompk_kernel *k = ompk_kernels[pick];
		struct ompk_job job;

		err = ompk_cli_parse(k, argc, argv, &o, &job, msg, len);
		if (err == 0)
			err = ompk_cli_check(k, &o, &job, msg, len);
	} else if (pick == nkernels) {
		struct ompk_pipeline_cli p;

		err = ompk_pipeline_cli_parse(argc, argv, &p, msg, len);
		o = p.o;
		if (err == 0 && !o.help && !o.version &&
		    (p.c.shards < 1 || p.c.inflight < 1 || p.c.threads < 1 || !p.c.kernel))
			abort();
	} else {
		struct ompk_hb_config c;

		err = ompk_heartbeat_cli_parse(argc, argv, &c, &o, msg, len);
		if (err == 0 && (c.tick_ns == 0 || c.ticks == 0))
			abort();
	}
	if (err == 0 && (o.threads < 0 || o.repeat < 1))
		abort();
	return err;
}

int fuzz_cli(const uint8_t *data, size_t size)
{
	static const char *const tools[] = { "pipeline", "heartbeat" };
	size_t nkernels = 0, pick;
	char *buf, *argv[FUZZ_MAX_ARGS + 2];
	int argc = 1;
	char msg[512];

	if (size < 1 || size > 4096)
		return 0;
	while (ompk_kernels[nkernels])
		nkernels++;
	pick = data[0] % (nkernels + 2);

	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	argv[0] = (char *)(pick < nkernels ? ompk_kernels[pick]->name : tools[pick - nkernels]);
	for (char *p = buf; p < buf + size - 1 && argc <= FUZZ_MAX_ARGS; p += strlen(p) + 1) {
		argv[argc++] = p;
		check_number(p);
	}
	argv[argc] = NULL;

	msg[0] = '\0';
	int err = parse_as(pick, nkernels, argc, argv, msg, sizeof(msg));
	/* An error is one line that names a flag, an argument or a variable. */
	if (err != 0 && (msg[0] == '\0' || strchr(msg, '\n') || !strchr(msg, ':')))
		abort();
	free(buf);
	return 0;
}
