#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_image.sh - e2e: the container image (`make image`) run by podman the way the DaemonSet
# (deploy/podcg-trace.yaml) runs it: host PID and cgroup namespaces, its own mount namespace
# and read-only root, the host's /sys/kernel/btf and /sys/fs/cgroup bound read-only.  Two
# containerised tracers run side by side, one with the manifest's capabilities (BPF, PERFMON,
# SYS_PTRACE, SYS_RESOURCE, no_new_privs, seccomp unconfined) and one --privileged (the
# manifest's fallback); real pods start on the host (one before the tracers), and each
# tracer's JSON is checked against ground truth like the native suite: host cgroup paths, host
# PIDs, host namespace inodes.  The tracer's own podman container must not show up.  Then:
# a missing mount (an empty tmpfs over it, not copied up) or a seccomp profile that forbids bpf() ends the tracer with exit 1 and a
# clear message.
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"
e2e_init t_image
e2e_require_tracer podman timeout

if ! make -C "$root" --no-print-directory -s image >"$E2E_TMP/make-image.log" 2>&1; then
	e2e_bail "make image failed" "$(tail -20 "$E2E_TMP/make-image.log")"
fi
IMAGE=localhost/podcg-trace:$(cat "$root/VERSION")
# The flags this host needs (../shared/HARNESS.md): no systemd as PID 1, no journald, no
# CAP_SYS_RESOURCE in the bounding set (so podman's default rlimits cannot be set).
PODMAN=(podman --cgroup-manager=cgroupfs --events-backend=file)
"${PODMAN[@]}" image exists "$IMAGE" || e2e_bail "make image did not produce $IMAGE"

# podman puts each container (and conmon) below a cgroup parent of ours, removed at cleanup
suffix=$(e2e_hex 8)
parent=/podcg-e2e-image-$suffix
cg_mkdir "$parent"

