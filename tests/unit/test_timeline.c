/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_timeline.c - pod start-up timelines: steps, the settle rule on event time, incomplete
 * and existing pods, the summary's ranks, the SVG's rows and bar widths, the pipeline hook. */
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "jsonv.h"
#include "pipeline.h"
#include "sbuf.h"
#include "test.h"
#include "timeline.h"

#define MS 1000000ull
#define T0 (1000 * MS) /* boot time of the pod cgroup */

static struct pcg_obj_info pod, ctr[4];

static void mk_pod(const char *uid)
{
	memset(&pod, 0, sizeof(pod));
	snprintf(pod.pod_uid, sizeof(pod.pod_uid), "%s", uid);
	pod.qos = PCG_QOS_BURSTABLE;
	pod.driver = PCG_DRIVER_SYSTEMD;
	pod.cgroup = "/kubepods.slice/kubepods-burstable.slice/x.slice";
	for (int i = 0; i < 4; i++) {
		ctr[i] = pod;
		ctr[i].runtime = PCG_RT_CONTAINERD;
		memset(ctr[i].container_id, 'a' + i, 64);
		ctr[i].container_id[64] = 0;
	}
}

static int feed(struct pcg_timeline *tl, enum pcg_out_kind k, const struct pcg_obj_info *o,
		__u64 ts, struct pcg_sbuf *sb)
{
	struct pcg_out out = { .kind = k, .ts = ts, .obj = o };

	if (k == PCG_OUT_CONTAINER_START) {
		out.filename = "/bin/sleep";
		out.filename_len = 10;
	}
	pcg_timeline__out(tl, &out, sb);
	return pcg_timeline__time(tl, ts, sb);
}

/* pod cgroup at T0; sandbox cgroup +100, start +250; app 1 cgroup +400, start +700;
 * app 2 cgroup +450, start +600; an exec in app 1 at +710. */
static void start_pod(struct pcg_timeline *tl, __u64 t0, struct pcg_sbuf *sb)
{
	feed(tl, PCG_OUT_POD_CREATE, &pod, t0, sb);
	feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[0], t0 + 100 * MS, sb);
	feed(tl, PCG_OUT_CONTAINER_START, &ctr[0], t0 + 250 * MS, sb);
	feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[1], t0 + 400 * MS, sb);
	feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[2], t0 + 450 * MS, sb);
	feed(tl, PCG_OUT_CONTAINER_START, &ctr[2], t0 + 600 * MS, sb);
	feed(tl, PCG_OUT_CONTAINER_START, &ctr[1], t0 + 700 * MS, sb);
	feed(tl, PCG_OUT_EXEC, &ctr[1], t0 + 710 * MS, sb);
}

