/*
 * test_fuzz_corpus.c - replays the fuzz targets over the committed seed
 * corpus and every regression input (tests/fuzz/corpus/<target>/), so each
 * crash the fuzzers ever found stays fixed, with gcc and no libFuzzer.
 * The harnesses are compiled into this runner directly.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz/fuzz_cli.c"
#include "fuzz/fuzz_files.c"
#include "fuzz/fuzz_shards.c"

#ifndef OMPK_SOURCE_DIR
#define OMPK_SOURCE_DIR "."
#endif

static int replay(const char *target, int (*fn)(const uint8_t *, size_t))
{
	char dir[512];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", OMPK_SOURCE_DIR, target);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[1024];
		FILE *f;
		static uint8_t buf[1 << 20];
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		fn(buf, len); /* aborts on a broken invariant */
		n++;
	}
	closedir(d);
	return n;
}

static void test_cli_corpus(void **state)
{
	(void)state;
	assert_true(replay("cli", fuzz_cli) > 0);
}

static void test_files_corpus(void **state)
{
	(void)state;
	assert_true(replay("files", fuzz_files) > 0);
}

static void test_shards_corpus(void **state)
{
	(void)state;
	assert_true(replay("shards", fuzz_shards) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_corpus),
		cmocka_unit_test(test_files_corpus),
		cmocka_unit_test(test_shards_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
