/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_fmt.c - the formatters: exact JSON lines (schema 1), timestamps, hostile text fields. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "correlate.h"
#include "fmt.h"
#include "jsonv.h"
#include "sbuf.h"
#include "test.h"

#define UID  "7e44ee88-1e65-4a16-8cdf-9a90c819180e"
#define UID_ "7e44ee88_1e65_4a16_8cdf_9a90c819180e"
#define CID  "4f1b8e0c2d3a49e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4"
#define POD  "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice"
#define CTR  POD "/cri-containerd-" CID ".scope"

/* 2026-11-27T07:31:02Z, the example in fmt.h */
#define EPOCH_2026 1795764662ll
#define NS	   1000000000ll
/* boot time 5.5 s, realtime 2026-11-27T07:31:02.123456789Z */
#define BOOT_TS 5500000000ull
#define OFF	(EPOCH_2026 * NS + 123456789ll - 5500000000ll)
#define TS	"2026-11-27T07:31:02.123456789Z"

#define NS_JSON                                                                                \
	"\"ns\":{\"mnt\":4026532001,\"uts\":4026532002,\"ipc\":4026532003,\"pid\":4026532004," \
	"\"net\":4026532005,\"user\":4026531837,\"cgroup\":4026532007,\"time\":4026531834}"
#define TASK_JSON "\"pid\":4101,\"nspid\":1,\"ppid\":4000,\"uid\":65534,\"comm\":\"pause\"," NS_JSON
#define POD_JSON             \
	"\"pod_uid\":\"" UID \
	"\",\"pod_name\":null,\"pod_namespace\":null,\"qos\":\"besteffort\",\"driver\":\"systemd\""
#define CTR_JSON                                              \
	POD_JSON                                              \
	",\"runtime\":\"containerd\",\"container_id\":\"" CID \
	"\",\"container_name\":null,\"container_type\":null,\"image\":null,\"sandbox_id\":null"
#define NULL_OBJ_JSON                                                                                                                                                                                                       \
	"\"pod_uid\":null,\"pod_name\":null,\"pod_namespace\":null,\"qos\":null,\"driver\":null,\"runtime\":null,\"container_id\":null,\"container_name\":null,\"container_type\":null,\"image\":null,\"sandbox_id\":null," \
	"\"cgroup\":null"

static struct pcg_obj_info pod_info, ctr_info;
static struct pcg_task task;

static void fixtures(void)
{
	memset(&pod_info, 0, sizeof(pod_info));
	strcpy(pod_info.pod_uid, UID);
	pod_info.qos = PCG_QOS_BESTEFFORT;
	pod_info.driver = PCG_DRIVER_SYSTEMD;
	pod_info.cgroup = POD;
	pod_info.nr_ids = 2;
	pod_info.ids[0] = (struct pcg_hier_id){ .hier = 0, .cgid = 1001 };
	pod_info.ids[1] = (struct pcg_hier_id){ .hier = 4, .cgid = 2001 };

	ctr_info = pod_info;
	strcpy(ctr_info.container_id, CID);
	ctr_info.runtime = PCG_RT_CONTAINERD;
	ctr_info.cgroup = CTR;
	ctr_info.ids[0].cgid = 1002;
	ctr_info.ids[1].cgid = 18446744073709551615ull; /* full 64-bit ids survive */

	memset(&task, 0, sizeof(task));
	task.pid = 4100;
	task.tgid = 4101;
	task.ppid = 4000;
	task.nspid = 1;
	task.uid = 65534;
	task.start_ns = 123;
	task.cg_dfl = 1002;
	task.ns[PCG_NS_MNT] = 4026532001u;
	task.ns[PCG_NS_UTS] = 4026532002u;
	task.ns[PCG_NS_IPC] = 4026532003u;
	task.ns[PCG_NS_PID] = 4026532004u;
	task.ns[PCG_NS_NET] = 4026532005u;
	task.ns[PCG_NS_USER] = 4026531837u;
	task.ns[PCG_NS_CGROUP] = 4026532007u;
	task.ns[PCG_NS_TIME] = 4026531834u;
	strcpy(task.comm, "pause");
}

static const struct pcg_fmt_opts json_opts = { .json = true, .boot_to_realtime_ns = OFF };
static const struct pcg_fmt_opts text_opts = { .json = false, .boot_to_realtime_ns = OFF };