PCG_TEST(timeline_steps_and_settle)
{
	struct pcg_timeline_opts o = { .json = true };
	struct pcg_timeline *tl = pcg_timeline__new(&o);
	struct pcg_sbuf sb;
	const char *err = NULL;

	pcg_sbuf_init(&sb);
	mk_pod("11111111-2222-3333-4444-555555555555");
	start_pod(tl, T0, &sb);
	ASSERT_EQ(sb.len, 0, "nothing before the settle time");
	ASSERT_TRUE(pcg_timeline__pending(tl), "pending while it settles");
	pcg_timeline__time(tl, T0 + 700 * MS + PCG_TL_SETTLE_NS - 1, &sb);
	ASSERT_EQ(sb.len, 0, "nothing 1 ns before the settle time");
	pcg_timeline__time(tl, T0 + 700 * MS + PCG_TL_SETTLE_NS, &sb);
	ASSERT_TRUE(sb.len > 0, "reported at the settle time");
	ASSERT_TRUE(!pcg_timeline__pending(tl), "no longer pending");
	ASSERT_TRUE(jv_line(sb.buf, sb.len, false, &err), err ? err : "valid JSON line");
	ASSERT_TRUE(strstr(sb.buf, "\"event\":\"timeline\"") != NULL, "timeline event");
	ASSERT_TRUE(strstr(sb.buf, "\"pod_uid\":\"11111111-2222-3333-4444-555555555555\"") != NULL,
		    "pod_uid");
	ASSERT_TRUE(strstr(sb.buf, "\"qos\":\"burstable\"") != NULL, "qos");
	ASSERT_TRUE(strstr(sb.buf, "\"complete\":true") != NULL, "complete");
	ASSERT_TRUE(strstr(sb.buf, "\"total_ms\":700.000") != NULL,
		    "total: pod cgroup to last start");
	ASSERT_TRUE(strstr(sb.buf, "\"pod_cgroup_to_sandbox_cgroup\":100.000") != NULL, "step 1");
	ASSERT_TRUE(strstr(sb.buf, "\"sandbox_cgroup_to_start\":150.000") != NULL, "step 2");
	ASSERT_TRUE(strstr(sb.buf, "\"sandbox_start_to_first_app_cgroup\":150.000") != NULL,
		    "step 3");
	ASSERT_TRUE(strstr(sb.buf, "\"app_cgroup_to_start\":300.000") != NULL, "slowest app");
	ASSERT_TRUE(strstr(sb.buf, "\"sandbox_start_to_last_app_start\":450.000") != NULL,
		    "sandbox to last app");
	ASSERT_TRUE(strstr(sb.buf,
			   "\"role\":\"sandbox\",\"cgroup_ms\":100.000,\"start_ms\":250.000") !=
			    NULL,
		    "the sandbox is the first container started");
	ASSERT_TRUE(strstr(sb.buf, "\"execs_ms\":[710.000]") != NULL, "exec mark");

	/* a later container re-opens the pod: reported again, updated */
	pcg_sbuf_reset(&sb);
	feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[3], T0 + 5000 * MS, &sb);
	feed(tl, PCG_OUT_CONTAINER_START, &ctr[3], T0 + 5100 * MS, &sb);
	ASSERT_EQ(sb.len, 0, "re-opened, settling");
	pcg_timeline__time(tl, T0 + 5100 * MS + PCG_TL_SETTLE_NS, &sb);
	ASSERT_TRUE(strstr(sb.buf, "\"total_ms\":5100.000") != NULL, "updated total");
	pcg_sbuf_reset(&sb);
	pcg_timeline__flush(tl, &sb);
	ASSERT_TRUE(strstr(sb.buf, "\"event\":\"timeline_summary\",\"pods\":1,\"complete\":1") !=
			    NULL,
		    "one pod in the summary, counted once");
	pcg_sbuf_done(&sb);
	pcg_timeline__free(tl);
}

PCG_TEST(timeline_incomplete_existing_text)
{
	struct pcg_timeline_opts o = { 0 };
	struct pcg_timeline *tl = pcg_timeline__new(&o);
	struct pcg_sbuf sb;
	struct pcg_timeline_summary s;

	pcg_sbuf_init(&sb);
	/* a pod whose app never starts: not reported on time, incomplete at the end */
	mk_pod("aaaaaaaa-2222-3333-4444-555555555555");
	feed(tl, PCG_OUT_POD_CREATE, &pod, T0, &sb);
	feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[0], T0 + 10 * MS, &sb);
	feed(tl, PCG_OUT_CONTAINER_START, &ctr[0], T0 + 20 * MS, &sb);
	feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[1], T0 + 30 * MS, &sb);
	pcg_timeline__time(tl, T0 + 60000 * MS, &sb);
	ASSERT_EQ(sb.len, 0, "a container that never started keeps the pod open");
	/* a pod that existed before tracing: left out */
	mk_pod("bbbbbbbb-2222-3333-4444-555555555555");
	feed(tl, PCG_OUT_CONTAINER_EXISTING, &ctr[0], T0 + 61000 * MS, &sb);
	feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[1], T0 + 61001 * MS, &sb);
	feed(tl, PCG_OUT_CONTAINER_START, &ctr[1], T0 + 61002 * MS, &sb);
	pcg_timeline__flush(tl, &sb);
	ASSERT_TRUE(strstr(sb.buf, "timeline pod aaaaaaaa-2222-3333-4444-555555555555 burstable "
				   "systemd: incomplete, last start after 20.000 ms") != NULL,
		    "incomplete pod in text");
	ASSERT_TRUE(strstr(sb.buf, "bbbbbbbb-2222") == NULL, "the existing pod is left out");
	ASSERT_TRUE(strstr(sb.buf, "timeline summary: 1 pod (0 complete, 1 incomplete)") != NULL,
		    "summary line");
	pcg_timeline__summary(tl, &s);
	ASSERT_EQ(s.pods, 1, "pods");
	ASSERT_EQ(s.complete, 0, "complete");
	pcg_sbuf_done(&sb);
	pcg_timeline__free(tl);
}