# As the DaemonSet runs it: podman flags derived from deploy/podcg-trace.yaml (hostPID,
# securityContext, resources, env, volume mounts, args).  hostPath volumes outside /sys go
# to a directory of the test.  --cgroupns=host: Kubernetes on cgroup v1 makes no cgroup
# namespace.  --network=none and the ulimits are what podman needs on this host.
py=python3
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml' 2>/dev/null && py=/usr/bin/python3
"$py" -c 'import yaml' 2>/dev/null || e2e_skip_all "python3-yaml missing (scripts/install-deps.sh)"
hostroot=$E2E_TMP/hostpath
mkdir -p "$hostroot"
m_out=$("$py" - "$root/deploy/podcg-trace.yaml" "$hostroot" "$(hostname)" <<'EOF2'
import os, shlex, sys, yaml
path, hostroot, node = sys.argv[1:4]
ds = next(d for d in yaml.safe_load_all(open(path)) if d and d["kind"] == "DaemonSet")
pod = ds["spec"]["template"]["spec"]
c = pod["containers"][0]
sc = c.get("securityContext", {})
run, sec, mnt = [], [], {}
if pod.get("hostPID"):
    run.append("--pid=host")
if sc.get("readOnlyRootFilesystem"):
    run.append("--read-only")
lim = c.get("resources", {}).get("limits", {})
if "memory" in lim:
    q = lim["memory"]
    run.append("--memory=%d" % (int(q[:-2]) * {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}[q[-2:]]))
if "cpu" in lim:
    q = str(lim["cpu"])
    run.append("--cpus=%s" % (int(q[:-1]) / 1000 if q.endswith("m") else q))
for e in c.get("env", []):
    v = e.get("value")
    if e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "spec.nodeName":
        v = node
    run.append("--env=%s=%s" % (e["name"], v))
if sc.get("privileged"):
    sec.append("--privileged")
caps = sc.get("capabilities", {})
if caps.get("drop") == ["ALL"]:
    sec.append("--cap-drop=all")
sec += ["--cap-add=%s" % a for a in caps.get("add", [])]
if sc.get("allowPrivilegeEscalation") is False:
    sec.append("--security-opt=no-new-privileges")
if sc.get("seccompProfile", {}).get("type") == "Unconfined":
    sec.append("--security-opt=seccomp=unconfined")
vols = {v["name"]: v for v in pod.get("volumes", [])}
for m in c.get("volumeMounts", []):
    if "emptyDir" in vols[m["name"]]:
        mnt[m["mountPath"]] = "--tmpfs=%s" % m["mountPath"]
        continue
    hp = vols[m["name"]]["hostPath"]["path"]
    if not hp.startswith("/sys/"):
        hp = hostroot + hp
        os.makedirs(hp, exist_ok=True)
    o = ["ro"] if m.get("readOnly") else []
    if m.get("mountPropagation") == "HostToContainer":
        o.append("rslave")
    mnt[m["mountPath"]] = "--volume=%s:%s%s" % (hp, m["mountPath"], ":" + ",".join(o) if o else "")
q = lambda l: " ".join(shlex.quote(x) for x in l)
# the kubelet's name for this container's log: <pod>_<namespace>_<container>-<id>.log
print("m_logname=%s" % shlex.quote("%s-x7k2q_%s_%s-%s.log" % (
    ds["metadata"]["name"], ds["metadata"]["namespace"], c["name"], "0" * 64)))
print("m_run=(%s)" % q(run))
print("m_sec=(%s)" % q(sec))
# the kubelet expands $(VAR) in args from the container's environment
envs = dict(r[len("--env="):].split("=", 1) for r in run if r.startswith("--env="))
args = [__import__("re").sub(r"\$\((\w+)\)", lambda m: envs.get(m.group(1), m.group(0)), str(a))
        for a in c.get("args", [])]
print("m_args=(%s)" % q(args))
probe = c.get("livenessProbe", {}).get("exec", {}).get("command", [])
print("m_probe=(%s)" % q(probe))
print("declare -A m_mnt=(%s)" % " ".join("[%s]=%s" % (shlex.quote(k), shlex.quote(v)) for k, v in mnt.items()))
EOF2
) || e2e_bail "cannot read deploy/podcg-trace.yaml" "$m_out"
eval "$m_out"
e2e_log "from the manifest: ${m_run[*]} ${m_sec[*]} ${m_mnt[*]} -- ${m_args[*]}"
run_base=("${PODMAN[@]}" run --rm --runtime=runc --network=none
	--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --cgroup-parent="$parent"
	--cgroupns=host "${m_run[@]}")
mnt_btf=("${m_mnt[/sys/kernel/btf]}")
mnt_cg=("${m_mnt[/sys/fs/cgroup]}")
mnt_all=("${m_mnt[@]}")
# the manifest's securityContext, and its documented fallback for kernels < 5.8
sec_caps=("${m_sec[@]}")
sec_priv=(--privileged)

declare -A T_OUT=() T_ERR=() T_PID=() T_ST=() T_CID=()

# start_image KIND PODMAN-FLAGS... -- TRACER-ARGS...: a containerised tracer, its output kept
# apart by KIND.
start_image() {
	local kind=$1 name=podcg-e2e-$1-$suffix flags=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	e2e_defer "${PODMAN[@]}" rm -f -t 0 "$name"
	E2E_TRACER_CMD=("${run_base[@]}" --name "$name" --cidfile "$E2E_TMP/$kind.cid"
		"${flags[@]}" "$IMAGE" "$@")
	tracer_start
	unset E2E_TRACER_CMD
	# tracer_start writes trace.jsonl/trace.err: the running tracer keeps writing to them
	# under their new names
	mv "$E2E_TRACE_OUT" "$E2E_TMP/trace-$kind.jsonl"
	mv "$E2E_TRACE_ERR" "$E2E_TMP/trace-$kind.err"
	T_OUT[$kind]=$E2E_TMP/trace-$kind.jsonl
	T_ERR[$kind]=$E2E_TMP/trace-$kind.err
	T_PID[$kind]=$E2E_TRACER_PID
	T_ST[$kind]=$E2E_TRACER_ST
	T_CID[$kind]=$(cat "$E2E_TMP/$kind.cid")
}
use_tracer() {
	E2E_TRACE_OUT=${T_OUT[$1]} E2E_TRACE_ERR=${T_ERR[$1]}
	E2E_TRACER_PID=${T_PID[$1]} E2E_TRACER_ST=${T_ST[$1]}
	E2E_TEST="t_image[$1]"
}

