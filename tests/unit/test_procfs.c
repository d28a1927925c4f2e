/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_procfs.c - the /proc and cgroupfs parsers on fixture text, as the kernel prints it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgpath.h"
#include "procfs.h"
#include "test.h"

/* A hybrid host: v1 controllers, name=systemd, and cgroup2 at /sys/fs/cgroup/unified. */
static const char *const mountinfo_hybrid[] = {
	"25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n",
	"32 25 0:27 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n",
	"33 32 0:28 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 "
	"cgroup2 rw,nsdelegate\n",
	"34 32 0:29 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
	"cgroup rw,xattr,name=systemd\n",
	"37 32 0:32 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - "
	"cgroup cgroup rw,cpu,cpuacct\n",
	"40 32 0:35 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:17 - cgroup "
	"cgroup rw,memory\n",
	/* a bind mount of a sub-tree of the memory hierarchy: not its root */
	"90 30 0:35 /kubepods /mnt/kp rw,relatime shared:17 - cgroup cgroup rw,memory\n",
};

PCG_TEST(procfs_mountinfo_lines)
{
	struct pcg_mountinfo m;
	char line[512];

	snprintf(line, sizeof(line), "%s", mountinfo_hybrid[2]);
	if (ASSERT_OK(pcg_parse_mountinfo(line, &m), "cgroup2 line")) {
		ASSERT_STREQ(m.root, "/", "root");
		ASSERT_STREQ(m.mnt, "/sys/fs/cgroup/unified", "mount point");
		ASSERT_STREQ(m.fstype, "cgroup2", "fstype");
		ASSERT_STREQ(m.opts, "rw,nsdelegate", "super options");
		ASSERT_TRUE(pcg_mount_is_hier(&m, 0, ""), "is cgroup2");
		ASSERT_TRUE(!pcg_mount_is_hier(&m, 4, "memory"), "not a v1 hierarchy");
	}
	snprintf(line, sizeof(line), "%s", mountinfo_hybrid[4]);
	if (ASSERT_OK(pcg_parse_mountinfo(line, &m), "cpu,cpuacct line")) {
		ASSERT_TRUE(pcg_mount_is_hier(&m, 3, "cpu,cpuacct"), "both controllers");
		ASSERT_TRUE(!pcg_mount_is_hier(&m, 3, "cpu,cpuacct,memory"), "one missing");
		ASSERT_TRUE(!pcg_mount_is_hier(&m, 0, ""), "not cgroup2");
	}
	snprintf(line, sizeof(line), "%s", mountinfo_hybrid[3]);
	if (ASSERT_OK(pcg_parse_mountinfo(line, &m), "name=systemd line"))
		ASSERT_TRUE(pcg_mount_is_hier(&m, 1, "name=systemd"), "named hierarchy");
	snprintf(line, sizeof(line), "%s", mountinfo_hybrid[6]);
	if (ASSERT_OK(pcg_parse_mountinfo(line, &m), "bind mount line")) {
		ASSERT_STREQ(m.root, "/kubepods", "bind root");
		ASSERT_TRUE(!pcg_mount_is_hier(&m, 5, "memory"), "a sub-tree is not the hierarchy");
	}
	snprintf(line, sizeof(line), "%s", "36 25 0:31 / /x rw shared:1 - cgroup\n");
	ASSERT_EQ(pcg_parse_mountinfo(line, &m), -EINVAL, "no source and options");
	snprintf(line, sizeof(line), "%s", "garbage without separator\n");
	ASSERT_EQ(pcg_parse_mountinfo(line, &m), -EINVAL, "no ' - '");
	snprintf(line, sizeof(line), "%s", "1 2 - cgroup2 cgroup2 rw\n");
	ASSERT_EQ(pcg_parse_mountinfo(line, &m), -EINVAL, "too few fields before ' - '");
}

