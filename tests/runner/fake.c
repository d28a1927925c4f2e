/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fake.c - the runner's test (tests/cli/t_runner.sh) builds this twice, plain and with
 * ASan/UBSan, for fake tests that print "ok" and then fail in a way the runner must catch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 100 blocks whose only pointers are hidden (xor'd): LSan scans conservatively, so one stale
 * copy left on the stack would hide a single block, never all of them. */
static volatile unsigned long hidden;
static __attribute__((noinline)) void leak(void)
{
	for (int i = 0; i < 100; i++) {
		char *p = malloc(64);

		memset(p, i, 64);
		hidden ^= (unsigned long)p ^ ~0UL;
	}
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	volatile int big = 0x7fffffff;
	char *p;

	printf("ok fake_%s_before_failing\n", what);
	fflush(stdout);
	if (!strcmp(what, "segv")) /* plain build: a real SIGSEGV */
		return *(volatile int *)(unsigned long)(argc - 2);
	if (!strcmp(what, "asan")) { /* heap overflow */
		p = malloc(8);
		p[argc + 6] = 1;
		free(p);
	}
	if (!strcmp(what, "ubsan")) /* signed overflow */
		big += argc;
	if (!strcmp(what, "leak")) /* LeakSanitizer at exit */
		leak();
	return 0;
}
