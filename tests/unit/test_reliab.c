/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_reliab.c - issue 11: cut paths honoured (cgroup ids, not paths, identify cgroups),
 * tables bounded by bytes, O(n log n) start-up snapshot, bounded container_existing lines,
 * text fields that cannot be forged, JSON that keeps invalid UTF-8 apart from text. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "correlate.h"
#include "decode.h"
#include "fmt.h"
#include "jsonv.h"
#include "sbuf.h"
#include "test.h"

#define R_UID  "7e44ee88-1e65-4a16-8cdf-9a90c819180e"
#define R_CID  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define R_TAIL "/kubepods/besteffort/pod" R_UID "/" R_CID
#define MS     1000000ull

struct rsink {
	int n, total;
	enum pcg_out_kind kind[64];
	__u64 cgid[64];
	bool trunc[64];
	bool ftrunc[64];
	size_t nr_pids[64];
	struct pcg_sbuf json; /* every record, JSON Lines */
	struct pcg_sbuf text; /* every record, text */
};

static int r_out(void *ctx, const struct pcg_out *o)
{
	struct rsink *s = ctx;
	struct pcg_fmt_opts j = { .json = true }, t = { .json = false };

	pcg_fmt_record(&s->json, &j, o);
	pcg_fmt_record(&s->text, &t, o);
	s->total++;
	if (s->n >= 64)
		return 0;
	s->kind[s->n] = o->kind;
	s->cgid[s->n] = o->obj && o->obj->nr_ids ? o->obj->ids[0].cgid : 0;
	s->trunc[s->n] = o->obj && o->obj->cgroup_truncated;
	s->ftrunc[s->n] = o->filename_truncated;
	s->nr_pids[s->n] = o->nr_pids;
	s->n++;
	return 0;
}

static void rsink_init(struct rsink *s)
{
	memset(s, 0, sizeof(*s));
	pcg_sbuf_init(&s->json);
	pcg_sbuf_init(&s->text);
}

static void rsink_done(struct rsink *s)
{
	pcg_sbuf_done(&s->json);
	pcg_sbuf_done(&s->text);
}

static int r_feed(struct pcg_corr *c, const void *raw, size_t len)
{
	struct pcg_event ev;

	if (pcg_decode(raw, len, &ev))
		return -999;
	return pcg_corr__feed(c, &ev);
}

/* A cgroup record as the kernel side makes it: the path cut to PCG_PATH_MAX - 1 bytes and
 * flagged when it does not fit, the real level. */
static int r_cg(struct pcg_corr *c, __u16 type, __u64 cgid, const char *path, unsigned level,
		__u64 ts)
{
	union {
		struct pcg_ev_cgroup e;
		char b[sizeof(struct pcg_ev_cgroup) + PCG_PATH_MAX];
	} u;
	size_t n = strlen(path);

	memset(&u, 0, sizeof(u));
	if (n >= PCG_PATH_MAX - 1) {
		n = PCG_PATH_MAX - 1;
		u.e.hdr.flags = PCG_F_TRUNC;
	}
	u.e.hdr.type = type;
	u.e.hdr.size = sizeof(u.e) + n + 1;
	u.e.hdr.ts = ts;
	u.e.cgid = cgid;
	u.e.level = level;
	u.e.path_len = n;
	memcpy(u.b + sizeof(u.e), path, n);
	return r_feed(c, &u, u.e.hdr.size);
}

static unsigned depth(const char *p)
{
	unsigned n = 0;

	for (; *p; p++)
		n += *p != '/' && (p[-1] == '/');
	return n;
}

/* A --cgroup-root prefix of nested dirs making the container's own path exactly
 * PCG_PATH_MAX - 1 bytes long: what the kernel flags as possibly cut. */
static void long_ctr_path(char *buf, size_t size)
{
	size_t tail = strlen(R_TAIL), n;

	snprintf(buf, size, "/podcg-root");
	while (strlen(buf) + 1 + 200 + tail <= PCG_PATH_MAX - 1 - 20) {
		n = strlen(buf);
		buf[n] = '/';
		memset(buf + n + 1, 'a', 200);
		buf[n + 201] = 0;
	}
	n = strlen(buf);
	buf[n] = '/';
	memset(buf + n + 1, 'b', PCG_PATH_MAX - 1 - tail - n - 1);
	buf[PCG_PATH_MAX - 1 - tail] = 0;
	strcat(buf, R_TAIL);
}

/* The scenario, as the real kernel sends it (checked on 6.18: a sub-cgroup's path is
 * cut to its container's 1023-byte path, flagged, with its own level and id). */