/* Formats @out, checks it is one valid JSON line and equals @want. */
static bool json_is(const struct pcg_out *out, const char *want, const char *what)
{
	struct pcg_sbuf sb;
	const char *err = NULL;
	bool ok;

	pcg_sbuf_init(&sb);
	pcg_fmt_record(&sb, &json_opts, out);
	ok = ASSERT_TRUE(!sb.oom, what);
	if (!jv_line(sb.buf, sb.len, false, &err)) {
		fprintf(stderr, "%s: not a valid JSON line (%s): %s", what, err, sb.buf);
		ok = ASSERT_TRUE(false, what);
	}
	ok = ASSERT_STREQ(sb.buf, want, what) && ok;
	pcg_sbuf_done(&sb);
	return ok;
}

static const char *rfc3339(struct pcg_sbuf *sb, long long ns)
{
	pcg_sbuf_reset(sb);
	pcg_fmt_rfc3339(sb, ns);
	return sb->buf;
}

/* A text line: printable ASCII only, then exactly one '\n' at the end. */
static bool text_clean(const char *s, size_t len)
{
	if (!len || s[len - 1] != '\n')
		return false;
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* ---- timestamps -------------------------------------------------------------------------- */

PCG_TEST(fmt_rfc3339)
{
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	ASSERT_STREQ(rfc3339(&sb, 0), "1970-01-01T00:00:00.000000000Z", "epoch");
	ASSERT_STREQ(rfc3339(&sb, 1), "1970-01-01T00:00:00.000000001Z", "1 ns");
	ASSERT_STREQ(rfc3339(&sb, 999999999), "1970-01-01T00:00:00.999999999Z", "frac max");
	ASSERT_STREQ(rfc3339(&sb, NS), "1970-01-01T00:00:01.000000000Z", "1 s");
	ASSERT_STREQ(rfc3339(&sb, EPOCH_2026 * NS + 123456789), TS, "fmt.h example");
	ASSERT_STREQ(rfc3339(&sb, 946684800ll * NS), "2000-01-01T00:00:00.000000000Z", "Y2K");
	ASSERT_STREQ(rfc3339(&sb, 1709251199ll * NS + 500000000), "2024-02-29T23:59:59.500000000Z",
		     "leap day");
	ASSERT_STREQ(rfc3339(&sb, 1709251200ll * NS), "2024-03-01T00:00:00.000000000Z",
		     "after the leap day");
	/* before the epoch: the fraction stays positive, the second borrows */
	ASSERT_STREQ(rfc3339(&sb, -1), "1969-12-31T23:59:59.999999999Z", "-1 ns");
	ASSERT_STREQ(rfc3339(&sb, -NS), "1969-12-31T23:59:59.000000000Z", "-1 s");
	ASSERT_STREQ(rfc3339(&sb, -NS - 1), "1969-12-31T23:59:58.999999999Z", "-1 s - 1 ns");
	ASSERT_STREQ(rfc3339(&sb, -1500000000), "1969-12-31T23:59:58.500000000Z", "-1.5 s");
	/* the ends of the range */
	ASSERT_STREQ(rfc3339(&sb, 9223372036854775807ll), "2262-04-11T23:47:16.854775807Z",
		     "INT64_MAX");
	ASSERT_STREQ(rfc3339(&sb, -9223372036854775807ll - 1), "1677-09-21T00:12:43.145224192Z",
		     "INT64_MIN");
	pcg_sbuf_done(&sb);
}

/* The record's ts is boot time; the offset turns it into wall-clock time, carries included. */
PCG_TEST(fmt_json_ts_offset)
{
	static const struct {
		unsigned long long ts;
		long long off;
		const char *want;
	} c[] = {
		{ BOOT_TS, OFF, TS },
		{ 0, 0, "1970-01-01T00:00:00.000000000Z" },
		/* sub-second parts that carry into the next second */
		{ 999999999, 1, "1970-01-01T00:00:01.000000000Z" },
		{ 600000000, 700000000, "1970-01-01T00:00:01.300000000Z" },
		{ 999999999, 999999999, "1970-01-01T00:00:01.999999998Z" },
		{ 1, EPOCH_2026 * NS - 1, "2026-11-27T07:31:02.000000000Z" },
		/* a negative offset, with a borrow */
		{ NS, -2500000000ll, "1969-12-31T23:59:58.500000000Z" },
		{ 500000000, -NS, "1969-12-31T23:59:59.500000000Z" },
		{ 3 * NS + 100, -(2 * NS + 200), "1970-01-01T00:00:00.999999900Z" },
		{ 86400ull * NS, EPOCH_2026 * NS - 86400ll * NS, "2026-11-27T07:31:02.000000000Z" },
	};
	static const __u64 lost[PCG_LOST_SLOTS];

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pcg_fmt_opts o = { .json = true, .boot_to_realtime_ns = c[i].off };
		struct pcg_out out = { .kind = PCG_OUT_LOST, .ts = c[i].ts, .lost = lost };
		struct pcg_sbuf sb;
		char want[128];

		snprintf(want, sizeof(want),
			 "{\"schema\":1,\"ts\":\"%s\",\"event\":\"lost\",\"counts\":{},"
			 "\"total\":0}\n",
			 c[i].want);
		pcg_sbuf_init(&sb);
		pcg_fmt_record(&sb, &o, &out);
		ASSERT_STREQ(sb.buf, want, c[i].want);
		pcg_sbuf_done(&sb);
	}
}

