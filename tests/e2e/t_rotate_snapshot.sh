#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_rotate_snapshot.sh - e2e: -C rotation when the snapshot alone is bigger than -C (many
# containers alive: here 150 empty container cgroups in one pod, 10 KB per file). Each file
# still holds more than -C bytes of events after its header, instead of a new file (and a new
# snapshot) at every record, which kept the tracer from ever reaching SIGINT under load.
. "$(dirname "$0")/lib.sh"
e2e_init t_rotate_snapshot
e2e_require_tracer

n=150
pod_create P systemd besteffort
for ((i = 0; i < n; i++)); do
	cg_mkdir "${POD_CG[P]}/cri-containerd-$(e2e_hex 64).scope"
done
base=$E2E_TMP/rot
tracer_start --all -w "$base" -C 10k
e2e_exec_storm 3000
tracer_stop
check_tracer_exit

files=()
[ -f "$base" ] && files+=("$base")
for ((i = 1; i < 10000; i++)); do [ -f "$base$i" ] && files+=("$base$i") || break; done
hdr_len() { od -An -tu4 -j12 -N4 "$1" | tr -d ' '; }
check_begin "the snapshot is bigger than -C, and every file but the last holds more than -C of events"
[ ${#files[@]} -ge 2 ] || check_fail "only ${#files[@]} file(s): the storm did not rotate"
[ ${#files[@]} -le 50 ] || check_fail "${#files[@]} files for a storm of 3000 execs"
for ((i = 0; i < ${#files[@]} && ${#_E2E_CG_DIAG[@]} < 5; i++)); do
	f=${files[i]}
	h=$(hdr_len "$f")
	sz=$(stat -c %s "$f")
	[ "$h" -gt 10000 ] || check_fail "$f: header of $h bytes, not bigger than -C 10k"
	if [ $((i + 1)) -lt ${#files[@]} ] && [ $((sz - 24 - h)) -le 10000 ]; then
		check_fail "$f: $((sz - 24 - h)) bytes of events after a $h-byte header (-C 10k)"
	fi
done
check_end

check_begin "the last file replays, its snapshot naming every container"
last=${files[${#files[@]} - 1]}
"$PODCG" -r "$last" --json >"$E2E_TMP/last.jsonl" 2>"$E2E_TMP/last.err" ||
	check_fail "$last does not replay: $(head -3 "$E2E_TMP/last.err")"
got=$(jq -r --arg p "${POD_UID[P]}" 'select(.event == "container_existing" and .pod_uid == $p)
	| .container_id' "$E2E_TMP/last.jsonl" | sort -u | wc -l)
[ "$got" = "$n" ] || check_fail "$got of the pod's $n containers in $last's snapshot"
check_end
e2e_finish
