#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# run-all.sh - runs every tests/e2e/t_*.sh in turn (real BPF, real runc/dockerd pods) and prints
# "N passed, N failed, N skipped" from their ok / not ok / skip lines.
#
# Usage: sudo tests/e2e/run-all.sh [t_name ...]     (default: every t_*.sh)
# Env: PODCG (tracer binary), CI=true (a skip is a failure), E2E_TEST_TIMEOUT (s, default 120),
#      E2E_KEEP=1, E2E_VERBOSE=1 (see lib.sh).
set -u
dir=$(cd "$(dirname "$0")" && pwd)
timeout_s=${E2E_TEST_TIMEOUT:-120}

tests=()
if [ $# -gt 0 ]; then
	for t in "$@"; do t=${t%.sh}; tests+=("$dir/${t##*/}.sh"); done
else
	for t in "$dir"/t_*.sh; do tests+=("$t"); done
fi

pass=0 fail=0 skipped=0
t_all=$(date +%s%N)
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	if [ ! -f "$t" ]; then
		echo "not ok $name: no such test"; fail=$((fail + 1)); continue
	fi
	out=$(mktemp)
	t0=$(date +%s%N)
	# TERM first (the test's trap cleans up), KILL 30 s later (the next test reaps the journal)
	timeout --signal=TERM --kill-after=30 "$timeout_s" bash "$t" </dev/null 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	ms=$((($(date +%s%N) - t0) / 1000000))
	p=$(grep -c '^ok ' "$out"); f=$(grep -c '^not ok ' "$out"); s=$(grep -c '^skip ' "$out")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "not ok $name: timed out after ${timeout_s}s"; f=$((f + 1))
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok $name: exited $rc without a failing check"; f=$((f + 1))
	elif [ "$rc" = 0 ] && [ "$f" != 0 ]; then
		echo "not ok $name: exited 0 despite failing checks"; f=$((f + 1))
	fi
	echo "# $name: $p ok, $f not ok, $s skip, $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
	pass=$((pass + p)); fail=$((fail + f)); skipped=$((skipped + s))
	rm -f "$out"
done
ms=$((($(date +%s%N) - t_all) / 1000000))
echo "# e2e total: $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
