#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_timeline.sh - e2e: --timeline and --timeline-svg on a real pod that starts slowly on
# purpose: the pod cgroup, then (0.4 s later) the sandbox's runc create, (0.5 s) its start,
# (0.3 s) app A1's create, (0.6 s) its start, app A2's create, (0.2 s) its start.
#
# Ground truth: the shell's clock read just before and just after each step's command; the
# event lies inside that window, so a duration from step X to step Y lies within
# [before(Y) - after(X), after(Y) - before(X)], widened by TOL_MS for the two clocks.
# Checked: every duration of the live timeline event; it comes live (the settle rule, driven by
# in-band ticks) before the pod is torn down; a replay of the recording gives the same
# timeline line byte for byte, and so does one of a recording made at the same time by a
# second tracer without --timeline (no ticks); the SVG from the replay parses as XML, has a row for the pod and
# one per container, bar widths proportional to the durations (and equal to the JSON's), and
# renders to PNG with rsvg-convert.
. "$(dirname "$0")/lib.sh"
e2e_init t_timeline
e2e_require_tracer python3 rsvg-convert

TOL_MS=5
declare -A B=() A=()
now() { date +%s%N; }
step() { # step NAME command...: runs the command between two clock readings
	local n=$1
	shift
	B[$n]=$(now)
	"$@"
	A[$n]=$(now)
}

rec=$E2E_TMP/rec.pcgt
# a second tracer records the same events without --timeline (so without its ticks)
plain=$E2E_TMP/plain.pcgt
env --default-signal=INT,TERM "$PODCG" -q -w "$plain" --duration 120 </dev/null 2>"$E2E_TMP/plain.err" &
plain_pid=$!
plain_st=$(e2e_starttime "$plain_pid")
_e2e_created proc "$plain_pid" "$plain_st"
e2e_defer _e2e_tracer_cleanup "$plain_pid" "$plain_st"
e2e_wait_until 15 grep -q '^podcg-trace: attached$' "$E2E_TMP/plain.err" ||
	e2e_bail "the plain recorder did not attach: $(cat "$E2E_TMP/plain.err")"
tracer_start --timeline -w "$rec"
step pod pod_create P systemd besteffort
sleep 0.4
step s_cg ctr_create S P containerd -- /bin/sleep 60
sleep 0.5
step s_st ctr_start S
sleep 0.3
step a1_cg ctr_create A1 P containerd --join S -- /bin/sleep 60
sleep 0.6
step a1_st ctr_start A1
step a2_cg ctr_create A2 P containerd --join S -- /bin/sleep 60
sleep 0.2
step a2_st ctr_start A2
uid=${POD_UID[P]}
sel=".event == \"timeline\" and .pod_uid == \"$uid\""

check_begin "the timeline comes live once the pod settled (before it is torn down)"
tracer_wait_for "$sel" 10 || check_fail "no timeline event for pod $uid within 10 s of the last start"
check_end
e2e_teardown
tracer_stop
check_tracer_exit
e2e_kill_recorded "$plain_pid" "$plain_st" INT
wait "$plain_pid"

# the last one: a pod whose next container comes later than the settle time is reported
# again, updated (under heavy load, runc create alone can take that long)
all_tl=$(jq -c "select($sel)" "$E2E_TRACE_OUT")
tl=$(tail -1 <<<"$all_tl")
[ "$(wc -l <<<"$all_tl")" = 1 ] || e2e_diag "note: $(wc -l <<<"$all_tl") timeline events for the pod (reported early, then updated)"
# window NAME_FROM NAME_TO GOT_MS: GOT_MS within the ground-truth window
window() {
	local x=$1 y=$2 got=$3 what=$4 lo hi
	lo=$(((B[$y] - A[$x]) / 1000000 - TOL_MS))
	hi=$(((A[$y] - B[$x]) / 1000000 + TOL_MS))
	if [ "$got" = null ] || [ -z "$got" ] || ! awk -v g="$got" -v l="$lo" -v h="$hi" 'BEGIN { exit !(g >= l && g <= h) }'; then
		check_fail "$what: $got ms, expected $lo..$hi ms"
	fi
	e2e_log "$what: $got ms in [$lo, $hi]"
}
ctr_ms() { jq -r --arg c "${CTR_ID[$1]}" ".containers[] | select(.container_id == \$c) | .$2" <<<"$tl"; }