/* Runs @fn in a child process, so a sanitizer abort fails this test instead of the whole run. */
static bool run_isolated(bool (*fn)(void), const char *what)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return ASSERT_TRUE(false, "fork");
	if (pid == 0)
		_exit(fn() ? 0 : 1);
	if (waitpid(pid, &st, 0) != pid)
		return ASSERT_TRUE(false, "waitpid");
	if (WIFSIGNALED(st))
		fprintf(stderr, "%s: killed by signal %d\n", what, WTERMSIG(st));
	return ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0, what);
}

static bool ts_extreme(void)
{
	static const unsigned long long tss[] = { 0x7fffffffffffffffull, 0x8000000000000000ull,
						  0xffffffffffffffffull };
	static const long long offs[] = { OFF, -OFF };
	static const __u64 lost[PCG_LOST_SLOTS];
	bool ok = true;

	for (size_t i = 0; i < sizeof(tss) / sizeof(tss[0]); i++) {
		for (size_t k = 0; k < 2; k++) {
			struct pcg_fmt_opts o = { .json = true, .boot_to_realtime_ns = offs[k] };
			struct pcg_out out = { .kind = PCG_OUT_LOST, .ts = tss[i], .lost = lost };
			struct pcg_sbuf sb;

			pcg_sbuf_init(&sb);
			pcg_fmt_record(&sb, &o, &out);
			ok = ASSERT_TRUE(jv_line(sb.buf, sb.len, false, NULL), "valid JSON") && ok;
			o.json = false;
			pcg_sbuf_reset(&sb);
			pcg_fmt_record(&sb, &o, &out);
			ok = ASSERT_TRUE(text_clean(sb.buf, sb.len), "clean text") && ok;
			pcg_sbuf_done(&sb);
		}
	}
	return ok;
}

/* ts is an untrusted u64 from a record (a recording, the fuzzer); with a real offset,
 * ts + boot_to_realtime_ns must not overflow (signed overflow is UB; UBSan aborts). */
PCG_TEST(fmt_ts_extreme)
{
	run_isolated(ts_extreme, "extreme ts with a real boot_to_realtime offset");
}

/* ---- JSON records ------------------------------------------------------------------------ */

PCG_TEST(fmt_json_pod)
{
	struct pcg_out out = { .kind = PCG_OUT_POD_CREATE, .ts = BOOT_TS, .obj = &pod_info };

	fixtures();
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"pod_create\"," POD_JSON
		",\"cgroup\":\"" POD "\",\"cgroup_ids\":{\"0\":1001,\"4\":2001},"
		"\"hierarchies\":[0,4]}\n",
		"pod_create");
	out.kind = PCG_OUT_POD_REMOVE;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"pod_remove\"," POD_JSON
		",\"cgroup\":\"" POD "\",\"cgroup_ids\":{\"0\":1001,\"4\":2001}}\n",
		"pod_remove");
	/* a pod seen in one hierarchy; a cgroupfs guaranteed pod */
	pod_info.nr_ids = 1;
	pod_info.qos = PCG_QOS_GUARANTEED;
	pod_info.driver = PCG_DRIVER_CGROUPFS;
	pod_info.cgroup = "/kubepods/pod" UID;
	out.kind = PCG_OUT_POD_CREATE;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"pod_create\",\"pod_uid\":\"" UID
		"\",\"pod_name\":null,\"pod_namespace\":null,\"qos\":\"guaranteed\",\"driver\":\"cgroupfs\",\"cgroup\":\"/kubepods/pod" UID
		"\",\"cgroup_ids\":{\"0\":1001},\"hierarchies\":[0]}\n",
		"pod_create cgroupfs");
	/* nothing known of the hierarchies */
	pod_info.nr_ids = 0;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"pod_create\",\"pod_uid\":\"" UID
		"\",\"pod_name\":null,\"pod_namespace\":null,\"qos\":\"guaranteed\",\"driver\":\"cgroupfs\",\"cgroup\":\"/kubepods/pod" UID
		"\",\"cgroup_ids\":{},\"hierarchies\":[]}\n",
		"pod_create no ids");
}

