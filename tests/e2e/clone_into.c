/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* clone_into.c - e2e helper: clone3(CLONE_INTO_CGROUP) a child straight into a cgroup2
 * directory (no cgroup_attach_task event), which execs PROG.  Prints "pid=<child pid>" before
 * the child execs (it waits on a pipe for that), then waits for it and exits with its code.
 *
 *   clone_into CGROUP2_DIR PROG [ARGS...]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

int main(int argc, char **argv)
{
	struct clone_args ca;
	int cg, p[2], st;
	pid_t pid;
	char c;

	if (argc < 3) {
		fprintf(stderr, "usage: clone_into CGROUP2_DIR PROG [ARGS...]\n");
		return 2;
	}
	cg = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0 || pipe(p)) {
		perror(argv[1]);
		return 1;
	}
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_INTO_CGROUP;
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (uint64_t)cg;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		perror("clone3(CLONE_INTO_CGROUP)");
		return 1;
	}
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) < 0)
			_exit(126);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	close(p[0]);
	printf("pid=%d\n", pid);
	fflush(stdout);
	close(p[1]);
	if (waitpid(pid, &st, 0) != pid)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
