#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_snapshot_docker.sh - e2e: --snapshot of a pod container started by a real dockerd
# (cgroupfs driver, /kubepods/besteffort/pod<uid>/<64hex>): runtime "docker" found from the
# process tree (the bare id cannot tell) and put in-band, so the recording replays to it too;
# the container and both of its processes against docker inspect and /proc.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/snapshot_lib.sh"
e2e_init t_snapshot_docker
e2e_require_tracer dockerd containerd containerd-shim-runc-v2 unshare tar sha256sum

img=$(e2e_docker_image_tar) || e2e_bail "cannot build the image tarball"
dockerd_start 30
"${E2E_DOCKER[@]}" load -i "$img" >"$E2E_TMP/docker-load.out" 2>&1 ||
	e2e_bail "docker load failed:" "$(cat "$E2E_TMP/docker-load.out")"

pod_create P cgroupfs besteffort
docker_run D P -- /bin/sh -c '/bin/sleep 300 & exec /bin/sleep 301'
nprocs() { wc -l <"${E2E_HIER_MNT[${E2E_HIER_IDS[0]}]}${CTR_CG[D]}/cgroup.procs"; }
two() { [ "$(nprocs)" -ge 2 ]; }
e2e_wait_until 5 two || e2e_bail "the container did not fork its child"
sleep 0.2
build_truth D

"$PODCG" --snapshot --json -w "$E2E_TMP/snap.pcgt" >"$E2E_TMP/snap.jsonl" 2>"$E2E_TMP/snap.err" ||
	e2e_bail "--snapshot failed: $(cat "$E2E_TMP/snap.err")"
"$PODCG" --snapshot --pod "${POD_UID[P]}" >"$E2E_TMP/snap.txt" 2>>"$E2E_TMP/snap.err"
E2E_TRACE_OUT=$E2E_TMP/snap.jsonl
check_stream
check_container D "docker container: container_existing matches docker inspect and /proc (runtime docker)"
check_processes "docker container: both processes, every field" "$E2E_TMP/snap.jsonl"

check_begin "text names the runtime; the recording replays to the same JSON"
grep -q "^  CONTAINER ${CTR_ID[D]} docker cgroup=${CTR_CG[D]}$" "$E2E_TMP/snap.txt" ||
	check_fail "text: $(grep CONTAINER "$E2E_TMP/snap.txt")"
"$PODCG" -r "$E2E_TMP/snap.pcgt" --json >"$E2E_TMP/replay.jsonl" 2>&1 &&
	cmp -s "$E2E_TMP/snap.jsonl" "$E2E_TMP/replay.jsonl" ||
	check_fail "replay differs:" "$(diff "$E2E_TMP/snap.jsonl" "$E2E_TMP/replay.jsonl" | head -4 | cut -c1-300)"
check_end

docker_rm D
pod_remove P
e2e_finish
