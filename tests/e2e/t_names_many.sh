#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_names_many.sh - e2e: more pods waiting for their names than a fixed retry table of 256 held.
# 300 kubelet-style pods of one container each, that nothing names yet, are made in every traced
# hierarchy below the test's own top (a kubelet --cgroup-root), under a private --host-root; then
# the kubelet's log dir of the last pod appears.  Its name must still come, by a retry (a table
# of 256 waiting lookups had dropped it), and the retries of the pods stop as they are removed.
. "$(dirname "$0")/lib.sh"
e2e_init t_names_many
e2e_require_tracer

N=300
e2e_bulk_init nmany
top=$E2E_BULK_TOP
HR=$E2E_TMP/hostroot
mkdir -p "$HR/var/log/pods"

tracer_start --host-root "$HR"
e2e_bulk_pods "$N" "$E2E_TMP/dirs"
made() { grep -F "\"cgroup\":\"$top/" "$E2E_TRACE_OUT" | grep -c -F '"event":"container_create"'; }
e2e_wait_until 30 [ "$(made)" -ge "$N" ] || true
# the last pod's UID, and its log dir (namespace "many", name "last-0"), after its first lookup
lastpod=$(tail -2 "$E2E_TMP/dirs" | head -1)
u=${lastpod##*-pod}
uid=${u%.slice}
uid=${uid//_/-}
mkdir -p "$HR/var/log/pods/many_last-0_$uid"
sleep 0.3
# removal in the order of creation, each container before its pod: the last pod goes last,
# after the others' records brought its retry
awk 'NR % 2 == 1 { p = $0; next } { print; print p }' "$E2E_TMP/dirs" >"$E2E_TMP/rmdirs"
for m in "${E2E_BULK_MNTS[@]}"; do
	(cd "$m$top" && xargs -a "$E2E_TMP/rmdirs" rmdir) || e2e_bail "cannot remove the cgroups below $m$top"
done
removed() { grep -F "\"cgroup\":\"$top/" "$E2E_TRACE_OUT" | grep -c -F '"event":"pod_remove"'; }
e2e_wait_until 30 [ "$(removed)" -ge "$N" ] || true
tracer_stop
check_tracer_exit

check_begin "all $N pods and containers reported and removed, nothing lost"
[ "$(made)" = "$N" ] || check_fail "$(made) container_create lines of $N"
[ "$(removed)" = "$N" ] || check_fail "$(removed) pod_remove lines of $N"
grep -F '"event":"lost"' "$E2E_TRACE_OUT" | head -2 | grep . && check_fail "lost records"
check_end

check_begin "the last of $N unnamed pods is named by a retry once its log dir appears"
got=$(jq -c --arg u "$uid" 'select(.pod_uid == $u and .event == "pod_remove") | [.pod_name, .pod_namespace]' "$E2E_TRACE_OUT")
[ "$got" = '["last-0","many"]' ] || check_fail "its pod_remove: ${got:-none}" "$(grep 'names:' "$E2E_TRACE_ERR")"
grep -q 'names: .*, 0 not retried as' "$E2E_TRACE_ERR" || check_fail "summary: $(grep 'names:' "$E2E_TRACE_ERR")"
grep -Eq 'names: .*, [1-9][0-9]* given up as their cgroup was removed' "$E2E_TRACE_ERR" ||
	check_fail "no retry given up at removal: $(grep 'names:' "$E2E_TRACE_ERR")"
check_end

rm -rf "$HR"
e2e_finish
