/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* loader.c - BPF skeleton lifecycle and the ring buffer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "loader.h"
#include "log.h"
#include "podcg.skel.h"

/* The BPF ring buffer, read here rather than by libbpf's ring_buffer: libbpf maps the data
 * area twice in a row (a record that wraps is then contiguous), and since the kernel maps
 * every page of a ring buffer mapping at mmap time, the default 4 MiB counted 8 MiB of RSS.
 * One mapping here; the rare record that wraps is copied out. */
struct ring {
	int fd;
	size_t size, page;	 /* data bytes (a power of 2), page size */
	unsigned long *cons_pos; /* our page, read-write */
	unsigned long *prod_pos; /* the kernel's page, then the data, read-only */
	unsigned char *data;
	unsigned char *wrap; /* a wrapped record, copied */
	size_t wrap_cap;
};

struct pcg_loader {
	struct podcg_bpf *skel;
	struct ring rb;
	pcg_ring_fn fn;
	void *ctx;
	int err;	   /* first error returned by fn */
	unsigned budget;   /* records this consume may still take */
	unsigned consumed; /* records this consume took */
	unsigned cgroup;   /* ... of which cgroup events */
	int ncpu;
	bool complete; /* the in-kernel filter was declared complete */
	__u64 from_ns; /* membership_from_ns */
};

static int libbpf_verbosity;
static bool libbpf_quiet; /* a load that may fail for a known reason: no warnings either */

/* How long after the load the in-kernel filter is expected to be complete (seeded twice,
 * attached): processes started within it look the completion time up in the kernel (one
 * global read, ~200 ns here).  Past it, those started before completion are only marked by
 * pcg_loader__filter_complete's /proc walk, so an event of one of them between the attach
 * and that walk could be missed: start-up takes 0.1-0.5 s, hence a second. */
#define MEMBERSHIP_WINDOW_NS (1000ull * 1000 * 1000)

/* libbpf's warnings always (they say why a load or attach failed); its info and debug
 * messages (a verifier log runs to thousands of lines) only with -v. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if ((level != LIBBPF_WARN || libbpf_quiet) && libbpf_verbosity < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* The programs come twice (bpf/podcg.bpf.c, "Load time"): pcg_* walk kernel pointers
 * untrusted through bpf_rdonly_cast() (6.2+), which keeps the verifier from scanning vmlinux
 * BTF for every pointer it loads (load 206 -> 54 ms here); pcgc_* do without, for older
 * kernels.  Loads one set: @compat picks the second. */
static void pick_programs(struct podcg_bpf *skel, bool compat)
{
	struct bpf_program *p;

	for (p = bpf_object__next_program(skel->obj, NULL); p;
	     p = bpf_object__next_program(skel->obj, p)) {
		const char *name = bpf_program__name(p);
		char twin[64];

		if (!strncmp(name, "pcgc_", 5)) {
			bpf_program__set_autoload(p, compat);
			continue;
		}
		snprintf(twin, sizeof(twin), "pcgc_%s", name + 4);
		if (bpf_object__find_program_by_name(skel->obj, twin))
			bpf_program__set_autoload(p, !compat);
	}
}

/* Opens the object and sets its knobs; NULL (errno set) after saying why. */
static struct podcg_bpf *open_skel(struct pcg_loader *l, const struct pcg_loader_opts *opts,
				   bool compat)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	struct podcg_bpf *skel;
	int err;

	if (opts->verbose > 1)
		oopts.kernel_log_level = 1 | 2 | 4;
	skel = podcg_bpf__open_opts(&oopts);
	if (!skel) {
		err = -errno;
		pcg_err("cannot open the BPF object: %s", strerror(-err));
		errno = -err;
		return NULL;
	}
	skel->rodata->filter_all = opts->all;
	skel->rodata->hier_mask = opts->hier_mask;
	skel->rodata->v1_ctrl = opts->v1_ctrl;
	skel->rodata->v1_hier = opts->v1_hier;
	skel->rodata->membership_from_ns = l->from_ns;
	skel->rodata->membership_window_ns = MEMBERSHIP_WINDOW_NS;
	/* pcg_* need bpf_rdonly_cast (6.2+), so bpf_loop (5.17+) too; for pcgc_*, ask */
	skel->rodata->have_bpf_loop =
		!compat || libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_loop, NULL) == 1;
	err = bpf_map__set_max_entries(skel->maps.rb, opts->ringbuf_mb << 20);
	if (err) {
		pcg_err("cannot size the ring buffer: %s", strerror(-err));
		podcg_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	pick_programs(skel, compat);
	return skel;
}

