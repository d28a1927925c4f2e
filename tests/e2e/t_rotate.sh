#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_rotate.sh - e2e: -C/-W rotation keeps at most N files, reusing tcpdump's names, and each
# file is self-contained: the file holding a late exec attributes it, alone, to a container
# created several files earlier (its header snapshot names the container).
. "$(dirname "$0")/lib.sh"
e2e_init t_rotate
e2e_require_tracer

base=$E2E_TMP/rot
tracer_start --all -w "$base" -C 30k -W 3
pod_create P systemd besteffort
ctr_create S P containerd -- /bin/sleep 60
ctr_start S
e2e_exec_storm 8000
sleep 1.2
ctr_exec S X1 -- /bin/sleep 0.6
ctr_exec_wait S "$X1"
sleep 1.2 # one flush of the current file
e2e_teardown
tracer_stop
check_tracer_exit

check_begin "-C 30k -W 3 keeps three files named rot0..rot2"
ls "$E2E_TMP" | grep '^rot' >"$E2E_TMP/files"
[ "$(tr '\n' ' ' <"$E2E_TMP/files")" = "rot0 rot1 rot2 " ] ||
	check_fail "files: $(tr '\n' ' ' <"$E2E_TMP/files") (want rot0 rot1 rot2; did the storm fill more than three?)"
for f in "$base"0 "$base"1 "$base"2; do
	[ -f "$f" ] || continue
	sz=$(stat -c %s "$f")
	[ "$sz" -le $((30000 + 70000)) ] || check_fail "$f is $sz bytes: more than the limit plus one block"
	"$PODCG" -r "$f" --json >/dev/null 2>"$E2E_TMP/r.err" || check_fail "$f does not replay: $(cat "$E2E_TMP/r.err")"
done
check_end

check_begin "the file holding the late exec attributes it alone, from its snapshot"
cid=${CTR_ID[S]}
found=
for f in "$base"0 "$base"1 "$base"2; do
	[ -f "$f" ] || continue
	"$PODCG" -r "$f" --json >"$f.jsonl" 2>/dev/null
	if jq -c --argjson p "$X1" 'select(.event == "exec" and .pid == $p)' "$f.jsonl" | grep -q .; then
		found=$f
		break
	fi
done
if [ -z "$found" ]; then
	check_fail "no file holds the exec of pid $X1"
else
	jq -c --arg c "$cid" --argjson p "$X1" \
		'select(.event == "exec" and .container_id == $c and .pid == $p)' "$found.jsonl" |
		grep -q . || check_fail "the exec of pid $X1 in S is not attributed in $found alone"
	jq -c --arg c "$cid" 'select(.event == "container_create" and .container_id == $c)' \
		"$found.jsonl" | grep -q . &&
		check_fail "$found also holds S's creation: the storm did not rotate between them"
	jq -c --arg c "$cid" 'select(.event == "container_existing" and .container_id == $c)' \
		"$found.jsonl" | grep -q . || check_fail "$found has no container_existing for S (its snapshot)"
fi
check_end
e2e_finish