# a pod that exists before the tracers start: its namespaces come from /proc (SYS_PTRACE)
pod_create P_old cgroupfs besteffort
ctr_create S_old P_old bare -- /bin/sleep 60
ctr_start S_old
# its init must have exec'd its entrypoint (comm "sleep", not runc's) before its truth is read
_old_execd() { [ "$(cat "/proc/${CTR_PID[S_old]}/comm" 2>/dev/null)" = sleep ]; }
e2e_wait_until 5 _old_execd || e2e_bail "S_old did not exec its entrypoint"
ctr_mark_existing S_old

# exactly the manifest's container (its recording goes to $hostroot/var/log/...)
start_image caps "${mnt_all[@]}" "${sec_caps[@]}" \
	--log-driver=k8s-file --log-opt=path="$E2E_TMP/caps.cri.log" -- "${m_args[@]}"
# the privileged fallback, JSON only
start_image priv "${mnt_btf[@]}" "${mnt_cg[@]}" "${sec_priv[@]}" -- --json

check_begin "the tracer runs inside its podman container"
for kind in caps priv; do
	cid=${T_CID[$kind]}
	cpid=$("${PODMAN[@]}" inspect --format '{{.State.Pid}}' "$cid" 2>&1)
	if ! [[ $cpid =~ ^[0-9]+$ ]] || [ "$cpid" = 0 ]; then
		check_fail "$kind: podman inspect: $cpid"
		continue
	fi
	[ "$(cat "/proc/$cpid/comm")" = podcg-trace ] || check_fail "$kind: pid $cpid is $(cat "/proc/$cpid/comm")"
	[ "$(stat -L -c %i "/proc/$cpid/ns/mnt")" != "$(stat -L -c %i /proc/self/ns/mnt)" ] ||
		check_fail "$kind: the tracer shares our mount namespace"
	grep -q "$parent/libpod-$cid\$" "/proc/$cpid/cgroup" ||
		check_fail "$kind: not in its container cgroup: $(head -3 "/proc/$cpid/cgroup")"
	# attached: the tracer dropped every capability and cannot regain one
	grep -q '^CapEff:[[:space:]]*0*$' "/proc/$cpid/status" ||
		check_fail "$kind: $(grep CapEff "/proc/$cpid/status") after attaching"
done
check_end

