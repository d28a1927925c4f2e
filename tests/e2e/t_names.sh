#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_names.sh - e2e: pod and container names from the OCI bundle's annotations, read at the
# container's first cgroup event through the runtime process that made the cgroup (runc); with
# E2E_OCI=crun (t_names_crun.sh) from containerd's task dir under a --host-root.  One pod with containerd's CRI annotations, one with CRI-O's; a
# long-lived sandbox and app and a 1 ms app in each.  Every new JSON field is checked against
# what the test wrote, on every event of the container; the recording replays with the same
# names as nobody after every bundle was deleted.  Hostile bundles (another pod's UID, control
# bytes and uppercase in names, a symlinked config.json, an oversized one) give null names and
# change nothing else.
. "$(dirname "$0")/lib.sh"
e2e_init "${E2E_NAMES_TEST:-t_names}" # t_names_crun.sh runs this file with crun
e2e_require_tracer setpriv

rec=$E2E_TMP/names.pcgt
topts=()
if [ "$E2E_OCI" = crun ]; then
	# crun create may exit a few ms after its mkdir, before the lookup reads its bundle: the
	# bundles live where containerd keeps them, under a --host-root, and are found there
	HR=$E2E_TMP/hostroot
	export E2E_BUNDLE_DIR=$HR/run/containerd/io.containerd.runtime.v2.task/k8s.io
	mkdir -p "$E2E_BUNDLE_DIR"
	topts=(--host-root "$HR")
fi
tracer_start -w "$rec" "${topts[@]}"

# expected names per container handle: JSON {pod_name, pod_namespace, container_name,
# container_type, image, sandbox_id} (null = unknown)
declare -A WANT=()

