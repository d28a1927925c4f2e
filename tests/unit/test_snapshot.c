/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_snapshot.c - --snapshot's pieces: the PCG_EV_TASK_INFO record (encode, decode, cut),
 * the correlator keeping a scanned process's command line (until its exec; in its rotation
 * snapshot), container_existing's "processes" in JSON and the snapshot text layout, through
 * the whole pipeline. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "correlate.h"
#include "decode.h"
#include "encode.h"
#include "fmt.h"
#include "jsonv.h"
#include "pipeline.h"
#include "record.h"
#include "sbuf.h"
#include "test.h"

#define UID  "7e44ee88-1e65-4a16-8cdf-9a90c819180e"
#define UID_ "7e44ee88_1e65_4a16_8cdf_9a90c819180e"
#define CID  "4f1b8e0c2d3a49e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4"
#define POD  "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice"
#define CTR  POD "/cri-containerd-" CID ".scope"
#define MS   1000000ull

PCG_TEST(snapshot_task_info_round_trip)
{
	static const char args[] = "/bin/sh\0-c\0sleep 60\0";
	union pcg_enc_buf b;
	struct pcg_event ev;
	size_t n = pcg_enc_task_info(&b, 42, 1234, 5 * MS, args, sizeof(args) - 1, false);

	ASSERT_EQ(n, sizeof(struct pcg_ev_task_info) + sizeof(args), "size: the bytes and a NUL");
	ASSERT_EQ(b.hdr.type, PCG_EV_TASK_INFO, "type");
	ASSERT_EQ(b.hdr.flags, 0, "not cut");
	if (!ASSERT_OK(pcg_decode(&b, n, &ev), "decode"))
		return;
	ASSERT_EQ(ev.ts, 42, "ts");
	ASSERT_EQ(ev.task.tgid, 1234, "tgid");
	ASSERT_EQ(ev.task.start_ns, 5 * MS, "start");
	ASSERT_TRUE(!ev.has_task, "not a whole task");
	ASSERT_EQ(ev.str_len, sizeof(args) - 1, "every byte, NULs inside included");
	ASSERT_TRUE(!memcmp(ev.str, args, ev.str_len), "bytes");
	ASSERT_STREQ(pcg_ev_name(PCG_EV_TASK_INFO), "task_info", "name");

	/* a lying cmdline_len is bounded by the record */
	b.task_info.cmdline_len = 60000;
	if (ASSERT_OK(pcg_decode(&b, n, &ev), "decode with a lying length"))
		ASSERT_EQ(ev.str_len, sizeof(args), "bounded by the record");
	ASSERT_EQ(pcg_decode(&b, sizeof(struct pcg_ev_task_info) - 1, &ev), -EBADMSG,
		  "short fixed part");
}

PCG_TEST(snapshot_task_info_cut)
{
	static char args[PCG_CMDLINE_MAX + 500];
	union pcg_enc_buf b;
	struct pcg_event ev;
	size_t n;

	memset(args, 'x', sizeof(args));
	n = pcg_enc_task_info(&b, 1, 2, 3, args, sizeof(args), false);
	ASSERT_EQ(n, sizeof(struct pcg_ev_task_info) + PCG_CMDLINE_MAX, "size at the cap");
	ASSERT_EQ(b.hdr.flags & PCG_F_TRUNC, PCG_F_TRUNC, "flagged as cut");
	if (ASSERT_OK(pcg_decode(&b, n, &ev), "decode"))
		ASSERT_EQ(ev.str_len, PCG_CMDLINE_MAX - 1, "cut length");
	n = pcg_enc_task_info(&b, 1, 2, 3, "a", 1, true);
	ASSERT_EQ(b.hdr.flags & PCG_F_TRUNC, PCG_F_TRUNC, "flagged when the reader saw a part");
}

/* --- through the pipeline ----------------------------------------------------------------- */

struct lines {
	struct pcg_sbuf all;
	int n;
	struct pcg_pipeline *pl;
	int nr_procs_seen; /* pcg_pipeline__out() during the sink */
};

static int lines_sink(void *ctx, const char *buf, size_t len)
{
	struct lines *l = ctx;
	const struct pcg_out *out = pcg_pipeline__out(l->pl);

	if (out)
		l->nr_procs_seen += out->nr_procs;
	pcg_sbuf_add(&l->all, buf, len);
	l->n++;
	return 0;
}

