/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fmt_snapshot.c - --snapshot's text layout: pods, their containers, every process (pure). */
#include <string.h>

#include "cgpath.h"
#include "correlate.h"
#include "fmt.h"
#include "sbuf.h"

/* The namespace columns, in the order of the text format's ns= field. */
static const struct {
	const char *title;
	int slot;
} ns_cols[PCG_NS_COUNT] = {
	{ "MNT", PCG_NS_MNT },	     { "PIDNS", PCG_NS_PID }, { "NET", PCG_NS_NET },
	{ "IPC", PCG_NS_IPC },	     { "UTS", PCG_NS_UTS },   { "USER", PCG_NS_USER },
	{ "CGROUP", PCG_NS_CGROUP }, { "TIME", PCG_NS_TIME },
};

#define PROC_INDENT "    "

void pcg_fmt_snapshot_title(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts, __u64 ts,
			    unsigned long nr_pods, unsigned long nr_containers,
			    unsigned long nr_procs)
{
	pcg_sbuf_adds(sb, "SNAPSHOT");
	if (opts->node) {
		pcg_sbuf_adds(sb, " node=");
		pcg_sbuf_add_safe(sb, opts->node, strlen(opts->node));
	}
	pcg_sbuf_adds(sb, " time=");
	pcg_fmt_rfc3339(sb, (__s64)(ts + (__u64)opts->boot_to_realtime_ns));
	pcg_sbuf_addf(sb, " pods=%lu containers=%lu processes=%lu\n", nr_pods, nr_containers,
		      nr_procs);
}

void pcg_fmt_snapshot_pod(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts,
			  const struct pcg_out *out)
{
	const struct pcg_obj_info *o = out->obj;
	struct pcg_cgpath pp;

	if (!o || !o->pod_uid[0]) {
		pcg_sbuf_adds(sb, "POD - (outside Kubernetes)\n");
		return;
	}
	pcg_sbuf_addf(sb, "POD %s %s %s", o->pod_uid, pcg_qos_name(o->qos) ?: "-",
		      pcg_driver_name(o->driver) ?: "-");
	/* the pod's cgroup is the start of its container's */
	if (o->cgroup && !pcg_cgpath_parse(o->cgroup, strlen(o->cgroup), &pp) && pp.pod_end) {
		pcg_sbuf_adds(sb, " cgroup=");
		pcg_sbuf_add_safe(sb, o->cgroup, pp.pod_end);
	}
	pcg_sbuf_addc(sb, '\n');
}

void pcg_fmt_cmdline_text(struct pcg_sbuf *sb, const char *args, size_t len)
{
	/* /proc/PID/cmdline ends each argument with a NUL: no trailing space for the last */
	for (size_t off = 0; off < len;) {
		size_t n = strnlen(args + off, len - off);

		if (off)
			pcg_sbuf_addc(sb, ' ');
		pcg_sbuf_add_safe_text(sb, args + off, n); /* the last column: free text */
		off += n + 1;
	}
}

static void proc_line(struct pcg_sbuf *sb, const struct pcg_out_proc *p)
{
	const struct pcg_task *t = p->task;
	size_t start;

	pcg_sbuf_addf(sb, PROC_INDENT "%7u %7u %6u %6u ", t->tgid, t->ppid, t->nspid, t->uid);
	start = sb->len;
	pcg_sbuf_add_safe(sb, t->comm, sizeof(t->comm));
	do
		pcg_sbuf_addc(sb, ' ');
	while (sb->len - start < 16);
	for (int i = 0; i < PCG_NS_COUNT; i++) {
		__u32 ino = t->ns[ns_cols[i].slot];

		if (ino)
			pcg_sbuf_addf(sb, "%-10u ", ino);
		else
			pcg_sbuf_addf(sb, "%-10s ", "-");
	}
	if (!p->cmdline)
		pcg_sbuf_adds(sb, "-"); /* not known (a recording made without it) */
	else if (!p->cmdline_len) {
		/* a kernel thread or a zombie: ps shows the name in brackets */
		pcg_sbuf_addc(sb, '[');
		pcg_sbuf_add_safe(sb, t->comm, sizeof(t->comm));
		pcg_sbuf_addc(sb, ']');
	} else
		pcg_fmt_cmdline_text(sb, p->cmdline, p->cmdline_len);
	if (p->cmdline_cut)
		pcg_sbuf_adds(sb, " [cut]");
	pcg_sbuf_addc(sb, '\n');
}

void pcg_fmt_snapshot_container(struct pcg_sbuf *sb, const struct pcg_fmt_opts *opts,
				const struct pcg_out *out)
{
	const struct pcg_obj_info *o = out->obj;

	pcg_sbuf_addf(sb, "  CONTAINER %s %s", o && o->container_id[0] ? o->container_id : "-",
		      (o ? pcg_runtime_name(o->runtime) : NULL) ?: "runtime?");
	if (o && o->cgroup) {
		pcg_sbuf_adds(sb, " cgroup=");
		pcg_sbuf_add_safe(sb, o->cgroup, strlen(o->cgroup));
	}
	pcg_sbuf_addc(sb, '\n');
	pcg_sbuf_addf(sb, PROC_INDENT "%7s %7s %6s %6s %-15s", "PID", "PPID", "NSPID", "UID",
		      "COMM");
	for (int i = 0; i < PCG_NS_COUNT; i++)
		pcg_sbuf_addf(sb, " %-10s", ns_cols[i].title);
	pcg_sbuf_adds(sb, " COMMAND\n");
	for (size_t i = 0; i < out->nr_procs; i++)
		proc_line(sb, &out->procs[i]);
}
