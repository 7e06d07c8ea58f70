/*
 * test_split.c - splitting a job into parts (the descriptor's units,
 * subjob, combine and cost hooks) gives exactly the whole job's result,
 * for every kernel in the registry, every variant, sizes from empty to
 * more parts than units, and files split by byte ranges. The reference
 * is the sequential variant run whole, and the kernel's own oracle.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ompkit/driver.h"
#include "ompkit/registry.h"
#include "ompkit/split.h"

/* One job: up to two parameters set, or a file. */
struct sizes {
	const char *kernel;
	const char *p1;
	uint64_t v1;
	const char *p2;
	uint64_t v2;
};

static const struct sizes cases[] = {
	{ "lcg", "seeds", 0, "iters", 1000 },
	{ "lcg", "seeds", 1, "iters", 1000 },
	{ "lcg", "seeds", 7, "iters", 1000 },
	{ "lcg", "seeds", 1023, "iters", 100 },
	{ "primes", "to", 0, NULL, 0 },
	{ "primes", "to", 1, NULL, 0 },
	{ "primes", "to", 7, NULL, 0 },
	{ "primes", "to", 1023, "jobs", 3 },
	{ "primes", "to", 20000, NULL, 0 },
	{ "primes", "from", 1000, "to", 1003 },
	{ "collatz", "to", 2, NULL, 0 },
	{ "collatz", "to", 8, NULL, 0 },
	{ "collatz", "to", 1024, NULL, 0 },
	{ "collatz", "from", 27, "to", 30000 },
	{ "sumsq", "to", 0, NULL, 0 },
	{ "sumsq", "to", 1, NULL, 0 },
	{ "sumsq", "to", 7, NULL, 0 },
	{ "sumsq", "from", 1u << 31, "to", (1u << 31) + 100003 },
	{ "checksum", "buffers", 0, NULL, 0 },
	{ "checksum", "buffers", 1, "size", 1023 },
	{ "checksum", "buffers", 7, "size", 7 },
	{ "checksum", "buffers", 300, "size", 1023 },
	{ "checksum", "buffers", 2, "size", 0 },
};

static void set_param(struct ompk_job *job, const char *name, uint64_t v)
{
	int i;

	if (!name)
		return;
	i = ompk_param_index(job->kernel, name);
	assert_true(i >= 0);
	job->p[i] = v;
	job->set |= 1u << i;
}

/* Runs the prepared job whole (seq) and in `parts` parts with each variant; all must agree. */
static void check_parts(struct ompk_job *job)
{
	const struct ompk_kernel *k = job->kernel;
	const unsigned parts_list[] = { 1, 2, 3, 7, 64 };
	struct ompk_result whole = { 0 }, expected = { 0 };
	const char *method;
	int err;

	assert_int_equal(k->run(job, OMPK_SEQ, &whole), 0);
	err = k->expect(job, &expected, &method);
	assert_int_equal(err, 0);
	assert_true(ompk_result_equal(&whole, &expected));

	for (size_t p = 0; p < OMPK_COUNT(parts_list); p++) {
		const unsigned parts = parts_list[p];
		uint64_t bounds[65];

		for (int v = 0; v < OMPK_VARIANT_COUNT; v++) {
			struct ompk_result split = { 0 };

			if (!(k->variants & OMPK_VARIANT_BIT(v)))
				continue;
			assert_int_equal(
				ompk_split_bounds(job, (enum ompk_variant)v, parts, bounds), 0);
			assert_int_equal(bounds[0], 0);
			assert_int_equal(bounds[parts], ompk_split_units(job));
			for (unsigned i = 0; i < parts; i++)
				assert_true(bounds[i] <= bounds[i + 1]);
			assert_int_equal(
				ompk_split_run(job, (enum ompk_variant)v, bounds, parts, &split),
				0);
			if (!ompk_result_equal(&split, &whole))
				fail_msg("%s %s in %u parts differs from the whole run", k->name,
					 ompk_variant_name((enum ompk_variant)v), parts);
			ompk_result_free(&split);
		}
	}
	ompk_result_free(&whole);
	ompk_result_free(&expected);
}

static void test_every_kernel_splits_exactly(void **state)
{
	(void)state;
	for (size_t c = 0; c < OMPK_COUNT(cases); c++) {
		const struct ompk_kernel *k = ompk_kernel_find(cases[c].kernel);
		struct ompk_job job;
		char msg[256];

		assert_non_null(k);
		ompk_job_init(&job, k);
		job.threads = 3;
		set_param(&job, cases[c].p1, cases[c].v1);
		set_param(&job, cases[c].p2, cases[c].v2);
		assert_true(!k->validate || k->validate(&job, msg, sizeof(msg)) == 0);
		assert_true(!k->prepare || k->prepare(&job, msg, sizeof(msg)) == 0);
		check_parts(&job);
		if (k->release)
			k->release(&job);
	}
}