PCG_TEST(reliab_cut_subcgroup_is_not_the_container)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .grace_ns = 100 * MS };
	char ctr[PCG_PATH_MAX + 64], sub[PCG_PATH_MAX + 128], pod[PCG_PATH_MAX];
	struct rsink s;
	struct pcg_corr *c;
	unsigned lv;

	long_ctr_path(ctr, sizeof(ctr));
	if (!ASSERT_EQ(strlen(ctr), PCG_PATH_MAX - 1, "container path length"))
		return;
	lv = depth(ctr);
	snprintf(pod, sizeof(pod), "%.*s", (int)(strrchr(ctr, '/') - ctr), ctr);
	snprintf(sub, sizeof(sub), "%s/sub", ctr);
	rsink_init(&s);
	c = pcg_corr__new(&o, r_out, &s);
	if (!ASSERT_TRUE(c != NULL, "new"))
		return;
	r_cg(c, PCG_EV_CGROUP_MKDIR, 100, pod, lv - 1, 1 * MS);
	r_cg(c, PCG_EV_CGROUP_MKDIR, 200, ctr, lv, 2 * MS);
	r_cg(c, PCG_EV_CGROUP_MKDIR, 300, sub, lv + 1, 3 * MS);
	r_cg(c, PCG_EV_CGROUP_MKDIR, 301, sub, lv + 2, 4 * MS); /* sub/deeper, cut the same */
	r_cg(c, PCG_EV_CGROUP_RMDIR, 301, sub, lv + 2, 5 * MS);
	r_cg(c, PCG_EV_CGROUP_RMDIR, 300, sub, lv + 1, 6 * MS);
	/* the container is still alive: nothing but its creation so far */
	ASSERT_EQ(s.n, 2, "records before the real removal");
	ASSERT_EQ(s.kind[0], PCG_OUT_POD_CREATE, "pod_create");
	ASSERT_EQ(s.kind[1], PCG_OUT_CONTAINER_CREATE, "container_create");
	ASSERT_EQ(s.cgid[1], 200, "container's cgroup id");
	ASSERT_TRUE(s.trunc[1], "a path at the limit is marked as possibly cut");
	ASSERT_TRUE(!s.trunc[0], "the pod's path is whole");
	r_cg(c, PCG_EV_CGROUP_RMDIR, 200, ctr, lv, 7 * MS);
	r_cg(c, PCG_EV_CGROUP_RMDIR, 100, pod, lv - 1, 8 * MS);
	if (ASSERT_EQ(s.n, 4, "records")) {
		ASSERT_EQ(s.kind[2], PCG_OUT_CONTAINER_REMOVE, "the real removal is reported");
		ASSERT_EQ(s.cgid[2], 200, "cgroup_ids unchanged");
		ASSERT_EQ(s.kind[3], PCG_OUT_POD_REMOVE, "pod_remove");
	}
	ASSERT_TRUE(strstr(s.json.buf, "\"cgroup_truncated\":true") != NULL, "JSON marks it");
	ASSERT_TRUE(strstr(s.text.buf, " cgroup_truncated=1") != NULL, "text marks it");
	pcg_corr__free(c);
	rsink_done(&s);
}

/* Without a level (an older recording's snapshot), a cut path naming a container that already
 * has a live cgroup in the hierarchy is still not taken for it. */
PCG_TEST(reliab_cut_path_live_container_no_level)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .grace_ns = 100 * MS };
	char ctr[PCG_PATH_MAX + 64];
	struct rsink s;
	struct pcg_corr *c;

	long_ctr_path(ctr, sizeof(ctr));
	rsink_init(&s);
	c = pcg_corr__new(&o, r_out, &s);
	r_cg(c, PCG_EV_CGROUP_MKDIR, 200, ctr, 0, 2 * MS);
	r_cg(c, PCG_EV_CGROUP_MKDIR, 300, ctr, 0, 3 * MS);
	r_cg(c, PCG_EV_CGROUP_RMDIR, 300, ctr, 0, 4 * MS);
	for (int i = 0; i < s.n; i++)
		ASSERT_TRUE(s.kind[i] != PCG_OUT_CONTAINER_REMOVE, "no remove while it lives");
	r_cg(c, PCG_EV_CGROUP_RMDIR, 200, ctr, 0, 5 * MS);
	if (ASSERT_TRUE(s.n >= 2, "records")) {
		ASSERT_EQ(s.kind[s.n - 1], PCG_OUT_CONTAINER_REMOVE, "removed");
		ASSERT_EQ(s.cgid[s.n - 1], 200, "its own id");
		ASSERT_EQ(s.kind[s.n - 2], PCG_OUT_CONTAINER_CREATE, "created before");
		ASSERT_EQ(s.cgid[s.n - 2], 200, "with its own id");
	}
	pcg_corr__free(c);
	rsink_done(&s);
}

