/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* names.c - live only: pod and container names from the node's own files, into the stream. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "cgpath.h"
#include "clock.h"
#include "decode.h"
#include "hash.h"
#include "log.h"
#include "meta.h"
#include "names.h"
#include "scan.h"

#define MS	 1000000ull
#define SEEN_MIN 1024	    /* slots of the table of pods and containers already looked up */
#define SEEN_MAX (1u << 20) /* ... which doubles at half full up to this, then starts over */
/* Lookups waiting for a retry: the table starts with RETRY_MIN entries and doubles with the
 * load up to RETRY_MAX (about 0.6 MiB); past that a lookup is not retried (counted). */
#define RETRY_MIN	256
#define RETRY_MAX	4096
#define RETRY_POLL_NS	(10 * MS)
#define DIR_ENTRIES_MAX 20000 /* entries read from one log directory */
#define CMDLINE_MAX	8192
#define PROC_CGROUP_MAX 8192
#define WRITERS_KEPT	64	    /* processes remembered as not an OCI runtime (by pid) ... */
#define WRITER_KEEP_NS	(1000 * MS) /* ... for this long */

/* Retries of a lookup that found nothing, counted from the first one. */
static const __u64 retry_after_ns[] = { 20 * MS, 100 * MS, 300 * MS, 1000 * MS, 2000 * MS };
#define NR_ATTEMPTS (sizeof(retry_after_ns) / sizeof(retry_after_ns[0]))

struct retry {
	char uid[PCG_POD_UID_LEN + 1];
	char id[PCG_CONTAINER_ID_LEN + 1]; /* "" for a pod */
	__u64 first;
	__u64 key;   /* key_hash() of id, or of uid for a pod */
	int hnext;   /* next entry in use in its key's chain, -1 at the end */
	bool queued; /* in use */
	bool gone;   /* its cgroup was removed: not looked up again */
};

/* Entries waiting for their next attempt, oldest first.  Every entry goes through the same
 * schedule, so each attempt's queue stays in the order of the entries' first lookups: adding
 * one and finding those due is O(1) per entry, whatever the number waiting (a scan of every
 * slot was the most of a lookup's cost while many containers went unnamed). */
struct retry_queue {
	unsigned *idx; /* a ring of retry_cap slots, into pcg_names.retry */
	unsigned head, len;
};

/* The directories the sources live in, below the host root.  Looking for a container's files
 * in each of them would cost a path walk per source and per retry (~30 system calls a
 * lookup): instead one inotify instance follows them.  A directory found absent is skipped
 * until its deepest existing ancestor gains an entry (or goes away); a directory found present
 * is listed once and followed (IN_CREATE, IN_MOVED_TO), so a lookup opens only what is there.
 * The runtime makes a container's state dir before the container's cgroup, so the event is
 * queued before the cgroup record exists: reading the inotify fd before a lookup (whenever
 * the record is newer than the last read) makes this exact.  A name that went away stays in
 * the set (it only costs an open) until the set is listed again; an overflowed queue, or a
 * failed watch, falls back to opening every time. */
enum {
	DIR_CONTAINERD,
	DIR_K3S,
	DIR_CRIO_RUN,
	DIR_CRIO_LIB,
	DIR_DOCKER,
	DIR_RUNC_CONTAINERD,
	DIR_RUNC,
	DIR_LOG_PODS,
	DIR_LOG_CONTAINERS,
	NR_DIRS
};

static const char *const dir_path[NR_DIRS] = {
	[DIR_CONTAINERD] = "run/containerd/io.containerd.runtime.v2.task/k8s.io",
	[DIR_K3S] = "run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io",
	[DIR_CRIO_RUN] = "run/containers/storage/overlay-containers",
	[DIR_CRIO_LIB] = "var/lib/containers/storage/overlay-containers",
	[DIR_DOCKER] = "var/lib/docker/containers",
	[DIR_RUNC_CONTAINERD] = "run/containerd/runc/k8s.io",
	[DIR_RUNC] = "run/runc",
	[DIR_LOG_PODS] = "var/log/pods",
	[DIR_LOG_CONTAINERS] = "var/log/containers",
};

/* Hashes of the names (the key part of each, see dir_key()) in a present directory. */
struct name_set {
	__u64 *h;
	char **name; /* the log dirs: each entry's name, which is all a lookup reads of it */
	size_t cap, nr, listed; /* slots, names, names at the last listing */
	bool valid;		/* false: not followed, every lookup opens */
};

static bool log_dir(int d)
{
	return d == DIR_LOG_PODS || d == DIR_LOG_CONTAINERS;
}

static void set_free(struct name_set *s)
{
	for (size_t i = 0; s->name && i < s->cap; i++)
		free(s->name[i]);
	free(s->name);
	free(s->h);
	memset(s, 0, sizeof(*s));
}