static struct pcg_pipeline *new_pl(struct lines *l, bool json, bool snapshot)
{
	struct pcg_pipeline_opts po = {
		.corr = { .traced_hier_mask = 1, .key_v1_hier = 0 },
		.fmt = { .json = json, .snapshot = snapshot, .node = "n1" },
	};

	memset(l, 0, sizeof(*l));
	pcg_sbuf_init(&l->all);
	l->pl = pcg_pipeline__new(&po, lines_sink, NULL, l);
	return l->pl;
}

static struct pcg_task mk_task(__u32 tgid, __u32 ppid, __u32 nspid, const char *comm)
{
	struct pcg_task t = { .pid = tgid,
			      .tgid = tgid,
			      .ppid = ppid,
			      .nspid = nspid,
			      .start_ns = tgid * MS,
			      .cg_dfl = 201,
			      .uid = 0 };

	for (int i = 0; i < PCG_NS_COUNT; i++)
		t.ns[i] = 4026532000u + i;
	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	return t;
}

static void feed_scan(struct pcg_pipeline *pl, bool with_cmdline)
{
	static const char init_args[] = "/bin/sh\0-c\0sleep 60 & exec sleep 61\0";
	/* a hostile command line: an escape sequence and a quote */
	static const char child_args[] = "sleep\0\033[2J\"60\0";
	struct pcg_task init = mk_task(300, 290, 1, "sleep"), child = mk_task(310, 300, 2, "sleep");
	union pcg_enc_buf b;

	pcg_pipeline__feed(pl, &b,
			   pcg_enc_cgroup(&b, PCG_EV_EXISTING_CGROUP, MS, 101, 0, 3, 0, POD,
					  strlen(POD)));
	pcg_pipeline__feed(pl, &b,
			   pcg_enc_cgroup(&b, PCG_EV_EXISTING_CGROUP, MS, 201, 0, 4, 0, CTR,
					  strlen(CTR)));
	/* the child first: the output lists processes by pid */
	pcg_pipeline__feed(pl, &b, pcg_enc_task(&b, PCG_EV_EXISTING_TASK, MS, &child));
	if (with_cmdline)
		pcg_pipeline__feed(pl, &b,
				   pcg_enc_task_info(&b, MS, 310, child.start_ns + 3 * MS,
						     child_args, sizeof(child_args) - 1, false));
	pcg_pipeline__feed(pl, &b, pcg_enc_task(&b, PCG_EV_EXISTING_TASK, MS, &init));
	if (with_cmdline)
		pcg_pipeline__feed(pl, &b,
				   pcg_enc_task_info(&b, MS, 300, init.start_ns, init_args,
						     sizeof(init_args) - 1, true));
	pcg_pipeline__feed(pl, &b, pcg_enc_mark(&b, PCG_EV_SCAN_DONE, 2 * MS));
}

#define NS_JSON                                                                                \
	"\"ns\":{\"mnt\":4026532000,\"uts\":4026532001,\"ipc\":4026532002,\"pid\":4026532003," \
	"\"net\":4026532004,\"user\":4026532005,\"cgroup\":4026532006,\"time\":4026532007}"

PCG_TEST(snapshot_json_processes)
{
	struct lines l;
	const char *err = NULL;
	const char *want =
		"\"pids\":[300,310],\"processes\":["
		"{\"pid\":300,\"nspid\":1,\"ppid\":290,\"uid\":0,\"comm\":\"sleep\"," NS_JSON
		",\"cmdline\":[\"/bin/sh\",\"-c\",\"sleep 60 & exec sleep 61\"],"
		"\"cmdline_truncated\":true},"
		"{\"pid\":310,\"nspid\":2,\"ppid\":300,\"uid\":0,\"comm\":\"sleep\"," NS_JSON
		",\"cmdline\":[\"sleep\",\"\\u001b[2J\\\"60\"],\"cmdline_truncated\":false}]}\n";

	if (!ASSERT_TRUE(new_pl(&l, true, false), "pipeline"))
		return;
	feed_scan(l.pl, true);
	if (!ASSERT_EQ(l.n, 1, "one container_existing"))
		goto out;
	ASSERT_TRUE(jv_line(l.all.buf, l.all.len, false, &err), "valid JSON");
	ASSERT_TRUE(strstr(l.all.buf, "\"event\":\"container_existing\"") != NULL, "event");
	/* the keys of today first, unchanged (the init's), then the added list */
	ASSERT_TRUE(strstr(l.all.buf, "\"pid\":300,\"nspid\":1,\"ppid\":290") != NULL, "init keys");
	if (!ASSERT_TRUE(l.all.len >= strlen(want) &&
				 !strcmp(l.all.buf + l.all.len - strlen(want), want),
			 "processes"))
		fprintf(stderr, "got: %s\nwant tail: %s\n", l.all.buf, want);
	ASSERT_EQ(l.nr_procs_seen, 2, "pcg_pipeline__out() during the sink");
out:
	pcg_pipeline__free(l.pl);
	pcg_sbuf_done(&l.all);
}