/* The snapshot of a rotated file carries the cut flag and the level: replaying it gives the
 * same container, not the sub-cgroup. */
static int snap_to(void *ctx, const void *rec, size_t len)
{
	return r_feed(ctx, rec, len);
}

PCG_TEST(reliab_cut_path_survives_snapshot)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .grace_ns = 100 * MS };
	char ctr[PCG_PATH_MAX + 64], sub[PCG_PATH_MAX + 128];
	struct rsink s, s2;
	struct pcg_corr *c, *c2;
	unsigned lv;

	long_ctr_path(ctr, sizeof(ctr));
	lv = depth(ctr);
	snprintf(sub, sizeof(sub), "%s/sub", ctr);
	rsink_init(&s);
	rsink_init(&s2);
	c = pcg_corr__new(&o, r_out, &s);
	c2 = pcg_corr__new(&o, r_out, &s2);
	r_cg(c, PCG_EV_CGROUP_MKDIR, 200, ctr, lv, 2 * MS);
	r_cg(c, PCG_EV_CGROUP_MKDIR, 300, sub, lv + 1, 3 * MS);
	ASSERT_OK(pcg_corr__snapshot(c, 10 * MS, snap_to, c2), "snapshot");
	r_cg(c2, PCG_EV_CGROUP_RMDIR, 300, sub, lv + 1, 11 * MS);
	if (ASSERT_EQ(s2.n, 1, "one container_existing, no remove")) {
		ASSERT_EQ(s2.kind[0], PCG_OUT_CONTAINER_EXISTING, "existing");
		ASSERT_EQ(s2.cgid[0], 200, "its id");
		ASSERT_TRUE(s2.trunc[0], "still marked");
	}
	pcg_corr__free(c);
	pcg_corr__free(c2);
	rsink_done(&s);
	rsink_done(&s2);
}

/* An exec file name at the limit is marked. */
PCG_TEST(reliab_exec_filename_truncated)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .all = true };
	union {
		struct pcg_ev_exec e;
		char b[sizeof(struct pcg_ev_exec) + PCG_PATH_MAX];
	} u;
	struct rsink s;
	struct pcg_corr *c;

	rsink_init(&s);
	c = pcg_corr__new(&o, r_out, &s);
	memset(&u, 0, sizeof(u));
	u.e.hdr.type = PCG_EV_EXEC;
	u.e.hdr.size = sizeof(u);
	u.e.hdr.flags = PCG_F_TRUNC;
	u.e.task.tgid = 42;
	u.e.filename_len = PCG_PATH_MAX - 1;
	memset(u.b + sizeof(u.e), 'f', PCG_PATH_MAX - 1);
	u.b[sizeof(u.e)] = '/';
	ASSERT_OK(r_feed(c, &u, sizeof(u)), "feed");
	if (ASSERT_EQ(s.n, 1, "exec"))
		ASSERT_TRUE(s.ftrunc[0], "filename_truncated");
	ASSERT_TRUE(strstr(s.json.buf, "\"filename_truncated\":true") != NULL, "JSON marks it");
	ASSERT_TRUE(strstr(s.text.buf, " file_truncated=1") != NULL, "text marks it");
	/* not flagged: not marked */
	u.e.hdr.flags = 0;
	u.e.task.tgid = 43;
	pcg_sbuf_reset(&s.json);
	ASSERT_OK(r_feed(c, &u, sizeof(u)), "feed");
	ASSERT_TRUE(strstr(s.json.buf, "truncated") == NULL, "no mark when whole");
	pcg_corr__free(c);
	rsink_done(&s);
}

/* @ctr + "/xxx...NNNNNNNN", PCG_PATH_MAX - 1 bytes long. */
static void sub_path(char *sub, const char *ctr, size_t base, int i)
{
	char num[16];

	memcpy(sub, ctr, base);
	sub[base] = '/';
	memset(sub + base + 1, 'x', PCG_PATH_MAX - 2 - base);
	snprintf(num, sizeof(num), "%08d", i % 100000000);
	memcpy(sub + PCG_PATH_MAX - 9, num, 8);
	sub[PCG_PATH_MAX - 1] = 0;
}

/* Tables are bounded by bytes too: 65,536 sub-cgroups with the longest paths the kernel sends
 * stay under max_mem, and what did not fit is counted. */