struct pcg_names {
	int root_fd; /* the host root, O_PATH */
	int ino;     /* inotify: the absent dirs' ancestors; -1 = look again at every lookup */
	bool dirty;  /* an ancestor changed: look at the absent dirs again */
	bool no_openat2;
	bool absent[NR_DIRS];
	bool relist[NR_DIRS]; /* a present dir to resolve and list again */
	/* the watch on an absent dir's deepest existing ancestor, or on a present dir itself;
	 * -1 if none */
	int wd[NR_DIRS];
	struct name_set set[NR_DIRS];
	__u64 ino_read_ns;	      /* CLOCK_BOOTTIME before the last read of the inotify fd */
	struct pcg_cgpath_memo *memo; /* shared with the correlator; NULL: parse */
	/* pods and containers already looked up: an open-addressing hash set (a lookup per
	 * cgroup event must be O(1): a scan of a 1024-entry ring was 54 us per mkdir) */
	__u64 *seen; /* key_hash()es of ids, pod UIDs and cgroup names looked at (0 = free) */
	size_t seen_cap, nr_seen;
	struct retry *retry;		       /* retry_cap entries */
	unsigned *free_idx;		       /* retry[] entries not in use */
	int *rchain;			       /* retry_cap chains of entries in use, by key */
	unsigned retry_cap, nr_free;	       /* nr_free == retry_cap: no retry waits */
	struct retry_queue queue[NR_ATTEMPTS]; /* queue[k]: entries due for attempt k */
	/* Cgroup writers found not to be an OCI runtime (a kubelet, systemd, a test tool making
	 * cgroups): their command line is not read again for WRITER_KEEP_NS.  A runtime is a new
	 * process for each container; the same pid making cgroups again is the same manager
	 * (pid reuse within a second would need the whole pid space forked in that second). */
	struct {
		int pid;
		__u64 until;
	} not_runtime[WRITERS_KEPT];
	__u64 last_poll;
	struct pcg_names_stats st;
	char *buf; /* one file, PCG_META_FILE_MAX + 1 bytes */
	struct pcg_meta found, tmp;
	unsigned char rec[PCG_META_REC_MAX];
};

static void refresh_dirs(struct pcg_names *n, __u64 ts);

struct pcg_names *pcg_names__new(const char *host_root)
{
	struct pcg_names *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->ino = -1;
	for (int i = 0; i < NR_DIRS; i++)
		n->wd[i] = -1;
	n->buf = malloc(PCG_META_FILE_MAX + 1);
	n->root_fd = open(host_root ? host_root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!n->buf || n->root_fd < 0) {
		int err = errno ? errno : ENOMEM;

		pcg_names__free(n);
		errno = err;
		return NULL;
	}
	/* no inotify (a limit, a seccomp profile): every lookup looks at the dirs again */
	n->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	n->dirty = true;
	refresh_dirs(n, 0); /* now, while the capabilities are still there */
	return n;
}

int pcg_names__start(const char *host_root, struct pcg_names **ret)
{
	int err;

	*ret = pcg_names__new(host_root);
	if (*ret)
		return 0;
	err = -errno;
	if (host_root) {
		pcg_err("cannot open the host root '%s': %s", host_root, strerror(-err));
		return err;
	}
	pcg_warn("cannot look names up: %s", strerror(-err));
	return 0;
}

void pcg_names__free(struct pcg_names *n)
{
	if (!n)
		return;
	if (n->st.lookups)
		pcg_info(
			"names: %llu of %llu pods and containers named (%llu retries, %llu given up "
			"as their cgroup was removed, %llu not retried as %u waited already), %llu "
			"files naming another pod ignored, %llu files refused; lookups took %llu us "
			"on average, %llu us at most",
			n->st.found, n->st.lookups, n->st.retried, n->st.cancelled,
			n->st.not_retried, RETRY_MAX, n->st.mismatch, n->st.refused,
			n->st.ns_total / (n->st.lookups + n->st.retried) / 1000,
			n->st.ns_max / 1000);
	if (n->root_fd > 0)
		close(n->root_fd);
	if (n->ino >= 0)
		close(n->ino);
	for (int i = 0; i < NR_DIRS; i++)
		set_free(&n->set[i]);
	free(n->buf);
	free(n->seen);
	free(n->retry);
	free(n->free_idx);
	free(n->rchain);
	for (unsigned k = 0; k < NR_ATTEMPTS; k++)
		free(n->queue[k].idx);
	free(n);
}

void pcg_names__stats(const struct pcg_names *n, struct pcg_names_stats *ret)
{
	*ret = n->st;
}

/* --- files, never through a symlink ------------------------------------------------------- */

/* Opens @path below @dirfd one component at a time, refusing symlinks and "..": the last
 * component with @flags (O_NOFOLLOW added), the others as directories.  Returns an fd or
 * -errno (ELOOP / ENOTDIR for a symlink). */
static int open_beneath(int dirfd, const char *path, int flags)
{
	const char *p = path;
	int cur = dirfd, fd;

	for (;;) {
		char comp[256];
		const char *slash;
		size_t l;

		while (*p == '/')
			p++;
		slash = strchr(p, '/');
		l = slash ? (size_t)(slash - p) : strlen(p);
		if (!l || l >= sizeof(comp) || (l == 2 && !memcmp(p, "..", 2))) {
			fd = -EINVAL;
			break;
		}
		memcpy(comp, p, l);
		comp[l] = 0;
		p += l;
		while (*p == '/')
			p++;
		if (!*p) {
			fd = openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
			fd = fd < 0 ? -errno : fd;
			break;
		}
		fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cur != dirfd)
			close(cur);
		if (fd < 0)
			return -errno;
		cur = fd;
	}
	if (cur != dirfd)
		close(cur);
	return fd;
}

/* open_beneath() in one system call where the kernel has openat2 (5.6+): the same refusals
 * (ELOOP for a symlink anywhere, EINVAL for ".."), one path walk instead of one per component. */
static int open_in(struct pcg_names *n, int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (__u64)(flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	while (*path == '/') /* below @dirfd, as open_beneath() reads it */
		path++;
	if (!n->no_openat2) {
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno == EXDEV) /* ".." out of @dirfd */
			return -EINVAL;
		if (errno != ENOSYS && errno != EPERM && errno != E2BIG)
			return -errno;
		n->no_openat2 = true; /* an old kernel, or a seccomp profile refusing it */
	}
	return open_beneath(dirfd, path, flags);
}

#define WATCH_MASK (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define SET_MAX	   (1u << 20) /* names followed in one dir; past it, every lookup opens */

