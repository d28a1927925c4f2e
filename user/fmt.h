/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fmt.h - output records -> text lines or JSON Lines (pure).
 *
 * JSON is the stable contract (schema PCG_JSON_SCHEMA, documented in README.md): one object
 * per line, keys only ever added.  Text is for a person watching pods start; every untrusted
 * string is escaped so no terminal control byte reaches the screen.
 */
#ifndef __PCG_FMT_H
#define __PCG_FMT_H

#include <linux/types.h>
#include <stdbool.h>

#define PCG_JSON_SCHEMA 1

/* container_existing lists at most this many pids (the lowest); past it the line says
 * "pids_truncated":true and "pids_total", so a line stays far below the output line cap. */
#define PCG_FMT_MAX_PIDS 4096

struct pcg_sbuf;
struct pcg_out;

struct pcg_fmt_opts {
	bool json;
	const char *node;	   /* the node's name: JSON "node" key (none if NULL) */
	bool node_column;	   /* text: a NODE column (several nodes merged) */
	__s64 boot_to_realtime_ns; /* wall clock = CLOCK_BOOTTIME + this */
};

/* Appends one line, '\n' included. */
void pcg_fmt_record(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts,
		    const struct pcg_out *out);
/* The column header of the text format ('\n' included); nothing for JSON. */
void pcg_fmt_header(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts);
/* RFC 3339 UTC with nanoseconds: 2026-11-27T07:31:02.123456789Z */
void pcg_fmt_rfc3339(struct pcg_sbuf *sb, __s64 realtime_ns);

#endif /* __PCG_FMT_H */