check_begin "durations match the steps' real timing (+-${TOL_MS} ms)"
if [ -z "$tl" ]; then
	check_fail "no timeline event for the pod"
else
	jq -e '.complete == true and .pod_cgroup_seen == true and .containers_started == 3 and
		.qos == "besteffort" and .driver == "systemd"' <<<"$tl" >/dev/null || check_fail "header: $tl"
	[ "$(ctr_ms S role)/$(ctr_ms A1 role)/$(ctr_ms A2 role)" = sandbox/app/app ] || check_fail "roles: $tl"
	window pod s_cg "$(ctr_ms S cgroup_ms)" "sandbox cgroup after the pod cgroup"
	window pod s_st "$(ctr_ms S start_ms)" "sandbox start after the pod cgroup"
	window pod a1_cg "$(ctr_ms A1 cgroup_ms)" "A1 cgroup after the pod cgroup"
	window pod a1_st "$(ctr_ms A1 start_ms)" "A1 start after the pod cgroup"
	window pod a2_cg "$(ctr_ms A2 cgroup_ms)" "A2 cgroup after the pod cgroup"
	window pod a2_st "$(ctr_ms A2 start_ms)" "A2 start after the pod cgroup"
	window a1_cg a1_st "$(ctr_ms A1 cgroup_to_start_ms)" "A1 cgroup to start"
	window pod s_cg "$(jq -r .steps_ms.pod_cgroup_to_sandbox_cgroup <<<"$tl")" pod_cgroup_to_sandbox_cgroup
	window s_cg s_st "$(jq -r .steps_ms.sandbox_cgroup_to_start <<<"$tl")" sandbox_cgroup_to_start
	window s_st a1_cg "$(jq -r .steps_ms.sandbox_start_to_first_app_cgroup <<<"$tl")" sandbox_start_to_first_app_cgroup
	# the slowest app is A1 (0.6 s between its create and start)
	window a1_cg a1_st "$(jq -r .steps_ms.app_cgroup_to_start <<<"$tl")" app_cgroup_to_start
	window s_st a2_st "$(jq -r .steps_ms.sandbox_start_to_last_app_start <<<"$tl")" sandbox_start_to_last_app_start
	window pod a2_st "$(jq -r .total_ms <<<"$tl")" total_ms
fi
jq -e 'select(.event == "timeline_summary") | .pods >= 1 and .complete >= 1 and .total_ms.max > 0' \
	"$E2E_TRACE_OUT" >/dev/null || check_fail "no timeline_summary at exit: $(tail -2 "$E2E_TRACE_OUT")"
jq -e 'select(.event != "timeline" and .event != "timeline_summary")' "$E2E_TRACE_OUT" >/dev/null &&
	check_fail "--timeline printed other events: $(jq -c .event "$E2E_TRACE_OUT" | sort | uniq -c | tr '\n' ' ')"
check_end

svg=$E2E_TMP/timeline.svg
check_begin "replay -r FILE --timeline gives the same timeline"
"$PODCG" -r "$rec" --timeline --json --timeline-svg "$svg" >"$E2E_TMP/replay.jsonl" 2>"$E2E_TMP/replay.err" ||
	check_fail "replay failed: $(cat "$E2E_TMP/replay.err")"
rtl=$(jq -c "select($sel)" "$E2E_TMP/replay.jsonl")
[ -n "$tl" ] && [ "$rtl" = "$all_tl" ] || check_fail "replay differs:" "live:   $all_tl" "replay: $rtl"
"$PODCG" -r "$rec" --timeline >"$E2E_TMP/replay.txt" 2>&1
# (the text prints three decimals; jq prints a JSON number without trailing zeros, 4511.61
# for 4511.610, so the JSON value is formatted the same way before comparing)
want=$(jq -r '.total_ms' <<<"$tl" | awk '{ printf "%.3f", $1 }')
grep -q "^timeline pod $uid besteffort systemd: running after $want ms (3 containers)$" "$E2E_TMP/replay.txt" ||
	check_fail "text replay: $(grep "$uid" "$E2E_TMP/replay.txt")"
grep -q '^timeline summary: ' "$E2E_TMP/replay.txt" || check_fail "no text summary"
# a recording made without --timeline replays to the same timeline
"$PODCG" -r "$plain" --timeline --json >"$E2E_TMP/plain.jsonl" 2>>"$E2E_TMP/replay.err" ||
	check_fail "replay of the plain recording failed: $(cat "$E2E_TMP/replay.err")"
