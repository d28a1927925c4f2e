#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_names_logdirs.sh - e2e: names from a kubelet-style /var/log/pods + /var/log/containers tree
# as the only source, under a private --host-root (the real /var/log/pods is never touched).
# The pod's log dir appears after its cgroup (as the kubelet does it): found by a retry.  Hostile
# lasting files under the host root (broken JSON, oversized, symlinked file, symlinked dir,
# another pod's UID, control bytes in a dir name) give null fields and change nothing else.  The
# recording replays with the same names as nobody once the tree is deleted.  A pod and container
# nothing names that go at once are not looked up again after their cgroups went.
. "$(dirname "$0")/lib.sh"
e2e_init t_names_logdirs
e2e_require_tracer setpriv

HR=$E2E_TMP/hostroot
mkdir -p "$HR/var/log/pods" "$HR/var/log/containers"
rec=$E2E_TMP/names.pcgt
tracer_start -w "$rec" --host-root "$HR"

declare -A WANT=()
want() { # HANDLE POD NS CTR
	WANT[$1]=$(jq -n -c --arg p "$2" --arg ns "$3" --arg c "$4" 'def n: if . == "" then null else . end;
		{pod_name: ($p|n), pod_namespace: ($ns|n), container_name: ($c|n), container_type: null,
		 image: null, sandbox_id: null}')
}

# --- pod L1: log dirs only; the pod's dir is made after the pod cgroup -----------------------
pod_create L1 cgroupfs besteffort
poddir=$HR/var/log/pods/shop_api-7d9f_${POD_UID[L1]}
mkdir -p "$poddir"
logs() { # HANDLE CTR-NAME ID: the container's log dir and the /var/log/containers symlink
	mkdir -p "$poddir/$2" && : >"$poddir/$2/0.log"
	ln -s "../pods/${poddir##*/}/$2/0.log" "$HR/var/log/containers/api-7d9f_shop_$2-$3.log"
}
ctr_create S L1 bare -- /bin/sleep 60 # the sandbox has no log dir: pod names only
ctr_start S
want S api-7d9f shop ""
id=$(e2e_hex 64); logs A api "$id"
E2E_CTR_ID=$id ctr_create A L1 bare --join S -- /bin/sleep 60
ctr_start A
want A api-7d9f shop api
id=$(e2e_hex 64); logs B sidecar "$id"
E2E_CTR_ID=$id ctr_create B L1 bare --join S -- /bin/true
ctr_start B
ctr_wait_stopped B
ctr_expect_exit B "${CTR_PID[B]}" 0 0
want B api-7d9f shop sidecar

# --- pod L2: hostile lasting files only --------------------------------------------------------
pod_create L2 cgroupfs burstable
good_oci() { # UID: a valid CRI-O config.json naming pod "evil"
	jq -n -c --arg u "$1" '{annotations: {"io.kubernetes.pod.name": "evil", "io.kubernetes.pod.namespace": "evil",
		"io.kubernetes.pod.uid": $u, "io.kubernetes.container.name": "evil"}}'
}
u2=${POD_UID[L2]}
i1=$(e2e_hex 64); d=$HR/run/containerd/io.containerd.runtime.v2.task/k8s.io/$i1
mkdir -p "$d" && printf '{"annotations":{"io.kubernetes.cri.sandbox-uid":"%s","io.kubernetes.cri.sandbox-name":"evil"' "$u2" >"$d/config.json"
i2=$(e2e_hex 64); d=$HR/var/lib/docker/containers/$i2
mkdir -p "$d" && { printf '{"Config":{"Labels":{"io.kubernetes.pod.uid":"%s","io.kubernetes.pod.name":"evil"}},"Pad":"' "$u2"
	head -c 1100000 /dev/zero | tr '\0' a; printf '"}'; } >"$d/config.v2.json"
i3=$(e2e_hex 64); d=$HR/run/containers/storage/overlay-containers/$i3/userdata
mkdir -p "$d" && good_oci "$u2" >"$d/real.json" && ln -s real.json "$d/config.json"
i4=$(e2e_hex 64); d=$HR/run/runc/$i4
mkdir -p "$d" && jq -n -c --arg u "$(e2e_uuid)" '{config: {labels: ["io.kubernetes.cri.sandbox-uid=\($u)", "io.kubernetes.cri.sandbox-name=evil"]}}' >"$d/state.json"
i5=$(e2e_hex 64); d=$HR/var/lib/containers/storage/overlay-containers
mkdir -p "$d" "$E2E_TMP/elsewhere/userdata" && good_oci "$u2" >"$E2E_TMP/elsewhere/userdata/config.json" &&
	ln -s "$E2E_TMP/elsewhere" "$d/$i5"
n=1
for i in "$i1" "$i2" "$i3" "$i4" "$i5"; do
	E2E_CTR_ID=$i ctr_create "H$n" L2 bare -- /bin/sleep 60
	ctr_start "H$n"
	want "H$n" "" "" ""
	n=$((n + 1))
done

# --- pod L3: a log dir name with control bytes: the bad part is dropped ------------------------
pod_create L3 cgroupfs besteffort
mkdir -p "$HR/var/log/pods/"$'ev\e[2Jil'"_p3_${POD_UID[L3]}"
ctr_create C L3 bare -- /bin/sleep 60
ctr_start C
want C p3 "" ""

# --- pod L4: nothing names it, and it goes at once: its lookups are not retried after that ------
pod_create L4 cgroupfs besteffort
ctr_create D L4 bare -- /bin/true
ctr_start D
ctr_wait_stopped D
ctr_expect_exit D "${CTR_PID[D]}" 0 0
ctr_delete D
pod_remove L4
want D "" "" ""

e2e_teardown
e2e_standard_checks

for h in "${E2E_CTRS[@]}"; do check_names "$h"; done
check_begin "the pod's names arrive by a retry: null at pod_create, known at pod_remove"
got=$(jq -c --arg u "${POD_UID[L1]}" 'select(.pod_uid == $u and (.event | startswith("pod_"))) | [.event, .pod_name, .pod_namespace]' "$E2E_TRACE_OUT" | tr -d '\n')
[ "$got" = '["pod_create",null,null]["pod_remove","api-7d9f","shop"]' ] || check_fail "got $got"
grep -q evil "$E2E_TRACE_OUT" && check_fail "a hostile file named a pod: $(grep -m1 evil "$E2E_TRACE_OUT" | head -c 300)"
grep -Eq 'names: .* [1-9][0-9]* files naming another pod ignored, ([3-9]|[1-9][0-9]+) files refused' "$E2E_TRACE_ERR" ||
	check_fail "summary: $(grep 'names:' "$E2E_TRACE_ERR")"
check_end
check_begin "the retries of a pod and container that went away stop with their cgroups"
grep -Eq 'names: .*, ([2-9]|[1-9][0-9]+) given up as their cgroup was removed,' "$E2E_TRACE_ERR" ||
	check_fail "summary: $(grep 'names:' "$E2E_TRACE_ERR")"
check_end

rm -rf "$HR" "$E2E_TMP/elsewhere"
check_replay_as_nobody "$rec" sidecar
e2e_finish
