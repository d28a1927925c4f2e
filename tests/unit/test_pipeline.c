/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_pipeline.c - raw records in, lines out: filters, lost records, garbage, the raw tap. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "jsonv.h"
#include "pipeline.h"
#include "test.h"

#define UID_A  "7e44ee88-1e65-4a16-8cdf-9a90c819180e"
#define UIDU_A "7e44ee88_1e65_4a16_8cdf_9a90c819180e"
#define UID_B  "0b7e6a1c-2d3e-4f50-9a8b-7c6d5e4f3a2b"
#define CID_A  "aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111"
#define CID_A2 "aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222"
#define CID_B  "bbbb1111bbbb1111bbbb1111bbbb1111bbbb1111bbbb1111bbbb1111bbbb1111"
/* pod A: systemd driver; pod B: cgroupfs driver (both spellings of a UID appear) */
#define POD_A  "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU_A ".slice"
#define CTR_A  POD_A "/cri-containerd-" CID_A ".scope"
#define CTR_A2 POD_A "/cri-containerd-" CID_A2 ".scope"
#define POD_B  "/kubepods/burstable/pod" UID_B
#define CTR_B  POD_B "/" CID_B
#define MS     1000000ull

/* ---- building raw records ---------------------------------------------------------------- */

struct raw {
	unsigned char b[2048];
	size_t len;
};

static void hdr(struct raw *r, __u16 type, size_t len, __u64 ts)
{
	struct pcg_ev_hdr h = { .type = type, .size = (__u16)len, .ts = ts };

	memset(r->b, 0, len);
	memcpy(r->b, &h, sizeof(h));
	r->len = len;
}

static struct raw cgroup_rec(__u16 type, __u32 hier, __u64 cgid, const char *path, __u64 ts)
{
	struct raw r;
	struct pcg_ev_cgroup e;
	size_t pl = strlen(path);

	hdr(&r, type, sizeof(e) + pl + 1, ts);
	memcpy(&e, r.b, sizeof(e));
	e.cgid = cgid;
	e.hier = hier;
	e.level = 4;
	e.path_len = (__u16)pl;
	memcpy(r.b, &e, sizeof(e));
	memcpy(r.b + sizeof(e), path, pl + 1);
	return r;
}

static struct pcg_task mk_task(__u32 tgid, __u64 dfl, __u64 v1, const char *comm)
{
	struct pcg_task t = { .pid = tgid,
			      .tgid = tgid,
			      .ppid = 1,
			      .nspid = 1,
			      .uid = 0,
			      .start_ns = 1000 + tgid,
			      .cg_dfl = dfl,
			      .cg_v1 = v1 };

	for (int i = 0; i < PCG_NS_COUNT; i++)
		t.ns[i] = 4026532000u + tgid + i;
	memcpy(t.comm, comm, strnlen(comm, sizeof(t.comm)));
	return t;
}

static struct raw exec_rec(struct pcg_task t, const char *file, __u64 ts)
{
	struct raw r;
	struct pcg_ev_exec e;
	size_t fl = strlen(file);

	hdr(&r, PCG_EV_EXEC, sizeof(e) + fl + 1, ts);
	memcpy(&e, r.b, sizeof(e));
	e.task = t;
	e.old_pid = t.tgid;
	e.filename_len = (__u16)fl;
	memcpy(r.b, &e, sizeof(e));
	memcpy(r.b + sizeof(e), file, fl + 1);
	return r;
}

static struct raw exit_rec(struct pcg_task t, __u32 status, __u64 ts)
{
	struct raw r;
	struct pcg_ev_exit e;

	hdr(&r, PCG_EV_EXIT, sizeof(e), ts);
	memcpy(&e, r.b, sizeof(e));
	e.task = t;
	e.exit_status = status;
	memcpy(r.b, &e, sizeof(e));
	return r;
}

static struct raw lost_rec(__u64 exec, __u64 fork, __u64 ts)
{
	struct raw r;
	struct pcg_ev_lost e;

	hdr(&r, PCG_EV_LOST, sizeof(e), ts);
	memcpy(&e, r.b, sizeof(e));
	e.count[PCG_EV_EXEC] = exec;
	e.count[PCG_EV_FORK] = fork;
	memcpy(r.b, &e, sizeof(e));
	return r;
}

/* ---- a pipeline with a capturing sink and tap -------------------------------------------- */

#define MAX_LINES 128
#define MAX_LOG	  512

struct cap {
	char *lines[MAX_LINES];
	int n;
	int sink_err;	/* returned by the sink when set */
	int tap_err_at; /* the tap fails on this record (1-based), 0 = never */
	/* the order in which the tap and the sink were called: record number, or -line */
	int log[MAX_LOG];
	int nlog;
	int fed;	      /* records fed so far */
	const void *last_rec; /* what the tap should see */
	size_t last_len;
	bool tap_mismatch;
	bool bad_line;
};

static int sink(void *ctx, const char *buf, size_t len)
{
	struct cap *c = ctx;
	const char *err = NULL;

	if (c->nlog < MAX_LOG)
		c->log[c->nlog++] = -(c->n + 1);
	if (strlen(buf) != len)
		c->bad_line = true;
	if (buf[0] == '{' && !jv_line(buf, len, false, &err)) {
		fprintf(stderr, "invalid JSON line (%s): %.*s", err, (int)len, buf);
		c->bad_line = true;
	}
	if (c->n < MAX_LINES)
		c->lines[c->n++] = strndup(buf, len);
	return c->sink_err;
}