/* The part of an entry's name a lookup asks about: the container id (state dirs, and the
 * <pod>_<ns>_<ctr>-<id>.log of /var/log/containers) or the pod UID (<ns>_<pod>_<uid> of
 * /var/log/pods).  0 if the entry cannot be one. */
static __u64 key_hash(const char *name, size_t l)
{
	__u64 h = pcg_hash_bytes(name, l);

	return h ? h : 1;
}

static __u64 dir_key(int i, const char *name, size_t l)
{
	if (i == DIR_LOG_PODS) {
		if (l < PCG_POD_UID_LEN + 1)
			return 0;
		name += l - PCG_POD_UID_LEN, l = PCG_POD_UID_LEN;
	} else if (i == DIR_LOG_CONTAINERS) {
		if (l < 64 + 4 || memcmp(name + l - 4, ".log", 4))
			return 0;
		name += l - 64 - 4, l = 64;
	}
	return key_hash(name, l);
}

static size_t set_slot(const struct name_set *s, __u64 h)
{
	size_t i = h & (s->cap - 1);

	while (s->h[i] && s->h[i] != h)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static bool set_has(const struct name_set *s, __u64 h)
{
	return !s->valid || (h && s->nr && s->h[set_slot(s, h)]);
}

/* Whether dir @i may hold @key (PCG_POD_UID_LEN or 64 bytes, or the whole string): false only
 * when it is known not to. */
static bool dir_may_have(const struct pcg_names *n, int i, __u64 key)
{
	return !n->absent[i] && set_has(&n->set[i], key);
}

/* Adds the entry @nm (@l bytes) whose key_hash is @h to the set of dir @d. */
static void set_add(struct pcg_names *n, int d, __u64 h, const char *nm, size_t l)
{
	struct name_set *s = &n->set[d];
	size_t i;

	if (!s->valid || !h)
		return;
	if ((s->nr + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct name_set ns = { .cap = cap };

		ns.h = cap <= 2 * SET_MAX ? calloc(cap, sizeof(*ns.h)) : NULL;
		ns.name = ns.h && log_dir(d) ? calloc(cap, sizeof(*ns.name)) : NULL;
		if (!ns.h || (log_dir(d) && !ns.name)) {
			free(ns.h);
			set_free(s); /* not followed any more: every lookup opens */
			return;
		}
		for (size_t j = 0; j < s->cap; j++)
			if (s->h[j]) {
				size_t k = set_slot(&ns, s->h[j]);

				ns.h[k] = s->h[j];
				if (ns.name)
					ns.name[k] = s->name[j];
			}
		free(s->h);
		free(s->name);
		s->h = ns.h;
		s->name = ns.name;
		s->cap = cap;
	}
	i = set_slot(s, h);
	if (!s->h[i]) {
		s->h[i] = h;
		s->nr++;
		if (s->name)
			s->name[i] = strndup(nm, l); /* NULL: the lookup reads the dir */
	}
	/* names gone are never taken out: list again once they could be half the set */
	if (s->nr > 2 * s->listed + 1024)
		n->relist[d] = true;
}

/* The entry of log dir @d whose key is @key (@kl bytes): 1 and *@name if there is one, 0 if
 * there is none, -1 if the set cannot say (the dir is to be read). */
static int log_entry(const struct pcg_names *n, int d, const char *key, size_t kl,
		     const char **name)
{
	const struct name_set *s = &n->set[d];
	size_t i;

	if (n->absent[d])
		return 0;
	if (!s->valid || !s->name)
		return -1;
	if (!s->nr)
		return 0;
	i = set_slot(s, key_hash(key, kl));
	if (!s->h[i])
		return 0;
	if (!s->name[i])
		return -1;
	*name = s->name[i];
	return 1;
}

/* Lists present dir @i (open as @fd, O_PATH) into its set, after its watch is in place. */
static void list_dir(struct pcg_names *n, int i, int fd)
{
	struct name_set *s = &n->set[i];
	struct dirent *de;
	DIR *d;
	int dfd;

	set_free(s);
	if (n->wd[i] < 0)
		return; /* not followed: every lookup opens */
	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	s->valid = true;
	while (s->valid && (de = readdir(d))) {
		size_t l = strlen(de->d_name);

		/* a pod's log dir is a directory (what the lookup read before) */
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    (i != DIR_LOG_PODS || de->d_type == DT_DIR))
			set_add(n, i, dir_key(i, de->d_name, l), de->d_name, l);
	}
	closedir(d);
	s->listed = s->nr;
	if (s->nr > SET_MAX)
		s->valid = false;
}

static int watch(struct pcg_names *n, int fd)
{
	char path[64];

	if (n->ino < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return inotify_add_watch(n->ino, path, WATCH_MASK);
}

/* Looks at whether dir_path[@i] exists below the host root: if it does, watches and lists it;
 * if it does not, watches its deepest existing ancestor. */
static void resolve_dir(struct pcg_names *n, int i)
{
	const char *p = dir_path[i];
	int cur = n->root_fd, fd = 0, wd = -1;

	n->absent[i] = n->relist[i] = false;
	n->wd[i] = -1;
	while (*p) {
		char comp[256];
		const char *slash = strchr(p, '/');
		size_t l = slash ? (size_t)(slash - p) : strlen(p);

		if (!l || l >= sizeof(comp))
			break;
		memcpy(comp, p, l);
		comp[l] = 0;
		fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && wd == -1) {
			/* watch first, then look once more: an entry made in between is seen by
			 * one or the other */
			wd = watch(n, cur);
			if (wd >= 0)
				continue;
			wd = -2; /* no watch: look again at every lookup */
		}
		if (fd < 0) {
			fd = -errno;
			break;
		}
		wd = -1; /* made meanwhile: that ancestor stays watched (it only costs a look) */
		if (cur != n->root_fd)
			close(cur);
		cur = fd;
		p += l;
		while (*p == '/')
			p++;
	}
	if (fd == -ENOENT) {
		n->absent[i] = true;
		n->wd[i] = wd >= 0 ? wd : -1;
	} else if (fd >= 0) {
		n->wd[i] = watch(n, cur);
		list_dir(n, i, cur);
	} else {
		/* a symlink, an unreadable dir: not followed, tried, so the lookup refuses and
		 * counts it as before */
		list_dir(n, i, -1);
	}
	if (cur != n->root_fd)
		close(cur);
}

/* The events since the last read: names made in present dirs go in their sets; a change in
 * an absent dir's ancestor, a present dir going away or an overflow: look again. */
static void read_events(struct pcg_names *n, bool *stale)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(n->ino, buf, sizeof(buf))) > 0 || (len < 0 && errno == EINTR)) {
		for (char *p = buf; len > 0 && p < buf + len;) {
			const struct inotify_event *e = (const void *)p;

			p += sizeof(*e) + e->len;
			if (e->mask & IN_Q_OVERFLOW) {
				*stale = true;
				for (int i = 0; i < NR_DIRS; i++)
					n->relist[i] = !n->absent[i];
				continue;
			}
			for (int i = 0; i < NR_DIRS; i++) {
				if (n->wd[i] != e->wd)
					continue;
				if (n->absent[i])
					*stale = true;
				else if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
					n->relist[i] = true;
				else if (e->len && (i != DIR_LOG_PODS || (e->mask & IN_ISDIR)))
					set_add(n, i, dir_key(i, e->name, strlen(e->name)), e->name,
						strlen(e->name));
			}
		}
	}
	if (len < 0 && errno != EAGAIN)
		*stale = true;
}

