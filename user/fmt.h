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
#include <stddef.h>

#define PCG_JSON_SCHEMA 1

/* container_existing lists at most this many pids and processes (the lowest pids); past it
 * the line says "pids_truncated":true and "pids_total", so a line stays bounded. */
#define PCG_FMT_MAX_PIDS 4096

struct pcg_sbuf;
struct pcg_out;

struct pcg_fmt_opts {
	bool json;
	const char *node; /* the node's name: JSON "node" key (none if NULL) */
	bool node_column; /* text: a NODE column (several nodes merged) */
	bool snapshot;	  /* text: container_existing as a --snapshot block (pcg_fmt_snapshot_*) */
	__s64 boot_to_realtime_ns; /* wall clock = CLOCK_BOOTTIME + this */
};

/* Appends one line, '\n' included. */
void pcg_fmt_record(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts,
		    const struct pcg_out *out);
/* The column header of the text format ('\n' included); nothing for JSON. */
void pcg_fmt_header(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts);
/* RFC 3339 UTC with nanoseconds: 2026-11-27T07:31:02.123456789Z */
void pcg_fmt_rfc3339(struct pcg_sbuf *sb, __s64 realtime_ns);

/* --snapshot's text layout (fmt_snapshot.c), grouped by pod like lsns groups by namespace:
 *
 *	pcg_fmt_snapshot_title()	one line: node, time, how many pods, containers, processes
 *	per pod:  pcg_fmt_snapshot_pod()	"POD uid qos driver cgroup=..." (from any of its
 *						containers' records)
 *	per container of it:  pcg_fmt_snapshot_container()  "  CONTAINER id runtime cgroup=...",
 *						a column header, then one line per process: PID
 *						PPID NSPID UID COMM, the eight namespace inodes,
 *						COMMAND (the command line, escaped)
 *
 * Each appends whole lines, '\n' included; untrusted strings are escaped as in the text
 * format.  pcg_fmt_record() with opts->snapshot (text) formats a container_existing as
 * pcg_fmt_snapshot_container() does. */
void pcg_fmt_snapshot_title(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts, __u64 ts,
			    unsigned long nr_pods, unsigned long nr_containers,
			    unsigned long nr_procs);
void pcg_fmt_snapshot_pod(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts,
			  const struct pcg_out *out);
void pcg_fmt_snapshot_container(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts,
				const struct pcg_out *out);
/* The command line @args (@len bytes of NUL-separated arguments) for a terminal: arguments
 * joined by spaces, each escaped (pcg_sbuf_add_safe). */
void pcg_fmt_cmdline_text(struct pcg_sbuf *sb, const char *args, size_t len);

#endif /* __PCG_FMT_H */