struct pcg_loader *pcg_loader__load(const struct pcg_loader_opts *opts)
{
	struct pcg_loader *l = calloc(1, sizeof(*l));
	bool compat;
	int err;

	if (!l)
		return NULL;
	libbpf_verbosity = opts->verbose;
	libbpf_set_print(libbpf_print);
	l->ncpu = libbpf_num_possible_cpus();
	if (l->ncpu <= 0) {
		err = l->ncpu ?: -EINVAL;
		pcg_err("cannot count the possible CPUs: %s", strerror(-err));
		goto fail;
	}
	/* processes started from here on are seen by pcg_fork once attached; those started
	 * before the filter is complete are marked by pcg_loader__filter_complete */
	l->from_ns = pcg_boottime_ns();
	/* PODCG_BPF_COMPAT=1 loads the second set at once (tests: the path of older kernels) */
	compat = getenv("PODCG_BPF_COMPAT") && !strcmp(getenv("PODCG_BPF_COMPAT"), "1");
	l->skel = open_skel(l, opts, compat);
	if (!l->skel) {
		err = -errno;
		goto fail;
	}
	/* a kernel without bpf_rdonly_cast() refuses the first set: its warnings are noise
	 * (shown with -v), the second set says what is wrong if it fails too */
	libbpf_quiet = !opts->verbose && !compat;
	err = podcg_bpf__load(l->skel);
	libbpf_quiet = false;
	if (err && !compat) {
		pcg_dbg("the kernel refused the bpf_rdonly_cast programs (%s): loading the others",
			strerror(-err));
		podcg_bpf__destroy(l->skel);
		l->skel = open_skel(l, opts, true);
		if (!l->skel) {
			err = -errno;
			goto fail;
		}
		err = podcg_bpf__load(l->skel);
	}
	if (err) {
		if (err == -EACCES && geteuid() == 0)
			pcg_err("cannot load BPF programs: the kernel's verifier rejected them "
				"(-v shows its log)");
		else if (err == -EPERM || err == -EACCES)
			pcg_err("cannot load BPF programs: permission denied (run as root, or with "
				"CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)");
		else if (err == -ENOENT || err == -ESRCH)
			pcg_err("cannot load BPF programs: the kernel lacks a tracepoint or BTF type "
				"they need (kernel 5.8+ with BTF required; -v shows details)");
		else if (err == -EINVAL && bpf_map__fd(l->skel->maps.rb) < 0)
			pcg_err("cannot load BPF programs: this kernel has no BPF ring buffer (5.8+)");
		else
			pcg_err("cannot load BPF programs: %s (-v shows libbpf's log)",
				strerror(-err));
		goto fail;
	}
	return l;
fail:
	pcg_loader__free(l);
	errno = -err;
	return NULL;
}

