/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* record_wire.h - the recording's wire format, shared by the writer (record_writer.c) and the
 * reader (record_reader.c): magics, block and TLV layouts, little-endian accessors, the CRC,
 * and the one walk over concatenated raw events.  Internal to the codec: users include record.h.
 */
#ifndef __PCG_RECORD_WIRE_H
#define __PCG_RECORD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <zlib.h>
#include <linux/types.h>

#include "pcg_abi.h"

_Static_assert(sizeof(struct pcg_ev_hdr) == 16, "pcg_ev_hdr is 16 bytes in the file format");
_Static_assert(sizeof(struct pcg_ev_lost) == 16 + 8 * PCG_LOST_SLOTS, "pcg_ev_lost layout");

/*
 * On-disk layout (docs/record-format.md has the full text).  All integers little-endian.
 *
 * File header prefix, 24 bytes:
 *   0 magic[8]  8 major u16  10 minor u16  12 hdr_len u32  16 reserved u32  20 hdr_crc u32
 * then hdr_len bytes of TLVs; hdr_crc = crc32 over bytes 8..19 followed by the TLV area.
 * TLV: type u16, flags u16, len u32, value[len], zero padding to a multiple of 8.
 *
 * Block header, 32 bytes, followed by comp_len payload bytes:
 *   0 magic[4]  4 type u16  6 flags u16  8 seq u32  12 nr_events u32  16 raw_len u32
 *   20 comp_len u32  24 payload_crc u32  28 hdr_crc u32 (crc32 of bytes 0..27)
 */
static const unsigned char pcg_rec_file_magic[8] = { 0x89, 'P', 'C', 'G', '\r', '\n', 0x1a, '\n' };
static const unsigned char pcg_rec_block_magic[4] = { 0xd3, 'P', 'C', 'B' };

#define FILE_PREFIX_LEN 24
#define BLOCK_HDR_LEN	32
#define TLV_HDR_LEN	8
#define TRAILER_LEN	48 /* six u64: the fields of struct pcg_rec_trailer */
#define EV_HDR_LEN	((__u32)sizeof(struct pcg_ev_hdr))
#define EV_MAX_LEN	0xffffu /* pcg_ev_hdr.size is a __u16 */

enum { BT_EVENTS = 1, BT_TRAILER = 2 };
enum { BF_STORED = 1u << 0 };	   /* payload is the raw bytes, not deflated */
enum { TLV_F_CRITICAL = 1u << 0 }; /* a reader that does not know the type must refuse */
enum { SNAP_F_DEFLATE = 1u << 0 };

enum tlv_type {
	T_ABI_VERSION = 1,	/* u32 */
	T_TOOL_VERSION = 2,	/* string */
	T_HOSTNAME = 3,		/* string */
	T_KERNEL_RELEASE = 4,	/* string */
	T_BOOT_ID = 5,		/* string */
	T_BOOT_TO_REALTIME = 6, /* s64, ns */
	T_CGROUP_MODE = 7,	/* u32 */
	T_KEY_V1_HIER = 8,	/* u32 */
	T_TRACED_HIER_MASK = 9, /* u64 */
	T_NSFS_DEV = 10,	/* u64 */
	T_FLAGS = 11,		/* u32 */
	T_HIER = 12,		/* u32 id + controllers string; once per hierarchy */
	T_SNAPSHOT = 13,	/* u32 raw_len, u32 flags, data (zlib stream if SNAP_F_DEFLATE) */
	T_NODE = 14,		/* string; only when set */
};

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static inline void put_le16(unsigned char *p, __u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void put_le32(unsigned char *p, __u32 v)
{
	put_le16(p, v);
	put_le16(p + 2, v >> 16);
}

static inline void put_le64(unsigned char *p, __u64 v)
{
	put_le32(p, v);
	put_le32(p + 4, v >> 32);
}

static inline __u16 get_le16(const unsigned char *p)
{
	return p[0] | (__u16)p[1] << 8;
}

static inline __u32 get_le32(const unsigned char *p)
{
	return get_le16(p) | (__u32)get_le16(p + 2) << 16;
}

static inline __u64 get_le64(const unsigned char *p)
{
	return get_le32(p) | (__u64)get_le32(p + 4) << 32;
}

/* zlib's crc32() takes a uInt length; every length passed here is capped far below 4 GiB. */
static inline __u32 crc(__u32 seed, const void *buf, size_t len)
{
	return crc32(seed, buf, len);
}

/* Length of the well-formed prefix of concatenated raw events, and their count. */
#define RD_SCRATCH_LEN (EV_MAX_LEN + 1) /* aligned copy of one event */

/*
 * The one walk over concatenated raw events (a block's payload, a start-up snapshot).  Each
 * event is checked: a whole header, hdr.size at least the header and within the buffer.
 * With @scratch set, an event that is not 8-byte aligned is copied to *scratch (allocated on
 * first need, RD_SCRATCH_LEN bytes, owned and freed by the caller) so the caller may read it
 * as a struct.
 */
struct pcg_rec_ev_iter {
	const unsigned char *p;
	size_t len, off;	 /* off: start of the next event */
	unsigned char **scratch; /* NULL: hand out events where they are */
	__u32 nr;		 /* events handed out so far */
	const char *bad;	 /* why the walk stopped before the end, NULL if it did not */
};

static inline void pcg_rec_ev_iter_init(struct pcg_rec_ev_iter *it, const void *buf, size_t len,
					unsigned char **scratch)
{
	*it = (struct pcg_rec_ev_iter){ .p = buf, .len = len, .scratch = scratch };
}

/* 1: *ret_ev and *ret_len hold the next event; 0: the clean end; -EBADMSG: a malformed event
 * at it->off (it->bad says why; the ones before it were handed out); -ENOMEM. */
int pcg_rec_ev_iter_next(struct pcg_rec_ev_iter *it, const void **ret_ev, size_t *ret_len);

/* Length of the well-formed prefix of concatenated raw events, and their count. */
size_t pcg_rec_events_valid_prefix(const void *buf, size_t len, __u32 *ret_nr);

#endif /* __PCG_RECORD_WIRE_H */