PCG_TEST(fmt_json_container)
{
	struct pcg_out out = { .kind = PCG_OUT_CONTAINER_CREATE, .ts = BOOT_TS, .obj = &ctr_info };

	fixtures();
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"container_create\"," CTR_JSON
		",\"cgroup\":\"" CTR "\",\"cgroup_ids\":{\"0\":1002,\"4\":18446744073709551615},"
		"\"hierarchies\":[0,4]}\n",
		"container_create");
	out.kind = PCG_OUT_CONTAINER_REMOVE;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"container_remove\"," CTR_JSON
		",\"cgroup\":\"" CTR "\",\"cgroup_ids\":{\"0\":1002,\"4\":18446744073709551615}}\n",
		"container_remove");
	/* a bare 64-hex leaf: the runtime is unknown -> null */
	ctr_info.runtime = PCG_RT_UNKNOWN;
	ctr_info.driver = PCG_DRIVER_CGROUPFS;
	ctr_info.cgroup = "/kubepods/besteffort/pod" UID "/" CID;
	ctr_info.nr_ids = 1;
	out.kind = PCG_OUT_CONTAINER_CREATE;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"container_create\",\"pod_uid\":\"" UID
		"\",\"pod_name\":null,\"pod_namespace\":null,\"qos\":\"besteffort\",\"driver\":\"cgroupfs\",\"runtime\":null,"
		"\"container_id\":\"" CID
		"\",\"container_name\":null,\"container_type\":null,\"image\":null,\"sandbox_id\":null,\"cgroup\":\"/kubepods/besteffort/pod" UID
		"/" CID "\",\"cgroup_ids\":{\"0\":1002},\"hierarchies\":[0]}\n",
		"unknown runtime");
	/* a docker container outside Kubernetes (--all): no pod, no qos, no driver */
	memset(ctr_info.pod_uid, 0, sizeof(ctr_info.pod_uid));
	ctr_info.qos = PCG_QOS_UNKNOWN;
	ctr_info.driver = PCG_DRIVER_UNKNOWN;
	ctr_info.runtime = PCG_RT_DOCKER;
	ctr_info.cgroup = "/system.slice/docker-" CID ".scope";
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"container_create\",\"pod_uid\":null,"
		"\"pod_name\":null,\"pod_namespace\":null,\"qos\":null,\"driver\":null,\"runtime\":\"docker\",\"container_id\":\"" CID
		"\",\"container_name\":null,\"container_type\":null,\"image\":null,\"sandbox_id\":null,\"cgroup\":\"/system.slice/docker-" CID
		".scope\",\"cgroup_ids\":{\"0\":1002},"
		"\"hierarchies\":[0]}\n",
		"outside Kubernetes");
}

