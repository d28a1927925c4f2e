/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* timeline.h - pod start-up timelines from the pipeline's output records (pure).
 *
 * A second consumer of output records (struct pcg_observer, pipeline.h), so live tracing and
 * replay give the same timelines.  Per pod it notes when the pod cgroup was made
 * (pod_create), when each container's cgroup was made (container_create), when each
 * container started (container_start: its first exec) and the later execs while the pod starts.
 * The sandbox is the pod's first container to start; the others are its app containers.
 *
 * When is a pod "running"?  Without an API server the tracer cannot know how many containers a
 * pod will have, so a pod is complete when every container cgroup made in it has started and
 * no container cgroup was made nor container started for `settle_ns` (default 2 s) of event
 * time.  Event time is the newest timestamp of any record fed (the live loop feeds in-band
 * PCG_EV_TICK records while a pod settles), never the wall clock, so a replay decides the
 * same.  A complete pod whose pod gains a container later is reported again, updated.  At the
 * end of input (pcg_pipeline__flush) every pod not yet reported is reported, as complete when
 * all its containers started, else as incomplete; then a summary follows.  Pods that existed
 * before tracing began (container_existing) are left out: their start was not seen.
 *
 * Times in a timeline are relative to the pod cgroup's creation (t0), or to its first
 * container cgroup when the pod cgroup existed already.  Steps (enum pcg_tl_step):
 *   pod_cgroup_to_sandbox_cgroup      t0 -> the sandbox's cgroup
 *   sandbox_cgroup_to_start           the sandbox's cgroup -> its first exec
 *   sandbox_start_to_first_app_cgroup the sandbox's start -> the first app container's cgroup
 *   app_cgroup_to_start               the slowest app container from its cgroup to its start
 *   sandbox_start_to_last_app_start   the sandbox's start -> the last app container's start
 * total = t0 -> the last container start (time to running).
 */
#ifndef __PCG_TIMELINE_H
#define __PCG_TIMELINE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

struct pcg_sbuf;
struct pcg_out;
struct pcg_observer;

#define PCG_TL_SETTLE_NS (2000ull * 1000 * 1000)

enum pcg_tl_step {
	PCG_TL_POD_TO_SANDBOX_CGROUP,
	PCG_TL_SANDBOX_CGROUP_TO_START,
	PCG_TL_SANDBOX_START_TO_APP_CGROUP,
	PCG_TL_APP_CGROUP_TO_START,
	PCG_TL_SANDBOX_TO_LAST_APP_START,
	_PCG_TL_STEP_MAX,
};
/* The steps that follow one another: the slowest step of the summary is one of these. */
#define PCG_TL_SEQ_STEPS 4

struct pcg_timeline_opts {
	bool json;
	__s64 boot_to_realtime_ns; /* wall clock = CLOCK_BOOTTIME + this */
	__u64 settle_ns;	   /* 0 = PCG_TL_SETTLE_NS */
	size_t max_pods;	   /* 0 = 4096; later pods are counted, not timed */
	const char *node;	   /* JSON "node" of every pod and of the summary (NULL: none) */
};

struct pcg_timeline_summary {
	unsigned pods;	    /* pods reported */
	unsigned complete;  /* ... of which complete */
	unsigned untracked; /* pods beyond max_pods */
	__u64 median_ns;    /* time to running of the complete pods (nearest rank) */
	__u64 p90_ns;	    /* nearest rank: the ceil(0.9 n)-th smallest */
	__u64 max_ns;
	int slowest_step;     /* enum pcg_tl_step, -1 if none */
	__u64 slowest_ns;     /* its duration */
	char slowest_pod[37]; /* in this pod */
};

struct pcg_timeline;

/* Returns NULL with errno set. */
struct pcg_timeline *pcg_timeline__new(const struct pcg_timeline_opts *opts);
/* The observer hooks (pass the timeline as the pipeline's observer_ctx). */
extern const struct pcg_observer pcg_timeline_observer;
int pcg_timeline__out(void *tl, const struct pcg_out *out, struct pcg_sbuf *sb);
int pcg_timeline__time(void *tl, __u64 ts, struct pcg_sbuf *sb);
int pcg_timeline__flush(void *tl, struct pcg_sbuf *sb);
bool pcg_timeline__pending(const void *tl);
void pcg_timeline__summary(const struct pcg_timeline *tl, struct pcg_timeline_summary *ret);
/* The whole timeline as a self-contained SVG Gantt chart: a row per pod and per container,
 * all pods aligned at their t0, one bar per step, a mark per exec, a time axis in ms.
 * Every bar is a <rect class="bar" data-ms="DURATION"> whose width is DURATION times the
 * chart's data-px-per-ms; every row a <g class="row" data-role="pod|sandbox|app">. */
void pcg_timeline__svg(const struct pcg_timeline *tl, struct pcg_sbuf *sb);
void pcg_timeline__free(struct pcg_timeline *tl);

/* Several nodes in one timeline (a merged replay of recordings from several nodes): each input
 * feeds the timeline through its own pcg_timeline_input, passed as its pipeline's observer_ctx
 * with pcg_timeline_input_observer.  Its records' CLOCK_BOOTTIME times are moved onto the
 * timeline's clock (wall clock - opts.boot_to_realtime_ns) by @delta_ns, so pods of every node
 * print as wall-clock time, and its pods carry its @node.  Each input's pods settle by that
 * input's own newest time (inputs are read ahead of one another in a merge).
 * That observer has no flush: the caller calls pcg_timeline__flush() once, after every input
 * ended, for one summary of all nodes (JSON: "nodes", every node's name in order of first
 * appearance, instead of "node").  Text output then names each pod's node. */
struct pcg_timeline_input {
	struct pcg_timeline *tl;
	const char *node; /* must outlive the timeline */
	__s64 delta_ns;	  /* this input's boot_to_realtime_ns - the timeline's */
	__u64 now;	  /* its newest time on the timeline's clock: its pods settle by it */
};
extern const struct pcg_observer pcg_timeline_input_observer;

const char *pcg_tl_step_name(enum pcg_tl_step s);

#endif /* __PCG_TIMELINE_H */
