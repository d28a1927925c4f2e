/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* recio.h - the file side of recordings: safe creation, full writes, fsync, rotation, reading.
 *
 * A thin impure layer around the pure codec in record.h: it opens, writes, syncs and reads
 * files and nothing else.  It never logs; every function returns >= 0 or -errno (pointer
 * constructors NULL + errno) and main reports the error once.
 *
 * Writing a recording (with or without rotation, to a file or to stdout):
 *
 *	rot = pcg_recio_rotator__new(path, &(struct pcg_recio_rotator_opts){ ... });
 *	w = pcg_rec_writer__new(&hdr, pcg_recio_rotator__write, rot, NULL);
 *	for each event:
 *		pcg_rec_writer__append(w, ev, len);
 *		if (pcg_recio_rotator__due(rot)) {
 *			err = pcg_rec_writer__finish(w);   (trailer of the full file)
 *			pcg_rec_writer__free(w);
 *			err = err ?: pcg_recio_rotator__next(rot);   (fsync, open the next)
 *			w = pcg_rec_writer__new(&hdr, pcg_recio_rotator__write, rot, NULL);
 *		}
 *	every second: pcg_rec_writer__flush(w);
 *	at exit: pcg_rec_writer__finish(w); pcg_rec_writer__free(w);
 *		 pcg_recio_rotator__close(rot) (fsync + close); pcg_recio_rotator__free(rot);
 *
 * main should ignore SIGPIPE, so that a reader going away on `-w - | ssh ...` becomes -EPIPE
 * from the write callback instead of killing the tracer.
 */
#ifndef __PCG_RECIO_H
#define __PCG_RECIO_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct pcg_rec_reader;

#define PCG_RECIO_CHUNK (64u << 10) /* read size of pcg_recio_read_fd() */

/*
 * Creates a recording file, mode 0600 (before umask), and returns its fd (O_WRONLY|O_CLOEXEC).
 * "-" returns a close-on-exec duplicate of stdout.  An existing path is refused with -EEXIST
 * unless force is set; with force, a regular file is replaced (unlinked, then created anew
 * with O_EXCL, so the new file is ours, 0600, and shares nothing with the old inode or its
 * hard links), while a symlink is still refused (-ELOOP), and so is a directory (-EISDIR) or
 * any other file type (-EEXIST).  The final component is never followed (O_NOFOLLOW).
 */
int pcg_recio_open_write(const char *path, bool force);

/* pcg_rec_write_fn for a plain fd; ctx points to an int holding it.  Writes everything:
 * retries short writes and EINTR, waits out EAGAIN on a non-blocking fd.  Returns 0 or -errno
 * (-ENOSPC, -EPIPE, -EIO ...). */
int pcg_recio_write_fd(void *ctx, const void *buf, size_t len);

/* fsync (regular files only: a pipe or tty has nothing to sync) and close; the first error
 * of the two, or 0.  The fd is closed in every case. */
int pcg_recio_close(int fd);

/*
 * Rotation, with tcpdump's -C/-W meaning and file names:
 *  - file_size = 0 (no -C): one file, named exactly base ("-" allowed: stdout).
 *  - file_size > 0, nr_files = 0 (-C only): base, base1, base2, ... without end.
 *  - file_size > 0, nr_files = N (-C -W N): baseK for K = 0..N-1, K printed with as many
 *    digits as N-1 has (zero-padded), then back to base0, reusing the names; with N = 1
 *    the single name is base.  E.g. -W 3: rec0 rec1 rec2 rec0...; -W 12: rec00 .. rec11.
 * A new file is started when __due() says the current one is over file_size bytes (checked
 * by the caller after each append, so a file exceeds file_size by at most one block and its
 * trailer).  tcpdump's -C counts millions of bytes: file_size = C * 1000000.
 * The first use of each name follows pcg_recio_open_write()'s force rule; a name reused by
 * -W wrap-around in this run is replaced (it is our own earlier file).
 */
struct pcg_recio_rotator_opts {
	__u64 file_size; /* bytes; 0 = never rotate */
	__u32 nr_files;	 /* 0 = no limit */
	bool force;	 /* replace files that exist before this run */
};

struct pcg_recio_rotator;

/* Opens the first file.  NULL + errno: EINVAL (NULL/empty base, or "-" with file_size),
 * ENAMETOOLONG, ENOMEM, or pcg_recio_open_write()'s errors. */
struct pcg_recio_rotator *pcg_recio_rotator__new(const char *base,
						 const struct pcg_recio_rotator_opts *opts);
/* pcg_rec_write_fn on the current file; ctx is the rotator.  -EBADF when no file is open. */
int pcg_recio_rotator__write(void *ctx, const void *buf, size_t len);
/* True when the current file is larger than file_size (never without -C). */
bool pcg_recio_rotator__due(const struct pcg_recio_rotator *rot);
/* fsyncs and closes the current file and opens the next name (-EINVAL without file_size).
 * On error no file is open. */
int pcg_recio_rotator__next(struct pcg_recio_rotator *rot);
/* Path of the current (or last) file; valid until the next call on rot. */
const char *pcg_recio_rotator__path(const struct pcg_recio_rotator *rot);
/* Bytes written to the current file. */
__u64 pcg_recio_rotator__bytes(const struct pcg_recio_rotator *rot);
/* fsyncs and closes the current file (0 if none is open). */
int pcg_recio_rotator__close(struct pcg_recio_rotator *rot);
/* Closes (errors lost: call __close() first to see them) and frees. */
void pcg_recio_rotator__free(struct pcg_recio_rotator *rot);

/*
 * Reads a whole recording into r in PCG_RECIO_CHUNK reads, then calls pcg_rec_reader__finish().
 * "-" reads stdin (not closed).  Stops early when the reader gives up (garbage, see record.h)
 * or fails.  Returns what __finish() returns (0 once a valid header was read, whatever the
 * damage), the reader's fatal error, -EISDIR for a directory, or the open/read error (the
 * reader is finished first, so the damage up to that point is reported).
 */
int pcg_recio_read_all(const char *path_or_dash, struct pcg_rec_reader *r);
/* The same on an open fd (not closed). */
int pcg_recio_read_fd(int fd, struct pcg_rec_reader *r);

#endif /* __PCG_RECIO_H */