PCG_TEST(fmt_json_process)
{
	struct pcg_out out = {
		.kind = PCG_OUT_CONTAINER_START,
		.ts = BOOT_TS,
		.obj = &ctr_info,
		.task = &task,
		.filename = "/pause",
		.filename_len = 6,
	};
	static const char fn[] = "/usr/bin/sleepXXXX";

	fixtures();
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"container_start\"," CTR_JSON
		",\"cgroup\":\"" CTR
		"\",\"cgroup_ids\":{\"0\":1002,\"4\":18446744073709551615}," TASK_JSON
		",\"filename\":\"/pause\"}\n",
		"container_start");
	/* the filename is bounded by filename_len, not by a NUL */
	out.kind = PCG_OUT_EXEC;
	out.filename = fn;
	out.filename_len = 14;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"exec\"," CTR_JSON ",\"cgroup\":\"" CTR
		"\",\"cgroup_ids\":{\"0\":1002,\"4\":18446744073709551615}," TASK_JSON
		",\"filename\":\"/usr/bin/sleep\"}\n",
		"exec");
	/* no filename at all */
	out.filename = NULL;
	out.filename_len = 0;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"exec\"," CTR_JSON ",\"cgroup\":\"" CTR
		"\",\"cgroup_ids\":{\"0\":1002,\"4\":18446744073709551615}," TASK_JSON
		",\"filename\":\"\"}\n",
		"exec without filename");
	/* a task outside any container (--all): every object key is null */
	out.obj = NULL;
	out.filename = "/bin/true";
	out.filename_len = 9;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"exec\"," NULL_OBJ_JSON "," TASK_JSON
		",\"filename\":\"/bin/true\"}\n",
		"exec outside containers");
	/* a comm that fills all 16 bytes without a NUL is cut at 16 */
	memcpy(task.comm, "0123456789abcdefXYZ", 16);
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"exec\"," NULL_OBJ_JSON
		",\"pid\":4101,\"nspid\":1,\"ppid\":4000,\"uid\":65534,"
		"\"comm\":\"0123456789abcdef\"," NS_JSON ",\"filename\":\"/bin/true\"}\n",
		"comm without NUL");
	/* the formatter keeps the last namespace set formatted: a change in one, and back */
	task.ns[PCG_NS_NET] = 4026539999u;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"exec\"," NULL_OBJ_JSON
		",\"pid\":4101,\"nspid\":1,\"ppid\":4000,\"uid\":65534,"
		"\"comm\":\"0123456789abcdef\",\"ns\":{\"mnt\":4026532001,\"uts\":4026532002,"
		"\"ipc\":4026532003,\"pid\":4026532004,\"net\":4026539999,\"user\":4026531837,"
		"\"cgroup\":4026532007,\"time\":4026531834},\"filename\":\"/bin/true\"}\n",
		"another net namespace");
	task.ns[PCG_NS_NET] = 4026532005u;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"exec\"," NULL_OBJ_JSON
		",\"pid\":4101,\"nspid\":1,\"ppid\":4000,\"uid\":65534,"
		"\"comm\":\"0123456789abcdef\"," NS_JSON ",\"filename\":\"/bin/true\"}\n",
		"the first namespaces again");
}

PCG_TEST(fmt_json_exit)
{
	static const struct {
		__u32 status;
		const char *tail;
	} c[] = {
		{ 0, "\"exit_code\":0,\"signal\":0,\"core_dumped\":false" },
		{ 3 << 8, "\"exit_code\":3,\"signal\":0,\"core_dumped\":false" },
		{ 255 << 8, "\"exit_code\":255,\"signal\":0,\"core_dumped\":false" },
		{ 9, "\"exit_code\":0,\"signal\":9,\"core_dumped\":false" },   /* SIGKILL */
		{ 15, "\"exit_code\":0,\"signal\":15,\"core_dumped\":false" }, /* SIGTERM */
		/* SIGSEGV and SIGABRT with a core */
		{ 0x80 | 11, "\"exit_code\":0,\"signal\":11,\"core_dumped\":true" },
		{ 0x80 | 6, "\"exit_code\":0,\"signal\":6,\"core_dumped\":true" },
	};

	fixtures();
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pcg_out out = { .kind = PCG_OUT_EXIT,
				       .ts = BOOT_TS,
				       .obj = &ctr_info,
				       .task = &task,
				       .exit_status = c[i].status };
		char want[1024];

		snprintf(want, sizeof(want),
			 "{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"exit\"," CTR_JSON
			 ",\"cgroup\":\"" CTR "\",\"cgroup_ids\":{\"0\":1002,\"4\":"
			 "18446744073709551615}," TASK_JSON ",%s}\n",
			 c[i].tail);
		json_is(&out, want, c[i].tail);
	}
	/* an exit outside containers */
	{
		struct pcg_out out = {
			.kind = PCG_OUT_EXIT, .ts = BOOT_TS, .task = &task, .exit_status = 1 << 8
		};

		json_is(&out,
			"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"exit\"," NULL_OBJ_JSON
			"," TASK_JSON ",\"exit_code\":1,\"signal\":0,\"core_dumped\":false}\n",
			"exit outside containers");
	}
}

