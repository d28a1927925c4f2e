#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_longpath.sh - e2e: truncation is honoured (issue 11).  A long kubelet-like --cgroup-root
# prefix of nested dirs (made here under a unique name) puts a container's cgroup path exactly
# at the kernel side's limit (1023 bytes).  The kernel cuts its sub-cgroups' paths to the
# container's own path (flagged): removing them must not end the container nor change its
# cgroup_ids, its real removal is reported once, and the path is marked cgroup_truncated.  A
# process in it execs a file whose path is longer than the limit: filename_truncated.
. "$(dirname "$0")/lib.sh"
e2e_init t_longpath
e2e_require_tracer

uid=$(e2e_uuid)
cid=$(e2e_hex 64)
tail="/kubepods/besteffort/pod$uid/$cid"
prefix="/podcg-e2e-long-$(e2e_hex 8)"
while [ $((${#prefix} + ${#tail} + 201)) -le 1023 ]; do prefix="$prefix/$(printf 'a%.0s' $(seq 200))"; done
prefix="$prefix/$(printf 'b%.0s' $(seq $((1023 - ${#prefix} - ${#tail} - 1))))"
ctr=$prefix$tail
[ ${#ctr} = 1023 ] || e2e_bail "container path is ${#ctr} bytes, not 1023"
pod=${ctr%/*}

# a long file name to exec (> 1023 bytes): a copy of /bin/true
lp=$E2E_TMP/x
while [ ${#lp} -le 1100 ]; do lp="$lp/$(printf 'f%.0s' $(seq 200))"; done
mkdir -p "$lp" && cp /bin/true "$lp/true" || e2e_bail "cannot build the long exec path"
# file names around the kernel side's short exec record (255 bytes and a NUL fill it): each
# must come whole, whichever record size carried it
short=()
for L in 254 255 256 257; do
	d="$E2E_TMP/s$L/"
	d="$d$(printf 'g%.0s' $(seq $((L - ${#d} - 5))))"
	mkdir -p "$d" && cp /bin/true "$d/true" || e2e_bail "cannot build the $L-byte exec path"
	[ ${#d} = $((L - 5)) ] || e2e_bail "exec path of ${#d} + 5 bytes, not $L"
	short+=("$d/true")
done

tracer_start -w "$E2E_TMP/long.pcgt"
p=""
IFS=/ read -ra comps <<<"${ctr#/}"
for c in "${comps[@]}"; do p="$p/$c"; cg_mkdir "$p"; done
ctr_ids=$(cg_id 0 "$ctr")
# a process of ours in the container execs the long path
LP=$lp bash -c 'for h in "$@"; do echo $$ >"$h/cgroup.procs" || exit 9; done; exec "$LP/true" true' _ \
	$(for h in "${E2E_TRACED_HIDS[@]}"; do printf '%s ' "${E2E_HIER_MNT[$h]}$ctr"; done) &
wait $! || e2e_bail "the long-path process failed ($?)"
# and one that runs the files named around the short record's size
bash -c 'for h in "$@"; do [ "$h" = -- ] && break; echo $$ >"$h/cgroup.procs" || exit 9; shift; done
	shift; for f in "$@"; do "$f" || exit 8; done' _ \
	$(for h in "${E2E_TRACED_HIDS[@]}"; do printf '%s ' "${E2E_HIER_MNT[$h]}$ctr"; done) -- "${short[@]}" &
wait $! || e2e_bail "the short-path process failed ($?)"
# sub-cgroups: the kernel cuts their paths to the container's
cg_mkdir "$ctr/sub"
cg_mkdir "$ctr/sub/deeper"
sub_id=$(cg_id 0 "$ctr/sub")
sleep 0.5
_e2e_rmdir_all "$ctr/sub/deeper"
_e2e_rmdir_all "$ctr/sub"
sleep 0.5
tracer_wait_for ".event == \"container_create\" and .container_id == \"$cid\"" 5
early=$(jq_events ".event == \"container_remove\" and .container_id == \"$cid\"")
_e2e_rmdir_all "$ctr"
_e2e_rmdir_all "$pod"
tracer_wait_for ".event == \"pod_remove\" and .pod_uid == \"$uid\"" 5
tracer_stop
check_tracer_exit

check_begin "the kernel cuts the sub-cgroups' paths (as this test assumes)"
python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
import pcgt
d = open(sys.argv[2], "rb").read()
sub, ctr = int(sys.argv[3]), sys.argv[4].encode()
ok = any(pcgt.describe(e).get("cgid") == sub and pcgt.describe(e)["path"] == ctr and
         pcgt.describe(e)["flags"] & 1 for k, e in pcgt.read(d) if k == "event")
sys.exit(0 if ok else 1)' "$E2E_REPO_ROOT/tests/robust" "$E2E_TMP/long.pcgt" "$sub_id" "$ctr" ||
	check_fail "the recording has no flagged record of the sub-cgroup ($sub_id) with the container's path"
check_end

check_begin "one container, its own cgroup id, marked cut, removed once and only when it is"
cr=$(jq_events ".event == \"container_create\" and .container_id == \"$cid\"")
[ "$(grep -c . <<<"$cr")" = 1 ] || check_fail "container_create lines: $(grep -c . <<<"$cr")"
[ "$(jq -r '.cgroup_ids["0"]' <<<"$cr" | head -1)" = "$ctr_ids" ] || check_fail "create cgroup id: $cr (stat: $ctr_ids)"
[ "$(jq -r .cgroup_truncated <<<"$cr" | head -1)" = true ] || check_fail "not marked cgroup_truncated: $cr"
[ "$(jq -r .cgroup <<<"$cr" | head -1)" = "$ctr" ] || check_fail "cgroup path differs"
[ -z "$early" ] || check_fail "container_remove while the container lived (sub-cgroup removal): $early"
rm=$(jq_events ".event == \"container_remove\" and .container_id == \"$cid\"")
[ "$(grep -c . <<<"$rm")" = 1 ] || check_fail "container_remove lines: $(grep -c . <<<"$rm")"
[ "$(jq -r '.cgroup_ids["0"]' <<<"$rm" | head -1)" = "$ctr_ids" ] || check_fail "remove cgroup id: $rm (stat: $ctr_ids)"
check_end

check_begin "an exec file name past the limit is marked filename_truncated"
st=$(jq_events ".event == \"container_start\" and .container_id == \"$cid\"")
[ -n "$st" ] || check_fail "no container_start"
[ "$(jq -r .filename_truncated <<<"$st" | head -1)" = true ] || check_fail "not marked: $st"
[ "$(jq -r .filename <<<"$st" | head -1)" = "${lp:0:1023}" ] || check_fail "filename is not the path's first 1023 bytes"
check_end

check_begin "exec file names of 254 to 257 bytes come whole (the short exec record and the long)"
for f in "${short[@]}"; do
	e=$(jq_events ".event == \"exec\" and .container_id == \"$cid\" and .filename == \"$f\"")
	[ "$(grep -c . <<<"$e")" = 1 ] || check_fail "${#f}-byte file name: $(grep -c . <<<"$e") exec lines"
	[ "$(jq -r ".filename_truncated // false" <<<"$e" | head -1)" = false ] || check_fail "${#f}-byte file name marked truncated: $e"
done
check_end

check_begin "the replay agrees"
"$PODCG" -r "$E2E_TMP/long.pcgt" --json >"$E2E_TMP/replay.jsonl" 2>/dev/null || check_fail "replay failed"
a=$(jq -c "select(.container_id == \"$cid\") | [.event, .cgroup_ids, .cgroup_truncated, .filename_truncated]" "$E2E_TRACE_OUT")
b=$(jq -c "select(.container_id == \"$cid\") | [.event, .cgroup_ids, .cgroup_truncated, .filename_truncated]" "$E2E_TMP/replay.jsonl")
[ "$a" = "$b" ] || check_fail "live: $a" "replay: $b"
check_end
e2e_finish
