#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# bench.sh - overhead benchmark (`make bench`, root): podcg-trace side by side with bpftrace and
# perf on an exec storm and a container churn, in one interleaved run, reported as ratios.
#
# One run does, in this order:
#   1. the matrix: REPS interleaved repetitions (tracer order rotated and, every other repetition,
#      reversed; workload order alternated)
#      of {no tracer, podcg-trace --json, podcg-trace --json --all, the poll floor, bpftrace,
#      perf record} x {exec, cg}; per run: workload rate, events captured vs expected, tracer
#      CPU (schedstat, all threads) from after start-up to the end of the drain, peak RSS
#      (VmHWM), start-up, stop time, output bytes per record, lost events;
#   2. in-kernel cost: a separate pass with kernel.bpf_stats_enabled=1 (restored after),
#      run_time_ns/run_cnt per BPF program of the tracer's own programs (found through
#      /proc/PID/fdinfo), on both workloads, and of three empty tp_btf programs on the process
#      tracepoints (tests/bench/emptyprog.bpf.c: what any program there costs) during `exec`;
#   3. recording: bytes per event of a -w recording against the same session's JSON, and replay
#      speed (podcg-trace -r FILE --json > /dev/null) of it and of a big one (--all
#      --all-hierarchies), each made during a `cg` churn twice the matrix's;
#   4. latency: mkdir -> container_create and exec -> container_start lines visible in the
#      tracer's output file (tests/bench/cgstorm.c -L), p50/p90/p99/max;
#   5. scale: SCALE_N containers created and held (cgroups only) while podcg-trace --json
#      runs: its RSS, its CPU per mkdir event while they are made, and its CPU per event of
#      a churn of SCALE_CHURN containers beside them;
# then prints a Markdown report and writes it to .output/bench/results.md (raw rows beside it).
#
# Workloads (built here with gcc -O2 -static into .output/bench/):
#   exec  tests/bench/execstorm.c: fork+exec+wait of a libc-free static `bench_true`, copied to a
#         path unique to this run, so only this run's execs are counted;
#   cg    tests/bench/cgstorm.c: a kubelet-like container cycle in every mounted hierarchy,
#         below a top cgroup `podcgbench-<run id>-...` unique to each workload run.
# The poll floor (tests/bench/pollfloor.c) is a "tracer" that only wakes every 1 ms during `cg`
# and every 20 ms during `exec` and reads nothing: its CPU per event is what looking that often
# costs on this machine: podcg-trace's own poll in both (during `cg` the kernel would wake it
# more than 100 times a second, and it polls every 1 ms instead; during `exec` only process
# records flow, --all, and it polls every 20 ms).
#
# Environment:
#   REPS=5            interleaved repetitions
#   TARGET_S=3        size the workloads so that one no-tracer run takes about this long
#   EXEC_N, CG_N      or set the sizes directly (execs, containers)
#   TRACERS="none podcg podcg-all floor bpftrace perf"   (none is always run: the baseline)
#   BPFSTATS=1 RECORD=1 LATENCY=1 SCALE=1          0 skips that pass
#   SCALE_N=20000     containers held in the scale pass (pod + container cgroups in cgroup2 and
#                     the key v1 hierarchy, no processes); SCALE_CHURN containers churned
#                     beside them (default: the matrix's `cg` size, so that the two compare)
#   LAT_N=500         containers in the latency pass (10 ms apart; p99 is the 5th worst)
#   LAT_SPARSE_N=40   ... and then 200 ms apart, as a node mostly sees them (the reader is
#                     woken by the kernel then, where it polls every 1 ms at 10 ms apart)
#   KEEP=0            1 keeps the per-run outputs (in /tmp/podcgbench-<id>.*, so that a concurrent
#                     `make clean` cannot pull the ground from under a run)
#   PODCG=./podcg-trace
#
# Hygiene: only cgroups below this run's own podcgbench-<id>-* tops are created or removed, only
# processes this script started (recorded pid + start time) are ever signalled, the script itself
# never joins a test cgroup (only the workloads' forked children do), and an EXIT/INT/TERM/HUP
# trap stops what it started, removes what it created, restores kernel.bpf_stats_enabled and
# unmounts tracefs if it mounted it.  A tool that cannot be installed is skipped with a note.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
BOUT=$ROOT/.output/bench
PODCG=${PODCG:-$ROOT/podcg-trace}
REPS=${REPS:-5}
TARGET_S=${TARGET_S:-3}
EXEC_N=${EXEC_N:-}
CG_N=${CG_N:-}
TRACERS=${TRACERS:-"none podcg podcg-all floor bpftrace perf"}
BPFSTATS=${BPFSTATS:-1}
RECORD=${RECORD:-1}
LATENCY=${LATENCY:-1}
LAT_N=${LAT_N:-500}
LAT_SPARSE_N=${LAT_SPARSE_N:-40}
SCALE=${SCALE:-1}
SCALE_N=${SCALE_N:-20000}
SCALE_CHURN=${SCALE_CHURN:-} # default: CG_N, once calibrated
KEEP=${KEEP:-0}

RUNID=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
TOPBASE=podcgbench-$RUNID
WORK= # scratch of this run, /tmp/podcgbench-<id>.XXXXXX; the raw rows go to $BOUT at the end
RUNS=runs.tsv            # one row per matrix run
BPFS=bpfstats.tsv        # one row per (tracer, workload, BPF program)
REC=record.tsv           # recording / replay
LAT=latency.txt          # cgstorm -L output
SCALEF=scale.txt         # scale pass: one key=value line
RESULTS=$BOUT/results.md
T_START=$EPOCHREALTIME
RUN_DATE=$(date -u +%Y-%m-%dT%H:%MZ)

NOTES=()          # lines for the report's notes section
declare -A BG=()  # pid -> start time (field 22 of /proc/PID/stat) of what we started
OLD_BPF_STATS=
MOUNTED_TRACEFS=0

log() { printf 'bench: %s\n' "$*" >&2; }
note() { NOTES+=("$*"); log "note: $*"; }
die() { log "error: $*"; exit 1; }

# a sleep without fork: read with timeout on a pipe that never has data
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD" _ || :; }

fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }

# state and start time (clock ticks since boot) of a pid into PS_STATE and PS_START ("" if it
# is gone), without forking: it runs in the polling loops
pstat() {
	local s
	PS_STATE='' PS_START=''
	read -r s 2>/dev/null <"/proc/$1/stat" || return 0
	s=${s##*) }
	set -- $s
	PS_STATE=$1 PS_START=${20}
}
remember() {
	pstat "$1"
	BG[$1]=$PS_START
}
forget() { unset "BG[$1]"; }
# alive and not a zombie, and still the process we started
alive() {
	[ -n "${BG[$1]:-}" ] || return 1
	pstat "$1"
	[ "$PS_START" = "${BG[$1]}" ] && [ "$PS_STATE" != Z ]
}
# signal a process we started (pid + start time match), never anything else
signal_ours() {
	local pid=$1 sig=$2
	[ -n "${BG[$pid]:-}" ] || return 0
	pstat "$pid"
	[ "$PS_START" = "${BG[$pid]}" ] && kill "-$sig" "$pid" 2>/dev/null
	return 0
}
# SIGINT (or $2), wait up to $3 s (default 30), then SIGKILL; reaps; sets STOP_S and STOP_RC
stop_ours() {
	local pid=$1 sig=${2:-INT} tmo=${3:-30} t0=$EPOCHREALTIME i
	STOP_RC=
	signal_ours "$pid" "$sig"
	for ((i = 0; i < tmo * 100; i++)); do
		alive "$pid" || break
		nap 0.01
	done
	if alive "$pid"; then
		signal_ours "$pid" KILL
		STOP_RC=killed
	fi
	wait "$pid" 2>/dev/null
	local wrc=$?
	[ -n "$STOP_RC" ] || STOP_RC=$wrc
	STOP_S=$(fsub "$EPOCHREALTIME" "$t0")
	forget "$pid"
}

cgroup_mounts() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; fs = $(i + 1)
	       if ((fs == "cgroup" || fs == "cgroup2") && $4 == "/") print $5 }' /proc/self/mountinfo
}

# Remove what is left of this run's cgroups (cgstorm cleans up after itself; this is for a
# cgstorm that was SIGKILLed).  Only dirs below our own podcgbench-<id>-* tops.
remove_our_cgroups() {
	local m d
	while read -r m; do
		for d in "$m/$TOPBASE"-*; do
			[ -d "$d" ] || continue
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
				[ -d "$d" ] || break
				nap 0.2
			done
			[ -d "$d" ] && log "warning: could not remove $d"
		done
	done < <(cgroup_mounts)
}

