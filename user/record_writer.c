/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* record_writer.c - pure recording writer: header TLVs (with the start-up snapshot), then
 * CRC-framed zlib blocks of raw events, then the end-of-file trailer. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <linux/types.h>

#include "pcg_abi.h"
#include "record.h"
#include "record_wire.h"

/* ------------------------------------------------------------------------------------------ */
/* Writer                                                                                      */

struct pcg_rec_writer {
	pcg_rec_write_fn fn;
	void *ctx;
	size_t block_size;
	z_stream zs;
	bool zs_ready;
	unsigned char *raw; /* events of the block being filled */
	size_t raw_len, raw_cap;
	__u32 nr;
	unsigned char *out; /* block header + payload being written */
	size_t out_cap;
	__u32 seq;
	struct pcg_rec_trailer tot;
	size_t bytes;
	int err;
	bool finished;
};

static int wr_out(struct pcg_rec_writer *w, const void *buf, size_t len)
{
	int ret;

	if (w->err)
		return w->err;
	ret = w->fn(w->ctx, buf, len);
	if (ret < 0) {
		w->err = ret;
		return ret;
	}
	w->bytes += len;
	return 0;
}

/* Deflates src into dst; returns the compressed size, or 0 if that would not be smaller than
 * len (the caller then stores the bytes as they are). */
static size_t wr_deflate(struct pcg_rec_writer *w, const void *src, size_t len, unsigned char *dst)
{
	if (len < 2 || deflateReset(&w->zs) != Z_OK)
		return 0;
	w->zs.next_in = (Bytef *)src;
	w->zs.avail_in = len;
	w->zs.next_out = dst;
	w->zs.avail_out = len - 1;
	if (deflate(&w->zs, Z_FINISH) != Z_STREAM_END)
		return 0;
	return w->zs.total_out;
}

static int wr_emit(struct pcg_rec_writer *w, __u16 type, const unsigned char *raw, size_t raw_len,
		   __u32 nr, bool may_deflate)
{
	unsigned char *h = w->out, *payload = w->out + BLOCK_HDR_LEN;
	size_t comp = may_deflate ? wr_deflate(w, raw, raw_len, payload) : 0;
	__u16 flags = 0;
	int err;

	if (!comp) {
		memcpy(payload, raw, raw_len);
		comp = raw_len;
		flags |= BF_STORED;
	}
	memcpy(h, pcg_rec_block_magic, sizeof(pcg_rec_block_magic));
	put_le16(h + 4, type);
	put_le16(h + 6, flags);
	put_le32(h + 8, w->seq);
	put_le32(h + 12, nr);
	put_le32(h + 16, raw_len);
	put_le32(h + 20, comp);
	put_le32(h + 24, crc(0, payload, comp));
	put_le32(h + 28, crc(0, h, 28));
	err = wr_out(w, w->out, BLOCK_HDR_LEN + comp);
	if (!err)
		w->seq++;
	return err;
}

static int wr_close_block(struct pcg_rec_writer *w)
{
	int err;

	if (!w->raw_len)
		return w->err;
	err = wr_emit(w, BT_EVENTS, w->raw, w->raw_len, w->nr, true);
	w->raw_len = 0;
	w->nr = 0;
	if (!err)
		w->tot.blocks++;
	return err;
}

