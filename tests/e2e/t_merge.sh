#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# t_merge.sh - e2e: several recordings replay as one stream (-r A -r B, a directory, a rotated
# set).  Recordings are made here by separate runs of the real tracer with different node names
# (--node): the merged replay tags every event with its node, puts the runs in time order, keeps
# each node's own stream exactly as its live output, and reports a damaged or foreign input by
# name while the rest still merges.
. "$(dirname "$0")/lib.sh"
e2e_init t_merge
e2e_require_tracer
command -v python3 >/dev/null || e2e_bail "python3 is needed"

# Run 1, node n1: pod P1 starts while it traces.
tracer_start --node n1 -w "$E2E_TMP/n1.pcgt"
pod_create P1 systemd besteffort
ctr_create S1 P1 containerd -- /bin/sleep 60
ctr_start S1
ctr_exec S1 X1 -- /bin/sleep 0.3
ctr_exec_wait S1 "$X1"
tracer_wait_for ".event == \"exec\" and .pid == $X1" 3 || true
tracer_stop
cp "$E2E_TRACE_OUT" "$E2E_TMP/n1.live"
[ "$E2E_TRACER_RC" = 0 ] || e2e_bail "run 1 tracer exited $E2E_TRACER_RC: $(tail -5 "$E2E_TRACE_ERR")"

# Run 2, node n2 (later): P1 exists, pod P2 starts.
tracer_start --node n2 -w "$E2E_TMP/n2.pcgt"
pod_create P2 cgroupfs burstable
ctr_create S2 P2 containerd -- /bin/sh -c 'exit 3'
ctr_start S2
ctr_wait_stopped S2
tracer_wait_for ".event == \"exit\"" 3 || true
tracer_stop
cp "$E2E_TRACE_OUT" "$E2E_TMP/n2.live"
[ "$E2E_TRACER_RC" = 0 ] || e2e_bail "run 2 tracer exited $E2E_TRACER_RC: $(tail -5 "$E2E_TRACE_ERR")"

# Run 3, two tracers at once (nodes n3 and n4) while a pod comes and goes, to merge
# interleaved streams.
env --default-signal=INT,TERM "$PODCG" --json -q --node n3 -w "$E2E_TMP/n3.pcgt" --duration 60 \
	</dev/null 2>"$E2E_TMP/n3.err" &
N3_PID=$!
N3_ST=$(e2e_starttime "$N3_PID")
e2e_defer _e2e_tracer_cleanup "$N3_PID" "$N3_ST"
e2e_wait_until 15 grep -q '^podcg-trace: attached' "$E2E_TMP/n3.err" || e2e_bail "n3 did not attach"
tracer_start --node n4 -w "$E2E_TMP/n4.pcgt"
pod_create P3 systemd guaranteed
ctr_create S3 P3 crio -- /bin/sleep 0.2
ctr_start S3
ctr_wait_stopped S3
e2e_teardown
tracer_wait_pods_removed 5 || true
sleep 0.3
e2e_kill_recorded "$N3_PID" "$N3_ST" INT
tracer_stop
wait "$N3_PID"
n3rc=$?

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
chmod 644 "$E2E_TMP"/n*.pcgt

check_begin "two runs merge in time order, every event tagged with its node"
as_nobody "$PODCG" -r "$E2E_TMP/n2.pcgt" -r "$E2E_TMP/n1.pcgt" --json >"$E2E_TMP/m12.jsonl" \
	2>"$E2E_TMP/m12.err" || check_fail "merge exited $?: $(head -3 "$E2E_TMP/m12.err")"
# run 1 ended before run 2 began: the merge is n1's stream, then n2's, whatever the -r order
cat "$E2E_TMP/n1.live" "$E2E_TMP/n2.live" >"$E2E_TMP/m12.want"
cmp -s "$E2E_TMP/m12.want" "$E2E_TMP/m12.jsonl" ||
	check_fail "merge != n1's live output then n2's:" "$(diff "$E2E_TMP/m12.want" "$E2E_TMP/m12.jsonl" | head -6)"
[ "$(jq -r .node "$E2E_TMP/n1.live" | sort -u)" = n1 ] || check_fail "run 1's events are not all node n1"
[ "$(jq -r .node "$E2E_TMP/n2.live" | sort -u)" = n2 ] || check_fail "run 2's events are not all node n2"
c1=$(jq -r --arg c "${CTR_ID[S1]}" 'select(.event == "container_start" and .container_id == $c) | .node' "$E2E_TMP/m12.jsonl")
[ "$c1" = n1 ] || check_fail "P1's container_start is tagged '$c1', not n1"
c2=$(jq -r --arg c "${CTR_ID[S2]}" 'select(.event == "exit" and .container_id == $c) | "\(.node) \(.exit_code)"' "$E2E_TMP/m12.jsonl")
[ "$c2" = "n2 3" ] || check_fail "P2's exit is '$c2', expected 'n2 3'"
[ "$(wc -l <"$E2E_TMP/m12.jsonl")" -ge 8 ] || check_fail "too few lines merged"
check_end