PCG_TEST(reliab_tables_bounded_by_bytes)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .max_mem = 8u << 20 };
	char ctr[PCG_PATH_MAX + 64], sub[PCG_PATH_MAX + 64];
	struct pcg_corr_stats st;
	struct rsink s;
	struct pcg_corr *c;
	size_t base;

	rsink_init(&s);
	c = pcg_corr__new(&o, r_out, &s);
	snprintf(ctr, sizeof(ctr), "/kubepods/besteffort/pod" R_UID "/" R_CID);
	base = strlen(ctr);
	r_cg(c, PCG_EV_CGROUP_MKDIR, 1, ctr, depth(ctr), 1);
	for (int i = 0; i < 65536; i++) {
		sub_path(sub, ctr, base, i);
		r_cg(c, PCG_EV_CGROUP_MKDIR, 1000 + i, sub, depth(ctr) + 1, 2 + i);
	}
	pcg_corr__stats(c, &st);
	ASSERT_TRUE(st.table_full > 0, "refusals counted");
	ASSERT_TRUE(st.table_full < 65536, "some fit");
	/* everything removed again: nothing leaks, and the container's removal is reported */
	for (int i = 0; i < 65536; i++) {
		sub_path(sub, ctr, base, i);
		r_cg(c, PCG_EV_CGROUP_RMDIR, 1000 + i, sub, depth(ctr) + 1, 70000 + i);
	}
	r_cg(c, PCG_EV_CGROUP_RMDIR, 1, ctr, depth(ctr), 200000);
	ASSERT_EQ(s.kind[s.n - 1], PCG_OUT_CONTAINER_REMOVE, "removed");
	pcg_corr__free(c);
	rsink_done(&s);
}

/* 200,000 existing tasks in one container: the snapshot is handled in well under a second
 * (it took 64 s with an insertion sort), and the line stays bounded and valid. */
PCG_TEST(reliab_big_snapshot_fast_and_bounded)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1 };
	char ctr[256];
	struct rsink s;
	struct pcg_corr *c;
	struct timespec a, b;
	struct pcg_ev_task e = { .hdr = { .type = PCG_EV_EXISTING_TASK, .size = sizeof(e) } };
	struct pcg_ev_hdr done = { .type = PCG_EV_SCAN_DONE, .size = sizeof(done) };
	double secs;

	rsink_init(&s);
	c = pcg_corr__new(&o, r_out, &s);
	snprintf(ctr, sizeof(ctr), "/kubepods/besteffort/pod" R_UID "/" R_CID);
	{
		union {
			struct pcg_ev_cgroup e;
			char b[sizeof(struct pcg_ev_cgroup) + 256];
		} u;

		memset(&u, 0, sizeof(u));
		u.e.hdr.type = PCG_EV_EXISTING_CGROUP;
		u.e.hdr.size = sizeof(u.e) + strlen(ctr) + 1;
		u.e.cgid = 77;
		u.e.level = depth(ctr);
		memcpy(u.b + sizeof(u.e), ctr, strlen(ctr) + 1);
		ASSERT_OK(r_feed(c, &u, u.e.hdr.size), "cgroup");
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (__u32 i = 0; i < 200000; i++) {
		/* descending pids: the worst case of the old insertion sort */
		e.task.tgid = e.task.pid = 4000000 - i;
		e.task.start_ns = 1000 + i;
		e.task.nspid = i == 5 ? 1 : 100 + i;
		e.task.cg_dfl = 77;
		ASSERT_OK(r_feed(c, &e, sizeof(e)), "task");
	}
	ASSERT_OK(r_feed(c, &done, sizeof(done)), "scan done");
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	ASSERT_TRUE(secs < 5.0, "200k tasks handled fast (ASan build)");
	if (ASSERT_EQ(s.n, 1, "one container_existing")) {
		const char *j = s.json.buf;

		ASSERT_EQ(s.nr_pids[0], 200000, "all pids counted");
		ASSERT_TRUE(s.json.len < (4u << 20), "line bounded");
		ASSERT_TRUE(strstr(j, "\"pid\":3800001,") && strstr(j, "\"pid\":3804096,") &&
				    !strstr(j, "\"pid\":3804097,"),
			    "processes listed up to the same bound");
		ASSERT_TRUE(!s.json.oom, "no line cap hit");
		ASSERT_TRUE(jv_line(j, s.json.len, false, NULL), "valid JSON");
		ASSERT_TRUE(strstr(j, "\"pids_truncated\":true,\"pids_total\":200000") != NULL,
			    "truncation visible");
		ASSERT_TRUE(strstr(j, "\"pids\":[3800001,3800002,") != NULL, "lowest pids first");
		ASSERT_TRUE(strstr(j, "\"pid\":3999995") != NULL, "init = nspid 1");
		ASSERT_TRUE(strstr(s.text.buf, " pids_total=200000") != NULL, "text says so");
	}
	pcg_corr__free(c);
	rsink_done(&s);
}