# (two tracers stamp the same kernel event one after the other, microseconds apart, but the
# first one's wakeup of its reader (irq_work, an IPI) or the host descheduling this VM's vCPU
# can come between them: a container's first exec came 0.24 ms apart once; equal within 2 ms)
ptl=$(jq -c "select($sel)" "$E2E_TMP/plain.jsonl")
python3 - "$all_tl" "$ptl" >"$E2E_TMP/plain.cmp" 2>&1 <<'PY' || check_fail "replay of a recording made without --timeline differs:" "$(cat "$E2E_TMP/plain.cmp")" "live:  $all_tl" "plain: $ptl"
import json, sys
a = [json.loads(l) for l in sys.argv[1].splitlines() if l]
b = [json.loads(l) for l in sys.argv[2].splitlines() if l]
assert len(a) == len(b), ("reports", len(a), len(b))
def same(x, y, path):
    if isinstance(x, float) or isinstance(y, float):
        assert abs(x - y) < 2, (path, x, y)
    elif isinstance(x, dict):
        assert sorted(x) == sorted(y), (path, sorted(x), sorted(y))
        for k in x:
            if k not in ("ts", "t0"):
                same(x[k], y[k], path + "." + k)
    elif isinstance(x, list):
        assert len(x) == len(y), (path, len(x), len(y))
        for i, (u, v) in enumerate(zip(x, y)):
            same(u, v, "%s[%d]" % (path, i))
    else:
        assert x == y, (path, x, y)
for x, y in zip(a, b):
    same(x, y, "")
PY
check_end

check_begin "the SVG parses, a row per pod and container, bars proportional, renders to PNG"
if ! python3 - "$svg" "$uid" "$tl" "${CTR_ID[S]}" "${CTR_ID[A1]}" "${CTR_ID[A2]}" >"$E2E_TMP/svg.log" 2>&1 <<'EOF'; then
import json, sys, xml.etree.ElementTree as ET
svg, uid, tl, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4:]
S = '{http://www.w3.org/2000/svg}'
root = ET.parse(svg).getroot()
assert root.tag == S + 'svg', root.tag
px = float(root.get('data-px-per-ms'))
rows = [g for g in root.iter(S + 'g') if g.get('class') == 'row' and g.get('data-pod') == uid]
roles = [g.get('data-role') for g in rows]
assert roles == ['pod', 'sandbox', 'app', 'app'], roles
assert [g.get('data-container') for g in rows[1:]] == ids, [g.get('data-container') for g in rows]
bars = 0
for rect in root.iter(S + 'rect'):
    if not (rect.get('class') or '').startswith('bar'):
        continue
    ms, w = float(rect.get('data-ms')), float(rect.get('width'))
    assert abs(w - ms * px) < 0.01, (ms, w, px)
    bars += 1
steps = {r.get('data-step'): float(r.get('data-ms')) for r in rows[0].iter(S + 'rect')}
for k in ('pod_cgroup_to_sandbox_cgroup', 'sandbox_cgroup_to_start', 'sandbox_start_to_last_app_start'):
    assert abs(steps[k] - tl['steps_ms'][k]) < 0.001, (k, steps[k], tl['steps_ms'][k])
for g in rows[1:]:
    c = [c for c in tl['containers'] if c['container_id'] == g.get('data-container')][0]
    bar = [r for r in g.iter(S + 'rect')][0]
    assert abs(float(bar.get('data-ms')) - c['cgroup_to_start_ms']) < 0.001, (bar.get('data-ms'), c)
    assert len([l for l in g.iter(S + 'line') if 'start' in l.get('class')]) == 1
# widths are proportional across rows: the sandbox's start-up bar is to A1's as the durations
print('ok', len(rows), 'rows', bars, 'bars, px/ms', px)
EOF
	check_fail "SVG check failed:" "$(cat "$E2E_TMP/svg.log")"
fi
rsvg-convert -f png -o "$E2E_TMP/timeline.png" "$svg" 2>"$E2E_TMP/rsvg.err" || check_fail "rsvg-convert: $(cat "$E2E_TMP/rsvg.err")"
[ "$(head -c 8 "$E2E_TMP/timeline.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	check_fail "rsvg-convert did not write a PNG"
[ -n "${E2E_TIMELINE_PNG:-}" ] && cp "$E2E_TMP/timeline.png" "$E2E_TIMELINE_PNG"
check_end
e2e_finish
