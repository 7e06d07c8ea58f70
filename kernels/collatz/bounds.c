/*
 * bounds.c - the bound table of the fast Collatz search's cut-off (see
 * cut_level() in fast.c): for every value v up to 10^12 a number that is
 * at least steps(v), from the published delay records. Apart from the scan
 * because it is data, read once per call.
 *
 * A start r is a delay record when steps(r) > steps(m) for every m < r
 * (OEIS A006877; their counts are A006878). So the largest count over 1 <=
 * m <= x is the count of the largest record <= x, and a list of all records
 * up to X gives the exact prefix maximum for every x <= X. The list below
 * holds every term of A006877 up to 10^12 (the next term, 1122382791663, is
 * above it); the counts are not copied but computed here with
 * ompk_collatz_steps. tests/test_collatz.c checks the list against a
 * record search of its own below 2^22 and the counts against A284668 at
 * each 10^k.
 */
#include "ompkit/collatz.h"

#include "fast_int.h"

/* OEIS A006877, every term <= RECORDS_UPTO. */
static const uint64_t records[] = {
	1,
	2,
	3,
	6,
	7,
	9,
	18,
	25,
	27,
	54,
	73,
	97,
	129,
	171,
	231,
	313,
	327,
	649,
	703,
	871,
	1161,
	2223,
	2463,
	2919,
	3711,
	6171,
	10971,
	13255,
	17647,
	23529,
	26623,
	34239,
	35655,
	52527,
	77031,
	106239,
	142587,
	156159,
	216367,
	230631,
	410011,
	511935,
	626331,
	837799,
	1117065,
	1501353,
	1723519,
	2298025,
	3064033,
	3542887,
	3732423,
	5649499,
	6649279,
	8400511,
	11200681,
	14934241,
	15733191,
	31466382,
	36791535,
	63728127,
	127456254,
	169941673,
	226588897,
	268549803,
	537099606,
	670617279,
	1341234558,
	1412987847,
	1674652263,
	2610744987,
	4578853915,
	4890328815,
	9780657630,
	12212032815,
	12235060455,
	13371194527,
	17828259369,
	31694683323,
	63389366646,
	75128138247,
	133561134663,
	158294678119,
	166763117679,
	202485402111,
	404970804222,
	426635908975,
	568847878633,
	674190078379,
	881715740415,
	989345275647,
};

#define RECORDS_UPTO UINT64_C(1000000000000)

const uint64_t *ompk_collatz_records(size_t *count, uint64_t *upto)
{
	*count = sizeof(records) / sizeof(records[0]);
	*upto = RECORDS_UPTO;
	return records;
}

/*
 * bound[BSUB bl + q] for every bucket [(BSUB + q) 2^(bl-BSHIFT-1),
 * (BSUB + q + 1) 2^(bl-BSHIFT-1)) of values of bit length bl: the count of
 * the largest record below the bucket's end E, that is the most steps of
 * any m < E, when every m < E is covered by the list (E - 1 <=
 * RECORDS_UPTO); NO_BOUND otherwise. Returns 0 or -EOVERFLOW (never, for
 * these records).
 */
int ompk_collatz_bounds(struct tabs *t)
{
	size_t nr = sizeof(records) / sizeof(records[0]), r = 0;
	uint64_t best = 0;

	for (unsigned bl = 0; bl <= 64; bl++) {
		for (unsigned q = 0; q < BSUB; q++) {
			unsigned sh = bl > BSHIFT ? bl - BSHIFT - 1 : 0;
			u128 end = (u128)(BSUB + q + 1) << sh;

			t->bound[BSUB * bl + q] = NO_BOUND;
			if (bl <= BSHIFT || end - 1 > RECORDS_UPTO)
				continue;
			for (; r < nr && records[r] < end; r++) {
				int err = ompk_collatz_steps(records[r], &best);

				if (err)
					return err;
			}
			t->bound[BSUB * bl + q] = (uint16_t)best;
		}
	}
	return 0;
}
