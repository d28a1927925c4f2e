#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# run-tests.sh - runs the suites and prints one summary line "N passed, N failed, N skipped".
# Usage: scripts/run-tests.sh unit|e2e|all   (make test / make test-unit / make test-e2e)
# Every test prints "ok NAME", "not ok NAME" or "skip NAME"; this script counts those lines.
# Under CI (CI=true) a skipped test counts as failed: CI must never skip a real-BPF test.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
what=${1:-all}
out=${OUTPUT:-.output}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0

run() { # name, command...
	local name=$1
	shift
	echo "# --- $name"
	"$@" 2>&1 | tee -a "$log" | sed -e '/^ok /d' || true
	local st=${PIPESTATUS[0]}
	if ((st != 0)) && ! grep -q '^not ok' <(tail -n 200 "$log"); then
		echo "not ok $name (exit status $st)" | tee -a "$log"
	fi
	((st == 0)) || rc=1
}

if [[ $what == unit || $what == all ]]; then
	run unit "$out/test/unit"
	for r in "$out"/test/corpus_*; do
		[[ -x $r ]] || continue
		t=${r##*/corpus_}
		if "$r" "tests/fuzz/corpus/$t" >/dev/null 2>"$out/test/corpus_$t.log"; then
			echo "ok fuzz_corpus_$t" >>"$log"
		else
			echo "not ok fuzz_corpus_$t" | tee -a "$log"
			cat "$out/test/corpus_$t.log"
			rc=1
		fi
	done
	for t in tests/cli/t_*.sh tests/golden/t_*.sh; do
		[[ -x $t ]] && run "${t#tests/}" "$t"
	done
fi
if [[ $what == e2e || $what == all ]]; then
	if [[ $(id -u) -ne 0 ]]; then
		echo "skip e2e (needs root: real BPF and real containers)" | tee -a "$log"
	else
		for t in tests/e2e/t_*.sh; do
			[[ -x $t ]] && run "${t#tests/}" timeout 300 "$t"
		done
	fi
fi

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
