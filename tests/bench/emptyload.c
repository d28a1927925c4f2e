/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* emptyload.c - loads and attaches the programs of a BPF object (the bench's emptyprog.bpf.o),
 * says "emptyload: attached" on stderr, and holds them until SIGINT or SIGTERM.
 *
 *   emptyload OBJECT */
#include <signal.h>
#include <stdio.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	sigset_t mask;
	int sig;

	if (argc != 2) {
		fprintf(stderr, "usage: emptyload OBJECT\n");
		return 2;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "emptyload: cannot load '%s'\n", argv[1]);
		return 1;
	}
	for (p = bpf_object__next_program(obj, NULL); p; p = bpf_object__next_program(obj, p)) {
		if (!bpf_program__attach(p)) {
			fprintf(stderr, "emptyload: cannot attach %s\n", bpf_program__name(p));
			return 1;
		}
	}
	fprintf(stderr, "emptyload: attached\n");
	sigwait(&mask, &sig);
	bpf_object__close(obj);
	return 0;
}
