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
 *
 * ompk_test_slurp(), ompk_test_count_lines(), ompk_test_starts_with():
 * reading back what a command line run wrote to its tmpfile()s.
 *
 * ompk_test_child_exit(): runs a check in a forked child (one that
 * installs a seccomp filter, say) and gives back its exit status.
 *
 * ompk_test_fork_output(out, err): forks (the test fails if it cannot) a
 * child whose standard output and error go to the files out and err; 0 in
 * the child, its pid in the parent.
 *
 * OMPK_TEST_CASE(name, fn, arg): a cmocka test called name that runs fn
 * with *state = arg, for one test function over a table of cases.
 *
 * ompk_test_has(s, "a", "b", ...): the test fails, naming the first one
 * missing, unless s contains each of the strings. Include after cmocka.h.
 */
#ifndef OMPK_TEST_UTIL_H
#define OMPK_TEST_UTIL_H

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Reads f (from its start) into buf as a string of at most len - 1 bytes, then closes f. */
static inline void ompk_test_slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* The number of newlines in s. */
static inline int ompk_test_count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static inline bool ompk_test_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Runs child(arg) in a forked process that exits with its return value.
 * Returns that exit status, or -1 if the fork failed or the child did not
 * exit normally (a signal).
 */
static inline int ompk_test_child_exit(int (*child)(const void *), const void *arg)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(child(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static inline pid_t ompk_test_fork_output(const char *out, const char *err)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600),
		    e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
	}
	return pid;
}

#define OMPK_TEST_CASE(name, fn, arg)                   \
	{                                               \
		(name), (fn), NULL, NULL, (void *)(arg) \
	}

#define ompk_test_has(s, ...) \
	ompk_test_has_((s), (const char *const[]){ __VA_ARGS__, NULL }, __FILE__, __LINE__)

static inline void ompk_test_has_(const char *s, const char *const *want, const char *file,
				  int line)
{
	for (; *want; want++) {
		if (!strstr(s, *want)) {
			print_error("'%s' not found in:\n%s\n", *want, s);
			_fail(file, line);
		}
	}
}

#endif
