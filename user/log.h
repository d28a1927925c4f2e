/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* log.h - one-line messages to stderr.  Only main, loader, recio and scan log; pure modules
 * return errors instead.  Messages are lowercase, say what failed first and quote the subject. */
#ifndef __PCG_LOG_H
#define __PCG_LOG_H

extern int pcg_log_verbose;

void pcg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pcg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pcg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pcg_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* __PCG_LOG_H */
