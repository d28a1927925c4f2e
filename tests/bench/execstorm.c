/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* execstorm.c - bench workload: fork+exec+wait of a tiny static binary, N times.
 *
 * Built twice by scripts/bench.sh:
 *   gcc -O2 -static                                   execstorm.c -o execstorm
 *   gcc -O2 -static -nostdlib -DPCG_BENCH_TRUE        execstorm.c -o bench_true
 * The second build is `bench_true`, a libc-free binary that only calls exit_group(0), so an
 * exec costs the kernel's exec path and nothing else.  (With -DPCG_BENCH_TRUE_LIBC it is a
 * static-glibc main() instead, for architectures the inline syscall below does not cover.)
 *
 * Usage:
 *   execstorm -b PATH [-n N]         fork+exec+wait PATH N times (default 2000), then print
 *                                    one "key=value" line: execs, secs, rate (execs/s), failed
 *   execstorm -b PATH -M DIR [-i MS] [-t MS]
 *                                    start-up markers: every MS ms (default 20) exec
 *                                    DIR/mark-<i> (a symlink to PATH it makes) until -t MS
 *                                    (default 3000) or SIGTERM/SIGINT; prints "mark <i> <µs
 *                                    since start>" per marker.  The first marker a tracer
 *                                    captures dates its start-up.
 */
#if defined(PCG_BENCH_TRUE)

#if defined(__x86_64__)
__attribute__((naked, noreturn)) void _start(void)
{
	__asm__ volatile("mov $231, %eax\n\t" /* exit_group */
			 "xor %edi, %edi\n\t"
			 "syscall\n\t");
}
#elif defined(__aarch64__)
__attribute__((naked, noreturn)) void _start(void)
{
	__asm__ volatile("mov x8, #94\n\t" /* exit_group */
			 "mov x0, #0\n\t"
			 "svc #0\n\t");
}
#else
#error "no libc-free bench_true for this architecture: build with -DPCG_BENCH_TRUE_LIBC"
#endif

#elif defined(PCG_BENCH_TRUE_LIBC)

int main(void)
{
	return 0;
}

#else /* the workload driver */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* fork, exec @path, wait; 0 if the child exited 0 */
static int run_one(char *path)
{
	char *argv[] = { path, NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(path, argv, environ);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static int usage(void)
{
	fprintf(stderr, "usage: execstorm -b PATH [-n N] | -b PATH -M DIR [-i MS] [-t MS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *bin = NULL, *markdir = NULL;
	unsigned long n = 2000, interval_ms = 20, total_ms = 3000, failed = 0, done = 0;
	unsigned long long t0, t1;
	struct sigaction sa = { .sa_handler = on_signal };
	char *path;
	int opt;

	while ((opt = getopt(argc, argv, "b:n:M:i:t:")) != -1) {
		switch (opt) {
		case 'b':
			bin = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'M':
			markdir = optarg;
			break;
		case 'i':
			interval_ms = strtoul(optarg, NULL, 10);
			break;
		case 't':
			total_ms = strtoul(optarg, NULL, 10);
			break;
		default:
			return usage();
		}
	}
	if (!bin || optind != argc || !n || !interval_ms)
		return usage();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (markdir) {
		char link[4096];
		unsigned long i;

		t0 = now_ns();
		for (i = 0; !stop && (now_ns() - t0) / 1000000 < total_ms; i++) {
			unsigned long long due = t0 + i * interval_ms * 1000000ull, t;
			struct timespec ts;

			t = now_ns();
			if (t < due) {
				ts.tv_sec = (due - t) / 1000000000ull;
				ts.tv_nsec = (due - t) % 1000000000ull;
				nanosleep(&ts, NULL);
				if (stop)
					break;
			}
			snprintf(link, sizeof(link), "%s/mark-%lu", markdir, i);
			if (symlink(bin, link) && errno != EEXIST) {
				fprintf(stderr, "execstorm: cannot create '%s': %s\n", link,
					strerror(errno));
				return 1;
			}
			t = now_ns();
			if (run_one(link))
				failed++;
			printf("mark %lu %llu\n", i, (t - t0) / 1000);
		}
		return failed ? 1 : 0;
	}

	/* the path on the heap: tools that read fixed-size chunks of user memory must not hit
	 * the end of a mapping (BCC execsnoop reads 128 fixed bytes and misses such strings) */
	path = strdup(bin);
	if (!path || access(path, X_OK)) {
		fprintf(stderr, "execstorm: cannot execute '%s': %s\n", bin, strerror(errno));
		return 1;
	}
	t0 = now_ns();
	for (done = 0; done < n && !stop; done++)
		if (run_one(path))
			failed++;
	t1 = now_ns();
	printf("execstorm execs=%lu secs=%.6f rate=%.1f failed=%lu\n", done, (t1 - t0) / 1e9,
	       done / ((t1 - t0) / 1e9), failed);
	free(path);
	return failed || stop ? 1 : 0;
}

#endif
