#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""gen_corpus.py OUTDIR - writes the crafted recordings of issue 11 (written from
docs/record-format.md and bpf/pcg_abi.h, not from the C codec), one file per case, and
OUTDIR/cases.txt: "NAME EXPECTED_EXIT" lines.  Generated at test time, never committed."""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcgt  # noqa: E402

E = pcgt.EV
UID = b"7e44ee88-1e65-4a16-8cdf-9a90c819180e"
UIDU = UID.replace(b"-", b"_")
CID = b"a" * 64
POD = b"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UIDU + b".slice"
CTR = POD + b"/cri-containerd-" + CID + b".scope"
U64 = 2**64 - 1
cases = []


def out(name, data, exit_code=0):
    with open(os.path.join(OUT, name + ".pcgt"), "wb") as f:
        f.write(data)
    cases.append((name, exit_code))


def chunks(evs, per):
    return [evs[i:i + per] for i in range(0, len(evs), per)]


def container_life(ts0=1000, cgid=500, pid=4000):
    t = pcgt.task(pid, start_ns=ts0, cg_dfl=cgid, comm=b"sleep")
    return [
        pcgt.ev_cgroup(E["CGROUP_MKDIR"], ts0, cgid - 1, POD),
        pcgt.ev_cgroup(E["CGROUP_MKDIR"], ts0 + 1, cgid, CTR),
        pcgt.ev_exec(ts0 + 2, t, b"/bin/sleep"),
        pcgt.ev_exit(ts0 + 3, t),
        pcgt.ev_cgroup(E["CGROUP_RMDIR"], ts0 + 4, cgid, CTR),
        pcgt.ev_cgroup(E["CGROUP_RMDIR"], ts0 + 5, cgid - 1, POD),
    ]


def extremes():
    """Every field of every record type at its extremes."""
    evs = []
    allbytes = bytes(range(1, 256)) * 5
    longpath = (b"/kubepods/besteffort/pod" + UID + b"/" + CID + b"/" + allbytes)[:1023]
    for ts in (0, 1, U64, 2**63, 2**63 - 1):
        for hier in (0, 1, 63, 64, 2**32 - 1):
            for level in (0, 2**32 - 1):
                evs.append(pcgt.ev_cgroup(E["CGROUP_MKDIR"], ts, U64, longpath, hier=hier,
                                          level=level, writer=2**32 - 1, flags=0xffff))
                evs.append(pcgt.ev_cgroup(E["EXISTING_CGROUP"], ts, 0, b"", hier=hier,
                                          level=level))
    big = pcgt.task(2**32 - 1, start_ns=U64, cg_dfl=U64, cg_v1=U64, comm=b"\xff" * 16,
                    nspid=2**32 - 1, ppid=2**32 - 1, uid=2**32 - 1, ns=[2**32 - 1] * 8,
                    pid=2**32 - 1)
    zero = pcgt.task(0, start_ns=0, comm=b"")
    for tk in (big, zero):
        for ts in (0, U64):
            evs.append(pcgt.ev_task(E["FORK"], ts, tk))
            evs.append(pcgt.ev_task(E["EXISTING_TASK"], ts, tk))
            evs.append(pcgt.ev_exec(ts, tk, allbytes[:1023], flags=0xffff, old_pid=2**32 - 1))
            evs.append(pcgt.ev_exec(ts, tk, b""))
            evs.append(pcgt.ev_exit(ts, tk, status=2**32 - 1))
            evs.append(pcgt.ev_attach(ts, tk, U64, longpath, hier=2**32 - 1,
                                      level=2**32 - 1, writer=2**32 - 1, tg=0xffff))
    for ts in (0, U64):
        evs.append(pcgt.ev_lost(ts, [U64] * 13))
        evs.append(pcgt.ev_lost(ts, [0] * 13))
        evs.append(pcgt.ev_hint(ts, 2**32 - 1, b"\xff" * 64))
        evs.append(pcgt.ev_hint(ts, 1, CID))
        for t in (E["SCAN_DONE"], E["TICK"], 0, 13, 0xffff):
            evs.append(pcgt.ev_plain(t, ts))
    evs += container_life()
    for btr in (-2**63, 2**63 - 1, 0):
        out("extremes_btr%d" % (0 if btr == 0 else (1 if btr > 0 else -1)),
            pcgt.recording(chunks(evs, 50), boot_to_realtime=btr, traced_mask=U64,
                           key_v1_hier=2**32 - 1, flags=2**32 - 1))


def blocks_shuffled():
    evs = container_life()
    raws = [b"".join(c) for c in chunks(evs, 2)]
    blocks = [pcgt.block(i, r, 2) for i, r in enumerate(raws)]
    hdr = pcgt.header()
    # duplicated, reordered, a sequence gap, a block from the past, a zero-length block
    zero_len = pcgt.block_raw(3, 1, 1, 0, 0, b"")
    dup = [blocks[0], blocks[0], blocks[2], blocks[1], zero_len, blocks[1], blocks[2]]
    out("blocks_dup_reorder_zero", hdr + b"".join(dup) + pcgt.trailer(9, 3, 6, 0))
    # a whole file of zero-length blocks and of empty trailers
    out("blocks_all_zero_length", hdr + zero_len * 10000)
    out("blocks_many_trailers", hdr + pcgt.trailer(0, 0, 0, 0) * 5000)


def bombs():
    """300 blocks each inflating to 16 MiB of zeros (the format's maximum raw_len)."""
    raw_len = 16 << 20
    comp = zlib.compress(b"\0" * raw_len, 9)
    hdr = pcgt.header()
    parts = [hdr]
    for seq in range(300):
        parts.append(pcgt.block(seq, b"\0" * 0, 1, comp=comp)
                     if False else _bomb_block(seq, raw_len, comp))
    out("bomb_300x16MiB_zeros", b"".join(parts))
    # 0xff: records of 65,535 bytes, well-formed for the codec but larger than any event
    comp_ff = zlib.compress(b"\xff" * raw_len, 9)
    out("bomb_300x16MiB_0xff", hdr + b"".join(_bomb_block(s, raw_len, comp_ff) for s in range(300)))
    # valid records first, then zeros: the good prefix is kept
    good = b"".join(container_life())
    comp2 = zlib.compress(good + b"\0" * (raw_len - len(good)), 9)
    out("bomb_prefix_then_zeros",
        hdr + b"".join(_bomb_block(s, raw_len, comp2, nr=6) for s in range(50)))


def _bomb_block(seq, raw_len, comp, nr=1):
    return pcgt.block_raw(seq, 1, 0, nr, raw_len, comp)


def long_strings():
    """65 KB strings: the kernel side never sends more than 1024 bytes."""
    evs = [pcgt.ev_cgroup(E["CGROUP_MKDIR"], 1, 1, POD), pcgt.ev_cgroup(E["CGROUP_MKDIR"], 2, 2, CTR)]
    tail = b"/" + b"x" * (65000 - len(CTR))
    raws = []
    for i in range(65536):
        p = CTR + b"/%08d" % i + tail
        raws.append(pcgt.ev_cgroup(E["CGROUP_MKDIR"], 10 + i, 1000 + i, p[:65400]))
    out("subcgroups_65536_x_65KB", pcgt.recording([evs] + chunks(raws, 200)))
    t = pcgt.task(4000, cg_dfl=2, comm=b"x")
    execs = [pcgt.ev_exec(100 + i, t, b"/" + b"y" * 65000) for i in range(2000)]
    out("exec_65KB_filenames", pcgt.recording([evs] + chunks(execs, 100)))


def many_subcgroups():
    """65,536 sub-cgroups with the longest paths the kernel sends, never removed."""
    evs = [pcgt.ev_cgroup(E["CGROUP_MKDIR"], 1, 1, POD), pcgt.ev_cgroup(E["CGROUP_MKDIR"], 2, 2, CTR)]
    raws = []
    for i in range(65536):
        p = (CTR + b"/%08d/" % i + b"z" * 1100)[:1023]
        raws.append(pcgt.ev_cgroup(E["CGROUP_MKDIR"], 10 + i, 1000 + i, p, flags=pcgt.F_TRUNC))
    out("subcgroups_65536_x_1023", pcgt.recording([evs] + chunks(raws, 60)))
    # 65,536 pods with a container each
    raws = []
    for i in range(65536):
        uid = b"%08x-0000-4000-8000-%012x" % (i, i)
        pod = b"/kubepods/besteffort/pod" + uid
        raws.append(pcgt.ev_cgroup(E["CGROUP_MKDIR"], 10 + 2 * i, 100000 + 2 * i, pod))
        raws.append(pcgt.ev_cgroup(E["CGROUP_MKDIR"], 11 + 2 * i, 100001 + 2 * i,
                                   pod + b"/" + b"%064x" % i))
    out("pods_65536", pcgt.recording(chunks(raws, 60)))


def big_snapshot():
    """200,000 existing tasks in one container (and in 2,000 containers)."""
    snap = [pcgt.ev_cgroup(E["EXISTING_CGROUP"], 1, 1, POD), pcgt.ev_cgroup(E["EXISTING_CGROUP"], 1, 2, CTR)]
    for i in range(200000):
        snap.append(pcgt.ev_task(E["EXISTING_TASK"], 1, pcgt.task(4000000 - i, start_ns=i, cg_dfl=2,
                                                                  nspid=1 if i == 7 else 9)))
    snap.append(pcgt.ev_plain(E["SCAN_DONE"], 1))
    out("snapshot_200k_tasks", pcgt.recording([[pcgt.ev_plain(E["TICK"], 2)]], snapshot=b"".join(snap)))
    snap = [pcgt.ev_cgroup(E["EXISTING_CGROUP"], 1, 1, POD)]
    for c in range(2000):
        snap.append(pcgt.ev_cgroup(E["EXISTING_CGROUP"], 1, 10 + c, POD + b"/cri-containerd-%064x.scope" % c))
    for i in range(200000):
        snap.append(pcgt.ev_task(E["EXISTING_TASK"], 1, pcgt.task(100 + i, start_ns=i, cg_dfl=10 + i % 2000)))
    snap.append(pcgt.ev_plain(E["SCAN_DONE"], 1))
    out("snapshot_200k_tasks_2000_ctrs", pcgt.recording([[pcgt.ev_plain(E["TICK"], 2)]],
                                                         snapshot=b"".join(snap)))


def bad_blocks():
    """200,000 blocks with a bad payload CRC, then a good one."""
    hdr = pcgt.header()
    good = b"".join(container_life())
    comp = zlib.compress(good)
    badp = comp[:-1] + bytes([comp[-1] ^ 0xff])
    parts = [hdr]
    for seq in range(200000):
        h = struct.pack("<4sHHIIIII", pcgt.BLOCK_MAGIC, 1, 0, seq, 6, len(good), len(badp),
                        zlib.crc32(comp))
        parts.append(h + struct.pack("<I", zlib.crc32(h)) + badp)
    parts.append(pcgt.block(200000, good, 6))
    out("bad_blocks_200000", b"".join(parts))
    # 200,000 bad records (each block holds one valid record, then a record with size 0)
    parts = [hdr]
    for seq in range(20000):
        parts.append(pcgt.block(seq, pcgt.ev_plain(E["TICK"], seq) + b"\0" * 16, 2))
    out("bad_records_20000_blocks", b"".join(parts))
    # garbage between good blocks, 100,000 times
    parts = [hdr]
    for seq in range(100000):
        parts.append(b"\xd3PCBgarbage!")
        parts.append(pcgt.block(seq, pcgt.ev_plain(E["TICK"], seq), 1))
    out("garbage_between_100000_blocks", b"".join(parts))


def exits_flood():
    """200,000 exits of distinct processes in one container at the same instant."""
    evs = [pcgt.ev_cgroup(E["CGROUP_MKDIR"], 1, 1, POD), pcgt.ev_cgroup(E["CGROUP_MKDIR"], 2, 2, CTR)]
    ex = []
    for i in range(200000):
        t = pcgt.task(10 + i, start_ns=5, cg_dfl=2, comm=b"w")
        ex.append(pcgt.ev_exit(100, t))
    out("exits_200000_same_instant", pcgt.recording([evs] + chunks(ex, 500)))
    # 200,000 forks (the process table fills up: counted, not grown without bound)
    fk = [pcgt.ev_task(E["FORK"], 100 + i, pcgt.task(10 + i, start_ns=i, cg_dfl=2)) for i in range(300000)]
    out("forks_300000", pcgt.recording([evs] + chunks(fk, 500)))


def header_only_variants():
    out("header_only", pcgt.header())
    out("not_a_recording", b"hello world\n" * 100, 1)
    out("empty", b"", 1)


if __name__ == "__main__":
    OUT = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    only = sys.argv[2:]
    gens = [extremes, blocks_shuffled, bombs, long_strings, many_subcgroups, big_snapshot,
            bad_blocks, exits_flood, header_only_variants]
    for g in gens:
        if not only or g.__name__ in only:
            g()
    with open(os.path.join(OUT, "cases.txt"), "w") as f:
        for n, c in cases:
            f.write("%s %d\n" % (n, c))
