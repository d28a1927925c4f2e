/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cgstorm.c - bench workload: a kubelet-like container cycle N times, in every cgroup hierarchy.
 *
 * Per container, like a kubelet + runc would: mkdir a pod slice and a container scope in every
 * mounted hierarchy (v1 controllers, name=systemd and cgroup2, read from /proc/self/mountinfo),
 * fork a child, write its pid to cgroup.procs in every hierarchy, let the child exec the given
 * binary, wait, rmdir the scope and the pod everywhere.  One container per pod.
 *
 * Safety: everything lives below a top dir whose name the caller chooses (unique per run) and
 * which must not exist yet: cgstorm refuses to reuse any directory it did not create.  Only the
 * forked children are moved into the test cgroups, never cgstorm itself.  Every directory it
 * creates is removed again, in reverse order, on success, error, SIGINT, SIGTERM or SIGHUP.  A
 * child waits on a pipe before it execs, so if cgstorm dies the child sees EOF and exits.
 *
 * Layouts below TOP (-l):
 *   systemd:  TOP/kubepods.slice/kubepods-besteffort.slice/
 *             kubepods-besteffort-pod<uid_>.slice/cri-containerd-<64 hex>.scope
 *   cgroupfs: TOP/kubepods/besteffort/pod<uid>/<64 hex>
 *
 * Usage:
 *   cgstorm -t TOP -b PATH [-n N] [-l systemd|cgroupfs]
 *       N containers (default 1000) as fast as possible; prints one "key=value" line with
 *       the rate, the hierarchy count, the tracepoint events to expect and the time per phase.
 *   cgstorm -t TOP -b PATH -L FILE [-n N] [-i MS]
 *       latency: N containers (default 100) MS ms apart (default 10) while a tracer writes
 *       JSON lines to FILE; for each one, the time from just before the scope's last mkdir
 *       (cgroup2's) to the container_create line, and from just before execve() in the child
 *       to the container_start line, as seen in FILE (inotify + read).  Prints percentiles
 *       in µs.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_HIER       32
#define MAX_DIRS       (MAX_HIER * 8)
#define LAT_TIMEOUT_NS (3000ull * 1000000)

struct hier {
	char mnt[PATH_MAX];
	bool cpuset; /* a v1 cpuset hierarchy: new dirs need cpus/mems */
	bool v2;
};

static struct hier hiers[MAX_HIER];
static int nr_hier;

/* Every directory created, in creation order; removed in reverse. */
static char *created[MAX_DIRS];
static int nr_created;

static pid_t child_pid;	      /* the child in flight, 0 if none */
static bool cpuset_inherited; /* cgroup.clone_children gives new cpuset dirs cpus/mems */
static int nr_probes;	      /* mkdirs of cpuset_inherit()'s probe dirs (expected events) */
static unsigned long long last_mkdir_ns; /* when mkdir_all() started its last mkdir */
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

static void sleep_ns(unsigned long long ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ull, .tv_nsec = ns % 1000000000ull };

	nanosleep(&ts, NULL);
}

/* Mounted cgroup hierarchies: every "cgroup"/"cgroup2" mount of a hierarchy's root, once per
 * hierarchy (the same hierarchy mounted twice has the same st_dev). */
