/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cli.h - command line -> struct pcg_opts (pure: never prints, never exits). */
#ifndef __PCG_CLI_H
#define __PCG_CLI_H

#include <stdbool.h>

#define PCG_CLI_MAX_READS 256 /* -r given this many times at most */

struct pcg_opts {
	bool json;
	bool all;      /* --all: no kubepods filter */
	bool all_hier; /* --all-hierarchies: report every v1 hierarchy, not one */
	bool quiet;    /* -q: no live output (with -w) */
	bool force;    /* --force: -w may overwrite a regular file */
	bool help;
	bool version;
	bool snapshot; /* --snapshot: what exists now, then exit (with -r: the recording's start) */
	int verbose;   /* -v, -vv */
	const char *pod;		      /* --pod UID or name */
	const char *container;		      /* --container ID-prefix or name */
	const char *pod_namespace;	      /* --namespace NS */
	const char *host_root;		      /* --host-root DIR: the host's files (default "/") */
	double duration;		      /* --duration SEC, 0 = until a signal */
	const char *write;		      /* -w FILE ("-" = stdout) */
	const char *read;		      /* the first -r FILE ("-" = stdin), NULL if none */
	const char *reads[PCG_CLI_MAX_READS]; /* every -r, in order */
	unsigned nr_reads;
	const char *node;	  /* --node NAME: the node's name in the recording and output */
	const char *health_file;  /* --health-file PATH: touched every second while healthy */
	const char *check_health; /* --check-health PATH: exit 0 if PATH is fresh */
	unsigned long long rotate_bytes; /* -C: bytes (tcpdump: millions, or k/m/g) */
	unsigned rotate_count;		 /* -W N */
	unsigned ringbuf_mb;		 /* --ringbuf-mb, default 8 */
	bool check;			 /* --check: can this node be traced? (check.c) */
	bool timeline;			 /* --timeline: pod start-up timelines (timeline.c) */
	const char *timeline_svg;	 /* --timeline-svg FILE (implies --timeline) */
};

/* Parses argv.  Returns 0, or -EINVAL with *ret_reason set to a static message naming the
 * problem (usage error, exit code 2).  Uses getopt_long, so it is not reentrant. */
int pcg_cli_parse(int argc, char **argv, struct pcg_opts *ret, const char **ret_reason);

/* The --help text. */
const char *pcg_cli_usage(void);

#endif /* __PCG_CLI_H */
