/*
 * oracle.h - independent methods used to verify kernel results: each
 * computes the same answer as a kernel by a different algorithm.
 */
#ifndef OMPKIT_ORACLE_H
#define OMPKIT_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deterministic Miller-Rabin for all 64-bit n (bases 2..37). */
bool ompk_is_prime_mr(uint64_t n);

/*
 * Primes in [from, to) by a segmented sieve of Eratosthenes. For to above
 * 2^40 (where the base sieve would be large) it tests each number with
 * Miller-Rabin instead. Returns 0 or -ENOMEM.
 */
int ompk_oracle_prime_count(uint64_t from, uint64_t to, uint64_t *count);

/* sum of x*x for x in [from, to), mod 2^64, by the closed form. */
uint64_t ompk_oracle_sumsq_range(uint64_t from, uint64_t to);

/* The byte fold of n copies of byte b, by a geometric series in O(log n). */
uint64_t ompk_oracle_fold_uniform(uint8_t b, uint64_t n);

/*
 * The n in [from, to) with the most Collatz steps (ties: smallest n), by
 * an odd-step shortcut with a table of small values and 128-bit
 * arithmetic past 2^64. Returns 0, -EINVAL (from == 0 or from >= to),
 * -ENOMEM, or -EOVERFLOW when a value outgrows 128 bits.
 */
int ompk_oracle_collatz(uint64_t from, uint64_t to, uint64_t *n, uint64_t *steps);

/* steps(ns[i]) for each i, by the same route. 0, -EINVAL (a 0), -ENOMEM, -EOVERFLOW. */
int ompk_oracle_collatz_points(const uint64_t *ns, size_t count, uint64_t *steps);

#endif
