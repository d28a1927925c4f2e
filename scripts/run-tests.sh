#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# run-tests.sh - runs the suites and prints one summary line "N passed, N failed, N skipped".
# Usage: scripts/run-tests.sh unit|e2e|all   (make test / make test-unit / make test-e2e)
#
# Every test prints "ok NAME", "not ok NAME" or "skip NAME"; this script counts those lines.
# A test also fails, with one "not ok TEST (why)" line naming it, whatever it printed before,
# when it exits non-zero, dies by a signal, runs past its timeout, prints no result line at
# all, or when any process (the test's or one it started, even one whose exit status the test
# ignores) writes an ASan/UBSan/LSan report. Under CI (CI=true) a skipped test counts as
# failed: CI must never skip a real-BPF test.
#
# Env: OUTPUT (build dir, default .output), PODCG (the tracer the tests drive),
#   PCG_TEST_TIME_SCALE (integer factor on every timeout, e.g. 3 for a sanitized build),
#   PCG_TEST_TIMEOUT (seconds, overrides every per-test timeout), PCG_TEST_KILL_AFTER (seconds
#   from SIGTERM to SIGKILL at a timeout, default 30),
#   PCG_TEST_DIRS (space-separated directories: run their executable t_* files instead of the
#   suites; the runner's own test uses it, tests/cli/t_runner.sh).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
what=${1:-all}
out=${OUTPUT:-.output}
scale=${PCG_TEST_TIME_SCALE:-1}
kill_after=${PCG_TEST_KILL_AFTER:-30}
tmp=$(mktemp -d /tmp/podcg-tests.XXXXXX) || exit 1
chmod 755 "$tmp"
log=$tmp/all.log
: >"$log"
san=$tmp/san
mkdir -m 1777 "$san"
cur=
trap 'rm -rf "$tmp"' EXIT
# Ctrl-C / SIGTERM: stop the running test through timeout (its traps clean up), then stop.
trap 'interrupted=1; [[ -n $cur ]] && kill -TERM "$cur" 2>/dev/null' INT TERM
interrupted=0
rc=0

# Sanitizer reports go to files, one per process, so that none is lost in a test's output or
# in a process whose exit status nobody checks; any such file fails the test that was running.
# (ASan, UBSan and LSan share one log_path: whichever parses its options last sets it.)
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$san/report"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$san/report"
unset LSAN_OPTIONS

result() { echo "$1" | tee -a "$log"; }

run() { # timeout-seconds name command...
	local t=$1 name=$2 st t0 ms why= f
	shift 2
	[[ -n ${PCG_TEST_TIMEOUT:-} ]] && t=$PCG_TEST_TIMEOUT
	t=$((t * scale))
	echo "# --- $name"
	local tlog=$tmp/test.log
	: >"$tlog"
	t0=$(date +%s%N)
	# timeout runs the test in its own process group and signals all of it
	timeout --signal=TERM --kill-after="$kill_after" "$t" "$@" </dev/null >"$tlog" 2>&1 &
	cur=$!
	# the output as it comes (without the ok lines), until the test ends
	tail -s 0.2 --pid="$cur" -n +1 -f "$tlog" | sed -u -e '/^ok /d' &
	local shown=$!
	# (stderr off: bash's own "Killed" / "Segmentation fault" job notices; the verdict says it)
	{
		wait "$cur"
		st=$?
		while ((st > 128)) && kill -0 "$cur"; do # wait interrupted by our trap: test not over
			wait "$cur"
			st=$?
		done
		wait "$shown"
	} 2>/dev/null
	cur=
	ms=$((($(date +%s%N) - t0) / 1000000))
	cat "$tlog" >>"$log"
	if { ((st == 124)) || ((st == 137)); } && ((ms >= t * 1000)); then
		why="timed out after ${t} s"
	elif ((st > 128)); then
		why="killed by signal SIG$(kill -l $((st - 128)) 2>/dev/null || echo $((st - 128))) (status $st)"
	elif ((st != 0)); then
		grep -q '^not ok ' "$tlog" || why="exit status $st"
	elif ! grep -Eq '^(ok|not ok|skip) ' "$tlog"; then
		why="no ok / not ok / skip line"
	fi
	# a report on the test's own output (a runtime that ignores log_path, e.g. gcc's libubsan)
	grep -Eq '^==[0-9]+==ERROR: [A-Za-z]+Sanitizer|^SUMMARY: [A-Za-z]+Sanitizer|^[^#].*: runtime error: ' \
		"$tlog" && why="${why:+$why, }sanitizer report in its output"
	for f in "$san"/*; do
		[[ -e $f ]] || continue
		echo "# sanitizer report ${f##*/}:"
		sed -e 's/^/# /' "$f" | head -60
		why="${why:+$why, }sanitizer report"
		mv "$f" "$tmp/reported.${f##*/}"
	done
	if [[ -n $why ]]; then
		result "not ok $name ($why)"
		grep -q '^not ok ' "$tlog" || tail -n 20 "$tlog" | sed -e '/^ok /d' -e 's/^/# /'
	fi
	((st == 0)) && [[ -z $why ]] || rc=1
	echo "# $name: $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
	((interrupted)) && { echo "# interrupted"; exit 130; }
	return 0
}

if [[ -n ${PCG_TEST_DIRS:-} ]]; then
	for d in $PCG_TEST_DIRS; do
		for t in "$d"/t_*; do
			[[ -x $t ]] && run 60 "${d##*/}/${t##*/}" "$t"
		done
	done
else
	if [[ $what == unit || $what == all ]]; then
		run 300 unit "$out/test/unit"
		for r in "$out"/test/corpus_*; do
			[[ -x $r ]] || continue
			t=${r##*/corpus_}
			run 300 "fuzz_corpus_$t" sh -c '"$1" "$2" >/dev/null && echo "ok fuzz_corpus_$3"' \
				sh "$r" "tests/fuzz/corpus/$t" "$t"
		done
		for t in tests/cli/t_*.sh tests/golden/t_*.sh; do
			[[ -x $t ]] && run 120 "${t#tests/}" "$t"
		done
	fi
	if [[ $what == e2e || $what == all ]]; then
		if [[ $(id -u) -ne 0 ]]; then
			result "skip e2e (needs root: real BPF and real containers)"
		else
			for t in tests/e2e/t_*.sh; do
				[[ -x $t ]] && run 300 "${t#tests/}" "$t"
			done
		fi
	fi
fi

# a report written after its test ended (a process left behind) still fails the run
for f in "$san"/*; do
	[[ -e $f ]] || continue
	echo "# sanitizer report ${f##*/} (after the last test):"
	sed -e 's/^/# /' "$f" | head -60
	result "not ok sanitizer report ${f##*/}"
done

passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
skipped=$(grep -c '^skip ' "$log")
if [[ ${CI:-} == true ]] && ((skipped > 0)); then
	echo "# CI: $skipped skipped test(s) count as failed"
	failed=$((failed + skipped))
	rc=1
fi
((failed > 0)) && rc=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