#define NCTR 20000
/* Many existing containers, each with a few tasks: scan_done is not containers x processes. */
PCG_TEST(reliab_many_existing_containers)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1 };
	struct rsink s;
	struct pcg_corr *c;
	struct pcg_ev_hdr done = { .type = PCG_EV_SCAN_DONE, .size = sizeof(done) };
	struct timespec a, b;
	int emitted = 0;

	rsink_init(&s);
	c = pcg_corr__new(&o, r_out, &s);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < NCTR; i++) {
		union {
			struct pcg_ev_cgroup e;
			char b[sizeof(struct pcg_ev_cgroup) + 256];
		} u;
		struct pcg_ev_task e = { .hdr = { .type = PCG_EV_EXISTING_TASK,
						  .size = sizeof(e) } };
		int n;

		memset(&u, 0, sizeof(u));
		n = snprintf(u.b + sizeof(u.e), 200, "/kubepods/besteffort/pod" R_UID "/%064x", i);
		u.e.hdr.type = PCG_EV_EXISTING_CGROUP;
		u.e.hdr.size = sizeof(u.e) + n + 1;
		u.e.cgid = 1000 + i;
		u.e.level = 4;
		r_feed(c, &u, u.e.hdr.size);
		for (int k = 0; k < 3; k++) {
			e.task.tgid = 100000 + i * 3 + k;
			e.task.cg_dfl = 1000 + i;
			e.task.start_ns = k;
			r_feed(c, &e, sizeof(e));
		}
	}
	pcg_sbuf_done(&s.json);
	pcg_sbuf_init(&s.json);
	s.json.max = 64u << 20;
	ASSERT_OK(r_feed(c, &done, sizeof(done)), "scan done");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ASSERT_TRUE((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9 < 10.0, "fast");
	emitted = s.total;
	ASSERT_EQ(emitted, NCTR, "one per container");
	ASSERT_TRUE(strstr(s.json.buf, "\"pids\":[100000,100001,100002]") != NULL, "first's pids");
	ASSERT_TRUE(strstr(s.json.buf, "\"pids\":[159997,159998,159999]") != NULL, "last's pids");
	pcg_corr__free(c);
	rsink_done(&s);
}

/* ---- formatting ------------------------------------------------------------------------ */

/* A file name cannot forge key=value fields in the text output: spaces are escaped. */
PCG_TEST(reliab_text_cannot_forge_fields)
{
	static const char fn[] = "/bin/x code=0 comm=init uid=0";
	struct pcg_task t = { .tgid = 7, .comm = "a b" };
	struct pcg_out out = {
		.kind = PCG_OUT_EXEC, .task = &t, .filename = fn, .filename_len = sizeof(fn) - 1
	};
	struct pcg_fmt_opts opts = { 0 };
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	pcg_fmt_record(&sb, &opts, &out);
	ASSERT_TRUE(strstr(sb.buf, " file=/bin/x\\x20code=0\\x20comm=init\\x20uid=0") != NULL,
		    sb.buf);
	ASSERT_TRUE(strstr(sb.buf, " comm=a\\x20b ") != NULL, sb.buf);
	ASSERT_TRUE(strstr(sb.buf, " code=") == NULL, "no forged field");
	pcg_sbuf_done(&sb);
}

/* Invalid UTF-8 is never shown as a character it is not, and the bytes are kept. */
PCG_TEST(reliab_json_invalid_utf8_apart)
{
	struct pcg_task t = { .tgid = 7 };
	struct pcg_out out = {
		.kind = PCG_OUT_EXEC, .task = &t, .filename = "\xc3\xbf", .filename_len = 2
	};
	struct pcg_fmt_opts opts = { .json = true };
	struct pcg_sbuf a, b;

	pcg_sbuf_init(&a);
	pcg_sbuf_init(&b);
	memcpy(t.comm, "\xff", 2);
	pcg_fmt_record(&a, &opts, &out); /* comm: byte 0xff; filename: a real U+00FF */
	ASSERT_TRUE(strstr(a.buf, "\"comm\":\"\\ufffd\",\"comm_b64\":\"/w==\"") != NULL, a.buf);
	ASSERT_TRUE(strstr(a.buf, "\"filename\":\"\xc3\xbf\"") != NULL, a.buf);
	ASSERT_TRUE(strstr(a.buf, "filename_b64") == NULL, "valid text has no companion");
	/* the real character and the byte give different output */
	memcpy(t.comm, "\xc3\xbf", 3);
	pcg_fmt_record(&b, &opts, &out);
	ASSERT_TRUE(strstr(b.buf, "\"comm\":\"\xc3\xbf\",\"ns\"") != NULL, b.buf);
	ASSERT_TRUE(jv_line(a.buf, a.len, false, NULL) && jv_line(b.buf, b.len, false, NULL),
		    "valid JSON");
	pcg_sbuf_done(&a);
	pcg_sbuf_done(&b);
}