PCG_TEST(fmt_json_existing)
{
	static const __u32 pids[] = { 4101, 4200, 4301 };
	struct pcg_out out = { .kind = PCG_OUT_CONTAINER_EXISTING,
			       .ts = BOOT_TS,
			       .obj = &ctr_info,
			       .task = &task,
			       .pids = pids,
			       .nr_pids = 3 };

	fixtures();
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"container_existing\"," CTR_JSON
		",\"cgroup\":\"" CTR "\",\"cgroup_ids\":{\"0\":1002,\"4\":18446744073709551615},"
		"\"hierarchies\":[0,4]," TASK_JSON ",\"pids\":[4101,4200,4301]}\n",
		"container_existing");
	/* no process found in it */
	out.task = NULL;
	out.pids = NULL;
	out.nr_pids = 0;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"container_existing\"," CTR_JSON
		",\"cgroup\":\"" CTR "\",\"cgroup_ids\":{\"0\":1002,\"4\":18446744073709551615},"
		"\"hierarchies\":[0,4],\"pids\":[]}\n",
		"container_existing empty");
}

PCG_TEST(fmt_json_lost)
{
	__u64 lost[PCG_LOST_SLOTS] = { 0 };
	struct pcg_out out = { .kind = PCG_OUT_LOST, .ts = BOOT_TS, .lost = lost };

	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"lost\",\"counts\":{},\"total\":0}\n",
		"nothing lost");
	lost[PCG_EV_EXEC] = 5;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"lost\",\"counts\":{\"exec\":5},"
		"\"total\":5}\n",
		"one type");
	lost[PCG_EV_CGROUP_MKDIR] = 2;
	lost[PCG_EV_EXIT] = 10000000000ull;
	lost[PCG_EV_TICK] = 1;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"lost\",\"counts\":{\"cgroup_mkdir\":2,"
		"\"exec\":5,\"exit\":10000000000,\"tick\":1},\"total\":10000000008}\n",
		"several types, in type order");
	/* slot 0 is no type: it still counts, under the name "unknown" */
	memset(lost, 0, sizeof(lost));
	lost[0] = 7;
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"lost\",\"counts\":{\"unknown\":7},"
		"\"total\":7}\n",
		"slot 0");
}

PCG_TEST(fmt_json_hostile_strings)
{
	static const char comm[16] = "\"\\\x1b[2J\n\xff\xc3\xa9\x7f";
	static const char fn[] =
		"/tmp/\"quoted\"\\back\x01\x1b]0;t\x07\xed\xa0\x80\xf0\x9f\x98\x80";
	struct pcg_out out = { .kind = PCG_OUT_EXEC,
			       .ts = BOOT_TS,
			       .obj = &ctr_info,
			       .task = &task,
			       .filename = fn,
			       .filename_len = sizeof(fn) - 1 };

	fixtures();
	memcpy(task.comm, comm, sizeof(comm));
	ctr_info.cgroup = "/weird\"dir\\\n\t\x80";
	json_is(&out,
		"{\"schema\":1,\"ts\":\"" TS "\",\"event\":\"exec\"," CTR_JSON
		/* bytes that are not UTF-8 show as U+FFFD, never as the code point of their value
		 * (0xff is not "\u00ff"), and the exact bytes follow in a *_b64 companion key */
		",\"cgroup\":\"/weird\\\"dir\\\\\\n\\t\\ufffd\",\"cgroup_b64\":\"L3dlaXJkImRpclwKCYA=\","
		"\"cgroup_ids\":{\"0\":1002,"
		"\"4\":18446744073709551615},\"pid\":4101,\"nspid\":1,\"ppid\":4000,\"uid\":65534,"
		"\"comm\":\"\\\"\\\\\\u001b[2J\\n\\ufffd\xc3\xa9\\u007f\",\"comm_b64\":\"IlwbWzJKCv/DqX8=\"," NS_JSON
		",\"filename\":\"/tmp/\\\"quoted\\\"\\\\back\\u0001\\u001b]0;t\\u0007\\ufffd\\ufffd"
		"\\ufffd\xf0\x9f\x98\x80\",\"filename_b64\":\"L3RtcC8icXVvdGVkIlxiYWNrARtdMDt0B+2ggPCfmIA=\"}\n",
		"hostile strings");
}

