/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* clock.c - the clocks of the live side. */
#include <time.h>

#include "clock.h"

__u64 pcg_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

__s64 pcg_boot_to_realtime_ns(void)
{
	__s64 best = 0, best_gap = -1;

	/* take the tightest of a few samples */
	for (int i = 0; i < 5; i++) {
		struct timespec a, r, b;
		__s64 an, rn, bn;

		clock_gettime(CLOCK_BOOTTIME, &a);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_BOOTTIME, &b);
		an = a.tv_sec * 1000000000ll + a.tv_nsec;
		bn = b.tv_sec * 1000000000ll + b.tv_nsec;
		rn = r.tv_sec * 1000000000ll + r.tv_nsec;
		if (best_gap < 0 || bn - an < best_gap) {
			best_gap = bn - an;
			best = rn - (an + (bn - an) / 2);
		}
	}
	return best;
}