/* Before a lookup of a record stamped @ts: brings the dirs up to date.  The inotify fd is read
 * only when @ts is newer than its last read (what happened before the record was queued
 * before that read). */
static void refresh_dirs(struct pcg_names *n, __u64 ts)
{
	bool stale = n->dirty;

	for (int i = 0; i < NR_DIRS; i++)
		stale |= n->absent[i] && n->wd[i] < 0;
	if (n->ino >= 0 && !n->dirty && ts >= n->ino_read_ns) {
		n->ino_read_ns = pcg_boottime_ns();
		read_events(n, &stale);
	}
	for (int i = 0; i < NR_DIRS; i++)
		if (n->dirty || (stale && n->absent[i]) || n->relist[i])
			resolve_dir(n, i);
	n->dirty = false;
}

/* Reads a regular file of at most PCG_META_FILE_MAX bytes into n->buf.  Returns its size or
 * -errno; a symlink, a non-regular or oversized file is refused and counted. */
static ssize_t read_file(struct pcg_names *n, int dirfd, const char *path)
{
	struct stat st;
	size_t len = 0;
	int fd = open_in(n, dirfd, path, O_RDONLY | O_NONBLOCK);

	if (fd < 0) {
		if (fd == -ELOOP || fd == -ENOTDIR || fd == -EINVAL) {
			pcg_dbg("names: refused '%s': %s", path, strerror(-fd));
			n->st.refused++;
		}
		return fd;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > PCG_META_FILE_MAX) {
		close(fd);
		pcg_dbg("names: refused '%s': not a regular file of at most 1 MiB", path);
		n->st.refused++;
		return -EINVAL;
	}
	while (len <= PCG_META_FILE_MAX) {
		ssize_t r = read(fd, n->buf + len, PCG_META_FILE_MAX + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
	}
	close(fd);
	if (len > PCG_META_FILE_MAX) {
		n->st.refused++;
		return -EFBIG;
	}
	return len;
}

/* --- merging what sources say -------------------------------------------------------------- */

/* Adds n->tmp (just parsed from @src) to n->found if it names this pod (and container). */
static void take(struct pcg_names *n, int rc, unsigned src, const char *uid, const char *id)
{
	struct pcg_meta *f = &n->found, *t = &n->tmp;

	if (rc == -EBADMSG) {
		pcg_dbg("names: refused a source of %s: not valid JSON within the limits", id);
		n->st.refused++;
	}
	if (rc)
		return;
	rc = pcg_meta_check(t, uid, id);
	if (rc == -EXDEV)
		n->st.mismatch++;
	if (rc)
		return;
	if (!f->src)
		f->src = src;
	if (!f->pod_uid[0])
		memcpy(f->pod_uid, t->pod_uid, sizeof(f->pod_uid));
	for (int i = 0; i < PCG_META_NR; i++)
		if (!f->str[i][0] && t->str[i][0]) {
			memcpy(f->str[i], t->str[i], sizeof(f->str[i]));
			if (i == PCG_META_IMAGE)
				f->trunc = t->trunc;
		}
	if (!f->ctype)
		f->ctype = t->ctype;
}

static void parse_file(struct pcg_names *n, int dirfd, const char *path, unsigned src,
		       int (*parse)(struct pcg_meta *, const void *, size_t), const char *uid,
		       const char *id)
{
	ssize_t len = read_file(n, dirfd, path);

	if (len < 0)
		return;
	memset(&n->tmp, 0, sizeof(n->tmp));
	take(n, parse(&n->tmp, n->buf, len), src, uid, id);
}

/* --- the process that made the cgroup ------------------------------------------------------ */

/* "/proc/<pid>/<leaf>" into @path (64 bytes), without printf (a lookup per container) */
static void proc_path(char *path, int pid, const char *leaf)
{
	char digits[16];
	int nd = 0;
	size_t l = strlen(leaf);

	do
		digits[nd++] = '0' + (unsigned)pid % 10;
	while ((pid = (unsigned)pid / 10) && nd < (int)sizeof(digits));
	memcpy(path, "/proc/", 6);
	path += 6;
	while (nd)
		*path++ = digits[--nd];
	*path++ = '/';
	memcpy(path, leaf, l + 1);
}

static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, size - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = 0;
	return r;
}

