/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* log.c - one-line messages to stderr. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

int pcg_log_verbose;

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "podcg-trace: %s%s\n", level, buf);
}

#define PCG_LOG_FN(name, level, cond)   \
	void name(const char *fmt, ...) \
	{                               \
		va_list ap;             \
                                        \
		if (!(cond))            \
			return;         \
		va_start(ap, fmt);      \
		vlog(level, fmt, ap);   \
		va_end(ap);             \
	}

PCG_LOG_FN(pcg_err, "error: ", 1)
PCG_LOG_FN(pcg_warn, "warning: ", 1)
PCG_LOG_FN(pcg_info, "", 1)
PCG_LOG_FN(pcg_dbg, "debug: ", pcg_log_verbose)
