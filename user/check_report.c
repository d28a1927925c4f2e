/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* check_report.c - --check: facts -> verdict -> table or JSON (pure). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fmt.h"
#include "sbuf.h"

const char *const pcg_check_tp_names[PCG_CHECK_NR_TP] = {
	"cgroup_mkdir",	      "cgroup_rmdir",	    "cgroup_attach_task",
	"sched_process_fork", "sched_process_exec", "sched_process_exit",
};

static const char *const ns_names[PCG_CHECK_NR_NS] = { "pid", "mnt", "cgroup", "user" };

/* The capabilities that matter to the tracer (bit numbers from linux/capability.h). */
enum {
	CAP_DAC_READ_SEARCH_ = 2,
	CAP_SYS_PTRACE_ = 19,
	CAP_SYS_ADMIN_ = 21,
	CAP_SYS_RESOURCE_ = 24,
	CAP_PERFMON_ = 38,
	CAP_BPF_ = 39,
};

static const struct {
	int bit;
	const char *name;
	const char *why;
} caps[] = {
	{ CAP_BPF_, "CAP_BPF", "load BPF programs and maps" },
	{ CAP_PERFMON_, "CAP_PERFMON", "attach tracing programs" },
	{ CAP_SYS_ADMIN_, "CAP_SYS_ADMIN", "stands in for CAP_BPF and CAP_PERFMON" },
	{ CAP_SYS_RESOURCE_, "CAP_SYS_RESOURCE", "lock BPF memory on kernels before 5.11" },
	{ CAP_SYS_PTRACE_, "CAP_SYS_PTRACE", "read other processes' namespaces and command lines" },
	{ CAP_DAC_READ_SEARCH_, "CAP_DAC_READ_SEARCH",
	  "read every cgroup directory and /proc entry" },
};

static bool has_cap(const struct pcg_check_facts *f, int bit)
{
	return f->caps_known && (f->cap_eff >> bit) & 1;
}