/* The node's runtime, not a process in a container: none of its cgroups is a pod's, a
 * container's or below one (a nested runtime could plant a config.json in its own root). */
static bool outside_containers(int pid)
{
	char path[64], buf[PROC_CGROUP_MAX];
	ssize_t len;

	proc_path(path, pid, "cgroup");
	len = read_small(path, buf, sizeof(buf));
	if (len <= 0 || len >= (ssize_t)sizeof(buf) - 1)
		return false;
	for (char *line = buf, *next; line && *line; line = next) {
		struct pcg_cgpath pp;
		char *p;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		p = strchr(line, ':');
		p = p ? strchr(p + 1, ':') : NULL;
		if (!p)
			return false;
		if (pcg_cgpath_parse(p + 1, strlen(p + 1), &pp) == 0 &&
		    (pp.kind == PCG_CG_POD || pp.kind == PCG_CG_CONTAINER ||
		     pp.kind == PCG_CG_CONTAINER_SUB || pp.kind == PCG_CG_POD_OTHER))
			return false;
	}
	return true;
}

/* The value of --bundle / -b in an OCI runtime's NUL-separated command line ("runc create
 * ... <id>", "crun run ... <id>"), NULL if none, if the process is not an OCI runtime creating
 * a container (another tool's -b means something else), or if it creates another container
 * than @id (its pid was reused since the mkdir). */
static bool oci_runtime(const char *args)
{
	const char *base = strrchr(args, '/') ? strrchr(args, '/') + 1 : args;

	return strstr(base, "runc") || strstr(base, "crun") || !strcmp(base, "runsc") ||
	       !strcmp(base, "youki") || strstr(base, "-runtime");
}

static const char *bundle_arg(const char *args, size_t len, const char *id)
{
	bool creates = false, this_one = false;

	for (size_t i = 0; i < len; i += strnlen(args + i, len - i) + 1) {
		creates |= !strcmp(args + i, "create") || !strcmp(args + i, "run");
		this_one |= !strcmp(args + i, id);
	}
	if (!creates || !this_one)
		return NULL;
	for (size_t i = 0; i < len;) {
		const char *a = args + i;
		size_t al = strnlen(a, len - i), next = i + al + 1;

		if (!strncmp(a, "--bundle=", 9))
			return a + 9;
		if ((!strcmp(a, "--bundle") || !strcmp(a, "-b")) && next < len)
			return args + next;
		i = next;
	}
	return NULL;
}

/* The bundle the runtime process @pid was given (its config.json read through the process's
 * own root, else under the host root), and conmon's command line when conmon started it. */
static void from_writer(struct pcg_names *n, int pid, const char *uid, const char *id, __u64 now)
{
	char path[64], args[CMDLINE_MAX], file[PATH_MAX];
	unsigned slot = (unsigned)pid % WRITERS_KEPT;
	const char *bundle;
	ssize_t len;
	int ppid, rootfd;

	if (pid <= 1)
		return;
	if (n->not_runtime[slot].pid == pid && now < n->not_runtime[slot].until)
		return;
	/* its command line first: only an OCI runtime (started by conmon, or not) says more;
	 * anything else (a kubelet, systemd, a test) costs one read, not four */
	proc_path(path, pid, "cmdline");
	len = read_small(path, args, sizeof(args));
	if (len <= 0 || !oci_runtime(args)) {
		pcg_dbg("names: writer %d of %s: %s", pid, id,
			len <= 0 ? "gone" : "not an OCI runtime");
		if (len > 0) {
			n->not_runtime[slot].pid = pid;
			n->not_runtime[slot].until = now + WRITER_KEEP_NS;
		}
		return;
	}
	if (!outside_containers(pid)) {
		pcg_dbg("names: writer %d of %s: %s", pid, id,
			kill(pid, 0) && errno == ESRCH ? "gone" : "inside a container");
		return;
	}
	bundle = bundle_arg(args, len, id);
	pcg_dbg("names: writer %d of %s: bundle %s", pid, id, bundle ? bundle : "(none)");
	if (bundle && bundle[0] == '/' &&
	    snprintf(file, sizeof(file), "%s/config.json", bundle) < (int)sizeof(file)) {
		proc_path(path, pid, "root");
		rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd >= 0) {
			parse_file(n, rootfd, file, PCG_META_SRC_BUNDLE, pcg_meta_from_oci, uid,
				   id);
			close(rootfd);
		} else {
			/* no access to its root (our capabilities are gone): the same path on the
			 * host; the pod UID check still applies */
			parse_file(n, n->root_fd, file, PCG_META_SRC_BUNDLE, pcg_meta_from_oci, uid,
				   id);
		}
	}
	ppid = pcg_scan_parent_of(pid);
	proc_path(path, ppid, "cmdline");
	if (ppid > 1 && (len = read_small(path, args, sizeof(args))) > 0) {
		const char *base = strrchr(args, '/') ? strrchr(args, '/') + 1 : args;

		if (!strcmp(base, "conmon") && outside_containers(ppid)) {
			memset(&n->tmp, 0, sizeof(n->tmp));
			take(n, pcg_meta_from_conmon(&n->tmp, args, len), PCG_META_SRC_CONMON, uid,
			     id);
		}
	}
}

/* --- the kubelet's log directories ---------------------------------------------------------- */