check_begin "the manifest's liveness probe passes while the tracer runs, and names the node"
if [ ${#m_probe[@]} -eq 0 ]; then
	check_fail "the manifest has no exec livenessProbe"
else
	sleep 1.5 # one housekeeping second after attaching
	out=$("${PODMAN[@]}" exec "${T_CID[caps]}" "${m_probe[@]}" 2>&1) ||
		check_fail "probe '${m_probe[*]}' failed in the running container: $out"
	# the probe fails on a file that is not fresh (a stalled tracer)
	"$PODCG" --check-health "$E2E_TMP/no-such-health-file" 2>/dev/null &&
		check_fail "--check-health passed on a missing file"
fi
nodes=$(jq -r -R 'fromjson? | .node' "${T_OUT[caps]}" | sort -u)
[ "$nodes" = "$(hostname)" ] || check_fail "events name node(s) '$nodes', expected $(hostname) (--node \$(NODE_NAME))"
check_end

# new pods while both tracers run: a containerd-style burstable pod, a sandbox and an app, an
# exec in the app; a CRI-O-style guaranteed pod whose app exits with 3
pod_create P systemd burstable
ctr_create S P containerd -- /bin/sleep 60
ctr_start S
ctr_create A P containerd --join S -- /bin/sleep 60
ctr_start A
ctr_exec A XPID -- /bin/sh -c 'sleep 0.5; exit 5'
ctr_exec_wait A "$XPID"
pod_create Q cgroupfs guaranteed
ctr_create QS Q crio -- /bin/sleep 60
ctr_start QS
ctr_create QA Q crio --join QS -- /bin/sh -c 'sleep 0.3; exit 3'
ctr_start QA
ctr_wait_stopped QA
ctr_expect_exit QA "${CTR_PID[QA]}" 3 0
e2e_teardown

for kind in caps priv; do
	use_tracer "$kind"
	e2e_standard_checks
	check_no_mention "its own container is not reported" "${T_CID[$kind]}" "$parent"
done
E2E_TEST=t_image

# the manifest's recording, written through its hostPath volume, replays (no root needed) to
# what the containerised tracer printed live
check_begin "the DaemonSet's recording on the host replays to its live output"
rec=
for ((i = 0; i < ${#m_args[@]}; i++)); do [ "${m_args[i]}" = -w ] && rec=${m_args[i + 1]}; done
recf=$(ls "$hostroot$rec"* 2>/dev/null | head -1)
if [ -z "$rec" ] || [ -z "$recf" ]; then
	check_fail "no recording under $hostroot$rec: $(find "$hostroot" | head -5)"
else
	[ "$(stat -c %a "$recf")" = 600 ] || check_fail "$recf has mode $(stat -c %a "$recf")"
	"$PODCG" -r "$recf" --json >"$E2E_TMP/replay.jsonl" 2>"$E2E_TMP/replay.err" ||
		check_fail "replay failed: $(head -3 "$E2E_TMP/replay.err")"
	if ! cmp -s "$E2E_TMP/replay.jsonl" "${T_OUT[caps]}"; then
		check_fail "replay differs from the live output:" \
			"$(diff "${T_OUT[caps]}" "$E2E_TMP/replay.jsonl" | head -10)"
	fi
	e2e_log "$recf: $(stat -c %s "$recf") bytes, $(wc -l <"$E2E_TMP/replay.jsonl") events"
fi
check_end

# deploy/fluent-bit.conf's parse steps on the CRI log the runtime (conmon) wrote for the
# manifest's container: every event one record, equal to what the tracer printed
check_begin "deploy/fluent-bit.conf parses the CRI log the runtime wrote"
NODE_NAME=$(hostname) "$py" "$root/tests/cli/fluentbit_check.py" fluentbit "$root/deploy/fluent-bit.conf" \
	"$E2E_TMP/caps.cri.log" "${T_OUT[caps]}" "$m_logname" >"$E2E_TMP/fluentbit.out" 2>&1 ||
	check_fail "$(grep -v '^ok' "$E2E_TMP/fluentbit.out" | head -10)"
e2e_log "$(grep '^#' "$E2E_TMP/fluentbit.out")"
check_end

# --- misconfigurations: exit 1 and say what is missing --------------------------------------
# fail_run KIND EXPECTED-REGEX FLAGS...: a tracer that must not attach.
fail_run() {
	local kind=$1 re=$2 name=podcg-e2e-$1-$suffix rc
	shift 2
	e2e_defer "${PODMAN[@]}" rm -f -t 0 "$name"
	timeout 60 "${run_base[@]}" --name "$name" "$@" "$IMAGE" --json --duration 3 \
		</dev/null >"$E2E_TMP/$kind.out" 2>"$E2E_TMP/$kind.err"
	rc=$?
	[ "$rc" = 1 ] || check_fail "exit status $rc, expected 1"
	grep -q -- "$re" "$E2E_TMP/$kind.err" || check_fail "no message matching '$re'"
	grep -q '^podcg-trace: attached' "$E2E_TMP/$kind.err" && check_fail "it attached"
	[ -s "$E2E_TMP/$kind.out" ] && check_fail "stdout: $(head -3 "$E2E_TMP/$kind.out")"
	[ ${#_E2E_CG_DIAG[@]} -gt 0 ] && check_fail "stderr:" "$(tail -5 "$E2E_TMP/$kind.err")"
}

check_begin "without /sys/kernel/btf: exit 1, says the kernel BTF is missing"
fail_run nobtf "cannot find kernel BTF at '/sys/kernel/btf/vmlinux'" \
	--mount type=tmpfs,destination=/sys/kernel/btf,notmpcopyup "${mnt_cg[@]}" "${sec_caps[@]}"
check_end

# Without the host's /sys/fs/cgroup the tracer reads the host's layout through /proc/1/root,
# which needs PID 1's namespaces to be readable.  On this machine PID 1 is protected even from
# root (then the mount is needed: exit 1); elsewhere the tracer attaches with the host view.
if stat -L /proc/1/ns/mnt >/dev/null 2>&1; then
	check_begin "without /sys/fs/cgroup: the host's view through /proc/1/root"
	name=podcg-e2e-nocg-$suffix
	e2e_defer "${PODMAN[@]}" rm -f -t 0 "$name"
	timeout 60 "${run_base[@]}" --name "$name" --mount type=tmpfs,destination=/sys/fs/cgroup,notmpcopyup \
		"${mnt_btf[@]}" "${sec_caps[@]}" "$IMAGE" --json --duration 1 \
		</dev/null >"$E2E_TMP/nocg.out" 2>"$E2E_TMP/nocg.err"
	rc=$?
	[ "$rc" = 0 ] || check_fail "exit status $rc" "$(tail -5 "$E2E_TMP/nocg.err")"
	grep -q 'host view through /proc/1/root' "$E2E_TMP/nocg.err" ||
		check_fail "$(grep attached "$E2E_TMP/nocg.err")"
	check_end
else
	check_begin "without /sys/fs/cgroup (PID 1 unreadable here): exit 1, says no cgroup filesystem"
	fail_run nocg "cannot find a mounted cgroup filesystem" \
		--mount type=tmpfs,destination=/sys/fs/cgroup,notmpcopyup "${mnt_btf[@]}" "${sec_caps[@]}"
	check_end
fi

# A private cgroup namespace (what containerd gives a pod's container on a cgroup v2 node):
# the host's cgroup mounts, seen from it, no longer start at the hierarchy root, so again only
# the view through /proc/1/root works.
if stat -L /proc/1/ns/mnt >/dev/null 2>&1; then
	check_begin "private cgroup namespace: the host's view through /proc/1/root"
	name=podcg-e2e-cgns-$suffix
	e2e_defer "${PODMAN[@]}" rm -f -t 0 "$name"
	timeout 60 "${run_base[@]}" --cgroupns=private --name "$name" "${mnt_btf[@]}" "${mnt_cg[@]}" \
		"${sec_caps[@]}" "$IMAGE" --json --duration 1 </dev/null >"$E2E_TMP/cgns.out" 2>"$E2E_TMP/cgns.err"
	rc=$?
	[ "$rc" = 0 ] || check_fail "exit status $rc" "$(tail -5 "$E2E_TMP/cgns.err")"
	grep -q 'host view through /proc/1/root' "$E2E_TMP/cgns.err" ||
		check_fail "$(grep attached "$E2E_TMP/cgns.err")"
	check_end
else
	check_begin "private cgroup namespace (PID 1 unreadable here): exit 1, says no cgroup filesystem"
	fail_run cgns "cannot find a mounted cgroup filesystem" --cgroupns=private \
		"${mnt_btf[@]}" "${mnt_cg[@]}" "${sec_caps[@]}"
	check_end
fi

# Why the manifest says seccompProfile: Unconfined: podman's default profile (like older
# Docker/containerd ones) allows bpf() only with CAP_SYS_ADMIN.
check_begin "the runtime's default seccomp profile: exit 1, says the BPF load was refused"
fail_run seccomp "cannot load BPF programs: permission denied" \
	"${mnt_btf[@]}" "${mnt_cg[@]}" --cap-drop=all --cap-add=BPF,PERFMON,SYS_PTRACE,SYS_RESOURCE \
	--security-opt=no-new-privileges
check_end

e2e_finish