PCG_TEST(timeline_summary_ranks)
{
	struct pcg_timeline_opts o = { .json = true };
	struct pcg_timeline *tl = pcg_timeline__new(&o);
	struct pcg_timeline_summary s;
	struct pcg_sbuf sb;
	char uid[40];

	pcg_sbuf_init(&sb);
	/* 10 pods taking 100, 200, ... 1000 ms from pod cgroup to sandbox start, fed out of order */
	for (int k = 0; k < 10; k++) {
		int i = (k * 7) % 10;
		__u64 t = T0 + (__u64)k * 100000 * MS;

		snprintf(uid, sizeof(uid), "%08d-0000-0000-0000-000000000000", i);
		mk_pod(uid);
		feed(tl, PCG_OUT_POD_CREATE, &pod, t, &sb);
		feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[0], t + 10 * MS, &sb);
		feed(tl, PCG_OUT_CONTAINER_START, &ctr[0], t + (i + 1) * 100 * MS, &sb);
	}
	pcg_timeline__flush(tl, &sb);
	pcg_timeline__summary(tl, &s);
	ASSERT_EQ(s.pods, 10, "pods");
	ASSERT_EQ(s.complete, 10, "complete");
	ASSERT_EQ(s.median_ns, 500 * MS, "median: the 5th of 10");
	ASSERT_EQ(s.p90_ns, 900 * MS, "p90: the 9th of 10");
	ASSERT_EQ(s.max_ns, 1000 * MS, "max");
	ASSERT_EQ(s.slowest_step, PCG_TL_SANDBOX_CGROUP_TO_START, "slowest step");
	ASSERT_EQ(s.slowest_ns, 990 * MS, "slowest step's duration");
	ASSERT_STREQ(s.slowest_pod, "00000009-0000-0000-0000-000000000000", "slowest pod");
	ASSERT_TRUE(strstr(sb.buf,
			   "\"total_ms\":{\"median\":500.000,\"p90\":900.000,\"max\":"
			   "1000.000},\"slowest_step\":{\"step\":\"sandbox_cgroup_to_start\"") !=
			    NULL,
		    "summary JSON");
	pcg_sbuf_done(&sb);
	pcg_timeline__free(tl);
}

