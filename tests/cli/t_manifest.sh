#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_manifest.sh - deploy/podcg-trace.yaml (no root, no cluster): parsed with PyYAML (Debian
# python3-yaml), checked field by field against what the tracer needs (hostPID, the least
# capabilities, read-only host mounts, read-only root, resources from the benchmark,
# tolerations for every taint, JSON to stdout, a bounded rotating recording on a hostPath),
# and its container arguments (and any probe that runs the binary) accepted by the real
# binary's command-line parser.  The image tag must be this VERSION's.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PODCG:-$root/podcg-trace}
manifest=${MANIFEST:-$root/deploy/podcg-trace.yaml}
py=python3
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import yaml' 2>/dev/null && py=/usr/bin/python3
if ! "$py" -c 'import yaml' 2>/dev/null; then
	if [[ ${CI:-} == true ]]; then echo "not ok manifest: python3-yaml missing"; exit 1; fi
	echo "skip manifest (python3-yaml missing: scripts/install-deps.sh)"
	exit 0
fi
tmp=$(mktemp -d /tmp/podcg-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

# One "ok NAME" / "not ok NAME" + "# why" per check; the container's args and the probe
# commands go to $tmp for the binary to parse.
"$py" - "$manifest" "$(cat "$root/VERSION")" "$tmp" <<'EOF' || fail=1
import re, sys, yaml

path, version, tmp = sys.argv[1:4]
failed = False

def check(name, problems):
    global failed
    problems = [p for p in problems if p]
    if problems:
        failed = True
        print(f"not ok manifest_{name}")
        for p in problems:
            print(f"# {p}")
    else:
        print(f"ok manifest_{name}")

def mib(q):
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi)?", str(q))
    if not m:
        return None
    return int(m.group(1)) * {None: 1 / 2**20, "Ki": 1 / 1024, "Mi": 1, "Gi": 1024}[m.group(2)]

def millicores(q):
    m = re.fullmatch(r"(\d+)(m?)", str(q))
    return None if not m else int(m.group(1)) * (1 if m.group(2) else 1000)

with open(path) as f:
    docs = [d for d in yaml.safe_load_all(f) if d]
kinds = {d["kind"]: d for d in docs}
check("documents", [
    f"kinds {sorted(kinds)}, expected Namespace, ServiceAccount, DaemonSet"
    if sorted(kinds) != ["DaemonSet", "Namespace", "ServiceAccount"] else None,
])
ns = kinds["Namespace"]["metadata"]["name"]
sa, ds = kinds["ServiceAccount"], kinds["DaemonSet"]
check("namespace", [
    f"{d['kind']} in namespace {d['metadata'].get('namespace')!r}, expected {ns!r}"
    for d in (sa, ds) if d["metadata"].get("namespace") != ns
] + [None if ds["apiVersion"] == "apps/v1" else f"DaemonSet apiVersion {ds['apiVersion']}"])

spec = ds["spec"]
pod = spec["template"]["spec"]
labels = spec["template"]["metadata"].get("labels", {})
check("selector", [
    None if labels.get("app") == "podcg-trace" else "pods not labelled app=podcg-trace (kubectl logs -l app=podcg-trace)",
    None if all(labels.get(k) == v for k, v in spec["selector"]["matchLabels"].items()) else "selector does not match the pod labels",
])
check("service_account", [
    None if pod.get("serviceAccountName") == sa["metadata"]["name"] else "pod does not use the ServiceAccount",
    None if pod.get("automountServiceAccountToken") is False else "API token mounted (the tracer never uses it)",
])
check("host_namespaces", [
    None if pod.get("hostPID") is True else "hostPID is not true (host PIDs, /proc of the host)",
    "hostNetwork is not needed" if pod.get("hostNetwork") else None,
    "hostIPC is not needed" if pod.get("hostIPC") else None,
])
tol = pod.get("tolerations", [])
check("tolerations", [
    None if any(t.get("operator") == "Exists" and not t.get("key") and not t.get("effect") for t in tol)
    else f"no toleration of every taint (operator: Exists, no key, no effect): {tol}",
])
check("grace_period", [
    None if pod.get("terminationGracePeriodSeconds", 30) >= 5 else "less than 5 s to drain and finish the recording",
])

