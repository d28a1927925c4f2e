/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* main.c - command line -> one of the modes (modes.h) -> exit code.  Nothing else. */
#include <signal.h>
#include <stdio.h>
#include <linux/types.h>

#include "check.h"
#include "cli.h"
#include "evidence.h"
#include "log.h"
#include "modes.h"
#include "output.h"
#include "pcg_abi.h"
#include "timeline_io.h"

#ifndef PCG_VERSION
#define PCG_VERSION "0.0.0"
#endif

int main(int argc, char **argv)
{
	struct pcg_opts o = { 0 };
	const char *reason;
	int ret;

	if (pcg_cli_parse(argc, argv, &o, &reason)) {
		fprintf(stderr, "podcg-trace: %s\nTry 'podcg-trace --help'.\n", reason);
		return PCG_EXIT_USAGE;
	}
	if (o.help) {
		fputs(pcg_cli_usage(), stdout);
		return PCG_EXIT_OK;
	}
	if (o.version) {
		printf("podcg-trace %s (event ABI %d)\n", PCG_VERSION, PCG_ABI_VERSION);
		return PCG_EXIT_OK;
	}
	pcg_log_verbose = o.verbose;
	pcg_output_buffer();
	/* a reader that goes away is EPIPE from write(), not a signal that kills */
	signal(SIGPIPE, SIG_IGN);
	if (o.check)
		return pcg_check_run(&o);
	if (o.check_health)
		return pcg_health_check_run(&o);
	if (o.snapshot)
		ret = pcg_snapshot_run(&o);
	else
		ret = o.read ? pcg_replay_run(&o) : pcg_live_run(&o);
	ret = pcg_timeline_io_finish(&o, ret); /* --timeline-svg is written at the end */
	pcg_evidence_print();		       /* the files -w wrote: size, events, SHA-256 */
	return ret;
}
