#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_evidence.sh - e2e: chain of custody.  Recording a real pod with -w -C 2k -W 3 (so files
# rotate and names are reused), the tracer prints at exit, on stderr, every file it wrote with
# its size, its event count and its SHA-256 as sha256sum prints it.  Ground truth: stat, an
# independent Python reader of the block headers (docs/record-format.md) for the events, and
# `sha256sum -c` on the printed lines.
. "$(dirname "$0")/lib.sh"
e2e_init t_evidence
e2e_require_tracer python3 sha256sum

base=$E2E_TMP/rec.pcgt
tracer_start -w "$base" -C 2k -W 3
pod_create P systemd burstable
ctr_create S P containerd -- /bin/sleep 30
ctr_start S
# the writer flushes a block every second and rotates past 2000 bytes: execs 1.3 s apart
# make several files (and, past three, reuse their names)
for i in 1 2 3 4 5 6 7; do
	sleep 0.8
	ctr_exec S X -- /bin/sleep 0.5
	ctr_exec_wait S "$X"
done
e2e_teardown
tracer_stop
check_tracer_exit

check_begin "each file written: size, events and SHA-256 on stderr, all true"
mapfile -t noted < <(sed -n "s/^podcg-trace: recorded '\(.*\)': [0-9]* bytes, [0-9]* events$/\1/p" "$E2E_TRACE_ERR")
on_disk=("$base"?)
[ ${#noted[@]} -ge 2 ] || check_fail "expected a rotation: files noted: ${noted[*]:-none}" "$(tail -5 "$E2E_TRACE_ERR")"
[ "$(printf '%s\n' "${noted[@]}" | sort)" = "$(printf '%s\n' "${on_disk[@]}" | sort)" ] ||
	check_fail "noted: ${noted[*]}" "on disk: ${on_disk[*]}"
for f in "${noted[@]}"; do
	line=$(grep -F "podcg-trace: recorded '$f': " "$E2E_TRACE_ERR")
	[ "$(grep -c . <<<"$line")" = 1 ] || check_fail "$f noted more than once"
	size=$(sed 's/.*: \([0-9]*\) bytes.*/\1/' <<<"$line")
	events=$(sed 's/.* \([0-9]*\) events$/\1/' <<<"$line")
	[ "$size" = "$(stat -c %s "$f")" ] || check_fail "$f: $size bytes noted, $(stat -c %s "$f") on disk"
	truth=$(python3 - "$f" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
major, minor, hdr_len, _, crc = struct.unpack_from("<HHIII", d, 8)
off, n, trailer = 24 + hdr_len, 0, None
while off + 32 <= len(d):
    m, t, fl, seq, nr, raw, comp, pcrc, hcrc = struct.unpack_from("<4sHHIIIIII", d, off)
    assert m == b"\xd3PCB" and zlib.crc32(d[off:off + 28]) == hcrc
    if t == 1:
        n += nr
    elif t == 2:
        trailer = struct.unpack_from("<QQ", d, off + 32)[1]
    off += 32 + comp
print(n, trailer)
PY
	)
	[ "$truth" = "$events $events" ] || check_fail "$f: $events events noted; blocks and trailer say: $truth"
done
grep -v '^podcg-trace:' "$E2E_TRACE_ERR" | grep -E '^[0-9a-f]{64}  /' >"$E2E_TMP/sums"
[ "$(wc -l <"$E2E_TMP/sums")" = ${#noted[@]} ] || check_fail "sha256sum lines: $(cat "$E2E_TMP/sums")"
sha256sum -c --quiet "$E2E_TMP/sums" >"$E2E_TMP/sums.out" 2>&1 || check_fail "sha256sum -c: $(cat "$E2E_TMP/sums.out")"
check_end
e2e_finish
