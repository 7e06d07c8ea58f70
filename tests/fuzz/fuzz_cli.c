/*
 * fuzz_cli.c - fuzz target for everything a user types: the number parser
 * and each kernel's whole command line (driver options, kernel parameters,
 * the cross-parameter checks). Nothing is run, only parsed and checked.
 *
 * Input: byte 0 picks the kernel; the rest is argv, split at NUL bytes.
 * Invariants (abort on violation): parsing never crashes; an error always
 * leaves a one-line message that names a flag or an argument; a number
 * that parses prints back (%llu) to a string that parses to the same value.
 *
 * Built with libFuzzer by `make fuzz` (OMPK_LIBFUZZER), and replayed over
 * the committed corpus by tests/test_fuzz_corpus.c in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/driver.h"
#include "ompkit/parse.h"
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

int fuzz_cli(const uint8_t *data, size_t size)
{
	size_t nkernels = 0;
	char *buf, *argv[FUZZ_MAX_ARGS + 2];
	int argc = 1;
	struct ompk_options o;
	struct ompk_job job;
	char msg[512];

	if (size < 1 || size > 4096)
		return 0;
	while (ompk_kernels[nkernels])
		nkernels++;
	const struct ompk_kernel *k = ompk_kernels[data[0] % nkernels];

	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	argv[0] = (char *)k->name;
	for (char *p = buf; p < buf + size - 1 && argc <= FUZZ_MAX_ARGS; p += strlen(p) + 1) {
		argv[argc++] = p;
		check_number(p);
	}
	argv[argc] = NULL;

	msg[0] = '\0';
	int err = ompk_cli_parse(k, argc, argv, &o, &job, msg, sizeof(msg));
	if (err == 0)
		err = ompk_cli_check(k, &o, &job, msg, sizeof(msg));
	if (err != 0 && (msg[0] == '\0' || strchr(msg, '\n')))
		abort();
	if (err == 0 && (o.threads < 0 || o.repeat < 1))
		abort();
	free(buf);
	return 0;
}

#ifdef OMPK_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cli(data, size);
}
#endif
