#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# demo-pod.sh - starts one real demo pod the way a kubelet + CRI runtime would (runc +
# busybox-static; a sandbox and one app container, systemd-style kubepods names), runs a
# `runc exec` in it, waits a few seconds, then stops and removes everything it created.
#
# Usage: sudo scripts/demo-pod.sh [--seconds N] [--qos besteffort|burstable|guaranteed]
#                                 [--driver systemd|cgroupfs] [--runtime containerd|crio|docker]
# Needs: root, runc, jq, busybox-static (scripts/install-deps.sh installs them).  Used by
# `make demo` while podcg-trace runs; harmless on its own.  Cleans up on exit, Ctrl-C included.
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tests/e2e/lib.sh
. "$root/tests/e2e/lib.sh"

seconds=3 qos=besteffort driver=systemd rt=containerd
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--qos) qos=$2; shift 2 ;;
	--driver) driver=$2; shift 2 ;;
	--runtime) rt=$2; shift 2 ;;
	-h | --help) sed -n '3,/^root=/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo-pod: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
case $qos in besteffort | burstable | guaranteed) ;; *) echo "demo-pod: bad --qos $qos" >&2; exit 2 ;; esac
case $driver in systemd | cgroupfs) ;; *) echo "demo-pod: bad --driver $driver" >&2; exit 2 ;; esac
case $rt in containerd | crio | docker) ;; *) echo "demo-pod: bad --runtime $rt" >&2; exit 2 ;; esac
[[ $seconds =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "demo-pod: bad --seconds $seconds" >&2; exit 2; }
[ "$driver" = cgroupfs ] && [ "$rt" != crio ] && rt=bare

E2E_RESULTS=0
e2e_init demo-pod
e2e_require_runtime

say() { echo "demo-pod: $*"; }

pod_create P "$driver" "$qos"
say "pod ${POD_UID[P]} ($qos, $driver driver): ${POD_CG[P]}"
ctr_create S P "$rt" -- /bin/sleep 3600
ctr_start S
say "sandbox ${CTR_ID[S]:0:12} pid ${CTR_PID[S]} (new pid/mnt/uts/ipc/net namespaces)"
ctr_create A P "$rt" --join S -- /bin/sh -c 'exec /bin/sleep 3600'
ctr_start A
say "app     ${CTR_ID[A]:0:12} pid ${CTR_PID[A]} (joins the sandbox's net/ipc/uts)"
ctr_exec A X -- /bin/sleep 0.5
say "runc exec into the app: pid $X"
ctr_exec_wait A "$X"
sleep "$seconds"
say "stopping the pod"
e2e_teardown
say "done"
