#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_nonkube.sh - e2e: runc containers in a cgroup NOT under kubepods (/podcg-e2e-<rand>/<64hex>,
# .../docker-<64hex>.scope) produce no event at all by default; a kubepods pod alongside is
# reported (control).
. "$(dirname "$0")/lib.sh"
e2e_init t_nonkube
e2e_require_tracer

tag=podcg-e2e-$(e2e_hex 8)
tracer_start
cg_mkdir "/$tag"
ctr_create N1 - bare --cgroup "/$tag/@ID@" -- /bin/sh -c '/bin/true; exec /bin/sleep 60'
ctr_start N1
ctr_create N2 - docker --cgroup "/$tag/docker-@ID@.scope" -- /bin/sleep 60
ctr_start N2
ctr_exec N2 XN -- /bin/sleep 0.5
ctr_exec_wait N2 "$XN"
pod_create P systemd besteffort
ctr_create C P containerd -- /bin/sleep 60
ctr_start C
e2e_teardown
_e2e_rmdir_all "/$tag" >>"$E2E_TMP/cleanup.log" 2>&1
e2e_standard_checks
check_no_mention "nothing reported for a non-kubepods cgroup" "$tag" "${CTR_ID[N1]}" "${CTR_ID[N2]}"
check_begin "no event for the processes of the non-kubepods containers"
bad=$(jq_events ".pid == ${CTR_PID[N1]} or .pid == ${CTR_PID[N2]} or .pid == $XN")
[ -z "$bad" ] || check_fail "$(head -5 <<<"$bad")"
check_end
e2e_finish
