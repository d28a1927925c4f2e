/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* replay.c - replay of a recording (-r): the recorded records go through the same pipeline
 * as live ones, built from the recording's header, so the output is the same. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "decode.h"
#include "log.h"
#include "modes.h"
#include "output.h"
#include "pipeline.h"
#include "recio.h"
#include "record.h"
#include "timeline.h"
#include "timeline_io.h"
#include "sbuf.h"

#ifndef PCG_VERSION
#define PCG_VERSION "0.0.0"
#endif

/* One input file. */
struct replay {
	const struct pcg_opts *opts;
	const char *path;
	struct pcg_output *out;
	struct pcg_pipeline *pl;
	unsigned long long damage;
	bool error_said; /* a callback said why it stopped the reader */
};

/* Damage reports shown one per line; past that they are counted and summarised at the end,
 * so a file with 200,000 bad blocks prints a few dozen lines, not 200,000. */
#define DAMAGE_SHOWN 20

static int replay_event(void *ctx, const void *ev, size_t len)
{
	struct replay *r = ctx;

	if (!r->pl)
		return 0;
	if (r->out->gone)
		return -EPIPE; /* the reader of the output went away (`| head`): stop reading */
	return pcg_pipeline__feed(r->pl, ev, len);
}

/* Says (once, naming @path) when a recording holds events of another ABI version. */
static bool abi_ok(const char *path, const struct pcg_rec_header *h)
{
	if (h->abi_version == PCG_ABI_VERSION)
		return true;
	pcg_err("cannot replay '%s': the recording holds events of ABI version %u, this build "
		"reads %u",
		path, h->abi_version, PCG_ABI_VERSION);
	return false;
}

static int replay_header(void *ctx, const struct pcg_rec_header *h)
{
	struct replay *r = ctx;
	struct pcg_pipeline_opts po;
	int err;

	if (!abi_ok(r->path, h)) {
		r->error_said = true;
		return -EPROTONOSUPPORT;
	}
	pcg_pipeline_opts_init(&po, h, r->opts);
	pcg_timeline_io_attach(r->opts, &po);
	r->pl = pcg_pipeline__new(&po, pcg_output_sink, NULL, r->out);
	if (!r->pl)
		return -errno;
	if (!r->opts->json)
		pcg_output_header(r->out, &po.fmt);
	err = pcg_rec_foreach_event(h->snapshot, h->snapshot_len, replay_event, r);
	if (err == -EBADMSG) {
		pcg_warn("the recording's start-up snapshot is damaged; replaying the rest");
		err = 0;
	}
	return err;
}

static void replay_damage(void *ctx, __u64 offset, __u64 skipped, const char *what)
{
	struct replay *r = ctx;

	r->damage++;
	if (r->damage > DAMAGE_SHOWN)
		return;
	pcg_output_flush(r->out); /* what came before the damage first; an error is kept */
	pcg_warn("recording damaged at byte %llu (%llu bytes lost): %s", (unsigned long long)offset,
		 (unsigned long long)skipped, what);
	if (r->damage == DAMAGE_SHOWN)
		pcg_warn("more damage is counted, not shown");
}

/* Says why a replay could not be done, once. */
static void replay_fail(const struct replay *r, int err)
{
	if (r->error_said)
		return;
	switch (err) {
	case -ENOMSG:
		pcg_err("cannot replay '%s': not a podcg-trace recording", r->path);
		break;
	case -EPROTONOSUPPORT:
		pcg_err("cannot replay '%s': recorded by a newer podcg-trace (format version "
			"unknown to %s)",
			r->path, PCG_VERSION);
		break;
	case -EBADMSG:
		pcg_err("cannot replay '%s': no readable header (empty, cut or corrupt file)",
			r->path);
		break;
	default:
		pcg_err("cannot replay '%s': %s", r->path, strerror(-err));
		break;
	}
}

