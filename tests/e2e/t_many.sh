#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_many.sh - e2e: more cgroups than a preallocated filter map of 65,536 held.  17,000 pods of one
# container each are made in cgroup2 and in the key v1 hierarchy (68,000 tracked cgroups) while
# the tracer runs: every container is reported, nothing is lost (no "lost" record, no rescan),
# and a real runc pod started beside them is still traced whole against ground truth (its
# container_start with the right pid and namespaces, its exit code, its removal).
. "$(dirname "$0")/lib.sh"
e2e_init t_many
e2e_require_tracer

N=${T_MANY_N:-17000}
e2e_bulk_init many
top=$E2E_BULK_TOP

tracer_start
# N pods of one container each, systemd layout, below our own top (a kubelet --cgroup-root)
e2e_bulk_pods "$N" "$E2E_TMP/dirs"
made() { grep -F "\"cgroup\":\"$top/" "$E2E_TRACE_OUT" | grep -c -F '"event":"container_create"'; }
e2e_wait_until 120 [ "$(made)" -ge "$N" ] || true

# a real pod beside them
pod_create P systemd besteffort
ctr_create S P containerd -- /bin/sh -c 'exit 7'
ctr_start S
ctr_wait_stopped S
ctr_expect_exit S "${CTR_PID[S]}" 7 0

check_begin "all $N containers reported once, nothing lost"
n=$(made)
[ "$n" = "$N" ] || check_fail "$n container_create lines of $N"
[ "$(grep -F "\"cgroup\":\"$top/" "$E2E_TRACE_OUT" | grep -c -F '"event":"pod_create"')" = "$N" ] ||
	check_fail "not $N pod_create lines"
grep -F '"event":"lost"' "$E2E_TRACE_OUT" | head -2 | grep . && check_fail "lost records"
grep -i "rescan\|lost" "$E2E_TRACE_ERR" | head -3 | grep . && check_fail "lost or rescan on stderr"
check_end

e2e_teardown
e2e_standard_checks
e2e_finish
