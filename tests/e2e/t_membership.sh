#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_membership.sh - e2e: the kernel side decides a process's membership once and carries it
# with the task; the ways a process gets into a container without the usual fork-and-attach:
#   - a process that was in the container before the tracer started forks and execs later
#     (its children are reported: the start-up scan seeded the filter);
#   - clone3(CLONE_INTO_CGROUP) puts a child straight into the container's cgroup2 directory
#     (no cgroup_attach_task event): its exec and exit are reported, with its pid;
#   - a process of the container moved out of it (cgroup.procs) is no longer reported.
. "$(dirname "$0")/lib.sh"
e2e_init t_membership
e2e_require_tracer
[ -n "${E2E_HIER_MNT[0]:-}" ] || e2e_skip_all "no cgroup2 hierarchy (CLONE_INTO_CGROUP needs one)"

helper=$E2E_TMP/clone_into
gcc -O2 -static "$E2E_REPO_ROOT/tests/e2e/clone_into.c" -o "$helper" || e2e_bail "cannot build clone_into"
mkdir -p "$E2E_TMP/bin" && cp "$(command -v busybox)" "$E2E_TMP/bin/true" || e2e_bail "no busybox"

pod_create P systemd burstable
ctr_create S P containerd -- /bin/sleep 60
ctr_start S
# before the tracer: a shell that keeps forking and exec'ing
ctr_create A P containerd --join S -- /bin/sh -c 'while :; do /bin/sleep 0.2; done'
ctr_start A
sleep 0.3

tracer_start

check_begin "a process that was in the container before the tracer forks and execs: reported"
tracer_wait_for ".event == \"exec\" and .container_id == \"${CTR_ID[A]}\" and .ppid == ${CTR_PID[A]} and .filename == \"/bin/sleep\"" 10 ||
	check_fail "no exec of /bin/sleep by a child of the pre-existing pid ${CTR_PID[A]} in container A"
check_end

check_begin "clone3(CLONE_INTO_CGROUP) into the container's cgroup2 directory: exec and exit reported"
out=$("$helper" "${E2E_HIER_MNT[0]}${CTR_CG[S]}" "$E2E_TMP/bin/true") ||
	check_fail "clone_into failed: $out"
cpid=${out#pid=}
if [[ "$cpid" =~ ^[0-9]+$ ]]; then
	tracer_wait_for ".event == \"exec\" and .pid == $cpid and .container_id == \"${CTR_ID[S]}\" and .filename == \"$E2E_TMP/bin/true\"" 5 ||
		check_fail "no exec event for pid $cpid in container S"
	tracer_wait_for ".event == \"exit\" and .pid == $cpid and .container_id == \"${CTR_ID[S]}\"" 5 ||
		check_fail "no exit event for pid $cpid in container S"
else
	check_fail "clone_into printed '$out'"
fi
check_end

check_begin "outside every container: an exec storm is not reported"
e2e_exec_storm 50
sleep 0.3
n=$(jq_events ".filename == \"$E2E_STORM_TRUE\"" | wc -l)
[ "$n" = 0 ] || check_fail "$n events of the storm outside containers were reported"
check_end

tracer_stop
check_tracer_exit
check_stream
e2e_finish