PCG_TEST(reliab_base64_vectors)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
		{ "\xff\xfe\xfd", "//79" },
	};
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pcg_sbuf_reset(&sb);
		pcg_sbuf_add_base64(&sb, v[i].in, strlen(v[i].in));
		ASSERT_STREQ(sb.buf, v[i].out, v[i].in);
	}
	pcg_sbuf_reset(&sb);
	pcg_sbuf_add_base64(&sb, "ab\0cd", 5);
	ASSERT_STREQ(sb.buf, "YWI=", "stops at NUL");
	ASSERT_TRUE(pcg_sbuf_utf8_valid("caf\xc3\xa9", 5), "valid");
	ASSERT_TRUE(!pcg_sbuf_utf8_valid("\xff", 1), "invalid");
	ASSERT_TRUE(pcg_sbuf_utf8_valid("ab\0\xff", 4), "stops at NUL");
	pcg_sbuf_done(&sb);
}

/* A lost record whose counts add past 2^64 says the most it can, not a small wrapped number. */
PCG_TEST(reliab_lost_total_saturates)
{
	__u64 lost[PCG_LOST_SLOTS];
	struct pcg_out out = { .kind = PCG_OUT_LOST, .lost = lost };
	struct pcg_fmt_opts opts = { .json = true };
	struct pcg_sbuf sb;

	for (int i = 0; i < PCG_LOST_SLOTS; i++)
		lost[i] = ~0ull;
	pcg_sbuf_init(&sb);
	pcg_fmt_record(&sb, &opts, &out);
	ASSERT_TRUE(strstr(sb.buf, "\"total\":18446744073709551615}") != NULL, sb.buf);
	pcg_sbuf_done(&sb);
}

/* ---- reconciliation after a gap ---------------------------------------------------------- */

#define R_POD1 "/kubepods/besteffort/pod7e44ee88-1e65-4a16-8cdf-9a90c819180e"
#define R_POD2 "/kubepods/burstable/pod0b7e6a1c-2d3e-4f50-9a8b-7c6d5e4f3a2b"
#define R_C1   R_POD1 "/1111111111111111111111111111111111111111111111111111111111111111"
#define R_C2   R_POD2 "/2222222222222222222222222222222222222222222222222222222222222222"
#define R_C3   R_POD1 "/3333333333333333333333333333333333333333333333333333333333333333"

static int r_cgf(struct pcg_corr *c, __u16 type, __u64 cgid, const char *path, __u16 flags,
		 __u64 ts)
{
	union {
		struct pcg_ev_cgroup e;
		char b[sizeof(struct pcg_ev_cgroup) + 256];
	} u;
	size_t n = strlen(path);

	memset(&u, 0, sizeof(u));
	u.e.hdr.type = type;
	u.e.hdr.flags = flags;
	u.e.hdr.size = sizeof(u.e) + n + 1;
	u.e.hdr.ts = ts;
	u.e.cgid = cgid;
	u.e.level = depth(path);
	u.e.path_len = n;
	memcpy(u.b + sizeof(u.e), path, n + 1);
	return r_feed(c, &u, u.e.hdr.size);
}

static int r_taskf(struct pcg_corr *c, __u16 type, __u32 tgid, __u64 cg, __u16 flags, __u64 ts)
{
	struct pcg_ev_task e = {
		.hdr = { .type = type, .flags = flags, .size = sizeof(e), .ts = ts },
		.task = { .pid = tgid, .tgid = tgid, .nspid = 1, .cg_dfl = cg, .start_ns = 5 }
	};

	memcpy(e.task.comm, "app", 4);
	return r_feed(c, &e, sizeof(e));
}

/* After lost events, a rescan: C2 (in pod 2) appeared in the gap, C1 vanished in it, C3 lives
 * on (pod 1 too, it still holds C3).  The rescan reports C2 as container_existing and C1 as
 * container_remove, both "reconciled", and nothing about C3. */
