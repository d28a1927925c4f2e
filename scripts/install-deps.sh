#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# install-deps.sh - install the Debian 12 packages podcg-trace needs to build, test and demo.
# Idempotent: installs only what is missing.  Needs root (apt-get).
set -euo pipefail
pkgs=(
	# build
	make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config
	nettle-dev           # SHA-256 of recordings (libnettle.a for make static)
	libjson-c-dev        # parses the runtimes' metadata files (names, images); has the .a
	libclang-rt-14-dev   # libFuzzer / sanitizers for clang
	# tests and demo: a real OCI runtime and a static busybox for the rootfs
	runc crun busybox-static jq iproute2 util-linux procps
	librsvg2-bin         # rsvg-convert: the --timeline-svg test renders the chart
	strace   # t_snapshot: --snapshot makes no bpf() call
	# the end-to-end test against a real Docker engine
	docker.io containerd
	# the container image (make image, FROM scratch: nothing pulled) and its e2e test
	podman
	# the manifest, Fluent Bit and image tests (t_manifest, t_fluentbit, t_image)
	python3-yaml
)
missing=()
for p in "${pkgs[@]}"; do
	[[ $p == \#* ]] && continue
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
	echo "install-deps: all ${#pkgs[@]} packages present"
	exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "install-deps: missing packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
