/*
 * entry.c - libFuzzer's entry point for each target, written once: `make
 * fuzz` compiles it beside tests/fuzz/fuzz_<t>.c with
 * -DOMPK_FUZZ_TARGET=fuzz_<t>. The targets themselves are plain functions,
 * which tests/test_fuzz_corpus.c replays over the committed corpus.
 */
#include <stddef.h>
#include <stdint.h>

int OMPK_FUZZ_TARGET(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return OMPK_FUZZ_TARGET(data, size);
}
