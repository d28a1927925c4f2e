/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* health.c - a liveness signal for a DaemonSet: the live loop touches a file every second
 * while it reads events and writes its output (--health-file); --check-health says whether
 * that file is fresh.  A FROM-scratch image has no shell, so the probe is the binary itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "health.h"
#include "log.h"
#include "modes.h"

int pcg_health_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);

	if (fd < 0)
		return -errno;
	if (futimens(fd, NULL)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int pcg_health_touch(int fd)
{
	return fd < 0 || !futimens(fd, NULL) ? 0 : -errno;
}

int pcg_health_check_run(const struct pcg_opts *o)
{
	struct timespec now;
	struct stat st;
	double age;

	if (stat(o->check_health, &st)) {
		pcg_err("unhealthy: cannot stat '%s': %s", o->check_health, strerror(errno));
		return PCG_EXIT_FAIL;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	age = (now.tv_sec - st.st_mtim.tv_sec) + (now.tv_nsec - st.st_mtim.tv_nsec) / 1e9;
	if (age > PCG_HEALTH_MAX_AGE_S) {
		pcg_err("unhealthy: '%s' was last touched %.1f s ago (more than %d s)",
			o->check_health, age, PCG_HEALTH_MAX_AGE_S);
		return PCG_EXIT_FAIL;
	}
	return PCG_EXIT_OK;
}
