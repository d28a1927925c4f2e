# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""pcgt.py - a recording (docs/record-format.md) writer and reader in Python, written from the
spec alone, and builders for the raw records of bpf/pcg_abi.h.  Used by the crafted-corpus
generator (gen_corpus.py) and by tests that need to look inside a recording."""
import struct
import zlib

MAGIC = b"\x89PCG\r\n\x1a\n"
BLOCK_MAGIC = b"\xd3PCB"
PATH_MAX = 1024
F_TRUNC = 1

EV = dict(CGROUP_MKDIR=1, CGROUP_RMDIR=2, CGROUP_ATTACH=3, FORK=4, EXEC=5, EXIT=6,
          EXISTING_CGROUP=7, EXISTING_TASK=8, SCAN_DONE=9, LOST=10, TICK=11, HINT=12)


def tlv(t, value, flags=0):
    pad = (-len(value)) % 8
    return struct.pack("<HHI", t, flags, len(value)) + value + b"\0" * pad


def header(snapshot=b"", hostname=b"crafted", boot_to_realtime=1_700_000_000 * 10**9,
           cgroup_mode=2, key_v1_hier=0, traced_mask=1, flags=0, extra=b"", deflate_snap=True):
    t = tlv(1, struct.pack("<I", 1)) + tlv(2, b"0.0.0") + tlv(3, hostname)
    t += tlv(4, b"6.0.0") + tlv(5, b"00000000-0000-0000-0000-000000000000")
    t += tlv(6, struct.pack("<q", boot_to_realtime)) + tlv(7, struct.pack("<I", cgroup_mode))
    t += tlv(8, struct.pack("<I", key_v1_hier)) + tlv(9, struct.pack("<Q", traced_mask))
    t += tlv(10, struct.pack("<Q", 4)) + tlv(11, struct.pack("<I", flags))
    t += tlv(12, struct.pack("<I", 0))
    if snapshot:
        if deflate_snap:
            t += tlv(13, struct.pack("<II", len(snapshot), 1) + zlib.compress(snapshot, 1))
        else:
            t += tlv(13, struct.pack("<II", len(snapshot), 0) + snapshot)
    t += extra
    pre = struct.pack("<HHII", 1, 0, len(t), 0)
    crc = zlib.crc32(t, zlib.crc32(pre))
    return MAGIC + pre + struct.pack("<I", crc) + t


def block(seq, payload_raw, nr_events, btype=1, stored=False, comp=None, level=6):
    """One block.  comp: precomputed deflated payload (reused for bombs)."""
    if stored:
        data, flags = payload_raw, 1
    else:
        data = comp if comp is not None else zlib.compress(payload_raw, level)
        flags = 0
        if len(data) >= len(payload_raw):
            data, flags = payload_raw, 1
    h = struct.pack("<4sHHIIIII", BLOCK_MAGIC, btype, flags, seq, nr_events, len(payload_raw),
                    len(data), zlib.crc32(data))
    return h + struct.pack("<I", zlib.crc32(h)) + data


def block_raw(seq, btype, flags, nr, raw_len, data):
    h = struct.pack("<4sHHIIIII", BLOCK_MAGIC, btype, flags, seq, nr, raw_len, len(data),
                    zlib.crc32(data))
    return h + struct.pack("<I", zlib.crc32(h)) + data


def trailer(seq, blocks, events, raw_bytes, lost=0, first_ts=0, last_ts=0):
    p = struct.pack("<QQQQQQ", blocks, events, raw_bytes, lost, first_ts, last_ts)
    return block(seq, p, 0, btype=2, stored=True)


def hdr(t, size, ts, flags=0, cpu=0):
    return struct.pack("<HHHHQ", t, size, flags, cpu, ts)


def task(tgid, start_ns=1, cg_dfl=0, cg_v1=0, comm=b"sh", nspid=1, ppid=1, uid=0, ns=None,
         pid=None):
    ns = ns or [4026531840 + i for i in range(8)]
    return struct.pack("<IIIIIIQQQ8I16s", pid or tgid, tgid, ppid, nspid, uid, 0, start_ns,
                       cg_dfl, cg_v1, *ns, comm[:16])


def ev_cgroup(t, ts, cgid, path, hier=0, level=None, writer=1, flags=0, nul=True):
    tail = path + (b"\0" if nul else b"")
    if level is None:
        level = len([c for c in path.split(b"/") if c])
    fixed = struct.pack("<QIIHHI", cgid, hier, level, len(path) & 0xffff, 0, writer)
    size = 16 + len(fixed) + len(tail)
    return hdr(t, size & 0xffff, ts, flags) + fixed + tail


def ev_task(t, ts, tk):
    return hdr(t, 16 + len(tk), ts) + tk


def ev_exec(ts, tk, filename, flags=0, old_pid=0):
    tail = filename + b"\0"
    fixed = tk + struct.pack("<IHH", old_pid, len(filename) & 0xffff, 0)
    return hdr(EV["EXEC"], (16 + len(fixed) + len(tail)) & 0xffff, ts, flags) + fixed + tail


def ev_exit(ts, tk, status=0):
    fixed = tk + struct.pack("<II", status, 0)
    return hdr(EV["EXIT"], 16 + len(fixed), ts) + fixed


def ev_attach(ts, tk, cgid, path, hier=0, level=None, writer=1, tg=1, flags=0):
    tail = path + b"\0"
    if level is None:
        level = len([c for c in path.split(b"/") if c])
    fixed = tk + struct.pack("<QIIIHH", cgid, hier, level, writer, tg, len(path) & 0xffff)
    return hdr(EV["CGROUP_ATTACH"], (16 + len(fixed) + len(tail)) & 0xffff, ts, flags) + \
        fixed + tail


def ev_lost(ts, counts):
    c = list(counts) + [0] * (13 - len(counts))
    return hdr(EV["LOST"], 16 + 8 * 13, ts) + struct.pack("<13Q", *c)


def ev_hint(ts, runtime, cid):
    return hdr(EV["HINT"], 88, ts) + struct.pack("<II64s", runtime, 0, cid)


def ev_plain(t, ts):
    return hdr(t, 16, ts)


def recording(events_per_block, snapshot=b"", trailer_ok=True, **kw):
    """A whole recording: header, one block per list of events, trailer."""
    out = [header(snapshot, **kw)]
    nev = nbytes = 0
    first = last = 0
    for seq, evs in enumerate(events_per_block):
        raw = b"".join(evs)
        out.append(block(seq, raw, len(evs)))
        nev += len(evs)
        nbytes += len(raw)
    if trailer_ok:
        out.append(trailer(len(events_per_block), len(events_per_block), nev, nbytes, 0,
                           first, last))
    return b"".join(out)


def read(data):
    """Yields ('header', tlvs), ('event', bytes) for every record (snapshot first), in order;
    no resync: for looking inside good files only."""
    assert data[:8] == MAGIC
    major, minor, hdr_len, _, crc = struct.unpack_from("<HHIII", data, 8)
    off = 24
    tlvs = []
    snap = b""
    while off < 24 + hdr_len:
        t, fl, n = struct.unpack_from("<HHI", data, off)
        v = data[off + 8:off + 8 + n]
        tlvs.append((t, v))
        if t == 13:
            raw_len, sf = struct.unpack_from("<II", v)
            snap = zlib.decompress(v[8:]) if sf & 1 else v[8:]
        off += 8 + (n + 7) // 8 * 8
    yield ("header", tlvs)
    for e in split_events(snap):
        yield ("snapshot", e)
    while off + 32 <= len(data):
        m, t, fl, seq, nr, raw, comp, pcrc, hcrc = struct.unpack_from("<4sHHIIIIII", data, off)
        if m != BLOCK_MAGIC:
            break
        p = data[off + 32:off + 32 + comp]
        if t == 1:
            raw_bytes = p if fl & 1 else zlib.decompress(p)
            for e in split_events(raw_bytes):
                yield ("event", e)
        off += 32 + comp


def split_events(raw):
    off = 0
    while off + 16 <= len(raw):
        t, size = struct.unpack_from("<HH", raw, off)
        if size < 16:
            break
        yield raw[off:off + size]
        off += size


def describe(e):
    t, size, flags, cpu, ts = struct.unpack_from("<HHHHQ", e)
    d = {"type": t, "size": size, "flags": flags, "ts": ts}
    if t in (1, 2, 7):
        cgid, hier, level, plen, _, writer = struct.unpack_from("<QIIHHI", e, 16)
        d.update(cgid=cgid, hier=hier, level=level, path_len=plen, path=e[40:].split(b"\0")[0])
    if t == 5:
        d.update(filename=e[120:].split(b"\0")[0])
    return d
