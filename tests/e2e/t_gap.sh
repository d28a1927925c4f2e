#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_gap.sh - e2e: self-healing after a gap (issue 11).  The tracer (1 MiB ring buffer) is
# stopped with SIGSTOP; a cgroup flood overflows its ring buffer; then, in the gap, a new pod's
# container starts and a running container and its pod are removed.  After SIGCONT the tracer
# reports the loss, rescans, and reports both right: the new container as container_existing
# and the removed ones as container_remove / pod_remove, all with "reconciled": true, checked
# against the truth (runc's pids, the cgroup ids); a replay of the recording shows the same.
. "$(dirname "$0")/lib.sh"
e2e_init t_gap
e2e_require_tracer

rec=$E2E_TMP/gap.pcgt
tracer_start --ringbuf-mb 1 -w "$rec"
pod_create A systemd burstable
ctr_create CA A crio -- /bin/sleep 300
ctr_start CA
pod_create F systemd besteffort # holds the flood
tracer_wait_for ".event == \"container_start\" and .container_id == \"${CTR_ID[CA]}\"" 10 ||
	e2e_bail "the tracer did not see container CA start"

e2e_kill_recorded "$E2E_TRACER_PID" "$E2E_TRACER_ST" STOP
flood=${E2E_HIER_MNT[0]}${POD_CG[F]}
(cd "$flood" && mkdir flood{1..12000}) || e2e_bail "cannot create the flood cgroups"
# in the gap: a new pod and container start, a container and its pod go away
pod_create B systemd burstable
ctr_create CB B crio -- /bin/sleep 300
ctr_start CB
ca_ids=$(cg_id 0 "${CTR_CG[CA]}")
ctr_stop CA
pod_remove A
e2e_kill_recorded "$E2E_TRACER_PID" "$E2E_TRACER_ST" CONT

tracer_wait_for ".event == \"container_existing\" and .container_id == \"${CTR_ID[CB]}\"" 20
tracer_wait_for ".event == \"pod_remove\" and .pod_uid == \"${POD_UID[A]}\"" 5
tracer_stop
check_tracer_exit

check_begin "the gap is reported as lost"
[ -n "$(jq_events '.event == "lost" and .total > 0')" ] ||
	check_fail "no lost record: the flood did not overflow the ring buffer?"
grep -q 'rescans after lost events' "$E2E_TRACE_ERR" || check_fail "no rescan in the exit summary"
check_end

check_begin "a container started in the gap is reported, reconciled, with its real pid"
ex=$(jq_events ".event == \"container_existing\" and .container_id == \"${CTR_ID[CB]}\"")
[ "$(grep -c . <<<"$ex")" = 1 ] || check_fail "container_existing lines for CB: $(grep -c . <<<"$ex")"
[ "$(jq -r .reconciled <<<"$ex" | head -1)" = true ] || check_fail "not marked reconciled: $ex"
[ "$(jq -r .pod_uid <<<"$ex" | head -1)" = "${POD_UID[B]}" ] || check_fail "pod uid: $ex"
[ "$(jq -r .pid <<<"$ex" | head -1)" = "${CTR_PID[CB]}" ] || check_fail "pid $(jq -r .pid <<<"$ex"), runc says ${CTR_PID[CB]}"
[ "$(jq -r '.cgroup_ids["0"]' <<<"$ex" | head -1)" = "$(cg_id 0 "${CTR_CG[CB]}")" ] ||
	check_fail "cgroup id $(jq -r '.cgroup_ids["0"]' <<<"$ex"), stat says $(cg_id 0 "${CTR_CG[CB]}")"
[ -z "$(jq_events ".event == \"container_remove\" and .container_id == \"${CTR_ID[CB]}\"")" ] ||
	check_fail "CB reported removed while it runs"
check_end

check_begin "a container and a pod removed in the gap are reported removed, reconciled"
rm_ca=$(jq_events ".event == \"container_remove\" and .container_id == \"${CTR_ID[CA]}\"")
[ "$(grep -c . <<<"$rm_ca")" = 1 ] || check_fail "container_remove lines for CA: $(grep -c . <<<"$rm_ca")"
[ "$(jq -r .reconciled <<<"$rm_ca" | head -1)" = true ] || check_fail "not marked reconciled: $rm_ca"
[ "$(jq -r '.cgroup_ids["0"]' <<<"$rm_ca" | head -1)" = "$ca_ids" ] || check_fail "cgroup id: $rm_ca (was $ca_ids)"
rm_a=$(jq_events ".event == \"pod_remove\" and .pod_uid == \"${POD_UID[A]}\"")
[ "$(grep -c . <<<"$rm_a")" = 1 ] || check_fail "pod_remove lines for A: $(grep -c . <<<"$rm_a")"
[ "$(jq -r .reconciled <<<"$rm_a" | head -1)" = true ] || check_fail "not marked reconciled: $rm_a"
[ -z "$(jq_events ".pod_uid == \"${POD_UID[F]}\" and (.event == \"pod_remove\" or .event == \"container_remove\")")" ] ||
	check_fail "pod F, which lives, was reported removed"
check_end

check_begin "the replay shows the same reconciliation"
"$PODCG" -r "$rec" --json >"$E2E_TMP/replay.jsonl" 2>"$E2E_TMP/replay.err" || check_fail "replay failed: $(head -3 "$E2E_TMP/replay.err")"
live=$(jq -c 'select(.reconciled == true) | [.event, .container_id, .pod_uid, .pid]' "$E2E_TRACE_OUT" | sort)
replay=$(jq -c 'select(.reconciled == true) | [.event, .container_id, .pod_uid, .pid]' "$E2E_TMP/replay.jsonl" | sort)
[ -n "$live" ] && [ "$live" = "$replay" ] || check_fail "live: $live" "replay: $replay"
check_end
ctr_stop CB
e2e_finish