CLEANED=0
cleanup() {
	local rc=$? pid
	[ "$CLEANED" = 1 ] && return
	CLEANED=1
	trap '' INT TERM HUP
	for pid in "${!BG[@]}"; do
		alive "$pid" && log "stopping pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
		stop_ours "$pid" INT 10
	done
	if [ -n "$OLD_BPF_STATS" ]; then
		sysctl -q -w kernel.bpf_stats_enabled="$OLD_BPF_STATS" >/dev/null 2>&1 ||
			log "warning: cannot restore kernel.bpf_stats_enabled=$OLD_BPF_STATS"
		OLD_BPF_STATS=
	fi
	remove_our_cgroups
	if [ "$MOUNTED_TRACEFS" = 1 ]; then
		umount /sys/kernel/tracing 2>/dev/null || log "note: tracefs left mounted (busy)"
	fi
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------------------------------------
# the report: .output/bench/results.md from the raw rows (REPORT_ONLY=1 redoes just this)

# The targets of issue 10, one row each: measured (this run) | target | met or missed.
targets_table() {
	echo "## Targets (issue 10)"
	echo
	echo "| metric | measured | target | verdict |"
	echo "|---|---|---|---|"
	awk -F'\t' -v runs="$RUNS" -v bpfs="$BPFS" -v rec="$REC" -v lat="$LAT" -v scale="${SCALEF:-}" -f - \
		"$RUNS" "$BPFS" "$REC" "$LAT" ${SCALEF:+"$SCALEF"} <<'AWK'
	function sortn(a, n,    i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
	function med(key,    n, a, i, v) { n = split(vals[key], v, " "); for (i = 1; i <= n; i++) a[i] = v[i] + 0; sortn(a, n); if (!n) return ""; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	function add(key, v) { if (v != "") vals[key] = vals[key] " " v }
	# verdict for "lower is better" (hi = 0) or "higher is better" (hi = 1)
	function verdict(v, t, hi) {
		if (v == "") return "not measured"
		if (hi) return v >= t ? "met" : sprintf("**missed** (%.0f%% short)", (1 - v / t) * 100)
		return v <= t ? "met" : sprintf("**missed** (%.1f× the target)", v / t)
	}
	function row(m, v, t, vd) { printf "| %s | %s | %s | %s |\n", m, v, t, vd }
	# the poll floor's share of a CPU row: what waking that often alone costs here
	function pfloor(x) { return x == "" ? "" : sprintf(" (poll floor %.2f µs)", x) }
	FILENAME == runs && FNR > 1 && $4 != "" && $3 != "none" {
		if ($6 > 0 && $9 != "") add("cpu" SUBSEP $2 SUBSEP $3, $9 / 1000 / $6)
		if ($10 != "") add("rss" SUBSEP $2 SUBSEP $3, $10 / 1024)
		if ($11 != "") add("start" SUBSEP $3, $11)
		if ($3 == "floor" && $2 == "cg" && $14 > 0 && $9 != "") add("turn", $9 / 1000 / $14)
	}
	FILENAME == bpfs && FNR > 1 && $4 > 0 { ns[$1, $2, $3] = $5 / $4 }
	FILENAME == rec && $7 > 0 { eps[$1] = $3 / $7 }
	FILENAME == lat { delete kv; nf = split($0, f, " "); for (i = 1; i <= nf; i++) { split(f[i], p, "="); kv[p[1]] = p[2] }
		if (kv["what"] == "exec_to_container_start" && kv["n"] > 0 && (kv["apart_ms"] == "" || kv["apart_ms"] == 10)) { p99 = kv["p99_us"] / 1000; pmax = kv["max_us"] / 1000 } }
	FILENAME == scale { nf = split($0, f, " "); for (i = 1; i <= nf; i++) { split(f[i], p, "="); sc[p[1]] = p[2] } }
	END {
		if (("podcg", "exec", "pcg_fork") in ns) {
			v = (ns["podcg", "exec", "pcg_fork"] + ns["podcg", "exec", "pcg_exec"] + ns["podcg", "exec", "pcg_exit"]) / 1000
			e = (("empty", "exec", "empty_fork") in ns) ? sprintf(" (empty programs: %.2f µs)", (ns["empty", "exec", "empty_fork"] + ns["empty", "exec", "empty_exec"] + ns["empty", "exec", "empty_exit"]) / 1000) : ""
			row("in-kernel cost per process outside containers (pcg_fork + pcg_exec + pcg_exit, ns/run summed; `exec`)", sprintf("%.2f µs (%.0f + %.0f + %.0f ns)%s", v, ns["podcg", "exec", "pcg_fork"], ns["podcg", "exec", "pcg_exec"], ns["podcg", "exec", "pcg_exit"], e), "≤ 0.5 µs", verdict(v, 0.5, 0))
		} else row("in-kernel cost per process outside containers", "–", "≤ 0.5 µs", "not measured")
		v = (("podcg", "cexec", "pcg_exec") in ns) ? ns["podcg", "cexec", "pcg_exec"] / 1000 : ""
		row("in-kernel cost per exec inside a container (pcg_exec; a later exec, `cexec`)", v == "" ? "–" : sprintf("%.2f µs", v), "≤ 2 µs", verdict(v, 2, 0))
		v = (("podcg", "cg", "pcg_exec") in ns) ? ns["podcg", "cg", "pcg_exec"] / 1000 : ""
		row("in-kernel cost per exec inside a container (pcg_exec; the container's first exec, `cg`, which wakes the reader if it sleeps)", v == "" ? "–" : sprintf("%.2f µs", v), "≤ 2 µs", verdict(v, 2, 0))
		v = med("cpu" SUBSEP "cg" SUBSEP "podcg"); fl = med("cpu" SUBSEP "cg" SUBSEP "floor")
		row("userspace CPU per tracepoint event, container churn (`--json`, `cg`)", (v == "" ? "–" : sprintf("%.2f µs", v)) pfloor(fl), "≤ 2 µs", verdict(v, 2, 0))
		v = med("cpu" SUBSEP "exec" SUBSEP "podcg-all"); fl = med("cpu" SUBSEP "exec" SUBSEP "floor")
		row("userspace CPU per exec with `--all` (`exec`)", (v == "" ? "–" : sprintf("%.2f µs", v)) pfloor(fl), "≤ 3 µs", verdict(v, 3, 0))
		if (p99 != "") row("exec → `container_start` line, p99 (max)", sprintf("%.2f ms (%.2f ms)", p99, pmax), "≤ 2 ms (≤ 10 ms)", (p99 <= 2 && pmax <= 10) ? "met" : sprintf("**missed** (p99 %s, max %s)", p99 <= 2 ? "met" : sprintf("%.1f×", p99 / 2), pmax <= 10 ? "met" : sprintf("%.1f×", pmax / 10)))
		else row("exec → `container_start` line, p99 (max)", "–", "≤ 2 ms (≤ 10 ms)", "not measured")
		v = ("default" in eps) ? eps["default"] : ""
		row("replay, events/s (default recording)", v == "" ? "–" : sprintf("%.0f", v), "≥ 1,000,000", verdict(v, 1000000, 1))
		v = ("big" in eps) ? eps["big"] : ""
		row("replay, events/s (`--all --all-hierarchies` recording of `cg`)", v == "" ? "–" : sprintf("%.0f", v), "≥ 1,000,000", verdict(v, 1000000, 1))
		a = med("rss" SUBSEP "cg" SUBSEP "podcg"); b = med("rss" SUBSEP "exec" SUBSEP "podcg")
		v = a == "" ? b : (b == "" || a > b ? a : b)
		row("peak RSS (podcg-trace `--json`, the larger of the workloads' medians)", v == "" ? "–" : sprintf("%.1f MiB", v), "≤ 16 MiB", verdict(v, 16, 0))
		v = med("start" SUBSEP "podcg")
		row("launch → attached (podcg-trace `--json`, median)", v == "" ? "–" : sprintf("%.3f s", v), "≤ 0.1 s", verdict(v, 0.1, 0))
		if ("containers" in sc) {
			row(sprintf("scale: peak RSS with %d containers held", sc["containers"]), sprintf("%.1f MiB (%.1f MiB before)", sc["rss_kib"] / 1024, sc["rss0_kib"] / 1024), "bounded", "see README")
			v = sc["events"] > 0 ? sc["cpu_ns"] / 1000 / sc["events"] : ""
			row(sprintf("scale: userspace CPU per tracepoint event, churn of %d containers beside %d held", sc["churn"], sc["containers"]), v == "" ? "–" : sprintf("%.2f µs", v), "≤ 2 µs (as without them)", verdict(v, 2, 0))
			v = sc["create_events"] > 0 ? sc["create_cpu_ns"] / 1000 / sc["create_events"] : ""
			# its floor: a 1 ms poll for as long as the mkdirs took, at the matrix's cost of a turn
			t = med("turn"); fl = (t != "" && v != "") ? sc["create_s"] * 1000 * t / sc["create_events"] : ""
			row(sprintf("scale: userspace CPU per mkdir event while creating the %d containers", sc["containers"]), (v == "" ? "–" : sprintf("%.2f µs", v)) (fl == "" ? "" : sprintf(" (poll floor ≈ %.2f µs)", fl)), "≤ 2 µs", verdict(v, 2, 0))
		}
	}
AWK
	echo
	echo "In-kernel rows: bpf_stats pass (ns per program run). CPU and RSS rows: medians over the matrix repetitions. Replay: the recording pass. Latency: the latency pass."
	echo "Poll floor: the CPU per event of a reader that only wakes every 1 ms (\`cg\`: podcg-trace's poll while containers come faster than about 20 a second, which the 2 ms latency target needs; slower, the kernel wakes it instead, three times per container) or 20 ms (\`exec\`: podcg-trace's own poll while only process records flow) and reads nothing. For the scale pass (a cgroup storm) it is estimated: 1 ms turns for as long as the mkdirs took, at the matrix's median CPU per turn."
	echo
}

write_report() {
	{
		echo "# podcg-trace overhead benchmark"
		echo
		echo "${RUN_DATE:-$(date -u +%Y-%m-%dT%H:%MZ)}, podcg-trace $(cat VERSION 2>/dev/null) (${PODCG_BUILD:-?}), run id $RUNID."
		echo "Kernel $(uname -r), $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(dmesg 2>/dev/null | grep -o 'Hypervisor detected: [A-Za-z]*' | head -1 || true)."
		echo "Cgroup hierarchies: ${HIERS:-?}. bench_true: $BT_KIND."
		echo "Tools: $(bpftrace --version 2>/dev/null | head -1 || echo 'no bpftrace'), $(perf --version 2>/dev/null || echo 'no perf'), $(bpftool version 2>/dev/null | head -1 || echo 'no bpftool')."
		echo "Workloads: \`exec\` = $EXEC_N fork+exec+wait; \`cg\` = $CG_N containers (one per pod, mkdir+attach in every hierarchy, exec, rmdir)."
		echo "$REPS interleaved repetitions (tracer order rotated and reversed every other repetition, workload order alternated). Matrix ${T_MATRIX:-0}s, bpf_stats pass ${T_BPFS:-0}s, recording ${T_REC:-0}s, latency ${T_LAT:-0}s, scale ${T_SCALE:-0}s, total ${T_TOTAL:-0}s."
		echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
		echo
		targets_table
		awk -F'\t' -f - "$RUNS" <<'AWK'
	function sortn(a, n,    i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
	# quantile (type 7) of a[1..n], sorted
	function q(a, n, p,    h, l) { if (n == 0) return ""; h = (n - 1) * p + 1; l = int(h); return l >= n ? a[n] : a[l] + (h - l) * (a[l + 1] - a[l]) }
	function med(key,    n, a, i, v) { n = 0; split(vals[key], v, " "); for (i in v) if (v[i] != "") a[++n] = v[i] + 0; sortn(a, n); return q(a, n, 0.5) }
	function add(key, v) { if (v != "") vals[key] = vals[key] " " v }
	NR == 1 { next }
	{
		rep = $1; wl = $2; tr = $3
		if (!(tr in seen)) { order[++nt] = tr; seen[tr] = 1 }
		if ($16 != "") notes[wl, tr] = notes[wl, tr] (notes[wl, tr] ? "; " : "") "rep " rep ": " $16
		if ($4 == "") next
		rate[rep, wl, tr] = $4
		units[wl] = $5; events[wl] = $6
		add(wl SUBSEP tr SUBSEP "rate", $4)
		if (tr == "none") next
		nrun[wl, tr]++
		if ($7 != "") {
			add(wl SUBSEP tr SUBSEP "cap", $7); expd[wl, tr] = $8
			if ($7 == $8) full[wl, tr]++
		}
		if ($6 > 0 && $9 != "") add(wl SUBSEP tr SUBSEP "cpu", $9 / 1000 / $6)
		if ($10 != "") add(wl SUBSEP tr SUBSEP "rss", $10 / 1024)
		if ($11 != "") add(wl SUBSEP tr SUBSEP "start", $11)
		if ($12 != "") add(wl SUBSEP tr SUBSEP "stop", $12)
		if ($14 > 0 && tr != "floor") add(wl SUBSEP tr SUBSEP "bpr", $13 / $14)
		lost[wl, tr] += $15
	}
	END {
		label["none"] = "none"
		label["podcg"] = "podcg-trace --json → file"
		label["podcg-all"] = "podcg-trace --json --all → file"
		label["bpftrace"] = "bpftrace -B none → file"
		label["perf"] = "perf record -a"
		label["floor"] = "poll floor (only wakes: every 1 ms in `cg`, 20 ms in `exec`)"
		for (w = 1; w <= 2; w++) {
			wl = w == 1 ? "cg" : "exec"
			if (!(wl in units)) continue
			printf "## workload `%s` (%s/s; %d %s and %d tracepoint events per run)\n\n", wl, wl == "cg" ? "containers" : "execs", units[wl], wl == "cg" ? "containers" : "execs", events[wl]
			print "| tracer | slowdown (IQR) | rate/s median | captured / expected | lost | CPU µs/event | peak RSS MiB | start-up s | stop s | output bytes/record |"
			print "|---|---|---|---|---|---|---|---|---|---|"
			for (t = 1; t <= nt; t++) {
				tr = order[t]
				r = med(wl SUBSEP tr SUBSEP "rate")
				if (tr == "none") { printf "| none | 1.000 | %.0f | – | – | – | – | – | – | – |\n", r; continue }
				# paired ratios: rate(none, rep) / rate(tracer, rep)
				n = 0; delete a
				for (k in rate) {
					split(k, kk, SUBSEP)
					if (kk[2] != wl || kk[3] != tr) continue
					if (((kk[1], wl, "none") in rate) && rate[k] > 0) a[++n] = rate[kk[1], wl, "none"] / rate[k]
				}
				sortn(a, n)
				sd = n ? sprintf("**%.3f** (%.3f–%.3f)", q(a, n, 0.5), q(a, n, 0.25), q(a, n, 0.75)) : "n/a"
				c = med(wl SUBSEP tr SUBSEP "cap")
				if (c == "") capt = "n/a"
				else if (full[wl, tr] == nrun[wl, tr]) capt = sprintf("%d / %d (all %d runs)", c, expd[wl, tr], nrun[wl, tr])
				else capt = sprintf("median %d / %d (%d of %d runs complete)", c, expd[wl, tr], full[wl, tr] + 0, nrun[wl, tr])
				if (tr == "podcg" && wl == "exec") capt = capt " — none expected: not in a container, filtered in the kernel"
				if ((tr == "podcg" || tr == "podcg-all") && wl == "cg") capt = capt " container_start"
				cpu = med(wl SUBSEP tr SUBSEP "cpu"); rss = med(wl SUBSEP tr SUBSEP "rss")
				st = med(wl SUBSEP tr SUBSEP "start"); sp = med(wl SUBSEP tr SUBSEP "stop"); b = med(wl SUBSEP tr SUBSEP "bpr")
				printf "| %s | %s | %.0f | %s | %d | %s | %s | %s | %s | %s |\n", label[tr], sd, r, capt, lost[wl, tr], \
					cpu == "" ? "–" : sprintf("%.2f", cpu), rss == "" ? "–" : sprintf("%.0f", rss), \
					st == "" ? "–" : sprintf("%.2f", st), sp == "" ? "–" : sprintf("%.2f", sp), b == "" ? "–" : sprintf("%.0f", b)
			}
			print ""
			for (t = 1; t <= nt; t++) if ((wl, order[t]) in notes) printf "- %s: %s\n", label[order[t]], notes[wl, order[t]]
			print ""
		}
	}
AWK
		echo "Slowdown = median over repetitions of rate(no tracer, same repetition) / rate(tracer), IQR in brackets; under ~10% is within the noise of a shared machine."
		echo "CPU µs/event = tracer on-CPU time (schedstat, all threads) from after start-up to the end of the drain ÷ tracepoint events the workload made (mkdir + attach + exec); BPF program time is paid by the traced tasks and is not in it."
		echo "podcg-trace reports containers (6 lines each), not raw tracepoint events: its captured column counts container_start lines of this run's containers (\`cg\`) or exec lines of this run's bench_true (\`exec\`)."
		echo "Start-up: podcg-trace, launch → \"podcg-trace: attached\" on stderr; bpftrace and perf, launch → first captured 20 ms marker exec. Output bytes/record: JSON or text line, or perf.data ÷ samples."
		echo

		if [ -s "$BPFS" ]; then
			echo "## In-kernel cost per BPF program run (bpf_stats pass, run_time_ns ÷ run_cnt)"
			echo
			echo "Measured on the same workloads with kernel.bpf_stats_enabled=1 (restored after); the counts include every event on the machine during the run, not only the workload's. Paid synchronously by the traced task."
			echo
			awk -F'\t' -f - "$BPFS" <<'AWK'
	NR == 1 { next }
	{ key = $1 SUBSEP $3; if (!(key in seen)) { ord[++n] = key; seen[key] = 1 }; runs[$1, $3, $2] = $4; ns[$1, $3, $2] = $5; tot[$1, $2] += $5; u[$1, $2] = $6; ev[$1, $2] = $7 }
	function cell(tr, p, wl) { if (!((tr, p, wl) in runs) || runs[tr, p, wl] == 0) return "– (0 runs)"; return sprintf("%.0f ns (%d runs)", ns[tr, p, wl] / runs[tr, p, wl], runs[tr, p, wl]) }
	function verdict(tr, p,    v, w, t) {
		if (tr != "podcg") return ""
		if (p == "pcg_exec") { w = "exec"; t = 500 } else if (p ~ /^pcg_cgroup_/) { w = "cg"; t = 1500 } else return ""
		if (!((tr, p, w) in runs) || runs[tr, p, w] == 0) return "n/a"
		v = ns[tr, p, w] / runs[tr, p, w]
		return v <= t ? sprintf("≤ %d ns (%s): met", t, w) : sprintf("≤ %d ns (%s): **over by %.0f%%**", t, w, (v / t - 1) * 100)
	}
	END {
		lab["podcg"] = "podcg-trace"; lab["podcg-all"] = "podcg-trace --all"; lab["bpftrace"] = "bpftrace"
		lab["empty"] = "empty programs (the floor)"
		print "| tracer | program | `exec` workload | `cg` workload | `cexec` workload | target |"
		print "|---|---|---|---|---|---|"
		for (i = 1; i <= n; i++) { split(ord[i], k, SUBSEP); printf "| %s | %s | %s | %s | %s | %s |\n", lab[k[1]], k[2], cell(k[1], k[2], "exec"), cell(k[1], k[2], "cg"), (k[1] == "podcg" ? cell(k[1], k[2], "cexec") : "–"), verdict(k[1], k[2]) }
		print ""
		print "| tracer | all its programs ÷ execs (`exec`: fork + exec + exit per exec) | all its programs ÷ containers (`cg`) | all its programs ÷ (mkdir + attach + exec events) (`cg`) |"
		print "|---|---|---|---|"
		for (i = 1; i <= 4; i++) {
			t = i == 1 ? "podcg" : i == 2 ? "podcg-all" : i == 3 ? "bpftrace" : "empty"
			if (!((t, "exec") in tot || (t, "cg") in tot)) continue
			pe = "–"
			if ((t, "exec") in tot && u[t, "exec"]) {
				v = tot[t, "exec"] / u[t, "exec"]
				pe = sprintf("%.2f µs", v / 1000)
				if (t == "podcg") pe = pe (v <= 500 ? " (≤ 0.5 µs: met)" : sprintf(" (**%.1f× the 0.5 µs target**)", v / 500))
			}
			printf "| %s | %s | %s | %s |\n", lab[t], pe, \
				((t, "cg") in tot && u[t, "cg"]) ? sprintf("%.1f µs", tot[t, "cg"] / u[t, "cg"] / 1000) : "–", \
				((t, "cg") in tot && ev[t, "cg"]) ? sprintf("%.0f ns", tot[t, "cg"] / ev[t, "cg"]) : "–"
		}
		print ""
	}
AWK
			echo "\`cexec\`: the exec storm inside one container (a kubepods-style cgroup2 directory, entered with clone3(CLONE_INTO_CGROUP)): every exec there is a later exec of a tracked process, not a container's start. In \`cg\` every exec is a container's start, which would wake a sleeping reader (an empty record discarded with BPF_RB_FORCE_WAKEUP); during the churn the reader polls every 1 ms and asks for no wakeup, so few do."
			echo "podcg-trace's cgroup programs run for every hierarchy, but by default report only cgroup2 and the key v1 hierarchy; the others return after one comparison. Its fork/exec/exit programs run for every process on the machine and return early outside tracked cgroups (the \`exec\` workload, outside any container, measures exactly that filter)."
			echo
		fi

		if [ -s "$REC" ]; then
			echo "## Recording (-w) and replay (-r)"
			echo
			echo "| recording | containers | raw events | recording bytes | bytes/raw event | JSON bytes (lines) | JSON bytes/line | recording ÷ JSON | replay s | replay events/s | replay = live |"
			echo "|---|---|---|---|---|---|---|---|---|---|---|"
			awk -F'\t' '{
				lab = $1 == "default" ? "default flags, during `cg` x2" : "--all --all-hierarchies, during `cg` x2"
				bpe = $3 ? $4 / $3 : 0; bpl = $6 ? $5 / $6 : 0; eps = ($7 > 0) ? sprintf("%.0f", $3 / $7) : "–"; same = ($9 == "") ? "–" : $9
				ratio = $5 ? sprintf("%.3f", $4 / $5) : "–"
				printf "| %s | %s | %s | %s | %.1f | %s (%s) | %.0f | %s | %.3f | %s | %s |\n", lab, $2, $3, $4, bpe, $5, $6, bpl, ratio, $7, eps, same
			}' "$REC"
			echo
			echo "Raw events = what the BPF side sent (podcg-trace's own count at exit); the JSON holds the correlated records (pod/container lines, and with --all every exec/exit), so JSON bytes/line and recording bytes/raw event describe different units; replay s: the median of 3 replays into /dev/null (decode, correlate, format); replay = live compares the sorted JSON of live and a replay into a file, without timestamps."
			echo
		fi

		if [ -s "$LAT" ]; then
			echo "## Latency: event → line visible in the output file (podcg-trace --json → file, $LAT_N containers 10 ms apart, then ${LAT_SPARSE_N:-0} 200 ms apart)"
			echo
			echo "| what | apart | p50 | p90 | p99 | max | samples | timeouts (3 s) |"
			echo "|---|---|---|---|---|---|---|---|"
			awk '{ delete kv; for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
				if (kv["what"] == "tracer_cpu") next
				ap = kv["apart_ms"] == "" ? "10 ms" : kv["apart_ms"] " ms"
				if (kv["n"] == 0) { printf "| %s | %s | – | – | – | – | 0 | %s |\n", kv["what"], ap, kv["timeouts"]; next }
				printf "| %s | %s | %.2f ms | %.2f ms | %s | %.2f ms | %s | %s |\n", kv["what"], ap, kv["p50_us"] / 1000, kv["p90_us"] / 1000, \
					(kv["p99_us"] <= 2000 ? sprintf("%.2f ms (target ≤ 2 ms: met)", kv["p99_us"] / 1000) : sprintf("**%.2f ms** (target ≤ 2 ms: missed)", kv["p99_us"] / 1000)), \
					kv["max_us"] / 1000, kv["n"], kv["timeouts"] }' "$LAT"
			echo
			echo "mkdir: t0 just before the scope's mkdir in the last hierarchy (cgroup2), when the tracer has all it waits for; exec: t0 in the child just before execve() (the exec itself is included). t1: the line is read from the file (inotify + read)."
			echo
			# the tracer's CPU in each part, beside a reader that would poll every 1 ms for as
			# long (the matrix's median CPU per turn of the poll floor)
			awk -F'\t' 'FNR == NR { if (FNR > 1 && $3 == "floor" && $2 == "cg" && $14 > 0 && $9 != "") t[++n] = $9 / 1000 / $14; next }
				{ delete kv; for (i = 1; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] } }
				kv["what"] == "tracer_cpu" && kv["n"] > 0 {
					if (!sorted++) for (i = 2; i <= n; i++) { v = t[i]; for (j = i - 1; j >= 1 && t[j] > v; j--) t[j + 1] = t[j]; t[j + 1] = v }
					turn = n ? (n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2) : ""
					printf "- podcg-trace'"'"'s CPU, containers %s ms apart: %.0f µs per container", kv["apart_ms"] == "" ? 10 : kv["apart_ms"], kv["cpu_ns"] / 1000 / kv["n"]
					if (turn != "") printf " (a reader that polls every 1 ms for as long, %.1f s, would pay about %.0f µs per container before reading anything)", kv["secs"], kv["secs"] * 1000 * turn / kv["n"]
					print "." }' "$RUNS" FS=' ' "$LAT"
			echo
			echo "10 ms apart, the reader polls every 1 ms (six kernel wakeups would come within 100 ms, and each costs the traced task 16-22 µs here); 200 ms apart, the kernel wakes it for a pod's cgroups, a container's and its first exec."
			echo
		fi

		if [ ${#NOTES[@]} -gt 0 ]; then
			echo "## Notes"
			echo
			printf -- '- %s\n' "${NOTES[@]}"
			echo
		fi
		echo "Raw rows: .output/bench/runs.tsv, bpfstats.tsv, record.tsv, latency.txt, scale.txt."
	} >"$RESULTS"
}

if [ "${REPORT_ONLY:-0}" = 1 ]; then
	trap - EXIT
	[ -f "$BOUT/meta.env" ] || die "no earlier run in $BOUT"
	. "$BOUT/meta.env"
	RUNS=$BOUT/$RUNS BPFS=$BOUT/$BPFS REC=$BOUT/$REC LAT=$BOUT/$LAT SCALEF=$BOUT/$SCALEF
	[ -f "$SCALEF" ] || SCALEF=
	write_report
	cat "$RESULTS"
	exit 0
fi

# ---------------------------------------------------------------------------------------------
# prerequisites

[ "$(id -u)" = 0 ] || die "needs root (real BPF, cgroups, perf -a): sudo make bench"
[ -x "$PODCG" ] || die "no '$PODCG': run make first"
WORK=$(mktemp -d "/tmp/$TOPBASE.XXXXXX") || die "cannot create a scratch dir in /tmp"
chmod 755 "$WORK"
mkdir -p "$WORK/bin" "$BOUT" || die "cannot create '$WORK/bin' or '$BOUT'"
RUNS=$WORK/$RUNS BPFS=$WORK/$BPFS REC=$WORK/$REC LAT=$WORK/$LAT SCALEF=$WORK/$SCALEF
# the binary under test, copied: a rebuild during the run does not change what is measured
cp "$PODCG" "$WORK/bin/podcg-trace" || die "cannot copy '$PODCG'"
PODCG_BUILD="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git --no-optional-locks -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ', dirty'), built $(date -u -r "$PODCG" +%H:%MZ)"
PODCG=$WORK/bin/podcg-trace

pkg_ok() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
APT_UPDATED=0
apt_install() {
	command -v apt-get >/dev/null || return 1
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "$@" >>"$WORK/apt.log" 2>&1 && return 0
	[ "$APT_UPDATED" = 1 ] && return 1
	APT_UPDATED=1
	apt-get update -qq >>"$WORK/apt.log" 2>&1
	apt-get install -y -qq --no-install-recommends "$@" >>"$WORK/apt.log" 2>&1
}
# need CMD PACKAGE: install PACKAGE if CMD is missing; false if still missing
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	log "installing $2 (for $1)"
	apt_install "$2"
	command -v "$1" >/dev/null 2>&1
}

need gcc gcc || die "gcc is missing and cannot be installed"
pkg_ok libc6-dev || apt_install libc6-dev || die "libc6-dev (static libc) cannot be installed"
HAVE_BPFTOOL=1
need bpftool bpftool || { HAVE_BPFTOOL=0; note "bpftool missing and not installable: in-kernel ns columns skipped"; }
want() { [[ " $TRACERS " == *" $1 "* ]]; }
if want bpftrace && ! need bpftrace bpftrace; then
	note "bpftrace is not installed and could not be installed: its column is skipped"
	TRACERS=${TRACERS/bpftrace/}
fi
if want perf && ! need perf linux-perf; then
	note "perf (linux-perf) is not installed and could not be installed: its column is skipped"
	TRACERS=${TRACERS/perf/}
fi
if want perf && ! perf --version >/dev/null 2>&1; then
	note "perf does not run on this kernel ($(perf --version 2>&1 | head -1)): its column is skipped"
	TRACERS=${TRACERS/perf/}
fi
# bpftrace and perf read tracepoint formats from tracefs
if { want bpftrace || want perf; } && [ ! -d /sys/kernel/tracing/events ]; then
	if mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
		MOUNTED_TRACEFS=1
	elif [ ! -d /sys/kernel/debug/tracing/events ]; then
		note "tracefs cannot be mounted: bpftrace and perf columns skipped"
		TRACERS=${TRACERS/bpftrace/}
		TRACERS=${TRACERS/perf/}
	fi
fi
TRACERS="none ${TRACERS//none/}"
read -r -a TRACER_LIST <<<"$TRACERS"

# ---------------------------------------------------------------------------------------------
# build the workloads

log "building workloads into $BOUT"
BFLAGS=(-O2 -static -Wall -Wextra -Wno-format-truncation)
gcc "${BFLAGS[@]}" tests/bench/execstorm.c -o "$BOUT/execstorm" || die "cannot build execstorm"
gcc "${BFLAGS[@]}" tests/bench/cgstorm.c -o "$BOUT/cgstorm" || die "cannot build cgstorm"
if gcc -O2 -static -nostdlib -fno-stack-protector -DPCG_BENCH_TRUE tests/bench/execstorm.c \
	-o "$BOUT/bench_true" 2>"$WORK/bench_true.log"; then
	BT_KIND="libc-free static, $(stat -c %s "$BOUT/bench_true") bytes"
else
	gcc -O2 -static -DPCG_BENCH_TRUE_LIBC tests/bench/execstorm.c -o "$BOUT/bench_true" ||
		die "cannot build bench_true"
	BT_KIND="static glibc, $(stat -c %s "$BOUT/bench_true") bytes"
fi
gcc "${BFLAGS[@]}" tests/e2e/clone_into.c -o "$BOUT/clone_into" || die "cannot build clone_into"
gcc "${BFLAGS[@]}" tests/bench/pollfloor.c -o "$BOUT/pollfloor" || die "cannot build pollfloor"
POLLFLOOR=$WORK/bin/pollfloor
# the in-kernel floor: three empty tp_btf programs on the process tracepoints (bpf_stats pass)
EMPTYLOAD=
if make -s -C "$ROOT" OUTPUT=.output bench-floor >"$WORK/emptyprog.log" 2>&1; then
	EMPTYLOAD=$BOUT/emptyload
else
	note "the empty BPF programs do not build ($(grep -m1 -i error "$WORK/emptyprog.log")): no in-kernel floor"
fi
EXECSTORM=$WORK/bin/execstorm
CLONE_INTO=$WORK/bin/clone_into
CG2_MNT=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2" && $4 == "/") { print $5; exit } }' /proc/self/mountinfo)
CGSTORM=$WORK/bin/cgstorm
BT=$WORK/bin/bench_true-$RUNID # unique to this run: only its execs are counted
cp "$BOUT/execstorm" "$BOUT/cgstorm" "$BOUT/clone_into" "$BOUT/pollfloor" "$WORK/bin/" && cp "$BOUT/bench_true" "$BT" &&
	chmod 755 "$BT" || die "cannot install the workloads in '$WORK/bin'"

BPFTRACE_SCRIPT=$WORK/trace.bt
cat >"$BPFTRACE_SCRIPT" <<'EOF'
tracepoint:cgroup:cgroup_mkdir
{
	printf("mkdir %llu root=%d id=%llu level=%d path=%s\n", nsecs, args->root, args->id,
	       args->level, str(args->path));
}
tracepoint:cgroup:cgroup_attach_task
{
	printf("attach %llu root=%d id=%llu level=%d pid=%d comm=%s path=%s\n", nsecs,
	       args->dst_root, args->dst_id, args->dst_level, args->pid, comm, str(args->dst_path));
}
tracepoint:sched:sched_process_exec
{
	printf("exec %llu pid=%d ppid=%d old_pid=%d comm=%s filename=%s\n", nsecs, args->pid,
	       curtask->real_parent->tgid, args->old_pid, comm, str(args->filename));
}
EOF

# ---------------------------------------------------------------------------------------------
# workloads

declare -A KV=()
parse_kv() {
	local t
	KV=()
	for t in $1; do
		[[ $t == *=* ]] && KV[${t%%=*}]=${t#*=}
	done
}

# run_wl WL N TOP -> WL_RATE, WL_UNITS (execs or containers), WL_EVENTS (tracepoint
# events the workload makes: mkdir + attach + exec), EXP_MKDIR, EXP_ATTACH, EXP_EXEC, WL_LINE
WL_PID=
run_wl() {
	local wl=$1 n=$2 top=$3 out=$WORK/wl.out
	WL_RATE='' WL_UNITS=0 WL_EVENTS=0 EXP_MKDIR=0 EXP_ATTACH=0 EXP_EXEC=0
	if [ "$wl" = exec ]; then
		"$EXECSTORM" -b "$BT" -n "$n" >"$out" 2>"$WORK/wl.err" &
	elif [ "$wl" = cexec ]; then
		# the exec storm inside one container: a kubepods-style cgroup2 directory made while
		# the tracer runs, the storm put straight into it with clone3(CLONE_INTO_CGROUP)
		local cdir=$CG2_MNT/$top/kubepods/besteffort/pod$RUNID-0000-0000-0000-000000000000/cexec$RUNID
		if [ -z "$CG2_MNT" ] || ! mkdir -p "$cdir"; then
			log "workload cexec: no cgroup2 hierarchy or cannot create '$cdir'"
			return 1
		fi
		"$CLONE_INTO" "$cdir" "$EXECSTORM" -b "$BT" -n "$n" >"$out" 2>"$WORK/wl.err" &
	else
		"$CGSTORM" -t "$top" -b "$BT" -n "$n" >"$out" 2>"$WORK/wl.err" &
	fi
	WL_PID=$!
	remember "$WL_PID"
	wait "$WL_PID"
	local rc=$?
	forget "$WL_PID"
	WL_PID=
	WL_LINE=$(tail -1 "$out")
	parse_kv "$WL_LINE"
	if [ "$rc" != 0 ] || [ -z "${KV[rate]:-}" ]; then
		log "workload $wl failed (exit $rc): $(tail -3 "$WORK/wl.err")"
		return 1
	fi
	WL_RATE=${KV[rate]}
	[ "$wl" = cexec ] && remove_our_cgroups
	if [ "$wl" = exec ] || [ "$wl" = cexec ]; then
		WL_UNITS=${KV[execs]}
		EXP_EXEC=$WL_UNITS
	else
		WL_UNITS=${KV[containers]}
		EXP_MKDIR=${KV[expect_mkdir]} EXP_ATTACH=${KV[expect_attach]} EXP_EXEC=${KV[expect_exec]}
		HIERS=${KV[hierarchies]}
	fi
	WL_EVENTS=$((EXP_MKDIR + EXP_ATTACH + EXP_EXEC))
	return 0
}

# ---------------------------------------------------------------------------------------------
# tracers

# start_tracer TRACER TAG [extra podcg-trace args...] -> TR_PID TR_OUT TR_ERR TR_T0
# (floor: its period from the workload in $wl)
start_tracer() {
	local tr=$1 tag=$2
	shift 2
	TR_OUT=$WORK/$tag.out
	TR_ERR=$WORK/$tag.err
	TR_T0=$EPOCHREALTIME
	case $tr in
	podcg) "$PODCG" --json "$@" >"$TR_OUT" 2>"$TR_ERR" & ;;
	podcg-all) "$PODCG" --json --all "$@" >"$TR_OUT" 2>"$TR_ERR" & ;;
	floor) "$POLLFLOOR" -p "$([ "${wl:-cg}" = cg ] && echo 1 || echo 20)" >"$TR_OUT" 2>"$TR_ERR" & ;;
	empty) "$EMPTYLOAD" "$BOUT/emptyprog.bpf.o" >"$TR_OUT" 2>"$TR_ERR" & ;;
	bpftrace) BPFTRACE_STRLEN=200 bpftrace -B none "$BPFTRACE_SCRIPT" >"$TR_OUT" 2>"$TR_ERR" & ;;
	perf)
		perf record -a -e cgroup:cgroup_mkdir -e cgroup:cgroup_attach_task \
			-e sched:sched_process_exec -o "$TR_OUT" >"$TR_ERR" 2>&1 &
		;;
	esac
	TR_PID=$!
	remember "$TR_PID"
}