static int load_hierarchies(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	dev_t devs[MAX_HIER];
	char line[8192];

	if (!f) {
		fprintf(stderr, "cgstorm: cannot open '/proc/self/mountinfo': %s\n",
			strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - "), root[PATH_MAX], mnt[PATH_MAX], fstype[64];
		char opts[4096] = "";
		struct stat st;
		bool dup = false;

		if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
		    sscanf(sep + 3, "%63s %*s %4095s", fstype, opts) < 1)
			continue;
		if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
			continue;
		if (strcmp(root, "/") || strchr(mnt, '\\'))
			continue; /* a bind mount of a sub-tree, or an escaped path */
		if (stat(mnt, &st))
			continue;
		for (int i = 0; i < nr_hier; i++)
			dup |= devs[i] == st.st_dev;
		if (dup || nr_hier == MAX_HIER)
			continue;
		devs[nr_hier] = st.st_dev;
		snprintf(hiers[nr_hier].mnt, sizeof(hiers[nr_hier].mnt), "%s", mnt);
		hiers[nr_hier].v2 = !strcmp(fstype, "cgroup2");
		if (!strcmp(fstype, "cgroup")) {
			char *save = NULL;

			for (char *t = strtok_r(opts, ",", &save); t;
			     t = strtok_r(NULL, ",", &save))
				if (!strcmp(t, "cpuset"))
					hiers[nr_hier].cpuset = true;
		}
		nr_hier++;
	}
	fclose(f);
	/* cgroup2 last (in mkdir_all() too): the latency mode times mkdir from that one */
	for (int i = 0; i + 1 < nr_hier; i++) {
		if (!hiers[i].v2)
			continue;
		struct hier t = hiers[i];

		memmove(&hiers[i], &hiers[i + 1], (nr_hier - i - 1) * sizeof(hiers[0]));
		hiers[nr_hier - 1] = t;
		break;
	}
	if (!nr_hier) {
		fprintf(stderr, "cgstorm: no cgroup hierarchy mounted\n");
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len)
		err = -errno;
	close(fd);
	return err;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/* v1 cpuset: a new dir has no cpus/mems, and no task fits until it gets some.  Copy the
 * parent's, like the kubelet does; only ever on a dir we just created. */
static int cpuset_fill(const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char path[PATH_MAX], ppath[PATH_MAX], buf[4096], parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return 0;
	*slash = 0;
	for (int i = 0; i < 2; i++) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		n = read_file(path, buf, sizeof(buf));
		if (n < 0)
			return n == -ENOENT ? 0 : (int)n;
		if (n > 0 && !isspace((unsigned char)buf[0]))
			continue;
		snprintf(ppath, sizeof(ppath), "%s/%s", parent, files[i]);
		n = read_file(ppath, buf, sizeof(buf));
		if (n < 0)
			return n;
		n = write_file(path, buf, strlen(buf));
		if (n < 0)
			return n;
	}
	return 0;
}

/* mkdir @rel in every hierarchy; each dir made is remembered for removal.  EEXIST is an error:
 * a dir we did not create is never reused. */
