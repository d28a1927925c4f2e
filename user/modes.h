/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* modes.h - what main() can run: each mode takes the parsed command line and returns the
 * process's exit code.  One file per mode: live.c (trace, optionally recording), replay.c,
 * snapshot.c. */
#ifndef __PCG_MODES_H
#define __PCG_MODES_H

struct pcg_opts;

enum pcg_exit {
	PCG_EXIT_OK = 0,    /* done */
	PCG_EXIT_FAIL = 1,  /* a runtime failure, said on stderr */
	PCG_EXIT_USAGE = 2, /* a bad command line */
};

/* Attach, trace until a signal or --duration, optionally record (-w). */
int pcg_live_run(const struct pcg_opts *o);
/* Replay recordings (-r) through the same pipeline; several are merged by time. */
int pcg_replay_run(const struct pcg_opts *o);
/* --snapshot: the pods, containers and processes that exist now (or, with -r, that a
 * recording started with), through the same pipeline, then exit; nothing attached in the
 * kernel.  With -w it also records them. */
int pcg_snapshot_run(const struct pcg_opts *o);
/* --check-health: exit 0 if the --health-file is fresh (health.c). */
int pcg_health_check_run(const struct pcg_opts *o);

#endif /* __PCG_MODES_H */