static int tap(void *ctx, const void *rec, size_t len)
{
	struct cap *c = ctx;

	if (c->nlog < MAX_LOG)
		c->log[c->nlog++] = c->fed;
	if (rec != c->last_rec || len != c->last_len)
		c->tap_mismatch = true;
	if (c->tap_err_at && c->fed == c->tap_err_at)
		return -EIO;
	return 0;
}

static void cap_free(struct cap *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->lines[i]);
	c->n = 0;
}

struct filt {
	const char *pod, *ctr;
	bool text, all, with_tap;
};

static struct pcg_pipeline *new_pipeline(struct cap *c, const struct filt *f)
{
	struct pcg_pipeline_opts o = {
		.corr = { .traced_hier_mask = (1ull << 0) | (1ull << 4),
			  .key_v1_hier = 4,
			  .all = f->all,
			  .grace_ns = 100 * MS },
		.fmt = { .json = !f->text, .boot_to_realtime_ns = 1795764662ll * 1000000000 },
		.pod_filter = f->pod,
		.container_filter = f->ctr,
	};

	memset(c, 0, sizeof(*c));
	return pcg_pipeline__new(&o, sink, f->with_tap ? tap : NULL, c);
}

/* Feeds @r from an exactly sized heap copy (ASan sees any over-read). */
static int feed(struct pcg_pipeline *p, struct cap *c, const void *rec, size_t len)
{
	void *copy = malloc(len ? len : 1);
	int rc;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, rec, len);
	c->fed++;
	c->last_rec = copy;
	c->last_len = len;
	rc = pcg_pipeline__feed(p, copy, len);
	free(copy);
	return rc;
}

static int feed_raw(struct pcg_pipeline *p, struct cap *c, struct raw r)
{
	return feed(p, c, r.b, r.len);
}

/* Garbage that must be rejected by the decoder. */
static int feed_garbage(struct pcg_pipeline *p, struct cap *c, int k)
{
	unsigned char g[300];
	struct pcg_ev_hdr h = { 0 };
	size_t len;

	memset(g, 0x41 + k, sizeof(g));
	switch (k % 6) {
	case 0: /* shorter than a header */
		len = 7;
		break;
	case 1: /* size field disagrees with the length */
		h.type = PCG_EV_EXEC;
		h.size = 999;
		len = 200;
		break;
	case 2: /* unknown type */
		h.type = 0x4242;
		h.size = 64;
		len = 64;
		break;
	case 3: /* type 0 */
		h.size = 16;
		len = 16;
		break;
	case 4: /* the fixed part of an attach is longer than this */
		h.type = PCG_EV_CGROUP_ATTACH;
		h.size = 100;
		len = 100;
		break;
	default: /* nothing at all */
		len = 0;
		break;
	}
	if (len >= sizeof(h))
		memcpy(g, &h, sizeof(h));
	return feed(p, c, g, len);
}

/* Two pods, three containers, processes, a lost record and teardown.  @garbage: feed a bad
 * record before each good one.  Returns the first non-zero feed result. */
static int scenario(struct pcg_pipeline *p, struct cap *c, bool garbage)
{
	struct pcg_task a = mk_task(1000, 101, 201, "pause");
	struct pcg_task a2 = mk_task(1100, 111, 211, "nginx");
	struct pcg_task b = mk_task(2000, 301, 401, "redis-server");
	struct raw rs[32];
	int n = 0, rc, k = 0;
	__u64 t = 10 * MS;

	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 100, POD_A, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 200, POD_A, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 300, POD_B, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 400, POD_B, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 101, CTR_A, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 201, CTR_A, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 301, CTR_B, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 401, CTR_B, t += MS);
	rs[n++] = exec_rec(a, "/pause", t += MS);
	rs[n++] = exec_rec(b, "/usr/local/bin/redis-server", t += MS);
	rs[n++] = lost_rec(3, 1, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 111, CTR_A2, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 211, CTR_A2, t += MS);
	rs[n++] = exec_rec(a2, "/docker-entrypoint.sh", t += MS);
	rs[n++] = exec_rec(a2, "/usr/sbin/nginx", t += MS);
	rs[n++] = exit_rec(a2, 0, t += MS);
	rs[n++] = exit_rec(b, 9, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_RMDIR, 0, 111, CTR_A2, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_RMDIR, 4, 211, CTR_A2, t += MS);
	rs[n++] = exit_rec(a, 0, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_RMDIR, 0, 101, CTR_A, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_RMDIR, 4, 201, CTR_A, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_RMDIR, 0, 100, POD_A, t += MS);
	rs[n++] = cgroup_rec(PCG_EV_CGROUP_RMDIR, 4, 200, POD_A, t += MS);
	rs[n++] = lost_rec(0, 2, t += MS);
	for (int i = 0; i < n; i++) {
		if (garbage) {
			rc = feed_garbage(p, c, k++);
			if (rc)
				return rc;
		}
		rc = feed_raw(p, c, rs[i]);
		if (rc)
			return rc;
	}
	return pcg_pipeline__flush(p);
}

