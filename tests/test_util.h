/*
 * test_util.h - helpers shared by the cmocka suites.
 *
 * ompk_test_under_valgrind(): whether the suite runs under valgrind (its
 * preload library is in LD_PRELOAD) or was asked to act as if it did
 * (OMPK_TEST_SMALL=1). Valgrind 3.19 keeps its big lock while a thread
 * blocks in io_uring_enter, so a loop waiting there for a completion that
 * another thread produces never wakes: suites run their io_uring cases
 * only outside valgrind, and smaller sizes inside it (~20-50x slower).
 *
 * ompk_test_load_unwinder(): call before counting open descriptors. The
 * first thread to pthread_exit (as OpenMP team threads do when their
 * team goes) makes glibc dlopen libgcc_s for the unwinding; its
 * descriptor is open for a moment, in another thread, and a count taken
 * then sees one more (or one fewer) than the code under test opened.
 */
#ifndef OMPK_TEST_UTIL_H
#define OMPK_TEST_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline bool ompk_test_under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD"), *s = getenv("OMPK_TEST_SMALL");

	return (p && strstr(p, "vgpreload")) || (s && strcmp(s, "1") == 0);
}

static void *ompk_test_exit_at_once(void *arg)
{
	pthread_exit(arg);
}

static inline void ompk_test_load_unwinder(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, ompk_test_exit_at_once, NULL) == 0)
		pthread_join(t, NULL);
}

#endif
