/*
 * build.h - what built this binary and which OpenMP runtime it runs on,
 * for --version and the `build` object of every report.
 */
#ifndef OMPKIT_BUILD_H
#define OMPKIT_BUILD_H

#define OMPK_VERSION "0.1.0"

/* "gcc 12.2.0": the compiler and its version, as one string. */
const char *ompk_build_compiler(void);
/* "gcc" or "clang" ("unknown" otherwise), and its version alone ("12.2.0"). */
const char *ompk_build_compiler_name(void);
const char *ompk_build_compiler_version(void);
/* The flags the build used (the user's CFLAGS and what the code needs). */
const char *ompk_build_flags(void);
/* _OPENMP of the compiler: the date of the OpenMP specification it implements. */
long ompk_build_openmp(void);
/*
 * The OpenMP runtime this process runs on, found by asking the dynamic
 * linker which library defines omp_get_num_threads: "libgomp" (GCC's),
 * "LLVM libomp" (clang's), "Intel libiomp5", or "unknown" when it cannot
 * tell (a static link). ompk_build_openmp_library() is that library's
 * resolved file name (its version is in the name: libgomp.so.1.0.0), or
 * NULL when unknown.
 */
const char *ompk_build_openmp_runtime(void);
const char *ompk_build_openmp_library(void);

#endif
