/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* recorder.h - the live side's recording (-w, -C, -W): header, start-up snapshot, writer,
 * rotation.  Impure and thin: record.h encodes, recio.h writes files.
 *
 * The recorder is the pipeline's raw tap: it sees every record fed, before it is processed,
 * and never calls back into the pipeline.  Its life:
 *
 *	r = pcg_recorder__new(&opts);                   the first file exists, nothing written
 *	pipeline tap = pcg_recorder__tap, ctx r;        records before __start() (the start-up
 *	                                                scan) become the header's snapshot
 *	pcg_recorder__start(r, &hdr);                   header + snapshot written
 *	for each record, before feeding it:
 *		if (pcg_recorder__due(r))               the current file is full (-C)
 *			pcg_recorder__rotate(r, pl, ts); next file, its snapshot from the pipeline
 *	every second: pcg_recorder__flush(r);
 *	at exit: err = pcg_recorder__close(r); pcg_recorder__free(r);
 *
 * A write error is said once on stderr ("cannot write the recording ..."), sticks
 * (__err()), and stops the recording while live tracing goes on.
 */
#ifndef __PCG_RECORDER_H
#define __PCG_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct pcg_pipeline;
struct pcg_rec_header;

struct pcg_recorder_opts {
	const char *path; /* -w FILE, "-" = stdout */
	__u64 file_size;  /* -C in bytes, 0 = one file */
	__u32 nr_files;	  /* -W, 0 = no limit */
	bool force;	  /* --force */
};

struct pcg_recorder;

/* Creates the first file.  NULL + errno (pcg_recio_rotator__new()'s: EEXIST, ELOOP, ...). */
struct pcg_recorder *pcg_recorder__new(const struct pcg_recorder_opts *opts);
/* Says once on stderr why -w could not create @path (pcg_recorder__new()'s -errno @err): what
 * is in the way, and --force only where it helps (an existing regular file). */
void pcg_recorder_say_create_error(const char *path, int err);
/* pcg_tap_fn.  Before __start(): adds the record to the snapshot (-ENOMEM when it would pass
 * PCG_REC_SNAPSHOT_MAX).  After: appends it; returns 0 even on a write error (see above). */
int pcg_recorder__tap(void *ctx, const void *rec, size_t len);
/* Writes the header @h (copied; its snapshot fields are ignored) with the snapshot collected.
 * Returns 0 or -errno (not said on stderr: the caller names the file). */
int pcg_recorder__start(struct pcg_recorder *r, const struct pcg_rec_header *h);
/* True when the current file is over -C's size: rotate before the next record. */
bool pcg_recorder__due(const struct pcg_recorder *r);
/* Finishes the current file, opens the next one and starts it with a snapshot of what @pl
 * knows at @ts (the pods, containers and processes alive), so each file replays on its own. */
int pcg_recorder__rotate(struct pcg_recorder *r, const struct pcg_pipeline *pl, __u64 ts);
/* Writes out the block being filled. */
int pcg_recorder__flush(struct pcg_recorder *r);
/* Finishes (trailer), fsyncs and closes the file.  Returns 0 or the first error, said on
 * stderr unless it was said already. */
int pcg_recorder__close(struct pcg_recorder *r);
/* The sticky write error, 0 if none. */
int pcg_recorder__err(const struct pcg_recorder *r);
/* The current (or last) file's name. */
const char *pcg_recorder__path(const struct pcg_recorder *r);
void pcg_recorder__free(struct pcg_recorder *r);

#endif /* __PCG_RECORDER_H */
