/*
 * build.c - the build facts every binary reports (see build.h).
 *
 * The compiler and flags are fixed at compile time (the Makefile passes
 * OMPK_CFLAGS to this file). The OpenMP runtime is not: a binary built by
 * gcc may be run with another libgomp, and clang may link libomp or
 * libgomp, so the runtime is found at run time from the library that
 * actually defines the OpenMP entry points, not guessed from the compiler.
 */
#include <dlfcn.h>
#include <limits.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "ompkit/build.h"

#ifndef OMPK_CFLAGS
#define OMPK_CFLAGS "unknown"
#endif

/* clang's __clang_version__ ends with a space (and may carry a build note): use the numbers. */
#define STR2(x) #x
#define STR(x) STR2(x)
#if defined(__clang__)
#define CLANG_VERSION STR(__clang_major__) "." STR(__clang_minor__) "." STR(__clang_patchlevel__)
#endif

const char *ompk_build_compiler(void)
{
#if defined(__clang__)
	return "clang " CLANG_VERSION;
#elif defined(__GNUC__)
	return "gcc " __VERSION__;
#else
	return "unknown";
#endif
}

const char *ompk_build_compiler_name(void)
{
#if defined(__clang__)
	return "clang";
#elif defined(__GNUC__)
	return "gcc";
#else
	return "unknown";
#endif
}

const char *ompk_build_compiler_version(void)
{
#if defined(__clang__)
	return CLANG_VERSION;
#elif defined(__GNUC__)
	return __VERSION__;
#else
	return "unknown";
#endif
}

const char *ompk_build_flags(void)
{
	return OMPK_CFLAGS;
}

long ompk_build_openmp(void)
{
	return _OPENMP;
}

/* The resolved path of the library defining omp_get_num_threads, or NULL. */
static const char *runtime_path(void)
{
	static char path[PATH_MAX];
	static int looked;
	Dl_info info;

	if (looked)
		return path[0] ? path : NULL;
	looked = 1;
	if (!dladdr((void *)omp_get_num_threads, &info) || !info.dli_fname)
		return NULL;
	if (!realpath(info.dli_fname, path)) {
		strncpy(path, info.dli_fname, sizeof(path) - 1);
		path[sizeof(path) - 1] = '\0';
	}
	return path;
}

const char *ompk_build_openmp_library(void)
{
	const char *p = runtime_path();

	/* The main program itself: the runtime is linked in statically. */
	return p && strstr(p, ".so") ? p : NULL;
}

const char *ompk_build_openmp_runtime(void)
{
	const char *p = ompk_build_openmp_library(), *base;

	if (!p)
		return "unknown";
	base = strrchr(p, '/');
	base = base ? base + 1 : p;
	if (strncmp(base, "libgomp", 7) == 0)
		return "libgomp";
	if (strncmp(base, "libomp", 6) == 0)
		return "LLVM libomp";
	if (strncmp(base, "libiomp", 7) == 0)
		return "Intel libiomp5";
	return "unknown";
}