static double attr(const char *p, const char *name)
{
	const char *a = strstr(p, name);

	return a ? strtod(a + strlen(name), NULL) : -1;
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

PCG_TEST(timeline_svg)
{
	struct pcg_timeline_opts o = { 0 };
	struct pcg_timeline *tl = pcg_timeline__new(&o);
	struct pcg_sbuf sb, svg;
	double px;
	unsigned bars = 0;

	pcg_sbuf_init(&sb);
	pcg_sbuf_init(&svg);
	mk_pod("11111111-2222-3333-4444-555555555555");
	start_pod(tl, T0, &sb);
	pcg_timeline__flush(tl, &sb);
	pcg_timeline__svg(tl, &svg);
	ASSERT_TRUE(!strncmp(svg.buf, "<?xml", 5), "XML declaration");
	ASSERT_TRUE(strstr(svg.buf, "</svg>\n") != NULL, "closed");
	ASSERT_EQ(count(svg.buf, "class=\"row\""), 4, "a row per pod and per container");
	ASSERT_EQ(count(svg.buf, "data-role=\"sandbox\""), 1, "one sandbox row");
	ASSERT_EQ(count(svg.buf, "data-role=\"app\""), 2, "two app rows");
	ASSERT_EQ(count(svg.buf, "class=\"mark exec\""), 1, "one exec mark");
	px = attr(svg.buf, "data-px-per-ms=\"");
	ASSERT_TRUE(px > 0, "scale");
	for (const char *p = svg.buf; (p = strstr(p, "<rect class=\"bar")); p++) {
		double ms = attr(p, "data-ms=\""), w = attr(p, "width=\"");

		ASSERT_TRUE(w - ms * px < 0.01 && ms * px - w < 0.01, "bar width proportional");
		bars++;
	}
	ASSERT_EQ(bars, 6, "3 pod steps + 3 containers' cgroup-to-start bars");
	ASSERT_TRUE(strstr(svg.buf, "data-ms=\"300.000\"") != NULL, "app 1: 300 ms");
	pcg_sbuf_done(&sb);
	pcg_sbuf_done(&svg);
	pcg_timeline__free(tl);
}

static int sink(void *ctx, const char *buf, size_t len)
{
	pcg_sbuf_add(ctx, buf, len);
	return 0;
}

PCG_TEST(timeline_pipeline_observer)
{
	struct pcg_timeline_opts o = { .json = true };
	struct pcg_timeline *tl = pcg_timeline__new(&o);
	struct pcg_pipeline_opts po = { .observer = &pcg_timeline_observer,
					.observer_ctx = tl,
					.observer_only = true };
	struct pcg_pipeline *p;
	struct pcg_sbuf out;
	struct pcg_ev_hdr tick = { .type = PCG_EV_TICK, .size = sizeof(tick), .ts = 5 * MS };

	pcg_sbuf_init(&out);
	po.fmt.json = true;
	p = pcg_pipeline__new(&po, sink, NULL, &out);
	ASSERT_TRUE(p != NULL, "pipeline");
	ASSERT_OK(pcg_pipeline__feed(p, &tick, sizeof(tick)), "tick");
	ASSERT_TRUE(!pcg_pipeline__has_pending(p), "nothing pending");
	ASSERT_OK(pcg_pipeline__flush(p), "flush");
	ASSERT_TRUE(strstr(out.buf, "\"event\":\"timeline_summary\",\"pods\":0") != NULL,
		    "the observer's summary reaches the sink at flush");
	pcg_pipeline__free(p);
	pcg_timeline__free(tl);
	pcg_sbuf_done(&out);
}

PCG_TEST(timeline_two_pods_settle_in_turn)
{
	struct pcg_timeline_opts o = { .json = true, .settle_ns = 1000 * MS };
	struct pcg_timeline *tl = pcg_timeline__new(&o);
	struct pcg_obj_info a_pod, a_ctr;
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	mk_pod("aaaaaaaa-0000-0000-0000-000000000000");
	a_pod = pod;
	a_ctr = ctr[0];
	feed(tl, PCG_OUT_POD_CREATE, &a_pod, T0, &sb);
	feed(tl, PCG_OUT_CONTAINER_CREATE, &a_ctr, T0 + 10 * MS, &sb);
	feed(tl, PCG_OUT_CONTAINER_START, &a_ctr, T0 + 20 * MS, &sb); /* A due at +1020 */
	mk_pod("bbbbbbbb-0000-0000-0000-000000000000");
	feed(tl, PCG_OUT_POD_CREATE, &pod, T0 + 500 * MS, &sb);
	feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[0], T0 + 510 * MS, &sb);
	feed(tl, PCG_OUT_CONTAINER_START, &ctr[0], T0 + 900 * MS, &sb); /* B due at +1900 */
	pcg_timeline__time(tl, T0 + 1019 * MS, &sb);
	ASSERT_EQ(sb.len, 0, "none due yet");
	pcg_timeline__time(tl, T0 + 1020 * MS, &sb);
	ASSERT_TRUE(strstr(sb.buf, "aaaaaaaa-") && !strstr(sb.buf, "bbbbbbbb-"), "A only");
	pcg_sbuf_reset(&sb);
	pcg_timeline__time(tl, T0 + 1899 * MS, &sb);
	ASSERT_EQ(sb.len, 0, "B not yet");
	/* B gains an app container: its deadline moves */
	feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[1], T0 + 1899 * MS, &sb);
	pcg_timeline__time(tl, T0 + 5000 * MS, &sb);
	ASSERT_EQ(sb.len, 0, "B waits for its app to start");
	feed(tl, PCG_OUT_CONTAINER_START, &ctr[1], T0 + 5000 * MS, &sb);
	pcg_timeline__time(tl, T0 + 5999 * MS, &sb);
	ASSERT_EQ(sb.len, 0, "B settles 1 s after its app's start");
	pcg_timeline__time(tl, T0 + 6000 * MS, &sb);
	ASSERT_TRUE(strstr(sb.buf, "\"pod_uid\":\"bbbbbbbb-") &&
			    strstr(sb.buf, "\"total_ms\":4500.000"),
		    "B reported with its app");
	ASSERT_TRUE(!pcg_timeline__pending(tl), "nothing pending");
	pcg_sbuf_done(&sb);
	pcg_timeline__free(tl);
}