# start-up markers: an exec of MARKDIR/mark-<i> every 20 ms from the tracer's launch on
start_markers() {
	MARK_DIR=$WORK/$1.marks
	mkdir -p "$MARK_DIR"
	MARK_T0=$EPOCHREALTIME
	"$EXECSTORM" -b "$BT" -M "$MARK_DIR" -i 20 -t 15000 >"$MARK_DIR.txt" 2>/dev/null &
	MARK_PID=$!
	remember "$MARK_PID"
}
stop_markers() {
	[ -n "${MARK_PID:-}" ] && stop_ours "$MARK_PID" TERM 5
	MARK_PID=
}
# start-up = (markers' start - tracer launch) + time of the first marker in the output ($1: a
# file of "...mark-<i>..." lines); "" if none was captured
marker_startup() {
	local first t
	first=$(grep -o "$MARK_DIR/mark-[0-9]*" "$1" 2>/dev/null | sed 's/.*mark-//' | sort -n | head -1)
	[ -n "$first" ] || return 0
	t=$(awk -v i="$first" '$1 == "mark" && $2 == i { print $3 }' "$MARK_DIR.txt")
	[ -n "$t" ] || return 0
	awk -v a="$MARK_T0" -v b="$TR_T0" -v t="$t" 'BEGIN { printf "%.3f", a - b + t / 1e6 }'
}