static void add_msg(char (*list)[320], unsigned *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_msg(char (*list)[320], unsigned *n, const char *fmt, ...)
{
	va_list ap;

	if (*n >= PCG_CHECK_NR_MSG)
		return;
	va_start(ap, fmt);
	vsnprintf(list[*n], sizeof(list[0]), fmt, ap);
	va_end(ap);
	(*n)++;
}

#define REASON(...)  add_msg(v->reasons, &v->nr_reasons, __VA_ARGS__)
#define WARNING(...) add_msg(v->warnings, &v->nr_warnings, __VA_ARGS__)

/* strerror() is not for a pure module (locale); the errors a probe meets, by name. */
static const char *err_name(int err)
{
	switch (-err) {
	case 0:
		return "ok";
	case 1:
		return "EPERM (operation not permitted)";
	case 2:
		return "ENOENT (not found)";
	case 3:
		return "ESRCH (no such type in the kernel's BTF)";
	case 7:
		return "E2BIG";
	case 12:
		return "ENOMEM";
	case 13:
		return "EACCES (permission denied)";
	case 14:
		return "EFAULT";
	case 16:
		return "EBUSY";
	case 22:
		return "EINVAL (not supported by this kernel)";
	case 38:
		return "ENOSYS (no bpf() system call)";
	case 95:
		return "EOPNOTSUPP (not supported)";
	case 524:
		return "ENOTSUPP (not supported)";
	default:
		return "error";
	}
}

static bool kernel_before(const char *release, int major, int minor)
{
	char *end;
	long ma = strtol(release, &end, 10), mi = 0;

	if (end == release)
		return false;
	if (*end == '.')
		mi = strtol(end + 1, NULL, 10);
	return ma < major || (ma == major && mi < minor);
}

static const char *mode_name(unsigned mode)
{
	return mode == 3 ? "hybrid" : mode == 2 ? "v2" : mode == 1 ? "v1" : "none";
}

static bool perm_err(int err)
{
	return err == -1 || err == -13;
}

void pcg_check_decide(const struct pcg_check_facts *f, struct pcg_check_verdict *v)
{
	bool admin = has_cap(f, CAP_SYS_ADMIN_), denied = false;

	memset(v, 0, sizeof(*v));
	if (f->btf_err)
		REASON("no kernel BTF at /sys/kernel/btf/vmlinux (%s): the kernel needs "
		       "CONFIG_DEBUG_INFO_BTF",
		       err_name(f->btf_err));
	if (!f->caps_known)
		WARNING("cannot read the effective capabilities from /proc/self/status");
	if (f->caps_known && !has_cap(f, CAP_BPF_) && !admin)
		REASON("missing capability CAP_BPF (or CAP_SYS_ADMIN): needed to load BPF programs "
		       "and maps");
	if (f->caps_known && !has_cap(f, CAP_PERFMON_) && !admin)
		REASON("missing capability CAP_PERFMON (or CAP_SYS_ADMIN): needed to attach "
		       "tracing programs");
	if (f->caps_known && !has_cap(f, CAP_SYS_RESOURCE_) &&
	    kernel_before(f->kernel_release, 5, 11))
		REASON("missing capability CAP_SYS_RESOURCE: kernel %s charges BPF memory to "
		       "RLIMIT_MEMLOCK",
		       f->kernel_release);
	if (f->ringbuf_err && f->ringbuf_err != 1) {
		REASON("cannot create a BPF ring buffer: %s%s", err_name(f->ringbuf_err),
		       f->ringbuf_err == -22 ? " (ring buffers need Linux 5.8)" : "");
		denied |= perm_err(f->ringbuf_err);
	}
	if (f->tp_btf_err && f->tp_btf_err != 1) {
		REASON("cannot load a tp_btf program: %s%s", err_name(f->tp_btf_err),
		       f->tp_btf_err == -22 ? " (BTF-enabled tracepoints need Linux 5.5)" : "");
		denied |= perm_err(f->tp_btf_err);
	}
	for (int i = 0; i < PCG_CHECK_NR_TP; i++)
		if (f->tp_err[i] && f->tp_err[i] != 1 && !f->tp_btf_err) {
			REASON("tracepoint %s unusable: %s", pcg_check_tp_names[i],
			       err_name(f->tp_err[i]));
			denied |= perm_err(f->tp_err[i]);
		}
	if (denied && f->euid != 0 && has_cap(f, CAP_BPF_) && has_cap(f, CAP_PERFMON_))
		REASON("the kernel refuses BPF despite the capabilities (a security module or "
		       "kernel.unprivileged_bpf_disabled); run as root");
	if (f->layout_err)
		REASON("no cgroup filesystem visible in /proc/self/mountinfo (%s): in a container, "
		       "run with the host's PID namespace and CAP_SYS_PTRACE so the host's view is "
		       "read through /proc/1/root, or mount the host's /sys/fs/cgroup",
		       err_name(f->layout_err));
	else if (f->layout.mode == 1 && !f->layout.key_ctrl)
		REASON("cgroup v1 without a controller to key membership on (memory, pids, cpuset, "
		       "cpu, devices, freezer or blkio)");
	if (f->caps_known && !has_cap(f, CAP_SYS_PTRACE_))
		WARNING("missing capability CAP_SYS_PTRACE: containers running before tracing "
			"starts are reported without the processes it cannot inspect");
	if (f->caps_known && !has_cap(f, CAP_DAC_READ_SEARCH_) && f->euid != 0)
		WARNING("missing capability CAP_DAC_READ_SEARCH: unreadable cgroup directories "
			"are skipped by the start-up scan");
	if (f->ns_initial[PCG_CHECK_NS_PID] == 0)
		WARNING("runs in a non-initial PID namespace: processes are still reported with "
			"the host's PIDs, but the start-up scan sees only this namespace's");
	if (f->ns_initial[PCG_CHECK_NS_USER] == 0)
		WARNING("runs in a non-initial user namespace: the kernel allows BPF only to the "
			"initial one");
	if (!f->layout_err && f->ns_initial[PCG_CHECK_NS_CGROUP] == 0 && !f->layout.host_view)
		WARNING("runs in a non-initial cgroup namespace and cannot see the host's: cgroup "
			"paths of the start-up scan are relative to this namespace");
	if (f->ns_initial[PCG_CHECK_NS_MNT] == 0 && !f->layout.host_view)
		WARNING("runs in a non-initial mount namespace: the cgroup mounts found are this "
			"namespace's");
	v->ok = v->nr_reasons == 0;
}

/* --- formatting ------------------------------------------------------------------------ */

static void row(struct pcg_sbuf *sb, const char *what, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void row(struct pcg_sbuf *sb, const char *what, const char *status, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	pcg_sbuf_addf(sb, "%-30s %-6s ", what, status);
	pcg_sbuf_add_safe_text(sb, detail, strlen(detail));
	pcg_sbuf_addc(sb, '\n');
}

static const char *st(int err)
{
	return err == 1 ? "-" : err ? "FAIL" : "ok";
}

static void hier_flags(const struct pcg_layout *l, const struct pcg_hier_desc *h, char *buf,
		       size_t size)
{
	bool traced = h->id < 64 && (l->traced_mask >> h->id) & 1;

	snprintf(buf, size, "%s%s", traced ? "traced" : "not traced",
		 h->id && h->id == l->key_hier ? ", key v1 hierarchy (membership)" : "");
}

static void fmt_text(struct pcg_sbuf *sb, const struct pcg_check_facts *f,
		     const struct pcg_check_verdict *v)
{
	char what[64], flags[64];

	pcg_sbuf_addf(sb, "%-30s %-6s %s\n", "CHECK", "RESULT", "DETAIL");
	row(sb, "kernel", "ok", "%s", f->kernel_release);
	row(sb, "btf", st(f->btf_err), "/sys/kernel/btf/vmlinux%s%s", f->btf_err ? ": " : "",
	    f->btf_err ? err_name(f->btf_err) : "");
	row(sb, "bpf ring buffer", st(f->ringbuf_err), "%s",
	    f->ringbuf_err == 1 ? "not tried" : err_name(f->ringbuf_err));
	row(sb, "bpf tp_btf program", st(f->tp_btf_err), "%s",
	    f->tp_btf_err == 1 ? "not tried" : err_name(f->tp_btf_err));
	for (int i = 0; i < PCG_CHECK_NR_TP; i++) {
		snprintf(what, sizeof(what), "tracepoint %s", pcg_check_tp_names[i]);
		row(sb, what, st(f->tp_err[i]), "%s",
		    f->tp_err[i] == 1 ? "not tried" :
		    f->tp_err[i]      ? err_name(f->tp_err[i]) :
					"loaded, attached, detached");
	}
	if (f->layout_err) {
		row(sb, "cgroup mode", "FAIL", "no cgroup filesystem visible: %s",
		    err_name(f->layout_err));
	} else {
		const struct pcg_layout *l = &f->layout;

		row(sb, "cgroup mode", "ok", "%s%s", mode_name(l->mode),
		    l->host_view ? " (host view through /proc/1/root)" : "");
		for (unsigned i = 0; i < l->nr; i++) {
			const struct pcg_hier_desc *h = &l->h[i];

			snprintf(what, sizeof(what), "hierarchy %u %s", h->id,
				 h->id ? h->controllers : "cgroup2");
			hier_flags(l, h, flags, sizeof(flags));
			row(sb, what, "ok", "%s (%s)", h->mount, flags);
		}
		row(sb, "key v1 hierarchy", "ok", "%u%s", l->key_hier,
		    l->key_hier ? "" : " (none: pure cgroup v2)");
	}
	{
		char held[256] = "", missing[256] = "";

		for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
			char *dst = has_cap(f, caps[i].bit) ? held : missing;
			size_t n = strlen(dst);

			snprintf(dst + n, 256 - n, "%s%s", n ? " " : "", caps[i].name);
		}
		row(sb, "capabilities held", f->caps_known ? "ok" : "?",
		    "%s (euid %u, CapEff %016llx)", held[0] ? held : "none", f->euid,
		    (unsigned long long)f->cap_eff);
		row(sb, "capabilities missing", missing[0] ? "warn" : "ok", "%s",
		    missing[0] ? missing : "none");
	}
	for (int i = 0; i < PCG_CHECK_NR_NS; i++) {
		snprintf(what, sizeof(what), "namespace %s", ns_names[i]);
		row(sb, what,
		    f->ns_initial[i] == 1 ? "ok" :
		    f->ns_initial[i] == 0 ? "warn" :
					    "?",
		    "%s (inode %llu)",
		    f->ns_initial[i] == 1 ? "initial" :
		    f->ns_initial[i] == 0 ? "not initial" :
					    "cannot tell",
		    (unsigned long long)f->ns_ino[i]);
	}
	row(sb, "host cgroup hierarchy", f->layout_err ? "FAIL" : "ok", "%s",
	    f->layout_err	? "not reachable" :
	    f->layout.host_view ? "reachable through /proc/1/root" :
				  "reachable");
	{
		char dirs[1024] = "";

		for (unsigned i = 0; i < f->nr_rt; i++) {
			size_t n = strlen(dirs);

			snprintf(dirs + n, sizeof(dirs) - n, "%s%s", n ? " " : "", f->rt_dirs[i]);
		}
		row(sb, "runtime state directories", "-", "%s", f->nr_rt ? dirs : "none found");
	}
	for (unsigned i = 0; i < v->nr_warnings; i++) {
		pcg_sbuf_adds(sb, "warning: ");
		pcg_sbuf_add_safe_text(sb, v->warnings[i], strlen(v->warnings[i]));
		pcg_sbuf_addc(sb, '\n');
	}
	for (unsigned i = 0; i < v->nr_reasons; i++) {
		pcg_sbuf_adds(sb, "reason: ");
		pcg_sbuf_add_safe_text(sb, v->reasons[i], strlen(v->reasons[i]));
		pcg_sbuf_addc(sb, '\n');
	}
	pcg_sbuf_addf(sb, "verdict: %s\n", v->ok ? "tracing would work" : "tracing would NOT work");
}

static void json_s(struct pcg_sbuf *sb, const char *s)
{
	pcg_sbuf_add_json_str(sb, s, strlen(s));
}

static void json_probe(struct pcg_sbuf *sb, const char *key, int err)
{
	pcg_sbuf_addf(sb, "\"%s\":{\"ok\":%s,\"error\":", key, err ? "false" : "true");
	if (err)
		json_s(sb, err == 1 ? "not tried" : err_name(err));
	else
		pcg_sbuf_adds(sb, "null");
	pcg_sbuf_addc(sb, '}');
}

static void fmt_json(struct pcg_sbuf *sb, const struct pcg_check_facts *f,
		     const struct pcg_check_verdict *v)
{
	bool first;

	pcg_sbuf_addf(sb, "{\"schema\":%d,\"event\":\"check\",\"ok\":%s,\"kernel_release\":",
		      PCG_JSON_SCHEMA, v->ok ? "true" : "false");
	json_s(sb, f->kernel_release);
	pcg_sbuf_adds(sb, ",\"probes\":{");
	json_probe(sb, "btf", f->btf_err);
	pcg_sbuf_addc(sb, ',');
	json_probe(sb, "ringbuf", f->ringbuf_err);
	pcg_sbuf_addc(sb, ',');
	json_probe(sb, "tp_btf", f->tp_btf_err);
	for (int i = 0; i < PCG_CHECK_NR_TP; i++) {
		char key[64];

		snprintf(key, sizeof(key), "tracepoint/%s", pcg_check_tp_names[i]);
		pcg_sbuf_addc(sb, ',');
		json_probe(sb, key, f->tp_err[i]);
	}
	pcg_sbuf_adds(sb, "},\"cgroup\":");
	if (f->layout_err) {
		pcg_sbuf_adds(sb, "null");
	} else {
		const struct pcg_layout *l = &f->layout;

		pcg_sbuf_addf(sb,
			      "{\"mode\":\"%s\",\"host_view\":%s,\"key_v1_hierarchy\":%u,"
			      "\"hierarchies\":[",
			      mode_name(l->mode), l->host_view ? "true" : "false", l->key_hier);
		for (unsigned i = 0; i < l->nr; i++) {
			const struct pcg_hier_desc *h = &l->h[i];

			pcg_sbuf_addf(sb, "%s{\"id\":%u,\"controllers\":", i ? "," : "", h->id);
			json_s(sb, h->id ? h->controllers : "cgroup2");
			pcg_sbuf_adds(sb, ",\"mount\":");
			json_s(sb, h->mount);
			pcg_sbuf_addf(sb, ",\"traced\":%s,\"key\":%s}",
				      h->id < 64 && (l->traced_mask >> h->id) & 1 ? "true" :
										    "false",
				      h->id && h->id == l->key_hier ? "true" : "false");
		}
		pcg_sbuf_adds(sb, "]}");
	}
	pcg_sbuf_addf(sb, ",\"euid\":%u,\"capabilities\":{\"known\":%s,\"effective\":\"%016llx\"",
		      f->euid, f->caps_known ? "true" : "false", (unsigned long long)f->cap_eff);
	for (int pass = 0; pass < 2; pass++) {
		pcg_sbuf_addf(sb, ",\"%s\":[", pass ? "missing" : "held");
		first = true;
		for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
			if (has_cap(f, caps[i].bit) == (pass == 1))
				continue;
			pcg_sbuf_addf(sb, "%s\"%s\"", first ? "" : ",", caps[i].name);
			first = false;
		}
		pcg_sbuf_addc(sb, ']');
	}
	pcg_sbuf_adds(sb, "},\"namespaces\":{");
	for (int i = 0; i < PCG_CHECK_NR_NS; i++)
		pcg_sbuf_addf(sb, "%s\"%s\":{\"inode\":%llu,\"initial\":%s}", i ? "," : "",
			      ns_names[i], (unsigned long long)f->ns_ino[i],
			      f->ns_initial[i] == 1 ? "true" :
			      f->ns_initial[i] == 0 ? "false" :
						      "null");
	pcg_sbuf_addf(sb, "},\"host_hierarchy_reachable\":%s,\"runtime_dirs\":[",
		      f->layout_err ? "false" : "true");
	for (unsigned i = 0; i < f->nr_rt; i++) {
		if (i)
			pcg_sbuf_addc(sb, ',');
		json_s(sb, f->rt_dirs[i]);
	}
	pcg_sbuf_adds(sb, "],\"reasons\":[");
	for (unsigned i = 0; i < v->nr_reasons; i++) {
		if (i)
			pcg_sbuf_addc(sb, ',');
		json_s(sb, v->reasons[i]);
	}
	pcg_sbuf_adds(sb, "],\"warnings\":[");
	for (unsigned i = 0; i < v->nr_warnings; i++) {
		if (i)
			pcg_sbuf_addc(sb, ',');
		json_s(sb, v->warnings[i]);
	}
	pcg_sbuf_adds(sb, "]}\n");
}

void pcg_check_format(struct pcg_sbuf *sb, const struct pcg_check_facts *f,
		      const struct pcg_check_verdict *v, bool json)
{
	if (json)
		fmt_json(sb, f, v);
	else
		fmt_text(sb, f, v);
}