/* A /var/log/pods entry: the pod's names, if it is @uid's and parses. */
static bool pod_from_log_dir(struct pcg_names *n, const char *name, size_t l, const char *uid,
			     struct pcg_meta *pod)
{
	if (l < PCG_POD_UID_LEN + 1 || strcmp(name + l - PCG_POD_UID_LEN, uid))
		return false;
	memset(&n->tmp, 0, sizeof(n->tmp));
	if (pcg_meta_from_pod_log_dir(&n->tmp, name, l))
		return false;
	*pod = n->tmp;
	take(n, 0, PCG_META_SRC_LOG_DIRS, uid, "");
	return true;
}

/* A /var/log/containers entry: the container's name, if it agrees with @pod's names. */
static void ctr_from_log(struct pcg_names *n, const char *name, size_t l, const char *uid,
			 const char *id, const struct pcg_meta *pod)
{
	memset(&n->tmp, 0, sizeof(n->tmp));
	if (!pcg_meta_from_container_log(&n->tmp, name, l) &&
	    !strcmp(n->tmp.str[PCG_META_POD_NAME], pod->str[PCG_META_POD_NAME]) &&
	    !strcmp(n->tmp.str[PCG_META_POD_NAMESPACE], pod->str[PCG_META_POD_NAMESPACE])) {
		memcpy(n->tmp.pod_uid, uid, sizeof(n->tmp.pod_uid));
		take(n, 0, PCG_META_SRC_LOG_DIRS, uid, id);
	}
}

/* /var/log/pods/<ns>_<pod>_<uid>: the pod's names; /var/log/containers/<pod>_<ns>_<ctr>-<id>.log
 * (names only, never opened): the container's name, when it agrees with the pod's.  Both
 * names come from the followed dirs' sets; a dir that is not followed is read. */
static void from_log_dirs(struct pcg_names *n, const char *uid, const char *id)
{
	struct pcg_meta pod = { 0 };
	const char *name = NULL;
	struct dirent *de;
	unsigned count = 0;
	DIR *d;
	int fd, rc;

	rc = log_entry(n, DIR_LOG_PODS, uid, strlen(uid), &name);
	if (!rc)
		return;
	if (rc > 0) {
		pod_from_log_dir(n, name, strlen(name), uid, &pod);
	} else {
		fd = open_in(n, n->root_fd, dir_path[DIR_LOG_PODS], O_RDONLY | O_DIRECTORY);
		d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!d) {
			if (fd >= 0)
				close(fd);
			return;
		}
		while ((de = readdir(d)) && count++ < DIR_ENTRIES_MAX)
			if (de->d_type == DT_DIR &&
			    pod_from_log_dir(n, de->d_name, strlen(de->d_name), uid, &pod))
				break;
		closedir(d);
	}
	if (!id[0] || !pod.pod_uid[0] || n->found.str[PCG_META_CONTAINER_NAME][0])
		return;
	rc = log_entry(n, DIR_LOG_CONTAINERS, id, strlen(id), &name);
	if (!rc)
		return;
	if (rc > 0) {
		size_t l = strlen(name);

		if (l >= 64 + 4 && !memcmp(name + l - 64 - 4, id, 64))
			ctr_from_log(n, name, l, uid, id, &pod);
		return;
	}
	fd = open_in(n, n->root_fd, dir_path[DIR_LOG_CONTAINERS], O_RDONLY | O_DIRECTORY);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	count = 0;
	while ((de = readdir(d)) && count++ < DIR_ENTRIES_MAX) {
		size_t l = strlen(de->d_name);

		if (l < 64 + 4 || memcmp(de->d_name + l - 64 - 4, id, 64))
			continue;
		ctr_from_log(n, de->d_name, l, uid, id, &pod);
		break;
	}
	closedir(d);
}

/* --- one lookup ------------------------------------------------------------------------------ */

static const struct {
	int dir;	 /* dir_path[dir]/ ... */
	const char *fmt; /* ... below it, %s = the container id */
	unsigned src;
	int (*parse)(struct pcg_meta *, const void *, size_t);
} lasting[] = {
	{ DIR_CONTAINERD, "%s/config.json", PCG_META_SRC_CONTAINERD, pcg_meta_from_oci },
	{ DIR_K3S, "%s/config.json", PCG_META_SRC_CONTAINERD, pcg_meta_from_oci },
	{ DIR_CRIO_RUN, "%s/userdata/config.json", PCG_META_SRC_CRIO, pcg_meta_from_oci },
	{ DIR_CRIO_LIB, "%s/userdata/config.json", PCG_META_SRC_CRIO, pcg_meta_from_oci },
	{ DIR_DOCKER, "%s/config.v2.json", PCG_META_SRC_DOCKER, pcg_meta_from_docker },
	{ DIR_RUNC_CONTAINERD, "%s/state.json", PCG_META_SRC_RUNC_STATE, pcg_meta_from_runc_state },
	{ DIR_RUNC, "%s/state.json", PCG_META_SRC_RUNC_STATE, pcg_meta_from_runc_state },
};

/* Looks the pod (@id "") or container up; feeds a PCG_EV_META record when something was found.
 * Returns whether it was. */
static bool lookup_(struct pcg_names *n, const char *uid, const char *id, int writer, __u64 ts,
		    pcg_names_feed_fn feed, void *ctx)
{
	size_t len;

	memset(&n->found, 0, sizeof(n->found));
	refresh_dirs(n, ts);
	if (id[0]) {
		__u64 hid = key_hash(id, strlen(id));

		if (writer > 0)
			from_writer(n, writer, uid, id, ts ? ts : pcg_boottime_ns());
		for (size_t i = 0; i < sizeof(lasting) / sizeof(lasting[0]); i++) {
			char path[256];
			int l;

			if (pcg_meta_complete(&n->found))
				break;
			if (!dir_may_have(n, lasting[i].dir, hid))
				continue;
			l = snprintf(path, sizeof(path), "%s/", dir_path[lasting[i].dir]);
			snprintf(path + l, sizeof(path) - l, lasting[i].fmt, id);
			parse_file(n, n->root_fd, path, lasting[i].src, lasting[i].parse, uid, id);
		}
	}
	if (!n->found.str[PCG_META_POD_NAME][0] ||
	    (id[0] && !n->found.str[PCG_META_CONTAINER_NAME][0] &&
	     n->found.ctype != PCG_CTYPE_SANDBOX))
		from_log_dirs(n, uid, id);
	if (pcg_meta_check(&n->found, uid, id))
		return false;
	len = pcg_meta_encode(&n->found, uid, id, ts, n->rec, sizeof(n->rec));
	if (!len)
		return false;
	n->st.found++;
	feed(ctx, n->rec, len);
	return true;
}