# until_line REGEX FILE TRIES: true once FILE has a line matching REGEX (a try every 10 ms);
# false if the tracer died first or TRIES ran out
until_line() {
	local i
	for ((i = 0; i < $3; i++)); do
		grep -q "$1" "$2" 2>/dev/null && return 0
		alive "$TR_PID" || return 1
		nap 0.01
	done
	return 1
}

# wait_ready TRACER -> STARTUP (s, "" if unknown); false if the tracer died or timed out
wait_ready() {
	local tr=$1 i
	STARTUP=
	case $tr in
	podcg | podcg-all)
		for ((i = 0; i < 3000; i++)); do
			if grep -q '^podcg-trace: attached$' "$TR_ERR" 2>/dev/null; then
				STARTUP=$(fsub "$EPOCHREALTIME" "$TR_T0")
				return 0
			fi
			alive "$TR_PID" || return 1
			nap 0.005
		done
		return 1
		;;
	bpftrace) until_line "filename=$MARK_DIR/mark-" "$TR_OUT" 3000 ;;
	floor) return 0 ;;
	empty) until_line '^emptyload: attached$' "$TR_ERR" 1000 ;;
	perf)
		# perf's output cannot be read live: give it 1.5 s (the anchors measured 0.17 s),
		# the markers date its start-up afterwards
		for ((i = 0; i < 150; i++)); do
			alive "$TR_PID" || return 1
			nap 0.01
		done
		return 0
		;;
	esac
}

