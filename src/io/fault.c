/*
 * fault.c - the loader's test-only fault injection: which read a fault
 * hits and what it does there (see loader_fault.h). The bottom of the
 * loader: calls nothing of it. The backends ask it at each read.
 */
#include <errno.h>

#include "loader_fault.h"

bool ompk__fault_is(const struct ompk_fault *f, enum ompk_fault_kind k)
{
	return f && f->kind == k;
}

bool ompk__fault(const struct ompk_fault *f, enum ompk_fault_kind k, uint64_t n)
{
	if (!ompk__fault_is(f, k) || n < f->nth)
		return false;
	return n - f->nth < (f->count ? f->count : 1);
}

void ompk__fault_hit(struct ompk_fault *f)
{
	__atomic_add_fetch(&f->hits, 1, __ATOMIC_RELAXED);
}

/* splitmix64's finaliser: a well-mixed draw from a seed and a read number. */
static uint64_t draw(uint64_t seed, uint64_t n)
{
	uint64_t z = seed + n * UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

size_t ompk__fault_short(struct ompk_fault *f, uint64_t n, size_t len)
{
	uint64_t d;

	if (len < 2 || !ompk__fault(f, OMPK_FAULT_SHORT, n))
		return len;
	if (!f->seed) {
		ompk__fault_hit(f);
		return len / 2;
	}
	d = draw(f->seed, n);
	if (d & 1)
		return len; /* this one is whole */
	ompk__fault_hit(f);
	return 1 + (size_t)((d >> 1) % (len - 1));
}

int ompk__fault_error(struct ompk_fault *f, uint64_t n)
{
	static const struct {
		enum ompk_fault_kind kind;
		int err;
	} as_error[] = { { OMPK_FAULT_EIO, EIO },
			 { OMPK_FAULT_EINTR, EINTR },
			 { OMPK_FAULT_EAGAIN, EAGAIN } };

	for (size_t i = 0; f && i < sizeof(as_error) / sizeof(as_error[0]); i++) {
		if (ompk__fault(f, as_error[i].kind, n)) {
			ompk__fault_hit(f);
			return as_error[i].err;
		}
	}
	return 0;
}
