/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* record.h - pure codec for recording files: a header, then CRC-framed zlib blocks of raw events.
 *
 * The byte layout is specified in docs/record-format.md; this header is the API.  Both sides
 * work on memory only: the writer hands finished bytes to a callback, the reader is pushed
 * bytes in chunks of any size (a file, a pipe, stdin) and calls back with what it decoded.
 * Neither does I/O, reads a clock or keeps global state (user/recio.c does the file side).
 *
 * Errors: int functions return >= 0 or -Exxx; constructors return NULL and set errno;
 * destructors accept NULL.  Memory: the writer holds about two blocks plus zlib's deflate
 * state; the reader never holds more than max_mem whatever the input claims (every length is
 * checked against the PCG_REC_*_MAX caps below and against max_mem before it is allocated).
 */
#ifndef __PCG_RECORD_H
#define __PCG_RECORD_H

#include <stddef.h>
#include <linux/types.h>

/* Format version written by this codec.  A reader accepts any minor of its major: newer
 * minors only add header TLVs, block types and trailer fields, which older readers skip. */
#define PCG_REC_MAJOR 1
#define PCG_REC_MINOR 0

#define PCG_REC_MAX_HIER	   16
#define PCG_REC_HDR_MAX		   (16u << 20) /* header TLV area, bytes */
#define PCG_REC_SNAPSHOT_MAX	   (32u << 20) /* start-up snapshot, bytes once inflated */
#define PCG_REC_BLOCK_RAW_MAX	   (16u << 20) /* raw (inflated) bytes in one block */
#define PCG_REC_TRAILER_MAX	   4096u       /* trailer payload, bytes */
#define PCG_REC_DEFAULT_BLOCK_SIZE (64u << 10)
#define PCG_REC_DEFAULT_LEVEL	   6
#define PCG_REC_DEFAULT_MAX_MEM	   (64u << 20)
#define PCG_REC_DEFAULT_MAX_SKIP   (64ull << 20) /* garbage in a row before the reader gives up */

/* pcg_rec_header.flags */
enum pcg_rec_flags {
	PCG_REC_F_ALL = 1u << 0, /* recorded with --all (not only Kubernetes containers) */
};

struct pcg_rec_hier {
	__u32 id;	      /* v1 hierarchy id; 0 = cgroup2 */
	char controllers[64]; /* "memory", "cpu,cpuacct", "name=systemd"; NUL-terminated */
};

/* What the writer puts in the file header and the reader hands back.  Strings are always
 * NUL-terminated (the reader cuts longer values to fit).  Fields the file does not carry
 * read as zero/empty. */
struct pcg_rec_header {
	__u16 major, minor; /* format version (the writer writes its own) */
	__u32 abi_version;  /* PCG_ABI_VERSION of the events inside */
	char tool_version[32];
	char hostname[256];
	char kernel_release[128];
	char boot_id[40];
	char node[256];		   /* --node, or "" (then the hostname names the node) */
	__s64 boot_to_realtime_ns; /* realtime = boottime + this */
	__u32 cgroup_mode;	   /* 1 = v1, 2 = v2 (unified only), 3 = hybrid */
	__u32 key_v1_hier;	   /* v1 hierarchy id used for membership, 0 if none */
	__u64 traced_hier_mask;	   /* bit N set = hierarchy id N traced */
	__u64 nsfs_dev;		   /* st_dev of /proc/self/ns/ */
	__u32 flags;		   /* enum pcg_rec_flags: options that change output */
	__u32 nr_hier;		   /* entries used in hier[] */
	struct pcg_rec_hier hier[PCG_REC_MAX_HIER];
	/* Raw events (concatenated pcg_ev_* records, each hdr.size long) of the start-up
	 * snapshot.  From the reader: validated like block events, the buffer start is 8-byte
	 * aligned (records inside need not be: see pcg_rec_foreach_event()), valid only during
	 * the header callback. */
	const void *snapshot;
	size_t snapshot_len;
};