static int mkdir_all(const char *rel, bool fill_cpuset)
{
	char path[PATH_MAX];

	for (int h = 0; h < nr_hier; h++) {
		if (snprintf(path, sizeof(path), "%s/%s", hiers[h].mnt, rel) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		if (nr_created == MAX_DIRS)
			return -ENOSPC;
		last_mkdir_ns = now_ns();
		if (mkdir(path, 0755)) {
			int err = -errno;

			fprintf(stderr, "cgstorm: cannot create '%s': %s%s\n", path, strerror(-err),
				err == -EEXIST ? " (not ours: refusing to reuse it)" : "");
			return err;
		}
		created[nr_created] = strdup(path);
		if (!created[nr_created]) {
			rmdir(path);
			return -ENOMEM;
		}
		nr_created++;
		if (hiers[h].cpuset && fill_cpuset && !cpuset_inherited) {
			int err = cpuset_fill(path);

			if (err) {
				fprintf(stderr, "cgstorm: cannot set cpus/mems of '%s': %s\n", path,
					strerror(-err));
				return err;
			}
		}
	}
	return 0;
}

/* rmdir one created dir; a cgroup that just lost its last task may be busy for a moment */
static int rmdir_retry(const char *path)
{
	for (int i = 0; i < 2000; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		sleep_ns(1000000);
	}
	return -errno;
}

/* rmdir the last @n created dirs, newest first */
static int rmdir_last(int n)
{
	int err = 0;

	while (n-- > 0 && nr_created > 0) {
		char *p = created[--nr_created];
		int e = rmdir_retry(p);

		if (e) {
			fprintf(stderr, "cgstorm: cannot remove '%s': %s\n", p, strerror(-e));
			err = e;
		}
		free(p);
	}
	return err;
}

static void cleanup(void)
{
	int status;

	if (child_pid > 0) {
		/* our own child, by its recorded pid */
		kill(child_pid, SIGKILL);
		waitpid(child_pid, &status, 0);
		child_pid = 0;
	}
	rmdir_last(nr_created);
}

/* v1 cpuset: with cgroup.clone_children set on TOP (and so inherited by every dir below it), a
 * new dir starts with its parent's cpus/mems and needs no writes per container.  Checked, not
 * assumed: if it does not take, every new dir is filled by hand. */
static void cpuset_inherit(const char *top)
{
	char path[PATH_MAX], probe[PATH_MAX], buf[4096];
	bool ok = true;
	int h;

	for (h = 0; h < nr_hier; h++) {
		if (!hiers[h].cpuset)
			continue;
		snprintf(path, sizeof(path), "%s/%s/cgroup.clone_children", hiers[h].mnt, top);
		if (write_file(path, "1", 1)) {
			ok = false;
			continue;
		}
		snprintf(probe, sizeof(probe), "%s/%s/podcgbench-probe", hiers[h].mnt, top);
		if (mkdir(probe, 0755)) {
			ok = false;
			continue;
		}
		nr_probes++;
		snprintf(path, sizeof(path), "%s/cpuset.cpus", probe);
		if (read_file(path, buf, sizeof(buf)) <= 0 || isspace((unsigned char)buf[0]))
			ok = false;
		rmdir(probe);
	}
	cpuset_inherited = ok;
}

static int attach_all(const char *rel, pid_t pid)
{
	char path[PATH_MAX], buf[32];
	int len = snprintf(buf, sizeof(buf), "%d\n", (int)pid);

	for (int h = 0; h < nr_hier; h++) {
		int err;

		snprintf(path, sizeof(path), "%s/%s/cgroup.procs", hiers[h].mnt, rel);
		err = write_file(path, buf, len);
		if (err) {
			fprintf(stderr, "cgstorm: cannot move pid %d into '%s': %s\n", (int)pid,
				path, strerror(-err));
			return err;
		}
	}
	return 0;
}

static void rand_hex(char *out, size_t n)
{
	unsigned char b[64];

	if (getrandom(b, n / 2 + 1, 0) < 0)
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	for (size_t i = 0; i < n; i++)
		out[i] = "0123456789abcdef"[(b[i / 2] >> (i % 2 ? 0 : 4)) & 15];
	out[n] = 0;
}

/* "8-4-4-4-12", with @sep as separator ('_' is how systemd escapes '-' in a slice name) */
static void rand_uid(char out[37], char sep)
{
	rand_hex(out, 36);
	out[8] = out[13] = out[18] = out[23] = sep;
}

/* --- latency: watching the tracer's output file ----------------------------------------- */

struct watch {
	int fd, ifd;
	char *buf;
	size_t len, cap, scanned; /* bytes read so far; complete lines before `scanned` seen */
};

static int watch_open(struct watch *w, const char *file)
{
	memset(w, 0, sizeof(*w));
	w->fd = open(file, O_RDONLY | O_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	w->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->ifd < 0 || inotify_add_watch(w->ifd, file, IN_MODIFY) < 0)
		return -errno;
	return 0;
}

static int watch_read(struct watch *w)
{
	for (;;) {
		ssize_t n;

		if (w->cap - w->len < 65536) {
			char *nb = realloc(w->buf, w->cap * 2 + 65536);

			if (!nb)
				return -ENOMEM;
			w->buf = nb;
			w->cap = w->cap * 2 + 65536;
		}
		n = read(w->fd, w->buf + w->len, w->cap - w->len - 1);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		w->len += n;
		w->buf[w->len] = 0;
	}
}

/* Is there a complete line, after @from, holding both @a and @b? */
static bool line_with(const struct watch *w, size_t from, const char *a, const char *b)
{
	const char *p = w->buf + from, *end = w->buf + w->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *x;

		if (!nl)
			return false;
		x = memmem(p, nl - p, a, strlen(a));
		if (x && memmem(p, nl - p, b, strlen(b)))
			return true;
		p = nl + 1;
	}
	return false;
}

/* Time (CLOCK_MONOTONIC ns) at which a line with @a and @b appeared after byte @from; 0 on
 * timeout or signal. */