static int replay_one(const struct pcg_opts *o)
{
	struct pcg_output out = { .quiet = o->quiet };
	struct replay r = { .opts = o, .path = o->read, .out = &out };
	struct pcg_rec_reader_cbs cbs = {
		.header = replay_header,
		.event = replay_event,
		.damage = replay_damage,
	};
	struct pcg_rec_reader *rd = pcg_rec_reader__new(&cbs, &r, 0);
	struct pcg_rec_stats rs;
	int err, ret = PCG_EXIT_FAIL;

	if (!rd) {
		pcg_err("cannot set up the reader: %s", strerror(errno));
		return PCG_EXIT_FAIL;
	}
	/* nothing the tracer writes is larger: bigger records are damage, not work */
	pcg_rec_reader__set_max_event(rd, PCG_EV_SIZE_MAX);
	err = pcg_recio_read_all(r.path, rd);
	if (err == -EPIPE && out.gone)
		err = 0; /* stopped because nobody reads the output any more */
	if (err == 0 && r.pl)
		err = pcg_pipeline__flush(r.pl);
	pcg_rec_reader__stats(rd, &rs);
	if (err && out.err && -err == out.err)
		err = 0; /* a write error of the output: pcg_output_finish() says it */
	else if (err)
		replay_fail(&r, err);
	if (!err)
		ret = PCG_EXIT_OK;
	ret = pcg_output_finish(&out, out.err ? PCG_EXIT_OK : ret);
	if (ret == PCG_EXIT_OK && r.damage)
		pcg_warn("replayed %llu events from %llu blocks; %llu blocks and %llu bytes lost; "
			 "%llu damage reports%s",
			 (unsigned long long)rs.events, (unsigned long long)rs.blocks,
			 (unsigned long long)rs.bad_blocks, (unsigned long long)rs.bytes_skipped,
			 r.damage, r.damage > DAMAGE_SHOWN ? ", the first 20 shown" : "");
	pcg_rec_reader__free(rd);
	pcg_pipeline__free(r.pl);
	return ret;
}

/* --- several inputs, merged by wall-clock time ------------------------------------------ */

#define MERGE_CHUNK (64u << 10)

/* One input file, as a first look saw it. */
struct input {
	char *path;
	char node[256];	  /* --node of the recording, else its hostname */
	char boot_id[40]; /* with node: one host's one boot */
	__u64 first_ts;	  /* its snapshot's ts, else its first event's (CLOCK_BOOTTIME), ~0 */
	__s64 b2r;	  /* its boot_to_realtime_ns */
	int err;	  /* no header: why (said once) */
};

/* The files of one node and boot, in time order, replayed as one continuing stream through one
 * pipeline (a rotated set continues where the previous file ended; the next file's start-up
 * snapshot only repeats what the pipeline knows).  Its lines wait in a queue for the merge. */
struct source {
	const struct pcg_opts *opts;
	struct input **files;
	unsigned nr, cur;
	int fd;
	struct pcg_rec_reader *rd;
	struct pcg_pipeline *pl;
	__s64 b2r;	  /* boot_to_realtime_ns of the file being read */
	bool node_column; /* text output names the node */
	__s64 ref_b2r;	  /* --timeline: the timeline's clock (the inputs' smallest b2r) */
	struct pcg_timeline_input tin;
	struct pcg_sbuf q; /* queued lines: __s64 wall ns, __u32 len, bytes */
	size_t q_off;
	bool done;
	int err; /* a file could not be read (said), or the sink failed */
	unsigned long long damage;
};

struct peek {
	struct input *in;
	bool header;
};

static int peek_header(void *ctx, const struct pcg_rec_header *h)
{
	struct peek *p = ctx;

	snprintf(p->in->node, sizeof(p->in->node), "%s", h->node[0] ? h->node : h->hostname);
	snprintf(p->in->boot_id, sizeof(p->in->boot_id), "%s", h->boot_id);
	p->in->b2r = h->boot_to_realtime_ns;
	p->header = true;
	/* a file's place in time is where its snapshot was taken (the start, or the rotation
	 * that opened it), which a file without any event has too */
	if (h->snapshot_len >= sizeof(struct pcg_ev_hdr)) {
		p->in->first_ts = ((const struct pcg_ev_hdr *)h->snapshot)->ts;
		return -ECANCELED; /* seen enough */
	}
	return 0;
}

static int peek_event(void *ctx, const void *ev, size_t len)
{
	struct peek *p = ctx;

	p->in->first_ts = ((const struct pcg_ev_hdr *)ev)->ts;
	return -ECANCELED; /* seen enough */
}