check_begin "interleaved runs: a time-ordered merge of each node's own live stream"
as_nobody "$PODCG" -r "$E2E_TMP/n3.pcgt" -r "$E2E_TMP/n4.pcgt" --json >"$E2E_TMP/m34.jsonl" \
	2>"$E2E_TMP/m34.err" || check_fail "merge exited $?: $(head -3 "$E2E_TMP/m34.err")"
[ "$n3rc" = 0 ] || check_fail "the n3 tracer exited $n3rc"
"$PODCG" -r "$E2E_TMP/n3.pcgt" --json >"$E2E_TMP/n3.jsonl" 2>/dev/null
out=$(python3 - "$E2E_TMP/m34.jsonl" "$E2E_TMP/n3.jsonl" "$E2E_TRACE_OUT" "${CTR_ID[S3]}" <<'EOF'
import json, sys
from datetime import datetime
def load(p): return [l for l in open(p) if l.strip()]
def ts(l):
    s = json.loads(l)["ts"]  # RFC 3339 with ns: compare as (seconds, ns)
    sec, frac = s[:-1].split(".")
    return (datetime.strptime(sec, "%Y-%m-%dT%H:%M:%S").timestamp(), int(frac))
merged, n3, n4 = load(sys.argv[1]), load(sys.argv[2]), load(sys.argv[3])
bad = []
for node, own in (("n3", n3), ("n4", n4)):
    sub = [l for l in merged if json.loads(l)["node"] == node]
    if sub != own:
        bad.append(f"{node}'s lines in the merge differ from its own stream ({len(sub)} vs {len(own)})")
# the k-way merge by time of the two streams, earliest head first (n3's on a tie: first -r)
i = j = 0; want = []
while i < len(n3) or j < len(n4):
    if j == len(n4) or (i < len(n3) and ts(n3[i]) <= ts(n4[j])):
        want.append(n3[i]); i += 1
    else:
        want.append(n4[j]); j += 1
if want != merged:
    k = next((k for k, (a, b) in enumerate(zip(want, merged)) if a != b), min(len(want), len(merged)))
    bad.append(f"not in time order from line {k + 1}")
starts = [json.loads(l)["node"] for l in merged
          if json.loads(l)["event"] == "container_start" and json.loads(l).get("container_id") == sys.argv[4]]
if sorted(starts) != ["n3", "n4"]:
    bad.append(f"P3's container_start seen by {starts}, expected once per node")
print("\n".join(bad))
EOF
)
[ -z "$out" ] || check_fail "$out"
check_end

check_begin "a directory of recordings, one of them cut, one not a recording"
mkdir -p "$E2E_TMP/dir"
cp "$E2E_TMP/n1.pcgt" "$E2E_TMP/dir/a.pcgt"
# cut two thirds into what follows the header (its length is at byte 12, after 24 bytes)
size=$(stat -c %s "$E2E_TMP/n2.pcgt")
hdr_end=$((24 + $(od -An -tu4 -j12 -N4 "$E2E_TMP/n2.pcgt")))
head -c $((hdr_end + (size - hdr_end) * 2 / 3)) "$E2E_TMP/n2.pcgt" >"$E2E_TMP/dir/b.pcgt"
echo "not a recording" >"$E2E_TMP/dir/notes.txt"
chmod -R a+rX "$E2E_TMP/dir"
as_nobody "$PODCG" -r "$E2E_TMP/dir" --json >"$E2E_TMP/mdir.jsonl" 2>"$E2E_TMP/mdir.err"
rc=$?
[ "$rc" = 1 ] || check_fail "exit $rc, expected 1 (one input could not be read at all)"
grep -q "notes.txt': not a podcg-trace recording" "$E2E_TMP/mdir.err" ||
	check_fail "the foreign file is not named: $(cat "$E2E_TMP/mdir.err")"
grep -q "b.pcgt' damaged" "$E2E_TMP/mdir.err" ||
	check_fail "the cut file's damage is not reported by name: $(cat "$E2E_TMP/mdir.err")"
head -n "$(wc -l <"$E2E_TMP/n1.live")" "$E2E_TMP/mdir.jsonl" | cmp -s - "$E2E_TMP/n1.live" ||
	check_fail "the intact recording did not merge whole"
nb=$(jq -r 'select(.node == "n2") | .event' "$E2E_TMP/mdir.jsonl" | wc -l)
[ "$nb" -ge 1 ] || check_fail "nothing of the cut recording was merged"
jq -e . "$E2E_TMP/mdir.jsonl" >/dev/null 2>&1 || check_fail "the merged output is not valid JSON Lines"
check_end

check_begin "a rotated set (a directory) replays as the live output of its one run"
mkdir -p "$E2E_TMP/rot"
tracer_start --node n5 --all -w "$E2E_TMP/rot/r" -C 2k
pod_create P4 systemd besteffort
ctr_create S4 P4 docker -- /bin/sh -c 'i=0; while [ $i -lt 200 ]; do /bin/true $i; i=$((i+1)); done'
# files rotate while S4 is made but not started: their snapshots must not start it
e2e_exec_storm 300
ctr_start S4
# and 200 kubelet-like cycles (tests/bench/cgstorm.c) whose waiting child is no runc process
# (as with other runtimes): rotations between their mkdir and their first exec
gcc -O2 -static "$E2E_REPO_ROOT/tests/bench/cgstorm.c" -o "$E2E_TMP/cgstorm" ||
	e2e_bail "cannot build tests/bench/cgstorm.c"
