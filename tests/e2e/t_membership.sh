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

check_clone_into_reported S "clone3(CLONE_INTO_CGROUP) into the container's cgroup2 directory: exec and exit reported"
check_storm_not_reported "outside every container: an exec storm is not reported"

tracer_stop
check_tracer_exit
check_stream
e2e_finish