/* Every kind, with and without an object and a task: always one valid JSON line. */
PCG_TEST(fmt_json_every_kind)
{
	static const __u64 lost[PCG_LOST_SLOTS] = { [PCG_EV_FORK] = 1 };
	static const __u32 pids[] = { 1 };

	fixtures();
	for (int k = 0; k < _PCG_OUT_MAX; k++) {
		for (int v = 0; v < 4; v++) {
			struct pcg_out out = {
				.kind = k,
				.ts = BOOT_TS,
				.obj = v & 1 ? &ctr_info : NULL,
				.task = v & 2 ? &task : NULL,
				.filename = "/x",
				.filename_len = 2,
				.lost = lost,
				.pids = pids,
				.nr_pids = 1,
			};
			struct pcg_sbuf sb;
			const char *err = NULL;

			if (k == PCG_OUT_POD_CREATE || k == PCG_OUT_POD_REMOVE)
				out.obj = v & 1 ? &pod_info : NULL;
			pcg_sbuf_init(&sb);
			pcg_fmt_record(&sb, &json_opts, &out);
			if (!jv_line(sb.buf, sb.len, false, &err)) {
				fprintf(stderr, "kind %d variant %d: %s: %s", k, v, err, sb.buf);
				ASSERT_TRUE(false, "valid JSON line");
			}
			ASSERT_TRUE(strstr(sb.buf, "{\"schema\":1,\"ts\":\"") == sb.buf, "prefix");
			pcg_sbuf_reset(&sb);
			pcg_fmt_record(&sb, &text_opts, &out);
			ASSERT_TRUE(text_clean(sb.buf, sb.len), "clean text line");
			pcg_sbuf_done(&sb);
		}
	}
}

/* ---- text -------------------------------------------------------------------------------- */

PCG_TEST(fmt_text_lines)
{
	struct pcg_out out = {
		.kind = PCG_OUT_CONTAINER_START,
		.ts = BOOT_TS,
		.obj = &ctr_info,
		.task = &task,
		.filename = "/pause",
		.filename_len = 6,
	};
	__u64 lost[PCG_LOST_SLOTS] = { [PCG_EV_EXEC] = 3, [PCG_EV_FORK] = 1 };
	struct pcg_sbuf sb;

	fixtures();
	pcg_sbuf_init(&sb);
	pcg_fmt_header(&sb, &text_opts);
	ASSERT_TRUE(strncmp(sb.buf, "TIME(UTC)", 9) == 0, "header");
	ASSERT_TRUE(text_clean(sb.buf, sb.len), "header clean");
	pcg_sbuf_reset(&sb);
	pcg_fmt_header(&sb, &json_opts);
	ASSERT_EQ(sb.len, 0, "no header for JSON");

	pcg_sbuf_reset(&sb);
	pcg_fmt_record(&sb, &text_opts, &out);
	ASSERT_STREQ(sb.buf,
		     "07:31:02.123456 container_start    7e44ee88 4f1b8e0c2d3a 4101    besteffort "
		     "containerd comm=pause nspid=1 ppid=4000 uid=65534 file=/pause "
		     "ns=mnt:4026532001,pid:4026532004,net:4026532005,ipc:4026532003,"
		     "uts:4026532002,user:4026531837,cgroup:4026532007,time:4026531834\n",
		     "container_start text");

	out.kind = PCG_OUT_EXIT;
	out.filename = NULL;
	out.exit_status = 0x80 | 11;
	pcg_sbuf_reset(&sb);
	pcg_fmt_record(&sb, &text_opts, &out);
	ASSERT_STREQ(sb.buf,
		     "07:31:02.123456 exit               7e44ee88 4f1b8e0c2d3a 4101    besteffort "
		     "containerd comm=pause nspid=1 ppid=4000 uid=65534 signal=11 (core dumped)\n",
		     "exit text");
	out.exit_status = 2 << 8;
	pcg_sbuf_reset(&sb);
	pcg_fmt_record(&sb, &text_opts, &out);
	ASSERT_TRUE(strstr(sb.buf, " code=2\n") != NULL, "exit code text");

	out.kind = PCG_OUT_POD_CREATE;
	out.obj = &pod_info;
	out.task = NULL;
	pcg_sbuf_reset(&sb);
	pcg_fmt_record(&sb, &text_opts, &out);
	ASSERT_STREQ(sb.buf,
		     "07:31:02.123456 pod_create         7e44ee88 -            -       besteffort "
		     "uid=" UID " cgroup=" POD "\n",
		     "pod_create text");

	out.kind = PCG_OUT_LOST;
	out.obj = NULL;
	out.lost = lost;
	pcg_sbuf_reset(&sb);
	pcg_fmt_record(&sb, &text_opts, &out);
	ASSERT_STREQ(sb.buf,
		     "07:31:02.123456 lost               -        -            -       "
		     "lost events: fork=1 exec=3\n",
		     "lost text");
	pcg_sbuf_done(&sb);
}

