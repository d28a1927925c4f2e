/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* health.h - --health-file (touched by the live loop) and --check-health (the probe). */
#ifndef __PCG_HEALTH_H
#define __PCG_HEALTH_H

/* The live loop touches the file every second; older than this, the tracer is stalled. */
#define PCG_HEALTH_MAX_AGE_S 10

/* Creates (0644, never through a symlink) or opens @path and touches it: an fd or -errno. */
int pcg_health_open(const char *path);
/* Sets the file's times to now (fd < 0: nothing).  0 or -errno. */
int pcg_health_touch(int fd);

#endif /* __PCG_HEALTH_H */
