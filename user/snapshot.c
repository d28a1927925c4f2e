/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* snapshot.c - --snapshot: the pods, containers and processes that exist now, then exit.
 *
 * Nothing is attached in the kernel: the start-up scan of live tracing (scan.c: the cgroup
 * filesystem and /proc, with each process's command line) goes through the same pipeline,
 * whose correlator answers with one container_existing per container, its processes included.
 * With -w those records are a recording's start-up snapshot, so `-r FILE --snapshot` (or
 * `-r FILE --json`) prints the same again anywhere.  JSON is the container_existing lines as
 * they come; text is grouped by pod (fmt_snapshot.c), printed once the scan is complete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "correlate.h"
#include "encode.h"
#include "fmt.h"
#include "log.h"
#include "names.h"
#include "modes.h"
#include "output.h"
#include "pipeline.h"
#include "recio.h"
#include "record.h"
#include "recorder.h"
#include "sbuf.h"
#include "scan.h"

/* The text of one pod: its line, then its containers' blocks. */
struct group {
	char key[PCG_POD_UID_LEN + 1]; /* pod UID, "" outside Kubernetes (--all) */
	struct pcg_sbuf text;
};

struct snap {
	const struct pcg_opts *opts;
	const char *path; /* -r FILE */
	struct pcg_output out;
	struct pcg_fmt_opts fmt;
	struct pcg_layout layout;
	struct pcg_rec_header hdr;
	struct pcg_pipeline *pl;
	struct pcg_recorder *rec;
	struct pcg_names *names; /* pod and container names: NULL = none */
	struct group *groups;
	size_t nr_groups, cap_groups;
	unsigned long nr_containers, nr_procs, nr_no_ns;
	__u64 ts; /* the scan's end (PCG_EV_SCAN_DONE) */
	bool error_said;
};

static struct group *group_of(struct snap *s, const char *key)
{
	struct group *g;

	/* a pod's containers come one after another: look at the last pod first */
	for (size_t i = s->nr_groups; i-- > 0;)
		if (!strcmp(s->groups[i].key, key))
			return &s->groups[i];
	if (s->nr_groups == s->cap_groups) {
		size_t cap = s->cap_groups ? s->cap_groups * 2 : 64;

		g = realloc(s->groups, cap * sizeof(*g));
		if (!g)
			return NULL;
		s->groups = g;
		s->cap_groups = cap;
	}
	g = &s->groups[s->nr_groups++];
	snprintf(g->key, sizeof(g->key), "%s", key);
	pcg_sbuf_init(&g->text);
	g->text.max = (size_t)1 << 30;
	return g;
}

/* pcg_sink_fn: JSON lines go out as they come; text blocks wait, grouped by pod. */
static int snap_sink(void *ctx, const char *buf, size_t len)
{
	struct snap *s = ctx;
	const struct pcg_out *out = pcg_pipeline__out(s->pl);
	struct group *g;

	if (out && out->kind == PCG_OUT_CONTAINER_EXISTING) {
		s->nr_containers++;
		s->nr_procs += out->nr_procs;
		for (size_t i = 0; i < out->nr_procs; i++)
			s->nr_no_ns += !out->procs[i].task->ns[PCG_NS_MNT];
	}
	if (!out || out->kind != PCG_OUT_CONTAINER_EXISTING)
		return s->opts->json ? pcg_output_sink(&s->out, buf, len) : 0;
	g = group_of(s, out->obj ? out->obj->pod_uid : "");
	if (!g)
		return -ENOMEM;
	if (s->opts->json)
		return pcg_output_sink(&s->out, buf, len);
	if (!g->text.len)
		pcg_fmt_snapshot_pod(&g->text, &s->fmt, out);
	pcg_sbuf_add(&g->text, buf, len);
	return g->text.oom ? -ENOMEM : 0;
}

/* Every record of the snapshot enters the pipeline here. */
static int snap_feed(void *ctx, const void *rec, size_t len)
{
	const struct pcg_ev_hdr *h = rec;
	struct snap *s = ctx;

	if (len >= sizeof(*h) && h->type == PCG_EV_SCAN_DONE)
		s->ts = h->ts;
	return pcg_pipeline__feed(s->pl, rec, len);
}

/* pcg_scan_fn: a record of the scan, after its runtime hint if it needs one (as live.c). */
static int snap_record(void *ctx, const void *rec, size_t len)
{
	const struct pcg_ev_hdr *h = rec;
	struct snap *s = ctx;
	union pcg_enc_buf b;
	size_t n;
	int err;

	if (len >= sizeof(*h) && h->type == PCG_EV_EXISTING_CGROUP) {
		n = pcg_scan_hint(&s->layout, s->pl, rec, len, &b);
		if (n && (err = snap_feed(s, &b, n)))
			return err;
	}
	pcg_names__before(s->names, rec, len, snap_feed, s);
	return snap_feed(s, rec, len);
}

static int snap_pipeline(struct snap *s, const struct pcg_rec_header *h)
{
	struct pcg_pipeline_opts po;

	pcg_pipeline_opts_init(&po, h, s->opts);
	po.fmt.snapshot = true;
	s->pl = pcg_pipeline__new(&po, snap_sink, NULL, s);
	if (!s->pl)
		return -errno;
	s->fmt = po.fmt; /* its node points into s->hdr, which lives as long */
	return 0;
}