#define SCENARIO_RECORDS 25

static bool has(const char *line, const char *s)
{
	return strstr(line, s) != NULL;
}

static bool is_lost(const char *line)
{
	return has(line, "\"event\":\"lost\"");
}

/* Runs the scenario with filter @f; returns the captured lines in @c (caller frees). */
static bool run(struct cap *c, const struct filt *f, struct pcg_pipeline_stats *st)
{
	struct pcg_pipeline *p = new_pipeline(c, f);
	int rc;

	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		return false;
	rc = scenario(p, c, false);
	pcg_pipeline__stats(p, st);
	pcg_pipeline__free(p);
	return ASSERT_OK(rc, "scenario") && ASSERT_TRUE(!c->bad_line, "well-formed lines");
}

/* ---- tests ------------------------------------------------------------------------------- */

PCG_TEST(pipeline_new_args)
{
	struct pcg_pipeline_opts o = { 0 };

	errno = 0;
	ASSERT_TRUE(pcg_pipeline__new(&o, NULL, NULL, NULL) == NULL, "NULL sink");
	ASSERT_EQ(errno, EINVAL, "errno");
	errno = 0;
	ASSERT_TRUE(pcg_pipeline__new(NULL, sink, NULL, NULL) == NULL, "NULL opts");
	ASSERT_EQ(errno, EINVAL, "errno");
	pcg_pipeline__free(NULL);
}

/* The unfiltered scenario: the reference the filter tests compare against. */
PCG_TEST(pipeline_unfiltered)
{
	struct pcg_pipeline_stats st;
	struct filt f = { 0 };
	struct cap c;
	int a = 0, b = 0, lost = 0;

	if (!run(&c, &f, &st))
		goto out;
	for (int i = 0; i < c.n; i++) {
		a += has(c.lines[i], "\"pod_uid\":\"" UID_A "\"");
		b += has(c.lines[i], "\"pod_uid\":\"" UID_B "\"");
		lost += is_lost(c.lines[i]);
		ASSERT_TRUE(has(c.lines[i], "{\"schema\":1,\"ts\":\"2026-11-27T"), "JSON line");
	}
	ASSERT_EQ(lost, 2, "lost lines");
	ASSERT_EQ(a + b + lost, c.n, "every other line names a pod");
	ASSERT_TRUE(a >= 8 && b >= 3, "both pods seen");
	ASSERT_TRUE(has(c.lines[0], "\"event\":\"pod_create\"") && has(c.lines[0], UID_A),
		    "first line: pod A");
	ASSERT_EQ(st.records_in, SCENARIO_RECORDS, "records_in");
	ASSERT_EQ(st.bad_records, 0, "bad_records");
	ASSERT_EQ(st.lines_out, c.n, "lines_out");
	ASSERT_EQ(st.lost, 6, "lost total");
out:
	cap_free(&c);
}

/* --pod, in every spelling a user may paste: only that pod's lines, and all of them. */
PCG_TEST(pipeline_pod_filter)
{
	static const char *const spellings[] = {
		UID_A,
		UIDU_A,
		"7E44EE88-1E65-4A16-8CDF-9A90C819180E",
		"7E44EE88_1E65_4A16_8CDF_9A90C819180E",
	};
	struct pcg_pipeline_stats st;
	struct filt f = { 0 };
	struct cap ref, c;
	int want = 0;

	if (!run(&ref, &f, &st))
		goto out;
	for (int i = 0; i < ref.n; i++)
		want += has(ref.lines[i], UID_A) || is_lost(ref.lines[i]);
	for (size_t s = 0; s < sizeof(spellings) / sizeof(spellings[0]); s++) {
		int k = 0;

		f.pod = spellings[s];
		if (!run(&c, &f, &st))
			break;
		ASSERT_EQ(c.n, want, spellings[s]);
		/* the same lines, in the same order, as the unfiltered run */
		for (int i = 0; i < ref.n && k < c.n; i++)
			if (has(ref.lines[i], UID_A) || is_lost(ref.lines[i]))
				ASSERT_STREQ(c.lines[k++], ref.lines[i], spellings[s]);
		for (int i = 0; i < c.n; i++)
			ASSERT_TRUE(!has(c.lines[i], UID_B), "no line of pod B");
		ASSERT_EQ(st.lines_out, c.n, "lines_out counts written lines");
		ASSERT_EQ(st.lost, 6, "lost counted whatever the filter");
		cap_free(&c);
	}
	/* pod B in its own dashed form; a pod that does not exist */
	f.pod = UID_B;
	if (run(&c, &f, &st)) {
		for (int i = 0; i < c.n; i++)
			ASSERT_TRUE(has(c.lines[i], UID_B) || is_lost(c.lines[i]), "only pod B");
		ASSERT_TRUE(c.n > 2, "pod B lines");
	}
	cap_free(&c);
	f.pod = "00000000-0000-0000-0000-000000000000";
	if (run(&c, &f, &st)) {
		ASSERT_EQ(c.n, 2, "only the lost lines");
		for (int i = 0; i < c.n; i++)
			ASSERT_TRUE(is_lost(c.lines[i]), "lost always passes");
	}
	cap_free(&c);
out:
	cap_free(&ref);
}

