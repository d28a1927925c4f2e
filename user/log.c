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

void pcg_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void pcg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void pcg_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void pcg_dbg(const char *fmt, ...)
{
	va_list ap;

	if (!pcg_log_verbose)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap);
	va_end(ap);
}
