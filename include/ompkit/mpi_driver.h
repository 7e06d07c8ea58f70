/*
 * mpi_driver.h - the command-line tool of every bin/<kernel>-mpi: the
 * shared driver's options, measurement, verification and report, with
 * the job split over the ranks of MPI_COMM_WORLD (OpenMP inside each).
 * Built only with `make MPI=1`; nothing else in ompkit depends on MPI.
 */
#ifndef OMPKIT_MPI_DRIVER_H
#define OMPKIT_MPI_DRIVER_H

#include "ompkit/kernel.h"

/* Initialises and finalises MPI itself. Returns the exit code. */
int ompk_mpi_driver_main(const struct ompk_kernel *k, int argc, char **argv);

#endif