/* --container: an id prefix, either case; pod-level lines have no container and drop out. */
PCG_TEST(pipeline_container_filter)
{
	static const struct {
		const char *filter;
		const char *match; /* every non-lost line holds this */
		bool none;
	} c_[] = {
		{ "aaaa", "\"container_id\":\"aaaa", false },
		{ "AAAA", "\"container_id\":\"aaaa", false },
		{ "aaaa1", "\"container_id\":\"" CID_A "\"", false },
		{ CID_A, "\"container_id\":\"" CID_A "\"", false },
		{ "aaaa2222A", "\"container_id\":\"" CID_A2 "\"", false },
		{ "b", "\"container_id\":\"" CID_B "\"", false },
		{ "c", NULL, true },
		{ CID_A "0", NULL, false }, /* longer than an id: cut to 64 (cli refuses it) */
	};
	struct pcg_pipeline_stats st;
	struct filt f = { 0 };
	struct cap ref, c;

	if (!run(&ref, &f, &st))
		goto out;
	for (size_t s = 0; s < sizeof(c_) / sizeof(c_[0]); s++) {
		int want = 0, got_ctr = 0;

		f.ctr = c_[s].filter;
		if (!run(&c, &f, &st))
			break;
		for (int i = 0; i < c.n; i++) {
			if (is_lost(c.lines[i]))
				continue;
			got_ctr++;
			ASSERT_TRUE(!has(c.lines[i], "\"event\":\"pod_"), "no pod lines");
			if (c_[s].match)
				ASSERT_TRUE(has(c.lines[i], c_[s].match), c_[s].filter);
		}
		if (c_[s].match) {
			for (int i = 0; i < ref.n; i++)
				want += has(ref.lines[i], c_[s].match);
			ASSERT_EQ(got_ctr, want, c_[s].filter);
		}
		if (c_[s].none)
			ASSERT_EQ(got_ctr, 0, "no container matches");
		ASSERT_EQ(c.n - got_ctr, 2, "lost lines pass the container filter");
		cap_free(&c);
	}
	/* both filters: pod A and a container of pod B match nothing but lost */
	f.pod = UID_A;
	f.ctr = "bbbb";
	if (run(&c, &f, &st)) {
		ASSERT_EQ(c.n, 2, "pod A x container B");
		for (int i = 0; i < c.n; i++)
			ASSERT_TRUE(is_lost(c.lines[i]), "only lost");
	}
	cap_free(&c);
	f.ctr = "aaaa2";
	if (run(&c, &f, &st)) {
		for (int i = 0; i < c.n; i++)
			ASSERT_TRUE(is_lost(c.lines[i]) || has(c.lines[i], CID_A2), "pod A x A2");
		ASSERT_TRUE(c.n > 2, "A2 lines");
	}
	cap_free(&c);
out:
	cap_free(&ref);
}

/* Garbage between every record: counted, skipped, and the output does not change. */
PCG_TEST(pipeline_garbage)
{
	struct pcg_pipeline_stats st, st2;
	struct filt f = { .with_tap = true };
	struct pcg_pipeline *p;
	struct cap ref, c;
	int rc;

	if (!run(&ref, &f, &st))
		goto out;
	p = new_pipeline(&c, &f);
	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		goto out;
	rc = scenario(p, &c, true);
	ASSERT_OK(rc, "garbage is not an error");
	pcg_pipeline__stats(p, &st2);
	ASSERT_EQ(st2.records_in, 2 * SCENARIO_RECORDS, "records_in");
	ASSERT_EQ(st2.bad_records, SCENARIO_RECORDS, "bad_records");
	ASSERT_EQ(st2.lines_out, st.lines_out, "same lines_out");
	ASSERT_EQ(st2.lost, st.lost, "same lost");
	if (ASSERT_EQ(c.n, ref.n, "same line count"))
		for (int i = 0; i < c.n; i++)
			ASSERT_STREQ(c.lines[i], ref.lines[i], "same lines");
	/* a NULL record (no tap) */
	pcg_pipeline__free(p);
	cap_free(&c);
	f.with_tap = false;
	p = new_pipeline(&c, &f);
	if (p) {
		ASSERT_OK(pcg_pipeline__feed(p, NULL, 0), "NULL record");
		ASSERT_OK(pcg_pipeline__feed(p, NULL, 100), "NULL record with a length");
		pcg_pipeline__stats(p, &st2);
		ASSERT_EQ(st2.bad_records, 2, "NULL counted");
		pcg_pipeline__free(p);
	}
	cap_free(&c);
out:
	cap_free(&ref);
}