PCG_TEST(snapshot_json_cmdline_unknown_is_null)
{
	struct lines l;

	if (!ASSERT_TRUE(new_pl(&l, true, false), "pipeline"))
		return;
	feed_scan(l.pl, false);
	if (ASSERT_EQ(l.n, 1, "one line"))
		ASSERT_TRUE(strstr(l.all.buf, "\"cmdline\":null,\"cmdline_truncated\":false}") !=
				    NULL,
			    "null: not recorded");
	pcg_pipeline__free(l.pl);
	pcg_sbuf_done(&l.all);
}

static int raw_collect(void *ctx, const void *rec, size_t len)
{
	pcg_sbuf_add(ctx, rec, len);
	return 0;
}

static int count_task_info(const struct pcg_sbuf *raw)
{
	int n = 0;

	for (size_t off = 0; off + sizeof(struct pcg_ev_hdr) <= raw->len;) {
		struct pcg_ev_hdr h;

		memcpy(&h, raw->buf + off, sizeof(h));
		if (!h.size)
			break;
		n += h.type == PCG_EV_TASK_INFO;
		off += h.size;
	}
	return n;
}

static int feed_into(void *ctx, const void *rec, size_t len)
{
	return pcg_pipeline__feed(ctx, rec, len);
}

/* A rotated file's snapshot carries the command lines; the command line belongs to the
 * program, so an exec forgets it. */
PCG_TEST(snapshot_cmdline_in_rotation_snapshot_until_exec)
{
	struct pcg_task init = mk_task(300, 290, 1, "sleep");
	union {
		struct pcg_ev_exec e;
		char b[sizeof(struct pcg_ev_exec) + 16];
	} u;
	struct lines l, l2;
	struct pcg_sbuf raw;

	pcg_sbuf_init(&raw);
	if (!ASSERT_TRUE(new_pl(&l, true, false), "pipeline"))
		return;
	feed_scan(l.pl, true);
	ASSERT_OK(pcg_pipeline__snapshot(l.pl, 3 * MS, raw_collect, &raw), "snapshot");
	ASSERT_EQ(count_task_info(&raw), 2, "one command line per process");
	/* the snapshot replays to the same container_existing */
	if (ASSERT_TRUE(new_pl(&l2, true, false), "second pipeline")) {
		ASSERT_OK(pcg_rec_foreach_event(raw.buf, raw.len, feed_into, l2.pl), "replay");
		ASSERT_EQ(l2.n, 1, "container_existing");
		ASSERT_TRUE(strstr(l2.all.buf, "\"cmdline\":[\"/bin/sh\",\"-c\",\"sleep 60 & exec "
					       "sleep 61\"],\"cmdline_truncated\":true") != NULL,
			    "the init's command line, cut flag included");
		ASSERT_TRUE(strstr(l2.all.buf, "\"cmdline\":[\"sleep\",") != NULL,
			    "the child's command line");
		pcg_pipeline__free(l2.pl);
		pcg_sbuf_done(&l2.all);
	}

	memset(&u, 0, sizeof(u));
	init.start_ns += 1 * MS; /* the kernel's exact start time, within the scan's tick slack */
	u.e.hdr.type = PCG_EV_EXEC;
	u.e.hdr.size = sizeof(u.e) + 6;
	u.e.hdr.ts = 5 * MS;
	u.e.task = init;
	u.e.old_pid = init.tgid;
	u.e.filename_len = 5;
	memcpy(u.b + sizeof(u.e), "/true", 6);
	pcg_pipeline__feed(l.pl, &u, u.e.hdr.size);
	pcg_sbuf_reset(&raw);
	ASSERT_OK(pcg_pipeline__snapshot(l.pl, 6 * MS, raw_collect, &raw), "snapshot after exec");
	ASSERT_EQ(count_task_info(&raw), 1, "the exec'd process's command line is forgotten");
	pcg_sbuf_done(&raw);
	pcg_pipeline__free(l.pl);
	pcg_sbuf_done(&l.all);
}