static bool lookup(struct pcg_names *n, const char *uid, const char *id, int writer, __u64 ts,
		   pcg_names_feed_fn feed, void *ctx)
{
	__u64 t0 = pcg_boottime_ns(), dt;
	bool ok = lookup_(n, uid, id, writer, ts, feed, ctx);

	dt = pcg_boottime_ns() - t0;
	n->st.ns_total += dt;
	if (dt > n->st.ns_max)
		n->st.ns_max = dt;
	return ok;
}

static size_t seen_slot(const __u64 *tab, size_t cap, __u64 h)
{
	size_t i;

	for (i = h & (cap - 1); tab[i] && tab[i] != h; i = (i + 1) & (cap - 1))
		;
	return i;
}

static bool seen_has(const struct pcg_names *n, __u64 h)
{
	return n->seen_cap && n->seen[seen_slot(n->seen, n->seen_cap, h)];
}

/* True if @h was looked up already; otherwise remembers it.  The set doubles at half full
 * up to SEEN_MAX slots; past that (or out of memory) it starts over, which at worst looks a
 * long-gone container up again. */
static bool seen(struct pcg_names *n, __u64 h)
{
	if (seen_has(n, h))
		return true;
	if ((n->nr_seen + 1) * 2 > n->seen_cap) {
		size_t cap = n->seen_cap ? n->seen_cap * 2 : SEEN_MIN;
		__u64 *t = cap <= SEEN_MAX ? calloc(cap, sizeof(*t)) : NULL;

		if (t) {
			for (size_t j = 0; j < n->seen_cap; j++)
				if (n->seen[j])
					t[seen_slot(t, cap, n->seen[j])] = n->seen[j];
			free(n->seen);
			n->seen = t;
			n->seen_cap = cap;
		} else if (n->seen_cap) {
			memset(n->seen, 0, n->seen_cap * sizeof(*n->seen)); /* start over */
			n->nr_seen = 0;
		} else {
			return false; /* no memory: look up, remember nothing */
		}
	}
	n->seen[seen_slot(n->seen, n->seen_cap, h)] = h;
	n->nr_seen++;
	return false;
}

/* The key of a pod (@id "") or container looked up: what seen() and the retries know it by. */
static __u64 object_key(const char *uid, const char *id)
{
	const char *k = id[0] ? id : uid;

	return key_hash(k, strlen(k));
}

static void queue_push(struct pcg_names *n, struct retry_queue *q, unsigned i)
{
	q->idx[(q->head + q->len++) & (n->retry_cap - 1)] = i;
}

static unsigned queue_pop(struct pcg_names *n, struct retry_queue *q)
{
	unsigned i = q->idx[q->head];

	q->head = (q->head + 1) & (n->retry_cap - 1);
	q->len--;
	return i;
}

/* Doubles the retry table (RETRY_MIN at first), up to RETRY_MAX: every array is made anew
 * before any is replaced, so a failure changes nothing.  False if it cannot grow. */
static bool retry_grow(struct pcg_names *n)
{
	unsigned cap = n->retry_cap ? n->retry_cap * 2 : RETRY_MIN, old = n->retry_cap;
	struct retry *r;
	unsigned *f, *q[NR_ATTEMPTS] = { NULL };
	int *c;
	bool ok;

	if (cap > RETRY_MAX)
		return false; /* full: asked again at each lookup while it is, so no allocation */
	r = malloc(cap * sizeof(*r));
	f = malloc(cap * sizeof(*f));
	c = malloc(cap * sizeof(*c));
	ok = r && f && c;
	for (unsigned k = 0; k < NR_ATTEMPTS; k++)
		ok = ok && (q[k] = malloc(cap * sizeof(*q[k])));
	if (!ok) {
		free(r);
		free(f);
		free(c);
		for (unsigned k = 0; k < NR_ATTEMPTS; k++)
			free(q[k]);
		return false;
	}
	if (old) {
		memcpy(r, n->retry, old * sizeof(*r));
		memcpy(f, n->free_idx, n->nr_free * sizeof(*f));
	}
	for (unsigned i = cap; i-- > old;)
		f[n->nr_free++] = i;
	for (unsigned k = 0; k < NR_ATTEMPTS; k++) {
		struct retry_queue *rq = &n->queue[k];

		for (unsigned j = 0; j < rq->len; j++) /* in order, from slot 0 */
			q[k][j] = rq->idx[(rq->head + j) & (old - 1)];
		free(rq->idx);
		rq->idx = q[k];
		rq->head = 0;
	}
	for (unsigned b = 0; b < cap; b++)
		c[b] = -1;
	for (unsigned i = 0; i < old; i++)
		if (r[i].queued) {
			r[i].hnext = c[r[i].key & (cap - 1)];
			c[r[i].key & (cap - 1)] = (int)i;
		}
	free(n->retry);
	free(n->free_idx);
	free(n->rchain);
	n->retry = r;
	n->free_idx = f;
	n->rchain = c;
	n->retry_cap = cap;
	return true;
}

