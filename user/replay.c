/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* replay.c - replay of a recording (-r): the recorded records go through the same pipeline
 * as live ones, built from the recording's header, so the output is the same. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "modes.h"
#include "output.h"
#include "pipeline.h"
#include "recio.h"
#include "record.h"

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

static int replay_header(void *ctx, const struct pcg_rec_header *h)
{
	struct replay *r = ctx;
	struct pcg_pipeline_opts po;
	int err;

	if (h->abi_version != PCG_ABI_VERSION) {
		pcg_err("cannot replay '%s': the recording holds events of ABI version %u, this "
			"build reads %u",
			r->path, h->abi_version, PCG_ABI_VERSION);
		r->error_said = true;
		return -EPROTONOSUPPORT;
	}
	pcg_pipeline_opts_init(&po, h, r->opts);
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

int pcg_replay_run(const struct pcg_opts *o)
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
	pcg_rec_reader__set_max_event(rd, sizeof(struct pcg_ev_attach) + PCG_PATH_MAX);
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