/* Without ticks (a recording made without --timeline), the next record settles what was due
 * before it counts: the same reports as live with ticks. */
PCG_TEST(timeline_settles_before_the_next_record)
{
	struct pcg_timeline_opts o = { .json = true };
	struct pcg_timeline *tl = pcg_timeline__new(&o);
	struct pcg_out out = { .kind = PCG_OUT_CONTAINER_CREATE, .obj = &ctr[3] };
	struct pcg_sbuf sb;

	pcg_sbuf_init(&sb);
	mk_pod("11111111-2222-3333-4444-555555555555");
	start_pod(tl, T0, &sb);
	/* the pipeline's order: time, then the record's outputs */
	out.ts = T0 + 700 * MS + PCG_TL_SETTLE_NS + 5 * MS;
	pcg_timeline__time(tl, out.ts, &sb);
	pcg_timeline__out(tl, &out, &sb);
	ASSERT_TRUE(strstr(sb.buf, "\"total_ms\":700.000") != NULL, "reported as it was when due");
	ASSERT_TRUE(pcg_timeline__pending(tl), "re-opened by the late container");
	pcg_sbuf_done(&sb);
	pcg_timeline__free(tl);
}

/* A long run: when the table is full, pods that are gone and reported make room; the summary
 * still counts them, the SVG draws the ones kept. */
