/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* pollfloor.c - the bench's "floor" tracer: a reader that does nothing but wake up every
 * PERIOD ms (epoll_wait with a timeout, as podcg-trace's loop does while events flow) until
 * SIGINT or SIGTERM.  Its CPU time during a workload is what a reader pays on this machine
 * only to look every PERIOD ms, before it reads or writes anything: podcg-trace looks every
 * 1 ms while cgroup events flow (the 2 ms latency target of container lines needs that) and
 * every 20 ms while only process records do (--all).
 *
 *   pollfloor -p PERIOD_MS
 *
 * At exit it prints "turns=N" (the wakeups) on stdout. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned long long turns = 0;
	int period = 1, ep, sfd, c;
	sigset_t mask;

	while ((c = getopt(argc, argv, "p:")) != -1) {
		if (c != 'p' || (period = atoi(optarg)) <= 0) {
			fprintf(stderr, "usage: pollfloor -p PERIOD_MS\n");
			return 2;
		}
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) || (sfd = signalfd(-1, &mask, 0)) < 0 ||
	    (ep = epoll_create1(0)) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev)) {
		perror("pollfloor");
		return 1;
	}
	for (;;) {
		int n = epoll_wait(ep, &ev, 1, period);

		if (n > 0)
			break; /* a signal */
		turns++;
	}
	printf("turns=%llu\n", turns);
	return 0;
}
