/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* clock.h - the clocks of the live side (impure): every record's ts is CLOCK_BOOTTIME. */
#ifndef __PCG_CLOCK_H
#define __PCG_CLOCK_H

#include <linux/types.h>

/* CLOCK_BOOTTIME in ns, the clock of every record's ts. */
__u64 pcg_boottime_ns(void);
/* CLOCK_REALTIME - CLOCK_BOOTTIME in ns, sampled tightly. */
__s64 pcg_boot_to_realtime_ns(void);

#endif /* __PCG_CLOCK_H */
