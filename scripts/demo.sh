#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# demo.sh - trace a real demo pod: start podcg-trace, start one pod (runc + busybox-static,
# systemd-style kubepods names) with scripts/demo-pod.sh, show what the tracer printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [[ $(id -u) -ne 0 ]]; then
	echo "demo: run as root (BPF and containers need it)" >&2
	exit 1
fi
out=$(mktemp -d /tmp/podcg-demo.XXXXXX)
tracer=
cleanup() {
	[[ -n $tracer ]] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT
./podcg-trace >"$out/trace.txt" 2>"$out/trace.err" &
tracer=$!
for _ in $(seq 100); do grep -q '^podcg-trace: attached$' "$out/trace.err" && break; sleep 0.1; done
grep -q '^podcg-trace: attached$' "$out/trace.err" || { cat "$out/trace.err" >&2; exit 1; }
echo "demo: tracer attached ($(head -1 "$out/trace.err" | sed 's/^podcg-trace: //'))"
echo "demo: starting a demo pod (sandbox + one app container) with runc..."
scripts/demo-pod.sh | tee "$out/pod.txt"
sleep 0.5
kill -INT "$tracer"
wait "$tracer" || true
tracer=
uid=$(sed -n 's/^demo-pod: pod \([0-9a-f-]\{36\}\) .*/\1/p' "$out/pod.txt" | head -1)
echo
echo "demo: what podcg-trace printed for pod $uid:"
echo
# the node may run other pods: show the demo pod's lines (the POD column has 8 characters)
awk -v p="${uid:0:8}" 'NR == 1 || $3 == p' "$out/trace.txt"
others=$(awk -v p="${uid:0:8}" 'NR > 1 && $3 != p' "$out/trace.txt" | wc -l)
((others == 0)) || echo "($others lines about other pods on this node not shown)"
echo
tail -1 "$out/trace.err"