/* A task_info for a process the scan did not report (or a reused pid) is ignored. */
PCG_TEST(snapshot_task_info_needs_its_process)
{
	struct lines l;
	union pcg_enc_buf b;

	if (!ASSERT_TRUE(new_pl(&l, true, false), "pipeline"))
		return;
	pcg_pipeline__feed(l.pl, &b, pcg_enc_task_info(&b, MS, 300, 300 * MS, "x", 2, false));
	feed_scan(l.pl, false);
	/* started a second later: another process with the same pid */
	pcg_pipeline__feed(l.pl, &b, pcg_enc_task_info(&b, MS, 300, 1300 * MS, "y", 2, false));
	if (ASSERT_EQ(l.n, 1, "one line"))
		ASSERT_TRUE(strstr(l.all.buf, "\"cmdline\":[") == NULL, "no command line attached");
	pcg_pipeline__free(l.pl);
	pcg_sbuf_done(&l.all);
}

PCG_TEST(snapshot_text_layout)
{
	struct lines l;
	struct pcg_sbuf sb;
	const struct pcg_fmt_opts fo = { .node = "n1", .boot_to_realtime_ns = 0 };
	static const char *const want[] = {
		"  CONTAINER " CID " containerd cgroup=" CTR "\n",
		"        PID    PPID  NSPID    UID COMM            MNT        PIDNS      NET        "
		"IPC        UTS        USER       CGROUP     TIME       COMMAND\n",
		"        300     290      1      0 sleep           4026532000 4026532003 4026532004 "
		"4026532002 4026532001 4026532005 4026532006 4026532007 /bin/sh -c sleep 60 & exec "
		"sleep 61 [cut]\n",
		"        310     300      2      0 sleep           4026532000 4026532003 4026532004 "
		"4026532002 4026532001 4026532005 4026532006 4026532007 sleep \\x1b[2J\"60\n",
	};
	size_t off = 0;

	if (!ASSERT_TRUE(new_pl(&l, false, true), "pipeline"))
		return;
	feed_scan(l.pl, true);
	ASSERT_EQ(l.n, 1, "one block per container");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!ASSERT_TRUE(!strncmp(l.all.buf + off, want[i], strlen(want[i])), "line")) {
			fprintf(stderr, "line %zu: got: %.*s\nwant: %s", i,
				(int)strcspn(l.all.buf + off, "\n") + 1, l.all.buf + off, want[i]);
			break;
		}
		off += strlen(want[i]);
	}
	ASSERT_EQ(off, l.all.len, "nothing more");
	for (size_t i = 0; i < l.all.len; i++)
		if (!ASSERT_TRUE(l.all.buf[i] == '\n' ||
					 (l.all.buf[i] >= 0x20 && l.all.buf[i] < 0x7f),
				 "printable"))
			break;

	pcg_sbuf_init(&sb);
	pcg_fmt_snapshot_title(&sb, &fo, 1795764662ull * 1000000000ull, 3, 4, 5);
	ASSERT_STREQ(sb.buf,
		     "SNAPSHOT node=n1 time=2026-11-27T07:31:02.000000000Z pods=3 containers=4 "
		     "processes=5\n",
		     "title");
	pcg_sbuf_reset(&sb);
	pcg_fmt_cmdline_text(&sb, "a\0\0b", 4);
	ASSERT_STREQ(sb.buf, "a  b", "an empty argument");
	pcg_sbuf_done(&sb);
	pcg_pipeline__free(l.pl);
	pcg_sbuf_done(&l.all);
}

/* The pod line comes from a container's record: the pod's cgroup is the start of its path. */
PCG_TEST(snapshot_text_pod_line)
{
	struct pcg_obj_info o = { .pod_uid = UID, .container_id = CID, .cgroup = CTR };
	struct pcg_out out = { .kind = PCG_OUT_CONTAINER_EXISTING, .obj = &o };
	const struct pcg_fmt_opts fo = { 0 };
	struct pcg_sbuf sb;

	o.qos = PCG_QOS_BESTEFFORT;
	o.driver = PCG_DRIVER_SYSTEMD;
	pcg_sbuf_init(&sb);
	pcg_fmt_snapshot_pod(&sb, &fo, &out);
	ASSERT_STREQ(sb.buf, "POD " UID " besteffort systemd cgroup=" POD "\n", "pod line");
	pcg_sbuf_reset(&sb);
	o.pod_uid[0] = 0;
	pcg_fmt_snapshot_pod(&sb, &fo, &out);
	ASSERT_STREQ(sb.buf, "POD - (outside Kubernetes)\n", "no pod");
	pcg_sbuf_done(&sb);
}