storm_top=podcg-e2e-merge-$$-$RANDOM
"$E2E_TMP/cgstorm" -t "$storm_top" -b "$E2E_STORM_TRUE" -n 200 >/dev/null ||
	check_fail "cgstorm failed"
ctr_wait_stopped S4
e2e_teardown
tracer_wait_pods_removed 5 || true
tracer_stop
nfiles=$(ls "$E2E_TMP/rot" | wc -l)
[ "$nfiles" -ge 3 ] || check_fail "only $nfiles rotated files: the run recorded too little" "$(ls -l "$E2E_TMP/rot")"
chmod -R a+rX "$E2E_TMP/rot"
jq_events ".event == \"container_start\" and .container_id == \"${CTR_ID[S4]}\"" | grep -q . ||
	check_fail "no live container_start for S4"
n=$(jq_events ".event == \"container_start\" and (.cgroup | startswith(\"/$storm_top/\"))" | wc -l)
[ "$n" = 200 ] || check_fail "$n live container_start lines of the 200 cgstorm containers"
as_nobody "$PODCG" -r "$E2E_TMP/rot" --json >"$E2E_TMP/mrot.jsonl" 2>"$E2E_TMP/mrot.err" ||
	check_fail "replay of the set exited $?: $(head -3 "$E2E_TMP/mrot.err")"
cmp -s "$E2E_TRACE_OUT" "$E2E_TMP/mrot.jsonl" ||
	check_fail "the set's replay differs from the live output:" "$(diff "$E2E_TRACE_OUT" "$E2E_TMP/mrot.jsonl" | head -6)"
check_end

check_begin "text output of several nodes has a NODE column"
"$PODCG" -r "$E2E_TMP/n1.pcgt" -r "$E2E_TMP/n2.pcgt" >"$E2E_TMP/m12.txt" 2>/dev/null
head -1 "$E2E_TMP/m12.txt" | grep -q '^NODE ' || check_fail "no NODE column: $(head -1 "$E2E_TMP/m12.txt")"
grep -q '^n1 .*container_start' "$E2E_TMP/m12.txt" || check_fail "no n1 container_start line"
grep -q '^n2 .*exit' "$E2E_TMP/m12.txt" || check_fail "no n2 exit line"
check_end

check_begin "--timeline of several recordings: each node's own timelines, one summary of all"
# n1 + n2 (two nodes), and n3 + n4 (the same pod P3 seen by two tracers: one timeline each)
for set in "n1 n2" "n3 n4"; do
	set -- $set
	"$PODCG" -r "$E2E_TMP/$1.pcgt" -r "$E2E_TMP/$2.pcgt" --timeline --json \
		>"$E2E_TMP/tl.jsonl" 2>"$E2E_TMP/tl.err" || check_fail "merged --timeline of $1 $2 exited $?"
	: >"$E2E_TMP/tl.sep"
	for n in "$1" "$2"; do
		"$PODCG" -r "$E2E_TMP/$n.pcgt" --timeline --json 2>/dev/null |
			jq -c 'select(.event == "timeline")' >>"$E2E_TMP/tl.sep"
	done
	jq -c 'select(.event == "timeline")' "$E2E_TMP/tl.jsonl" | sort >"$E2E_TMP/tl.a"
	sort "$E2E_TMP/tl.sep" >"$E2E_TMP/tl.b"
	[ -s "$E2E_TMP/tl.a" ] || check_fail "$1 + $2: no timeline"
	cmp -s "$E2E_TMP/tl.a" "$E2E_TMP/tl.b" ||
		check_fail "$1 + $2: the merged timelines are not each node's own:" \
			"$(diff "$E2E_TMP/tl.a" "$E2E_TMP/tl.b" | head -4)"
	[ "$(jq -c 'select(.event == "timeline_summary") | .nodes' "$E2E_TMP/tl.jsonl")" = "[\"$1\",\"$2\"]" ] ||
		check_fail "$1 + $2: not one summary naming both nodes:" "$(grep summary "$E2E_TMP/tl.jsonl")"
	pods=$(jq -s 'map(select(.event == "timeline_summary"))[0].pods' "$E2E_TMP/tl.jsonl")
	[ "$pods" = "$(wc -l <"$E2E_TMP/tl.b")" ] ||
		check_fail "$1 + $2: the summary counts $pods pods, the nodes' timelines $(wc -l <"$E2E_TMP/tl.b")"
done
uid=${POD_UID[P3]}
[ "$(jq -r --arg u "$uid" 'select(.event == "timeline" and .pod_uid == $u) | .node' \
	"$E2E_TMP/tl.jsonl" | sort | tr '\n' ' ')" = "n3 n4 " ] ||
	check_fail "P3 is not timed once per node"
check_end

e2e_finish