/* Untrusted comm, filename and cgroup path can carry terminal escape sequences: none of their
 * control bytes may reach the line. */
PCG_TEST(fmt_text_hostile)
{
	static const char comm[16] = "\x1b[2J\x07"
				     "evil\r\n\x9b\x7f\xff";
	static const char fn[] = "/bin/\x1b]0;pwned\x07\n\r\xc2\x9b"
				 "31m\x1b[0m";
	struct pcg_out out = { .kind = PCG_OUT_CONTAINER_START,
			       .ts = BOOT_TS,
			       .obj = &ctr_info,
			       .task = &task,
			       .filename = fn,
			       .filename_len = sizeof(fn) - 1 };
	struct pcg_sbuf sb;

	fixtures();
	memcpy(task.comm, comm, sizeof(comm));
	ctr_info.cgroup = "/kubepods/\x1b[31m\n\x1b"
			  "c\x08\x7f\xe2\x80\xae";
	pcg_sbuf_init(&sb);
	for (int k = 0; k < _PCG_OUT_MAX; k++) {
		if (k == PCG_OUT_LOST)
			continue;
		out.kind = k;
		pcg_sbuf_reset(&sb);
		pcg_fmt_record(&sb, &text_opts, &out);
		if (!ASSERT_TRUE(text_clean(sb.buf, sb.len), pcg_out_name(k)))
			fprintf(stderr, "  line: %s", sb.buf);
	}
	out.kind = PCG_OUT_CONTAINER_CREATE;
	pcg_sbuf_reset(&sb);
	pcg_fmt_record(&sb, &text_opts, &out);
	ASSERT_TRUE(strstr(sb.buf, " cgroup=/kubepods/\\x1b[31m\\x0a\\x1bc\\x08\\x7f"
				   "\\xe2\\x80\\xae") != NULL,
		    "cgroup escaped as text");
	out.kind = PCG_OUT_EXEC;
	pcg_sbuf_reset(&sb);
	pcg_fmt_record(&sb, &text_opts, &out);
	ASSERT_TRUE(strstr(sb.buf, " comm=\\x1b[2J\\x07evil\\x0d\\x0a\\x9b\\x7f\\xff ") != NULL,
		    "comm escaped as text");
	ASSERT_TRUE(strstr(sb.buf, " file=/bin/\\x1b]0;pwned\\x07\\x0a\\x0d\\xc2\\x9b31m"
				   "\\x1b[0m") != NULL,
		    "filename escaped as text");
	/* a 16-byte comm without NUL is bounded in text too */
	memcpy(task.comm, "AAAAAAAAAAAAAAAA", 16);
	pcg_sbuf_reset(&sb);
	pcg_fmt_record(&sb, &text_opts, &out);
	ASSERT_TRUE(strstr(sb.buf, " comm=AAAAAAAAAAAAAAAA nspid=") != NULL, "comm bounded");
	pcg_sbuf_done(&sb);
}

/* Formatting appends: records can be batched into one buffer. */
PCG_TEST(fmt_appends)
{
	struct pcg_out out = { .kind = PCG_OUT_POD_CREATE, .ts = BOOT_TS, .obj = &pod_info };
	struct pcg_sbuf sb;
	size_t first;

	fixtures();
	pcg_sbuf_init(&sb);
	pcg_fmt_record(&sb, &json_opts, &out);
	first = sb.len;
	pcg_fmt_record(&sb, &json_opts, &out);
	ASSERT_EQ(sb.len, 2 * first, "two records");
	ASSERT_TRUE(memcmp(sb.buf, sb.buf + first, first) == 0, "same twice");
	pcg_sbuf_done(&sb);
}
