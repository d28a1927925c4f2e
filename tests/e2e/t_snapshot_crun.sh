#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_snapshot_crun.sh - e2e: --snapshot of crun containers on a cgroup v1-only view (as t_crun:
# re-run in a private mount namespace with cgroup2 unmounted; membership from the memory
# hierarchy alone): a CRI-O-style burstable pod, a sandbox and an app with two processes,
# against crun's state and /proc.
if [ -z "${PODCG_E2E_V1NS:-}" ]; then
	if ! command -v crun >/dev/null; then
		if [ "${CI:-}" = true ]; then
			echo "not ok t_snapshot_crun: setup"; echo "# crun is not installed (scripts/install-deps.sh)"; exit 1
		fi
		echo "skip t_snapshot_crun (crun is not installed)"; exit 0
	fi
	exec env PODCG_E2E_V1NS=1 unshare -m --propagation private bash -c \
		'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$0"' "$0"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/snapshot_lib.sh"
E2E_OCI=crun
e2e_init t_snapshot_crun
e2e_require_tracer

pod_create P systemd burstable
ctr_create S P crio -- /bin/sleep 300
ctr_start S
ctr_create A P crio --join S -- /bin/sh -c '/bin/sleep 300 & exec /bin/sleep 301'
ctr_start A
nprocs() { wc -l <"${E2E_HIER_MNT[${E2E_HIER_IDS[0]}]}${CTR_CG[A]}/cgroup.procs"; }
two() { [ "$(nprocs)" -ge 2 ]; }
e2e_wait_until 5 two || e2e_bail "the app did not fork its child"
sleep 0.2
build_truth S A

"$PODCG" --snapshot --json >"$E2E_TMP/snap.jsonl" 2>"$E2E_TMP/snap.err" ||
	e2e_bail "--snapshot failed: $(cat "$E2E_TMP/snap.err")"
E2E_TRACE_OUT=$E2E_TMP/snap.jsonl
check_stream
check_container S "crun sandbox: container_existing matches crun state and /proc"
check_container A "crun app: container_existing matches crun state and /proc"
check_processes "crun containers on v1 only: every process, every field" "$E2E_TMP/snap.jsonl"
check_begin "only v1 hierarchies were visible: cgroup ids from the memory hierarchy"
# -s: jq 1.6's -e looks at the last input only, and other tests' containers may follow ours
jq -e -s --arg id "${CTR_ID[A]}" 'map(select(.container_id == $id)) | length > 0 and
	all(.hierarchies == [4] or (.hierarchies | index(0) == null))' "$E2E_TMP/snap.jsonl" >/dev/null || check_fail "hierarchies: $(jq -c --arg id "${CTR_ID[A]}" 'select(.container_id == $id) | .hierarchies' "$E2E_TMP/snap.jsonl")"
check_end

e2e_teardown
e2e_finish