/* Random bytes as records, and valid headers over random bodies: no crash, no bad line. */
PCG_TEST(pipeline_random_records)
{
	struct filt f = { .all = true };
	unsigned long long x = 88172645463325252ull;
	struct pcg_pipeline *p;
	struct cap c;

	for (int mode = 0; mode < 2; mode++) {
		f.text = mode == 1;
		p = new_pipeline(&c, &f);
		if (!ASSERT_TRUE(p != NULL, "pipeline"))
			return;
		for (int n = 0; n < 20000; n++) {
			unsigned char b[256];
			size_t len;

			for (size_t i = 0; i < sizeof(b); i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				b[i] = (unsigned char)x;
			}
			len = x % sizeof(b);
			if (n % 2 && len >= sizeof(struct pcg_ev_hdr)) {
				struct pcg_ev_hdr h;

				memcpy(&h, b, sizeof(h));
				h.type = 1 + x % (_PCG_EV_MAX - 1);
				h.size = (__u16)len;
				h.ts = n * MS;
				memcpy(b, &h, sizeof(h));
			}
			if (!ASSERT_OK(feed(p, &c, b, len), "feed"))
				break;
			cap_free(&c);
		}
		ASSERT_OK(pcg_pipeline__flush(p), "flush");
		ASSERT_TRUE(!c.bad_line, "lines well-formed");
		pcg_pipeline__free(p);
		cap_free(&c);
	}
}

/* The tap sees every record, bytes and length as fed, before anything it causes is written. */
PCG_TEST(pipeline_tap_first)
{
	struct pcg_pipeline_stats st;
	struct filt f = { .with_tap = true };
	struct pcg_pipeline *p;
	struct cap c;
	int taps = 0, last_tap = 0;

	p = new_pipeline(&c, &f);
	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		return;
	ASSERT_OK(scenario(p, &c, true), "scenario");
	pcg_pipeline__stats(p, &st);
	ASSERT_TRUE(!c.tap_mismatch, "tap got the record as fed");
	for (int i = 0; i < c.nlog; i++) {
		if (c.log[i] > 0) {
			taps++;
			ASSERT_EQ(c.log[i], last_tap + 1, "taps in feed order");
			last_tap = c.log[i];
		}
	}
	ASSERT_EQ(taps, 2 * SCENARIO_RECORDS, "the tap saw every record, garbage included");
	ASSERT_EQ(taps, st.records_in, "taps == records_in");
	/* before each line, the tap of the record that caused it: a line never precedes a tap
	 * of the record being processed (log is tap numbers and -line numbers) */
	ASSERT_TRUE(c.nlog > 0 && c.log[0] > 0, "a tap comes first");
	pcg_pipeline__free(p);
	cap_free(&c);

	/* a pipeline with a filter that drops everything: the tap still sees all */
	f.pod = "00000000-0000-0000-0000-000000000000";
	p = new_pipeline(&c, &f);
	if (!p)
		return;
	ASSERT_OK(scenario(p, &c, false), "scenario");
	taps = 0;
	for (int i = 0; i < c.nlog; i++)
		taps += c.log[i] > 0;
	ASSERT_EQ(taps, SCENARIO_RECORDS, "filtered: tap saw everything");
	pcg_pipeline__free(p);
	cap_free(&c);
}

/* Each line is written right after the tap of the record that caused it. */
PCG_TEST(pipeline_tap_before_lines)
{
	struct filt f = { .with_tap = true };
	struct pcg_pipeline *p;
	struct cap c;
	struct pcg_task t = mk_task(1000, 101, 201, "pause");
	struct raw rs[] = {
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 100, POD_A, 1 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 200, POD_A, 2 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 101, CTR_A, 3 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 201, CTR_A, 4 * MS),
		exec_rec(t, "/pause", 5 * MS),
		lost_rec(1, 0, 6 * MS),
	};

	p = new_pipeline(&c, &f);
	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		return;
	for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		int before = c.nlog;

		ASSERT_OK(feed_raw(p, &c, rs[i]), "feed");
		if (!ASSERT_TRUE(c.nlog > before, "something logged"))
			break;
		ASSERT_EQ(c.log[before], (int)i + 1, "the tap first");
		for (int k = before + 1; k < c.nlog; k++)
			ASSERT_TRUE(c.log[k] < 0, "then only lines");
	}
	ASSERT_TRUE(c.n >= 4, "lines came out");
	pcg_pipeline__free(p);
	cap_free(&c);
}

/* Errors: a failing tap stops the record; a failing sink is returned. */
PCG_TEST(pipeline_errors)
{
	struct filt f = { .with_tap = true };
	struct pcg_pipeline *p;
	struct cap c;
	struct raw r = lost_rec(1, 1, MS);

	p = new_pipeline(&c, &f);
	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		return;
	c.tap_err_at = 1;
	ASSERT_EQ(feed_raw(p, &c, r), -EIO, "tap error returned");
	ASSERT_EQ(c.n, 0, "record not processed after a tap error");
	c.tap_err_at = 0;
	c.sink_err = -EPIPE;
	ASSERT_EQ(feed_raw(p, &c, r), -EPIPE, "sink error returned");
	ASSERT_EQ(c.n, 1, "the sink was called");
	c.sink_err = 0;
	ASSERT_OK(feed_raw(p, &c, r), "recovers");
	pcg_pipeline__free(p);
	cap_free(&c);
}