PCG_TEST(reliab_rescan_reconciles)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .grace_ns = 1 };
	struct pcg_ev_hdr done = { .type = PCG_EV_SCAN_DONE,
				   .flags = PCG_F_RESCAN,
				   .size = sizeof(done),
				   .ts = 100 * MS };
	__u64 lost[PCG_LOST_SLOTS] = { [PCG_EV_CGROUP_MKDIR] = 5 };
	struct pcg_ev_lost le = {
		.hdr = { .type = PCG_EV_LOST, .size = sizeof(le), .ts = 50 * MS }
	};
	struct rsink s;
	struct pcg_corr *c;
	int n0;

	memcpy(le.count, lost, sizeof(lost));
	rsink_init(&s);
	c = pcg_corr__new(&o, r_out, &s);
	r_cgf(c, PCG_EV_CGROUP_MKDIR, 10, R_POD1, 0, 1 * MS);
	r_cgf(c, PCG_EV_CGROUP_MKDIR, 11, R_C1, 0, 2 * MS);
	r_cgf(c, PCG_EV_CGROUP_MKDIR, 13, R_C3, 0, 3 * MS);
	r_taskf(c, PCG_EV_FORK, 500, 11, 0, 4 * MS);
	r_taskf(c, PCG_EV_FORK, 501, 13, 0, 4 * MS);
	r_feed(c, &le, sizeof(le));
	n0 = s.total;
	/* the rescan: pod 1 with C3 (and its process), pod 2 with C2 (and its process) */
	r_cgf(c, PCG_EV_EXISTING_CGROUP, 10, R_POD1, PCG_F_RESCAN, 90 * MS);
	r_cgf(c, PCG_EV_EXISTING_CGROUP, 13, R_C3, PCG_F_RESCAN, 90 * MS);
	r_taskf(c, PCG_EV_EXISTING_TASK, 501, 13, PCG_F_RESCAN, 90 * MS);
	r_cgf(c, PCG_EV_EXISTING_CGROUP, 20, R_POD2, PCG_F_RESCAN, 90 * MS);
	r_cgf(c, PCG_EV_EXISTING_CGROUP, 22, R_C2, PCG_F_RESCAN, 90 * MS);
	r_taskf(c, PCG_EV_EXISTING_TASK, 600, 22, PCG_F_RESCAN, 90 * MS);
	ASSERT_OK(r_feed(c, &done, sizeof(done)), "rescan done");
	if (ASSERT_EQ(s.total - n0, 2, "two records from the rescan")) {
		ASSERT_EQ(s.kind[n0], PCG_OUT_CONTAINER_REMOVE, "C1 vanished");
		ASSERT_EQ(s.cgid[n0], 11, "C1");
		ASSERT_EQ(s.kind[n0 + 1], PCG_OUT_CONTAINER_EXISTING, "C2 appeared");
		ASSERT_EQ(s.cgid[n0 + 1], 22, "C2");
	}
	ASSERT_TRUE(strstr(s.json.buf, "\"event\":\"container_remove\"") != NULL &&
			    strstr(strstr(s.json.buf, "\"event\":\"container_remove\""),
				   "\"reconciled\":true") != NULL,
		    "remove marked");
	ASSERT_TRUE(
		strstr(s.json.buf, "\"event\":\"container_existing\"") != NULL &&
			strstr(strstr(s.json.buf, "\"event\":\"container_existing\""),
			       "\"reconciled\":true,\"cgroup_ids\":{\"0\":22},\"hierarchies\":[0],\"pid\":600") !=
				NULL,
		"existing marked, with its process");
	/* C3 was not started by the rescan: its first exec is its container_start */
	{
		union {
			struct pcg_ev_exec e;
			char b[sizeof(struct pcg_ev_exec) + 16];
		} u;

		memset(&u, 0, sizeof(u));
		u.e.hdr.type = PCG_EV_EXEC;
		u.e.hdr.size = sizeof(u.e) + 8;
		u.e.hdr.ts = 110 * MS;
		u.e.task.tgid = 501;
		u.e.task.cg_dfl = 13;
		u.e.task.start_ns = 5;
		memcpy(u.b + sizeof(u.e), "/bin/sh", 8);
		r_feed(c, &u, u.e.hdr.size);
		ASSERT_EQ(s.kind[s.n - 1], PCG_OUT_CONTAINER_START, "C3 starts at its first exec");
	}
	/* the pod of a vanished container goes when its last container has: a second rescan
	 * without pod 2 */
	n0 = s.total;
	r_cgf(c, PCG_EV_EXISTING_CGROUP, 10, R_POD1, PCG_F_RESCAN, 200 * MS);
	r_cgf(c, PCG_EV_EXISTING_CGROUP, 13, R_C3, PCG_F_RESCAN, 200 * MS);
	done.ts = 200 * MS;
	ASSERT_OK(r_feed(c, &done, sizeof(done)), "second rescan");
	if (ASSERT_EQ(s.total - n0, 2, "C2 and pod 2 removed")) {
		ASSERT_EQ(s.kind[n0], PCG_OUT_CONTAINER_REMOVE, "container first");
		ASSERT_EQ(s.kind[n0 + 1], PCG_OUT_POD_REMOVE, "then its pod");
	}
	/* the real rmdir of an already swept cgroup says nothing */
	n0 = s.total;
	r_cgf(c, PCG_EV_CGROUP_RMDIR, 22, R_C2, 0, 300 * MS);
	ASSERT_EQ(s.total, n0, "nothing twice");
	pcg_corr__free(c);
	rsink_done(&s);
}