int pcg_loader__track(struct pcg_loader *l, __u32 hier, __u64 cgid)
{
	struct pcg_cg_key k = { .cgid = cgid, .hier = hier };
	__u8 one = 1;

	if (bpf_map__update_elem(l->skel->maps.tracked, &k, sizeof(k), &one, sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

static int on_sample(struct pcg_loader *l, void *data, size_t len)
{
	const struct pcg_ev_hdr *h = data;
	int err;

	/* a record written in place was reserved at its largest: hand on what it holds */
	if (len >= sizeof(*h) && h->size >= sizeof(*h) && h->size < len)
		len = h->size;
	err = l->fn(l->ctx, data, len);

	if (err && !l->err)
		l->err = err;
	if (err)
		return err;
	l->consumed++;
	l->cgroup += len >= sizeof(*h) && h->type >= PCG_EV_CGROUP_MKDIR &&
		     h->type <= PCG_EV_CGROUP_ATTACH;
	/* enough for one turn of the loop: the record is consumed, the rest waits */
	return --l->budget ? 0 : -EAGAIN;
}

static int ring_open(struct ring *r, const struct bpf_map *map)
{
	void *p;

	r->fd = bpf_map__fd(map);
	r->page = sysconf(_SC_PAGESIZE);
	r->size = bpf_map__max_entries(map);
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->cons_pos = p;
	p = mmap(NULL, r->page + r->size, PROT_READ, MAP_SHARED, r->fd, r->page);
	if (p == MAP_FAILED)
		return -errno;
	r->prod_pos = p;
	r->data = (unsigned char *)p + r->page;
	return 0;
}

static void ring_close(struct ring *r)
{
	if (r->cons_pos)
		munmap(r->cons_pos, r->page);
	if (r->prod_pos)
		munmap(r->prod_pos, r->page + r->size);
	free(r->wrap);
	memset(r, 0, sizeof(*r));
}

/* What libbpf's ringbuf_process_ring() does, with one mapping: every committed record in
 * order, the consumer position released after each (the producer may reuse the space), until
 * the ring is empty, a record is still being written, or on_sample() says stop. */
static int ring_consume(struct pcg_loader *l)
{
	struct ring *r = &l->rb;
	unsigned long cons = __atomic_load_n(r->cons_pos, __ATOMIC_ACQUIRE), prod;
	const size_t mask = r->size - 1;
	bool more = true;
	int err = 0;

	while (more) {
		more = false;
		prod = __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE);
		while (cons < prod) {
			__u32 *hdr = (__u32 *)(r->data + (cons & mask));
			__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			size_t off, body;
			void *sample;

			if (len & BPF_RINGBUF_BUSY_BIT)
				return err;
			more = true;
			body = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			cons += (body + BPF_RINGBUF_HDR_SZ + 7) & ~7ul;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				off = ((unsigned char *)hdr - r->data) + BPF_RINGBUF_HDR_SZ;
				sample = r->data + (off & mask);
				if ((off & mask) + body > r->size) { /* it wraps: copy it out */
					size_t first = r->size - (off & mask);

					if (body > r->wrap_cap) {
						void *w = realloc(r->wrap, body);

						if (!w)
							return -ENOMEM;
						r->wrap = w;
						r->wrap_cap = body;
					}
					memcpy(r->wrap, sample, first);
					memcpy(r->wrap + first, r->data, body - first);
					sample = r->wrap;
				}
				err = on_sample(l, sample, body);
				if (err) {
					__atomic_store_n(r->cons_pos, cons, __ATOMIC_RELEASE);
					return err;
				}
			}
			__atomic_store_n(r->cons_pos, cons, __ATOMIC_RELEASE);
		}
	}
	return 0;
}

int pcg_loader__attach(struct pcg_loader *l, pcg_ring_fn fn, void *ctx)
{
	int err;

	l->fn = fn;
	l->ctx = ctx;
	err = ring_open(&l->rb, l->skel->maps.rb);
	if (err) {
		pcg_err("cannot set up the ring buffer: %s", strerror(-err));
		return err;
	}
	err = podcg_bpf__attach(l->skel);
	if (err) {
		pcg_err("cannot attach to the tracepoints: %s", strerror(-err));
		return err;
	}
	return 0;
}

int pcg_loader__fd(struct pcg_loader *l)
{
	return l->rb.fd; /* a ring buffer map is pollable: readable when records wait */
}

/* Processes started after @since_ns (CLOCK_BOOTTIME) get an "unknown" membership, so that
 * the kernel side decides them from their cgroups at their next event. */
static void mark_unknown_since(struct pcg_loader *l, __u64 since_ns)
{
	int mfd = bpf_map__fd(l->skel->maps.membership);
	long hz = sysconf(_SC_CLK_TCK);
	__u64 tick = hz > 0 ? 1000000000ull / hz : 10000000ull;
	__u32 unknown = 0;
	struct dirent *d;
	DIR *dir = opendir("/proc");

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		char path[64], buf[1024], *p;
		unsigned long long start = 0;
		int pid = atoi(d->d_name), fd, pfd, n;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		p = strrchr(buf, ')');
		/* after "(comm)": state is field 3, starttime field 22 */
		if (!p || sscanf(p + 2,
				 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
				 "%*d %*d %*d %*d %llu",
				 &start) != 1)
			continue;
		if ((start + 2) * tick < since_ns)
			continue;
		pfd = syscall(SYS_pidfd_open, pid, 0);
		if (pfd < 0)
			continue;
		/* NOEXIST: a decision pcg_fork or pcg_cgroup_attach stored stays */
		bpf_map_update_elem(mfd, &pfd, &unknown, BPF_NOEXIST);
		close(pfd);
	}
	closedir(dir);
}

