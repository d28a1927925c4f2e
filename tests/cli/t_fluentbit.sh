#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_fluentbit.sh - deploy/fluent-bit.conf's parse steps on real podcg-trace output (no root;
# Fluent Bit is not in Debian 12, so tests/cli/fluentbit_check.py runs the config's steps):
# the golden recording replayed by the real binary, its JSON Lines written into a kubelet-named
# CRI log with the tracer's stderr lines in between and long lines split into "P" parts, as
# the runtime writes it (tests/e2e/t_image.sh does the same with the log podman's conmon wrote).  Every event
# must come out as one record equal to the event, timed by its "ts" to the nanosecond, with
# the node's name added; the stderr lines must not.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PODCG:-$root/podcg-trace}
tmp=$(mktemp -d /tmp/podcg-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
py=python3
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import yaml' 2>/dev/null && py=/usr/bin/python3
if ! "$py" -c 'import yaml' 2>/dev/null; then
	if [[ ${CI:-} == true ]]; then echo "not ok fluentbit: python3-yaml missing"; exit 1; fi
	echo "skip fluentbit (python3-yaml missing: scripts/install-deps.sh)"
	exit 0
fi

if ! "$bin" -r "$root/tests/golden/hybrid-besteffort-pod.pcgt" --json >"$tmp/events.jsonl" 2>"$tmp/err"; then
	echo "not ok fluentbit_replay"
	echo "# $(head -3 "$tmp/err")"
	exit 1
fi
# the CRI log: "<time> <stream> F <line>", stderr first and last as the live tracer prints
{
	cri() { printf '%s %s F %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "$1" "$2"; }
	cri stderr "podcg-trace: attached in 90 ms (cgroup hybrid, hierarchies traced: 0x11, key v1 hierarchy 4)"
	cri stderr "podcg-trace: attached"
	# a line longer than the runtime's read buffer comes as "P" parts and a last "F" part
	# (conmon: 8 KiB, containerd: 16 KiB; here 200 bytes, so most lines are split)
	while IFS= read -r l; do
		while ((${#l} > 200)); do
			printf '%s stdout P %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "${l:0:200}"
			l=${l:200}
		done
		cri stdout "$l"
	done <"$tmp/events.jsonl"
	while IFS= read -r l; do cri stderr "$l"; done <"$tmp/err"
	cri stderr "podcg-trace: $(wc -l <"$tmp/events.jsonl") events, 40 records, 0 lost"
} >"$tmp/cri.log"
# the name the kubelet gives the DaemonSet's log: <pod>_<namespace>_<container>-<id>.log
log_name=$("$py" -c '
import sys, yaml
ds = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "DaemonSet")
c = ds["spec"]["template"]["spec"]["containers"][0]["name"]
m = ds["metadata"]
print("%s-x7k2q_%s_%s-%s.log" % (m["name"], m["namespace"], c, "a" * 64))
' "$root/deploy/podcg-trace.yaml") || { echo "not ok fluentbit_manifest"; exit 1; }
NODE_NAME=node-a "$py" "$root/tests/cli/fluentbit_check.py" fluentbit "$root/deploy/fluent-bit.conf" \
	"$tmp/cri.log" "$tmp/events.jsonl" "$log_name"
