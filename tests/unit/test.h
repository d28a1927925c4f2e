/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test.h - a tiny unit-test harness in the style of the kernel's test_progs.
 *
 * A test is a function declared with PCG_TEST(name); it registers itself at load time.
 * ASSERT_* macros print the actual and expected values, mark the running test failed and
 * return false, so a test can stop early with `if (!ASSERT_...) return;`.
 * tests/unit/main.c runs every registered test (or those named on the command line) and
 * prints one line per test: "ok NAME", "not ok NAME" or "skip NAME", then "N passed, N failed".
 */
#ifndef __PCG_TEST_H
#define __PCG_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct pcg_test {
	const char *name;
	void (*fn)(void);
	struct pcg_test *next;
};

void pcg_test__register(struct pcg_test *t);
void pcg_test__fail(void);
void pcg_test__skip(const char *why);

#define PCG_TEST(name)                                                         \
	static void test_##name(void);                                         \
	static struct pcg_test test_reg_##name = { #name, test_##name, NULL }; \
	__attribute__((constructor)) static void test_ctor_##name(void)        \
	{                                                                      \
		pcg_test__register(&test_reg_##name);                          \
	}                                                                      \
	static void test_##name(void)

#define ASSERT_TRUE(cond, what)                                                               \
	({                                                                                    \
		bool ___ok = (cond);                                                          \
		if (!___ok) {                                                                 \
			fprintf(stderr, "%s:%d: %s: expected true: %s\n", __FILE__, __LINE__, \
				(what), #cond);                                               \
			pcg_test__fail();                                                     \
		}                                                                             \
		___ok;                                                                        \
	})

#define ASSERT_EQ(actual, expected, what)                                                       \
	({                                                                                      \
		long long ___a = (long long)(actual), ___e = (long long)(expected);             \
		bool ___ok = ___a == ___e;                                                      \
		if (!___ok) {                                                                   \
			fprintf(stderr, "%s:%d: unexpected %s: actual %lld != expected %lld\n", \
				__FILE__, __LINE__, (what), ___a, ___e);                        \
			pcg_test__fail();                                                       \
		}                                                                               \
		___ok;                                                                          \
	})

#define ASSERT_STREQ(actual, expected, what)                                                    \
	({                                                                                      \
		const char *___a = (actual), *___e = (expected);                                \
		bool ___ok = (___a == NULL && ___e == NULL) ||                                  \
			     (___a != NULL && ___e != NULL && strcmp(___a, ___e) == 0);         \
		if (!___ok) {                                                                   \
			fprintf(stderr, "%s:%d: unexpected %s: actual '%s' != expected '%s'\n", \
				__FILE__, __LINE__, (what), ___a ? ___a : "(null)",             \
				___e ? ___e : "(null)");                                        \
			pcg_test__fail();                                                       \
		}                                                                               \
		___ok;                                                                          \
	})

#define ASSERT_OK(err, what) ASSERT_EQ((err), 0, (what))

#endif /* __PCG_TEST_H */