/* Reads an input's header and first event, to know its node and where it sits in time. */
static int peek_input(struct input *in)
{
	struct peek pk = { .in = in };
	struct pcg_rec_reader_cbs cbs = { .header = peek_header, .event = peek_event };
	struct pcg_rec_reader *rd = pcg_rec_reader__new(&cbs, &pk, 0);
	static char buf[MERGE_CHUNK];
	int fd, err = 0;
	ssize_t n;

	in->first_ts = ~0ull;
	if (!rd)
		return -ENOMEM;
	fd = open(in->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	while (!err && (n = read(fd, buf, sizeof(buf))) > 0) {
		err = pcg_rec_reader__feed(rd, buf, n);
		if (err == -ECANCELED || err == 1)
			err = 0;
		if (pk.header && in->first_ts != ~0ull)
			break;
	}
	if (!err && !pk.header)
		err = pcg_rec_reader__finish(rd) ?: -EBADMSG;
	if (fd >= 0)
		close(fd);
	pcg_rec_reader__free(rd);
	return pk.header ? 0 : err;
}

static int merge_sink(void *ctx, const char *buf, size_t len)
{
	struct source *s = ctx;
	__s64 wall = (__s64)pcg_pipeline__out_ts(s->pl) + s->b2r;
	__u32 n = len;

	pcg_sbuf_add(&s->q, &wall, sizeof(wall));
	pcg_sbuf_add(&s->q, &n, sizeof(n));
	pcg_sbuf_add(&s->q, buf, len);
	return s->q.oom ? -ENOMEM : 0;
}

static int merge_event(void *ctx, const void *ev, size_t len)
{
	struct source *s = ctx;

	return s->pl ? pcg_pipeline__feed(s->pl, ev, len) : 0;
}

static int merge_header(void *ctx, const struct pcg_rec_header *h)
{
	struct source *s = ctx;
	struct pcg_pipeline_opts po;
	int err;

	if (!abi_ok(s->files[s->cur]->path, h)) {
		s->files[s->cur]->err = -EPROTONOSUPPORT;
		return -EPROTONOSUPPORT;
	}
	s->b2r = h->boot_to_realtime_ns;
	s->tin.delta_ns = h->boot_to_realtime_ns - s->ref_b2r;
	if (!s->pl) {
		pcg_pipeline_opts_init(&po, h, s->opts);
		pcg_timeline_io_attach_input(s->opts, &po, &s->tin, s->files[0]->node, s->ref_b2r);
		po.fmt.node_column = s->node_column;
		s->pl = pcg_pipeline__new(&po, merge_sink, NULL, s);
		if (!s->pl)
			return -errno;
	}
	err = pcg_rec_foreach_event(h->snapshot, h->snapshot_len, merge_event, s);
	if (err == -EBADMSG) {
		pcg_warn("'%s': the start-up snapshot is damaged; replaying the rest",
			 s->files[s->cur]->path);
		err = 0;
	}
	return err;
}

static void merge_damage(void *ctx, __u64 offset, __u64 skipped, const char *what)
{
	struct source *s = ctx;

	s->damage++;
	pcg_warn("recording '%s' damaged at byte %llu (%llu bytes lost): %s",
		 s->files[s->cur]->path, (unsigned long long)offset, (unsigned long long)skipped,
		 what);
}

/* Ends the file being read: reports a cut tail, says why it could not be read at all. */
static void source_next_file(struct source *s)
{
	struct input *in = s->files[s->cur];
	int err = pcg_rec_reader__finish(s->rd);

	if (err && err != -ECANCELED && !in->err) {
		struct replay r = { .path = in->path };

		replay_fail(&r, err);
		in->err = err;
	}
	if (in->err && !s->err)
		s->err = in->err;
	pcg_rec_reader__free(s->rd);
	s->rd = NULL;
	close(s->fd);
	s->fd = -1;
	s->cur++;
}

/* Reads on until this source has a line queued, or has ended. */
static int source_pump(struct source *s)
{
	static const struct pcg_rec_reader_cbs cbs = {
		.header = merge_header,
		.event = merge_event,
		.damage = merge_damage,
	};
	static char buf[MERGE_CHUNK];
	ssize_t n;
	int err;

	while (s->q_off == s->q.len && !s->done) {
		pcg_sbuf_reset(&s->q);
		s->q_off = 0;
		if (!s->rd) {
			if (s->cur == s->nr) {
				s->done = true;
				if (s->pl)
					return pcg_pipeline__flush(s->pl);
				return 0;
			}
			s->fd = open(s->files[s->cur]->path, O_RDONLY | O_CLOEXEC);
			s->rd = pcg_rec_reader__new(&cbs, s, 0);
			if (s->fd < 0 || !s->rd) {
				err = -errno;
				pcg_err("cannot replay '%s': %s", s->files[s->cur]->path,
					strerror(-err));
				s->files[s->cur]->err = err;
				source_next_file(s);
				continue;
			}
		}
		n = read(s->fd, buf, sizeof(buf));
		if (n < 0) {
			err = -errno;
			pcg_err("cannot read '%s': %s", s->files[s->cur]->path, strerror(-err));
			s->files[s->cur]->err = err;
		}
		if (n <= 0) {
			source_next_file(s);
			continue;
		}
		err = pcg_rec_reader__feed(s->rd, buf, n);
		if (err == 1)
			source_next_file(s); /* the reader gave up on this file */
		else if (err < 0 && (err == -ENOMEM || (s->q.oom)))
			return err; /* the pipeline itself failed */
		else if (err < 0)
			source_next_file(s);
	}
	return 0;
}

static int cmp_input(const void *a, const void *b)
{
	const struct input *x = *(struct input *const *)a, *y = *(struct input *const *)b;
	int c = strcmp(x->node, y->node);

	if (!c)
		c = strcmp(x->boot_id, y->boot_id);
	if (!c)
		c = x->first_ts < y->first_ts ? -1 : x->first_ts > y->first_ts;
	if (!c)
		c = strcmp(x->path, y->path);
	return c;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds @path, or every regular file in it if it is a directory (by name). */
static int add_inputs(const char *path, struct input ***files, unsigned *nr)
{
	struct stat st;
	char **names = NULL;
	size_t nn = 0;
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		names = malloc(sizeof(*names));
		if (!names || !(names[0] = strdup(path)))
			return free(names), -ENOMEM;
		nn = 1;
	} else {
		d = opendir(path);
		if (!d)
			return pcg_err("cannot read the directory '%s': %s", path, strerror(errno)),
			       -errno;
		while (!err && (de = readdir(d))) {
			char full[4096];
			char **n;

			if (de->d_name[0] == '.')
				continue;
			snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
			if (stat(full, &st) || !S_ISREG(st.st_mode))
				continue;
			n = realloc(names, (nn + 1) * sizeof(*names));
			if (!n || !(n[nn] = strdup(full)))
				err = -ENOMEM;
			else
				nn++;
			if (n)
				names = n;
		}
		closedir(d);
		if (nn > 1) /* names is NULL for an empty directory */
			qsort(names, nn, sizeof(*names), cmp_name);
	}
	for (size_t i = 0; i < nn; i++) {
		struct input **f = err ? NULL : realloc(*files, (*nr + 1) * sizeof(**files));
		struct input *in = f ? calloc(1, sizeof(*in)) : NULL;

		if (f)
			*files = f;
		if (!in) {
			err = -ENOMEM;
			free(names[i]);
			continue;
		}
		in->path = names[i];
		(*files)[(*nr)++] = in;
	}
	free(names);
	return err;
}

static int replay_merge(const struct pcg_opts *o)
{
	struct pcg_output out = { 0 };
	struct input **files = NULL;
	struct source *src = NULL;
	unsigned nr = 0, nsrc = 0, bad = 0;
	int err = 0, ret = PCG_EXIT_OK;
	bool several_nodes = false;
	__s64 ref_b2r = INT64_MAX; /* the inputs' smallest boot_to_realtime_ns */

	for (unsigned i = 0; i < o->nr_reads && !err; i++)
		err = add_inputs(o->reads[i], &files, &nr);
	if (err) {
		pcg_err("cannot list the inputs: %s", strerror(-err));
		ret = PCG_EXIT_FAIL;
		goto out;
	}
	if (!nr) {
		pcg_err("cannot replay: no recordings in the inputs given");
		ret = PCG_EXIT_FAIL;
		goto out;
	}
	for (unsigned i = 0; i < nr; i++) {
		files[i]->err = peek_input(files[i]);
		if (files[i]->err) {
			struct replay r = { .path = files[i]->path };

			replay_fail(&r, files[i]->err);
			bad++;
		}
	}
	qsort(files, nr, sizeof(*files), cmp_input);
	src = calloc(nr, sizeof(*src));
	if (!src) {
		pcg_err("cannot replay: %s", strerror(ENOMEM));
		ret = PCG_EXIT_FAIL;
		goto out;
	}
	for (unsigned i = 0; i < nr; i++) {
		struct source *s;

		if (files[i]->err)
			continue;
		s = nsrc ? &src[nsrc - 1] : NULL;
		if (!s || strcmp(s->files[0]->node, files[i]->node) ||
		    strcmp(s->files[0]->boot_id, files[i]->boot_id)) {
			several_nodes |= s && strcmp(s->files[0]->node, files[i]->node);
			s = &src[nsrc++];
			s->files = &files[i];
			s->opts = o;
			s->fd = -1;
			pcg_sbuf_init(&s->q);
		}
		s->nr++;
		if (files[i]->b2r < ref_b2r)
			ref_b2r = files[i]->b2r;
	}
	for (unsigned i = 0; i < nsrc; i++) {
		src[i].node_column = several_nodes && !o->json;
		src[i].ref_b2r = ref_b2r;
	}
	if (!o->json && !o->timeline) {
		struct pcg_fmt_opts fo = { .node_column = several_nodes };

		pcg_output_header(&out, &fo);
	}
	/* the merge: always the queued line with the earliest wall-clock time */
	for (;;) {
		struct source *best = NULL;
		__s64 best_wall = 0;

		for (unsigned i = 0; i < nsrc; i++) {
			struct source *s = &src[i];
			__s64 wall;

			err = source_pump(s);
			if (err) {
				pcg_err("cannot replay: %s", strerror(-err));
				ret = PCG_EXIT_FAIL;
				goto out;
			}
			if (s->q_off == s->q.len)
				continue;
			memcpy(&wall, s->q.buf + s->q_off, sizeof(wall));
			if (!best || wall < best_wall) {
				best = s;
				best_wall = wall;
			}
		}
		if (!best || out.gone)
			break;
		{
			__u32 len;

			memcpy(&len, best->q.buf + best->q_off + sizeof(__s64), sizeof(len));
			best->q_off += sizeof(__s64) + sizeof(len);
			err = pcg_output_sink(&out, best->q.buf + best->q_off, len);
			best->q_off += len;
			if (err) {
				ret = PCG_EXIT_FAIL;
				break;
			}
		}
	}
	if (o->timeline && !out.gone && ret == PCG_EXIT_OK) {
		/* every input ended: the pods still waiting, then one summary of all nodes */
		struct pcg_sbuf sb;

		pcg_sbuf_init(&sb);
		pcg_timeline_io_flush(&sb);
		if (sb.oom || pcg_output_sink(&out, sb.buf, sb.len))
			ret = PCG_EXIT_FAIL;
		pcg_sbuf_done(&sb);
	}
	for (unsigned i = 0; i < nsrc; i++)
		if (src[i].err)
			bad++;
out:
	ret = pcg_output_finish(&out, ret);
	if (ret == PCG_EXIT_OK && bad)
		ret = PCG_EXIT_FAIL; /* said above, file by file; the rest was merged */
	for (unsigned i = 0; src && i < nsrc; i++) {
		if (src[i].rd)
			pcg_rec_reader__free(src[i].rd);
		if (src[i].fd >= 0)
			close(src[i].fd);
		pcg_pipeline__free(src[i].pl);
		pcg_sbuf_done(&src[i].q);
	}
	free(src);
	for (unsigned i = 0; i < nr; i++) {
		free(files[i]->path);
		free(files[i]);
	}
	free(files);
	return ret;
}

int pcg_replay_run(const struct pcg_opts *o)
{
	struct stat st;

	if (o->nr_reads == 1 &&
	    (!strcmp(o->read, "-") || stat(o->read, &st) || !S_ISDIR(st.st_mode)))
		return replay_one(o);
	return replay_merge(o);
}