PCG_TEST(procfs_cgroup_lines)
{
	static const struct {
		const char *line;
		int err;
		__u32 id;
		const char *ctl, *path;
	} rows[] = {
		{ "0::/kubepods/besteffort/podx/abc\n", 0, 0, "", "/kubepods/besteffort/podx/abc" },
		{ "4:memory:/kubepods.slice\n", 0, 4, "memory", "/kubepods.slice" },
		{ "3:cpu,cpuacct:/\n", 0, 3, "cpu,cpuacct", "/" },
		{ "1:name=systemd:/a:b\n", 0, 1, "name=systemd", "/a:b" }, /* ':' in a path */
		{ "12:pids:/x", 0, 12, "pids", "/x" },			   /* no newline */
		{ "x:memory:/\n", -EINVAL, 0, NULL, NULL },
		{ "4:memory\n", -EINVAL, 0, NULL, NULL },
		{ "\n", -EINVAL, 0, NULL, NULL },
		{ "99999999999:memory:/\n", -EINVAL, 0, NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char line[256], *ctl = NULL, *path = NULL;
		__u32 id = 77;
		int err;

		snprintf(line, sizeof(line), "%s", rows[i].line);
		err = pcg_parse_cgroup_line(line, &id, &ctl, &path);
		if (!ASSERT_EQ(err, rows[i].err, rows[i].line) || err)
			continue;
		ASSERT_EQ(id, rows[i].id, rows[i].line);
		ASSERT_STREQ(ctl, rows[i].ctl, rows[i].line);
		ASSERT_STREQ(path, rows[i].path, rows[i].line);
	}
}

PCG_TEST(procfs_stat_and_status)
{
	/* a comm with spaces and ')' in it: the last ')' ends it */
	const char *stat = "4242 (my) proc (x)) S 17 4242 4242 0 -1 4194560 105 0 0 0 0 0 0 0 20 "
			   "0 1 0 123456 5525504 205 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 "
			   "0 17 1 0 0 0 0 0\n";
	const char *status = "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\n"
			     "NSpid:\t4242\t57\t1\nPPid:\t17\nUid:\t1000\t1000\t1000\t1000\n"
			     "Gid:\t0\t0\t0\t0\n";
	char comm[PCG_COMM_LEN];
	__u32 ppid = 0, uid = 0, nspid = 0;
	__u64 start = 0;

	if (ASSERT_OK(pcg_parse_stat(stat, comm, &ppid, &start), "stat")) {
		ASSERT_STREQ(comm, "my) proc (x)", "comm up to the last ')'");
		ASSERT_EQ(ppid, 17, "ppid");
		ASSERT_EQ(start, 123456, "start time in ticks");
	}
	ASSERT_EQ(pcg_parse_stat("4242 (sleep S 17", comm, &ppid, &start), -EBADMSG, "no ')'");
	ASSERT_EQ(pcg_parse_stat("4242 (sleep) S 17 1 2", comm, &ppid, &start), -EBADMSG,
		  "cut before starttime");
	ASSERT_OK(pcg_parse_stat("1 (aaaaaaaaaaaaaaaaaaaaaaaa) S 0 1 1 0 -1 4194560 1 1 0 0 0 0 0 "
				 "0 20 0 1 0 9 0",
				 comm, &ppid, &start),
		  "long comm");
	ASSERT_EQ(strlen(comm), PCG_COMM_LEN - 1, "comm cut to the kernel's length");
	pcg_parse_status(status, &uid, &nspid);
	ASSERT_EQ(uid, 1000, "real uid");
	ASSERT_EQ(nspid, 1, "innermost pid");
	uid = nspid = 9;
	pcg_parse_status("Name:\tx\n", &uid, &nspid);
	ASSERT_EQ(uid, 9, "absent Uid leaves it");
	ASSERT_EQ(nspid, 9, "absent NSpid leaves it (kernels before 4.1)");
}

static int rt_of(const char *args, size_t len)
{
	return pcg_runtime_from_cmdline(args, len);
}

#define CMDLINE(s) rt_of(s, sizeof(s))

PCG_TEST(procfs_runtime_from_cmdline)
{
	ASSERT_EQ(CMDLINE("/usr/bin/containerd-shim-runc-v2\0-namespace\0moby\0-id\0abc\0"
			  "-address\0/run/containerd/containerd.sock"),
		  PCG_RT_DOCKER, "docker's shim");
	ASSERT_EQ(CMDLINE("/usr/bin/containerd-shim-runc-v2\0-namespace\0k8s.io\0-id\0abc"),
		  PCG_RT_CONTAINERD, "containerd's CRI shim");
	ASSERT_EQ(CMDLINE("containerd-shim\0--namespace\0moby"), PCG_RT_DOCKER, "--namespace");
	ASSERT_EQ(CMDLINE("/usr/bin/containerd-shim-runc-v2\0-namespace"), PCG_RT_CONTAINERD,
		  "-namespace without a value");
	ASSERT_EQ(CMDLINE("/usr/bin/conmon\0--api-version\0001\0-c\0abc\0--exit-command\0"
			  "/usr/bin/podman"),
		  PCG_RT_PODMAN, "podman's conmon");
	ASSERT_EQ(CMDLINE("/usr/libexec/crio/conmon\0-c\0abc\0-n\0k8s_app_pod_ns_uid_0"),
		  PCG_RT_CRIO, "CRI-O's conmon");
	ASSERT_EQ(CMDLINE("/usr/bin/dockerd\0-H\0fd://"), PCG_RT_UNKNOWN, "not a helper");
	ASSERT_EQ(CMDLINE("/bin/sh\0-c\0containerd-shim"), PCG_RT_UNKNOWN, "argv[0] decides");
	ASSERT_EQ(rt_of("containerd-shim", 15), PCG_RT_UNKNOWN, "not NUL-terminated");
	ASSERT_EQ(rt_of("", 0), PCG_RT_UNKNOWN, "empty");
}

static struct pcg_hier_desc hier(__u32 id, const char *ctl)
{
	struct pcg_hier_desc h = { .id = id };

	snprintf(h.controllers, sizeof(h.controllers), "%s", ctl);
	snprintf(h.mount, sizeof(h.mount), "/sys/fs/cgroup/x");
	return h;
}

PCG_TEST(procfs_layout_decide)
{
	struct pcg_layout l = { .nr = 4 };

	l.h[0] = hier(3, "cpu,cpuacct");
	l.h[1] = hier(7, "pids");
	l.h[2] = hier(4, "memory");
	l.h[3] = hier(0, "");
	if (ASSERT_OK(pcg_layout_decide(&l, false), "hybrid")) {
		ASSERT_EQ(l.mode, 3, "hybrid mode");
		ASSERT_EQ(l.key_ctrl, PCG_V1_MEMORY, "memory preferred over pids");
		ASSERT_EQ(l.key_hier, 4, "its id");
		ASSERT_EQ(l.traced_mask, (1ull << 0) | (1ull << 4), "cgroup2 + memory");
	}
	ASSERT_OK(pcg_layout_decide(&l, true), "all hierarchies");
	ASSERT_EQ(l.traced_mask, (1ull << 0) | (1ull << 3) | (1ull << 4) | (1ull << 7), "all");

	l = (struct pcg_layout){ .nr = 1 };
	l.h[0] = hier(0, "");
	ASSERT_OK(pcg_layout_decide(&l, false), "pure v2");
	ASSERT_EQ(l.mode, 2, "v2 mode");
	ASSERT_EQ(l.key_ctrl, PCG_V1_NONE, "no key v1 hierarchy");
	ASSERT_EQ(l.traced_mask, 1, "cgroup2 only");

	l = (struct pcg_layout){ .nr = 2 };
	l.h[0] = hier(1, "name=systemd");
	l.h[1] = hier(9, "cpuset");
	ASSERT_OK(pcg_layout_decide(&l, false), "pure v1");
	ASSERT_EQ(l.mode, 1, "v1 mode");
	ASSERT_EQ(l.key_ctrl, PCG_V1_CPUSET, "cpuset when nothing better");
	ASSERT_EQ(l.traced_mask, 1ull << 9, "the key hierarchy only");

	l = (struct pcg_layout){ .nr = 0 };
	ASSERT_EQ(pcg_layout_decide(&l, false), -ENOENT, "nothing mounted");
	ASSERT_TRUE(pcg_has_token("rw,cpu,cpuacct", "cpu"), "token");
	ASSERT_TRUE(!pcg_has_token("rw,cpuacct", "cpu"), "a prefix is not a token");
}