/* --- the command line -------------------------------------------------------------------- */

static int parse_args(struct pcg_opts *o, const char **reason, int argc, const char *const *args)
{
	char *argv[16];

	argv[0] = (char *)"podcg-trace";
	for (int i = 0; i < argc; i++)
		argv[i + 1] = (char *)args[i];
	argv[argc + 1] = NULL;
	return pcg_cli_parse(argc + 1, argv, o, reason);
}

PCG_TEST(snapshot_cli)
{
	static const struct {
		int argc;
		const char *args[6];
		bool ok;
	} rows[] = {
		{ 1, { "--snapshot" }, true },
		{ 5, { "--snapshot", "--json", "--pod", UID, "--all" }, true },
		{ 4, { "--snapshot", "-w", "f", "--force" }, true },
		{ 5, { "--snapshot", "-q", "-w", "-", "--node=n1" }, true },
		{ 3, { "--snapshot", "-r", "f" }, true },
		{ 3, { "--snapshot", "--duration", "5" }, false },
		{ 5, { "--snapshot", "-w", "f", "-C", "10" }, false },
		{ 3, { "--snapshot", "--health-file", "h" }, false },
		{ 5, { "--snapshot", "-r", "a", "-r", "b" }, false },
		{ 5, { "--snapshot", "-r", "f", "-w", "g" }, false },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pcg_opts o;
		const char *reason = NULL;
		int rc = parse_args(&o, &reason, rows[i].argc, rows[i].args);

		if (!ASSERT_EQ(rc, rows[i].ok ? 0 : -EINVAL, rows[i].args[1] ?: "--snapshot"))
			fprintf(stderr, "row %zu: %s\n", i, reason ?: "");
		if (rows[i].ok && !rc)
			ASSERT_TRUE(o.snapshot, "snapshot set");
		if (!rows[i].ok)
			ASSERT_TRUE(reason != NULL, "a reason");
	}
}

/* A big container with long command lines still makes one (long) line, not an error. */
PCG_TEST(snapshot_big_container_one_line)
{
	static char args[1000];
	struct lines l;
	union pcg_enc_buf b;
	int n = 3000;

	memset(args, 'a', sizeof(args));
	if (!ASSERT_TRUE(new_pl(&l, true, false), "pipeline"))
		return;
	l.all.max = (size_t)64 << 20;
	pcg_pipeline__feed(l.pl, &b,
			   pcg_enc_cgroup(&b, PCG_EV_EXISTING_CGROUP, MS, 101, 0, 3, 0, POD,
					  strlen(POD)));
	pcg_pipeline__feed(l.pl, &b,
			   pcg_enc_cgroup(&b, PCG_EV_EXISTING_CGROUP, MS, 201, 0, 4, 0, CTR,
					  strlen(CTR)));
	for (int i = 0; i < n; i++) {
		struct pcg_task t = mk_task(1000 + i, 1000, 1 + i, "java");

		pcg_pipeline__feed(l.pl, &b, pcg_enc_task(&b, PCG_EV_EXISTING_TASK, MS, &t));
		pcg_pipeline__feed(l.pl, &b,
				   pcg_enc_task_info(&b, MS, t.tgid, t.start_ns, args, sizeof(args),
						     false));
	}
	ASSERT_OK(pcg_pipeline__feed(l.pl, &b, pcg_enc_mark(&b, PCG_EV_SCAN_DONE, 2 * MS)),
		  "scan done");
	ASSERT_EQ(l.n, 1, "one line");
	ASSERT_EQ(l.nr_procs_seen, n, "every process");
	ASSERT_TRUE(l.all.len > (size_t)n * sizeof(args), "every command line");
	ASSERT_TRUE(l.all.len && l.all.buf[l.all.len - 1] == '\n', "whole line");
	pcg_pipeline__free(l.pl);
	pcg_sbuf_done(&l.all);
}