ctrs = pod["containers"]
c = ctrs[0]
check("image", [
    None if len(ctrs) == 1 else f"{len(ctrs)} containers, expected 1",
    None if c["image"] == f"localhost/podcg-trace:{version}" else f"image {c['image']!r}, expected localhost/podcg-trace:{version} (make image)",
    "command overrides the image's entrypoint" if c.get("command") else None,
])

sc = c.get("securityContext", {})
caps = sc.get("capabilities", {})
want = {"BPF", "PERFMON", "SYS_PTRACE", "SYS_RESOURCE"}
check("capabilities", [
    None if caps.get("drop") == ["ALL"] else f"drop {caps.get('drop')}, expected [ALL]",
    None if set(caps.get("add", [])) == want else f"add {sorted(caps.get('add', []))}, expected exactly {sorted(want)}",
    "privileged (only a fallback for kernels < 5.8)" if sc.get("privileged") else None,
    None if sc.get("allowPrivilegeEscalation") is False else "allowPrivilegeEscalation is not false",
])
check("read_only_root", [None if sc.get("readOnlyRootFilesystem") is True else "readOnlyRootFilesystem is not true"])
ann = spec["template"]["metadata"].get("annotations", {})
check("apparmor", [
    None if ann.get(f"container.apparmor.security.beta.kubernetes.io/{c['name']}") == "unconfined"
    or sc.get("appArmorProfile", {}).get("type") == "Unconfined"
    else "the runtime's default AppArmor profile forbids reading the host's /proc/<pid>/ns and /proc/1/root",
])
check("seccomp", [
    None if sc.get("seccompProfile", {}).get("type") in ("Unconfined", "Localhost")
    else "a RuntimeDefault seccomp profile may forbid bpf() without CAP_SYS_ADMIN (see tests/e2e/t_image.sh)",
])

res = c.get("resources", {})
req, lim = res.get("requests", {}), res.get("limits", {})
mem_req, mem_lim = mib(req.get("memory", "0")), mib(lim.get("memory", "0"))
cpu_lim = millicores(lim["cpu"]) if "cpu" in lim else None
check("resources", [
    None if mem_req and mem_req >= 19 else f"memory request {req.get('memory')} below the 19 MiB measured (RSS + BPF maps)",
    None if mem_lim and mem_lim >= 3 * 19 else f"memory limit {lim.get('memory')} leaves less than 3x the measured 19 MiB",
    None if mem_req and mem_lim and mem_req <= mem_lim else "memory request above the limit",
    None if "cpu" in req else "no cpu request",
    None if cpu_lim is None or cpu_lim >= 500 else f"cpu limit {lim['cpu']} throttles the reader (lost events)",
])

vols = {v["name"]: v for v in pod.get("volumes", [])}
mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
def host_mount(mp, host):
    m = mounts.get(mp)
    if not m:
        return [f"{mp} not mounted"]
    v = vols.get(m["name"], {})
    return [
        None if v.get("hostPath", {}).get("path") == host else f"{mp} is not the host's {host}: {v}",
        None if m.get("readOnly") is True else f"{mp} is not read-only",
    ]
check("mounts", host_mount("/sys/kernel/btf", "/sys/kernel/btf") + host_mount("/sys/fs/cgroup", "/sys/fs/cgroup") + [
    f"volume {m['name']} mounted at {mp} is missing" for mp, m in mounts.items() if m["name"] not in vols
] + ["a /proc volume is not needed with hostPID" if "/proc" in mounts else None])

