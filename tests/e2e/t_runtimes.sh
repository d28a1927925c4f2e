#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_runtimes.sh - e2e: systemd scope names docker-, cri-containerd-, crio- -> runtime docker,
# containerd, crio; a crio-conmon-<id>.scope with a process in it is not a container.
. "$(dirname "$0")/lib.sh"
e2e_init t_runtimes
e2e_require_tracer mkfifo

tracer_start
i=0
for rt in docker containerd crio; do
	q=besteffort; [ "$rt" = containerd ] && q=burstable
	pod_create "P_$rt" systemd "$q"
	ctr_create "S_$rt" "P_$rt" "$rt" -- /bin/sleep 60
	ctr_start "S_$rt"
	ctr_create "A_$rt" "P_$rt" "$rt" --join "S_$rt" -- /bin/sleep 60
	ctr_start "A_$rt"
done

# CRI-O's conmon monitor: crio-conmon-<ctrid>.scope beside crio-<ctrid>.scope, a process of ours
# moved into it (in every hierarchy) that then execs and exits there.
conmon_cg=${POD_CG[P_crio]}/crio-conmon-${CTR_ID[A_crio]}.scope
cg_mkdir "$conmon_cg"
fifo=$E2E_TMP/conmon.fifo
mkfifo "$fifo"
(read -r _ <"$fifo"; exec /bin/sleep 0.5) &
helper=$!
_e2e_created proc "$helper" "$(e2e_starttime "$helper")"
e2e_defer e2e_kill_recorded "$helper" "$(e2e_starttime "$helper")" KILL
for hid in "${E2E_HIER_IDS[@]}"; do
	echo "$helper" >"${E2E_HIER_MNT[$hid]}$conmon_cg/cgroup.procs" || e2e_bail "cannot move helper $helper into $conmon_cg ($hid)"
done
echo go >"$fifo"
wait "$helper"
_e2e_rmdir_all "$conmon_cg" >>"$E2E_TMP/cleanup.log" 2>&1

e2e_teardown
e2e_standard_checks

check_begin "crio-conmon scope is not reported"
bad=$(jq_events "(.pid == $helper) or (.ppid == $helper) or (tostring | test(\"conmon\"))")
[ -z "$bad" ] || check_fail "events for the conmon scope (helper pid $helper):" "$(head -5 <<<"$bad")"
check_end
e2e_finish
