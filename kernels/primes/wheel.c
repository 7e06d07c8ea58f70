/*
 * wheel.c - the mod-30 wheel's tables, shared by the segmented sieve's
 * crossing-off loops (fast.c for small and medium primes, bucket.c for
 * large ones) and kept apart so that both call down into this file and
 * never into each other. The macros that build them are in sieve_int.h,
 * where fast.c's unrolled loops use them as constants.
 */
#include "sieve_int.h"

const uint8_t sieve_wheel[8] = { 1, 7, 11, 13, 17, 19, 23, 29 };

/* sieve_wheel[i+1] - sieve_wheel[i], with sieve_wheel[8] = 31 (the next turn's 1). */
const uint8_t sieve_dq[8] = { 6, 4, 2, 4, 2, 4, 6, 2 };

#define MASK_ROW(r)                                                                        \
	{                                                                                  \
		MK(r, 1), MK(r, 7), MK(r, 11), MK(r, 13), MK(r, 17), MK(r, 19), MK(r, 23), \
			MK(r, 29)                                                          \
	}
#define DC_ROW(r)                                                                       \
	{                                                                               \
		DC(r, 1, 7), DC(r, 7, 11), DC(r, 11, 13), DC(r, 13, 17), DC(r, 17, 19), \
			DC(r, 19, 23), DC(r, 23, 29), DC(r, 29, 31)                     \
	}

const uint8_t sieve_masks[8][8] = { MASK_ROW(1),  MASK_ROW(7),	MASK_ROW(11), MASK_ROW(13),
				    MASK_ROW(17), MASK_ROW(19), MASK_ROW(23), MASK_ROW(29) };
const uint8_t sieve_dcs[8][8] = { DC_ROW(1),  DC_ROW(7),  DC_ROW(11), DC_ROW(13),
				  DC_ROW(17), DC_ROW(19), DC_ROW(23), DC_ROW(29) };

#define STEP(r, ri, wi, w, wn, d)                                  \
	{                                                          \
		MK(r, w), d, DC(r, w, wn), (ri)*8 + ((wi) + 1) % 8 \
	}
#define STEP_ROW(r, ri)                                                                          \
	STEP(r, ri, 0, 1, 7, 6), STEP(r, ri, 1, 7, 11, 4), STEP(r, ri, 2, 11, 13, 2),            \
		STEP(r, ri, 3, 13, 17, 4), STEP(r, ri, 4, 17, 19, 2), STEP(r, ri, 5, 19, 23, 4), \
		STEP(r, ri, 6, 23, 29, 6), STEP(r, ri, 7, 29, 31, 2)

const struct sieve_step sieve_steps[64] = { STEP_ROW(1, 0),  STEP_ROW(7, 1),  STEP_ROW(11, 2),
					    STEP_ROW(13, 3), STEP_ROW(17, 4), STEP_ROW(19, 5),
					    STEP_ROW(23, 6), STEP_ROW(29, 7) };

/* r * w / 30 for r = wheel[ri], w = wheel[wi], at ri * 8 + wi: the byte of p*k past p*j + q*w. */
#define RW_ROW(r)                                                                                  \
	(r) * 1 / 30, (r)*7 / 30, (r)*11 / 30, (r)*13 / 30, (r)*17 / 30, (r)*19 / 30, (r)*23 / 30, \
		(r)*29 / 30
const uint8_t sieve_rw30[64] = { RW_ROW(1),  RW_ROW(7),	 RW_ROW(11), RW_ROW(13),
				 RW_ROW(17), RW_ROW(19), RW_ROW(23), RW_ROW(29) };
