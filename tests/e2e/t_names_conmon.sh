#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_names_conmon.sh - e2e: a container started the way CRI-O starts one, by a real conmon
# running runc, with no annotation at all in its bundle: the names come from conmon's own
# command line (-c <id> -n k8s_<ctr>_<pod>_<ns>_<uid>_<n>), read because conmon is the parent
# of the runc that made the cgroup.  A second conmon names another pod's UID: ignored.
. "$(dirname "$0")/lib.sh"
e2e_init t_names_conmon
e2e_require_tracer conmon setpriv

rec=$E2E_TMP/names.pcgt
tracer_start -w "$rec"
pod_create P systemd burstable
u=${POD_UID[P]}
rootfs=$(e2e_rootfs) || e2e_bail "cannot build the busybox rootfs"
runc_bin=$(command -v runc)
mkdir -p "$E2E_TMP/exits" "$E2E_TMP/sock"

# conmon_run NAME -> sets CID: conmon + runc create + runc start of /bin/sleep 60 in pod P
conmon_run() {
	local name=$1 id bundle cg pid
	id=$(e2e_hex 64)
	bundle=$E2E_TMP/bundles/$id
	cg=${POD_CG[P]}/crio-$id.scope
	mkdir -p "$bundle"
	e2e_oci_config "$bundle/config.json" "$rootfs" "$cg" "c-${id:0:8}" \
		'[{"type":"pid"},{"type":"mount"},{"type":"uts"},{"type":"ipc"},{"type":"network"}]' "" /bin/sleep 60 ||
		e2e_bail "config.json"
	_e2e_created cg "$cg"
	e2e_defer _e2e_rmdir_all "$cg"
	_e2e_created runc "$E2E_RUNC_ROOT" "$id"
	e2e_defer _e2e_runc_cleanup "$E2E_RUNC_ROOT" "$id" runc
	conmon --api-version 1 -c "$id" -u "$id" -n "$name" -r "$runc_bin" -b "$bundle" \
		-p "$bundle/pid" -P "$bundle/conmon.pid" -l "k8s-file:$bundle/ctr.log" \
		--exit-dir "$E2E_TMP/exits" --socket-dir-path "$E2E_TMP/sock" \
		--runtime-arg "--root=$E2E_RUNC_ROOT" </dev/null >"$bundle/conmon.out" 2>&1 ||
		e2e_bail "conmon failed:" "$(tail -5 "$bundle/conmon.out")"
	e2e_wait_until 10 test -s "$bundle/conmon.pid" || e2e_bail "conmon: no pid file"
	pid=$(cat "$bundle/conmon.pid")
	_e2e_created proc "$pid" "$(e2e_starttime "$pid")"
	e2e_defer e2e_kill_recorded "$pid" "$(e2e_starttime "$pid")" KILL
	# conmon runs `runc create` in the background: the container pid file says it is done
	e2e_wait_until 10 test -s "$bundle/pid" || e2e_bail "conmon: runc create did not finish" \
		"$(tail -5 "$bundle/conmon.out")"
	runc --root "$E2E_RUNC_ROOT" start "$id" || e2e_bail "runc start failed"
	CID=$id
}
conmon_run "k8s_postgres_db-1_data_${u}_0"
good=$CID
conmon_run "k8s_evil_evil_evil_$(e2e_uuid)_0"
evil=$CID
for id in "$good" "$evil"; do
	runc --root "$E2E_RUNC_ROOT" kill "$id" KILL
	e2e_wait_until 10 sh -c "runc --root '$E2E_RUNC_ROOT' state $id | grep -q stopped"
	runc --root "$E2E_RUNC_ROOT" delete "$id"
	_e2e_rmdir_all "${POD_CG[P]}/crio-$id.scope" >/dev/null 2>&1
done
pod_remove P
tracer_wait_pods_removed 5
tracer_stop
check_tracer_exit

check_begin "names from conmon's command line on every event"
w='{"pod_name":"db-1","pod_namespace":"data","container_name":"postgres","container_type":null,"image":null,"sandbox_id":null}'
n=$(jq -c --arg id "$good" 'select(.container_id == $id)' "$E2E_TRACE_OUT" | wc -l)
[ "$n" -ge 3 ] || check_fail "only $n events"
bad=$(jq -c --arg id "$good" --argjson w "$w" 'select(.container_id == $id)
	| {pod_name, pod_namespace, container_name, container_type, image, sandbox_id} as $g
	| select($g != $w) | {event, got: $g}' "$E2E_TRACE_OUT" | head -3)
[ -z "$bad" ] || check_fail "expected $w" "$bad"
check_end
check_begin "conmon naming another pod's UID: null names"
n=$(jq -c --arg id "$evil" 'select(.container_id == $id)' "$E2E_TRACE_OUT" | wc -l)
[ "$n" -ge 3 ] || check_fail "only $n events"
jq -e -s --arg id "$evil" 'map(select(.container_id == $id)) | all(.[]; .container_name == null and .pod_name == "db-1")' \
	"$E2E_TRACE_OUT" >/dev/null || check_fail "$(grep -m1 "$evil" "$E2E_TRACE_OUT" | head -c 400)"
grep -q evil "$E2E_TRACE_OUT" && check_fail "a forged name reached the output"
check_end
rm -rf "$E2E_TMP/bundles"
check_replay_as_nobody "$rec"
e2e_finish