# containerd: io.kubernetes.cri.* annotations
ann_containerd() { # TYPE SANDBOX_ID POD NS UID CTR IMAGE
	jq -n -c --arg t "$1" --arg sb "$2" --arg p "$3" --arg ns "$4" --arg u "$5" --arg c "$6" --arg i "$7" '
		{"io.kubernetes.cri.container-type": $t, "io.kubernetes.cri.sandbox-id": $sb,
		 "io.kubernetes.cri.sandbox-name": $p, "io.kubernetes.cri.sandbox-namespace": $ns,
		 "io.kubernetes.cri.sandbox-uid": $u, "io.kubernetes.cri.image-name": $i,
		 "io.kubernetes.cri.sandbox-log-directory": "/var/log/pods/x",
		 "secret.example.com/token": "hunter2"}
		+ (if $c != "" then {"io.kubernetes.cri.container-name": $c} else {} end)'
}
# CRI-O: io.kubernetes.pod.*, io.kubernetes.container.name, io.kubernetes.cri-o.*
ann_crio() { # TYPE SANDBOX_ID POD NS UID CTR IMAGE
	jq -n -c --arg t "$1" --arg sb "$2" --arg p "$3" --arg ns "$4" --arg u "$5" --arg c "$6" --arg i "$7" '
		{"io.kubernetes.cri-o.ContainerType": $t, "io.kubernetes.cri-o.SandboxID": $sb,
		 "io.kubernetes.pod.name": $p, "io.kubernetes.pod.namespace": $ns,
		 "io.kubernetes.pod.uid": $u, "io.kubernetes.container.name": $c,
		 "io.kubernetes.cri-o.ImageName": $i, "io.kubernetes.cri-o.Labels": "{\"a\":\"b\"}"}'
}
want() { # HANDLE POD NS CTR TYPE IMAGE SANDBOX (empty = null)
	WANT[$1]=$(jq -n -c --arg p "$2" --arg ns "$3" --arg c "$4" --arg t "$5" --arg i "$6" --arg sb "$7" '
		def n: if . == "" then null else . end;
		{pod_name: ($p|n), pod_namespace: ($ns|n), container_name: ($c|n),
		 container_type: ($t|n), image: ($i|n), sandbox_id: ($sb|n)}')
}
# ctr FLAVOR HANDLE POD SANDBOX-HANDLE TYPE PODNAME NS CTR IMAGE -- ARGS: a container whose
# bundle carries FLAVOR's annotations naming it.
ctr() {
	local fl=$1 h=$2 p=$3 sbh=$4 t=$5 pn=$6 ns=$7 c=$8 img=$9; shift 9
	local id sbid join=()
	id=$(e2e_hex 64)
	if [ "$sbh" = - ]; then sbid=$id; else sbid=${CTR_ID[$sbh]}; join=(--join "$sbh"); fi
	E2E_ANNOTATIONS=$("ann_$fl" "$t" "$sbid" "$pn" "$ns" "${POD_UID[$p]}" "$c" "$img") \
		E2E_CTR_ID=$id ctr_create "$h" "$p" "$fl" "${join[@]}" "$@"
	local wc=$c; [ "$t" = sandbox ] && wc=
	[ "$c" = POD ] && wc=
	want "$h" "$pn" "$ns" "$wc" "$t" "$img" "$sbid"
}

# --- containerd-style pod: sandbox, long-lived app, 1 ms app -------------------------------
pod_create P1 systemd besteffort
ctr containerd S1 P1 - sandbox web-0 shop "" registry.k8s.io/pause:3.9 -- /bin/sleep 60
ctr_start S1
ctr containerd A1 P1 S1 container web-0 shop nginx docker.io/library/nginx:1.25 -- /bin/sleep 60
ctr_start A1
ctr containerd Q1 P1 S1 container web-0 shop init-db docker.io/library/busybox@sha256:0123abcd -- /bin/true
ctr_start Q1
ctr_wait_stopped Q1
ctr_expect_exit Q1 "${CTR_PID[Q1]}" 0 0

# --- CRI-O-style pod ---------------------------------------------------------------------------
pod_create P2 systemd burstable
ctr crio S2 P2 - sandbox db-1 data.team POD registry.k8s.io/pause:3.9 -- /bin/sleep 60
ctr_start S2
ctr crio A2 P2 S2 container db-1 data.team postgres quay.io/org/postgres:16.1 -- /bin/sleep 60
ctr_start A2
ctr crio Q2 P2 S2 container db-1 data.team migrate quay.io/org/migrate:v2 -- /bin/sh -c 'exit 3'
ctr_start Q2
ctr_wait_stopped Q2
ctr_expect_exit Q2 "${CTR_PID[Q2]}" 3 0
# (the namespace "data.team" has a dot: not a valid namespace -> null, the rest stays)
want S2 db-1 "" "" sandbox registry.k8s.io/pause:3.9 "${CTR_ID[S2]}"
want A2 db-1 "" postgres container quay.io/org/postgres:16.1 "${CTR_ID[S2]}"
want Q2 db-1 "" migrate container quay.io/org/migrate:v2 "${CTR_ID[S2]}"

# --- hostile bundles ------------------------------------------------------------------------
pod_create P3 cgroupfs besteffort
# another pod's UID in the annotations: ignored
id=$(e2e_hex 64)
E2E_ANNOTATIONS=$(ann_containerd container "$id" evil ns "$(e2e_uuid)" evil img) E2E_CTR_ID=$id \
	ctr_create H1 P3 bare -- /bin/sleep 60
ctr_start H1
want H1 "" "" "" "" "" ""
# control bytes, uppercase, '_' and spaces in names; a bad sandbox id: each of them dropped
id=$(e2e_hex 64)
E2E_ANNOTATIONS=$(ann_containerd container "not-an-id" $'web\e[31m' Shop "${POD_UID[P3]}" $'a\nb' 'img with space') \
	E2E_CTR_ID=$id ctr_create H2 P3 bare -- /bin/sleep 60
ctr_start H2
want H2 "" "" "" container "" ""
# a symlinked config.json (runc follows it, the lookup does not)
id=$(e2e_hex 64)
symlinked() { mv "$1/config.json" "$1/config.real.json" && ln -s config.real.json "$1/config.json"; }
E2E_ANNOTATIONS=$(ann_containerd container "$id" sym ns "${POD_UID[P3]}" sym img) E2E_CTR_ID=$id \
	E2E_CONFIG_HOOK=symlinked ctr_create H3 P3 bare -- /bin/sleep 60
ctr_start H3
want H3 "" "" "" "" "" ""
# an oversized config.json (2 MiB of an unrelated annotation)
id=$(e2e_hex 64)
oversized() {
	head -c 2200000 /dev/zero | tr '\0' a >"$1/big.txt"
	jq -c --rawfile big "$1/big.txt" '.annotations += {"x.example.com/big": $big}' "$1/config.json" >"$1/c.new" &&
		mv "$1/c.new" "$1/config.json" && rm -f "$1/big.txt"
}
E2E_ANNOTATIONS=$(ann_containerd container "$id" big ns "${POD_UID[P3]}" big img) E2E_CTR_ID=$id \
	E2E_CONFIG_HOOK=oversized ctr_create H4 P3 bare -- /bin/sleep 60
ctr_start H4
want H4 "" "" "" "" "" ""

e2e_teardown
e2e_standard_checks

# --- every new field of every event of every container, against what the test wrote ---------
for h in "${E2E_CTRS[@]}"; do check_names "$h" 3; done
check_begin "pod events carry the pod's names once known"
for p in P1 P2; do
	w=$([ $p = P1 ] && echo '["web-0","shop"]' || echo '["db-1",null]')
	got=$(jq -c --arg u "${POD_UID[$p]}" 'select(.event == "pod_remove" and .pod_uid == $u) | [.pod_name, .pod_namespace]' "$E2E_TRACE_OUT")
	[ "$got" = "$w" ] || check_fail "$p pod_remove: $got, expected $w"
done
got=$(jq -c --arg u "${POD_UID[P3]}" 'select(.event == "pod_remove" and .pod_uid == $u) | [.pod_name, .pod_namespace]' "$E2E_TRACE_OUT")
[ "$got" = '[null,null]' ] || check_fail "P3 (hostile files only): $got"
check_end
check_begin "no secret and no other annotation reaches the output"
grep -q -e hunter2 -e Labels -e sandbox-log -e evil "$E2E_TRACE_OUT" && check_fail "$(grep -m1 -e hunter2 -e evil "$E2E_TRACE_OUT" | head -c 300)"
check_end

# --- replay as nobody, every bundle deleted ---------------------------------------------------
rm -rf "${E2E_BUNDLE_DIR:-$E2E_TMP/bundles}"
check_replay_as_nobody "$rec" nginx

# --- filters, in replay -------------------------------------------------------------------------
check_begin "--namespace, --pod NAME, --container NAME in replay"
"$PODCG" -r "$rec" --json --namespace shop >"$E2E_TMP/f1.jsonl" 2>/dev/null
w=$(jq -c 'select(.pod_namespace == "shop")' "$E2E_TRACE_OUT" | wc -l)
g=$(wc -l <"$E2E_TMP/f1.jsonl")
[ "$w" -ge 8 ] && [ "$g" = "$w" ] || check_fail "--namespace shop: $g lines, expected $w"
jq -e -s 'all(.[]; .pod_namespace == "shop")' "$E2E_TMP/f1.jsonl" >/dev/null || check_fail "--namespace: other pods"
"$PODCG" -r "$rec" --json --pod db-1 >"$E2E_TMP/f2.jsonl" 2>/dev/null
jq -e -s 'length >= 8 and all(.[]; .pod_name == "db-1")' "$E2E_TMP/f2.jsonl" >/dev/null || check_fail "--pod db-1"
"$PODCG" -r "$rec" --json --container nginx >"$E2E_TMP/f3.jsonl" 2>/dev/null
jq -e -s --arg id "${CTR_ID[A1]}" 'length >= 3 and all(.[]; .container_id == $id)' "$E2E_TMP/f3.jsonl" >/dev/null ||
	check_fail "--container nginx"
"$PODCG" -r "$rec" >"$E2E_TMP/text.txt" 2>/dev/null
grep -Eq "container_create +shop/web-0 +nginx " "$E2E_TMP/text.txt" || check_fail "text: no 'shop/web-0 nginx' columns"
check_end
e2e_finish
