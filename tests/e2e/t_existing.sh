#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_existing.sh - e2e: a pod started BEFORE the tracer -> container_existing with the init's pid,
# namespaces and all the container's pids; later exits and removal are reported too.
. "$(dirname "$0")/lib.sh"
e2e_init t_existing
e2e_require_tracer

pod_create P cgroupfs burstable
ctr_create S P crio -- /bin/sleep 60
ctr_start S
ctr_create A P crio --join S -- /bin/sh -c '/bin/sleep 300 & exec /bin/sleep 301'
ctr_start A
# both processes of A in place before the tracer starts
has2() { [ "$(wc -l <"${E2E_HIER_MNT[${E2E_HIER_IDS[0]}]}${CTR_CG[A]}/cgroup.procs")" -ge 2 ]; }
e2e_wait_until 5 has2 || e2e_bail "container A did not fork its child"
sleep 0.1
ctr_mark_existing S
ctr_mark_existing A

tracer_start
tracer_wait_for ".event == \"container_existing\" and .container_id == \"${CTR_ID[A]}\"" 5
e2e_teardown
e2e_standard_checks
e2e_finish
