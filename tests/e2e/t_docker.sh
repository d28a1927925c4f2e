#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_docker.sh - e2e: a pod container started by a real dockerd (Debian docker.io, cgroupfs driver,
# --cgroup-parent /kubepods/besteffort/pod<uid>) is reported with docker inspect's Id and
# State.Pid, /proc namespaces, and runtime "docker" (resolved: the path alone cannot tell).
. "$(dirname "$0")/lib.sh"
e2e_init t_docker
e2e_require_tracer dockerd containerd containerd-shim-runc-v2 unshare tar sha256sum

img=$(e2e_docker_image_tar) || e2e_bail "cannot build the image tarball"
dockerd_start 30
"${E2E_DOCKER[@]}" load -i "$img" >"$E2E_TMP/docker-load.out" 2>&1 ||
	e2e_bail "docker load failed:" "$(cat "$E2E_TMP/docker-load.out")"

tracer_start
pod_create P cgroupfs besteffort
docker_run D P -- /bin/sleep 60
docker_rm D
pod_remove P
e2e_standard_checks
e2e_finish