/* Totals the writer puts in the end-of-file trailer (all counts exclude the snapshot). */
struct pcg_rec_trailer {
	__u64 blocks;	 /* event blocks written before the trailer */
	__u64 events;	 /* events written */
	__u64 raw_bytes; /* sum of the events' sizes */
	__u64 lost;	 /* sum of every count[] of the PCG_EV_LOST events written */
	__u64 first_ts;	 /* hdr.ts of the first event written, 0 if none */
	__u64 last_ts;	 /* hdr.ts of the last event written, 0 if none */
};

/*
 * Writer.
 *
 * pcg_rec_writer__new() checks the header (strings terminated, nr_hier <= PCG_REC_MAX_HIER,
 * a well-formed snapshot of at most PCG_REC_SNAPSHOT_MAX bytes) and writes it through fn at
 * once; it returns NULL with errno EINVAL, E2BIG, ENOMEM or the callback's error.
 * Events are buffered into the current block; a block is compressed, framed and written
 * (one fn call per block) when the next event would not fit in opts->block_size, on
 * __flush() and on __finish().  The first error (invalid event aside) is sticky: every later
 * call returns it and nothing more is written.
 */
typedef int (*pcg_rec_write_fn)(void *ctx, const void *buf, size_t len); /* 0 or -errno */

struct pcg_rec_writer_opts {
	size_t block_size; /* raw bytes per block before it is closed; 0 = 64 KiB, max 16 MiB */
	int level;	   /* zlib level 1..9; 0 = 6 */
};

struct pcg_rec_writer;

struct pcg_rec_writer *pcg_rec_writer__new(const struct pcg_rec_header *h, pcg_rec_write_fn fn,
					   void *ctx, const struct pcg_rec_writer_opts *opts);
/* One raw event: len >= sizeof(struct pcg_ev_hdr), hdr.size == len, else -EINVAL (and the
 * event is not written, the writer stays usable).  ev needs no alignment. */
int pcg_rec_writer__append(struct pcg_rec_writer *w, const void *ev, size_t len);
/* Closes the current block if it holds anything (call every second and at exit). */
int pcg_rec_writer__flush(struct pcg_rec_writer *w);
/* Flushes, then writes the end-of-file trailer: a clean close.  Afterwards only __bytes() and
 * __free() may be called (others return -EINVAL).  Returns 0 or the first write error. */
int pcg_rec_writer__finish(struct pcg_rec_writer *w);
/* Bytes handed to fn successfully so far (for -C rotation). */
size_t pcg_rec_writer__bytes(const struct pcg_rec_writer *w);
/* Finishes if that was not done (the error is lost: call __finish() to see it), then frees. */
void pcg_rec_writer__free(struct pcg_rec_writer *w);

/*
 * Reader.
 *
 * Push style: __feed() accepts any split of the input and calls back as soon as something is
 * complete; how the input is split never changes what comes out.  Callbacks may be NULL and
 * must not call into the same reader.  A callback's negative return stops the reader:
 * __feed() returns it, and so does __finish().
 *
 * header(): once, before any event.  event(): each event of each good block, in file order;
 * ev is validated (len >= sizeof(struct pcg_ev_hdr), hdr.size == len) and 8-byte aligned,
 * valid only during the call.  damage(): something was lost or is suspicious; offset is the
 * input byte offset where it starts, skipped the input bytes lost there (0 when the damage is
 * not a byte range, e.g. blocks missing by sequence number), what a one-line description,
 * valid only during the call (a malformed snapshot is reported just before header()).
 * trailer(): once, for the end-of-file trailer of a cleanly closed file (after which the
 * input should end).
 *
 * Damage is never fatal: a corrupt block is skipped by scanning for the next block magic, a
 * bad event drops the rest of its block, a cut tail is reported by __finish().  After
 * max_skip bytes of garbage in a row (default PCG_REC_DEFAULT_MAX_SKIP) the reader reports
 * it, gives up and __feed() returns 1: stop feeding and call __finish().
 *
 * Fatal (sticky) errors, from __feed() as soon as they are known and from __finish():
 * -ENOMSG the input does not start with the file magic; -EPROTONOSUPPORT a newer (or
 * unknown) major version, or a header TLV this version must but cannot understand;
 * -EBADMSG no valid header (corrupt, cut, or no input at all); -EFBIG the header needs more
 * than max_mem; -ENOMEM.
 */
