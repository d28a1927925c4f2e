/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* check.c - --check: gathers the facts (impure), then check_report.c decides and formats.
 *
 * Every probe is a throw-away kernel object, closed at once: a 4 KiB ring buffer map, and per
 * tracepoint a two-instruction BPF_PROG_TYPE_TRACING program (expected_attach_type
 * BPF_TRACE_RAW_TP, attach_btf_id = the kernel's btf_trace_<name> typedef) that is attached
 * with bpf_raw_tracepoint_open() and detached by closing the link.  Nothing lasting changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "check.h"
#include "cli.h"
#include "log.h"
#include "sbuf.h"

/* The initial namespaces' inode numbers (include/linux/proc_ns.h); the mount namespace has
 * none. */
#define PROC_USER_INIT_INO   0xEFFFFFFDU
#define PROC_PID_INIT_INO    0xEFFFFFFCU
#define PROC_CGROUP_INIT_INO 0xEFFFFFFBU

static const char *const runtime_dirs[] = {
	"/run/containerd",
	"/run/k3s/containerd",
	"/run/containers/storage",
	"/var/lib/containers/storage",
	"/var/lib/docker",
	"/run/docker",
	"/run/runc",
	"/run/crun",
	"/run/crio",
	"/run/kata-containers",
	"/var/lib/kubelet",
	"/var/log/pods",
};

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!pcg_log_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int probe_ringbuf(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "pcg_check", 0, 0, 4096, NULL);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Loads (and with @attach, attaches then detaches) a program that returns 0 at @tp. */
static int probe_tp(const struct btf *btf, const char *tp, bool attach)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, po, .expected_attach_type = BPF_TRACE_RAW_TP);
	char name[64];
	int id, fd, link, err = 0;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -ESRCH;
	po.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "pcg_check", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), &po);
	if (fd < 0)
		return -errno;
	if (attach) {
		link = bpf_raw_tracepoint_open(NULL, fd);
		if (link < 0)
			err = -errno;
		else
			close(link);
	}
	close(fd);
	return err;
}

static void read_caps(struct pcg_check_facts *f)
{
	char line[256];
	FILE *st = fopen("/proc/self/status", "re");

	if (!st)
		return;
	while (fgets(line, sizeof(line), st))
		if (sscanf(line, "CapEff: %llx", (unsigned long long *)&f->cap_eff) == 1) {
			f->caps_known = true;
			break;
		}
	fclose(st);
}

static void read_ns(struct pcg_check_facts *f)
{
	static const char *const names[PCG_CHECK_NR_NS] = { "pid", "mnt", "cgroup", "user" };
	static const __u64 init_ino[PCG_CHECK_NR_NS] = { PROC_PID_INIT_INO, 0, PROC_CGROUP_INIT_INO,
							 PROC_USER_INIT_INO };
	char p[64];
	struct stat self, init;

	for (int i = 0; i < PCG_CHECK_NR_NS; i++) {
		f->ns_initial[i] = -1;
		snprintf(p, sizeof(p), "/proc/self/ns/%s", names[i]);
		if (stat(p, &self))
			continue;
		f->ns_ino[i] = self.st_ino;
		if (init_ino[i]) {
			f->ns_initial[i] = self.st_ino == init_ino[i];
			continue;
		}
		/* the mount namespace: PID 1's, when it is the host's init (initial pid ns) */
		snprintf(p, sizeof(p), "/proc/1/ns/%s", names[i]);
		if (f->ns_initial[PCG_CHECK_NS_PID] == 1 && stat(p, &init) == 0)
			f->ns_initial[i] = self.st_ino == init.st_ino && self.st_dev == init.st_dev;
	}
}

void pcg_check_gather(bool all_hier, struct pcg_check_facts *f)
{
	struct btf *btf;
	struct utsname un;
	struct stat st;

	memset(f, 0, sizeof(*f));
	if (uname(&un) == 0)
		snprintf(f->kernel_release, sizeof(f->kernel_release), "%s", un.release);
	f->euid = geteuid();
	read_caps(f);
	read_ns(f);
	libbpf_set_print(libbpf_quiet);
	btf = btf__load_vmlinux_btf();
	f->btf_err = btf ? 0 : (errno ? -errno : -ENOENT);
	f->ringbuf_err = probe_ringbuf();
	if (btf) {
		f->tp_btf_err = probe_tp(btf, pcg_check_tp_names[0], false);
		for (int i = 0; i < PCG_CHECK_NR_TP; i++)
			f->tp_err[i] = f->tp_btf_err ? 1 :
						       probe_tp(btf, pcg_check_tp_names[i], true);
	} else {
		f->tp_btf_err = 1;
		for (int i = 0; i < PCG_CHECK_NR_TP; i++)
			f->tp_err[i] = 1;
	}
	btf__free(btf);
	f->layout_err = pcg_scan_layout(all_hier, &f->layout);
	for (size_t i = 0; i < sizeof(runtime_dirs) / sizeof(runtime_dirs[0]); i++)
		if (f->nr_rt < PCG_CHECK_NR_RT && stat(runtime_dirs[i], &st) == 0 &&
		    S_ISDIR(st.st_mode))
			f->rt_dirs[f->nr_rt++] = runtime_dirs[i];
}

int pcg_check_run(const struct pcg_opts *o)
{
	struct pcg_check_facts f;
	struct pcg_check_verdict v;
	struct pcg_sbuf sb;
	int ret;

	pcg_check_gather(o->all_hier, &f);
	pcg_check_decide(&f, &v);
	pcg_sbuf_init(&sb);
	pcg_check_format(&sb, &f, &v, o->json);
	ret = fwrite(sb.buf, 1, sb.len, stdout) == sb.len && fflush(stdout) == 0 ? 0 : -1;
	pcg_sbuf_done(&sb);
	if (ret) {
		pcg_err("cannot write the report: %s", strerror(errno));
		return 1;
	}
	return v.ok ? 0 : 1;
}
