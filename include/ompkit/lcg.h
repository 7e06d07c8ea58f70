/*
 * lcg.h - the 64-bit linear congruential generator the lcg kernel mixes
 * with, and its O(log n) jump-ahead.
 *
 * x' = A*x + C mod 2^64 with Knuth's MMIX constants (the tutorial's).
 */
#ifndef OMPKIT_LCG_H
#define OMPKIT_LCG_H

#include <stdint.h>

#define OMPK_LCG_A UINT64_C(6364136223846793005)
#define OMPK_LCG_C UINT64_C(1442695040888963407)

/* x after n steps of x = a*x + c (mod 2^64), in O(log n) multiplications. */
uint64_t ompk_lcg_jump(uint64_t x, uint64_t n, uint64_t a, uint64_t c);

/* The same, by the closed form a^n*x + c*(a^n-1)/(a-1) (a second method, to verify). */
uint64_t ompk_lcg_closed_form(uint64_t x, uint64_t n, uint64_t a, uint64_t c);

#endif