void pcg_loader__filter_complete(struct pcg_loader *l)
{
	__u64 now;

	if (l->complete)
		return;
	l->complete = true;
	now = pcg_boottime_ns();
	__atomic_store_n(&l->skel->data->filter_complete_ns, now, __ATOMIC_RELEASE);
	/* a slow start-up: processes started between the end of the window and now were
	 * decided at fork with the filter incomplete */
	if (now > l->from_ns + MEMBERSHIP_WINDOW_NS)
		mark_unknown_since(l, l->from_ns + MEMBERSHIP_WINDOW_NS);
}

int pcg_loader__consume(struct pcg_loader *l)
{
	int n;

	/* the caller seeds the filter before it consumes for the first time */
	pcg_loader__filter_complete(l);
	l->budget = PCG_LOADER_BUDGET;
	l->consumed = l->cgroup = 0;
	n = ring_consume(l);
	if (l->err)
		return l->err;
	if (n == -EAGAIN && !l->budget)
		return l->consumed; /* more waits: the caller's loop comes back at once */
	return n < 0 ? n : (int)l->consumed;
}

bool pcg_loader__arm_wakeup(struct pcg_loader *l)
{
	struct ring *r = &l->rb;

	__atomic_store_n(&l->skel->bss->consumer_asleep, 1, __ATOMIC_RELAXED);
	/* the other half of wake_consumer()'s pairing: our store before the load of the
	 * producer position, the program's commit (xchg) before its load of the flag */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE) ==
	    __atomic_load_n(r->cons_pos, __ATOMIC_RELAXED))
		return true;
	pcg_loader__disarm_wakeup(l);
	return false;
}

void pcg_loader__disarm_wakeup(struct pcg_loader *l)
{
	__atomic_store_n(&l->skel->bss->consumer_asleep, 0, __ATOMIC_RELAXED);
}

unsigned pcg_loader__cgroup_records(const struct pcg_loader *l)
{
	return l->cgroup;
}

void pcg_loader__set_lazy_until(struct pcg_loader *l, __u64 until_ns)
{
	__atomic_store_n(&l->skel->bss->consumer_lazy_until_ns, until_ns, __ATOMIC_RELAXED);
}

int pcg_loader__drops(struct pcg_loader *l, __u64 ret[PCG_LOST_SLOTS])
{
	__u64 *vals = calloc(l->ncpu, sizeof(*vals));

	if (!vals)
		return -ENOMEM;
	for (__u32 t = 0; t < PCG_LOST_SLOTS; t++) {
		ret[t] = 0;
		if (bpf_map__lookup_elem(l->skel->maps.drops, &t, sizeof(t), vals,
					 l->ncpu * sizeof(*vals), 0))
			continue;
		for (int c = 0; c < l->ncpu; c++)
			ret[t] += vals[c];
	}
	free(vals);
	return 0;
}

void pcg_loader__free(struct pcg_loader *l)
{
	if (!l)
		return;
	ring_close(&l->rb);
	podcg_bpf__destroy(l->skel);
	free(l);
}