PCG_TEST(timeline_forgets_gone_pods)
{
	struct pcg_timeline_opts o = { .json = true, .max_pods = 4 };
	struct pcg_timeline *tl = pcg_timeline__new(&o);
	struct pcg_timeline_summary s;
	struct pcg_sbuf sb, svg;
	char uid[40];

	pcg_sbuf_init(&sb);
	pcg_sbuf_init(&svg);
	for (int i = 0; i < 10; i++) {
		__u64 t = T0 + (__u64)i * 10000 * MS;

		snprintf(uid, sizeof(uid), "%08d-0000-0000-0000-000000000000", i);
		mk_pod(uid);
		feed(tl, PCG_OUT_POD_CREATE, &pod, t, &sb);
		feed(tl, PCG_OUT_CONTAINER_CREATE, &ctr[0], t + 10 * MS, &sb);
		feed(tl, PCG_OUT_CONTAINER_START, &ctr[0], t + (i + 1) * 10 * MS, &sb);
		pcg_timeline__time(tl, t + 5000 * MS, &sb);
		if (i < 8) /* the last two stay */
			feed(tl, PCG_OUT_POD_REMOVE, &pod, t + 6000 * MS, &sb);
	}
	pcg_timeline__summary(tl, &s);
	ASSERT_EQ(s.pods, 10, "every pod counted");
	ASSERT_EQ(s.complete, 10, "complete");
	ASSERT_EQ(s.untracked, 0, "none untracked");
	ASSERT_EQ(s.median_ns, 50 * MS, "median over all ten");
	ASSERT_EQ(s.max_ns, 100 * MS, "max");
	ASSERT_STREQ(s.slowest_pod, "00000009-0000-0000-0000-000000000000", "slowest");
	pcg_timeline__svg(tl, &svg);
	ASSERT_EQ(count(svg.buf, "data-role=\"pod\""), 4, "the four kept are drawn");
	ASSERT_TRUE(strstr(svg.buf, "6 earlier pods are in the summary only") != NULL, "noted");
	ASSERT_TRUE(strstr(svg.buf, "00000009-0000") != NULL, "the last one drawn");
	/* every pod live: no room, counted as untracked */
	for (int i = 10; i < 16; i++) {
		snprintf(uid, sizeof(uid), "%08d-0000-0000-0000-000000000000", i);
		mk_pod(uid);
		feed(tl, PCG_OUT_POD_CREATE, &pod, T0 + 200000 * MS + i, &sb);
	}
	pcg_timeline__summary(tl, &s);
	ASSERT_EQ(s.untracked, 4, "two slots freed by removed pods, then four untracked");
	pcg_sbuf_done(&sb);
	pcg_sbuf_done(&svg);
	pcg_timeline__free(tl);
}

/* Two nodes in one timeline (a merged replay): each input on its own boot clock, read ahead of
 * the other.  A pod settles by its own node's time, not by the other node's newer records; its
 * times print as wall-clock time; its line names its node; one summary names both nodes. */