static unsigned long long watch_for(struct watch *w, size_t from, const char *a, const char *b)
{
	unsigned long long deadline = now_ns() + LAT_TIMEOUT_NS;
	char ev[4096];

	for (;;) {
		struct pollfd pfd = { .fd = w->ifd, .events = POLLIN };
		unsigned long long t;

		if (watch_read(w) < 0)
			return 0;
		t = now_ns();
		if (line_with(w, from, a, b))
			return t;
		if (stop || t >= deadline)
			return 0;
		poll(&pfd, 1, 2);
		while (read(w->ifd, ev, sizeof(ev)) > 0)
			;
	}
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static void print_pcts(const char *name, unsigned long long *v, unsigned long n,
		       unsigned long timeouts)
{
	if (!n) {
		printf("latency what=%s n=0 timeouts=%lu\n", name, timeouts);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_ull);
#define PCT(p) (v[(n - 1) * (p) / 100] / 1000.0)
	printf("latency what=%s n=%lu p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f "
	       "timeouts=%lu\n",
	       name, n, PCT(50), PCT(90), PCT(99), v[n - 1] / 1000.0, timeouts);
#undef PCT
}

/* --- the container cycle ------------------------------------------------------------------ */

struct phase {
	unsigned long long mkdir, fork, attach, exec, rmdir;
};

struct lat {
	struct watch w;
	unsigned long long *create, *start;
	unsigned long nr_create, nr_start, to_create, to_start;
};

/* One container: pod + scope in every hierarchy, a child attached everywhere that execs @bin,
 * wait, rmdir.  0 or -errno. */
static int cycle(const char *qos_rel, bool systemd, char *bin, struct phase *ph, struct lat *lat)
{
	char uid[37], id[65], pod[PATH_MAX], scope[PATH_MAX];
	unsigned long long t0, t1, t2, t3, t4, t5, *exec_t0 = NULL;
	char *argv[] = { bin, NULL };
	int fds[2], err, status;
	size_t from = 0;
	char go = 1;

	rand_uid(uid, systemd ? '_' : '-');
	rand_hex(id, 64);
	if (systemd) {
		snprintf(pod, sizeof(pod), "%s/kubepods-besteffort-pod%s.slice", qos_rel, uid);
		snprintf(scope, sizeof(scope), "%s/cri-containerd-%s.scope", pod, id);
	} else {
		snprintf(pod, sizeof(pod), "%s/pod%s", qos_rel, uid);
		snprintf(scope, sizeof(scope), "%s/%s", pod, id);
	}
	if (lat) {
		/* shared with the child: its timestamp just before execve() */
		exec_t0 = mmap(NULL, sizeof(*exec_t0), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (exec_t0 == MAP_FAILED)
			return -errno;
		*exec_t0 = 0;
	}

	t0 = now_ns();
	err = mkdir_all(pod, true);
	if (!err && lat) {
		watch_read(&lat->w);
		from = lat->w.len;
	}
	if (!err)
		err = mkdir_all(scope, true);
	if (err)
		goto out;
	if (lat) {
		/* a tracer can announce the container once the last hierarchy (cgroup2, sorted
		 * last) has it: time from just before that mkdir */
		unsigned long long t = watch_for(&lat->w, from, id, "\"container_create\"");

		if (t)
			lat->create[lat->nr_create++] = t - last_mkdir_ns;
		else
			lat->to_create++;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		err = -errno;
		goto out;
	}
	t1 = now_ns();
	child_pid = fork();
	if (child_pid < 0) {
		err = -errno;
		child_pid = 0;
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	if (child_pid == 0) {
		/* wait until the parent has attached us everywhere; EOF = the parent is gone */
		char c;

		close(fds[1]);
		if (read(fds[0], &c, 1) != 1)
			_exit(125);
		if (exec_t0)
			*exec_t0 = now_ns();
		execve(bin, argv, environ);
		_exit(127);
	}
	close(fds[0]);
	t2 = now_ns();
	err = attach_all(scope, child_pid);
	if (lat) {
		watch_read(&lat->w);
		from = lat->w.len;
	}
	t3 = now_ns();
	if (!err && write(fds[1], &go, 1) != 1)
		err = -errno;
	close(fds[1]);
	if (err) {
		kill(child_pid, SIGKILL);
	}
	while (waitpid(child_pid, &status, 0) < 0) {
		if (errno != EINTR) {
			if (!err)
				err = -errno;
			break;
		}
	}
	child_pid = 0;
	if (!err && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		fprintf(stderr, "cgstorm: '%s' in the container did not exit 0 (status 0x%x)\n",
			bin, status);
		err = -ECHILD;
	}
	if (!err && lat) {
		unsigned long long t = watch_for(&lat->w, from, id, "\"container_start\"");

		if (t && *exec_t0)
			lat->start[lat->nr_start++] = t - *exec_t0;
		else
			lat->to_start++;
	}
	t4 = now_ns();
	if (err)
		goto out;
	err = rmdir_last(2 * nr_hier);
	t5 = now_ns();
	ph->mkdir += t1 - t0;
	ph->fork += t2 - t1;
	ph->attach += t3 - t2;
	ph->exec += t4 - t3;
	ph->rmdir += t5 - t4;
out:
	if (exec_t0)
		munmap(exec_t0, sizeof(*exec_t0));
	return err;
}

/* The latency watcher measures the tracer, not its own wait for a CPU: on a loaded machine
 * it asks for a short EEVDF slice (sched_setattr with sched_runtime, Linux 6.12+), so a
 * wakeup by inotify preempts sooner.  Best effort: older kernels keep the default. */
static void short_slice(void)
{
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t prio;
		uint64_t runtime, deadline, period;
	} a = { .size = 48, .runtime = 100000 };

	if (syscall(SYS_sched_setattr, 0, &a, 0))
		fprintf(stderr, "cgstorm: no short scheduler slice: %s\n", strerror(errno));
}

static int usage(void)
{
	fprintf(stderr, "usage: cgstorm -t TOP -b PATH [-n N] [-l systemd|cgroupfs] "
			"[-L FILE [-i MS]]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *top = NULL, *layout = "systemd", *latfile = NULL;
	unsigned long n = 0, interval_ms = 10, done = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	char rel[PATH_MAX], qos_rel[PATH_MAX];
	struct phase ph = { 0 };
	struct lat lat = { 0 };
	unsigned long long t0, t1;
	bool systemd;
	char *bin = NULL;
	int opt, err = 0, base;

	while ((opt = getopt(argc, argv, "t:b:n:l:L:i:")) != -1) {
		switch (opt) {
		case 't':
			top = optarg;
			break;
		case 'b':
			bin = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'l':
			layout = optarg;
			break;
		case 'L':
			latfile = optarg;
			break;
		case 'i':
			interval_ms = strtoul(optarg, NULL, 10);
			break;
		default:
			return usage();
		}
	}
	if (!top || !bin || optind != argc || !*top || strchr(top, '/') || top[0] == '.')
		return usage();
	if (strcmp(layout, "systemd") && strcmp(layout, "cgroupfs"))
		return usage();
	systemd = !strcmp(layout, "systemd");
	if (!n)
		n = latfile ? 100 : 1000;
	bin = strdup(bin); /* on the heap, see execstorm.c */
	if (!bin || access(bin, X_OK)) {
		fprintf(stderr, "cgstorm: cannot execute '%s': %s\n", bin ? bin : "",
			strerror(errno));
		return 1;
	}
	if (load_hierarchies())
		return 1;
	if (latfile) {
		short_slice();
		err = watch_open(&lat.w, latfile);
		lat.create = calloc(n, sizeof(*lat.create));
		lat.start = calloc(n, sizeof(*lat.start));
		if (err || !lat.create || !lat.start) {
			fprintf(stderr, "cgstorm: cannot watch '%s': %s\n", latfile,
				strerror(err ? -err : ENOMEM));
			return 1;
		}
	}
	/* no SA_RESTART: a blocked waitpid or write returns EINTR and the loop checks `stop` */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* the shared levels, created once: TOP, the kubepods root, the QoS level */
	err = mkdir_all(top, true);
	if (!err)
		cpuset_inherit(top);
	if (!err) {
		snprintf(rel, sizeof(rel), "%s/%s", top, systemd ? "kubepods.slice" : "kubepods");
		err = mkdir_all(rel, true);
	}
	if (!err) {
		snprintf(qos_rel, sizeof(qos_rel), "%s/%s", rel,
			 systemd ? "kubepods-besteffort.slice" : "besteffort");
		err = mkdir_all(qos_rel, true);
	}
	base = nr_created;
	t0 = now_ns();
	for (done = 0; !err && done < n && !stop; done++) {
		unsigned long long tc = now_ns();

		err = cycle(qos_rel, systemd, bin, &ph, latfile ? &lat : NULL);
		if (err && nr_created > base)
			rmdir_last(nr_created - base);
		if (!err && latfile) {
			unsigned long long due = tc + interval_ms * 1000000ull, t = now_ns();

			if (t < due)
				sleep_ns(due - t);
		}
	}
	t1 = now_ns();
	cleanup();
	if (err) {
		fprintf(stderr, "cgstorm: stopped after %lu containers: %s\n", done,
			strerror(-err));
		return 1;
	}
	if (stop) {
		fprintf(stderr, "cgstorm: interrupted after %lu containers; cleaned up\n", done);
		return 130;
	}
	if (latfile) {
		print_pcts("mkdir_to_container_create", lat.create, lat.nr_create, lat.to_create);
		print_pcts("exec_to_container_start", lat.start, lat.nr_start, lat.to_start);
		return 0;
	}
#define US(x) (done ? (x) / 1000.0 / done : 0)
	printf("cgstorm containers=%lu secs=%.6f rate=%.1f hierarchies=%d "
	       "expect_mkdir=%lu expect_attach=%lu expect_exec=%lu "
	       "us_mkdir=%.1f us_fork=%.1f us_attach=%.1f us_exec=%.1f us_rmdir=%.1f\n",
	       done, (t1 - t0) / 1e9, done / ((t1 - t0) / 1e9), nr_hier,
	       (3 + 2 * done) * nr_hier + nr_probes, done * nr_hier, done, US(ph.mkdir),
	       US(ph.fork), US(ph.attach), US(ph.exec), US(ph.rmdir));
#undef US
	return 0;
}