# CPU time (ns) of all threads of a process, from schedstat
cpu_ns() {
	local f a s=0
	for f in /proc/"$1"/task/*/schedstat; do
		read -r a _ <"$f" 2>/dev/null && s=$((s + a))
	done
	echo "$s"
}
rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }

# wait until FILE stops growing (3 polls of 50 ms), at most 2 s (with --all the output of a
# busy machine never stops growing)
drain() {
	local f=$1 a b=-1 same=0 i
	for ((i = 0; i < 40 && same < 3; i++)); do
		a=$(fsize "$f")
		if [ "$a" = "$b" ]; then same=$((same + 1)); else same=0; fi
		b=$a
		nap 0.05
	done
}

# ---------------------------------------------------------------------------------------------
# one matrix run

printf 'rep\twl\ttracer\trate\tunits\twl_events\tcaptured\texpected\tcpu_ns\trss_kib\tstartup_s\tstop_s\tout_bytes\tout_records\tlost\tnote\n' >"$RUNS"

# run_one REP WL TRACER N
run_one() {
	local rep=$1 wl=$2 tr=$3 n=$4 tag="r$1-$2-$3" top="$TOPBASE-r$1-$2-$3"
	local c0=0 c1=0 rss='' cap='' exp='' bytes=0 recs=0 lost=0 rnote='' txt
	STARTUP='' STOP_S=''
	if [ "$tr" = none ]; then
		nap 0.3 # as long as a tracer's settle time, so both start equally far from the last run
		run_wl "$wl" "$n" "$top" || rnote="workload failed"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t\t\t\t\t\t\t\t\t\t%s\n' "$rep" "$wl" "$tr" "$WL_RATE" \
			"$WL_UNITS" "$WL_EVENTS" "$rnote" >>"$RUNS"
		log "rep $rep $wl $tr: ${WL_RATE:-FAILED}/s"
		return
	fi
	start_tracer "$tr" "$tag"
	case $tr in bpftrace | perf) start_markers "$tag" ;; *) MARK_PID= ;; esac
	if ! wait_ready "$tr"; then
		stop_markers
		stop_ours "$TR_PID" INT 10
		log "rep $rep $wl $tr: tracer did not start: $(tail -3 "$TR_ERR" | tr '\n' ' ')"
		printf '%s\t%s\t%s\t\t\t\t\t\t\t\t\t\t\t\t\ttracer did not start\n' "$rep" "$wl" "$tr" >>"$RUNS"
		return
	fi
	stop_markers
	nap 0.3 # settle: start-up scan, first wakeups
	c0=$(cpu_ns "$TR_PID")
	run_wl "$wl" "$n" "$top" || rnote="workload failed"
	# the floor: until podcg-trace's 1 ms polls end (50 ms after the last cgroup event)
	case $tr in perf) nap 0.2 ;; floor) nap 0.05 ;; *) drain "$TR_OUT" ;; esac
	c1=$(cpu_ns "$TR_PID")
	rss=$(rss_kib "$TR_PID")
	if ! alive "$TR_PID"; then
		rnote="${rnote:+$rnote; }tracer died during the run"
	fi
	stop_ours "$TR_PID" INT 60
	# 130: perf record's status after SIGINT
	[ "$STOP_RC" = 0 ] || [ "$STOP_RC" = 130 ] || rnote="${rnote:+$rnote; }tracer exit $STOP_RC"

	case $tr in
	podcg | podcg-all)
		bytes=$(fsize "$TR_OUT")
		recs=$(wc -l <"$TR_OUT")
		lost=$(sed -n 's/^podcg-trace: [0-9]* events, [0-9]* records, \([0-9]*\) lost$/\1/p' "$TR_ERR" | tail -1)
		lost=$((${lost:-0} + $(grep -c '"event":"lost"' "$TR_OUT")))
		if [ "$wl" = cg ]; then
			cap=$(grep -F "\"cgroup\":\"/$top/" "$TR_OUT" | grep -c -F '"event":"container_start"')
			exp=$WL_UNITS
		else
			cap=$(grep -c -F "\"filename\":\"$BT\"" "$TR_OUT")
			if [ "$tr" = podcg ]; then exp=0; else exp=$WL_UNITS; fi
		fi
		;;
	bpftrace)
		bytes=$(fsize "$TR_OUT")
		recs=$(grep -c -E '^(mkdir|attach|exec) ' "$TR_OUT")
		lost=$(grep -o -i 'lost [0-9]* events' "$TR_ERR" | awk '{ s += $2 } END { print s + 0 }')
		STARTUP=$(marker_startup "$TR_OUT")
		cap=$(($(grep -E '^(mkdir|attach) ' "$TR_OUT" | grep -c -F "path=/$top") +
			$(grep '^exec ' "$TR_OUT" | grep -c -F "filename=$BT")))
		exp=$WL_EVENTS
		;;
	perf)
		bytes=$(fsize "$TR_OUT")
		txt=$WORK/$tag.txt
		perf script -i "$TR_OUT" -F event,trace >"$txt" 2>"$WORK/$tag.script.err"
		recs=$(wc -l <"$txt")
		lost=$(grep -c -i 'lost' "$WORK/$tag.script.err" "$TR_ERR" | awk -F: '{ s += $NF } END { print s + 0 }')
		STARTUP=$(marker_startup "$txt")
		cap=$(($(grep -E 'cgroup_(mkdir|attach_task):' "$txt" | grep -c -F "path=/$top") +
			$(grep 'sched_process_exec:' "$txt" | grep -c -F "filename=$BT ")))
		exp=$WL_EVENTS
		;;
	floor) recs=$(sed -n 's/^turns=//p' "$TR_OUT") ;; # its wakeups
	esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$wl" "$tr" \
		"$WL_RATE" "$WL_UNITS" "$WL_EVENTS" "$cap" "$exp" "$((c1 - c0))" "$rss" "$STARTUP" \
		"$STOP_S" "$bytes" "$recs" "$lost" "$rnote" >>"$RUNS"
	log "rep $rep $wl $tr: ${WL_RATE:-FAILED}/s, captured $cap/$exp, cpu $(((c1 - c0) / 1000)) us, start-up ${STARTUP:-?} s${rnote:+ ($rnote)}"
	[ "$KEEP" = 1 ] || rm -rf "$TR_OUT" "$WORK/$tag".*
}

# ---------------------------------------------------------------------------------------------
# calibration: size the workloads for TARGET_S seconds without a tracer

clamp() { awk -v v="$1" -v lo="$2" -v hi="$3" -v r="$4" 'BEGIN { v = int(v / r + 0.5) * r; if (v < lo) v = lo; if (v > hi) v = hi; print v }'; }
if [ -z "$EXEC_N" ]; then
	run_wl exec 300 x && run_wl exec 1000 x || die "the exec workload does not run"
	EXEC_N=$(clamp "$(awk -v r="$WL_RATE" -v t="$TARGET_S" 'BEGIN { print r * t }')" 1000 100000 500)
fi
if [ -z "$CG_N" ]; then
	run_wl cg 30 "$TOPBASE-cal1" && run_wl cg 100 "$TOPBASE-cal2" || die "the cg workload does not run"
	CG_N=$(clamp "$(awk -v r="$WL_RATE" -v t="$TARGET_S" 'BEGIN { print r * t }')" 200 10000 50)
fi
log "workloads: exec $EXEC_N execs, cg $CG_N containers; $REPS repetitions of: ${TRACER_LIST[*]}"

# ---------------------------------------------------------------------------------------------
# 1. the matrix

T_MATRIX=$EPOCHREALTIME
nt=${#TRACER_LIST[@]}
for ((rep = 1; rep <= REPS; rep++)); do
	if ((rep % 2)); then wls=(exec cg); else wls=(cg exec); fi
	for wl in "${wls[@]}"; do
		if [ "$wl" = exec ]; then n=$EXEC_N; else n=$CG_N; fi
		# rotated each repetition, and reversed every other one, so that no tracer always
		# runs right after the same other one (perf's exit pass, big outputs being deleted)
		for ((k = 0; k < nt; k++)); do
			if ((rep % 2)); then i=$(((k + rep - 1) % nt)); else i=$(((nt - 1 - k + rep - 1) % nt)); fi
			run_one "$rep" "$wl" "${TRACER_LIST[i]}" "$n"
		done
	done
done
T_MATRIX=$(fsub "$EPOCHREALTIME" "$T_MATRIX")

# ---------------------------------------------------------------------------------------------
# 2. in-kernel ns per program run (bpf_stats), a separate pass

printf 'tracer\twl\tprog\truns\tns\tunits\twl_events\n' >"$BPFS"
prog_ids() { cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '/^prog_id:/ { print $2 }' | sort -un | tr '\n' ' '; }
# "id name run_time_ns run_cnt" for the given ids
prog_stats() {
	bpftool prog show 2>/dev/null | awk -v ids=" $* " '
		/^[0-9]+:/ {
			id = $1; sub(":", "", id)
			if (index(ids, " " id " ") == 0) next
			name = "?"; rt = 0; rc = 0
			for (i = 2; i < NF; i++) {
				# the fallback set (pcgc_*, kernels without bpf_rdonly_cast) is reported
				# under the same names
				if ($i == "name") { name = $(i + 1); sub(/^pcgc_/, "pcg_", name) }
				if ($i == "run_time_ns") rt = $(i + 1)
				if ($i == "run_cnt") rc = $(i + 1)
			}
			print id, name, rt, rc
		}'
}
if [ "$BPFSTATS" = 1 ] && [ "$HAVE_BPFTOOL" = 1 ]; then
	T_BPFS=$EPOCHREALTIME
	OLD_BPF_STATS=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null)
	if [ -z "$OLD_BPF_STATS" ] || ! sysctl -q -w kernel.bpf_stats_enabled=1 >/dev/null 2>&1; then
		note "kernel.bpf_stats_enabled cannot be set: in-kernel ns columns skipped"
		OLD_BPF_STATS=
	else
		for tr in podcg podcg-all bpftrace empty; do
			[ "$tr" = bpftrace ] && ! want bpftrace && continue
			[ "$tr" = empty ] && [ -z "$EMPTYLOAD" ] && continue
			wls=(exec cg)
			[ "$tr" = podcg ] && [ -n "$CG2_MNT" ] && wls+=(cexec)
			[ "$tr" = empty ] && wls=(exec)
			for wl in "${wls[@]}"; do
				if [ "$wl" = cg ]; then n=$CG_N; else n=$EXEC_N; fi
				tag=bs-$wl-$tr
				start_tracer "$tr" "$tag"
				case $tr in bpftrace) start_markers "$tag" ;; *) MARK_PID= ;; esac
				if ! wait_ready "$tr"; then
					stop_markers
					stop_ours "$TR_PID" INT 10
					note "bpf_stats pass: $tr did not start"
					continue
				fi
				stop_markers
				nap 0.3
				ids=$(prog_ids "$TR_PID")
				prog_stats $ids >"$WORK/$tag.s0"
				if ! run_wl "$wl" "$n" "$TOPBASE-$tag"; then
					stop_ours "$TR_PID" INT 60
					note "bpf_stats pass: the $wl workload failed under $tr"
					continue
				fi
				prog_stats $ids >"$WORK/$tag.s1"
				stop_ours "$TR_PID" INT 60
				awk -v tr="$tr" -v wl="$wl" -v u="$WL_UNITS" -v ev="$WL_EVENTS" '
					NR == FNR { rt[$1] = $3; rc[$1] = $4; next }
					($1 in rt) { printf "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", tr, wl, $2, $4 - rc[$1], $3 - rt[$1], u, ev }
				' "$WORK/$tag.s0" "$WORK/$tag.s1" >>"$BPFS"
				log "bpf_stats $wl $tr: $(awk -v tr="$tr" -v wl="$wl" '$1 == tr && $2 == wl && $4 > 0 { printf "%s %.0f ns/run; ", $3, $5 / $4 }' "$BPFS")"
				[ "$KEEP" = 1 ] || rm -rf "$TR_OUT" "$WORK/$tag".*
			done
		done
		sysctl -q -w kernel.bpf_stats_enabled="$OLD_BPF_STATS" >/dev/null 2>&1 ||
			log "warning: cannot restore kernel.bpf_stats_enabled=$OLD_BPF_STATS"
		OLD_BPF_STATS=
	fi
	T_BPFS=$(fsub "$EPOCHREALTIME" "$T_BPFS")
fi

# ---------------------------------------------------------------------------------------------
# 3. recording: bytes per event, replay speed

: >"$REC"
# seconds of the median of 3 replays of $1 into /dev/null (decode, correlate, format; not the
# page cache's cost of a file, nor one short run's noise), their stderr appended to $2
replay_median() {
	local ts=() t0 i
	for i in 1 2 3; do
		t0=$EPOCHREALTIME
		"$PODCG" -r "$1" --json >/dev/null 2>>"$2"
		ts+=("$(fsub "$EPOCHREALTIME" "$t0")")
	done
	printf '%s\n' "${ts[@]}" | sort -n | sed -n 2p
}
raw_events() { sed -n 's/^podcg-trace: \([0-9]*\) events, .*/\1/p' "$1" | tail -1; }
if [ "$RECORD" = 1 ]; then
	T_REC=$EPOCHREALTIME
	# a) default flags: the recording against the JSON of the same session; twice the matrix's
	# churn, as for the big one, so that the replay's start-up (about 2 ms) weighs little
	start_tracer podcg rec -w "$WORK/rec.pcgt"
	if wait_ready podcg; then
		nap 0.3
		run_wl cg $((CG_N * 2)) "$TOPBASE-rec"
		drain "$TR_OUT"
		stop_ours "$TR_PID" INT 60
		ev=$(raw_events "$TR_ERR")
		rb=$(fsize "$WORK/rec.pcgt")
		jb=$(fsize "$TR_OUT")
		jl=$(wc -l <"$TR_OUT")
		"$PODCG" -r "$WORK/rec.pcgt" --json >"$WORK/rec.replay.json" 2>"$WORK/rec.replay.err"
		rl=$(wc -l <"$WORK/rec.replay.json")
		rt=$(replay_median "$WORK/rec.pcgt" "$WORK/rec.replay.err")
		same=no
		cmp -s <(sed 's/"ts":"[^"]*",//' "$TR_OUT" | sort) <(sed 's/"ts":"[^"]*",//' "$WORK/rec.replay.json" | sort) && same=yes
		printf 'default\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$WL_UNITS" "${ev:-0}" "$rb" "$jb" "$jl" "$rt" "$rl" "$same" >>"$REC"
		log "recording (default): $ev raw events, $rb bytes recorded, JSON $jb bytes in $jl lines; replay ${rt}s, $rl lines, same as live: $same"
	else
		stop_ours "$TR_PID" INT 10
		note "recording pass: podcg-trace -w did not start: $(tail -2 "$TR_ERR" | tr '\n' ' ')"
	fi
	# b) a big one: every event of every hierarchy (--all --all-hierarchies), replayed 3 times
	start_tracer podcg recbig -q --all --all-hierarchies -w "$WORK/recbig.pcgt"
	if wait_ready podcg; then
		nap 0.3
		run_wl cg $((CG_N * 2)) "$TOPBASE-recbig"
		nap 0.5
		stop_ours "$TR_PID" INT 60
		ev=$(raw_events "$TR_ERR")
		rb=$(fsize "$WORK/recbig.pcgt")
		rt=$(replay_median "$WORK/recbig.pcgt" "$WORK/recbig.replay.err")
		"$PODCG" -r "$WORK/recbig.pcgt" --json >"$WORK/recbig.replay.json" 2>/dev/null
		jb=$(fsize "$WORK/recbig.replay.json")
		jl=$(wc -l <"$WORK/recbig.replay.json")
		printf 'big\t%s\t%s\t%s\t%s\t%s\t%s\t\t\n' "$WL_UNITS" "${ev:-0}" "$rb" "$jb" "$jl" "$rt" >>"$REC"
		log "recording (big, --all --all-hierarchies): $ev raw events, $rb bytes; replay median ${rt}s"
	else
		stop_ours "$TR_PID" INT 10
		note "recording pass: podcg-trace --all -w did not start"
	fi
	[ "$KEEP" = 1 ] || rm -f "$WORK"/rec*.pcgt "$WORK"/rec*.json "$WORK"/rec*.out "$WORK"/rec*.err
	T_REC=$(fsub "$EPOCHREALTIME" "$T_REC")
fi

# ---------------------------------------------------------------------------------------------
# 4. latency: event -> line visible in the output file

: >"$LAT"
if [ "$LATENCY" = 1 ]; then
	T_LAT=$EPOCHREALTIME
	start_tracer podcg lat
	if wait_ready podcg; then
		# N containers MS ms apart: cgstorm's percentiles and the tracer's CPU meanwhile
		lat_part() {
			local c0 c1 t0
			nap 0.3
			c0=$(cpu_ns "$TR_PID") t0=$EPOCHREALTIME
			"$CGSTORM" -t "$TOPBASE-lat$2" -b "$BT" -n "$1" -i "$2" -L "$TR_OUT" >"$WORK/lat.part" 2>"$WORK/lat.err" &
			LAT_PID=$!
			remember "$LAT_PID"
			wait "$LAT_PID" || note "latency pass: cgstorm -L (${2} ms apart) failed: $(tail -2 "$WORK/lat.err" | tr '\n' ' ')"
			forget "$LAT_PID"
			c1=$(cpu_ns "$TR_PID")
			sed "s/\$/ apart_ms=$2/" "$WORK/lat.part" >>"$LAT"
			echo "latency what=tracer_cpu n=$1 cpu_ns=$((c1 - c0)) secs=$(fsub "$EPOCHREALTIME" "$t0") apart_ms=$2" >>"$LAT"
		}
		lat_part "$LAT_N" 10
		[ "$LAT_SPARSE_N" -gt 0 ] && lat_part "$LAT_SPARSE_N" 200
		stop_ours "$TR_PID" INT 30
		log "latency: $(tr '\n' ' ' <"$LAT")"
	else
		stop_ours "$TR_PID" INT 10
		note "latency pass: podcg-trace did not start"
	fi
	T_LAT=$(fsub "$EPOCHREALTIME" "$T_LAT")
fi

# ---------------------------------------------------------------------------------------------
# 5. scale: many containers held, RSS and CPU per event at that size

# the mount point of the v1 hierarchy with id $1 ("" if none): its controllers from
# /proc/self/cgroup, matched against the super options of the cgroup mounts
v1_mount() {
	local ctrls
	ctrls=$(awk -F: -v h="$1" '$1 == h { print $2; exit }' /proc/self/cgroup)
	[ -n "$ctrls" ] || return 0
	awk -v c="$ctrls" '{ for (i = 7; i <= NF; i++) if ($i == "-") break
		if ($(i + 1) != "cgroup" || $4 != "/") next
		n = split(c, want, ","); ok = 1
		for (k = 1; k <= n; k++) if (index("," $(i + 3) ",", "," want[k] ",") == 0) ok = 0
		if (ok) { print $5; exit } }' /proc/self/mountinfo
}
: >"$SCALEF"
if [ "$SCALE" = 1 ]; then
	T_SCALE=$EPOCHREALTIME
	start_tracer podcg scale
	if wait_ready podcg; then
		nap 0.3
		key=$(sed -n 's/.*key v1 hierarchy \([0-9]*\).*/\1/p' "$TR_ERR" | head -1)
		mnts=()
		[ -n "$CG2_MNT" ] && mnts+=("$CG2_MNT")
		[ -n "$key" ] && [ "$key" != 0 ] && km=$(v1_mount "$key") && [ -n "$km" ] && mnts+=("$km")
		stop_top="$TOPBASE-scale"
		# SCALE_N pods of one container each, systemd layout (cgstorm's), random ids
		awk -v n="$SCALE_N" -v q="$stop_top/kubepods.slice/kubepods-besteffort.slice" \
			-f tests/bench/kubepods-dirs.awk >"$WORK/scale.dirs"
		rss0=$(awk '/^VmRSS:/ { print $2 }' "/proc/$TR_PID/status")
		c0=$(cpu_ns "$TR_PID")
		t0=$EPOCHREALTIME
		for m in "${mnts[@]}"; do
			(cd "$m" && mkdir -p "$stop_top/kubepods.slice/kubepods-besteffort.slice" &&
				xargs -a "$WORK/scale.dirs" mkdir) || note "scale pass: mkdir below $m failed"
		done
		tc=$(fsub "$EPOCHREALTIME" "$t0")
		drain "$TR_OUT"
		c1=$(cpu_ns "$TR_PID")
		cev=$((${#mnts[@]} * (2 * SCALE_N + 3)))
		made=$(grep -F "\"cgroup\":\"/$stop_top/" "$TR_OUT" | grep -c -F '"event":"container_create"')
		c2=$(cpu_ns "$TR_PID")
		run_wl cg "${SCALE_CHURN:-$CG_N}" "$TOPBASE-scalechurn" || note "scale pass: the churn failed"
		drain "$TR_OUT"
		c3=$(cpu_ns "$TR_PID")
		rss=$(rss_kib "$TR_PID")
		alive "$TR_PID" || note "scale pass: the tracer died"
		stop_ours "$TR_PID" INT 60
		printf 'containers=%s churn=%s hierarchies=%s rss0_kib=%s rss_kib=%s create_s=%s create_events=%s create_cpu_ns=%s reported=%s events=%s cpu_ns=%s\n' \
			"$SCALE_N" "$WL_UNITS" "${#mnts[@]}" "$rss0" "$rss" "$tc" "$cev" "$((c1 - c0))" "$made" \
			"$WL_EVENTS" "$((c3 - c2))" >"$SCALEF"
		log "scale: $(cat "$SCALEF")"
		# 2 x SCALE_N directories per hierarchy: rmdir in bulk, deepest first
		for m in "${mnts[@]}"; do
			[ -d "$m/$stop_top" ] && find "$m/$stop_top" -depth -mindepth 1 -type d -print0 | xargs -0 -r rmdir 2>/dev/null
		done
		remove_our_cgroups
	else
		stop_ours "$TR_PID" INT 10
		note "scale pass: podcg-trace did not start"
	fi
	[ "$KEEP" = 1 ] || rm -f "$WORK/scale.dirs" "$WORK"/scale.out "$WORK"/scale.err
	T_SCALE=$(fsub "$EPOCHREALTIME" "$T_SCALE")
fi

# ---------------------------------------------------------------------------------------------
# report

T_TOTAL=$(fsub "$EPOCHREALTIME" "$T_START")
mkdir -p "$BOUT"
for f in "$RUNS" "$BPFS" "$REC" "$LAT" "$SCALEF"; do
	cp "$f" "$BOUT/" 2>/dev/null
done
RUNS=$BOUT/${RUNS##*/} BPFS=$BOUT/${BPFS##*/} REC=$BOUT/${REC##*/} LAT=$BOUT/${LAT##*/} SCALEF=$BOUT/${SCALEF##*/}
[ -s "$SCALEF" ] || SCALEF=
declare -p EXEC_N CG_N REPS HIERS BT_KIND LAT_N LAT_SPARSE_N T_MATRIX T_BPFS T_REC T_LAT T_SCALE T_TOTAL RUNID NOTES \
	PODCG_BUILD RUN_DATE >"$BOUT/meta.env" 2>/dev/null
write_report
echo
cat "$RESULTS"
log "done in ${T_TOTAL}s; report in $RESULTS"
