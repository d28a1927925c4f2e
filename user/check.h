/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* check.h - --check: can this node be traced, and if not, why not.
 *
 * check.c (impure) gathers the facts without changing anything lasting: the kernel release,
 * BTF, one trivial BPF object per feature the tracer needs (a ring buffer; a tp_btf program
 * per tracepoint, loaded, attached and detached at once, as `bpftool feature probe` does),
 * the cgroup layout exactly as the tracer reads it (pcg_scan_layout), the effective
 * capabilities, the namespaces, the container runtimes' state directories.
 * check_report.c (pure) turns the facts into a verdict with reasons and warnings, and formats
 * them as a table or as one JSON object.  Exit 0 when tracing would work, 1 otherwise.
 */
#ifndef __PCG_CHECK_H
#define __PCG_CHECK_H

#include <linux/types.h>
#include <stdbool.h>

#include "scan.h"

struct pcg_opts;
struct pcg_sbuf;

#define PCG_CHECK_NR_TP	 6
#define PCG_CHECK_NR_RT	 16
#define PCG_CHECK_NR_MSG 32

/* The tracepoints the BPF side attaches to (bpf/podcg.bpf.c), in this order. */
extern const char *const pcg_check_tp_names[PCG_CHECK_NR_TP];

enum pcg_check_ns {
	PCG_CHECK_NS_PID,
	PCG_CHECK_NS_MNT,
	PCG_CHECK_NS_CGROUP,
	PCG_CHECK_NS_USER,
	PCG_CHECK_NR_NS,
};

struct pcg_check_facts {
	char kernel_release[65];
	int btf_err;		     /* 0: /sys/kernel/btf/vmlinux loads; else -errno */
	int ringbuf_err;	     /* creating a BPF ring buffer: 0 or -errno; 1 = not tried */
	int tp_btf_err;		     /* loading a tp_btf (tracing, raw tp) program */
	int tp_err[PCG_CHECK_NR_TP]; /* load + attach + detach, per tracepoint */
	int layout_err;		     /* pcg_scan_layout(): 0 or -errno */
	struct pcg_layout layout;    /* valid when layout_err == 0 */
	bool caps_known;	     /* CapEff read from /proc/self/status */
	__u64 cap_eff;
	unsigned euid;
	__u64 ns_ino[PCG_CHECK_NR_NS];	 /* our namespaces' inode numbers, 0 = unreadable */
	int ns_initial[PCG_CHECK_NR_NS]; /* 1 initial, 0 not, -1 cannot tell */
	unsigned nr_rt;
	const char *rt_dirs[PCG_CHECK_NR_RT]; /* runtime state directories found */
};

struct pcg_check_verdict {
	bool ok;
	unsigned nr_reasons, nr_warnings;
	char reasons[PCG_CHECK_NR_MSG][320];  /* why tracing would not work */
	char warnings[PCG_CHECK_NR_MSG][320]; /* what would work only in part */
};

/* Pure: the verdict from the facts. */
void pcg_check_decide(const struct pcg_check_facts *f, struct pcg_check_verdict *ret);
/* Pure: the report, a table or (@json) one JSON object, '\n'-terminated. */
void pcg_check_format(struct pcg_sbuf *sb, const struct pcg_check_facts *f,
		      const struct pcg_check_verdict *v, bool json);

/* Impure: gathers the facts (check.c). */
void pcg_check_gather(bool all_hier, struct pcg_check_facts *ret);
/* Impure: --check: gathers, decides, prints to stdout.  Returns the exit code (0 or 1). */
int pcg_check_run(const struct pcg_opts *o);

#endif /* __PCG_CHECK_H */
