/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_check.c - --check's verdict and report on fixture facts: root on a hybrid node,
 * nobody, no cgroup filesystem, an old kernel without CAP_SYS_RESOURCE, a container. */
#include <string.h>

#include "check.h"
#include "jsonv.h"
#include "sbuf.h"
#include "test.h"

#define ALL_CAPS 0x000001ffffffffffull

static void root_hybrid(struct pcg_check_facts *f)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->kernel_release, "6.1.0-13-amd64");
	f->caps_known = true;
	f->cap_eff = ALL_CAPS;
	f->layout.mode = 3;
	f->layout.nr = 2;
	f->layout.h[0] = (struct pcg_hier_desc){ .id = 0, .mount = "/sys/fs/cgroup/unified" };
	f->layout.h[1] = (struct pcg_hier_desc){ .id = 4,
						 .controllers = "memory",
						 .mount = "/sys/fs/cgroup/memory" };
	f->layout.key_ctrl = PCG_V1_MEMORY;
	f->layout.key_hier = 4;
	f->layout.traced_mask = 1 | 1 << 4;
	for (int i = 0; i < PCG_CHECK_NR_NS; i++) {
		f->ns_initial[i] = 1;
		f->ns_ino[i] = 4026531835u + i;
	}
	f->nr_rt = 1;
	f->rt_dirs[0] = "/run/containerd";
}

static bool has_reason(const struct pcg_check_verdict *v, const char *s)
{
	for (unsigned i = 0; i < v->nr_reasons; i++)
		if (strstr(v->reasons[i], s))
			return true;
	return false;
}

static bool valid_json(const struct pcg_check_facts *f, const struct pcg_check_verdict *v,
		       struct pcg_sbuf *sb)
{
	const char *err = NULL;

	pcg_sbuf_reset(sb);
	pcg_check_format(sb, f, v, true);
	return ASSERT_TRUE(jv_line(sb->buf, sb->len, false, &err), err ? err : "JSON");
}

PCG_TEST(check_root_ok)
{
	struct pcg_check_facts f;
	struct pcg_check_verdict v;
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	root_hybrid(&f);
	pcg_check_decide(&f, &v);
	ASSERT_TRUE(v.ok, "tracing would work");
	ASSERT_EQ(v.nr_reasons, 0, "no reasons");
	ASSERT_EQ(v.nr_warnings, 0, "no warnings");
	valid_json(&f, &v, &sb);
	ASSERT_TRUE(strstr(sb.buf, "\"ok\":true") != NULL, "ok in JSON");
	ASSERT_TRUE(strstr(sb.buf, "\"mode\":\"hybrid\"") != NULL, "mode");
	ASSERT_TRUE(strstr(sb.buf, "{\"id\":4,\"controllers\":\"memory\",\"mount\":\"/sys/fs/"
				   "cgroup/memory\",\"traced\":true,\"key\":true}") != NULL,
		    "the key v1 hierarchy");
	ASSERT_TRUE(strstr(sb.buf, "\"tracepoint/sched_process_exec\":{\"ok\":true") != NULL,
		    "a tracepoint probe");
	ASSERT_TRUE(strstr(sb.buf, "\"missing\":[]") != NULL, "no capability missing");
	pcg_sbuf_reset(&sb);
	pcg_check_format(&sb, &f, &v, false);
	ASSERT_TRUE(strstr(sb.buf, "verdict: tracing would work\n") != NULL, "text verdict");
	ASSERT_TRUE(strstr(sb.buf, "hierarchy 4 memory") != NULL, "text hierarchy row");
	pcg_sbuf_done(&sb);
}

PCG_TEST(check_nobody)
{
	struct pcg_check_facts f;
	struct pcg_check_verdict v;
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	root_hybrid(&f);
	f.euid = 65534;
	f.cap_eff = 0;
	f.ringbuf_err = -1;
	f.tp_btf_err = -1;
	for (int i = 0; i < PCG_CHECK_NR_TP; i++)
		f.tp_err[i] = 1; /* not tried */
	pcg_check_decide(&f, &v);
	ASSERT_TRUE(!v.ok, "would not work");
	ASSERT_TRUE(has_reason(&v, "CAP_BPF"), "names CAP_BPF");
	ASSERT_TRUE(has_reason(&v, "CAP_PERFMON"), "names CAP_PERFMON");
	ASSERT_TRUE(has_reason(&v, "ring buffer: EPERM"), "the ring buffer probe");
	ASSERT_TRUE(!has_reason(&v, "tracepoint cgroup_mkdir"), "untried probes are no reason");
	ASSERT_TRUE(v.nr_warnings >= 2, "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH warnings");
	valid_json(&f, &v, &sb);
	ASSERT_TRUE(strstr(sb.buf, "\"missing\":[\"CAP_BPF\",\"CAP_PERFMON\"") != NULL,
		    "missing capabilities in JSON");
	pcg_sbuf_done(&sb);
}

PCG_TEST(check_no_cgroupfs_old_kernel_container)
{
	struct pcg_check_facts f;
	struct pcg_check_verdict v;
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	root_hybrid(&f);
	f.layout_err = -2;
	pcg_check_decide(&f, &v);
	ASSERT_TRUE(!v.ok && has_reason(&v, "no cgroup filesystem visible"), "no cgroupfs");
	valid_json(&f, &v, &sb);
	ASSERT_TRUE(strstr(sb.buf, "\"cgroup\":null") != NULL, "no layout in JSON");

	root_hybrid(&f);
	strcpy(f.kernel_release, "5.10.0-28-amd64");
	f.cap_eff &= ~(1ull << 24);
	pcg_check_decide(&f, &v);
	ASSERT_TRUE(!v.ok && has_reason(&v, "CAP_SYS_RESOURCE"), "memlock before 5.11");
	strcpy(f.kernel_release, "5.11.0");
	pcg_check_decide(&f, &v);
	ASSERT_TRUE(v.ok, "5.11 needs no CAP_SYS_RESOURCE");

	root_hybrid(&f);
	f.ns_initial[PCG_CHECK_NS_PID] = 0;
	f.ns_initial[PCG_CHECK_NS_CGROUP] = 0;
	f.tp_err[3] = -22;
	pcg_check_decide(&f, &v);
	ASSERT_TRUE(!v.ok && has_reason(&v, "tracepoint sched_process_fork unusable: EINVAL"),
		    "one tracepoint missing");
	ASSERT_EQ(v.nr_warnings, 2, "pid and cgroup namespace warnings");
	f.layout.host_view = true;
	pcg_check_decide(&f, &v);
	ASSERT_EQ(v.nr_warnings, 1, "the host view makes the cgroup namespace harmless");
	valid_json(&f, &v, &sb);
	pcg_sbuf_done(&sb);
}
