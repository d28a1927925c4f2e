/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* recorder.c - the live side's recording: header, snapshot, writer, rotation. */
#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "log.h"
#include "pipeline.h"
#include "recio.h"
#include "record.h"
#include "recorder.h"
#include "sbuf.h"

struct pcg_recorder {
	struct pcg_recio_rotator *rot;
	struct pcg_rec_writer *w;
	struct pcg_rec_header hdr;
	struct pcg_sbuf snapshot;
	__u64 file_size;   /* -C */
	__u64 header_size; /* the current file's header (snapshot included): not counted */
	bool started;
	bool closed;
	int err;
};

struct pcg_recorder *pcg_recorder__new(const struct pcg_recorder_opts *opts)
{
	struct pcg_recio_rotator_opts ro = {
		.file_size = opts->file_size,
		.nr_files = opts->nr_files,
		.force = opts->force,
	};
	struct pcg_recorder *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return NULL;
	pcg_sbuf_init(&r->snapshot);
	r->snapshot.max = PCG_REC_SNAPSHOT_MAX;
	r->file_size = opts->file_size;
	r->rot = pcg_recio_rotator__new(opts->path, &ro);
	if (!r->rot) {
		err = errno;
		pcg_recorder__free(r);
		errno = err;
		return NULL;
	}
	return r;
}

/* The file being written (with -C, the current one), for messages. */
static const char *rec_name(const struct pcg_recorder *r)
{
	const char *p = pcg_recio_rotator__path(r->rot);

	return !p || !strcmp(p, "-") ? "standard output" : p;
}

/* Fails the recording for good, saying so once. */
static int rec_fail(struct pcg_recorder *r, int err)
{
	if (!r->err) {
		pcg_err("cannot write the recording to '%s': %s; live tracing goes on", rec_name(r),
			strerror(-err));
		r->err = err;
	}
	return err;
}

/* Opens a writer on the current file with the header and the snapshot collected. */
static int rec_begin(struct pcg_recorder *r)
{
	r->hdr.snapshot = r->snapshot.buf;
	r->hdr.snapshot_len = r->snapshot.len;
	r->w = pcg_rec_writer__new(&r->hdr, pcg_recio_rotator__write, r->rot, NULL);
	r->hdr.snapshot = NULL;
	r->hdr.snapshot_len = 0;
	if (!r->w)
		return -errno;
	r->header_size = pcg_recio_rotator__bytes(r->rot);
	return 0;
}

int pcg_recorder__tap(void *ctx, const void *rec, size_t len)
{
	struct pcg_recorder *r = ctx;
	int err;

	if (!r->started) {
		pcg_sbuf_add(&r->snapshot, rec, len);
		return r->snapshot.oom ? -ENOMEM : 0;
	}
	if (!r->w || r->err)
		return 0;
	err = pcg_rec_writer__append(r->w, rec, len);
	if (err)
		rec_fail(r, err);
	return 0;
}

int pcg_recorder__start(struct pcg_recorder *r, const struct pcg_rec_header *h)
{
	int err;

	r->hdr = *h;
	r->started = true;
	err = rec_begin(r);
	if (err)
		r->err = err; /* said by the caller, who names the file */
	return err;
}

bool pcg_recorder__due(const struct pcg_recorder *r)
{
	/* -C counts what follows the header: a snapshot bigger than -C alone (thousands of
	 * containers) must not rotate at every record */
	return r->w && !r->err && pcg_recio_rotator__due(r->rot) &&
	       pcg_recio_rotator__bytes(r->rot) - r->header_size > r->file_size;
}

static int snap_add(void *ctx, const void *rec, size_t len)
{
	pcg_sbuf_add(ctx, rec, len);
	return 0;
}

int pcg_recorder__rotate(struct pcg_recorder *r, const struct pcg_pipeline *pl, __u64 ts)
{
	int err;

	if (r->err)
		return r->err;
	/* Everything before this point went through the correlator: the next file is
	 * self-contained, its header holding the pods, containers and processes alive now. */
	err = pcg_rec_writer__finish(r->w);
	pcg_rec_writer__free(r->w);
	r->w = NULL;
	if (!err) /* the finished file's size, events, SHA-256, said at exit */
		pcg_evidence_add(pcg_recio_rotator__path(r->rot));
	if (!err)
		err = pcg_recio_rotator__next(r->rot);
	if (!err) {
		pcg_sbuf_reset(&r->snapshot);
		err = pcg_pipeline__snapshot(pl, ts, snap_add, &r->snapshot);
		if (!err && r->snapshot.oom)
			err = -E2BIG;
	}
	if (!err)
		err = rec_begin(r);
	return err ? rec_fail(r, err) : 0;
}

int pcg_recorder__flush(struct pcg_recorder *r)
{
	int err;

	if (!r->w || r->err)
		return r->err;
	err = pcg_rec_writer__flush(r->w);
	return err ? rec_fail(r, err) : 0;
}

int pcg_recorder__close(struct pcg_recorder *r)
{
	int err = 0;

	if (r->closed)
		return r->err;
	r->closed = true;
	if (r->w) {
		err = pcg_rec_writer__finish(r->w);
		if (err && !r->err) {
			pcg_err("cannot finish the recording '%s': %s", rec_name(r),
				strerror(-err));
			r->err = err;
		}
		pcg_rec_writer__free(r->w);
		r->w = NULL;
	}
	if (r->rot && pcg_recio_rotator__close(r->rot) && !r->err) {
		pcg_err("cannot close the recording '%s'", pcg_recio_rotator__path(r->rot));
		r->err = -EIO;
	}
	if (r->rot)
		pcg_evidence_add(pcg_recio_rotator__path(r->rot));
	return r->err;
}

int pcg_recorder__err(const struct pcg_recorder *r)
{
	return r->err;
}

const char *pcg_recorder__path(const struct pcg_recorder *r)
{
	return pcg_recio_rotator__path(r->rot);
}

void pcg_recorder__free(struct pcg_recorder *r)
{
	if (!r)
		return;
	pcg_rec_writer__free(r->w);
	pcg_recio_rotator__free(r->rot);
	pcg_sbuf_done(&r->snapshot);
	free(r);
}

/* Says why -w could not create @path: what is in the way, and --force only where it helps (an
 * existing regular file). */
void pcg_recorder_say_create_error(const char *path, int err)
{
	struct stat st, tst;
	const char *what = NULL;

	if (err == -EEXIST || err == -ELOOP || err == -EISDIR || err == -ENXIO) {
		if (lstat(path, &st) == 0) {
			if (S_ISLNK(st.st_mode))
				what = stat(path, &tst) ? "a dangling symbolic link" :
							  "a symbolic link";
			else if (S_ISDIR(st.st_mode))
				what = "a directory";
			else if (S_ISCHR(st.st_mode))
				what = "a character device";
			else if (S_ISBLK(st.st_mode))
				what = "a block device";
			else if (S_ISFIFO(st.st_mode))
				what = "a FIFO";
			else if (S_ISSOCK(st.st_mode))
				what = "a socket";
		}
	}
	if (what)
		pcg_err("cannot create '%s': it is %s, not a regular file (-w - writes to "
			"standard output)",
			path, what);
	else
		pcg_err("cannot create '%s': %s%s", path, strerror(-err),
			err == -EEXIST ? " (use --force to overwrite)" : "");
}