/* Every kernel in the registry can be split (a new kernel must say how). */
static void test_registry_kernels_have_split_hooks(void **state)
{
	(void)state;
	for (size_t i = 0; ompk_kernels[i]; i++) {
		assert_non_null(ompk_kernels[i]->units);
		assert_non_null(ompk_kernels[i]->subjob);
		assert_non_null(ompk_kernels[i]->combine);
	}
}

/* A file of pseudo-random bytes, checksummed by byte ranges and summed by values. */
static void test_files_split_by_byte_ranges(void **state)
{
	const size_t lens[] = { 0, 8, 1016, 100008 };
	const char *names[] = { "checksum", "sumsq" };

	(void)state;
	for (size_t l = 0; l < OMPK_COUNT(lens); l++) {
		char path[] = "/tmp/ompk-test-split-XXXXXX";
		int fd = mkstemp(path);
		uint8_t *bytes = malloc(lens[l] + 1);
		uint64_t x = 88172645463325252u;

		assert_true(fd >= 0);
		assert_non_null(bytes);
		for (size_t i = 0; i < lens[l]; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			bytes[i] = (uint8_t)(x >> 56);
		}
		assert_int_equal(write(fd, bytes, lens[l]), (ssize_t)lens[l]);
		close(fd);
		for (size_t n = 0; n < 2; n++) {
			const struct ompk_kernel *k = ompk_kernel_find(names[n]);
			struct ompk_job job;
			char msg[256];

			ompk_job_init(&job, k);
			job.threads = 2;
			job.file = path;
			assert_int_equal(k->prepare(&job, msg, sizeof(msg)), 0);
			check_parts(&job);
			k->release(&job);
		}
		unlink(path);
		free(bytes);
	}
}

/*
 * The cost model balances trial division: the divisions each part really
 * performs (counted here, independently of the model) are within 10% of
 * the mean, where an equal-length split is off by ~50%.
 */
static uint64_t divisions(uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	for (uint64_t x = from; x < to; x++) {
		uint64_t d = 2;

		while (d < x && x % d)
			d++;
		n += x < 2 ? 1 : d - 1;
	}
	return n;
}

static void test_primes_balanced_by_cost(void **state)
{
	const unsigned parts_list[] = { 2, 3, 5 };
	struct ompk_job job;

	(void)state;
	ompk_job_init(&job, &ompk_kernel_primes);
	set_param(&job, "from", 1000);
	set_param(&job, "to", 40000);
	for (size_t p = 0; p < OMPK_COUNT(parts_list); p++) {
		const unsigned parts = parts_list[p];
		uint64_t bounds[6], work[5], total = 0, max = 0;

		assert_int_equal(ompk_split_bounds(&job, OMPK_SEQ, parts, bounds), 0);
		for (unsigned i = 0; i < parts; i++) {
			work[i] = divisions(1000 + bounds[i], 1000 + bounds[i + 1]);
			total += work[i];
			max = work[i] > max ? work[i] : max;
		}
		if ((double)max / ((double)total / parts) > 1.10)
			fail_msg("primes over %u parts: max/mean divisions %.3f", parts,
				 (double)max / ((double)total / parts));
	}
}

static void test_result_pack_roundtrip(void **state)
{
	struct ompk_result r = { 0 }, back = { 0 };
	char names[OMPK_MAX_FIELDS][OMPK_FIELD_NAME_MAX];
	uint64_t *v, *buf;
	size_t words;

	(void)state;
	assert_int_equal(ompk_result_scalar(&r, "count", UINT64_MAX), 0);
	assert_int_equal(ompk_result_add(&r, "finals", true, 3, &v), 0);
	v[0] = 1, v[1] = 0, v[2] = UINT64_C(1) << 63;
	assert_int_equal(ompk_result_add(&r, "empty", true, 0, &v), 0);
	assert_int_equal(ompk_result_pack(&r, &buf, &words), 0);
	assert_int_equal(ompk_result_unpack(buf, words, &back, names), 0);
	assert_true(ompk_result_equal(&r, &back));
	assert_true(back.f[1].array && !back.f[0].array);
	ompk_result_free(&back);
	/* Truncated or padded buffers are refused, not half read. */
	assert_int_equal(ompk_result_unpack(buf, words - 1, &back, names), -EINVAL);
	assert_int_equal(ompk_result_unpack(buf, 0, &back, names), -EINVAL);
	free(buf);
	ompk_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_kernels_have_split_hooks),
		cmocka_unit_test(test_every_kernel_splits_exactly),
		cmocka_unit_test(test_files_split_by_byte_ranges),
		cmocka_unit_test(test_primes_balanced_by_cost),
		cmocka_unit_test(test_result_pack_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