/* Text mode through the pipeline: hostile comm, filename and cgroup never reach the terminal. */
PCG_TEST(pipeline_text_hostile)
{
	struct filt f = { .text = true, .all = true };
	struct pcg_pipeline *p;
	struct cap c;
	struct pcg_task t = mk_task(1000, 101, 201, "\x1b[2J\x07\r\n\x9b");
	struct pcg_task u = mk_task(3000, 999, 0, "\x1b]0;x\x07");
	struct raw rs[] = {
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 100, POD_A, 1 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 200, POD_A, 2 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 101, CTR_A, 3 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 201, CTR_A, 4 * MS),
		exec_rec(t, "/bin/\x1b[31mred\n\x07", 5 * MS),
		exec_rec(u, "\x1b[?1049h\xc2\x9b", 6 * MS), /* outside containers (--all) */
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 500,
			   "/system.slice/docker-" CID_B ".scope\x1b[H", 7 * MS),
		exit_rec(t, 0x8b, 8 * MS),
	};

	p = new_pipeline(&c, &f);
	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		return;
	for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
		ASSERT_OK(feed_raw(p, &c, rs[i]), "feed");
	ASSERT_OK(pcg_pipeline__flush(p), "flush");
	ASSERT_TRUE(c.n >= 4, "lines");
	for (int i = 0; i < c.n; i++) {
		size_t len = strlen(c.lines[i]);
		bool clean = len && c.lines[i][len - 1] == '\n';

		for (size_t k = 0; k + 1 < len; k++)
			clean = clean && (unsigned char)c.lines[i][k] >= 0x20 &&
				(unsigned char)c.lines[i][k] < 0x7f;
		if (!ASSERT_TRUE(clean, "text line clean"))
			fprintf(stderr, "  line: %s", c.lines[i]);
	}
	pcg_pipeline__free(p);
	cap_free(&c);
}

/* JSON objects must not repeat a key (RFC 8259: receivers then disagree on the value; jq and
 * Python keep the last one).  A container whose cgroup is recreated in the same hierarchy while
 * a process of it is still tracked (a restart under --all with a lost exit, or any replayed
 * recording) gets a second cgroup id for that hierarchy: "cgroup_ids":{"0":102,"4":202,"0":103}. */
PCG_TEST(pipeline_json_unique_keys)
{
	struct filt f = { .all = true };
	struct pcg_pipeline *p;
	struct cap c;
	struct pcg_task t = mk_task(1200, 101, 201, "app");
	struct pcg_task t2 = mk_task(1201, 103, 201, "app");
	struct raw rs[] = {
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 100, POD_A, 1 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 200, POD_A, 2 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 101, CTR_A, 3 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 201, CTR_A, 4 * MS),
		exec_rec(t, "/app", 5 * MS),
		cgroup_rec(PCG_EV_CGROUP_RMDIR, 0, 101, CTR_A, 6 * MS),
		cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 103, CTR_A, 7 * MS), /* same container, new id */
		exec_rec(t2, "/app", 8 * MS),
	};

	p = new_pipeline(&c, &f);
	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		return;
	for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
		ASSERT_OK(feed_raw(p, &c, rs[i]), "feed");
	ASSERT_OK(pcg_pipeline__flush(p), "flush");
	ASSERT_TRUE(c.n >= 4, "lines");
	ASSERT_TRUE(!c.bad_line, "every line valid JSON without duplicate keys");
	pcg_pipeline__free(p);
	cap_free(&c);
}

static int feed_enc(struct pcg_pipeline *p, struct cap *c, size_t n, const union pcg_enc_buf *b)
{
	return feed(p, c, b, n);
}

/* The formatter reuses an object's JSON between its lines: names that arrive after a line
 * (for the container, then for its pod) and a pod met again show up in the next lines. */