/* Takes entry @i out of its key's chain and makes it free. */
static void retry_free(struct pcg_names *n, unsigned i)
{
	struct retry *r = &n->retry[i];
	int *p = &n->rchain[r->key & (n->retry_cap - 1)];

	while (*p != (int)i)
		p = &n->retry[*p].hnext;
	*p = r->hnext;
	r->queued = false;
	n->free_idx[n->nr_free++] = i;
}

/* Queues a retry; with RETRY_MAX waiting already, the lookup is not retried (counted). */
static void retry_add(struct pcg_names *n, const char *uid, const char *id, __u64 now)
{
	struct retry *r;
	unsigned i;

	if (!n->nr_free && !retry_grow(n)) {
		n->st.not_retried++;
		return;
	}
	i = n->free_idx[--n->nr_free];
	r = &n->retry[i];
	snprintf(r->uid, sizeof(r->uid), "%s", uid);
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->first = now;
	r->key = object_key(uid, id);
	r->queued = true;
	r->gone = false;
	r->hnext = n->rchain[r->key & (n->retry_cap - 1)];
	n->rchain[r->key & (n->retry_cap - 1)] = (int)i;
	queue_push(n, &n->queue[0], i);
}

/* The pod or container of @key went away: its retries stop (names found later would come
 * after its last line, and wait in the correlator for a cgroup that does not come).  Its
 * entry is found through its key's chain; it leaves its queue when due. */
static void retry_cancel(struct pcg_names *n, __u64 key)
{
	for (int i = n->rchain[key & (n->retry_cap - 1)]; i >= 0; i = n->retry[i].hnext)
		if (n->retry[i].key == key && !n->retry[i].gone) {
			n->retry[i].gone = true;
			n->st.cancelled++;
		}
}

static void retry_due(struct pcg_names *n, __u64 ts, pcg_names_feed_fn feed, void *ctx)
{
	__u64 now;

	if (n->nr_free == n->retry_cap)
		return; /* the common case: no clock read per record */
	/* the record's time (CLOCK_BOOTTIME too): no clock read per record while retries wait */
	now = ts ? ts : pcg_boottime_ns();
	if (now < n->last_poll + RETRY_POLL_NS)
		return;
	n->last_poll = now;
	/* the last attempt's queue first: an entry moved on is not tried twice in one poll */
	for (unsigned k = NR_ATTEMPTS; k-- > 0;) {
		struct retry_queue *q = &n->queue[k];

		while (q->len && now >= n->retry[q->idx[q->head]].first + retry_after_ns[k]) {
			unsigned i = queue_pop(n, q);
			struct retry *r = &n->retry[i];

			if (!r->gone)
				n->st.retried++;
			if (r->gone || lookup(n, r->uid, r->id, 0, ts, feed, ctx) ||
			    k + 1 == NR_ATTEMPTS) {
				/* found, gone, or given up: reported without names */
				retry_free(n, i);
			} else {
				queue_push(n, &n->queue[k + 1], i);
			}
		}
	}
}

void pcg_names__share_path_memo(struct pcg_names *n, struct pcg_cgpath_memo *m)
{
	if (n)
		n->memo = m;
}

static int parse(struct pcg_names *n, const char *path, size_t len, struct pcg_cgpath *ret)
{
	return n->memo ? pcg_cgpath_parse_memo(n->memo, path, len, ret) :
			 pcg_cgpath_parse(path, len, ret);
}

void pcg_names__before(struct pcg_names *n, const void *rec, size_t len, pcg_names_feed_fn feed,
		       void *ctx)
{
	const struct pcg_ev_hdr *h = rec;
	struct pcg_event ev;
	struct pcg_cgpath pp;
	const char *id, *name;
	__u64 hname;

	if (!n || len < sizeof(*h))
		return;
	retry_due(n, h->ts, feed, ctx);
	if (h->type == PCG_EV_CGROUP_RMDIR && n->nr_free < n->retry_cap) {
		if (pcg_decode(rec, len, &ev) || !ev.str || parse(n, ev.str, ev.str_len, &pp) ||
		    !pp.pod_uid[0] || (pp.kind != PCG_CG_POD && pp.kind != PCG_CG_CONTAINER))
			return;
		retry_cancel(n, object_key(pp.pod_uid,
					   pp.kind == PCG_CG_CONTAINER ? pp.container_id : ""));
		return;
	}
	if (h->type != PCG_EV_CGROUP_MKDIR && h->type != PCG_EV_EXISTING_CGROUP)
		return;
	if (pcg_decode(rec, len, &ev) || !ev.str)
		return;
	/* the same pod or container in the next hierarchy: its cgroup's name was seen, no parse */
	name = memrchr(ev.str, '/', ev.str_len);
	name = name ? name + 1 : ev.str;
	hname = key_hash(name, ev.str + ev.str_len - name) ^ 0x9e3779b97f4a7c15ull;
	if (seen_has(n, hname))
		return;
	if (parse(n, ev.str, ev.str_len, &pp) || !pp.pod_uid[0] ||
	    (pp.kind != PCG_CG_POD && pp.kind != PCG_CG_CONTAINER))
		return; /* sub-cgroups may be made by a runtime nested in the container */
	seen(n, hname);
	id = pp.kind == PCG_CG_CONTAINER ? pp.container_id : "";
	if (seen(n, object_key(pp.pod_uid, id)))
		return;
	n->st.lookups++;
	pcg_dbg("names: lookup of %s, %llu us after its event", id[0] ? id : pp.pod_uid,
		(unsigned long long)(pcg_boottime_ns() - ev.ts) / 1000);
	if (!lookup(n, pp.pod_uid, id, ev.type == PCG_EV_CGROUP_MKDIR ? (int)ev.writer_pid : 0,
		    ev.ts, feed, ctx))
		retry_add(n, pp.pod_uid, id, pcg_boottime_ns());
}
