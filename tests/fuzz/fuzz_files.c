/*
 * fuzz_files.c - fuzz target for the file readers: sumsq's u64 files and
 * checksum's byte files, through the kernels' own prepare/run/expect.
 *
 * The input becomes a file (an anonymous memfd, named by its /proc path).
 * Invariants (abort on violation): sumsq accepts exactly the inputs whose
 * length is a multiple of 8, checksum every input; seq, omp and the
 * independent oracle agree on every accepted input; nothing leaks.
 *
 * Built with libFuzzer by `make fuzz` (with tests/fuzz/entry.c), and replayed over
 * the committed corpus by tests/test_fuzz_corpus.c in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ompkit/driver.h"
#include "ompkit/registry.h"

static int run_file(const struct ompk_kernel *k, const char *path, enum ompk_variant v,
		    struct ompk_result *out, int oracle)
{
	struct ompk_job job;
	char msg[512];
	const char *method;
	int err;

	ompk_job_init(&job, k);
	job.file = path;
	job.threads = 2;
	memset(out, 0, sizeof(*out));
	err = k->prepare(&job, msg, sizeof(msg));
	if (err)
		return err;
	err = oracle ? k->expect(&job, out, &method) : k->run(&job, v, out);
	k->release(&job);
	return err;
}

int fuzz_files(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "sumsq", "checksum" };
	char path[64];
	int fd = memfd_create("ompk-fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (size_t i = 0; i < 2; i++) {
		const struct ompk_kernel *k = ompk_kernel_find(names[i]);
		struct ompk_result seq, omp, want;
		int err = run_file(k, path, OMPK_SEQ, &seq, 0);
		int accepted = i == 1 || size % 8 == 0;

		if ((err == 0) != accepted)
			abort();
		if (err)
			continue;
		if (run_file(k, path, OMPK_OMP, &omp, 0) || run_file(k, path, OMPK_SEQ, &want, 1))
			abort();
		if (!ompk_result_equal(&seq, &omp) || !ompk_result_equal(&seq, &want))
			abort();
		ompk_result_free(&seq);
		ompk_result_free(&omp);
		ompk_result_free(&want);
	}
	close(fd);
	return 0;
}