/* The text output, once everything is in. */
static void snap_print(struct snap *s)
{
	struct pcg_sbuf sb;

	if (s->opts->json)
		return;
	pcg_sbuf_init(&sb);
	pcg_fmt_snapshot_title(&sb, &s->fmt, s->ts, s->nr_groups, s->nr_containers, s->nr_procs);
	pcg_output_sink(&s->out, sb.buf, sb.len);
	pcg_sbuf_done(&sb);
	for (size_t i = 0; i < s->nr_groups; i++) {
		pcg_output_sink(&s->out, "\n", 1);
		pcg_output_sink(&s->out, s->groups[i].text.buf, s->groups[i].text.len);
	}
}

/* Looks at the host: layout, header, optional recording, the scan. */
static int snap_live(struct snap *s)
{
	const struct pcg_opts *o = s->opts;
	__u64 t0 = pcg_boottime_ns();
	int err;

	err = pcg_scan_layout_said(o->all_hier, &s->layout);
	if (err)
		return err;
	pcg_scan_header(&s->layout, o->node, o->all, &s->hdr);
	if (o->write) {
		struct pcg_recorder_opts ro = { .path = o->write, .force = o->force };

		s->rec = pcg_recorder__new(&ro);
		if (!s->rec) {
			err = -errno;
			pcg_recorder_say_create_error(o->write, err);
			return err;
		}
	}
	err = snap_pipeline(s, &s->hdr);
	if (err) {
		pcg_err("cannot set up the pipeline: %s", strerror(-err));
		return err;
	}
	if (s->rec)
		pcg_pipeline__set_tap(s->pl, pcg_recorder__tap, s->rec);
	err = pcg_names__start(o->host_root, &s->names);
	if (err)
		return err;
	pcg_names__share_path_memo(s->names, pcg_pipeline__path_memo(s->pl));
	err = pcg_scan_existing(&s->layout, o->all, snap_record, s);
	pcg_names__free(s->names);
	s->names = NULL;
	if (err < 0) {
		pcg_err("cannot scan existing containers: %s", strerror(-err));
		return err;
	}
	err = pcg_pipeline__flush(s->pl);
	if (err)
		return err;
	if (s->rec) {
		/* the scan is the recording's start-up snapshot; no event follows */
		err = pcg_recorder__start(s->rec, &s->hdr);
		if (err) {
			pcg_err("cannot write the recording header to '%s': %s", o->write,
				strerror(-err));
			return err;
		}
		err = pcg_recorder__close(s->rec);
		if (err)
			return err;
	}
	snap_print(s);
	if (s->nr_no_ns)
		pcg_warn("the namespaces of %lu processes could not be read: run as root, or with "
			 "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH",
			 s->nr_no_ns);
	pcg_info("snapshot: %zu pods, %lu containers, %lu processes in %llu ms", s->nr_groups,
		 s->nr_containers, s->nr_procs,
		 (unsigned long long)(pcg_boottime_ns() - t0) / 1000000);
	return 0;
}

/* --- -r FILE --snapshot: the recording's start-up snapshot ------------------------------- */

static int replay_header(void *ctx, const struct pcg_rec_header *h)
{
	struct snap *s = ctx;
	int err;

	if (h->abi_version != PCG_ABI_VERSION) {
		pcg_err("cannot replay '%s': the recording holds events of ABI version %u, this "
			"build reads %u",
			s->path, h->abi_version, PCG_ABI_VERSION);
		s->error_said = true;
		return -EPROTONOSUPPORT;
	}
	s->hdr = *h;
	s->hdr.snapshot = NULL;
	s->hdr.snapshot_len = 0;
	err = snap_pipeline(s, &s->hdr);
	if (err)
		return err;
	err = pcg_rec_foreach_event(h->snapshot, h->snapshot_len, snap_feed, s);
	if (err == -EBADMSG) {
		pcg_warn("the recording's start-up snapshot is damaged; showing what it holds");
		err = 0;
	}
	if (!err)
		err = pcg_pipeline__flush(s->pl);
	/* what happened after the start is not part of the snapshot: stop reading */
	return err ? err : -ECANCELED;
}

static int snap_replay(struct snap *s)
{
	struct pcg_rec_reader_cbs cbs = { .header = replay_header };
	struct pcg_rec_reader *rd = pcg_rec_reader__new(&cbs, s, 0);
	int err;

	if (!rd) {
		pcg_err("cannot set up the reader: %s", strerror(errno));
		return -ENOMEM;
	}
	err = pcg_recio_read_all(s->path, rd);
	pcg_rec_reader__free(rd);
	if (err == -ECANCELED && s->pl)
		err = 0;
	if (err) {
		if (!s->error_said)
			pcg_err("cannot replay '%s': %s", s->path,
				err == -ENOMSG ? "not a podcg-trace recording" :
				err == -EBADMSG ?
						 "no readable header (empty, cut or corrupt file)" :
						 strerror(-err));
		return err;
	}
	snap_print(s);
	return 0;
}

int pcg_snapshot_run(const struct pcg_opts *o)
{
	struct snap *s = calloc(1, sizeof(*s));
	int ret;

	if (!s) {
		pcg_err("cannot start: %s", strerror(errno));
		return PCG_EXIT_FAIL;
	}
	s->opts = o;
	s->path = o->read;
	s->out.quiet = o->quiet;
	ret = (o->read ? snap_replay(s) : snap_live(s)) ? PCG_EXIT_FAIL : PCG_EXIT_OK;
	ret = pcg_output_finish(&s->out, ret);
	if (s->rec && pcg_recorder__close(s->rec))
		ret = PCG_EXIT_FAIL;
	pcg_recorder__free(s->rec);
	pcg_pipeline__free(s->pl);
	for (size_t i = 0; i < s->nr_groups; i++)
		pcg_sbuf_done(&s->groups[i].text);
	free(s->groups);
	free(s);
	return ret;
}