args = [str(a) for a in c.get("args", [])]
def opt(name):
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None
w = opt("-w") or opt("--write")
rec_mount = next((mp for mp in mounts if w and w.startswith(mp.rstrip("/") + "/")), None)
rec_vol = vols.get(mounts[rec_mount]["name"], {}) if rec_mount else {}
check("json_stdout", [
    None if "--json" in args else "no --json: the log pipeline expects JSON Lines",
    "-q/--quiet turns stdout off" if "-q" in args or "--quiet" in args else None,
])
check("recording", [
    None if w else "no -w recording",
    None if rec_mount else f"-w {w} is not on a mounted volume (the root is read-only)",
    None if rec_vol.get("hostPath") else f"-w {w} is not on a hostPath volume (lost with the pod)",
    None if rec_mount and not mounts[rec_mount].get("readOnly") else "the recording volume is read-only",
    None if (opt("-C") or "").isdigit() and int(opt("-C")) > 0 else f"-C {opt('-C')}: no size bound",
    None if (opt("-W") or "").isdigit() and int(opt("-W")) > 0 else f"-W {opt('-W')}: no bound on the number of files",
    None if "--force" in args else "no --force: a restarted pod would find its files and exit",
])
hf = opt("--health-file")
live = c.get("livenessProbe", {}).get("exec", {}).get("command", [])
hf_mount = next((mp for mp in mounts if hf and hf.startswith(mp.rstrip("/") + "/")), None)
env_node = any(e.get("name") == "NODE_NAME" and
               e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "spec.nodeName"
               for e in c.get("env", []))
check("node_name", [
    None if opt("--node") == "$(NODE_NAME)" else f"--node {opt('--node')}: events would carry the pod's hostname, not the node's",
    None if env_node else "NODE_NAME does not come from spec.nodeName",
])
check("liveness", [
    None if hf else "no --health-file: a stalled loop goes unnoticed",
    None if live[:3] == ["/podcg-trace", "--check-health", hf] else f"livenessProbe {live} does not check the health file {hf}",
    None if hf_mount and "emptyDir" in vols.get(mounts[hf_mount]["name"], {}) else f"the health file {hf} is not on an emptyDir (the root is read-only)",
    None if c.get("livenessProbe", {}).get("periodSeconds", 10) * c.get("livenessProbe", {}).get("failureThreshold", 3) >= 10 else "the probe gives up before the file can age 10 s",
])
if w and (opt("-C") or "").isdigit() and (opt("-W") or "").isdigit():
    print(f"# recording bounded at {int(opt('-C')) * int(opt('-W'))} MB per node")

# as the kubelet passes them: $(VAR) expanded from the environment (a node's name here)
import re
expanded = [re.sub(r"\$\((\w+)\)", lambda m: "worker-1.example" if m.group(1) == "NODE_NAME" else m.group(0), a)
            for a in args]
with open(f"{tmp}/args", "w") as f:
    f.write("\0".join(expanded) + "\0")
probes = []
for p in ("livenessProbe", "readinessProbe", "startupProbe"):
    cmd = c.get(p, {}).get("exec", {}).get("command")
    if cmd and cmd[0] == "/podcg-trace":
        probes.append(cmd[1:])
for i, cmd in enumerate(probes):
    with open(f"{tmp}/probe{i}", "w") as f:
        f.write("\0".join(cmd) + "\0")
print(f"# {len(probes)} probe(s) run the binary")
sys.exit(1 if failed else 0)
EOF

# the binary's own parser accepts what the manifest passes it (--help: parse, then stop)
if [[ ! -x $bin ]]; then
	echo "not ok manifest_args_parse"
	echo "# $bin not built"
	exit 1
fi
for f in "$tmp"/args "$tmp"/probe*; do
	[[ -e $f ]] || continue
	mapfile -d '' -t a <"$f"
	if "$bin" "${a[@]}" --help >/dev/null 2>"$tmp/err"; then
		echo "ok manifest_$(basename "$f")_parse"
	else
		echo "not ok manifest_$(basename "$f")_parse"
		echo "# podcg-trace ${a[*]}: $(head -2 "$tmp/err")"
		fail=1
	fi
done
exit $fail
