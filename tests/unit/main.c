/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* main.c - runs the unit tests registered with PCG_TEST() and prints TAP-like lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static struct pcg_test *tests_head, **tests_tail = &tests_head;
static int cur_failed, cur_skipped;

void pcg_test__register(struct pcg_test *t)
{
	*tests_tail = t;
	tests_tail = &t->next;
}

void pcg_test__fail(void)
{
	cur_failed = 1;
}

void pcg_test__skip(const char *why)
{
	fprintf(stderr, "skipped: %s\n", why);
	cur_skipped = 1;
}

static int selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strncmp(name, argv[i], strlen(argv[i])) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (struct pcg_test *t = tests_head; t; t = t->next) {
		if (!selected(t->name, argc, argv))
			continue;
		cur_failed = cur_skipped = 0;
		t->fn();
		if (cur_failed) {
			printf("not ok %s\n", t->name);
			failed++;
		} else if (cur_skipped) {
			printf("skip %s\n", t->name);
			skipped++;
		} else {
			printf("ok %s\n", t->name);
			passed++;
		}
	}
	printf("unit: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