struct pcg_rec_reader_cbs {
	int (*header)(void *ctx, const struct pcg_rec_header *h);
	int (*event)(void *ctx, const void *ev, size_t len);
	void (*damage)(void *ctx, __u64 offset, __u64 skipped, const char *what);
	int (*trailer)(void *ctx, const struct pcg_rec_trailer *t);
};

enum pcg_rec_stat_flags {
	PCG_REC_S_HEADER = 1u << 0,  /* a valid header was read */
	PCG_REC_S_TRAILER = 1u << 1, /* the end-of-file trailer was read: a clean close */
	PCG_REC_S_GAVE_UP = 1u << 2, /* too much garbage in a row: the rest was not read */
};

struct pcg_rec_stats {
	__u64 blocks;	     /* event blocks delivered whole */
	__u64 events;	     /* events delivered (the snapshot's not counted) */
	__u64 bad_blocks;    /* blocks lost: corrupt, undecodable, missing by sequence number */
	__u64 bytes_skipped; /* input bytes after the header that were not delivered */
	__u64 bytes_in;	     /* input bytes consumed */
	__u64 mem_peak;	     /* most memory the reader held at once, bytes */
	__u32 damage;	     /* damage() reports */
	__u32 flags;	     /* enum pcg_rec_stat_flags */
};

struct pcg_rec_reader;

/* max_mem: 0 = PCG_REC_DEFAULT_MAX_MEM, values below 1 MiB are raised to 1 MiB; zlib's
 * inflate state (about 44 KiB) comes on top.  A block bigger than the limit allows is skipped
 * and reported; a header bigger than it is -EFBIG.  NULL + errno (ENOMEM). */
struct pcg_rec_reader *pcg_rec_reader__new(const struct pcg_rec_reader_cbs *cbs, void *ctx,
					   size_t max_mem);
/* 0 = feed more, 1 = the reader gave up (see above), or a fatal/callback error. */
int pcg_rec_reader__feed(struct pcg_rec_reader *r, const void *buf, size_t len);
/* End of input: reports a cut tail (a partial block, or a missing trailer) through damage().
 * Returns 0 once a valid header was read (whatever the damage: see the stats), else the
 * fatal error above.  Later __feed() calls return -EINVAL. */
int pcg_rec_reader__finish(struct pcg_rec_reader *r);
void pcg_rec_reader__stats(const struct pcg_rec_reader *r, struct pcg_rec_stats *ret);
/* Garbage bytes in a row before giving up; 0 = never give up. */
void pcg_rec_reader__set_max_skip(struct pcg_rec_reader *r, __u64 max_skip);
/* Events longer than @max_event bytes (the largest record of the ABI the caller reads) are
 * damage: the rest of their block is dropped and reported, and a deflated block is not
 * inflated past such an event or a record shorter than its header (a crafted block of 16 MiB
 * costs one step of inflation, not 16 MiB).  0 = no limit (the default). */
void pcg_rec_reader__set_max_event(struct pcg_rec_reader *r, size_t max_event);
void pcg_rec_reader__free(struct pcg_rec_reader *r);

/* Walks concatenated raw events (a snapshot) and calls fn with each, 8-byte aligned and
 * validated as for the reader's event().  Returns 0, fn's negative return, -EBADMSG at a
 * malformed record (the ones before it were delivered) or -ENOMEM. */
int pcg_rec_foreach_event(const void *buf, size_t len,
			  int (*fn)(void *ctx, const void *ev, size_t len), void *ctx);

#endif /* __PCG_RECORD_H */