PCG_TEST(pipeline_json_names_after_lines)
{
	static const char *ctr_str[PCG_META_NR] = { "", "", "web", "nginx:1", "" };
	static const char *pod_str[PCG_META_NR] = { "web-0", "shop", "", "", "" };
	struct filt f = { 0 };
	struct cap c;
	struct pcg_pipeline *p = new_pipeline(&c, &f);
	struct pcg_task t = mk_task(4242, 102, 202, "nginx");
	size_t len[PCG_META_NR];
	union pcg_enc_buf b;
	int start = -1, exec2 = -1, exit_ = -1, rm = -1, podrm = -1;

	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		return;
	ASSERT_OK(feed_raw(p, &c, cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 101, POD_A, 1 * MS)), "pod");
	ASSERT_OK(feed_raw(p, &c, cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 201, POD_A, 1 * MS)), "pod");
	ASSERT_OK(feed_raw(p, &c, cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 102, CTR_A, 2 * MS)), "ctr");
	ASSERT_OK(feed_raw(p, &c, cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 202, CTR_A, 2 * MS)), "ctr");
	ASSERT_OK(feed_raw(p, &c, exec_rec(t, "/usr/sbin/nginx", 3 * MS)), "start");
	for (int i = 0; i < PCG_META_NR; i++)
		len[i] = strlen(ctr_str[i]);
	ASSERT_OK(feed_enc(p, &c,
			   pcg_enc_meta(&b, 4 * MS, UID_A, CID_A, PCG_CTYPE_CONTAINER, 0, false,
					ctr_str, len),
			   &b),
		  "container names");
	ASSERT_OK(feed_raw(p, &c, exec_rec(t, "/usr/sbin/nginx", 5 * MS)), "exec");
	for (int i = 0; i < PCG_META_NR; i++)
		len[i] = strlen(pod_str[i]);
	ASSERT_OK(feed_enc(p, &c, pcg_enc_meta(&b, 6 * MS, UID_A, "", 0, 0, false, pod_str, len),
			   &b),
		  "pod names");
	ASSERT_OK(feed_raw(p, &c, exit_rec(t, 0, 7 * MS)), "exit");
	ASSERT_OK(feed_raw(p, &c, cgroup_rec(PCG_EV_CGROUP_RMDIR, 0, 102, CTR_A, 8 * MS)), "rm");
	ASSERT_OK(feed_raw(p, &c, cgroup_rec(PCG_EV_CGROUP_RMDIR, 4, 202, CTR_A, 8 * MS)), "rm");
	ASSERT_OK(feed_raw(p, &c, cgroup_rec(PCG_EV_CGROUP_RMDIR, 0, 101, POD_A, 9 * MS)), "rm");
	ASSERT_OK(feed_raw(p, &c, cgroup_rec(PCG_EV_CGROUP_RMDIR, 4, 201, POD_A, 9 * MS)), "rm");
	ASSERT_OK(pcg_pipeline__flush(p), "flush");
	for (int i = 0; i < c.n; i++) {
		if (has(c.lines[i], "\"event\":\"container_start\""))
			start = i;
		else if (has(c.lines[i], "\"event\":\"exec\""))
			exec2 = i;
		else if (has(c.lines[i], "\"event\":\"exit\""))
			exit_ = i;
		else if (has(c.lines[i], "\"event\":\"container_remove\""))
			rm = i;
		else if (has(c.lines[i], "\"event\":\"pod_remove\""))
			podrm = i;
	}
	if (ASSERT_TRUE(start >= 0 && exec2 >= 0 && exit_ >= 0 && rm >= 0 && podrm >= 0,
			"every line")) {
		ASSERT_TRUE(has(c.lines[start], "\"container_name\":null"), "start: no name yet");
		ASSERT_TRUE(has(c.lines[exec2], "\"container_name\":\"web\""), "exec: its name");
		ASSERT_TRUE(has(c.lines[exec2], "\"image\":\"nginx:1\""), "exec: its image");
		ASSERT_TRUE(has(c.lines[exec2], "\"pod_name\":null"), "exec: no pod name yet");
		ASSERT_TRUE(has(c.lines[exit_], "\"pod_name\":\"web-0\""), "exit: the pod's name");
		ASSERT_TRUE(has(c.lines[exit_], "\"pod_namespace\":\"shop\""), "exit: namespace");
		ASSERT_TRUE(has(c.lines[exit_], "\"container_name\":\"web\""), "exit: name kept");
		ASSERT_TRUE(has(c.lines[rm], "\"pod_name\":\"web-0\""), "remove: the pod's name");
		ASSERT_TRUE(has(c.lines[podrm], "\"pod_name\":\"web-0\""), "pod_remove: its name");
		ASSERT_TRUE(!has(c.lines[podrm], "container_id"), "pod_remove: a pod's keys");
	}
	ASSERT_TRUE(!c.bad_line, "valid lines");
	cap_free(&c);
	pcg_pipeline__free(p);
}

/* ---- no allocation per event ------------------------------------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
/* sanitizer/allocator_interface.h */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
					      void (*free_hook)(const volatile void *));

static volatile bool counting;
static unsigned long allocs;

static void on_malloc(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	if (counting)
		allocs++;
}

static void on_free(const volatile void *p)
{
	(void)p;
}
#endif

struct churn_sink {
	unsigned long lines[_PCG_OUT_MAX];
	bool bad_line;
};

/* Counts the lines by their "event" (no copy: that would allocate). */
static int churn_sink_fn(void *ctx, const char *buf, size_t len)
{
	struct churn_sink *s = ctx;

	if (len < 2 || buf[0] != '{' || buf[len - 1] != '\n')
		s->bad_line = true;
	for (int k = 0; k < _PCG_OUT_MAX; k++) {
		char key[64];

		snprintf(key, sizeof(key), "\"event\":\"%s\"", pcg_out_name(k));
		if (memmem(buf, len, key, strlen(key)))
			s->lines[k]++;
	}
	return 0;
}

/* One pod of a churn, everything its start and end bring: a runtime hint and the pod's names
 * ahead of its cgroups (both stashed), the pod's and the container's cgroups in two
 * hierarchies (cgroupfs names: the runtime is not in them), the container's names after them,
 * a sub-cgroup, the container's start, a later exec, the exit, the removals, and a tick. */
