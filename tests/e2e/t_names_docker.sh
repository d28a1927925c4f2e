#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_names_docker.sh - e2e: names of containers made by a real dockerd the way cri-dockerd makes
# them (name k8s_<ctr>_<pod>_<ns>_<uid>_<n>, io.kubernetes.* labels, a podsandbox and an app
# joining it), read from Docker's config.v2.json under --host-root (the test's dockerd keeps its
# data-root there).  Every new field is checked on every event; the recording replays with the
# same names as nobody after docker removed the files.
. "$(dirname "$0")/lib.sh"
e2e_init t_names_docker
e2e_require_tracer dockerd containerd containerd-shim-runc-v2 unshare tar sha256sum setpriv

HR=$E2E_TMP/hostroot
mkdir -p "$HR/var/lib/docker"
img=$(e2e_docker_image_tar) || e2e_bail "cannot build the image tarball"
E2E_DOCKER_DATA_ROOT=$HR/var/lib/docker dockerd_start 30
"${E2E_DOCKER[@]}" load -i "$img" >"$E2E_TMP/docker-load.out" 2>&1 ||
	e2e_bail "docker load failed:" "$(cat "$E2E_TMP/docker-load.out")"

rec=$E2E_TMP/names.pcgt
tracer_start -w "$rec" --host-root "$HR"
pod_create P cgroupfs besteffort
u=${POD_UID[P]}
podlabels=(--label io.kubernetes.pod.name=web-0 --label io.kubernetes.pod.namespace=shop
	--label "io.kubernetes.pod.uid=$u" --label io.kubernetes.container.logpath=/x --label secret=hunter2)
docker_run S P --name "k8s_POD_web-0_shop_${u}_0" "${podlabels[@]}" \
	--label io.kubernetes.docker.type=podsandbox --label io.kubernetes.container.name=POD -- /bin/sleep 60
docker_run A P --name "k8s_nginx_web-0_shop_${u}_1" "${podlabels[@]}" \
	--label io.kubernetes.docker.type=container --label io.kubernetes.container.name=nginx \
	--label "io.kubernetes.sandbox.id=${CTR_ID[S]}" -- /bin/sleep 60
declare -A WANT=(
	[S]=$(jq -n -c --arg sb "${CTR_ID[S]}" '{pod_name: "web-0", pod_namespace: "shop", container_name: null,
		container_type: "sandbox", image: "podcg-e2e/busybox:latest", sandbox_id: null}')
	[A]=$(jq -n -c --arg sb "${CTR_ID[S]}" '{pod_name: "web-0", pod_namespace: "shop", container_name: "nginx",
		container_type: "container", image: "podcg-e2e/busybox:latest", sandbox_id: $sb}')
)
docker_rm A
docker_rm S
pod_remove P
e2e_standard_checks

for h in S A; do check_names "$h" 3; done
check_begin "no other label reaches the output"
grep -q -e hunter2 -e logpath "$E2E_TRACE_OUT" && check_fail "a label leaked"
check_end

check_begin "docker removed the files that named the containers"
for h in S A; do
	[ -e "$HR/var/lib/docker/containers/${CTR_ID[$h]}" ] && check_fail "docker left $h's config.v2.json"
done
check_end
check_replay_as_nobody "$rec" nginx
e2e_finish
