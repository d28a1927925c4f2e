/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* loader.c - BPF skeleton lifecycle and the ring buffer. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "log.h"
#include "podcg.skel.h"

struct pcg_loader {
	struct podcg_bpf *skel;
	struct ring_buffer *rb;
	pcg_ring_fn fn;
	void *ctx;
	int err; /* first error returned by fn */
	int ncpu;
};

static int libbpf_verbosity;

/* libbpf's warnings always (they say why a load or attach failed); its info and debug
 * messages (a verifier log runs to thousands of lines) only with -v. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN && libbpf_verbosity < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

struct pcg_loader *pcg_loader__load(const struct pcg_loader_opts *opts)
{
	struct pcg_loader *l = calloc(1, sizeof(*l));
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	int err;

	if (!l)
		return NULL;
	libbpf_verbosity = opts->verbose;
	libbpf_set_print(libbpf_print);
	if (opts->verbose > 1)
		oopts.kernel_log_level = 1 | 2 | 4;
	l->ncpu = libbpf_num_possible_cpus();
	if (l->ncpu <= 0) {
		err = l->ncpu ?: -EINVAL;
		pcg_err("cannot count the possible CPUs: %s", strerror(-err));
		goto fail;
	}
	l->skel = podcg_bpf__open_opts(&oopts);
	if (!l->skel) {
		err = -errno;
		pcg_err("cannot open the BPF object: %s", strerror(-err));
		goto fail;
	}
	l->skel->rodata->filter_all = opts->all;
	l->skel->rodata->hier_mask = opts->hier_mask;
	l->skel->rodata->v1_ctrl = opts->v1_ctrl;
	l->skel->rodata->v1_hier = opts->v1_hier;
	if (opts->wake_interval_ns)
		l->skel->rodata->wake_interval_ns = opts->wake_interval_ns;
	err = bpf_map__set_max_entries(l->skel->maps.rb, opts->ringbuf_mb << 20);
	if (err) {
		pcg_err("cannot size the ring buffer: %s", strerror(-err));
		goto fail;
	}
	err = podcg_bpf__load(l->skel);
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

static int on_sample(void *ctx, void *data, size_t len)
{
	struct pcg_loader *l = ctx;
	int err = l->fn(l->ctx, data, len);

	if (err && !l->err)
		l->err = err;
	return err;
}

int pcg_loader__attach(struct pcg_loader *l, pcg_ring_fn fn, void *ctx)
{
	int err;

	l->fn = fn;
	l->ctx = ctx;
	l->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.rb), on_sample, l, NULL);
	if (!l->rb) {
		err = -errno;
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
	return ring_buffer__epoll_fd(l->rb);
}

int pcg_loader__consume(struct pcg_loader *l)
{
	int n = ring_buffer__consume(l->rb);

	if (l->err)
		return l->err;
	return n;
}

void pcg_loader__set_active_until(struct pcg_loader *l, __u64 until_ns)
{
	__atomic_store_n(&l->skel->bss->consumer_active_until_ns, until_ns, __ATOMIC_RELAXED);
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
	ring_buffer__free(l->rb);
	podcg_bpf__destroy(l->skel);
	free(l);
}