PCG_TEST(timeline_two_inputs)
{
	struct pcg_timeline_opts o = { .json = true, .boot_to_realtime_ns = 5000 * MS };
	struct pcg_timeline *tl = pcg_timeline__new(&o);
	struct pcg_timeline_input a = { .tl = tl, .node = "node-a", .delta_ns = 0 };
	/* node b booted 100 s of wall time later than node a */
	struct pcg_timeline_input b = { .tl = tl, .node = "node-b", .delta_ns = 100000 * MS };
	struct pcg_out out = { 0 };
	struct pcg_sbuf sb;
	const char *err = NULL;
	char *line2;

	pcg_sbuf_init(&sb);
	mk_pod("aaaaaaaa-2222-3333-4444-555555555555");
	/* node a: a pod whose sandbox starts at T0 + 250 ms, and whose app container is made at
	 * T0 + 1000 ms only */
	out = (struct pcg_out){ .kind = PCG_OUT_POD_CREATE, .ts = T0, .obj = &pod };
	pcg_timeline_input_observer.time(&a, T0, &sb);
	pcg_timeline_input_observer.out(&a, &out, &sb);
	out = (struct pcg_out){ .kind = PCG_OUT_CONTAINER_CREATE,
				.ts = T0 + 100 * MS,
				.obj = &ctr[0] };
	pcg_timeline_input_observer.time(&a, out.ts, &sb);
	pcg_timeline_input_observer.out(&a, &out, &sb);
	out = (struct pcg_out){ .kind = PCG_OUT_CONTAINER_START,
				.ts = T0 + 250 * MS,
				.obj = &ctr[0],
				.filename = "/pause",
				.filename_len = 6 };
	pcg_timeline_input_observer.time(&a, out.ts, &sb);
	pcg_timeline_input_observer.out(&a, &out, &sb);
	/* node b, read ahead: far later on the timeline's clock (and on its own, earlier boot
	 * clock): a's pod must not settle by b's time */
	pcg_timeline_input_observer.time(&b, T0 + 50 * MS, &sb);
	pcg_timeline_input_observer.time(&b, T0 + 60000 * MS, &sb);
	ASSERT_EQ(sb.len, 0, "node a's pod does not settle by node b's clock");
	ASSERT_TRUE(pcg_timeline_input_observer.pending(&a), "still pending");
	out = (struct pcg_out){ .kind = PCG_OUT_CONTAINER_CREATE,
				.ts = T0 + 1000 * MS,
				.obj = &ctr[1] };
	pcg_timeline_input_observer.time(&a, out.ts, &sb);
	pcg_timeline_input_observer.out(&a, &out, &sb);
	out = (struct pcg_out){ .kind = PCG_OUT_CONTAINER_START,
				.ts = T0 + 1200 * MS,
				.obj = &ctr[1],
				.filename = "/app",
				.filename_len = 4 };
	pcg_timeline_input_observer.time(&a, out.ts, &sb);
	pcg_timeline_input_observer.out(&a, &out, &sb);
	pcg_timeline_input_observer.time(&a, T0 + 1200 * MS + PCG_TL_SETTLE_NS, &sb);
	ASSERT_TRUE(jv_line(sb.buf, sb.len, false, &err), err ? err : "valid JSON line");
	ASSERT_TRUE(strstr(sb.buf, "\"event\":\"timeline\",\"node\":\"node-a\"") != NULL,
		    "the pod's line names its node");
	ASSERT_TRUE(strstr(sb.buf, "\"containers_started\":2,\"total_ms\":1200.000") != NULL,
		    "reported once, whole, by its own node's time");
	/* wall clock of the last start: 5000 ms + T0 + 1200 ms = 7.2 s after the epoch */
	ASSERT_TRUE(strstr(sb.buf, "\"ts\":\"1970-01-01T00:00:07.200000000Z\"") != NULL,
		    "node a's times on the wall clock");

	/* node b: a pod made at its boot time T0, started 300 ms later; reported at the end */
	mk_pod("bbbbbbbb-2222-3333-4444-555555555555");
	pcg_sbuf_reset(&sb);
	out = (struct pcg_out){ .kind = PCG_OUT_CONTAINER_CREATE, .ts = T0, .obj = &ctr[0] };
	pcg_timeline_input_observer.time(&b, out.ts, &sb);
	pcg_timeline_input_observer.out(&b, &out, &sb);
	out = (struct pcg_out){ .kind = PCG_OUT_CONTAINER_START,
				.ts = T0 + 300 * MS,
				.obj = &ctr[0],
				.filename = "/pause",
				.filename_len = 6 };
	pcg_timeline_input_observer.time(&b, out.ts, &sb);
	pcg_timeline_input_observer.out(&b, &out, &sb);
	ASSERT_EQ(sb.len, 0, "node b's pod settles by node b's time");
	pcg_timeline__flush(tl, &sb);
	ASSERT_TRUE(strstr(sb.buf, "\"event\":\"timeline\",\"node\":\"node-b\"") != NULL,
		    "node b's pod at the end of input");
	ASSERT_TRUE(strstr(sb.buf, "\"ts\":\"1970-01-01T00:00:06.300000000Z\"") == NULL,
		    "not on node a's clock");
	ASSERT_TRUE(strstr(sb.buf, "\"ts\":\"1970-01-01T00:01:46.300000000Z\"") != NULL,
		    "node b's start on the wall clock (its boot is 100 s later)");
	line2 = strchr(sb.buf, '\n');
	ASSERT_TRUE(line2 && strstr(line2, "\"event\":\"timeline_summary\",\"nodes\":[\"node-a\","
					   "\"node-b\"],\"pods\":2,\"complete\":2") != NULL,
		    "one summary of both nodes");
	pcg_sbuf_done(&sb);
	pcg_timeline__free(tl);
}