static int churn_pod(struct pcg_pipeline *p, unsigned i, __u64 ts)
{
	static const char *ctr_str[PCG_META_NR] = { "", "", "web", "nginx:1", "" };
	static const char *pod_str[PCG_META_NR] = { "web-0", "shop", "", "", "" };
	char uid[40], cid[65], pod[128], ctr[256], sub[300];
	struct pcg_task t = mk_task(1000 + i, 3000000 + i, 4000000 + i, "nginx");
	size_t len[PCG_META_NR];
	union pcg_enc_buf b;
	struct raw r;
	int rc = 0;

	snprintf(uid, sizeof(uid), "%08x-1e65-4a16-8cdf-9a90c819180e", i);
	snprintf(cid, sizeof(cid), "%08x%056x", i, 7);
	snprintf(pod, sizeof(pod), "/kubepods/burstable/pod%s", uid);
	snprintf(ctr, sizeof(ctr), "%s/%s", pod, cid);
	snprintf(sub, sizeof(sub), "%s/init", ctr);
	t.start_ns = ts;
#define FEED_ENC(n) (rc = rc ? rc : pcg_pipeline__feed(p, &b, (n)))
#define FEED_RAW(x) (r = (x), rc = rc ? rc : pcg_pipeline__feed(p, r.b, r.len))
	FEED_ENC(pcg_enc_hint(&b, ts, PCG_RT_CONTAINERD, cid));
	for (int k = 0; k < PCG_META_NR; k++)
		len[k] = strlen(pod_str[k]);
	FEED_ENC(pcg_enc_meta(&b, ts, uid, "", 0, PCG_META_SRC_LOG_DIRS, false, pod_str, len));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 1000000 + i, pod, ts));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 2000000 + i, pod, ts));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 3000000 + i, ctr, ts + 1));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_MKDIR, 4, 4000000 + i, ctr, ts + 1));
	for (int k = 0; k < PCG_META_NR; k++)
		len[k] = strlen(ctr_str[k]);
	FEED_ENC(pcg_enc_meta(&b, ts + 2, uid, cid, PCG_CTYPE_CONTAINER, PCG_META_SRC_CONTAINERD,
			      false, ctr_str, len));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_MKDIR, 0, 5000000 + i, sub, ts + 3));
	FEED_RAW(exec_rec(t, "/usr/sbin/nginx", ts + 4));
	FEED_RAW(exec_rec(t, "/bin/sh", ts + 5));
	FEED_RAW(exit_rec(t, 0, ts + 6));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_RMDIR, 0, 5000000 + i, sub, ts + 7));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_RMDIR, 0, 3000000 + i, ctr, ts + 8));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_RMDIR, 4, 4000000 + i, ctr, ts + 8));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_RMDIR, 0, 1000000 + i, pod, ts + 9));
	FEED_RAW(cgroup_rec(PCG_EV_CGROUP_RMDIR, 4, 2000000 + i, pod, ts + 9));
	FEED_ENC(pcg_enc_mark(&b, PCG_EV_TICK, ts + 10));
#undef FEED_ENC
#undef FEED_RAW
	return rc;
}

/* The one ingestion path (decode, correlate, format) allocates nothing per event once a churn
 * is under way: freed entries, their paths and names, and stashed hints and names are
 * reused.  Counted with the sanitizer's allocation hooks over 2,000 pods after a warm-up of
 * 2,000 (which also grows the exit de-duplication ring to its size for this rate). */
PCG_TEST(pipeline_churn_allocates_nothing_per_event)
{
#if defined(__SANITIZE_ADDRESS__)
	static bool hooked;
	struct pcg_pipeline_opts o = {
		.corr = { .traced_hier_mask = (1ull << 0) | (1ull << 4),
			  .key_v1_hier = 4,
			  .grace_ns = 100 * MS },
		.fmt = { .json = true, .boot_to_realtime_ns = 1795764662ll * 1000000000 },
	};
	struct churn_sink s;
	struct pcg_pipeline *p;
	const unsigned N = 2000;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	p = pcg_pipeline__new(&o, churn_sink_fn, NULL, &s);
	if (!ASSERT_TRUE(p != NULL, "pipeline"))
		return;
	if (!hooked)
		hooked = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	ASSERT_TRUE(hooked, "allocation hooks installed");
	for (unsigned i = 0; i < 2 * N && !rc; i++) {
		if (i == N) {
			allocs = 0;
			counting = true;
		}
		rc = churn_pod(p, i, (__u64)(i + 1) * MS);
	}
	counting = false;
	ASSERT_OK(rc, "fed");
	ASSERT_OK(pcg_pipeline__flush(p), "flush");
	/* the churn was what it says: every line of every pod */
	ASSERT_EQ(s.lines[PCG_OUT_POD_CREATE], 2 * N, "pod_create lines");
	ASSERT_EQ(s.lines[PCG_OUT_CONTAINER_CREATE], 2 * N, "container_create lines");
	ASSERT_EQ(s.lines[PCG_OUT_CONTAINER_START], 2 * N, "container_start lines");
	ASSERT_EQ(s.lines[PCG_OUT_EXEC], 2 * N, "exec lines");
	ASSERT_EQ(s.lines[PCG_OUT_EXIT], 2 * N, "exit lines");
	ASSERT_EQ(s.lines[PCG_OUT_CONTAINER_REMOVE], 2 * N, "container_remove lines");
	ASSERT_EQ(s.lines[PCG_OUT_POD_REMOVE], 2 * N, "pod_remove lines");
	ASSERT_TRUE(!s.bad_line, "whole lines");
	ASSERT_EQ(allocs, 0, "allocations during the second half");
	pcg_pipeline__free(p);
#else
	pcg_test__skip("the allocation hooks are ASan's: the unit tests are built with it");
#endif
}
