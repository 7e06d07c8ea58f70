/*
 * main.c - the entry point of every bin/<kernel>: the Makefile compiles
 * this file once per kernel with -DOMPK_KERNEL=ompk_kernel_<name>, and
 * once more with -DOMPK_MPI for bin/<kernel>-mpi.
 */
#include "ompkit/driver.h"
#include "ompkit/mpi_driver.h"

#ifndef OMPK_KERNEL
#error "build with -DOMPK_KERNEL=ompk_kernel_<name>"
#endif

extern const struct ompk_kernel OMPK_KERNEL;

int main(int argc, char **argv)
{
#ifdef OMPK_MPI
	return ompk_mpi_driver_main(&OMPK_KERNEL, argc, argv);
#else
	return ompk_driver_main(&OMPK_KERNEL, argc, argv);
#endif
}