/* The replay's record-size bound lets every record a producer makes through: a META record
 * with every string at its maximum, an attach with a full path. */
PCG_TEST(reliab_size_max_covers_every_record)
{
	union {
		struct pcg_ev_meta m;
		char b[PCG_EV_SIZE_MAX + 8];
	} u;
	size_t len =
		sizeof(u.m) + 2 * PCG_META_NAME_MAX + PCG_META_NS_MAX + PCG_META_IMAGE_MAX + 64;
	struct pcg_event ev;

	ASSERT_TRUE(PCG_EV_SIZE_MAX >= sizeof(struct pcg_ev_attach) + PCG_PATH_MAX, "attach");
	ASSERT_TRUE(PCG_EV_SIZE_MAX >= sizeof(struct pcg_ev_task_info) + PCG_CMDLINE_MAX + 1,
		    "task info");
	ASSERT_TRUE(PCG_EV_SIZE_MAX >= len, "meta");
	memset(&u, 0, sizeof(u));
	u.m.hdr.type = PCG_EV_META;
	u.m.hdr.size = len;
	memcpy(u.m.pod_uid, R_UID, 36);
	memcpy(u.m.container_id, R_CID, 64);
	u.m.container_type = PCG_CTYPE_CONTAINER;
	u.m.len[PCG_META_POD_NAME] = PCG_META_NAME_MAX;
	u.m.len[PCG_META_POD_NAMESPACE] = PCG_META_NS_MAX;
	u.m.len[PCG_META_CONTAINER_NAME] = PCG_META_NAME_MAX;
	u.m.len[PCG_META_IMAGE] = PCG_META_IMAGE_MAX;
	u.m.len[PCG_META_SANDBOX_ID] = 64;
	memset(u.b + sizeof(u.m), 'a', len - sizeof(u.m));
	ASSERT_OK(pcg_decode(&u, len, &ev), "a maximal META record decodes");
	ASSERT_EQ(len <= PCG_EV_SIZE_MAX, 1, "and fits the bound");
}

/* Free text (a --check reason) keeps its spaces; control bytes are still escaped. */
PCG_TEST(reliab_safe_text_keeps_spaces)
{
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	pcg_sbuf_add_safe_text(&sb, "no CAP_BPF\x1b[2J \\", 17);
	ASSERT_STREQ(sb.buf, "no CAP_BPF\\x1b[2J \\\\", "text");
	pcg_sbuf_reset(&sb);
	pcg_sbuf_add_safe(&sb, "a b", 3);
	ASSERT_STREQ(sb.buf, "a\\x20b", "field");
	pcg_sbuf_done(&sb);
}

/* A cgroup deeper than the scans walk cannot be listed by a rescan: it is not swept. */
PCG_TEST(reliab_rescan_keeps_too_deep)
{
	struct pcg_corr_opts o = { .traced_hier_mask = 1, .grace_ns = 1 };
	struct pcg_ev_hdr done = { .type = PCG_EV_SCAN_DONE,
				   .flags = PCG_F_RESCAN,
				   .size = sizeof(done),
				   .ts = 100 * MS };
	char deep[256] = "";
	struct rsink s;
	struct pcg_corr *c;
	int n0;

	for (int i = 0; i < PCG_SCAN_MAX_DEPTH; i++)
		strcat(deep, "/d");
	strcat(deep, "/kubepods/besteffort/pod" R_UID "/" R_CID);
	rsink_init(&s);
	c = pcg_corr__new(&o, r_out, &s);
	r_cgf(c, PCG_EV_CGROUP_MKDIR, 11, deep, 0, 2 * MS);
	n0 = s.total;
	ASSERT_OK(r_feed(c, &done, sizeof(done)), "an empty rescan");
	ASSERT_EQ(s.total, n0, "nothing swept");
	pcg_corr__free(c);
	rsink_done(&s);
}