static bool str_ok(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int hdr_check(const struct pcg_rec_header *h)
{
	__u32 nr;

	if (!str_ok(h->tool_version, sizeof(h->tool_version)) ||
	    !str_ok(h->hostname, sizeof(h->hostname)) ||
	    !str_ok(h->kernel_release, sizeof(h->kernel_release)) ||
	    !str_ok(h->boot_id, sizeof(h->boot_id)) || !str_ok(h->node, sizeof(h->node)) ||
	    h->nr_hier > PCG_REC_MAX_HIER)
		return -EINVAL;
	for (__u32 i = 0; i < h->nr_hier; i++)
		if (!str_ok(h->hier[i].controllers, sizeof(h->hier[i].controllers)))
			return -EINVAL;
	if (h->snapshot_len > PCG_REC_SNAPSHOT_MAX)
		return -E2BIG;
	if (h->snapshot_len && !h->snapshot)
		return -EINVAL;
	if (h->snapshot_len &&
	    pcg_rec_events_valid_prefix(h->snapshot, h->snapshot_len, &nr) != h->snapshot_len)
		return -EINVAL;
	return 0;
}

static unsigned char *put_tlv(unsigned char *p, __u16 type, const void *val, size_t len)
{
	put_le16(p, type);
	put_le16(p + 2, 0);
	put_le32(p + 4, len);
	if (len)
		memcpy(p + TLV_HDR_LEN, val, len);
	memset(p + TLV_HDR_LEN + len, 0, ALIGN8(len) - len);
	return p + TLV_HDR_LEN + ALIGN8(len);
}

static unsigned char *put_tlv_u32(unsigned char *p, __u16 type, __u32 v)
{
	unsigned char b[4];

	put_le32(b, v);
	return put_tlv(p, type, b, sizeof(b));
}

static unsigned char *put_tlv_u64(unsigned char *p, __u16 type, __u64 v)
{
	unsigned char b[8];

	put_le64(b, v);
	return put_tlv(p, type, b, sizeof(b));
}

static unsigned char *put_tlv_str(unsigned char *p, __u16 type, const char *s)
{
	return put_tlv(p, type, s, strlen(s));
}

static int wr_header(struct pcg_rec_writer *w, const struct pcg_rec_header *h)
{
	/* fixed-size TLVs and strings: 8 scalars + 4 strings + nr_hier hierarchies */
	size_t fixed = 8 * (TLV_HDR_LEN + 8) + 4 * TLV_HDR_LEN + ALIGN8(strlen(h->tool_version)) +
		       ALIGN8(strlen(h->hostname)) + ALIGN8(strlen(h->kernel_release)) +
		       ALIGN8(strlen(h->boot_id));
	size_t snap_comp = 0, len, i;
	unsigned char *buf, *p, *snap_data;
	__u32 snap_flags = 0;
	int err;

	if (h->node[0])
		fixed += TLV_HDR_LEN + ALIGN8(strlen(h->node));
	for (i = 0; i < h->nr_hier; i++)
		fixed += TLV_HDR_LEN + ALIGN8(4 + strlen(h->hier[i].controllers));
	len = FILE_PREFIX_LEN + fixed + TLV_HDR_LEN + ALIGN8(8 + h->snapshot_len);
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;

	p = buf + FILE_PREFIX_LEN;
	p = put_tlv_u32(p, T_ABI_VERSION, h->abi_version);
	p = put_tlv_str(p, T_TOOL_VERSION, h->tool_version);
	p = put_tlv_str(p, T_HOSTNAME, h->hostname);
	p = put_tlv_str(p, T_KERNEL_RELEASE, h->kernel_release);
	p = put_tlv_str(p, T_BOOT_ID, h->boot_id);
	p = put_tlv_u64(p, T_BOOT_TO_REALTIME, (__u64)h->boot_to_realtime_ns);
	p = put_tlv_u32(p, T_CGROUP_MODE, h->cgroup_mode);
	p = put_tlv_u32(p, T_KEY_V1_HIER, h->key_v1_hier);
	p = put_tlv_u64(p, T_TRACED_HIER_MASK, h->traced_hier_mask);
	p = put_tlv_u64(p, T_NSFS_DEV, h->nsfs_dev);
	p = put_tlv_u32(p, T_FLAGS, h->flags);
	if (h->node[0])
		p = put_tlv_str(p, T_NODE, h->node);
	for (i = 0; i < h->nr_hier; i++) {
		unsigned char hb[4 + sizeof(h->hier[i].controllers)];
		size_t n = strlen(h->hier[i].controllers);

		put_le32(hb, h->hier[i].id);
		memcpy(hb + 4, h->hier[i].controllers, n);
		p = put_tlv(p, T_HIER, hb, 4 + n);
	}
	if (h->snapshot_len) {
		/* value: raw_len, flags, then the data; deflate it in place when that helps */
		snap_data = p + TLV_HDR_LEN + 8;
		snap_comp = wr_deflate(w, h->snapshot, h->snapshot_len, snap_data);
		if (snap_comp) {
			snap_flags |= SNAP_F_DEFLATE;
		} else {
			memcpy(snap_data, h->snapshot, h->snapshot_len);
			snap_comp = h->snapshot_len;
		}
		put_le16(p, T_SNAPSHOT);
		put_le16(p + 2, 0);
		put_le32(p + 4, 8 + snap_comp);
		put_le32(p + TLV_HDR_LEN, h->snapshot_len);
		put_le32(p + TLV_HDR_LEN + 4, snap_flags);
		memset(snap_data + snap_comp, 0, ALIGN8(8 + snap_comp) - (8 + snap_comp));
		p += TLV_HDR_LEN + ALIGN8(8 + snap_comp);
	}
	len = p - buf;

	memcpy(buf, pcg_rec_file_magic, sizeof(pcg_rec_file_magic));
	put_le16(buf + 8, PCG_REC_MAJOR);
	put_le16(buf + 10, PCG_REC_MINOR);
	put_le32(buf + 12, len - FILE_PREFIX_LEN);
	put_le32(buf + 16, 0);
	put_le32(buf + 20, crc(crc(0, buf + 8, 12), buf + FILE_PREFIX_LEN, len - FILE_PREFIX_LEN));
	err = wr_out(w, buf, len);
	free(buf);
	return err;
}

struct pcg_rec_writer *pcg_rec_writer__new(const struct pcg_rec_header *h, pcg_rec_write_fn fn,
					   void *ctx, const struct pcg_rec_writer_opts *opts)
{
	struct pcg_rec_writer *w;
	size_t block_size = PCG_REC_DEFAULT_BLOCK_SIZE;
	int level = PCG_REC_DEFAULT_LEVEL;
	int err;

	if (opts && opts->block_size)
		block_size = opts->block_size;
	if (opts && opts->level)
		level = opts->level;
	if (!h || !fn || block_size > PCG_REC_BLOCK_RAW_MAX || level < 1 || level > 9) {
		errno = EINVAL;
		return NULL;
	}
	err = hdr_check(h);
	if (err) {
		errno = -err;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	w->fn = fn;
	w->ctx = ctx;
	w->block_size = block_size;
	w->raw_cap = MAX(block_size, (size_t)EV_MAX_LEN);
	w->out_cap = BLOCK_HDR_LEN + MAX(w->raw_cap, (size_t)TRAILER_LEN);
	w->raw = malloc(w->raw_cap);
	w->out = malloc(w->out_cap);
	err = -ENOMEM;
	if (!w->raw || !w->out)
		goto err;
	if (deflateInit(&w->zs, level) != Z_OK)
		goto err;
	w->zs_ready = true;
	err = wr_header(w, h);
	if (err)
		goto err;
	return w;
err:
	w->finished = true; /* nothing more to write */
	pcg_rec_writer__free(w);
	errno = -err;
	return NULL;
}

int pcg_rec_writer__append(struct pcg_rec_writer *w, const void *ev, size_t len)
{
	const unsigned char *e = ev;
	__u64 ts;
	int err;

	if (!w || !ev || w->finished)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (len < EV_HDR_LEN || len > EV_MAX_LEN || get_le16(e + 2) != len)
		return -EINVAL;
	if (w->raw_len && w->raw_len + len > w->block_size) {
		err = wr_close_block(w);
		if (err)
			return err;
	}
	memcpy(w->raw + w->raw_len, ev, len);
	w->raw_len += len;
	w->nr++;

	ts = get_le64(e + 8);
	if (!w->tot.events)
		w->tot.first_ts = ts;
	w->tot.last_ts = ts;
	w->tot.events++;
	w->tot.raw_bytes += len;
	if (get_le16(e) == PCG_EV_LOST && len >= sizeof(struct pcg_ev_lost))
		for (int i = 0; i < PCG_LOST_SLOTS; i++)
			w->tot.lost += get_le64(e + EV_HDR_LEN + 8 * i);

	if (w->raw_len >= w->block_size)
		return wr_close_block(w);
	return 0;
}

int pcg_rec_writer__flush(struct pcg_rec_writer *w)
{
	if (!w || w->finished)
		return -EINVAL;
	return wr_close_block(w);
}

int pcg_rec_writer__finish(struct pcg_rec_writer *w)
{
	unsigned char t[TRAILER_LEN];

	if (!w || w->finished)
		return -EINVAL;
	wr_close_block(w);
	w->finished = true;
	put_le64(t, w->tot.blocks);
	put_le64(t + 8, w->tot.events);
	put_le64(t + 16, w->tot.raw_bytes);
	put_le64(t + 24, w->tot.lost);
	put_le64(t + 32, w->tot.first_ts);
	put_le64(t + 40, w->tot.last_ts);
	if (!w->err)
		wr_emit(w, BT_TRAILER, t, sizeof(t), 0, false);
	return w->err;
}

size_t pcg_rec_writer__bytes(const struct pcg_rec_writer *w)
{
	return w ? w->bytes : 0;
}

void pcg_rec_writer__free(struct pcg_rec_writer *w)
{
	if (!w)
		return;
	if (!w->finished)
		pcg_rec_writer__finish(w);
	if (w->zs_ready)
		deflateEnd(&w->zs);
	free(w->raw);
	free(w->out);
	free(w);
}
